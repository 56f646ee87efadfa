"""Storage pools (``nova_lite.volume.pools``, ``nova_lite.db.storage_pools``)
on a migrated SQLite database: which pools a volume may go to and in
which order, the pool claim of a volume (create, extend, delete), the
storage level's error, the scheduler's StoragePoolFilter and the admin's
pool changes. The volume service's RPC is the process boundary (a
mock)."""
from unittest import mock

import fixtures
import testtools

from nova_lite import context as nl_context
from nova_lite.db import services as service_db
from nova_lite.db import storage_pools as pool_db
from nova_lite.db import topology as topology_db
from nova_lite.db import volumes as volume_db
from nova_lite.scheduler import filters
from nova_lite.scheduler import request as sched_request
from nova_lite import servicegroup
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors
from nova_lite.volume import pools
from tests.unit.scheduler import fakes


class PoolsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.user = nl_context.RequestContext(user_id='u', project_id='p',
                                              roles=['member'])
        for host in ('storage1', 'storage2'):
            service_db.service_register(self.admin, host, servicegroup.VOLUME,
                                        'volume')
        pod = topology_db.pod_create(self.admin, 'nova', 'rack1')
        self.c1, self.c2, self.c3 = (
            topology_db.cluster_create(self.admin, pod['uuid'], name)['uuid']
            for name in ('c1', 'c2', 'c3'))
        self.rpc = mock.Mock()
        self.useFixture(fixtures.MockPatch(
            'nova_lite.volume.api.volume_rpcapi', return_value=self.rpc))

    def pool(self, name, cluster=None, capacity=10, factor=1.0,
             host='storage1'):
        return pools.create(self.admin, name, host, 'nova', capacity,
                            cluster_uuid=cluster, over_provisioning=factor)

    def create(self, size, cluster=None):
        return volume_api.create(self.user, size, cluster_uuid=cluster)

    def allocated(self, pool):
        return pool_db.pool_get(self.admin, pool['uuid'])['allocated_gb']

    def test_without_stored_pools_the_host_default_pool_is_used(self):
        self.assertEqual((None, None), pools.candidates(self.admin, self.c1))
        volume = self.create(2, self.c1)
        self.assertIsNone(volume['pool_uuid'])
        self.assertIn(volume['host'], ('storage1', 'storage2'))
        default = pools.pool_get(self.admin,
                                 pools.default_pool_id(volume['host']))
        self.assertEqual((2, 'ZONE', True),
                         (default['allocated_gb'], pools.scope(default),
                          default['default']))

    def test_cluster_pools_most_free_first_then_zone_pools(self):
        small = self.pool('small', self.c1, capacity=4)
        big = self.pool('big', self.c1, capacity=5, host='storage2')
        wide = self.pool('wide', capacity=20)
        level, found = pools.candidates(self.admin, self.c1)
        self.assertEqual('cluster %s' % self.c1, level)
        self.assertEqual(['big', 'small'], [p['name'] for p in found])
        first = self.create(3, self.c1)
        self.assertEqual((big['uuid'], 'storage2'),
                         (first['pool_uuid'], first['host']))
        # big has 2 GiB left, small 4: small first now.
        second = self.create(3, self.c1)
        self.assertEqual(small['uuid'], second['pool_uuid'])
        # c2 has no pool of its own: the zone's pools; so has no cluster.
        self.assertEqual(wide['uuid'], self.create(1, self.c2)['pool_uuid'])
        self.assertEqual(wide['uuid'], self.create(1)['pool_uuid'])
        self.rpc.create_volume.assert_called_with(
            self.user, 'storage1', mock.ANY, image_id=None, snapshot_id=None)

    def test_a_full_pool_is_skipped_and_no_room_names_the_storage_level(self):
        a = self.pool('a', self.c1, capacity=2, factor=1.5)
        b = self.pool('b', self.c1, capacity=2)
        self.assertEqual(a['uuid'], self.create(3, self.c1)['pool_uuid'])
        self.assertEqual(b['uuid'], self.create(2, self.c1)['pool_uuid'])
        exc = self.assertRaises(errors.StorageCapacityExceeded, self.create,
                                1, self.c1)
        self.assertEqual(413, exc.code)
        self.assertIn('Insufficient capacity at the storage level: no '
                      'storage pool of cluster %s has room for 1 GiB' %
                      self.c1, exc.format_message())
        self.assertIn('pool a: 3 of 3 GiB allocated; pool b: 2 of 2 GiB',
                      exc.format_message())
        # Nothing of the refused volume stays: no row, no quota.
        self.assertEqual(2, len(volume_api.get_all(self.user)))
        self.assertEqual(5, volume_api.usage_summary(self.user,
                                                     'p')['gigabytes'])

    def test_pools_not_up_take_no_volume(self):
        down = self.pool('down', self.c1)
        off = self.pool('off', self.c1, host='storage2')
        pools.update(self.admin, off['uuid'], {'state': pools.DISABLED})
        service, = service_db.service_get_all(self.admin, host='storage1',
                                              binary=servicegroup.VOLUME)
        service_db.service_update(self.admin, service['id'],
                                  {'disabled': True})
        self.assertEqual([], pools.candidates(self.admin, self.c1)[1])
        self.assertRaises(errors.StorageCapacityExceeded, self.create, 1,
                          self.c1)
        self.assertRaises(errors.Invalid, pools.usable_pool, self.admin,
                          down['uuid'])
        self.assertEqual({self.c1: 0}, pools.cluster_free_gb(self.admin))

    def test_claim_follows_extend_and_delete(self):
        pool = self.pool('p', self.c1, capacity=10)
        volume = self.create(4, self.c1)
        volume_db.volume_update(self.admin, volume['uuid'],
                                {'status': 'available'})
        volume_api.extend(self.user, volume['uuid'], 6)
        self.assertEqual(6, self.allocated(pool))
        volume_db.volume_update(self.admin, volume['uuid'],
                                {'status': 'available', 'size': 6})
        exc = self.assertRaises(errors.StorageCapacityExceeded,
                                volume_api.extend, self.user,
                                volume['uuid'], 11)
        self.assertIn('storage pool p has 6 of 10 GiB allocated',
                      exc.format_message())
        self.assertEqual((6, 'available'), (self.allocated(pool),
                                           volume_api.get(
                                               self.user, volume['uuid'])[
                                               'status']))
        volume_db.volume_update(self.admin, volume['uuid'],
                                {'status': 'extending', 'size': 4})
        volume_db.volume_extend_failed(self.admin, volume['uuid'], 4, 6)
        self.assertEqual(4, self.allocated(pool))
        volume_db.volume_destroy(self.admin, volume['uuid'])
        self.assertEqual(0, self.allocated(pool))
        pools.delete(self.admin, pool['uuid'])
        self.assertRaises(errors.StoragePoolNotFound, pool_db.pool_get,
                          self.admin, pool['uuid'])

    def test_admin_changes_and_their_checks(self):
        pool = self.pool('p', self.c1, capacity=2)
        volume = self.create(2, self.c1)
        self.assertRaises(errors.Conflict, pools.delete, self.admin,
                          pool['uuid'])
        self.assertRaises(errors.Conflict, self.pool, 'p')
        self.assertRaises(errors.Invalid, pools.create, self.admin, 'x',
                          'no-such-host', 'nova', 5)
        self.assertRaises(errors.Invalid, self.pool, 'x', capacity=0)
        self.assertRaises(errors.Invalid, self.pool, 'x', factor=0.5)
        self.assertRaises(errors.Invalid, pools.update, self.admin,
                          pools.default_pool_id('storage1'),
                          {'capacity_gb': 5})
        self.assertRaises(errors.Invalid, pools.update, self.admin,
                          pool['uuid'], {'state': 'Gone'})
        # A smaller limit keeps what is allocated; new volumes stop.
        pools.update(self.admin, pool['uuid'], {'capacity_gb': 1})
        self.assertEqual((2, 1), (self.allocated(pool), pool_db.limit_gb(
            pool_db.pool_get(self.admin, pool['uuid']))))
        self.assertRaises(errors.StorageCapacityExceeded, self.create, 1,
                          self.c1)
        pools.update(self.admin, pool['uuid'], {'over_provisioning': 4.0})
        self.assertEqual({self.c1: 2}, pools.cluster_free_gb(self.admin))
        self.assertEqual('p', volume_api.pool_name(self.admin,
                                                   volume['pool_uuid']))
        self.assertEqual('file', volume_api.pool_name(self.admin, None))


class StoragePoolFilterTest(testtools.TestCase):

    def spec(self, volume_gb):
        hints = {sched_request.VOLUME_GB_HINT: [str(volume_gb)]} \
            if volume_gb else {}
        return fakes.view(scheduler_hints=hints)

    def test_hosts_of_clusters_without_room_are_rejected(self):
        flt, = filters.load_filters(['StoragePoolFilter'])
        self.assertFalse(flt.applies(self.spec(0)))
        spec = self.spec(3)
        spec.cluster_room = {'c1': 2, 'c2': 3}
        self.assertTrue(flt.applies(spec))
        self.assertEqual(
            'storage level: no storage pool of cluster c1 has 3 GiB free '
            '(roomiest: 2 GiB)',
            flt.host_passes(fakes.host_state('node1', cluster_uuid='c1'),
                            spec))
        self.assertIsNone(flt.host_passes(
            fakes.host_state('node2', cluster_uuid='c2'), spec))
        # No stored pool in its cluster, or no cluster: the zone's pools.
        self.assertIsNone(flt.host_passes(
            fakes.host_state('node3', cluster_uuid='c9'), spec))
        self.assertIsNone(flt.host_passes(fakes.host_state('node4'), spec))
