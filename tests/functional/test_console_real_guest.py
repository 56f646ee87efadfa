"""Lab check of issue 18: the noVNC console of a real QEMU (TCG) guest.

As ``test_libvirt_real_guest`` (separate services, one libvirt compute on
``qemu:///system``, the tiny guest of doc/guest-image.md), plus
``nova-lite-novncproxy`` serving Debian's noVNC. Once the guest printed
``NOVA_LITE_DISK_ID <id> BOOT 1`` (on ttyS0 and on tty0, the VGA text
console the VNC server shows):

1. ``POST /servers/{id}/remote-consoles`` (2.6) gives the noVNC URL; its
   page loads (200, noVNC's HTML);
2. a WebSocket through the proxy gets QEMU's own RFB handshake (the VNC
   server on the guest's Unix socket ``vnc.sock``) up to ServerInit;
3. the framebuffer, read through libvirt (virDomainScreenshot, ``virsh
   screenshot``), is not blank and, OCR'd by tesseract (Debian's
   tesseract-ocr) when installed, shows the NOVA_LITE_DISK_ID line;
4. headless Chromium (Debian's chromium) when installed loads the URL:
   noVNC reports "Connected", and its screenshot, OCR'd, shows the line;
5. the serial console URL gives the guest's serial port (its output);
6. after the server is deleted the token is refused.

Several minutes of TCG: runs only with ``NOVA_LITE_CONSOLE_REAL_GUEST=1``
(and QEMU/libvirt present)::

    NOVA_LITE_CONSOLE_REAL_GUEST=1 python -m testtools.run \\
        tests.functional.test_console_real_guest
"""
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse

import requests

from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real
from tests import ws_client

ENV = 'NOVA_LITE_CONSOLE_REAL_GUEST'
V26 = {'OpenStack-API-Version': 'compute 2.6'}


def ppm_colours(path):
    """Number of distinct pixel colours of a binary PPM (P6) file, as
    ``virsh screenshot`` writes QEMU's framebuffer."""
    with open(path, 'rb') as f:
        data = f.read()
    fields = re.match(rb'P6\s+(\d+)\s+(\d+)\s+(\d+)\s', data)
    width, height = int(fields.group(1)), int(fields.group(2))
    pixels = data[fields.end():fields.end() + width * height * 3]
    return len({pixels[i:i + 3] for i in range(0, len(pixels), 3)})


def ocr(path):
    """Text tesseract reads in the image at ``path`` ('' on failure)."""
    result = subprocess.run(['tesseract', path, 'stdout', '--psm', '6'],
                            capture_output=True, text=True, timeout=120)
    return result.stdout


def read_like(text, marker):
    """True when ``marker`` is in ``text`` up to OCR's usual confusions
    of '_' (read as a space or dropped)."""
    squeeze = re.sub(r'[\s_]', '', text.upper())
    return re.sub(r'[\s_]', '', marker.upper()) in squeeze


