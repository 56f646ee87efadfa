"""A compute without database access (acceptance 1).

The API, conductor and scheduler run on the host over RabbitMQ and
MariaDB; the compute runs ``LibvirtDriver`` on ``test:///default`` in a
network namespace that reaches RabbitMQ and the API's port only, with a
configuration that has no ``[database]`` section. It boots a server
(downloading the image over the image API), reboots, stops, starts and
deletes it, and at every step holds no socket to a database (read from
``/proc``).

Needs root, ``ip netns`` and ``socat``; skipped otherwise. About a
minute (one test: the stack takes most of it).
"""
import configparser

import sqlalchemy as sa
import testtools

from nova_lite.bench import client as compute_client
from nova_lite.db import models
from tests.functional.fixtures import libvirt_stack
from tests.functional.fixtures import netns

HOST = 'node1'
ACTION_TIMEOUT = 120   # seconds


class TestComputeWithoutDatabase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        reason = netns.skip_reason()
        if reason:
            self.skipTest(reason)
        self.stack = self.useFixture(netns.NetnsLibvirtStack(
            'mysql', hosts=(HOST,), connection_uri='test:///default',
            conf={('libvirt', 'soft_reboot_timeout'): 5}))
        self.node = self.stack.nodes[HOST]
        self.compute = self.stack.processes['compute-%s' % HOST]
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')

    def assert_no_db_socket(self, step):
        pid = self.compute.popen.pid
        self.assertTrue(self.compute.alive(), self.compute.log_tail())
        # The check sees the compute's sockets (RabbitMQ at least).
        self.assertGreater(netns.socket_count(pid), 0, step)
        self.assertEqual([], netns.db_sockets(pid), step)

    def wait_server(self, server_id, status):
        def _settled():
            resp = self.admin.get_server(server_id)
            server = resp.json()['server']
            return (server['status'] == status
                    and server['OS-EXT-STS:task_state'] is None
                    and server)
        return libvirt_stack.wait_for(_settled, ACTION_TIMEOUT,
                                      '%s %s' % (server_id, status))

    def action(self, server_id, body):
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json=body)
        self.assertEqual(202, resp.status_code, resp.text)

    def assert_isolated(self):
        """The compute's configuration has no database, its namespace no
        route to one, but it reaches the bus and the API."""
        config = configparser.ConfigParser(interpolation=None)
        config.read(self.compute.argv[self.compute.argv.index(
            '--config-file') + 1])
        self.assertFalse(config.has_section('database'))
        # It registered (through the conductor) all the same.
        svc = models.Service
        self.assertEqual([(HOST,)], self.stack.query(sa.select(svc.host).where(
            svc.binary == 'nova-lite-compute', svc.deleted == 0)))
        for port in netns.DB_PORTS:
            self.assertFalse(self.node.reaches(port), port)
            self.assertFalse(self.node.reaches(port, '127.0.0.1'), port)
        self.assertTrue(self.node.reaches(netns.RABBIT_PORT))
        self.assertTrue(self.node.reaches(self.stack.api_port))

    def test_lifecycle_with_image_download(self):
        self.assert_isolated()
        image = self.client.image_id('tiny')
        self.assertEqual([], self.stack.image_cache_files(HOST))
        resp = self.client.create_server(name='nodb', image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        server = self.wait_server(server_id, 'ACTIVE')
        self.assertEqual(HOST, server['OS-EXT-SRV-ATTR:host'])
        self.assertIn(image, self.stack.image_cache_files(HOST))
        self.assertEqual([server_id], self.stack.instance_dirs(HOST))
        self.assert_no_db_socket('after boot')
        for body, status in (({'reboot': {'type': 'SOFT'}}, 'ACTIVE'),
                             ({'os-stop': None}, 'SHUTOFF'),
                             ({'os-start': None}, 'ACTIVE')):
            self.action(server_id, body)
            self.wait_server(server_id, status)
            self.assert_no_db_socket('after %s' % list(body)[0])
        events = [e for e, result, host in
                  self.stack.action_events(server_id) if host == HOST
                  and result == 'Success']
        self.assertEqual(['compute_build_and_run_instance',
                          'compute_reboot_instance', 'compute_stop_instance',
                          'compute_start_instance'], events)
        self.assertEqual(204, self.client.delete_server(
            server_id).status_code)
        libvirt_stack.wait_for(
            lambda: self.admin.get_server(server_id).status_code == 404,
            ACTION_TIMEOUT, 'server deleted')
        libvirt_stack.wait_for(
            lambda: self.stack.instance_dirs(HOST) == [], ACTION_TIMEOUT,
            'instance directory removed')
        self.assertEqual([], self.stack.allocations())
        self.assertEqual([], self.stack.allocated_fixed_ips())
        self.assert_no_db_socket('after delete')
