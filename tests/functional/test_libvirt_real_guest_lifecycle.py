"""Lab check of pause, suspend and soft delete on a real QEMU guest
(doc/lifecycle.md): the tiny guest of ``test_libvirt_real_guest`` under
``qemu:///system`` (TCG), through the whole stack, with ``[DEFAULT]
reclaim_instance_interval`` set so that a delete is a soft delete.

Its console's ``NOVA_LITE_DISK_ID <id> BOOT <n>`` lines tell whether the
guest booted: pause/unpause (virDomainSuspend/Resume) and suspend/resume
(managed save: the QEMU process ends and a new one is restored from the
saved memory) must not boot it (same id, still BOOT 1, and the QEMU
process of a pause is the same); a soft delete powers it off (saved
memory dropped), restore boots it from its kept disk (same id, BOOT 2);
forceDelete removes everything.

Several minutes of TCG: runs only with ``NOVA_LITE_LIFECYCLE_CHECK=1``
(and what ``test_libvirt_real_guest`` needs); skipped otherwise.
"""
import os
import re

from nova_lite.compute import states
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ACTION_TIMEOUT = 300   # seconds: a managed save of 192 MiB under TCG


class TestRealGuestLifecycle(real.TestRealGuest):
    """One tiny guest: pause, unpause, suspend, resume, soft delete,
    restore, forceDelete."""

    extra_conf = {('DEFAULT', 'reclaim_instance_interval'): 3600}
    # Not the parent's boot/reboot/delete test again.
    test_boot_console_reboot_delete = None

    def setUp(self):
        if not os.environ.get('NOVA_LITE_LIFECYCLE_CHECK'):
            self.skipTest('set NOVA_LITE_LIFECYCLE_CHECK=1 to run this '
                          'lab check (minutes of TCG)')
        super().setUp()

    def act(self, server_id, action, status, power):
        """POST ``action``, wait for ``status`` with no task; check the
        power state; print the step."""
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={action: None})
        self.assertEqual(202, resp.status_code, resp.text)
        self.wait_status(server_id, status, power)
        self.phase(action)

    def wait_status(self, server_id, status, power):
        def _settled():
            server = self.client.get_server(server_id).json()['server']
            if server['OS-EXT-STS:task_state'] is None and \
                    server['status'] in (status, 'ERROR'):
                return server
            return None
        server = libvirt_stack.wait_for(_settled, ACTION_TIMEOUT,
                                        '%s %s' % (server_id, status))
        self.assertEqual((status, power), (
            server['status'], server['OS-EXT-STS:power_state']))

    def boots(self, server_id):
        """The console's DISK_ID lines."""
        return self.console_lines(server_id, real.DISK_ID)

    def test_pause_suspend_soft_delete_restore(self):
        image = self.register_guest_image()
        resp = self.client.create_server(name='guest-1', flavor=real.FLAVOR,
                                         image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 1)
        first = self.boots(server_id)
        print('real guest: %s' % first)
        match = re.fullmatch(r'%s ([0-9a-f]{32}) BOOT 1' % real.DISK_ID,
                             first[0])
        self.assertIsNotNone(match, first)
        disk_id = match.group(1)
        qemu = real.qemu_pids(server_id)
        self.phase('guest up')

        self.act(server_id, 'pause', 'PAUSED', states.PAUSED)
        self.assertEqual(qemu, real.qemu_pids(server_id))
        self.act(server_id, 'unpause', 'ACTIVE', states.RUNNING)
        self.assertEqual(qemu, real.qemu_pids(server_id))
        self.assertEqual(first, self.boots(server_id))

        self.act(server_id, 'suspend', 'SUSPENDED', states.SHUTDOWN)
        self.assertEqual([], real.qemu_pids(server_id))
        self.act(server_id, 'resume', 'ACTIVE', states.RUNNING)
        self.assertNotEqual([], real.qemu_pids(server_id))
        self.assertEqual(first, self.boots(server_id))
        print('real guest: after pause/unpause and suspend/resume: %s'
              % self.boots(server_id))

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.wait_status(server_id, 'SOFT_DELETED', states.SHUTDOWN)
        self.phase('soft deleted')
        self.assertEqual([], real.qemu_pids(server_id))
        self.act(server_id, 'restore', 'ACTIVE', states.RUNNING)
        self.wait_guest_up(server_id, 2)
        after = self.boots(server_id)
        print('real guest: after soft delete and restore: %s' % after)
        self.assertEqual(['%s %s BOOT 1' % (real.DISK_ID, disk_id),
                          '%s %s BOOT 2' % (real.DISK_ID, disk_id)], after)

        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'forceDelete': None})
        self.assertEqual(202, resp.status_code, resp.text)
        self.client.wait_for_deleted([server_id], timeout=real.GONE_TIMEOUT)
        libvirt_stack.wait_for(lambda: not real.qemu_pids(server_id),
                               real.GONE_TIMEOUT, 'QEMU to exit')
        self.assertEqual([], self.stack.allocations())
        self.phase('force deleted')
