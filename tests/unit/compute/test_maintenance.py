"""Host maintenance and the cluster rule of live migrations, through the
compute API, the conductor's live migration task, the scheduler and
three compute managers with fake drivers (``test_live_migration``'s
stack): src and dst in cluster c1, dst2 in cluster c2 (each 4096 MiB;
servers of 512 MiB)."""
from nova_lite.compute import api as compute_api
from nova_lite.compute import maintenance
from nova_lite.compute import states
from nova_lite.conductor import live_migrate
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import services as service_db
from nova_lite.db import topology as topology_db
from nova_lite import exception
from tests.unit.api import fakes
from tests.unit.compute import test_live_migration
from tests.unit.scheduler import fakes as scheduler_fakes


class ClusterTestCase(test_live_migration.LiveMigrationTestCase):

    def setUp(self):
        super().setUp()
        pod = topology_db.pod_create(self.admin, 'nova', 'rack1')
        self.c1 = topology_db.cluster_create(self.admin, pod['uuid'], 'c1')
        self.c2 = topology_db.cluster_create(self.admin, pod['uuid'], 'c2')
        for host, cluster in (('src', self.c1), ('dst', self.c1),
                              ('dst2', self.c2)):
            topology_db.host_set_cluster(self.admin, host, cluster['uuid'])

    def fill(self, host, memory_mb):
        """Claim ``memory_mb`` on ``host`` for a phantom consumer."""
        self.assertTrue(claim_db.claim(
            self.admin, self.stack.nodes[host]['id'], 'filler-' + host, 0,
            memory_mb, 0))

    def server_on(self, host, vm_state=states.ACTIVE):
        uuid = self.create_server()
        self.stack.queue.clear()
        self.stack.boot(uuid, host, vm_state=vm_state)
        return uuid

    def compute_service(self, host):
        (service,) = service_db.service_get_all(
            self.admin, binary='nova-lite-compute', host=host)
        return service


class LiveMigrationStaysInClusterTest(ClusterTestCase):

    def test_named_host_of_another_cluster_needs_block_migration(self):
        for block in ('auto', False):
            resp = self.live({'host': 'dst2', 'block_migration': block},
                             code=400)
            self.assertIn('not in cluster c1', resp.json['badRequest'][
                'message'])
        self.assertIsNone(self.row().task_state)
        self.live({'host': 'dst2', 'block_migration': True})
        self.stack.drain()
        self.assertEqual('dst2', self.row().host)

    def test_scheduler_keeps_the_cluster(self):
        # dst2 (emptier) would win the weighers; the rule keeps dst.
        self.fill('dst', 2048)
        self.live()
        self.assertEqual('dst', self.migration()['dest_compute'])

    def test_block_migration_may_cross_and_full_cluster_refuses(self):
        self.fill('dst', 4096)
        resp = self.live(version='2.30', code=400)
        self.assertIn('no host with room at the cluster level of cluster '
                      '%s (zone nova: pods rack1; pod rack1: clusters c1; '
                      'cluster c1: src (IgnoreHostsFilter), dst '
                      '(RamFilter))' % self.c1['uuid'],
                      resp.json['badRequest']['message'])
        self.live({'host': None, 'block_migration': True})
        self.assertEqual('dst2', self.migration_of_status('queued'))

    def test_stay_in_cluster(self):
        self.assertEqual(self.c1['uuid'], live_migrate.stay_in_cluster(
            self.admin, 'src', 'auto'))
        self.assertIsNone(live_migrate.stay_in_cluster(self.admin, 'src',
                                                       True))
        self.assertIsNone(live_migrate.stay_in_cluster(self.admin, 'other',
                                                       False))

    def migration_of_status(self, status):
        (row,) = migration_db.migration_get_all(
            self.admin, {'instance_uuid': self.server, 'status': status})
        return row['dest_compute']


class MaintenanceTest(ClusterTestCase):

    def state(self, host='src'):
        return maintenance.resource_state(self.admin,
                                          self.compute_service(host))

    def prepare(self, host='src'):
        return maintenance.prepare(self.admin, host, self.api_compute())

    @staticmethod
    def api_compute():
        return compute_api.API()

    def test_running_servers_move_in_the_cluster_stopped_stay(self):
        stopped = self.server_on('src', states.STOPPED)
        result = self.prepare()
        self.assertEqual({'migrating': [self.server], 'refused': {}},
                         result)
        service = self.compute_service('src')
        self.assertEqual((True, maintenance.REASON), (
            service['disabled'], service['disabled_reason']))
        self.assertEqual(maintenance.PREPARING, self.state())
        self.assertRaises(exception.Conflict, self.prepare)
        self.stack.drain()
        self.assertEqual(('dst', states.ACTIVE), (self.row().host,
                                                  self.row().vm_state))
        self.assertEqual(maintenance.MAINTENANCE, self.state())
        self.assertEqual('src', instance_db.instance_get(
            self.admin, stopped).host)
        # New servers avoid it (the scheduler skips a disabled host).
        self.assertNotEqual('src', self.schedule_one())
        maintenance.cancel(self.admin, 'src')
        self.assertEqual(maintenance.ENABLED, self.state())
        self.assertRaises(exception.Conflict, maintenance.cancel,
                          self.admin, 'src')

    def test_no_room_in_the_cluster_is_error_in_maintenance(self):
        self.fill('dst', 4096)
        result = self.prepare()
        self.assertEqual([self.server], result['migrating'])
        # The conductor's check failed at once: the server stays, ACTIVE.
        self.assertEqual(('src', None), (self.row().host,
                                         self.row().task_state))
        self.assertEqual(maintenance.ERROR, self.state())
        self.assertEqual([self.server], [
            i.uuid for i in maintenance.left_behind(self.admin, 'src')])
        # Room again: preparing anew moves what is left.
        claim_db.unclaim(self.admin, 'filler-dst')
        self.prepare()
        self.stack.drain()
        self.assertEqual(maintenance.MAINTENANCE, self.state())

    def test_refusals(self):
        instance_db.instance_update(self.admin, self.server,
                                    {'task_state': states.REBOOTING})
        self.assertRaises(exception.Conflict, self.prepare)
        instance_db.instance_update(self.admin, self.server, {
            'task_state': None, 'vm_state': states.ERROR})
        self.assertRaises(exception.Conflict, self.prepare)
        self.assertFalse(self.compute_service('src')['disabled'])
        self.assertRaises(exception.ComputeHostNotFound,
                          maintenance.prepare, self.admin, 'nope',
                          self.api_compute())
        # A host merely disabled (os-services) is not in maintenance.
        service_db.service_update(self.admin,
                                  self.compute_service('dst')['id'],
                                  {'disabled': True,
                                   'disabled_reason': 'broken fan'})
        self.assertEqual(maintenance.DISABLED, self.state('dst'))
        self.assertRaises(exception.Conflict, maintenance.cancel,
                          self.admin, 'dst')

    def schedule_one(self):
        """The host the scheduler claims for a new server."""
        uuid = self.create_server(fakes.MEMBER)
        self.stack.queue.clear()
        (chosen, *_), = self.stack.scheduler.select_destinations(
            self.admin, scheduler_fakes.spec(), [uuid])
        return chosen.service_host
