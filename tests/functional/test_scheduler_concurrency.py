"""Issue 6 acceptance 1: two scheduler processes placing concurrent boots
on RabbitMQ + MariaDB never overcommit a host nor break a hard
anti-affinity group.

Three fake hosts (one ``nova-lite-compute --fake-hosts 3``) each have room
for exactly 10 m1.tiny servers: 5120 MiB of RAM, no reserved memory, RAM
ratio 1.0, 512 MiB per server (vCPUs, 16 x 16, and disk, 100 GiB, are not
the limit).
"""
from concurrent import futures

import sqlalchemy as sa
import testtools

from nova_lite.db import models
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes

HOSTS = 3
PER_HOST = 10
FLAVOR_RAM_MB = 512     # m1.tiny (flavor '1') of nova-lite-manage bootstrap

CONF = {
    ('fake', 'vcpus'): 16,
    ('fake', 'memory_mb'): PER_HOST * FLAVOR_RAM_MB,
    ('fake', 'local_gb'): 100,
    ('compute', 'reserved_host_memory_mb'): 0,
    ('compute', 'reserved_host_disk_mb'): 0,
    ('compute', 'ram_allocation_ratio'): 1.0,
    ('compute', 'cpu_allocation_ratio'): 16.0,
    ('compute', 'disk_allocation_ratio'): 1.0,
    ('api', 'threads'): 32,
    ('quota', 'instances'): -1,
    ('quota', 'cores'): -1,
    ('quota', 'ram'): -1,
    ('quota', 'server_group_members'): -1,
}


class SchedulerConcurrencyTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(processes.MultiProcessStack(
            'mysql', schedulers=2, fake_hosts=HOSTS, conf=CONF))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin-project', user_id='admin',
            roles='admin,member,reader')
        self.image = self.client.image_id('tiny')

    def _post(self, index, hints=None):
        """POST one server from a client of its own (one connection per
        thread, as separate users would); returns its id."""
        body = {'server': {'name': 'race-%d' % index, 'flavorRef': '1',
                           'imageRef': self.image}}
        if hints:
            body['os:scheduler_hints'] = hints
        client = compute_client.ComputeClient(self.stack.api_url)
        resp = client.request('POST', '/servers', json=body)
        self.assertEqual(202, resp.status_code, resp.text)
        return resp.json()['server']['id']

    def boot_concurrently(self, count, hints=None):
        """``count`` single-server POSTs from ``count`` threads; waits
        until every server is ACTIVE or ERROR and returns {id: server}
        as an admin sees it (fault details included)."""
        with futures.ThreadPoolExecutor(count) as pool:
            ids = list(pool.map(lambda i: self._post(i, hints),
                                range(count)))
        self.client.wait_for_servers(ids, timeout=240)
        return {i: self.admin.get_server(i).json()['server'] for i in ids}

    def by_status(self, servers):
        result = {}
        for server_id, server in servers.items():
            result.setdefault(server['status'], []).append(server_id)
        return result

    def instance_hosts(self, ids):
        inst = models.Instance
        return dict(self.stack.query(sa.select(inst.uuid, inst.host).where(
            inst.uuid.in_(ids))))

    def assert_within_capacity(self):
        node = models.ComputeNode
        for row in self.stack.query(sa.select(
                node.host, node.vcpus, node.vcpus_used, node.memory_mb,
                node.memory_mb_used, node.reserved_memory_mb,
                node.local_gb, node.local_gb_used,
                node.cpu_allocation_ratio, node.ram_allocation_ratio,
                node.disk_allocation_ratio).where(node.deleted == 0)):
            self.assertLessEqual(row.vcpus_used,
                                 row.vcpus * row.cpu_allocation_ratio, row)
            self.assertLessEqual(row.memory_mb_used, (
                row.memory_mb - row.reserved_memory_mb) *
                row.ram_allocation_ratio, row)
            self.assertLessEqual(row.local_gb_used,
                                 row.local_gb * row.disk_allocation_ratio,
                                 row)

    def allocations_per_host(self):
        alloc, node = models.Allocation, models.ComputeNode
        return dict(self.stack.query(
            sa.select(node.host, sa.func.count(alloc.id))
            .join(node, node.id == alloc.compute_node_id)
            .group_by(node.host)))

    def test_fifty_boots_fill_exactly_thirty_slots(self):
        servers = self.boot_concurrently(50)
        statuses = self.by_status(servers)
        self.assertEqual({'ACTIVE': 30, 'ERROR': 20},
                         {k: len(v) for k, v in statuses.items()})
        for server_id in statuses['ERROR']:
            message = servers[server_id]['fault']['message']
            self.assertIn('No valid host was found', message)
            self.assertIn('RamFilter rejected 3 of 3 hosts', message)
        self.assert_within_capacity()
        expected = {'fake-%d' % (i + 1): PER_HOST for i in range(HOSTS)}
        self.assertEqual(expected, self.allocations_per_host())
        hosts = self.instance_hosts(statuses['ACTIVE'])
        self.assertEqual(expected, {h: list(hosts.values()).count(h)
                                    for h in set(hosts.values())})

    def test_anti_affinity_group_of_five_on_three_hosts(self):
        resp = self.client.request('POST', '/os-server-groups', json={
            'server_group': {'name': 'spread', 'policies': ['anti-affinity']}})
        self.assertEqual(200, resp.status_code, resp.text)
        group_id = resp.json()['server_group']['id']
        servers = self.boot_concurrently(5, hints={'group': group_id})
        statuses = self.by_status(servers)
        self.assertEqual({'ACTIVE': 3, 'ERROR': 2},
                         {k: len(v) for k, v in statuses.items()})
        hosts = self.instance_hosts(statuses['ACTIVE'])
        self.assertEqual(3, len(set(hosts.values())), hosts)
        for server_id in statuses['ERROR']:
            self.assertIn('ServerGroupAntiAffinityFilter rejected 3 of 3',
                          servers[server_id]['fault']['message'])
        group = self.client.request('GET', '/os-server-groups/%s' % group_id)
        self.assertEqual(sorted(servers), sorted(
            group.json()['server_group']['members']))
        self.assert_within_capacity()
