"""A real QEMU guest resized through the whole stack (the lab check of
doc/lifecycle-resize.md): one libvirt compute on ``qemu:///system``
(TCG) with ``allow_resize_to_same_host``, the tiny guest of
``test_libvirt_real_guest`` on m1.micro (1 vCPU, 192 MiB, 1 GiB) resized
to 2 vCPUs, 256 MiB, 2 GiB, then confirmed.

Checked: the console shows ``NOVA_LITE_DISK_ID <id> BOOT 2`` with the
same disk id after the resize (the guest booted again from its own disk,
copied and grown), the domain XML (virsh) has the new vCPUs and memory,
the root disk's virtual size is 2 GiB, the claims follow (two during
VERIFY_RESIZE, one after confirm), the set-aside directory is removed.

Slow (two TCG boots): runs only with ``NOVA_LITE_REAL_RESIZE=1`` and when
``test_libvirt_real_guest`` could run (QEMU and libvirtd present).
"""
import os
import re
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET

import testtools

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real
from tests.unit.virt.libvirt import base as libvirt_base


class TestRealGuestResize(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if os.environ.get('NOVA_LITE_REAL_RESIZE') != '1':
            self.skipTest('set NOVA_LITE_REAL_RESIZE=1 (two TCG boots)')
        reason = real.why_no_qemu()
        if reason:
            self.skipTest(reason)
        self.kernel, self.initrd, self.disk = real.build_tiny_image()
        files_dir = tempfile.mkdtemp(prefix='nova-lite-guest-',
                                     dir='/var/tmp')
        self.addCleanup(shutil.rmtree, files_dir, ignore_errors=True)
        os.chmod(files_dir, 0o755)
        self.booted = []
        self.addCleanup(lambda: [real.remove_domain('instance-%s' % s)
                                 for s in self.booted])
        self.stack = self.useFixture(libvirt_stack.LibvirtStack(
            'mysql', hosts=(real.HOST,), connection_uri=real.URI,
            files_dir=files_dir,
            conf={('libvirt', 'virt_type'): 'qemu',
                  ('DEFAULT', 'allow_resize_to_same_host'): True}))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')
        # The helpers of the real guest test, on this stack.
        self.helper = real.TestRealGuest('test_boot_console_reboot_delete')
        self.helper.stack, self.helper.client = self.stack, self.client
        self.helper.kernel, self.helper.initrd, self.helper.disk = (
            self.kernel, self.initrd, self.disk)
        self.helper.started = time.monotonic()

    def action(self, server_id, body, code):
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json=body)
        self.assertEqual(code, resp.status_code, resp.text)

    def wait_status(self, server_id, status):
        def _settled():
            server = self.admin.get_server(server_id).json()['server']
            if server['OS-EXT-STS:task_state'] is None and \
                    server['status'] in (status, 'ERROR'):
                return server
            return None
        server = libvirt_stack.wait_for(_settled, real.CONSOLE_TIMEOUT,
                                        '%s %s' % (server_id, status),
                                        interval=2)
        self.assertEqual(status, server['status'], server.get('fault'))
        return server

    def test_resize_real_guest(self):
        resp = self.admin.request('POST', '/flavors', json={'flavor': {
            'name': 'rg.big', 'id': 'rg-big', 'ram': 256, 'vcpus': 2,
            'disk': 2}})
        self.assertEqual(200, resp.status_code, resp.text)
        image = self.helper.register_guest_image()
        server_id = self.client.create_server(
            name='guest-r', flavor=real.FLAVOR, image=image).json()[
            'server']['id']
        self.booted.append(server_id)
        self.wait_status(server_id, 'ACTIVE')
        self.helper.wait_guest_up(server_id, 1)
        first = self.helper.console_lines(server_id, real.DISK_ID)
        print('real resize: before: %s' % first)
        disk_id = re.fullmatch(r'%s ([0-9a-f]{32}) BOOT 1' % real.DISK_ID,
                               first[0]).group(1)

        self.action(server_id, {'resize': {'flavorRef': 'rg-big'}}, 202)
        server = self.wait_status(server_id, 'VERIFY_RESIZE')
        self.assertEqual(2, len(self.stack.allocations()))
        self.helper.wait_guest_up(server_id, 2)
        lines = self.helper.console_lines(server_id, real.DISK_ID)
        print('real resize: after: %s' % lines)
        self.assertEqual('%s %s BOOT 2' % (real.DISK_ID, disk_id),
                         lines[-1])
        domain = ET.fromstring(real.virsh(
            'dumpxml', server['OS-EXT-SRV-ATTR:instance_name']))
        print('real resize: domain vcpu %s memory %s %s' % (
            domain.find('vcpu').text, domain.find('memory').text,
            domain.find('memory').get('unit')))
        self.assertEqual(('2', str(256 * 1024)), (
            domain.find('vcpu').text, domain.find('memory').text))
        disk = os.path.join(self.stack.instances_path(real.HOST),
                            server_id, 'disk')
        size = libvirt_base.qemu_img_info(disk)['virtual-size']
        print('real resize: disk virtual size %d' % size)
        self.assertEqual(2 * 1024 ** 3, size)

        self.action(server_id, {'confirmResize': None}, 204)
        self.wait_status(server_id, 'ACTIVE')
        libvirt_stack.wait_for(
            lambda: self.stack.instance_dirs(real.HOST) == [server_id],
            real.GONE_TIMEOUT, 'the set-aside directory removed')
        self.assertEqual(1, len(self.stack.allocations()))
        self.helper.check_delete(server_id)
