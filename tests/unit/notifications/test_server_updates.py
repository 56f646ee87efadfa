"""instance.update of the API's changes to a server (Nova sends one at
every save of an instance with ``notify_on_state_change`` set): a rename
carries ``old_display_name``, a lock ``locked``, new metadata
``metadata``, a started task or a reset state ``state_update``; the API
is the publisher. Driven over the compute API (in-process app), with
``notifications.send`` recorded."""
import fixtures

from tests.unit.api import fakes

ADMIN = dict(fakes.MEMBER, **{'X-Roles': 'admin,member'})


class ServerUpdateEventsTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send', self._record))
        self.api.conf.config(notify_on_state_change='vm_and_task_state',
                             group='notifications')
        self.server = self.create_server()
        self.sent.clear()

    def _record(self, context, event_type, payload, binary, host,
                priority='INFO'):
        self.sent.append((event_type, payload.obj_to_primitive()
                          ['nova_object.data'], binary))

    def updates(self):
        self.assertEqual({'instance.update'}, {e for e, _, _ in self.sent})
        self.assertEqual({'nova-lite-api'}, {b for _, _, b in self.sent})
        return [data for _, data, _ in self.sent]

    def test_rename_carries_the_old_name(self):
        resp = self.put('/v2.1/servers/%s' % self.server,
                        {'server': {'name': 'db'}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        [data] = self.updates()
        self.assertEqual('web', data['old_display_name'])
        self.assertEqual('db', data['display_name'])
        self.assertEqual(self.server, data['uuid'])
        state = data['state_update']['nova_object.data']
        self.assertEqual(state['old_state'], state['state'])

    def test_lock_and_unlock(self):
        for action in ('lock', 'unlock'):
            resp = self.post('/v2.1/servers/%s/action' % self.server,
                             {action: None})
            self.assertEqual(202, resp.status_code,
                             resp.get_data(as_text=True))
        self.assertEqual([True, False],
                         [d['locked'] for d in self.updates()])

    def test_lock_reason(self):
        # Microversion 2.73: the reason is in the update, unlock clears it.
        headers = dict(fakes.MEMBER, **{
            'OpenStack-API-Version': 'compute 2.73'})
        for body in ({'lock': {'locked_reason': 'maintenance'}},
                     {'unlock': None}):
            resp = self.post('/v2.1/servers/%s/action' % self.server, body,
                             headers)
            self.assertEqual(202, resp.status_code,
                             resp.get_data(as_text=True))
        self.assertEqual([(True, 'maintenance'), (False, None)],
                         [(d['locked'], d['locked_reason'])
                          for d in self.updates()])

    def test_rename_of_a_locked_server_keeps_the_reason(self):
        self.set_instance(self.server, locked=True, locked_by='owner',
                          locked_reason='maintenance')
        resp = self.put('/v2.1/servers/%s' % self.server,
                        {'server': {'name': 'db'}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        [data] = self.updates()
        self.assertEqual((True, 'maintenance'),
                         (data['locked'], data['locked_reason']))

    def test_metadata_set_and_delete(self):
        resp = self.post('/v2.1/servers/%s/metadata' % self.server,
                         {'metadata': {'a': '1', 'b': '2'}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        resp = self.delete('/v2.1/servers/%s/metadata/a' % self.server)
        self.assertEqual(204, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual([{'a': '1', 'b': '2'}, {'b': '2'}],
                         [d['metadata'] for d in self.updates()])

    def test_started_task_and_reset_state(self):
        self.set_instance(self.server, vm_state='active', task_state=None,
                          host='node1')
        resp = self.post('/v2.1/servers/%s/action' % self.server,
                         {'os-stop': None})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        resp = self.post('/v2.1/servers/%s/action' % self.server,
                         {'os-resetState': {'state': 'error'}},
                         headers=ADMIN)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        stop, reset = [d['state_update']['nova_object.data']
                       for d in self.updates()]
        self.assertEqual((None, 'powering-off'),
                         (stop['old_task_state'], stop['new_task_state']))
        self.assertEqual(('active', 'error', None),
                         (reset['old_state'], reset['state'],
                          reset['new_task_state']))

    def test_nothing_built_when_updates_are_off(self):
        self.api.conf.config(notify_on_state_change=None,
                             group='notifications')
        self.put('/v2.1/servers/%s' % self.server,
                 {'server': {'name': 'db'}})
        self.assertEqual([], self.sent)
