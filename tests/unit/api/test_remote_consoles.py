"""Remote consoles through the compute API: codes and versions of
remote-consoles, the get*Console actions and os-console-auth-tokens,
policies, and the tokens' life (issue, validate, expire, revoke). The
compute's RPC answer (where the console is) is mocked: a process
boundary."""
import datetime
from unittest import mock
import urllib.parse

import sqlalchemy as sa

from nova_lite.compute import consoles
from nova_lite.compute import rpcapi
from nova_lite.db import instances as instance_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite import exception
from tests.unit.api import fakes

SOCKET = {'host': None, 'port': None, 'path': '/srv/i/vnc.sock'}


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{'OpenStack-API-Version': 'compute ' + version})


def token_of(url):
    """The token in a noVNC or serial console URL."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    if 'path' in query:
        query = urllib.parse.parse_qs(query['path'][0].lstrip('?'))
    return query['token'][0]


class ConsoleAPITestBase(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.rpc_vnc = self.patch_rpc('get_vnc_console')
        self.rpc_serial = self.patch_rpc('get_serial_console')
        self.server_id = self.create_server()
        self.set_instance(self.server_id, host='node1', vm_state='active',
                          task_state=None)
        self.url = '/v2.1/servers/%s/remote-consoles' % self.server_id

    def patch_rpc(self, method):
        patcher = mock.patch.object(rpcapi.ComputeAPI, method,
                                    return_value=dict(SOCKET))
        self.addCleanup(patcher.stop)
        return patcher.start()

    def create_console(self, protocol='vnc', console_type='novnc',
                       version='2.6', headers=fakes.MEMBER):
        return self.post(self.url, {'remote_console': {
            'protocol': protocol, 'type': console_type}},
            at(version, headers))

    def validate(self, token):
        return consoles.validate(self.api.admin_context, token)


class RemoteConsolesTest(ConsoleAPITestBase):

    def test_novnc_console(self):
        resp = self.create_console()
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        body = resp.json['remote_console']
        self.assertEqual({'protocol', 'type', 'url'}, set(body))
        self.assertEqual(('vnc', 'novnc'), (body['protocol'], body['type']))
        self.assertTrue(body['url'].startswith(
            'http://127.0.0.1:6080/vnc_lite.html?path=%3Ftoken%3D'))
        row = self.validate(token_of(body['url']))
        self.assertEqual(('novnc', self.server_id, 'node1',
                          '/srv/i/vnc.sock'),
                         (row['console_type'], row['instance_uuid'],
                          row['host'], row['target_path']))
        self.rpc_vnc.assert_called_once_with(mock.ANY, 'node1',
                                             self.server_id)

    def test_serial_console(self):
        resp = self.create_console('serial', 'serial')
        self.assertEqual(200, resp.status_code)
        url = resp.json['remote_console']['url']
        self.assertTrue(url.startswith('ws://127.0.0.1:6080/?token='), url)
        self.assertEqual('serial', self.validate(token_of(url))[
            'console_type'])

    def test_route_starts_at_2_6(self):
        self.assertFault(self.create_console(version='2.5'), 404,
                         'itemNotFound')

    def test_refused_protocols(self):
        # spice: no SPICE server (400); rdp, mks: no driver (501); a type
        # of another protocol, or xvpvnc (gone from Nova): 400.
        for protocol, kind, code, name in (
                ('spice', 'spice-html5', 400, 'badRequest'),
                ('rdp', 'rdp-html5', 501, 'notImplemented'),
                ('vnc', 'serial', 400, 'badRequest'),
                ('vnc', 'xvpvnc', 400, 'badRequest'),
                ('serial', 'novnc', 400, 'badRequest')):
            self.assertFault(self.create_console(protocol, kind), code, name)
        self.assertFault(self.create_console('mks', 'webmks', '2.7'), 400,
                         'badRequest')
        self.assertFault(self.create_console('mks', 'webmks', '2.8'), 501,
                         'notImplemented')
        self.assertFault(self.create_console('spice', 'spice-direct',
                                             '2.98'), 400, 'badRequest')
        self.rpc_vnc.assert_not_called()

    def test_bad_bodies(self):
        for body in ({}, {'remote_console': {'protocol': 'vnc'}},
                     {'remote_console': {'protocol': 'vnc', 'type': 'novnc',
                                         'x': 1}}):
            self.assertFault(self.post(self.url, body, at('2.6')), 400,
                             'badRequest')

    def test_server_states(self):
        self.set_instance(self.server_id, host=None)
        self.assertFault(self.create_console(), 409, 'conflictingRequest')
        self.set_instance(self.server_id, host='node1', vm_state='stopped')
        self.assertFault(self.create_console(), 409, 'conflictingRequest')
        self.assertFault(self.post(
            '/v2.1/servers/%s/remote-consoles' % fakes.IMAGE_UUID,
            {'remote_console': {'protocol': 'vnc', 'type': 'novnc'}},
            at('2.6')), 404, 'itemNotFound')

    def test_compute_errors(self):
        self.rpc_vnc.side_effect = exception.ConsoleTypeUnavailable(
            console_type='novnc')
        self.assertFault(self.create_console(), 400, 'badRequest',
                         'Unavailable console type novnc')
        self.rpc_vnc.side_effect = exception.ConsoleNotAvailable()
        self.assertFault(self.create_console(), 409, 'conflictingRequest')
        self.rpc_vnc.side_effect = exception.NotSupportedByDriver(
            operation='vnc console', host='node1')
        self.assertFault(self.create_console(), 501, 'notImplemented')

    def test_policy(self):
        # Another project does not see the server; admins may.
        self.assertFault(self.create_console(headers=fakes.OTHER), 404,
                         'itemNotFound')
        self.assertEqual(200, self.create_console(
            headers=fakes.ADMIN).status_code)
        self.assertFault(self.create_console(headers=fakes.READER), 403,
                         'forbidden')


class ConsoleActionsTest(ConsoleAPITestBase):

    def action(self, name, kind, version='2.1'):
        return self.post('/v2.1/servers/%s/action' % self.server_id,
                         {name: {'type': kind}}, at(version))

    def test_actions_until_2_5(self):
        resp = self.action('os-getVNCConsole', 'novnc')
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual('novnc', resp.json['console']['type'])
        self.assertIsNotNone(self.validate(token_of(
            resp.json['console']['url'])))
        resp = self.action('os-getSerialConsole', 'serial', '2.5')
        self.assertEqual(200, resp.status_code)
        self.assertFault(self.action('os-getVNCConsole', 'novnc', '2.6'),
                         400, 'badRequest')

    def test_refused_actions(self):
        self.assertFault(self.action('os-getSPICEConsole', 'spice-html5'),
                         400, 'badRequest', 'Unavailable console type')
        self.assertFault(self.action('os-getRDPConsole', 'rdp-html5'), 501,
                         'notImplemented')
        self.assertFault(self.action('os-getVNCConsole', 'serial'), 400,
                         'badRequest')


class ConsoleTokensTest(ConsoleAPITestBase):

    def token(self, version='2.6'):
        return token_of(self.create_console(version=version).json[
            'remote_console']['url'])

    def test_auth_tokens_show(self):
        token = self.token()
        url = '/v2.1/os-console-auth-tokens/' + token
        resp = self.get(url, at('2.31', fakes.ADMIN))
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual({'instance_uuid': self.server_id, 'host': 'node1',
                          'port': None,
                          'internal_access_path': '/srv/i/vnc.sock'},
                         resp.json['console'])
        self.assertIsNone(self.get(url, at('2.99', fakes.ADMIN)).json[
            'console']['tls_port'])
        self.assertFault(self.get(url + '?x=1', at('2.99', fakes.ADMIN)),
                         400, 'badRequest')
        # Before 2.31 only RDP tokens could be shown.
        self.assertEqual(401, self.get(url, at('2.30', fakes.ADMIN))
                         .status_code)
        self.assertFault(self.get(url, at('2.31')), 403, 'forbidden')
        self.assertFault(self.get(url + 'x', at('2.31', fakes.ADMIN)), 404,
                         'itemNotFound')

    def test_only_the_hash_is_stored(self):
        token = self.token()
        with db_session.reader(self.api.admin_context) as session:
            hashes = list(session.scalars(sa.select(
                models.ConsoleAuthToken.token_hash)))
        self.assertEqual([consoles.hash_token(token)], hashes)
        self.assertNotIn(token, hashes)

    def test_expiry(self):
        token = self.token()
        later = db_session.utcnow() + datetime.timedelta(seconds=601)
        with mock.patch.object(consoles.token_db, 'utcnow',
                               return_value=later):
            self.assertIsNone(self.validate(token))
        self.assertIsNotNone(self.validate(token))

    def test_revoked_by_delete(self):
        token = self.token()
        self.assertEqual(204, self.delete(
            '/v2.1/servers/' + self.server_id).status_code)
        # The delete is cast to the compute (nothing listens here); the
        # instance's record is destroyed as its compute would.
        instance_db.instance_destroy(self.api.admin_context, self.server_id)
        self.assertIsNone(self.validate(token))
        self.assertFault(self.get('/v2.1/os-console-auth-tokens/' + token,
                                  at('2.31', fakes.ADMIN)), 404,
                         'itemNotFound')

    def test_revoked_by_a_move(self):
        token = self.token()
        self.set_instance(self.server_id, host='node1', task_state=None)
        self.assertIsNotNone(self.validate(token))
        self.set_instance(self.server_id, host='node2')
        self.assertIsNone(self.validate(token))
        self.assertFault(self.get('/v2.1/os-console-auth-tokens/' + token,
                                  at('2.31', fakes.ADMIN)), 404,
                         'itemNotFound')

    def test_revoked_by_soft_delete_and_rebuild(self):
        token = self.token()
        self.set_instance(self.server_id, vm_state='soft-delete')
        self.assertIsNone(self.validate(token))
        self.set_instance(self.server_id, vm_state='active')
        self.assertIsNone(self.validate(token))
        token = self.token()
        resp = self.post('/v2.1/servers/%s/action' % self.server_id,
                         {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertIsNone(self.validate(token))

    def test_bad_tokens(self):
        self.token()
        for token in (None, '', 'x', 'x' * 300):
            self.assertIsNone(self.validate(token))
