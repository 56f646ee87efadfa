"""Pause, unpause, suspend and resume through the compute API, the
service layer, a real ComputeManager and the fake driver
(``lifecycle_harness``): states, power states, instance actions,
notifications, driver failures, power sync and compute restart."""
import fixtures

from nova_lite.compute import recovery
from nova_lite.compute import states
from nova_lite import context as nl_context
from nova_lite.virt import driver as virt_driver
from tests.unit.api import fakes
from tests.unit.compute import lifecycle_harness

SERVERS = '/v2.1/servers'


class _LifecycleTestCase(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.compute = self.useFixture(lifecycle_harness.InProcessCompute())
        self.driver = self.compute.driver
        self.server_id = self.create_server()
        self.instance = self.compute.spawn(self.set_instance,
                                           self.server_id)
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send',
            lambda ctx, event_type, *a, **kw: self.sent.append(event_type)))

    def action(self, body, headers=None, status=202):
        resp = self.post('%s/%s/action' % (SERVERS, self.server_id), body,
                         headers)
        self.assertEqual(status, resp.status_code,
                         resp.get_data(as_text=True))
        return resp

    def server(self):
        resp = self.get('%s/%s' % (SERVERS, self.server_id), fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        server = resp.json['server']
        return (server['status'], server['OS-EXT-STS:vm_state'],
                server['OS-EXT-STS:task_state'],
                server['OS-EXT-STS:power_state'])

    def events(self):
        """[(action, [(event, result)])] of the server, oldest first."""
        url = '%s/%s/os-instance-actions' % (SERVERS, self.server_id)
        found = []
        for act in reversed(self.get(url).json['instanceActions']):
            detail = self.get('%s/%s' % (url, act['request_id']),
                              fakes.ADMIN).json['instanceAction']
            found.append((act['action'], [(e['event'], e['result'])
                                          for e in detail['events']]))
        return found

    def console_lines(self):
        return self.driver.get_console_output(None, self.instance).count(
            'NOVA_LITE_GUEST_UP')


class PauseSuspendTest(_LifecycleTestCase):

    def test_pause_unpause(self):
        self.action({'pause': None})
        self.assertEqual(('PAUSED', 'paused', None, states.PAUSED),
                         self.server())
        self.assertEqual(states.PAUSED,
                         self.driver.get_info(self.instance).state)
        self.action({'unpause': {}})
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.server())
        self.assertEqual(1, self.console_lines())   # no boot
        self.assertEqual(
            [('pause', [('compute_pause_instance', 'Success')]),
             ('unpause', [('compute_unpause_instance', 'Success')])],
            self.events()[1:])
        for name in ('pause', 'unpause'):
            self.assertIn('instance.%s.start' % name, self.sent)
            self.assertIn('instance.%s.end' % name, self.sent)

    def test_suspend_resume_keeps_the_guest_running_state(self):
        self.action({'suspend': None})
        # Nova: a suspended server's power state is shutdown.
        self.assertEqual(('SUSPENDED', 'suspended', None, states.SHUTDOWN),
                         self.server())
        self.action({'resume': None})
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.server())
        self.assertEqual(1, self.console_lines())   # resumed, not booted
        self.assertEqual(['suspend', 'resume'],
                         [a for a, _e in self.events()[1:]])
        self.assertIn('instance.suspend.end', self.sent)
        self.assertIn('instance.resume.end', self.sent)

    def test_wrong_states_conflict(self):
        for body in ({'unpause': None}, {'resume': None}):
            self.assertFault(self.action(body, status=409), 409,
                             'conflictingRequest', 'vm_state active')
        self.action({'pause': None})
        for body in ({'pause': None}, {'suspend': None}, {'resume': None},
                     {'os-stop': None}):
            self.assertFault(self.action(body, status=409), 409,
                             'conflictingRequest', 'paused')
        self.set_instance(self.server_id, task_state=states.UNPAUSING)
        self.assertFault(self.action({'unpause': None}, status=409), 409,
                         'conflictingRequest', 'task_state')

    def test_locked_server_refuses_members_not_admins(self):
        self.action({'lock': None})
        self.assertFault(self.action({'pause': None}, status=409), 409,
                         'conflictingRequest', 'locked')
        self.action({'suspend': None}, fakes.ADMIN)
        self.assertEqual('SUSPENDED', self.server()[0])

    def test_policies(self):
        for name in ('pause', 'suspend', 'unpause', 'resume', 'restore',
                     'forceDelete'):
            self.assertFault(self.action({name: None}, fakes.READER,
                                         status=403), 403, 'forbidden')
            self.assertFault(self.action({name: None}, fakes.OTHER,
                                         status=404), 404, 'itemNotFound')

    def test_bad_bodies(self):
        for body in ({'pause': {'force': True}}, {'suspend': 1},
                     {'pause': None, 'suspend': None}):
            self.assertFault(self.action(body, status=400), 400,
                             'badRequest')

    def test_driver_failure_keeps_the_vm_state(self):
        def fail(instance):
            raise RuntimeError('qemu went away')
        self.driver.pause = fail
        self.action({'pause': None})
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.server())
        self.assertEqual(('pause', [('compute_pause_instance', 'Error')]),
                         self.events()[-1])
        self.assertIn('compute.exception', self.sent)

    def test_power_sync_and_events_leave_paused_and_suspended(self):
        power = self.compute.manager.power
        self.action({'pause': None})
        self.assertEqual(0, power.sync_power_states())
        power.handle_event(virt_driver.LifecycleEvent(
            self.server_id, virt_driver.EVENT_STOPPED))
        self.assertEqual('PAUSED', self.server()[0])
        self.action({'unpause': None})
        self.action({'suspend': None})
        # A managed save shows as a stopped guest: not a STOPPED server.
        power.handle_event(virt_driver.LifecycleEvent(
            self.server_id, virt_driver.EVENT_STOPPED))
        self.assertEqual(0, power.sync_power_states())
        self.assertEqual(('SUSPENDED', 'suspended', None, states.SHUTDOWN),
                         self.server())


class RecoveryTest(_LifecycleTestCase):
    """A compute restarted in the middle of an action runs it again: each
    ends in the state the action would have reached."""

    def recover(self):
        recovery.recover_host(nl_context.get_admin_context(),
                              self.compute.manager)
        return self.server()

    def test_interrupted_pausing_ends_paused(self):
        self.set_instance(self.server_id, task_state=states.PAUSING)
        self.assertEqual(('PAUSED', 'paused', None, states.PAUSED),
                         self.recover())

    def test_interrupted_suspend_after_the_save_ends_suspended(self):
        self.driver.suspend(None, self.instance)
        self.set_instance(self.server_id, task_state=states.SUSPENDING)
        self.assertEqual(('SUSPENDED', 'suspended', None, states.SHUTDOWN),
                         self.recover())
        self.assertTrue(self.driver._guests[self.server_id]['saved'])

    def test_interrupted_resume_and_unpause_end_active(self):
        self.driver.suspend(None, self.instance)
        self.set_instance(self.server_id, vm_state=states.VM_SUSPENDED,
                          task_state=states.RESUMING)
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.recover())
        self.driver.pause(self.instance)
        self.set_instance(self.server_id, vm_state=states.VM_PAUSED,
                          task_state=states.UNPAUSING)
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.recover())
        self.assertEqual(1, self.console_lines())

    def test_stable_paused_and_suspended_are_left_alone(self):
        self.action({'pause': None})
        self.assertEqual(('PAUSED', 'paused', None, states.PAUSED),
                         self.recover())
