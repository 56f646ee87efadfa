"""Lab check: rescue and unrescue of a real QEMU (TCG) guest through the
whole stack (as ``test_libvirt_real_guest``: separate services, one
libvirt compute on ``qemu:///system``, the tiny guest of
doc/guest-image.md; doc/lifecycle-rescue.md).

The guest's console says which disk it booted from
(``NOVA_LITE_DISK_ID <id> BOOT <n>``) and, at a rescue boot, what it
finds on its second disk (``NOVA_LITE_SECOND_DISK vdb <id> BOOT <n>``).
The check:

1. a server boots: ``<A> BOOT 1``;
2. rescue (200 with the given adminPass): RESCUE; the rescue guest boots
   a new disk ``<R> BOOT 1`` (R != A) and sees the server's own disk as
   ``vdb`` (``NOVA_LITE_SECOND_DISK vdb <A> BOOT 1``); the domain's XML
   has ``disk.rescue`` as vda and ``disk`` as vdb;
3. unrescue: ACTIVE; the guest boots its own disk again: ``<A> BOOT 2``.

Runs only with ``NOVA_LITE_RESCUE_REAL_GUEST=1`` (several TCG boots):
``NOVA_LITE_RESCUE_REAL_GUEST=1 python -m stestr run
tests.functional.test_rescue_real_guest``.
"""
import os
import re
import xml.etree.ElementTree as ET

from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ENV = 'NOVA_LITE_RESCUE_REAL_GUEST'
SECOND_DISK = 'NOVA_LITE_SECOND_DISK'


class TestRescueRealGuest(real.TestRealGuest):
    """Boot → rescue → unrescue on real QEMU."""

    # The boot/reboot/delete test of the parent runs in its own module.
    test_boot_console_reboot_delete = None

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of several TCG boots)'
                          % ENV)
        super().setUp()

    def disk_ids(self, server_id, count):
        """The first ``count`` ``(disk id, boot)`` of the console,
        waiting for them."""
        def found():
            lines = self.console_lines(server_id, real.DISK_ID)
            return lines if len(lines) >= count else None
        lines = libvirt_stack.wait_for(found, real.CONSOLE_TIMEOUT,
                                       '%d disk id lines' % count,
                                       interval=2)
        print('real guest: console: %s' % lines)
        return [tuple(re.fullmatch(r'%s ([0-9a-f]{32}) BOOT (\d+)'
                                   % real.DISK_ID, line).groups())
                for line in lines[:count]]

    def wait_status(self, server_id, status):
        def reached():
            server = self.client.get_server(server_id).json()['server']
            if server['OS-EXT-STS:task_state'] is None and \
                    server['status'] in (status, 'ERROR'):
                return server
            return None
        server = libvirt_stack.wait_for(reached, real.BUILD_TIMEOUT,
                                        '%s %s' % (server_id, status))
        self.assertEqual(status, server['status'], server.get('fault'))
        return server

    def action(self, server_id, body, status):
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json=body)
        self.assertEqual(status, resp.status_code, resp.text)
        return resp

    def domain_disks(self, server_id):
        """[(target, source file name)] of the guest's domain."""
        xml = real.virsh('dumpxml', 'instance-%s' % server_id)
        return [(d.find('target').get('dev'),
                 os.path.basename(d.find('source').get('file')))
                for d in ET.fromstring(xml).iter('disk')
                if d.get('device') == 'disk']

    def test_rescue_and_unrescue(self):
        image = real.register_guest_image(self.stack, self.client.image_id,
                                          self.kernel, self.initrd,
                                          self.disk)
        resp = self.client.create_server(name='guest-r', flavor=real.FLAVOR,
                                         image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 1)
        ((disk_a, boot),) = self.disk_ids(server_id, 1)
        self.assertEqual('1', boot)
        self.phase('guest up')

        resp = self.action(server_id, {'rescue': {'adminPass': 'fix-me-1'}},
                           200)
        self.assertEqual({'adminPass': 'fix-me-1'}, resp.json())
        self.wait_status(server_id, 'RESCUE')
        self.assertEqual([('vda', 'disk.rescue'), ('vdb', 'disk')],
                         self.domain_disks(server_id))
        self.wait_guest_up(server_id, 2)
        disk_r, boot = self.disk_ids(server_id, 2)[1]
        self.assertNotEqual(disk_a, disk_r)
        self.assertEqual('1', boot)
        second = self.console_lines(server_id, SECOND_DISK)
        print('real guest: rescue boot: %s' % second)
        self.assertEqual(['%s vdb %s BOOT 1' % (SECOND_DISK, disk_a)],
                         second)
        self.phase('rescue guest up')

        self.action(server_id, {'unrescue': None}, 202)
        self.wait_status(server_id, 'ACTIVE')
        self.assertEqual([('vda', 'disk')], self.domain_disks(server_id))
        self.wait_guest_up(server_id, 3)
        self.assertEqual((disk_a, '2'), self.disk_ids(server_id, 3)[2])
        self.phase('original guest up again')
        self.check_delete(server_id)
