"""A 1 GiB volume hot-plugged into a running tiny guest under real QEMU
and unplugged again (doc/volumes.md, "Compute side"): the stack runs
``nova-lite-volume`` (file volumes, ``qemu-nbd`` exports on 127.0.0.1),
the libvirt driver attaches the NBD network disk live; the guest's boot
script prints ``NOVA_LITE_DISK vdb <bytes>`` when the disk appears and
``NOVA_LITE_DISK_GONE vdb`` when it goes (devstack/tools/tiny-guest/rcS).

A lab check of a TCG boot (minutes): set NOVA_LITE_VOLUME_REAL_GUEST=1.
"""
import os

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ENV = 'NOVA_LITE_VOLUME_REAL_GUEST'
#: Seconds for the volume to be created, the disk to show in the guest
#: and the detach ([libvirt] device_detach_timeout is 20 s).
TIMEOUT = 120
GiB = 1024 ** 3


class TestVolumeRealGuest(real.TestRealGuest):
    """Attach and detach a volume of a running QEMU guest."""

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

    def test_attach_and_detach_a_volume(self):
        image = self.register_guest_image()
        resp = self.client.create_server(name='vol-guest',
                                         flavor=real.FLAVOR, image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 1)
        self.phase('guest up')
        resp = self.client.session.post(
            '%s/volume/v3/demo/volumes' % self.stack.api_url,
            json={'volume': {'size': 1, 'name': 'v1'}}, timeout=30)
        self.assertEqual(202, resp.status_code, resp.text)
        volume_id = resp.json()['volume']['id']
        libvirt_stack.wait_for(
            lambda: self.volume(volume_id)['status'] == 'available',
            TIMEOUT, 'volume available', interval=1)

        resp = self.client.request(
            'POST', '/servers/%s/os-volume_attachments' % server_id,
            json={'volumeAttachment': {'volumeId': volume_id}})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual('/dev/vdb', resp.json()['volumeAttachment'][
            'device'])
        self.phase('volume attached')
        lines = libvirt_stack.wait_for(
            lambda: self.console_lines(server_id, 'NOVA_LITE_DISK vdb'),
            TIMEOUT, 'the guest to see vdb', interval=2)
        self.assertEqual('NOVA_LITE_DISK vdb %d' % GiB,
                         lines[0][lines[0].index('NOVA_LITE_DISK'):])
        admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')
        domain = admin.get_server(server_id).json()['server'][
            'OS-EXT-SRV-ATTR:instance_name']
        self.assertIn("protocol='nbd'", real.virsh('dumpxml', domain)
                      .replace('"', "'"))
        self.assertEqual('in-use', self.volume(volume_id)['status'])

        resp = self.client.request(
            'DELETE', '/servers/%s/os-volume_attachments/%s' % (
                server_id, volume_id))
        self.assertEqual(202, resp.status_code, resp.text)
        libvirt_stack.wait_for(
            lambda: self.volume(volume_id)['status'] == 'available',
            TIMEOUT, 'the volume detached', interval=2)
        self.phase('volume detached')
        libvirt_stack.wait_for(
            lambda: self.console_lines(server_id, 'NOVA_LITE_DISK_GONE vdb'),
            TIMEOUT, 'the guest to lose vdb', interval=2)
        self.assertNotIn("protocol='nbd'", real.virsh('dumpxml', domain)
                         .replace('"', "'"))
        self.check_delete(server_id)
