"""nova_lite.api.server: the cheroot server on a free port, real HTTP."""
import http.client
import json
import socket
import threading

from werkzeug import test as werkzeug_test

from nova_lite.api import server
from nova_lite.api import wsgi
from tests.unit.api import fakes


class ServerTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.server = server.serve(wsgi.build_app(), '127.0.0.1', 0, 2)
        self.server.start()
        self.addCleanup(self.server.stop)
        self.port = self.server.address[1]

    def request(self, method, path, body=None, headers=None, **kwargs):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=10)
        self.addCleanup(conn.close)
        conn.request(method, path, body=body, headers=headers or {},
                     **kwargs)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()

    def test_serves_the_app(self):
        status, headers, body = self.request('GET', '/')
        self.assertEqual(200, status)
        self.assertIn('x-openstack-request-id', headers)
        self.assertIn('versions', json.loads(body))
        status, _headers, body = self.request('GET', '/v2.1/flavors',
                                              headers=fakes.MEMBER)
        self.assertEqual(200, status)
        self.assertEqual(2, len(json.loads(body)['flavors']))

    def send_raw(self, head, chunks):
        """Send ``head`` (request line and headers) and ``chunks`` as a
        chunked body on a plain socket; (status, body) of the response.
        The server may answer and close before the body is all sent (it
        refuses what is over the limit without reading it): a broken pipe
        while sending is then expected, and the answer is read all the
        same."""
        sock = socket.create_connection(('127.0.0.1', self.port), timeout=10)
        self.addCleanup(sock.close)
        try:
            sock.sendall(head)
            for chunk in chunks:
                sock.sendall(b'%x\r\n%s\r\n' % (len(chunk), chunk))
            sock.sendall(b'0\r\n\r\n')
        except (BrokenPipeError, ConnectionResetError):
            pass
        resp = http.client.HTTPResponse(sock)
        resp.begin()
        return resp.status, resp.read()

    def test_chunked_body_over_the_limit_is_413(self):
        self.api.conf.config(max_request_body_size=2048, group='api')
        headers = dict(fakes.MEMBER, **{'Content-Type': 'application/json',
                                        'Transfer-Encoding': 'chunked',
                                        'Host': '127.0.0.1'})
        head = ('POST /v2.1/servers HTTP/1.1\r\n' + ''.join(
            '%s: %s\r\n' % item for item in headers.items()) + '\r\n')
        status, body = self.send_raw(head.encode(), [
            b'{"server": {"name": "', b'x' * 4096, b'"}}'])
        self.assertEqual(413, status)
        self.assertEqual('overLimit', list(json.loads(body))[0])
        self.assertEqual(0, self.api.count_instances())

    def test_stop_closes_the_port(self):
        self.server.stop()
        self.assertFalse(self.server.running)
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=2)
        self.addCleanup(conn.close)
        self.assertRaises(OSError, conn.request, 'GET', '/')


class RunAPITest(fakes.APITestCase):

    def test_run_api_until_stop_event(self):
        self.api.conf.config(listen='127.0.0.1', port=0, group='api')
        stop = threading.Event()
        thread = threading.Thread(target=server.run_api,
                                  kwargs={'stop_event': stop})
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(stop.set)
        stop.set()
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertIn('API listening on 127.0.0.1', self.log.output)


class MountsTest(fakes.APITestCase):
    """Apps with their own authentication (the CloudStack API) are mounted
    by path prefix outside the compute API's auth, inside the request id
    and body size limit."""

    def test_mounted_app_gets_its_prefix_without_auth(self):
        seen = []

        def cloudstack(environ, start_response):
            seen.append((environ['PATH_INFO'],
                         environ.get('openstack.request_id')))
            start_response('200 OK', [('Content-Type', 'text/plain')])
            return [b'cloudstack']

        client = werkzeug_test.Client(wsgi.build_app(
            mounts={'/client': cloudstack}))
        resp = client.get('/client/api?command=listZones')
        self.assertEqual((200, b'cloudstack'), (resp.status_code, resp.data))
        self.assertEqual([('/client/api',
                           resp.headers['x-openstack-request-id'])], seen)
        self.assertEqual(401, client.get('/v2.1/servers').status_code)
        self.assertEqual(401, client.get('/clientele').status_code)
        resp = client.post('/client/api', data=b'x' * 200000)
        self.assertEqual(413, resp.status_code)
        self.assertEqual(1, len(seen))
