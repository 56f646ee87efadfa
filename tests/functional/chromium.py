"""Headless Chromium (Debian's ``chromium``) driven over its DevTools
protocol, for the console lab check: open a page, wait until a
JavaScript expression holds, take a screenshot. The protocol runs over
a WebSocket (``tests.ws_client``); pages keep their real timers and
sockets (no virtual time)."""
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

from tests.functional.fixtures import processes
from tests import ws_client


def available():
    """True when a ``chromium`` binary is installed."""
    return shutil.which('chromium') is not None


class Chromium:
    """One headless Chromium with one page; ``close()`` stops it."""

    def __init__(self, width=1024, height=600, timeout=60):
        self.port = processes.free_port()
        self.profile = tempfile.mkdtemp(prefix='nova-lite-chromium-')
        self.popen = subprocess.Popen(
            ['chromium', '--headless', '--no-sandbox', '--disable-gpu',
             '--disable-dev-shm-usage', '--no-first-run',
             '--user-data-dir=' + self.profile,
             '--window-size=%d,%d' % (width, height),
             '--remote-debugging-address=127.0.0.1',
             '--remote-debugging-port=%d' % self.port, 'about:blank'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._id = 0
        self.page = self._connect(timeout)

    def _connect(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(
                        'http://127.0.0.1:%d/json/list' % self.port,
                        timeout=5) as resp:
                    pages = [t for t in json.load(resp)
                             if t.get('type') == 'page']
                if pages:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError('chromium did not start')
            time.sleep(0.5)
        path = '/' + pages[0]['webSocketDebuggerUrl'].split('/', 3)[3]
        return ws_client.WebSocketClient('127.0.0.1', self.port, path,
                                         timeout=timeout)

    def call(self, method, **params):
        """One DevTools command; its ``result``."""
        self._id += 1
        self.page.send(json.dumps({'id': self._id, 'method': method,
                                   'params': params}).encode(), text=True)
        while True:
            message = json.loads(self.page.recv())
            if message.get('id') == self._id:
                if 'error' in message:
                    raise AssertionError('%s: %s' % (method,
                                                     message['error']))
                return message['result']

    def open(self, url):
        self.call('Page.navigate', url=url)

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page."""
        return self.call('Runtime.evaluate', expression=expression,
                         returnByValue=True)['result'].get('value')

    def wait_for(self, expression, timeout, interval=0.5):
        """Poll ``expression`` until truthy; its value (or the last one
        after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(interval)

    def novnc_status(self, timeout=60):
        """The text of noVNC's status line once it starts with
        "Connected" (vnc_lite.html's ``#status``), else its last text
        after ``timeout`` seconds."""
        status = "(document.getElementById('status') || {}).textContent"
        return self.wait_for(
            "%s && %s.startsWith('Connected') && %s" % (
                status, status, status), timeout) or self.evaluate(status)

    def screenshot(self, path):
        """Write a PNG of the page to ``path``."""
        data = self.call('Page.captureScreenshot', format='png')['data']
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))

    def close(self):
        self.page.close()
        self.popen.terminate()
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
