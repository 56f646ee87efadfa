"""PowerSync: lifecycle events and the periodic sync write what the
hypervisor reports now, never a stale event's state."""
from nova_lite.compute import manager as compute_manager
from nova_lite.compute import power
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.objects import instance as instance_obj
from nova_lite import service
from nova_lite.virt import driver
from nova_lite.virt import fake
from tests.unit.compute import local_conductor
from tests.unit.api import fakes

HOST = 'node1'


class TestPowerSync(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.driver = fake.FakeDriver(HOST)
        self.sync = power.PowerSync(HOST, self.driver,
                                    local_conductor.LocalConductor())
        self.uuid = self.create_server()
        self.set_instance(self.uuid, host=HOST, vm_state=states.ACTIVE,
                          task_state=None, power_state=states.RUNNING)
        instance = instance_obj.Instance.from_db(
            instance_db.instance_get(self.api.admin_context, self.uuid))
        self.driver.spawn(None, instance, None, [])
        self.instance = instance

    def states(self):
        row = instance_db.instance_states_get(self.api.admin_context,
                                              self.uuid)
        return row.vm_state, row.task_state, row.power_state

    def test_late_stopped_event_after_reboot_is_ignored(self):
        # A reboot stopped and started the guest; its "stopped" event is
        # delivered after the reboot cleared task_state.
        self.driver.reboot(None, self.instance, [], 'SOFT')
        self.sync.handle_event(driver.LifecycleEvent(self.uuid,
                                                     driver.EVENT_STOPPED))
        self.assertEqual((states.ACTIVE, None, states.RUNNING),
                         self.states())

    def test_stopped_event_of_a_stopped_guest_is_recorded(self):
        self.driver.power_off(self.instance)
        self.sync.handle_event(driver.LifecycleEvent(self.uuid,
                                                     driver.EVENT_STOPPED))
        self.assertEqual((states.STOPPED, None, states.SHUTDOWN),
                         self.states())

    def test_event_during_a_task_writes_nothing(self):
        self.set_instance(self.uuid, task_state=states.REBOOTING)
        self.driver.power_off(self.instance)
        self.sync.handle_event(driver.LifecycleEvent(self.uuid,
                                                     driver.EVENT_STOPPED))
        self.assertEqual((states.ACTIVE, states.REBOOTING, states.RUNNING),
                         self.states())

    def test_event_of_a_vanished_guest_records_nostate(self):
        self.driver.destroy(None, self.instance, [])
        self.sync.handle_event(driver.LifecycleEvent(self.uuid,
                                                     driver.EVENT_CRASHED))
        self.assertEqual(states.NOSTATE, self.states()[2])

    def test_event_of_unknown_instance_is_ignored(self):
        self.sync.handle_event(driver.LifecycleEvent(
            '00000000-0000-0000-0000-000000000000', driver.EVENT_STOPPED))
        self.assertEqual((states.ACTIVE, None, states.RUNNING),
                         self.states())

    def test_periodic_sync_writes_only_changes(self):
        self.assertEqual(0, self.sync.sync_power_states())
        self.driver.power_off(self.instance)
        self.assertEqual(1, self.sync.sync_power_states())
        self.assertEqual((states.STOPPED, None, states.SHUTDOWN),
                         self.states())
        self.assertEqual(0, self.sync.sync_power_states())

    def test_nothing_written_once_the_service_stops(self):
        # A node halting stops its guests while its compute stops: no
        # STOPPED from that (the evacuation settles the server).
        self.sync.stop()
        self.driver.power_off(self.instance)
        self.sync.handle_event(driver.LifecycleEvent(self.uuid,
                                                     driver.EVENT_STOPPED))
        self.assertEqual(0, self.sync.sync_power_states())
        self.assertEqual((states.ACTIVE, None, states.RUNNING),
                         self.states())


class TestStopping(fakes.APITestCase):
    """The compute stops writing power states as soon as its service
    starts stopping (before its tasks and RPC servers stop)."""

    def test_service_stop_runs_the_pre_stop_hook_first(self):
        calls = []

        class Manager(service.Manager):
            def pre_stop_hook(self):
                calls.append('pre_stop_hook')

            def cleanup_host(self):
                calls.append('cleanup_host')
        service.Service(HOST, 'nova-lite-compute', 'compute',
                        Manager(HOST)).stop()
        self.assertEqual(['pre_stop_hook', 'cleanup_host'], calls)

    def test_compute_pre_stop_hook_drops_events_and_syncs(self):
        fake_driver = fake.FakeDriver(HOST)
        manager = compute_manager.ComputeManager(HOST, driver=fake_driver)
        self.addCleanup(manager._executor.shutdown, wait=False)
        fake_driver.register_event_listener(manager.power.handle_event)
        manager.pre_stop_hook()
        self.assertIsNone(fake_driver._event_callback)
        self.assertTrue(manager.power.stopping)
