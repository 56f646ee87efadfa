"""In-process functional tests of the build engine (fake bus, SQLite):
scheduling failures, reschedules, delete during build, build semaphore."""
import time

import testtools

from nova_lite.compute import api as compute_api
from nova_lite.compute import flavors as compute_flavors
from nova_lite.compute import states
from nova_lite.conductor import manager as conductor_manager
from nova_lite.db import actions as action_db
from nova_lite.db import claims as claim_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import flavors as flavor_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite import exception
from tests.functional.fixtures import inprocess
from tests import db_helpers


class BuildEngineTestCase(testtools.TestCase):
    hosts = {'node1': 'fake', 'node2': 'fake'}
    overrides = {}

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            self.hosts, self.overrides))
        self.api = compute_api.API()
        self.ctxt = self.stack.context()

    def boot(self, flavor='1', count=1, name='vm'):
        rows, reservation_id = self.api.create(
            self.ctxt, name, self.stack.image['uuid'], flavor,
            min_count=count, max_count=count)
        return [r.uuid for r in rows], reservation_id

    def wait_stable(self, uuids, timeout=30):
        def _done():
            rows = [self.api.get(self.ctxt, u) for u in uuids]
            if all(r.vm_state != states.BUILDING for r in rows):
                return rows
            return None
        return inprocess.wait_for(_done, timeout, message='stable states')

    def wait_deleted(self, uuid, timeout=30):
        def _gone():
            try:
                self.api.get(self.ctxt, uuid)
            except exception.InstanceNotFound:
                return True
            return False
        inprocess.wait_for(_gone, timeout, message='%s deleted' % uuid)

    def assert_nothing_held(self):
        """No claim, usage or fixed IP is left (released within 5 s)."""
        admin = self.stack.admin

        def _held():
            usage = [(n['vcpus_used'], n['memory_mb_used'],
                      n['local_gb_used'])
                     for n in node_db.compute_node_get_all(admin)]
            return (db_helpers.allocations_get_all(admin),
                    db_helpers.fixed_ips_count_allocated(admin), usage)
        try:
            inprocess.wait_for(lambda: not any(
                (_held()[0], _held()[1], any(any(u) for u in _held()[2]))),
                timeout=5, message='resources released')
        except AssertionError:
            self.assertEqual(([], 0, []), _held())


class TestNetworkRequest(BuildEngineTestCase):
    """Compute API microversion 2.37: a server created with ``"networks":
    "none"`` becomes ACTIVE on the fake driver with no NIC nor fixed IP;
    one on the flat network gets both."""

    def test_server_without_network(self):
        rows, _ = self.api.create(self.ctxt, 'bare', self.stack.image['uuid'],
                                  '1', network_request='none')
        flat, _ = self.api.create(self.ctxt, 'flat', self.stack.image['uuid'],
                                  '1')
        bare, wired = self.wait_stable([rows[0].uuid, flat[0].uuid])
        self.assertEqual((states.ACTIVE, ()), (bare.vm_state, bare.fixed_ips))
        self.assertEqual(states.ACTIVE, wired.vm_state)
        self.assertEqual(1, len(wired.fixed_ips))
        guests = {}
        for compute in self.stack.computes.values():
            guests.update(compute.driver._guests)
        self.assertEqual([], guests[bare.uuid]['macs'])
        self.assertEqual([wired.fixed_ips[0].mac], guests[wired.uuid]['macs'])
        self.api.delete(self.ctxt, bare.uuid)
        self.api.delete(self.ctxt, wired.uuid)
        self.wait_deleted(bare.uuid)
        self.wait_deleted(wired.uuid)
        self.assert_nothing_held()


class TestImageCache(BuildEngineTestCase):
    """Compute API microversion 2.81: the computes of an aggregate cache
    images when asked (compute RPC 1.2 over the bus)."""

    def test_cache_images_of_an_aggregate(self):
        from nova_lite.compute import host_api
        from nova_lite.db import aggregates as aggregate_db
        agg = aggregate_db.aggregate_create(self.stack.admin, 'rack')
        aggregate_db.aggregate_host_add(self.stack.admin, agg['id'],
                                        'node1')
        image = self.stack.image['uuid']
        hosts = host_api.aggregate_cache_images(self.stack.admin, agg['id'],
                                                [image], self.api)
        self.assertEqual(['node1'], hosts)
        driver = self.stack.computes['node1'].driver
        inprocess.wait_for(lambda: image in getattr(
            driver, 'cached_images', ()), message='image cached')
        self.assertFalse(getattr(self.stack.computes['node2'].driver,
                                 'cached_images', ()))
        self.assertRaises(exception.Invalid, host_api.aggregate_cache_images,
                          self.stack.admin, agg['id'],
                          ['3f2a1b4c-0000-4000-8000-00000000beef'], self.api)


