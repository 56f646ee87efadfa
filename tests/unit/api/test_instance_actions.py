"""``/v2.1/servers/{id}/os-instance-actions`` (compute API reference,
"Servers actions (servers, os-instance-actions)", microversion 2.1) and
the ``os-resetState`` action, through the full WSGI pipeline."""
import datetime

from nova_lite import context as nl_context
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes

ACTION_KEYS = {'action', 'instance_uuid', 'request_id', 'user_id',
               'project_id', 'start_time', 'message'}
EVENT_KEYS = {'event', 'start_time', 'finish_time', 'result'}


class InstanceActionsTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.create_server()
        self.url = '/v2.1/servers/%s/os-instance-actions' % self.server_id

    def record_event(self, request_id, traceback=None):
        ctx = nl_context.RequestContext(
            user_id='compute', project_id=None, is_admin=True,
            roles=['admin'], request_id=request_id)
        action_db.action_event_record(
            ctx, self.server_id, 'compute_build_and_run_instance', 'Error',
            'node1', datetime.datetime(2026, 1, 1), traceback=traceback,
            finish_action=True)

    def test_list(self):
        resp = self.get(self.url, fakes.READER)
        self.assertEqual(200, resp.status_code, resp.json)
        (action,) = resp.json['instanceActions']
        self.assertEqual(ACTION_KEYS, set(action))
        self.assertEqual(('create', self.server_id, fakes.USER,
                          fakes.PROJECT),
                         (action['action'], action['instance_uuid'],
                          action['user_id'], action['project_id']))
        self.assertTrue(action['request_id'].startswith('req-'))
        self.assertRegex(action['start_time'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$')

    def test_newest_first(self):
        self.post('/v2.1/servers/%s/action' % self.server_id, {'lock': None})
        actions = self.get(self.url).json['instanceActions']
        self.assertEqual(['lock', 'create'], [a['action'] for a in actions])

    def test_show_with_events(self):
        request_id = self.get(self.url).json['instanceActions'][0][
            'request_id']
        self.record_event(request_id, traceback='Traceback: boom')
        old = self.get('%s/%s' % (self.url, request_id))
        self.assertEqual(ACTION_KEYS, set(old.json['instanceAction']))
        resp = self.get('%s/%s' % (self.url, request_id),
                        dict(fakes.MEMBER, **{
                            'OpenStack-API-Version': 'compute 2.51'}))
        self.assertEqual(200, resp.status_code, resp.json)
        action = resp.json['instanceAction']
        self.assertEqual(ACTION_KEYS | {'events'}, set(action))
        self.assertEqual('Error', action['message'])
        (event,) = action['events']
        self.assertEqual(EVENT_KEYS, set(event))
        self.assertEqual(('compute_build_and_run_instance', 'Error'),
                         (event['event'], event['result']))
        admin = self.get('%s/%s' % (self.url, request_id), fakes.ADMIN)
        (event,) = admin.json['instanceAction']['events']
        self.assertEqual('Traceback: boom', event['traceback'])

    def test_unknown_request_id_is_404(self):
        for bad in ('req-unknown', 'x' * 300):
            self.assertFault(self.get('%s/%s' % (self.url, bad)), 404,
                             'itemNotFound')

    def test_other_project_is_404(self):
        request_id = self.get(self.url).json['instanceActions'][0][
            'request_id']
        self.assertFault(self.get(self.url, fakes.OTHER), 404,
                         'itemNotFound')
        self.assertFault(self.get('%s/%s' % (self.url, request_id),
                                  fakes.OTHER), 404, 'itemNotFound')
        self.assertEqual(200, self.get(self.url, fakes.ADMIN).status_code)

    def test_unknown_server_is_404(self):
        for bad in ('nope', '3fa85f64-5717-4562-b3fc-2c963f66afa6'):
            self.assertFault(self.get(
                '/v2.1/servers/%s/os-instance-actions' % bad), 404,
                'itemNotFound')


class ResetStateTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.create_server()
        self.action_url = '/v2.1/servers/%s/action' % self.server_id

    def reset(self, state, headers=fakes.ADMIN):
        return self.post(self.action_url, {'os-resetState': {'state': state}},
                         headers)

    def test_reset_to_error_and_active(self):
        self.set_instance(self.server_id, host='node1',
                          task_state='spawning')
        resp = self.reset('error')
        self.assertEqual(202, resp.status_code, resp.data)
        row = instance_db.instance_get(self.api.admin_context, self.server_id)
        self.assertEqual(('error', None), (row.vm_state, row.task_state))
        self.assertEqual(202, self.reset('active').status_code)
        server = self.get('/v2.1/servers/' + self.server_id).json['server']
        self.assertEqual('ACTIVE', server['status'])
        actions = self.get('/v2.1/servers/%s/os-instance-actions'
                           % self.server_id).json['instanceActions']
        self.assertEqual(['resetState', 'resetState', 'create'],
                         [a['action'] for a in actions])

    def test_admin_only(self):
        for headers in (fakes.MEMBER, fakes.READER):
            self.assertFault(self.reset('error', headers), 403, 'forbidden')
        row = instance_db.instance_get(self.api.admin_context, self.server_id)
        self.assertEqual('building', row.vm_state)

    def test_bad_bodies_are_400(self):
        for body in ({'os-resetState': {'state': 'stopped'}},
                     {'os-resetState': {}},
                     {'os-resetState': None},
                     {'os-resetState': {'state': 'error', 'x': 1}}):
            self.assertFault(self.post(self.action_url, body, fakes.ADMIN),
                             400, 'badRequest')

    def test_unknown_server_is_404(self):
        resp = self.post('/v2.1/servers/nope/action',
                         {'os-resetState': {'state': 'error'}}, fakes.ADMIN)
        self.assertFault(resp, 404, 'itemNotFound')
