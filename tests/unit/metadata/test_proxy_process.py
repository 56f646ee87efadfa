"""nova_lite.cmd.metadata_proxy: the proxy served on [metadata]
proxy_listen:proxy_listen_port, forwarding signed requests to [metadata]
metadata_url (here a recording HTTP server on loopback)."""
import http.server
import socket
import threading
import time
import urllib.request

import fixtures
from oslo_config import fixture as config_fixture
import testtools

from nova_lite.cmd import metadata_proxy
from nova_lite import conf as nl_conf
from nova_lite.metadata import proxy

SECRET = 'lab-secret'


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        self.seen.append((self.path, dict(self.headers)))
        body = b'{"uuid": "x"}'
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ProxyProcessTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger())
        backend = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Recorder)
        _Recorder.seen = []
        threading.Thread(target=backend.serve_forever, daemon=True).start()
        self.addCleanup(backend.server_close)
        self.addCleanup(backend.shutdown)
        self.port = _free_port()
        self.cfg = self.useFixture(config_fixture.Config(nl_conf.CONF))
        self.cfg.config(
            group='metadata', proxy_listen='127.0.0.1',
            proxy_listen_port=self.port, proxy_workers=2,
            metadata_proxy_shared_secret=SECRET,
            metadata_url='http://127.0.0.1:%d' % backend.server_address[1])

    def _run(self):
        stop = threading.Event()
        done = []
        thread = threading.Thread(target=lambda: done.append(
            metadata_proxy.run_proxy(nl_conf.CONF, stop)), daemon=True)
        thread.start()
        self.addCleanup(thread.join, 30)
        self.addCleanup(stop.set)
        return stop, thread, done

    def _get(self, path, headers=None):
        deadline = time.monotonic() + 20
        while True:
            req = urllib.request.Request(
                'http://127.0.0.1:%d%s' % (self.port, path),
                headers=headers or {})
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status, resp.read()
            except ConnectionRefusedError:
                pass
            except urllib.error.URLError as exc:
                if not isinstance(exc.reason, ConnectionRefusedError):
                    raise
            if time.monotonic() > deadline:
                self.fail('the proxy did not listen')
            time.sleep(0.05)

    def test_forwards_signed_by_source_address_and_stops(self):
        self.cfg.config(group='metadata', proxy_network_id='net-1')
        stop, thread, done = self._run()
        status, body = self._get(
            '/openstack/latest/meta_data.json',
            {'X-Instance-ID': 'forged', 'X-Forwarded-For': '10.0.0.66'})
        self.assertEqual((200, b'{"uuid": "x"}'), (status, body))
        path, headers = _Recorder.seen[-1]
        self.assertEqual('/openstack/latest/meta_data.json', path)
        self.assertNotIn('X-Instance-ID', headers)
        self.assertEqual('127.0.0.1', headers['X-Forwarded-For'])
        self.assertEqual('net-1', headers['X-Network-ID'])
        self.assertEqual(proxy.sign(SECRET, '127.0.0.1,net-1'),
                         headers['X-Forwarded-For-Signature'])
        stop.set()
        thread.join(30)
        self.assertEqual([0], done)

    def test_no_secret_is_refused_at_start(self):
        self.cfg.config(group='metadata', metadata_proxy_shared_secret='')
        self.assertRaises(ValueError, metadata_proxy.run_proxy,
                          nl_conf.CONF, threading.Event())
