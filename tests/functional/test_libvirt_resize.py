"""Resize, confirmResize and revertResize through the whole stack: API,
conductor, scheduler and two libvirt computes on test:///default (each
with its own instances and images path, as computes on one machine) over
RabbitMQ and MariaDB. Checked from outside: the server's status, host
and flavor, the files under each host's instances_path (the qcow2 root
disk grown by qemu-img), the claims (consumers and hosts) against the
nodes' usage."""
import os

import sqlalchemy as sa

from nova_lite.db import models
from tests.functional import test_libvirt_stack as base
from tests.unit.virt.libvirt import base as libvirt_base

GiB = 1024 ** 3


class TestLibvirtResize(base.LibvirtStackTestCase):

    def setUp(self):
        super().setUp()
        resp = self.admin.request('POST', '/flavors', json={'flavor': {
            'name': 'rs.big', 'id': 'rs-big', 'ram': 256, 'vcpus': 2,
            'disk': 2}})
        self.assertEqual(200, resp.status_code, resp.text)

    def claims(self):
        """{consumer uuid: (host, vcpus, memory_mb, disk_gb)}, after
        checking that each node's usage is the sum of its claims."""
        alloc, node = models.Allocation, models.ComputeNode
        rows = self.stack.query(sa.select(
            alloc.instance_uuid, node.host, alloc.vcpus, alloc.memory_mb,
            alloc.disk_gb).join(node, node.id == alloc.compute_node_id))
        sums = {h: (0, 0, 0) for h in base.HOSTS}
        for _uuid, host, *amounts in rows:
            sums[host] = tuple(a + b for a, b in zip(sums[host], amounts,
                                                     strict=True))
        self.assertEqual(sums, self.stack.node_usage())
        return {r[0]: tuple(r[1:]) for r in rows}

    def post_action(self, server_id, body, code):
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json=body)
        self.assertEqual(code, resp.status_code, resp.text)

    def disk_size(self, host, server_id):
        return libvirt_base.qemu_img_info(os.path.join(
            self.stack.instances_path(host), server_id, 'disk'))[
            'virtual-size']

    def test_resize_confirm_then_resize_revert(self):
        server_id = self.client.create_server(
            name='rs', image=self.image, flavor='42').json()['server']['id']
        source = self.wait_server(server_id, 'ACTIVE',
                                  base.BUILD_TIMEOUT)['OS-EXT-SRV-ATTR:host']
        dest = [h for h in base.HOSTS if h != source][0]

        self.post_action(server_id, {'resize': {'flavorRef': 'rs-big'}}, 202)
        server = self.wait_server(server_id, 'VERIFY_RESIZE')
        self.assertEqual((dest, 'rs-big'), (
            server['OS-EXT-SRV-ATTR:host'], server['flavor']['id']))
        self.assertEqual(2 * GiB, self.disk_size(dest, server_id))
        self.assertEqual([server_id + '_resize'],
                         self.stack.instance_dirs(source))
        claims = self.claims()
        self.assertEqual({(source, 1, 128, 1), (dest, 2, 256, 2)},
                         set(claims.values()))

        self.post_action(server_id, {'confirmResize': None}, 204)
        self.wait_server(server_id, 'ACTIVE')
        base.libvirt_stack.wait_for(
            lambda: self.stack.instance_dirs(source) == [],
            base.ACTION_TIMEOUT, 'the source directory removed')
        self.assertEqual({server_id: (dest, 2, 256, 2)}, self.claims())

        # Disks never shrink: micro's 1 GiB root disk is refused.
        self.post_action(server_id, {'resize': {'flavorRef': '84'}}, 400)
        resp = self.admin.request('POST', '/flavors', json={'flavor': {
            'name': 'rs.huge', 'id': 'rs-huge', 'ram': 320, 'vcpus': 1,
            'disk': 3}})
        self.assertEqual(200, resp.status_code, resp.text)
        self.post_action(server_id, {'resize': {'flavorRef': 'rs-huge'}},
                         202)
        self.wait_server(server_id, 'VERIFY_RESIZE')
        self.post_action(server_id, {'revertResize': None}, 202)
        server = self.wait_server(server_id, 'ACTIVE')
        self.assertEqual((dest, 'rs-big'), (
            server['OS-EXT-SRV-ATTR:host'], server['flavor']['id']))
        self.assertEqual(2 * GiB, self.disk_size(dest, server_id))
        self.assertEqual({server_id: (dest, 2, 256, 2)}, self.claims())
        self.assertEqual([], self.stack.instance_dirs(source))
        self.assertEqual([e for e in self.stack.action_events(server_id)
                          if e[1] != 'Success'], [])

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.client.wait_for_deleted([server_id])
        self.assert_hosts_clean()
