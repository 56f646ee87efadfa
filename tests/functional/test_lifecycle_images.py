"""Rebuild and snapshots through the whole stack: separate API,
conductor, scheduler and one libvirt compute on ``test:///default``
(RabbitMQ, MariaDB; see ``fixtures.libvirt_stack``), real qcow2 files
made by qemu-img, the snapshot uploaded by the compute over the image
API's HTTP upload.

One server: rebuild (a new root disk file, same uuid and fixed IP),
createImage (the image goes active with the snapshot's properties and
a standalone qcow2 of the disk as its data), then a second server boots
from the snapshot."""
import os

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_stack

HOST = 'node1'
TIMEOUT = 120


class TestRebuildAndSnapshot(test_libvirt_stack.LibvirtStackTestCase):

    def setUp(self):
        # One host is enough (and halves the stack's start-up).
        self.patch(test_libvirt_stack, 'HOSTS', (HOST,))
        super().setUp()
        self.images = compute_client.ComputeClient(self.stack.api_url)
        self.images.base = self.stack.api_url.rstrip('/') + '/image/v2'

    def instance_file(self, server_id, name):
        return os.path.join(self.stack.instances_path(HOST), server_id,
                            name)

    def wait_image(self, image_id):
        def active():
            resp = self.images.request('GET', '/images/%s' % image_id)
            self.assertEqual(200, resp.status_code, resp.text)
            body = resp.json()
            self.assertNotIn(body['status'], ('killed', 'deleted'))
            return body if body['status'] == 'active' else None
        return libvirt_stack.wait_for(active, TIMEOUT,
                                      'image %s active' % image_id)

    def test_rebuild_then_snapshot_then_boot_from_it(self):
        resp = self.client.create_server(name='src', image=self.image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        before = self.wait_server(server_id, 'ACTIVE', TIMEOUT)
        # A file of the old guest's directory: the rebuild's destroy
        # removes it with the old disk.
        marker = self.instance_file(server_id, 'old-guest')
        open(marker, 'w').close()

        self.action(server_id, {'rebuild': {'imageRef': self.image,
                                            'name': 'rebuilt'}})
        after = self.wait_server(server_id, 'ACTIVE')
        self.assertEqual('rebuilt', after['name'])
        self.assertEqual(before['addresses'], after['addresses'])
        self.assertFalse(os.path.exists(marker))
        self.assertTrue(os.path.isfile(self.instance_file(server_id,
                                                          'disk')))
        self.assertIn(('compute_rebuild_instance', 'Success', HOST),
                      self.stack.action_events(server_id))

        resp = self.client.request(
            'POST', '/servers/%s/action' % server_id,
            json={'createImage': {'name': 'snap', 'metadata': {'k': 'v'}}},
            headers={'OpenStack-API-Version': 'compute 2.45'})
        self.assertEqual(202, resp.status_code, resp.text)
        image_id = resp.json()['image_id']
        image = self.wait_image(image_id)
        self.assertEqual(('snapshot', server_id, 'v', 'qcow2'), (
            image['image_type'], image['instance_uuid'], image['k'],
            image['disk_format']))
        self.assertGreater(image['size'], 0)
        self.wait_server(server_id, 'ACTIVE')

        resp = self.client.create_server(name='from-snap', image=image_id)
        self.assertEqual(202, resp.status_code, resp.text)
        clone_id = resp.json()['server']['id']
        self.wait_server(clone_id, 'ACTIVE', TIMEOUT)
        self.assertIn(image_id, self.stack.image_cache_files(HOST))

        for sid in (server_id, clone_id):
            self.assertEqual(204, self.client.delete_server(sid).status_code)
        self.client.wait_for_deleted([server_id, clone_id])
        self.assert_hosts_clean()
