"""Rescue and unrescue through the whole stack: separate API, conductor,
scheduler and one libvirt compute on ``test:///default`` (RabbitMQ,
MariaDB; see ``fixtures.libvirt_stack``), real qcow2 files made by
qemu-img (doc/lifecycle-rescue.md).

One server: rescue (200 with a generated adminPass; RESCUE; the
instance directory holds the rescue disk, an overlay on the base image,
and the saved original domain), a reboot refused while rescued (409),
unrescue (ACTIVE; the rescue files gone, the same root disk, fixed IP
and claim), delete."""
import os

from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_stack

HOST = 'node1'
TIMEOUT = 120


class TestRescue(test_libvirt_stack.LibvirtStackTestCase):

    def setUp(self):
        # One host is enough (and halves the stack's start-up).
        self.patch(test_libvirt_stack, 'HOSTS', (HOST,))
        super().setUp()

    def files(self, server_id):
        return sorted(os.listdir(os.path.join(
            self.stack.instances_path(HOST), server_id)))

    def test_rescue_then_unrescue(self):
        resp = self.client.create_server(name='broken', image=self.image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        before = self.wait_server(server_id, 'ACTIVE', TIMEOUT)
        disk = os.path.join(self.stack.instances_path(HOST), server_id,
                            'disk')
        disk_inode = os.stat(disk).st_ino
        usage = self.stack.node_usage()

        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'rescue': None})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(['adminPass'], list(resp.json()))
        rescued = self.wait_server(server_id, 'RESCUE')
        self.assertEqual('rescued', rescued['OS-EXT-STS:vm_state'])
        self.assertEqual(['console', 'console.log', 'disk', 'disk.rescue',
                          'unrescue.xml'], self.files(server_id))
        self.assertIn(('compute_rescue_instance', 'Success', HOST),
                      self.stack.action_events(server_id))
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'reboot': {'type': 'HARD'}})
        self.assertEqual(409, resp.status_code, resp.text)

        self.action(server_id, {'unrescue': None})
        after = self.wait_server(server_id, 'ACTIVE')
        self.assertEqual(['console', 'console.log', 'disk'],
                         self.files(server_id))
        self.assertEqual(disk_inode, os.stat(disk).st_ino)
        self.assertEqual(before['addresses'], after['addresses'])
        self.assertEqual(usage, self.stack.node_usage())
        self.assertIn(('compute_unrescue_instance', 'Success', HOST),
                      self.stack.action_events(server_id))

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.client.wait_for_deleted([server_id])
        libvirt_stack.wait_for(
            lambda: self.stack.instance_dirs(HOST) == [], TIMEOUT,
            'instance directory removed')
        self.assert_hosts_clean()