class TestConsoleRealGuest(real.TestRealGuest):
    """noVNC and serial consoles of one tiny guest on real QEMU."""

    test_boot_console_reboot_delete = None
    stack_kwargs = {'console_proxy': True}

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of a TCG boot)' % ENV)
        super().setUp()
        self.out = tempfile.mkdtemp(prefix='nova-lite-console-')
        print('console check: files in %s' % self.out)

    def console_url(self, server_id, protocol='vnc', kind='novnc'):
        resp = self.client.request(
            'POST', '/servers/%s/remote-consoles' % server_id, headers=V26,
            json={'remote_console': {'protocol': protocol, 'type': kind}})
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['remote_console']['url']

    def websocket(self, url):
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parts.query)
        path = ('/' + query['path'][0] if 'path' in query
                else parts.path + '?' + parts.query)
        client = ws_client.WebSocketClient(parts.hostname, parts.port, path)
        self.addCleanup(client.close)
        return client

    def test_novnc_shows_the_guest_screen(self):
        image = real.register_guest_image(
            self.stack, self.client.image_id, self.kernel, self.initrd,
            self.disk)
        resp = self.client.create_server(name='console-1',
                                         flavor=real.FLAVOR, image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 1)
        (line,) = self.console_lines(server_id, real.DISK_ID)
        print('console check: serial console says %r' % line)
        self.phase('guest up')

        url = self.console_url(server_id)
        print('console check: console url %s' % url)
        page = requests.get(url, timeout=30)
        self.assertEqual(200, page.status_code)
        self.assertIn('noVNC', page.text)
        self.check_rfb(url, server_id)
        self.check_screenshot(server_id, line)
        self.check_chromium(url, line)
        self.check_serial(server_id)
        self.phase('consoles checked')

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.client.wait_for_deleted([server_id], timeout=real.GONE_TIMEOUT)
        self.assertIsNone(self.websocket(url).recv())
        print('console check: token refused after the delete')

    def check_rfb(self, url, server_id):
        """QEMU's RFB handshake through the proxy, up to ServerInit."""
        client = self.websocket(url)
        self.assertEqual(101, client.status, client.response)
        version = client.recv_exact(12)
        self.assertTrue(version.startswith(b'RFB 003.'), version)
        client.send(b'RFB 003.008\n')
        count = client.recv_exact(1)[0]
        types = client.recv_exact(count)
        self.assertIn(1, types)                    # None (no password)
        client.send(b'\x01')
        self.assertEqual(b'\x00\x00\x00\x00', client.recv_exact(4))
        client.send(b'\x01')
        init = client.recv_exact(24)
        width = int.from_bytes(init[0:2], 'big')
        height = int.from_bytes(init[2:4], 'big')
        name = client.recv_exact(int.from_bytes(init[20:24], 'big'))
        print('console check: RFB %s, %dx%d, desktop %r' % (
            version.strip().decode(), width, height, name.decode()))
        self.assertGreater(width * height, 0)
        client.close()

    def check_screenshot(self, server_id, line):
        """libvirt's screenshot of the framebuffer: not blank; OCR."""
        path = os.path.join(self.out, 'screen.ppm')
        real.virsh('screenshot', server_id, path)
        colours = ppm_colours(path)
        print('console check: libvirt screenshot %s, %d colours' % (
            path, colours))
        self.assertGreater(colours, 1, 'the screen is blank')
        if shutil.which('tesseract') is None:
            print('console check: no tesseract: OCR skipped')
            return
        text = libvirt_stack.wait_for(
            lambda: self._screen_text(server_id, path), 60,
            'the disk id line on the screen', interval=3)
        print('console check: OCR of the screen:\n  %s' % '\n  '.join(
            t for t in text.splitlines() if 'NOVA' in t.upper()))
        self.assertTrue(read_like(text, line.split(' BOOT')[0][:30]), text)

    def _screen_text(self, server_id, path):
        real.virsh('screenshot', server_id, path)
        text = ocr(path)
        return text if read_like(text, real.DISK_ID) else None

    def check_chromium(self, url, line):
        """Headless Chromium loads the page: noVNC connects and shows
        the line."""
        if shutil.which('chromium') is None:
            print('console check: no chromium: browser check skipped')
            return
        shot = os.path.join(self.out, 'chromium.png')
        argv = ['chromium', '--headless', '--no-sandbox', '--disable-gpu',
                '--disable-dev-shm-usage', '--window-size=1024,600',
                '--virtual-time-budget=20000']
        dom = subprocess.run(argv + ['--dump-dom', url], capture_output=True,
                             text=True, timeout=180).stdout
        status = re.search(r'id="status"[^>]*>([^<]*)<', dom)
        print('console check: noVNC status in Chromium: %r' % (
            status.group(1) if status else None))
        self.assertIsNotNone(status, dom[-2000:])
        self.assertIn('Connected', status.group(1))
        subprocess.run(argv + ['--screenshot=%s' % shot, url],
                       capture_output=True, timeout=180, check=True)
        if shutil.which('tesseract') is not None:
            text = ocr(shot)
            print('console check: OCR of the Chromium screenshot:\n  %s'
                  % '\n  '.join(t for t in text.splitlines()
                                if 'NOVA' in t.upper()))
            self.assertTrue(read_like(text, real.DISK_ID), text)

    def check_serial(self, server_id):
        """The serial console: the guest's ttyS0, raw bytes."""
        client = self.websocket(self.console_url(server_id, 'serial',
                                                 'serial'))
        self.assertEqual(101, client.status, client.response)
        client.send(b'\r')
        data = client.recv()
        print('console check: serial console answered %r' % data[:80])
        self.assertTrue(data)
        client.close()