class TestMultiCreate(BuildEngineTestCase):

    def test_multi_create_lists_by_reservation_id(self):
        uuids, reservation_id = self.boot(count=4)
        self.boot(count=1, name='other')
        rows = self.wait_stable(uuids)
        self.assertEqual({states.ACTIVE}, {r.vm_state for r in rows})
        listed = self.api.get_all(self.ctxt,
                                  {'reservation_id': reservation_id})
        self.assertEqual(sorted(uuids), sorted(r.uuid for r in listed))
        self.assertEqual(['vm-1', 'vm-2', 'vm-3', 'vm-4'],
                         sorted(r.display_name for r in listed))
        self.assertEqual({'node1', 'node2'}, {r.host for r in rows})
        for row in rows:
            self.assertEqual(1, len(row.fixed_ips))
            self.assertTrue(row.fixed_ips[0].mac.startswith('fa:16:3e:'))


class TestNoValidHost(BuildEngineTestCase):
    overrides = {('fake', 'memory_mb'): 4096}

    def test_fault_names_rejecting_filter(self):
        # m1.large needs 8192 MiB; each host has (4096 - 512) * 1.5.
        uuids, _ = self.boot(flavor='4')
        row = self.wait_stable(uuids)[0]
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIsNone(row.task_state)
        self.assertIn('No valid host was found', row.fault.message)
        self.assertIn('RamFilter rejected 2 of 2 hosts', row.fault.message)
        self.assert_nothing_held()

    def test_disabled_host_is_reported(self):
        admin = self.stack.admin
        for svc in service_db.service_get_all(admin,
                                              binary='nova-lite-compute'):
            service_db.service_update(admin, svc['id'], {'disabled': True})
        row = self.wait_stable(self.boot()[0])[0]
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIn('ComputeFilter rejected 2 of 2 hosts',
                      row.fault.message)


class TestReschedule(BuildEngineTestCase):
    hosts = {'node1': 'fake_fail_first', 'node2': 'fake'}
    overrides = {('scheduler', 'host_subset_size'): 1}

    def test_spawn_failure_reschedules_to_alternate(self):
        admin = self.stack.admin
        node2 = node_db.compute_node_get_all(admin, host='node2')[0]
        # Make node1 the best host (more free RAM) so it is tried first.
        self.assertTrue(claim_db.claim(admin, node2['id'], 'placeholder', 1,
                                       1024, 1))
        uuids, _ = self.boot()
        row = self.wait_stable(uuids)[0]
        self.assertEqual(states.ACTIVE, row.vm_state)
        self.assertEqual('node2', row.host)
        self.assertEqual(1, self.stack.computes['node1'].driver.spawn_count)
        self.assertEqual([], self.stack.computes['node1'].driver
                         .list_instances())
        allocs = {a['instance_uuid']: a['compute_node_id']
                  for a in db_helpers.allocations_get_all(admin)}
        self.assertEqual({uuids[0]: node2['id'], 'placeholder': node2['id']},
                         allocs)
        faults = db_helpers.instance_faults_get(admin, uuids[0])
        self.assertIn('node1', faults[0].message)


class TestRescheduleExhausted(BuildEngineTestCase):
    hosts = {'node1': 'fake_fail_always', 'node2': 'fake_fail_always'}

    def test_all_hosts_fail_ends_in_error(self):
        uuids, _ = self.boot()
        row = self.wait_stable(uuids)[0]
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIn('Exhausted all hosts', row.fault.message)
        self.assert_nothing_held()
        for compute in self.stack.computes.values():
            self.assertEqual(1, compute.driver.spawn_count)


class TestDeleteDuringBuild(BuildEngineTestCase):
    hosts = {'node1': 'fake_slow'}
    overrides = {('fake', 'slow_spawn_delay'): 1.5}

    def test_delete_is_serialized_by_instance_lock(self):
        uuids, _ = self.boot()
        inprocess.wait_for(
            lambda: self.api.get(self.ctxt, uuids[0]).task_state
            == states.SPAWNING, message='spawning')
        self.api.delete(self.ctxt, uuids[0])
        self.wait_deleted(uuids[0])
        driver = self.stack.computes['node1'].driver
        self.assertEqual(1, driver.spawn_count)
        self.assertEqual([], driver.list_instances())
        self.assert_nothing_held()

    def test_delete_before_scheduling_finishes(self):
        uuids, _ = self.boot()
        self.api.delete(self.ctxt, uuids[0])
        self.wait_deleted(uuids[0])
        inprocess.wait_for(
            lambda: not db_helpers.allocations_get_all(self.stack.admin),
            message='claims released')
        self.assert_nothing_held()


