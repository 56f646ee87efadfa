"""Remote consoles end to end on the in-process stack: a server of the
fake driver, its noVNC and serial consoles created through the compute
API (``build_app``, noauth), and the console proxy of
``nova-lite-novncproxy`` (``cmd.novncproxy.make_server``) relaying a
WebSocket to the fake driver's RFB stand-in; expired and revoked tokens
are refused."""
import threading
import time
import urllib.parse

from oslo_config import cfg
import testtools
from werkzeug import test as werkzeug_test

from nova_lite.api import wsgi
from nova_lite.cmd import novncproxy
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite import policy
from tests.functional.fixtures import inprocess
from tests import ws_client

CONF = cfg.CONF
MEMBER = {'X-User-Id': 'u', 'X-Project-Id': 'p', 'X-Roles': 'member',
          'OpenStack-API-Version': 'compute 2.6'}


def websocket_path(url):
    """The path noVNC opens for a console URL (its ``path`` parameter),
    or the serial URL's own path and query."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    if 'path' in query:
        return '/' + query['path'][0]
    return parts.path + '?' + parts.query


class ConsolesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        CONF([], project='nova_lite', default_config_files=[],
             default_config_dirs=[])
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}, {('api', 'auth_strategy'): 'noauth',
                                ('console_proxy', 'port'): 0,
                                ('console_proxy', 'web'): '/nonexistent',
                                ('consoleauth', 'token_ttl'): 3}))
        policy.reset()
        self.addCleanup(policy.reset)
        self.client = werkzeug_test.Client(wsgi.build_app(CONF))
        self.proxy = novncproxy.make_server(CONF)
        threading.Thread(target=self.proxy.serve_forever,
                         kwargs={'poll_interval': 0.05}, daemon=True).start()
        self.addCleanup(self.proxy.server_close)
        self.addCleanup(self.proxy.shutdown)
        resp = self.client.post('/v2.1/servers', json={'server': {
            'name': 'vm', 'flavorRef': '1',
            'imageRef': self.stack.image['uuid']}}, headers=MEMBER)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.server_id = resp.get_json()['server']['id']
        inprocess.wait_for(
            lambda: instance_db.instance_get(
                self.stack.admin, self.server_id).vm_state == states.ACTIVE,
            timeout=20, message='server ACTIVE')

    def console(self, protocol='vnc', kind='novnc'):
        resp = self.client.post(
            '/v2.1/servers/%s/remote-consoles' % self.server_id,
            json={'remote_console': {'protocol': protocol, 'type': kind}},
            headers=MEMBER)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        return resp.get_json()['remote_console']['url']

    def open(self, url):
        client = ws_client.WebSocketClient(
            '127.0.0.1', self.proxy.server_address[1], websocket_path(url))
        self.addCleanup(client.close)
        self.assertEqual(101, client.status, client.response)
        return client

    def gone(self):
        try:
            instance_db.instance_get(self.stack.admin, self.server_id)
        except exception.InstanceNotFound:
            return True
        return False

    def test_novnc_rfb_through_the_proxy(self):
        client = self.open(self.console())
        self.assertEqual(b'RFB 003.008\n', client.recv_exact(12))
        client.send(b'RFB 003.008\n')
        self.assertEqual(b'\x01\x01', client.recv_exact(2))

    def test_serial_console_through_the_same_proxy(self):
        client = self.open(self.console('serial', 'serial'))
        banner = client.recv()
        self.assertIn(b'NOVA_LITE_GUEST_UP', banner)
        client.send(b'echo me\r')
        self.assertEqual(b'echo me\r', client.recv_exact(8))

    def test_expired_token_refused(self):
        url = self.console()
        time.sleep(3.2)
        self.assertIsNone(self.open(url).recv())

    def test_revoked_when_deleted(self):
        url = self.console()
        open_before = self.open(url)
        self.assertEqual(b'RFB 003.008\n', open_before.recv_exact(12))
        resp = self.client.delete('/v2.1/servers/' + self.server_id,
                                  headers=MEMBER)
        self.assertEqual(204, resp.status_code)
        inprocess.wait_for(lambda: self.gone(), timeout=20,
                           message='server deleted')
        self.assertIsNone(self.open(url).recv())
