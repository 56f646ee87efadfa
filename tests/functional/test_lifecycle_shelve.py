"""Shelve, offload and unshelve through the whole stack: separate API,
conductor, scheduler and one libvirt compute on ``test:///default``
(RabbitMQ, MariaDB; see ``fixtures.libvirt_stack``), the shelved image a
real standalone qcow2 uploaded by the compute over the image API.

One server: shelve (``[DEFAULT] shelved_offload_time`` 0: offloaded at
once; its instance directory, domain and claim are gone, its address
kept), then unshelve (scheduled again: a claim, a new guest from the
shelved image, which is then deleted), then delete."""
import os

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_stack

HOST = 'node1'
TIMEOUT = 120


class TestShelveUnshelve(test_libvirt_stack.LibvirtStackTestCase):

    def setUp(self):
        self.patch(test_libvirt_stack, 'HOSTS', (HOST,))
        super().setUp()
        self.images = compute_client.ComputeClient(self.stack.api_url)
        self.images.base = self.stack.api_url.rstrip('/') + '/image/v2'

    def image_status(self, image_id):
        """The image's body, or None once it is gone (404)."""
        resp = self.images.request('GET', '/images/%s' % image_id)
        return resp.json() if resp.status_code == 200 else None

    def test_shelve_offload_unshelve(self):
        resp = self.client.create_server(name='shelf', image=self.image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        before = self.wait_server(server_id, 'ACTIVE', TIMEOUT)
        disk = os.path.join(self.stack.instances_path(HOST), server_id,
                            'disk')
        self.assertTrue(os.path.isfile(disk))

        self.action(server_id, {'shelve': None})
        shelved = self.wait_server(server_id, 'SHELVED_OFFLOADED', TIMEOUT)
        self.assertIsNone(shelved['OS-EXT-SRV-ATTR:host'])
        self.assertEqual(before['addresses'], shelved['addresses'])
        self.assertEqual([], self.stack.instance_dirs(HOST))
        self.assertEqual([], self.stack.allocations())
        images = [i for i in self.images.request(
            'GET', '/images?name=shelf-shelved').json()['images']]
        self.assertEqual(1, len(images), images)
        image = images[0]
        self.assertEqual(('active', 'snapshot', server_id, 'qcow2'), (
            image['status'], image['image_type'], image['instance_uuid'],
            image['disk_format']))
        self.assertGreater(image['size'], 0)
        self.assertIn(('compute_shelve_offload_instance', 'Success', HOST),
                      self.stack.action_events(server_id))

        self.action(server_id, {'unshelve': None})
        after = self.wait_server(server_id, 'ACTIVE', TIMEOUT)
        self.assertEqual(HOST, after['OS-EXT-SRV-ATTR:host'])
        self.assertEqual(before['addresses'], after['addresses'])
        self.assertTrue(os.path.isfile(disk))
        self.assertIn(image['id'], self.stack.image_cache_files(HOST))
        self.assertEqual(1, len(self.stack.allocations()))
        libvirt_stack.wait_for(
            lambda: (self.image_status(image['id']) or
                     {'status': 'deleted'})['status'] == 'deleted',
            TIMEOUT, 'shelved image %s deleted' % image['id'])

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.client.wait_for_deleted([server_id])
        self.assert_hosts_clean()
