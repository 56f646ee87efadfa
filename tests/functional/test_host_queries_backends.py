"""The host queries on every backend: ``servicegroup.sql_is_up`` agrees
with ``servicegroup.is_up`` over the unit tests' table of cases, and the
os-hypervisors statements (correlated workload count, sums, the
hostname pattern with LIKE wildcards) and the claim's chain of
allocation ratios (cluster, global, node) give the same results on
MariaDB, PostgreSQL and SQLite."""
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import sqlalchemy as sa
import testtools

from nova_lite import context as nl_context
from nova_lite.db import claims as claim_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import host_candidates as candidate_db
from nova_lite.db import hypervisors as hypervisor_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migration
from nova_lite.db import models
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite.db import topology as topology_db
from nova_lite import servicegroup
from tests.functional.fixtures import backends
from tests.unit import test_servicegroup as cases

CONF = cfg.CONF
RATIOS = {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
          'disk_allocation_ratio': 1.0}


class HostQueriesMixin:
    backend = None

    def setUp(self):
        super().setUp()
        database = self.useFixture(backends.Database(self.backend))
        self.useFixture(config_fixture.Config(CONF)).config(
            connection=database.url, group='database')
        db_session.reset()
        self.addCleanup(db_session.reset)
        migration.db_sync()
        self.admin = nl_context.get_admin_context()

    def test_sql_is_up_agrees_with_is_up(self):
        for host, (values, _up) in cases.CASES.items():
            service = service_db.service_register(
                self.admin, host, servicegroup.COMPUTE, 'compute')
            service_db.service_update(self.admin, service['id'], dict(
                {'created_at': cases.NOW - 7200 * cases.SECOND}, **values))
        services = service_db.service_get_all(self.admin)
        svc = models.Service
        for offset in (-61, 0, 1, 61):
            now = cases.NOW + offset * cases.SECOND
            python = {s['host'] for s in services
                      if servicegroup.is_up(s, now, cases.DOWN)}
            with db_session.reader(self.admin) as session:
                sql = set(session.scalars(
                    sa.select(svc.host).where(servicegroup.sql_is_up(svc)),
                    servicegroup.window_params(now, cases.DOWN)))
            self.assertEqual(python, sql, offset)

    def test_hypervisor_statements(self):
        for host, name in (('h1', 'n_1.example'), ('h2', 'n%2.example'),
                           ('h3', 'nX2.example')):
            service_db.service_register(self.admin, host,
                                        servicegroup.COMPUTE, 'compute')
            node_db.compute_node_report(
                self.admin, host, name, {'vcpus': 4, 'memory_mb': 1024,
                                         'local_gb': 10}, RATIOS, 0, 0)
        instance_db.instances_create(self.admin, [
            {'uuid': 'vm-%d' % i, 'vcpus': 1, 'memory_mb': 64, 'root_gb': 1,
             'project_id': 'p', 'host': 'h1', 'node': node,
             'vm_state': state}
            for i, (node, state) in enumerate((
                ('n_1.example', 'building'), (None, 'building'),
                ('n_1.example', 'active'), ('other', 'building')))])
        found = hypervisor_db.hypervisor_get_all(self.admin, workload=True)
        self.assertEqual([2, 0, 0], [h['current_workload'] for h in found])
        self.assertEqual(['h1', 'h2', 'h3'],
                         [h['service']['host'] for h in found])
        self.assertEqual(['n%2.example'], [
            h['hypervisor_hostname'] for h in
            hypervisor_db.hypervisor_get_all(self.admin, pattern='%2')])
        self.assertEqual(['n_1.example'], [
            h['hypervisor_hostname'] for h in
            hypervisor_db.hypervisor_get_all(self.admin, pattern='n_')])
        self.assertEqual([], hypervisor_db.hypervisor_get_all(
            self.admin, pattern='N'))
        stats = hypervisor_db.hypervisor_statistics(self.admin)
        self.assertEqual({'count': 3, 'vcpus': 12, 'memory_mb': 3072,
                          'local_gb': 30, 'vcpus_used': 0,
                          'memory_mb_used': 0, 'local_gb_used': 0,
                          'running_vms': 0, 'current_workload': 2}, stats)
        self.assertTrue(all(type(v) is int for v in stats.values()))
        servers = hypervisor_db.hypervisor_servers(self.admin, found)
        self.assertEqual(['vm-0', 'vm-1', 'vm-2'],
                         [s['uuid'] for s in servers[found[0]['id']]])


    def test_claim_follows_the_ratio_chain(self):
        """The claim's conditional UPDATE takes the cluster's memory
        ratio, else the global one, else the node's (correlated
        subqueries, the same on every backend)."""
        nodes = {}
        for host in ('h1', 'h2'):
            service_db.service_register(self.admin, host,
                                        servicegroup.COMPUTE, 'compute')
            nodes[host] = node_db.compute_node_report(
                self.admin, host, host, {'vcpus': 4, 'memory_mb': 1024,
                                         'local_gb': 10}, RATIOS, 0, 0)
        pod = topology_db.pod_create(self.admin, 'nova', 'rack1')
        cluster = topology_db.cluster_create(self.admin, pod['uuid'], 'c1',
                                             mem_overcommit_ratio=2.0)
        topology_db.host_set_cluster(self.admin, 'h1', cluster['uuid'])

        def fits(host, memory_mb):
            return claim_db.claim(self.admin, nodes[host]['id'],
                                  'vm-%s-%d' % (host, memory_mb), 0,
                                  memory_mb, 0)
        self.assertFalse(fits('h2', 1536))     # the node's 1.0
        topology_db.global_setting_set(self.admin, 'mem.overcommit.ratio',
                                       1.5)
        self.assertTrue(fits('h2', 1536))      # the global 1.5
        self.assertTrue(fits('h1', 2048))      # the cluster's 2.0
        free = {n['host']: n['free_ram_mb'] for n in
                node_db.compute_nodes_for_scheduling(self.admin,
                                                     prefilter=False)}
        self.assertEqual({'h1': 0, 'h2': 0}, free)


    def test_scale_statements(self):
        """The scheduler's bounded candidate query (window functions, a
        LIMIT in a derived table, expanding IN lists, the planners'
        group order) gives the same hosts in the same order; the
        conductor's batched heartbeats and reports (one UPDATE; a locking
        SELECT, a SUM and an executemany UPDATE) write the same rows."""
        for index in range(1, 7):
            host = 'h%d' % index
            service_db.service_register(self.admin, host,
                                        servicegroup.COMPUTE, 'compute')
            node_db.compute_node_report(
                self.admin, host, host, {'vcpus': 8, 'memory_mb': 512 * index,
                                         'local_gb': 10}, RATIOS, 0, 0)
        pod = topology_db.pod_create(self.admin, 'nova', 'rack1')
        for name, hosts in (('c1', ('h1', 'h2')), ('c2', ('h5', 'h6'))):
            cluster = topology_db.cluster_create(self.admin, pod['uuid'],
                                                 name)
            for host in hosts:
                topology_db.host_set_cluster(self.admin, host,
                                             cluster['uuid'])
        query = candidate_db.CandidateQuery(
            resources=(1, 512, 1), weights=((1.0, 'free_ram_mb'),
                                            (1.0, 'free_vcpus')),
            hosts_out=frozenset(['h6']))
        nodes, truncated = candidate_db.host_candidates(self.admin, query, 3)
        self.assertEqual((['h5', 'h4', 'h3'], True),
                         ([n['host'] for n in nodes], truncated))
        self.assertEqual(1536.0, float(nodes[2]['free_ram_mb']))
        query.planner = 'FirstFitPlanner'
        query.hosts_out = frozenset()
        query.hosts_in = frozenset(['h1', 'h2', 'h5', 'h6', 'h3'])
        nodes, truncated = candidate_db.host_candidates(self.admin, query)
        self.assertEqual((['h2', 'h1', 'h6', 'h5', 'h3'], False),
                         ([n['host'] for n in nodes], truncated))
        self._check_batches()

    def _check_batches(self):
        services = {s['host']: s for s in service_db.service_get_all(
            self.admin)}
        service_db.service_destroy(self.admin, services['h6']['id'])
        self.assertEqual({services['h6']['id']},
                         service_db.service_heartbeats(
                             self.admin, [s['id'] for s in
                                          services.values()]))
        self.assertEqual({1}, {s['report_count'] for s in
                               service_db.service_get_all(self.admin)})
        node = {n['host']: n for n in node_db.compute_node_get_all(
            self.admin)}['h2']
        self.assertTrue(claim_db.claim(self.admin, node['id'], 'vm', 1, 256,
                                       1))
        service_db.service_register(self.admin, 'h7', servicegroup.COMPUTE,
                                    'compute')
        reports = [{'host': h, 'nodename': h, 'resources': {
            'vcpus': 3, 'memory_mb': 768, 'local_gb': 9}, 'ratios': RATIOS,
            'reserved_memory_mb': 0, 'reserved_disk_gb': 0}
            for h in ('h2', 'h3', 'h7')]
        self.assertEqual(3, len(node_db.compute_node_reports(self.admin,
                                                             reports)))
        found = {n['host']: (n['vcpus'], n['vcpus_used'],
                             n['memory_mb_used'])
                 for n in node_db.compute_node_get_all(self.admin)}
        self.assertEqual({'h2': (3, 1, 256), 'h3': (3, 0, 0),
                          'h7': (3, 0, 0)},
                         {h: found[h] for h in ('h2', 'h3', 'h7')})


class TestHostQueriesMariaDB(HostQueriesMixin, testtools.TestCase):
    backend = 'mysql'


class TestHostQueriesPostgreSQL(HostQueriesMixin, testtools.TestCase):
    backend = 'postgresql'


class TestHostQueriesSQLite(HostQueriesMixin, testtools.TestCase):
    backend = 'sqlite'
