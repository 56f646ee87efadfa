"""Rescue and unrescue through the compute API, the service layer, a
real ComputeManager and the fake driver (``test_lifecycle``'s harness:
casts run in this thread, ``LocalConductor``): codes and bodies,
states, policies, instance actions, notifications, failures, the
restart rules and the sweeper's re-drive of a lost cast."""
import fixtures

from nova_lite.api.cloudstack import views as cs_views
from nova_lite.compute.lifecycle import rescue as lifecycle_rescue
from nova_lite.compute import recovery
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.conductor import sweeper
from nova_lite.db import images as image_db
from tests.unit.api import fakes
from tests.unit.compute import test_lifecycle

SERVERS = '/v2.1/servers'
RESCUE_IMAGE = '6a1c2b9e-29b3-4d7e-9f43-0a6c3f1d2e11'


class _RescueTestCase(test_lifecycle.LifecycleTestCase):

    def setUp(self):
        super().setUp()
        for name in ('rescue_instance', 'unrescue_instance'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))
        image_db.image_create(self.api.admin_context, {
            'uuid': RESCUE_IMAGE, 'name': 'rescue', 'status': 'active',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'size': 4096, 'min_disk': 0, 'min_ram': 0,
            'visibility': 'public', 'properties': {}})
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send',
            lambda ctx, event_type, *a, **kw: self.sent.append(event_type)))

    def action(self, body, headers=None, status=202):
        resp = self.post(self.path, body, headers)
        self.assertEqual(status, resp.status_code,
                         resp.get_data(as_text=True))
        return resp

    def rescue(self, body=None, headers=None):
        return self.action({'rescue': body}, headers, status=200).json

    def server(self):
        server = self.get('%s/%s' % (SERVERS, self.server_id),
                          fakes.ADMIN).json['server']
        return (server['status'], server['OS-EXT-STS:vm_state'],
                server['OS-EXT-STS:task_state'],
                server['OS-EXT-STS:power_state'])

    def console(self):
        return self.driver.get_console_output(None, self.instance())


class RescueTest(_RescueTestCase):

    def test_rescue_then_unrescue(self):
        body = self.rescue({'adminPass': 'fix-it-1'})
        self.assertEqual({'adminPass': 'fix-it-1'}, body)
        self.assertEqual(('RESCUE', 'rescued', None, states.RUNNING),
                         self.server())
        info = self.driver.rescue_info(self.server_id)
        # The server's own image, its disk second, the password given.
        self.assertEqual((fakes.IMAGE_UUID, ['rescue', 'root'], True, None),
                         (info['image_id'], info['disks'],
                          info['password_set'], info['config_drive']))
        self.assertIn('RESCUE %s' % fakes.IMAGE_UUID, self.console())
        self.action({'unrescue': None})
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.server())
        self.assertIsNone(self.driver.rescue_info(self.server_id))
        self.assertEqual(3, self.console().count('NOVA_LITE_GUEST_UP'))
        self.assertEqual([('compute_rescue_instance', 'Success')],
                         self.events('rescue'))
        self.assertEqual([('compute_unrescue_instance', 'Success')],
                         self.events('unrescue'))
        for name in ('rescue', 'unrescue'):
            self.assertIn('instance.%s.start' % name, self.sent)
            self.assertIn('instance.%s.end' % name, self.sent)

    def test_generated_password_and_rescue_image(self):
        body = self.rescue({'rescue_image_ref': RESCUE_IMAGE})
        self.assertEqual(['adminPass'], list(body))
        self.assertGreaterEqual(len(body['adminPass']), 12)
        self.assertEqual(RESCUE_IMAGE,
                         self.driver.rescue_info(self.server_id)['image_id'])

    def test_no_password_in_the_answer_when_disabled(self):
        self.api.conf.config(group='api', enable_instance_password=False)
        self.assertEqual({}, self.rescue())
        self.assertTrue(
            self.driver.rescue_info(self.server_id)['password_set'])

    def test_config_drive_of_the_rescue_guest(self):
        self.set_instance(self.server_id, config_drive=True)
        self.rescue({'adminPass': 'pw'})
        files = self.driver.rescue_info(self.server_id)['config_drive']
        self.assertIn('openstack/latest/meta_data.json', files)

    def test_stopped_and_error_servers_can_be_rescued(self):
        for vm_state in (states.STOPPED, states.ERROR):
            self.set_instance(self.server_id, vm_state=vm_state)
            self.rescue()
            self.assertEqual(('RESCUE', 'rescued', None, states.RUNNING),
                             self.server())
            self.action({'unrescue': {}})
            self.assertEqual('ACTIVE', self.server()[0])

    def test_cloudstack_sees_a_running_vm(self):
        # CloudStack has no rescue: the rescue guest runs.
        self.assertEqual('Running', cs_views.vm_state(states.RESCUED))
        self.assertEqual('Running', cs_views.vm_state(states.ACTIVE,
                                                      states.RESCUING))

    def test_status_filter_console_and_quota(self):
        before = self.get('/v2.1/limits').json['limits']['absolute']
        self.rescue()
        listed = self.get(SERVERS + '?status=RESCUE').json['servers']
        self.assertEqual([self.server_id], [s['id'] for s in listed])
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'get_console_output',
            lambda _rpc, ctxt, host, uuid, length:
                self.manager.get_console_output(ctxt, uuid, length)))
        resp = self.action({'os-getConsoleOutput': {}}, status=200)
        self.assertIn('RESCUE', resp.json['output'])
        after = self.get('/v2.1/limits').json['limits']['absolute']
        self.assertEqual(before, after)

    def test_wrong_states_conflict(self):
        self.assertFault(self.action({'unrescue': None}, status=409), 409,
                         'conflictingRequest', 'vm_state active')
        self.rescue()
        for body in ({'rescue': None}, {'reboot': {'type': 'HARD'}},
                     {'os-stop': None}, {'pause': None},
                     {'createImage': {'name': 'x'}}):
            self.assertFault(self.action(body, status=409), 409,
                             'conflictingRequest', 'rescued')
        self.set_instance(self.server_id, task_state=states.UNRESCUING)
        self.assertFault(self.action({'unrescue': None}, status=409), 409,
                         'conflictingRequest', 'task_state')
        self.set_instance(self.server_id, vm_state=states.VM_PAUSED,
                          task_state=None)
        self.assertFault(self.action({'rescue': None}, status=409), 409,
                         'conflictingRequest', 'paused')

    def test_locked_server_refuses_members_not_admins(self):
        self.action({'lock': None})
        self.assertFault(self.action({'rescue': None}, status=409), 409,
                         'conflictingRequest', 'locked')
        self.rescue(headers=fakes.ADMIN)
        self.assertFault(self.action({'unrescue': None}, status=409), 409,
                         'conflictingRequest', 'locked')
        self.action({'unrescue': None}, fakes.ADMIN)
        self.assertEqual('ACTIVE', self.server()[0])

    def test_policies(self):
        for name in ('rescue', 'unrescue'):
            self.assertFault(self.action({name: None}, fakes.READER,
                                         status=403), 403, 'forbidden')
            self.assertFault(self.action({name: None}, fakes.OTHER,
                                         status=404), 404, 'itemNotFound')

    def test_bad_bodies_and_images(self):
        for body in ({'rescue': {'rescue_image_ref': 'not-a-uuid'}},
                     {'rescue': {'adminPass': 1}},
                     {'rescue': {'force': True}}, {'rescue': 'x'},
                     {'unrescue': {'x': 1}}):
            self.assertFault(self.action(body, status=400), 400,
                             'badRequest')
        missing = {'rescue': {
            'rescue_image_ref': '0b0b0b0b-0000-4000-8000-000000000000'}}
        self.assertFault(self.action(missing, status=400), 400,
                         'badRequest', 'Can not find requested image')
        self.assertEqual(('ACTIVE', None), self.server()[:3:2])

    def test_driver_failure_is_error_with_a_fault(self):
        self.driver.fail_rescue = {'rescue'}
        self.rescue()
        self.assertEqual(('ERROR', 'error', None, states.SHUTDOWN),
                         self.server())
        self.assertIn('Rescue on host node1 failed', self.fault())
        self.assertEqual([('compute_rescue_instance', 'Error')],
                         self.events('rescue'))
        self.assertIn('compute.exception', self.sent)
        # ERROR can be rescued again (as Nova).
        self.driver.fail_rescue = set()
        self.rescue()
        self.assertEqual('RESCUE', self.server()[0])


