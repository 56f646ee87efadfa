"""``[api] workers``: the pre-fork supervisor of nova-lite-api
(``nova_lite.api.workers``) with the real cheroot server of
``nova_lite.api.server`` on an inherited socket.

The supervisor runs in a child process of the test (it forks and
catches signals), serving a tiny WSGI app that answers its worker's pid,
so the tests see which worker served a request. The whole API with
workers is exercised by ``test_chaos``.
"""
import os
import signal
import subprocess
import sys
import textwrap
import time

import fixtures
import requests
import testtools

from nova_lite.bench import processes

SCRIPT = textwrap.dedent('''
    import os, sys, threading, types
    from nova_lite.api import server, workers

    def app(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [str(os.getpid()).encode()]

    def serve_worker(index, sock, keep_serving):
        if os.environ.get('FAIL_BOOT'):
            return 3
        httpd = server.serve(app, '127.0.0.1', 0, 4, sock=sock)
        server.run_until_stopped(httpd, 'test API', threading.Event(),
                                 keep_serving)
        return 0

    conf = types.SimpleNamespace(api=types.SimpleNamespace(
        listen='127.0.0.1', port=int(sys.argv[1])))
    workers.BOOT_GRACE = 2
    workers.MAX_BOOT_FAILURES = 2
    sys.exit(workers.run(conf, serve_worker, int(sys.argv[2])))
''')


def _children(pid):
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            return sorted(int(p) for p in f.read().split())
    except OSError:
        return []


def _alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(') ', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


class APIWorkersTest(testtools.TestCase):

    def start(self, count=2, env=None):
        self.port = processes.free_port()
        self.url = 'http://127.0.0.1:%d/' % self.port
        log = open(os.path.join(self.useFixture(fixtures.TempDir()).path,
                                'api.log'), 'wb')
        self.addCleanup(log.close)
        self.proc = subprocess.Popen(
            [sys.executable, '-c', SCRIPT, str(self.port), str(count)],
            env=dict(processes.process_env(), **(env or {})),
            stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self._stop)
        self.wait_for(lambda: len(_children(self.proc.pid)) == count,
                      'workers started')

    def _stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def wait_for(self, predicate, what, timeout=20):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail('%s: not within %d s' % (what, timeout))
            time.sleep(0.05)

    def served_by(self, requests_count=40):
        """Pids that answered ``requests_count`` new connections."""
        pids = set()
        for _ in range(requests_count):
            resp = requests.get(self.url, timeout=5,
                                headers={'Connection': 'close'})
            pids.add(int(resp.text))
        return pids

    def test_workers_share_the_socket_restart_and_stop(self):
        self.start(count=2)
        workers = _children(self.proc.pid)
        self.wait_for(lambda: self.served_by(10) <= set(workers),
                      'answers from the workers')
        killed = workers[0]
        os.kill(killed, signal.SIGKILL)
        self.wait_for(lambda: len(_children(self.proc.pid)) == 2 and
                      killed not in _children(self.proc.pid),
                      'a new worker in place of the killed one')
        workers = _children(self.proc.pid)
        self.assertLessEqual(self.served_by(), set(workers))
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(0, self.proc.wait(30))
        self.assertEqual([], [pid for pid in workers if _alive(pid)])
        self.assertRaises(requests.ConnectionError, requests.get, self.url,
                          timeout=2)

    def test_workers_die_with_a_killed_parent(self):
        self.start(count=2)
        workers = _children(self.proc.pid)
        self.proc.kill()
        self.proc.wait(10)
        self.wait_for(lambda: not any(_alive(pid) for pid in workers),
                      'orphaned workers gone')

    def test_failing_boots_stop_the_parent(self):
        port = processes.free_port()
        result = subprocess.run(
            [sys.executable, '-c', SCRIPT, str(port), '1'],
            env=dict(processes.process_env(), FAIL_BOOT='1'),
            capture_output=True, timeout=60)
        self.assertEqual(1, result.returncode, result.stderr[-2000:])
