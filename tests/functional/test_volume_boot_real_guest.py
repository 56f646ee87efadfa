"""The tiny guest booted from a volume under real QEMU (doc/volumes.md,
"Boot from volume"): the build asks the conductor for a 1 GiB volume
made of the guest's root disk image by ``nova-lite-volume`` (file
volume, ``qemu-nbd`` export on 127.0.0.1), the libvirt driver defines
the guest with that NBD export as ``vda`` and no local root disk; the
guest's kernel mounts it as its root file system and prints its disk
marker (``NOVA_LITE_DISK_ID <id> BOOT 1``: the volume's file system).
A hard reboot boots the same volume (``BOOT 2``); deleting the server
deletes the volume (``delete_on_termination``).

A lab check of a TCG boot (minutes): set NOVA_LITE_VOLUME_REAL_GUEST=1.
"""
import os
import re

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ENV = 'NOVA_LITE_VOLUME_REAL_GUEST'
#: Seconds for the volume to be deleted after the server.
TIMEOUT = 120


class TestVolumeBootRealGuest(real.TestRealGuest):
    """Boot from volume, reboot and delete one QEMU guest."""

    test_boot_console_reboot_delete = None
    stack_kwargs = {'volume': True}

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of a TCG boot)' % ENV)
        super().setUp()

    def volume(self, volume_id):
        resp = self.client.session.get('%s/volume/v3/demo/volumes/%s' % (
            self.stack.api_url, volume_id), timeout=30)
        return resp.json()['volume'] if resp.status_code == 200 else None

    def test_boot_from_volume(self):
        image = self.register_guest_image()
        resp = self.client.create_server(
            name='bfv-guest', flavor=real.FLAVOR, image='',
            block_device_mapping_v2=[{
                'uuid': image, 'source_type': 'image',
                'destination_type': 'volume', 'boot_index': 0,
                'volume_size': 1, 'delete_on_termination': True}])
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        server = self.wait_active(server_id)
        self.phase('ACTIVE')
        self.assertEqual('', server['image'])
        [attached] = server['os-extended-volumes:volumes_attached']
        volume_id = attached['id']
        self.assertEqual('in-use', self.volume(volume_id)['status'])
        self.wait_guest_up(server_id, 1)
        self.phase('guest up')
        [first] = self.console_lines(server_id, real.DISK_ID)
        match = re.fullmatch(r'%s ([0-9a-f]{32}) BOOT 1' % real.DISK_ID,
                             first)
        self.assertIsNotNone(match, first)

        admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')
        domain = admin.get_server(server_id).json()['server'][
            'OS-EXT-SRV-ATTR:instance_name']
        xml = real.virsh('dumpxml', domain).replace('"', "'")
        self.assertIn("protocol='nbd'", xml)
        self.assertIn("<target dev='vda' bus='virtio'/>", xml)
        self.assertNotIn(os.path.join(server_id, 'disk'), xml)

        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'reboot': {'type': 'HARD'}})
        self.assertEqual(202, resp.status_code, resp.text)
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 2)
        self.phase('up after hard reboot')
        self.assertEqual(['%s %s BOOT 1' % (real.DISK_ID, match.group(1)),
                          '%s %s BOOT 2' % (real.DISK_ID, match.group(1))],
                         self.console_lines(server_id, real.DISK_ID))

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.client.wait_for_deleted([server_id], timeout=TIMEOUT)
        libvirt_stack.wait_for(lambda: self.volume(volume_id) is None,
                               TIMEOUT, 'the root volume deleted',
                               interval=2)
        self.assertEqual([], self.stack.allocations())
        self.phase('deleted')
