"""A real QEMU guest with an attached volume resized through the whole
stack (doc/volumes.md, "Moves"): one libvirt compute on
``qemu:///system`` (TCG) with ``allow_resize_to_same_host`` and
``nova-lite-volume`` (file volumes, ``qemu-nbd`` exports on 127.0.0.1).

The tiny guest gets a 1 GiB volume (``NOVA_LITE_DISK vdb <bytes>`` on
its console), is resized to 2 vCPUs, 256 MiB, 2 GiB and boots again
(``BOOT 2``) with the volume's NBD disk in its resized domain (virsh
dumpxml); after the confirm the volume is detached and the guest
reports ``NOVA_LITE_DISK_GONE vdb``: it had the disk after the resize.

Slow (two TCG boots): runs only with ``NOVA_LITE_VOLUME_REAL_RESIZE=1``
and when ``test_libvirt_real_guest`` could run.
"""
import os

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ENV = 'NOVA_LITE_VOLUME_REAL_RESIZE'
TIMEOUT = 120


class TestVolumeRealResize(real.TestRealGuest):
    """Resize a running QEMU guest that has a volume."""

    test_boot_console_reboot_delete = None
    stack_kwargs = {'volume': True}
    extra_conf = {('DEFAULT', 'allow_resize_to_same_host'): True}

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check: two TCG boots)' % ENV)
        super().setUp()
        self.admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')

    def volume(self, volume_id):
        resp = self.client.session.get('%s/volume/v3/demo/volumes/%s' % (
            self.stack.api_url, volume_id), timeout=30)
        return resp.json()['volume'] if resp.status_code == 200 else None

    def status(self, server_id, status):
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

    def nbd_disks(self, domain):
        xml = real.virsh('dumpxml', domain).replace('"', "'")
        return xml.count("protocol='nbd'")

    def test_resize_keeps_the_volume(self):
        resp = self.admin.request('POST', '/flavors', json={'flavor': {
            'name': 'rv.big', 'id': 'rv-big', 'ram': 256, 'vcpus': 2,
            'disk': 2}})
        self.assertEqual(200, resp.status_code, resp.text)
        image = self.register_guest_image()
        resp = self.client.create_server(name='vol-resize',
                                         flavor=real.FLAVOR, image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        self.wait_guest_up(server_id, 1)
        resp = self.client.session.post(
            '%s/volume/v3/demo/volumes' % self.stack.api_url,
            json={'volume': {'size': 1, 'name': 'rv'}}, timeout=30)
        self.assertEqual(202, resp.status_code, resp.text)
        volume_id = resp.json()['volume']['id']
        libvirt_stack.wait_for(
            lambda: self.volume(volume_id)['status'] == 'available',
            TIMEOUT, 'volume available', interval=1)
        resp = self.client.request(
            'POST', '/servers/%s/os-volume_attachments' % server_id,
            json={'volumeAttachment': {'volumeId': volume_id}})
        self.assertEqual(200, resp.status_code, resp.text)
        libvirt_stack.wait_for(
            lambda: self.console_lines(server_id, 'NOVA_LITE_DISK vdb'),
            TIMEOUT, 'the guest to see vdb', interval=2)
        self.phase('volume attached')
        domain = self.admin.get_server(server_id).json()['server'][
            'OS-EXT-SRV-ATTR:instance_name']

        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'resize': {'flavorRef': 'rv-big'}})
        self.assertEqual(202, resp.status_code, resp.text)
        self.status(server_id, 'VERIFY_RESIZE')
        self.wait_guest_up(server_id, 2)
        self.phase('resized')
        boots = self.console_lines(server_id, real.DISK_ID)
        print('volume resize: %s' % boots[-1])
        self.assertTrue(boots[-1].endswith('BOOT 2'), boots)
        self.assertEqual(1, self.nbd_disks(domain))
        self.assertEqual('in-use', self.volume(volume_id)['status'])

        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'confirmResize': None})
        self.assertEqual(204, resp.status_code, resp.text)
        self.status(server_id, 'ACTIVE')
        resp = self.client.request(
            'DELETE', '/servers/%s/os-volume_attachments/%s' % (
                server_id, volume_id))
        self.assertEqual(202, resp.status_code, resp.text)
        libvirt_stack.wait_for(
            lambda: self.volume(volume_id)['status'] == 'available',
            TIMEOUT, 'the volume detached', interval=2)
        gone = libvirt_stack.wait_for(
            lambda: self.console_lines(server_id, 'NOVA_LITE_DISK_GONE vdb'),
            TIMEOUT, 'the resized guest to lose vdb', interval=2)
        print('volume resize: %s' % gone[-1])
        self.assertEqual(0, self.nbd_disks(domain))
        self.phase('volume detached')
        self.check_delete(server_id)
