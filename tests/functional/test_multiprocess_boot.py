"""Issue 2 acceptance 1: separate API, conductor, scheduler and two computes
on RabbitMQ and MariaDB (and PostgreSQL), or nova-lite-all on SQLite, boot
servers over HTTP, then delete them and leave no claim or IP behind."""
import testtools

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes


class MultiProcessBootMixin:
    backend = 'mysql'
    all_in_one = False

    def setUp(self):
        super().setUp()
        # 13 servers: above the default instances quota of 10.
        self.stack = self.useFixture(processes.MultiProcessStack(
            self.backend, hosts=('node1', 'node2'),
            all_in_one=self.all_in_one,
            conf={('quota', 'instances'): 20}))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.image = self.client.image_id('tiny')

    def _boot(self):
        resp = self.client.create_server(
            name='multi', image=self.image, min_count=10, max_count=10,
            return_reservation_id=True)
        self.assertEqual(202, resp.status_code, resp.text)
        reservation_id = resp.json()['reservation_id']
        ids = [s['id'] for s in self.client.list_servers(
            reservation_id=reservation_id)]
        self.assertEqual(10, len(ids))
        for index in range(3):
            resp = self.client.create_server(name='single-%d' % index,
                                             image=self.image)
            self.assertEqual(202, resp.status_code, resp.text)
            self.assertIn('Location', resp.headers)
            ids.append(resp.json()['server']['id'])
        return ids

    def test_boot_and_delete_servers(self):
        ids = self._boot()
        servers = self.client.wait_for_servers(ids)
        statuses = {s['status'] for s in servers.values()}
        self.assertEqual({'ACTIVE'}, statuses)
        hosts = set()
        for server in servers.values():
            addresses = server['addresses']['private']
            self.assertEqual(1, len(addresses))
            self.assertTrue(addresses[0]['addr'])
            self.assertTrue(addresses[0]['OS-EXT-IPS-MAC:mac_addr']
                            .startswith('fa:16:3e:'))
            self.assertTrue(server['hostId'])
            hosts.add(server['hostId'])
        self.assertEqual(2, len(hosts), 'servers on both hosts')
        self.assertEqual(len(ids), len(self.stack.allocations()))
        for server_id in ids:
            self.assertEqual(204,
                             self.client.delete_server(server_id).status_code)
        self.client.wait_for_deleted(ids)
        self.assertEqual([], self.stack.allocations())
        self.assertEqual([], self.stack.allocated_fixed_ips())
        self.assertEqual({(0, 0, 0)}, set(self.stack.node_usage().values()))


class TestMultiProcessMariaDB(MultiProcessBootMixin, testtools.TestCase):
    backend = 'mysql'


class TestMultiProcessPostgreSQL(MultiProcessBootMixin, testtools.TestCase):
    backend = 'postgresql'


class TestAllInOneSQLite(MultiProcessBootMixin, testtools.TestCase):
    backend = 'sqlite'
    all_in_one = True