class TestBuildSemaphore(BuildEngineTestCase):
    hosts = {'node1': 'fake_slow'}
    overrides = {('DEFAULT', 'max_concurrent_builds'): 2,
                 ('fake', 'slow_spawn_delay'): 0.4}

    def test_spawns_bounded_by_max_concurrent_builds(self):
        uuids, _ = self.boot(count=6)
        rows = self.wait_stable(uuids)
        self.assertEqual({states.ACTIVE}, {r.vm_state for r in rows})
        driver = self.stack.computes['node1'].driver
        self.assertEqual(6, driver.spawn_count)
        self.assertEqual(2, driver.max_concurrent_spawns)


class TestSweeper(BuildEngineTestCase):
    overrides = {('conductor', 'redrive_timeout'): 1,
                 ('conductor', 'build_timeout'): 3}

    def _lost_cast_instance(self, **values):
        """An instance row whose build cast never reached anyone."""
        api_values = self.api._instance_values(
            self.ctxt, 'lost', self.stack.image,
            compute_flavors.with_extra_specs(
                self.ctxt, flavor_db.flavor_get_by_flavorid(self.ctxt, '1')),
            0, 1, 'r-lost',
            None, None, None, None)
        api_values.update(values)
        return instance_db.instances_create(self.ctxt, [api_values])[0].uuid

    def test_lost_scheduling_cast_is_redriven(self):
        uuid = self._lost_cast_instance()
        row = self.wait_stable([uuid], timeout=20)[0]
        self.assertEqual(states.ACTIVE, row.vm_state)

    def test_build_on_vanished_host_times_out_to_error(self):
        uuid = self._lost_cast_instance(host='gone-host', node='gone-host',
                                        task_state=states.SPAWNING)
        row = self.wait_stable([uuid], timeout=20)[0]
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIn('Build timed out after 3 seconds', row.fault.message)


class TestSweeperActions(BuildEngineTestCase):
    """Server actions whose cast was lost: the API wrote the task state,
    nobody received the cast."""
    overrides = {('conductor', 'action_redrive_timeout'): 1}

    def setUp(self):
        super().setUp()
        uuids, _ = self.boot()
        self.uuid = uuids[0]
        self.row = self.wait_stable(uuids)[0]
        self.assertEqual(states.ACTIVE, self.row.vm_state)

    def lose_cast(self, task_state):
        """What the API writes before its cast (the cast is lost)."""
        instance_db.instance_update(self.stack.admin, self.uuid,
                                    {'task_state': task_state},
                                    expected_task_state=None)

    def wait_task_cleared(self):
        def _done():
            row = self.api.get(self.ctxt, self.uuid)
            return row if row.task_state is None else None
        return inprocess.wait_for(_done, 20, message='task state cleared')

    def test_lost_delete_is_cast_again(self):
        self.lose_cast(states.DELETING)
        self.wait_deleted(self.uuid, timeout=20)
        self.assert_nothing_held()

    def test_lost_reboot_and_stop_are_cast_again(self):
        self.lose_cast(states.REBOOTING_HARD)
        row = self.wait_task_cleared()
        self.assertEqual((states.ACTIVE, states.RUNNING),
                         (row.vm_state, row.power_state))
        self.lose_cast(states.POWERING_OFF)
        row = self.wait_task_cleared()
        self.assertEqual((states.STOPPED, states.SHUTDOWN),
                         (row.vm_state, row.power_state))
        # The compute records an action's event when the action returns,
        # after its state write: wait for it rather than race it.
        wanted = {'compute_reboot_instance', 'compute_stop_instance'}

        def _events():
            events = {e.event for a in action_db.actions_get(
                self.stack.admin, self.uuid) for e in a.events}
            return wanted <= events
        inprocess.wait_for(_events, 20, message='events %s' % wanted)

    def test_no_cast_to_a_compute_that_is_down(self):
        svc = service_db.service_get_all(self.stack.admin, host=self.row.host,
                                         binary='nova-lite-compute')[0]
        service_db.service_update(self.stack.admin, svc['id'],
                                  {'forced_down': True})
        self.lose_cast(states.DELETING)
        time.sleep(1.5)     # older than action_redrive_timeout
        sweeper = conductor_manager.ConductorManager('other').sweeper
        self.assertEqual((0, 0), sweeper.sweep())
        self.assertEqual(states.DELETING,
                         self.api.get(self.ctxt, self.uuid).task_state)
