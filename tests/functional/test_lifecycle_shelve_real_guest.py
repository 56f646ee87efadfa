"""Lab check: shelve → shelveOffload → unshelve of a real QEMU (TCG)
guest through the whole stack (as ``test_libvirt_real_guest``: separate
services, one libvirt compute on ``qemu:///system``, the tiny guest of
doc/guest-image.md whose console prints ``NOVA_LITE_DISK_ID <id> BOOT
<n>``: the id written to its disk at its first boot, the count kept on
it).

With ``[DEFAULT] shelved_offload_time = -1`` the shelve keeps the guest
(powered off) until the admin's shelveOffload removes it from the host
(domain and disk gone); the unshelve schedules the server again and
boots it from the shelved image: the console shows the same disk id
with ``BOOT 2`` (the disk's contents survived the trip through the image
service), and the shelved image is deleted.

Several TCG boots take minutes on a shared machine, so it runs only
with ``NOVA_LITE_SHELVE_REAL_GUEST=1`` (and QEMU/libvirt present):
``NOVA_LITE_SHELVE_REAL_GUEST=1 python -m testtools.run
tests.functional.test_lifecycle_shelve_real_guest``.
"""
import os

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real
from tests.functional import test_lifecycle_real_guest as lifecycle

ENV = 'NOVA_LITE_SHELVE_REAL_GUEST'
TIMEOUT = 300


class TestShelveRealGuest(lifecycle.TestLifecycleRealGuest):
    """Shelve, offload and unshelve on real QEMU."""

    extra_conf = {('DEFAULT', 'shelved_offload_time'): -1}
    test_snapshot_boot_from_it_and_rebuild = None

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of two TCG boots)'
                          % ENV)
        os.environ[lifecycle.ENV] = '1'
        self.addCleanup(os.environ.pop, lifecycle.ENV, None)
        super().setUp()
        self.admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')

    def wait_status(self, server_id, status):
        def settled():
            server = self.admin.get_server(server_id).json()['server']
            self.assertNotEqual('ERROR', server['status'])
            if (server['status'] == status
                    and server['OS-EXT-STS:task_state'] is None):
                return server
            return None
        return libvirt_stack.wait_for(settled, TIMEOUT,
                                      '%s %s' % (server_id, status),
                                      interval=2)

    def test_shelve_offload_unshelve(self):
        image = self.register_guest_image()
        server_id = self.boot('guest-s', image)
        self.wait_guest_up(server_id, 1)
        ((disk_id, boot),) = self.disk_ids(server_id, 1)
        self.assertEqual('1', boot)
        self.phase('guest up')

        self.action(server_id, {'shelve': None})
        shelved = self.wait_status(server_id, 'SHELVED')
        self.assertEqual(real.HOST, shelved['OS-EXT-SRV-ATTR:host'])
        self.assertEqual(4, shelved['OS-EXT-STS:power_state'])
        self.phase('SHELVED')
        resp = self.admin.request('POST', '/servers/%s/action' % server_id,
                                  json={'shelveOffload': None})
        self.assertEqual(202, resp.status_code, resp.text)
        offloaded = self.wait_status(server_id, 'SHELVED_OFFLOADED')
        self.assertIsNone(offloaded['OS-EXT-SRV-ATTR:host'])
        self.assertEqual([], self.stack.instance_dirs(real.HOST))
        self.assertEqual([], self.stack.allocations())
        self.phase('SHELVED_OFFLOADED')

        self.action(server_id, {'unshelve': None})
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 1)
        self.assertEqual([(disk_id, '2')], self.disk_ids(server_id, 1))
        self.phase('unshelved guest up')
        self.check_delete(server_id)
