"""The console proxy with websockify's real handler: WebSockets relayed
to local Unix and TCP echo servers and to the fake driver's RFB
stand-in, refused for bad tokens, foreign origins and past the
connection limit; noVNC's files over HTTP."""
import os
import socket
import socketserver
import tempfile
import threading
import urllib.request

import fixtures
import testtools

from nova_lite.console import proxy
from nova_lite.virt import fake_console
from tests import ws_client


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b'hello ')
        while True:
            data = self.request.recv(4096)
            if not data:
                return
            self.request.sendall(data)


class _UnixEcho(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _TCPEcho(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True


def _serve(server):
    threading.Thread(target=server.serve_forever, kwargs={
        'poll_interval': 0.05}, daemon=True).start()
    return server


class ProxyTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        unix = _serve(_UnixEcho(os.path.join(self.tmp, 'echo.sock'), _Echo))
        tcp = _serve(_TCPEcho(('127.0.0.1', 0), _Echo))
        for server in (unix, tcp):
            self.addCleanup(server.server_close)
            self.addCleanup(server.shutdown)
        self.tokens = {
            'unix-token': {'target_path': unix.server_address,
                           'instance_uuid': 'i-1', 'console_type': 'serial'},
            'tcp-token': {'target_path': None, 'target_host': '127.0.0.1',
                          'target_port': tcp.server_address[1],
                          'instance_uuid': 'i-2', 'console_type': 'novnc'},
            'dead-token': {'target_path': os.path.join(self.tmp, 'nothing'),
                           'instance_uuid': 'i-3', 'console_type': 'novnc'},
        }
        web = os.path.join(self.tmp, 'web')
        os.mkdir(web)
        with open(os.path.join(web, 'vnc_lite.html'), 'w') as f:
            f.write('<html><script></script>noVNC</html>')
        self.server = self.start_proxy(web_dir=web)

    def start_proxy(self, **kwargs):
        server = proxy.ConsoleProxyServer(('127.0.0.1', 0),
                                          self.tokens.get, **kwargs)
        _serve(server)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server

    def connect(self, path, server=None, headers=None):
        server = server or self.server
        client = ws_client.WebSocketClient('127.0.0.1',
                                           server.server_address[1], path,
                                           headers)
        self.addCleanup(client.close)
        return client

    def test_relays_to_a_unix_socket(self):
        client = self.connect('/?token=unix-token')
        self.assertEqual(101, client.status)
        self.assertTrue(client.accepted)
        self.assertEqual(b'hello ', client.recv_exact(6))
        client.send(b'ping')
        self.assertEqual(b'ping', client.recv_exact(4))

    def test_relays_to_tcp(self):
        client = self.connect('/?token=tcp-token')
        self.assertEqual(b'hello ', client.recv_exact(6))
        client.send(b'x' * 70000)
        self.assertEqual(b'x' * 70000, client.recv_exact(70000))

    def test_token_in_a_cookie(self):
        client = self.connect('/websockify',
                              headers={'Cookie': 'token=unix-token'})
        self.assertEqual(b'hello ', client.recv_exact(6))

    def test_bad_tokens_are_closed_without_data(self):
        for path in ('/?token=nope', '/', '/?token='):
            client = self.connect(path)
            self.assertIsNone(client.recv(), path)

    def test_unreachable_console_is_closed(self):
        self.assertIsNone(self.connect('/?token=dead-token').recv())

    def test_origin(self):
        port = self.server.server_address[1]
        own = {'Origin': 'http://127.0.0.1:%d' % port}
        self.assertEqual(b'hello ', self.connect(
            '/?token=unix-token', headers=own).recv_exact(6))
        evil = {'Origin': 'http://evil.example'}
        self.assertIsNone(self.connect('/?token=unix-token',
                                       headers=evil).recv())
        trusting = self.start_proxy(allowed_origins=['evil.example'])
        self.assertEqual(b'hello ', self.connect(
            '/?token=unix-token', trusting, evil).recv_exact(6))

    def test_connection_limit(self):
        limited = self.start_proxy(max_connections=1)
        first = self.connect('/?token=unix-token', limited)
        self.assertEqual(b'hello ', first.recv_exact(6))
        self.assertIsNone(self.connect('/?token=unix-token',
                                       limited).recv())
        first.close()

    def test_serves_novnc_files(self):
        url = 'http://127.0.0.1:%d/vnc_lite.html?path=%%3Ftoken%%3Dx' % (
            self.server.server_address[1])
        with urllib.request.urlopen(url) as resp:
            self.assertEqual(200, resp.status)
            self.assertIn(b'noVNC', resp.read())

    def test_without_files_only_websockets(self):
        bare = self.start_proxy(web_dir=os.path.join(self.tmp, 'none'))
        url = 'http://127.0.0.1:%d/vnc_lite.html' % bare.server_address[1]
        error = self.assertRaises(urllib.error.HTTPError,
                                  urllib.request.urlopen, url)
        self.assertEqual(405, error.code)


class FakeRFBThroughProxyTest(testtools.TestCase):
    """The fake driver's RFB stand-in, reached through the proxy: the
    handshake a noVNC client (or Tempest's test_novnc) makes."""

    def test_rfb_handshake(self):
        directory = tempfile.mkdtemp(prefix='nl-rfb-')
        self.addCleanup(os.rmdir, directory)
        path = os.path.join(directory, 'vnc.sock')
        server = fake_console._Server(path, fake_console._RFBHandler)
        server.desktop_name = 'nova_lite fake console x'
        _serve(server)
        self.addCleanup(os.unlink, path)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        tokens = {'t': {'target_path': path, 'instance_uuid': 'x',
                        'console_type': 'novnc'}}
        httpd = proxy.ConsoleProxyServer(('127.0.0.1', 0), tokens.get)
        _serve(httpd)
        self.addCleanup(httpd.server_close)
        self.addCleanup(httpd.shutdown)
        client = ws_client.WebSocketClient(
            '127.0.0.1', httpd.server_address[1], '/?token=t')
        self.addCleanup(client.close)
        self.assertEqual(b'RFB 003.008\n', client.recv_exact(12))
        client.send(b'RFB 003.008\n')
        self.assertEqual(b'\x01\x01', client.recv_exact(2))
        client.send(b'\x01')
        self.assertEqual(b'\x00\x00\x00\x00', client.recv_exact(4))
        client.send(b'\x01')
        init = client.recv_exact(24)
        name_length = int.from_bytes(init[20:24], 'big')
        name = client.recv_exact(name_length) if name_length > len(
            init) - 24 else init[24:]
        self.assertEqual((fake_console.FAKE_WIDTH, fake_console.FAKE_HEIGHT),
                         (int.from_bytes(init[0:2], 'big'),
                          int.from_bytes(init[2:4], 'big')))
        self.assertIn(b'nova_lite fake console', init + name)
        # What noVNC sends first: SetPixelFormat, SetEncodings (Raw,
        # CopyRect), then a FramebufferUpdateRequest of the whole screen,
        # answered by one Raw rectangle.
        client.send(bytes([0]) + bytes(19))
        client.send(bytes([2, 0]) + (2).to_bytes(2, 'big') +
                    (0).to_bytes(4, 'big') + (1).to_bytes(4, 'big'))
        client.send(bytes([3, 0]) + (0).to_bytes(4, 'big') +
                    fake_console.FAKE_WIDTH.to_bytes(2, 'big') +
                    fake_console.FAKE_HEIGHT.to_bytes(2, 'big'))
        size = 16 + fake_console.FAKE_WIDTH * fake_console.FAKE_HEIGHT * 4
        update = client.recv_exact(size)
        self.assertEqual(0, update[0])
        self.assertEqual(1, int.from_bytes(update[2:4], 'big'))


class TokenParsingTest(testtools.TestCase):

    def test_token_from_request(self):
        self.assertEqual('abc', proxy.token_from_request('/?token=abc', None))
        self.assertEqual('abc', proxy.token_from_request(
            '/websockify', 'a=1; token=abc'))
        self.assertIsNone(proxy.token_from_request('/', None))
        self.assertIsNone(proxy.token_from_request('/', 'bad cookie ;;='))

    def test_tokens_are_masked_in_logs(self):
        self.assertEqual("Path: '/?token=***'",
                         proxy.mask_tokens("Path: '/?token=abc-_1'"))
        self.assertEqual('GET /vnc_lite.html?path=%3Ftoken%3D*** HTTP/1.1',
                         proxy.mask_tokens('GET /vnc_lite.html?path=%3F'
                                           'token%3DaBc HTTP/1.1'))

    def test_origin_allowed(self):
        self.assertTrue(proxy.origin_allowed(None, 'h:1', ()))
        self.assertTrue(proxy.origin_allowed('http://h:1', 'h:1', ()))
        self.assertFalse(proxy.origin_allowed('http://x', 'h:1', ()))
        self.assertTrue(proxy.origin_allowed('https://x', 'h', ('x',)))
        self.assertFalse(proxy.origin_allowed('null', 'h', ()))

    def test_connect_refused(self):
        self.assertRaises(OSError, proxy.connect, {
            'target_path': None, 'target_host': '127.0.0.1',
            'target_port': _free_port()})


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]