class RescueRecoveryTest(_RescueTestCase):
    """Compute restarts and lost casts (doc/lifecycle-rescue.md)."""

    def recover(self):
        recovery.recover_host(self.api.admin_context, self.manager)
        return self.server()

    def test_rescue_cut_puts_the_original_guest_back(self):
        self.driver.rescue(None, self.instance(), [],
                           self.images.get(None, fakes.IMAGE_UUID), 'pw')
        self.set_instance(self.server_id, task_state=states.RESCUING)
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.recover())
        self.assertIsNone(self.driver.rescue_info(self.server_id))
        self.assertIn('Rescue interrupted', self.fault())
        self.assertEqual(3, self.console().count('NOVA_LITE_GUEST_UP'))

    def test_rescue_of_a_stopped_server_cut_leaves_it_off(self):
        self.set_instance(self.server_id, vm_state=states.STOPPED,
                          task_state=states.RESCUING)
        self.assertEqual(('SHUTOFF', 'stopped', None, states.SHUTDOWN),
                         self.recover())

    def test_unrescue_cut_runs_again(self):
        self.rescue()
        self.set_instance(self.server_id, task_state=states.UNRESCUING)
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.recover())
        self.assertIsNone(self.driver.rescue_info(self.server_id))

    def test_stable_rescued_is_left_alone(self):
        self.rescue()
        self.assertEqual(('RESCUE', 'rescued', None, states.RUNNING),
                         self.recover())

    def test_lost_casts_in_the_sweeper(self):
        casts = sweeper._ACTION_CASTS
        self.hold_casts = True
        self.rescue()
        self.hold_casts = False
        self.assertEqual(states.RESCUING, self.row().task_state)
        rpc = compute_rpcapi.ComputeAPI.__new__(compute_rpcapi.ComputeAPI)
        # A rescue's cast re-sent without its password: ended, not run.
        casts[states.RESCUING](rpc, self.api.admin_context, 'node1',
                               self.server_id)
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.server())
        self.assertIn('Rescue request lost', self.fault())
        self.assertIsNone(self.driver.rescue_info(self.server_id))
        self.rescue()
        self.hold_casts = True
        self.action({'unrescue': None})
        self.hold_casts = False
        casts[states.UNRESCUING](rpc, self.api.admin_context, 'node1',
                                 self.server_id)
        self.assertEqual('ACTIVE', self.server()[0])

    def test_delete_of_a_rescued_server(self):
        self.rescue()
        self.set_instance(self.server_id, task_state=states.DELETING)
        self.assertIn((states.RESCUED, states.DELETING),
                      lifecycle_rescue.RECOVERY)
        recovery.recover_host(self.api.admin_context, self.manager)
        self.assertEqual([], self.driver.list_instances())
        self.assertEqual(404, self.get('%s/%s' % (
            SERVERS, self.server_id)).status_code)
