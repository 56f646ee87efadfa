"""The claim with cluster overcommit ratios on every backend: the
correlated subqueries of ``compute_nodes.effective_ratios`` inside the
claim's conditional UPDATE and the scheduling SELECT give the same
answers on MariaDB, PostgreSQL and SQLite (MySQL refuses some
subqueries in an UPDATE of the same table; these read other tables)."""
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from nova_lite import context as nl_context
from nova_lite.db import claims
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import migration
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite.db import topology as topology_db
from nova_lite import servicegroup
from tests.functional.fixtures import backends

CONF = cfg.CONF
RATIOS = {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
          'disk_allocation_ratio': 1.0}


class ClusterClaimMixin:
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
        for host in ('h1', 'h2'):
            service_db.service_register(self.admin, host,
                                        servicegroup.COMPUTE, 'compute')
            node_db.compute_node_report(
                self.admin, host, host, {'vcpus': 2, 'memory_mb': 1024,
                                         'local_gb': 10}, RATIOS, 0, 0)
        pod = topology_db.pod_create(self.admin, 'nova', 'pod1')
        self.c1 = topology_db.cluster_create(
            self.admin, pod['uuid'], 'c1', mem_overcommit_ratio=2.0)
        topology_db.host_set_cluster(self.admin, 'h1', self.c1['uuid'])

    def test_claims_and_scheduling_use_the_cluster_ratio(self):
        nodes = {n['host']: n for n in
                 node_db.compute_nodes_for_scheduling(self.admin)}
        self.assertEqual((2048, 1024), (nodes['h1']['free_ram_mb'],
                                        nodes['h2']['free_ram_mb']))
        fits = node_db.compute_nodes_for_scheduling(
            self.admin, resources=(1, 1536, 1))
        self.assertEqual(['h1'], [n['host'] for n in fits])
        self.assertTrue(claims.claim(self.admin, nodes['h1']['id'], 'vm-1',
                                     1, 1536, 1))
        self.assertFalse(claims.claim(self.admin, nodes['h2']['id'],
                                      'vm-2', 1, 1536, 1))
        topology_db.cluster_update(self.admin, self.c1['uuid'],
                                   {'mem_overcommit_ratio': 1.0})
        self.assertFalse(claims.claim(self.admin, nodes['h1']['id'],
                                      'vm-3', 1, 64, 1))
        self.assertEqual(1536, node_db.compute_node_get_all(
            self.admin, host='h1')[0]['memory_mb_used'])


class TestClusterClaimMariaDB(ClusterClaimMixin, testtools.TestCase):
    backend = 'mysql'


class TestClusterClaimPostgreSQL(ClusterClaimMixin, testtools.TestCase):
    backend = 'postgresql'


class TestClusterClaimSQLite(ClusterClaimMixin, testtools.TestCase):
    backend = 'sqlite'
