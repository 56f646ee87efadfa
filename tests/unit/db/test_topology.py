"""nova_lite.db.topology and the claim arithmetic with cluster ratios:
pods and clusters with their rules (unique names, no delete while in
use), a host's cluster from its configuration or the admin, and a
cluster's overcommit ratios replacing the node's in claims and in the
scheduling query, for new claims only."""
import testtools

from nova_lite.compute import resource_tracker
from nova_lite.conductor import compute_proxy
from nova_lite.db import claims
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import topology as db
from nova_lite import exception
from nova_lite.virt import fake as fake_virt
from tests.unit.scheduler import fakes


class TopologyDBTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.pod = db.pod_create(self.admin, 'nova', 'pod1',
                                 gateway='10.0.0.1')

    def test_names_are_unique_and_deletes_refused_while_in_use(self):
        self.assertRaises(exception.Conflict, db.pod_create, self.admin,
                          'nova', 'pod1')
        db.pod_create(self.admin, 'other-zone', 'pod1')
        cluster = db.cluster_create(self.admin, self.pod['uuid'], 'c1')
        self.assertEqual(('pod1', 'nova'),
                         (cluster['pod_name'], cluster['zone']))
        self.assertRaises(exception.Conflict, db.cluster_create, self.admin,
                          self.pod['uuid'], 'c1')
        self.assertRaises(db.PodNotFound, db.cluster_create, self.admin,
                          'no-such-pod', 'c1')
        db.host_set_cluster(self.admin, 'node1', cluster['uuid'])
        self.assertRaises(exception.Conflict, db.pod_delete, self.admin,
                          self.pod['uuid'])
        self.assertRaises(exception.Conflict, db.cluster_delete, self.admin,
                          cluster['uuid'])
        other = db.cluster_create(self.admin, self.pod['uuid'], 'c2')
        db.host_set_cluster(self.admin, 'node1', other['uuid'])
        self.assertEqual({'node1': 'c2'}, {
            h: c['name'] for h, c in db.host_clusters(self.admin).items()})
        db.cluster_delete(self.admin, cluster['uuid'])
        self.assertRaises(db.ClusterNotFound, db.cluster_get, self.admin,
                          cluster['uuid'])
        # A deleted name can be used again.
        db.cluster_create(self.admin, self.pod['uuid'], 'c1')

    def test_configured_cluster_is_created_in_the_default_pod_once(self):
        self.assertTrue(db.host_join_configured_cluster(
            self.admin, 'node1', 'nova', 'rack-a', 'fake'))
        self.assertTrue(db.host_join_configured_cluster(
            self.admin, 'node2', 'nova', 'rack-a', 'fake'))
        clusters = db.host_clusters(self.admin)
        self.assertEqual(clusters['node1']['uuid'],
                         clusters['node2']['uuid'])
        self.assertEqual(db.DEFAULT_POD, clusters['node1']['pod_name'])
        # The admin's choice wins over the configuration afterwards.
        mine = db.cluster_create(self.admin, self.pod['uuid'], 'mine')
        db.host_set_cluster(self.admin, 'node1', mine['uuid'])
        self.assertFalse(db.host_join_configured_cluster(
            self.admin, 'node1', 'nova', 'rack-a'))
        self.assertEqual('mine', db.host_clusters(self.admin)['node1'][
            'name'])
        # An existing cluster of that name in any pod of the zone is used.
        self.assertTrue(db.host_join_configured_cluster(
            self.admin, 'node3', 'nova', 'mine'))
        self.assertEqual(mine['uuid'],
                         db.host_clusters(self.admin)['node3']['uuid'])


class ClusterRatioClaimTest(testtools.TestCase):
    """node1: 1024 MiB, ratio 1.0 of its own; its cluster's memory
    overcommit ratio decides what fits."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.node = self.db.add_host('node1', vcpus=2, memory_mb=1024,
                                     ratio=1.0)
        pod = db.pod_create(self.admin, 'nova', 'pod1')
        self.cluster = db.cluster_create(self.admin, pod['uuid'], 'c1',
                                         mem_overcommit_ratio=2.0,
                                         cpu_overcommit_ratio=4.0)

    def claim(self, uuid, memory_mb, vcpus=1):
        return claims.claim(self.admin, self.node['id'], uuid, vcpus,
                            memory_mb, 1)

    def free(self):
        node, = node_db.compute_nodes_for_scheduling(self.admin)
        return node['free_vcpus'], node['free_ram_mb']

    def test_cluster_ratios_replace_the_nodes_for_new_claims(self):
        self.assertFalse(self.claim('vm-0', 1536))     # 1024 × 1.0 alone
        db.host_set_cluster(self.admin, 'node1', self.cluster['uuid'])
        self.assertEqual((8, 2048), self.free())
        self.assertTrue(self.claim('vm-1', 1536))
        self.assertFalse(self.claim('vm-2', 1024))
        self.assertTrue(self.claim('vm-3', 512))
        # Lowering the ratio refuses new claims and evicts nothing.
        db.cluster_update(self.admin, self.cluster['uuid'],
                          {'mem_overcommit_ratio': 1.5})
        self.assertFalse(self.claim('vm-4', 64))
        self.assertEqual((6, -512), self.free())
        self.assertEqual(2048, node_db.compute_node_get_all(
            self.admin)[0]['memory_mb_used'])
        self.assertEqual([], node_db.compute_nodes_for_scheduling(
            self.admin, resources=(1, 64, 1)))
        # Raising it lets the next claim in; unset falls back to 1.0.
        db.cluster_update(self.admin, self.cluster['uuid'],
                          {'mem_overcommit_ratio': 3.0})
        self.assertTrue(self.claim('vm-5', 1024))
        db.cluster_update(self.admin, self.cluster['uuid'],
                          {'mem_overcommit_ratio': None})
        self.assertEqual((5, 1024 - 3072), self.free())

    def test_moving_the_host_changes_its_ratio(self):
        other = db.cluster_create(self.admin, self.cluster['pod_uuid'],
                                  'c2', mem_overcommit_ratio=4.0)
        db.host_set_cluster(self.admin, 'node1', other['uuid'])
        self.assertEqual(4096, self.free()[1])
        db.host_set_cluster(self.admin, 'node1', self.cluster['uuid'])
        self.assertEqual(2048, self.free()[1])


class ConfiguredClusterReportTest(testtools.TestCase):
    """A compute's ``[DEFAULT] cluster`` rides on its resource report and
    the conductor puts the host into that cluster of its zone."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin

    def test_report_joins_the_configured_cluster(self):
        class Conductor:
            """The conductor's side of the cast, in process."""
            def compute_node_report(self, context, *args):
                compute_proxy.compute_node_report(context, *args)

        driver = fake_virt.FakeDriver('node7')
        self.db.conf.config(cluster='rack-7')
        reports = resource_tracker.update_available_resource(
            self.admin, 'node7', driver, Conductor())
        self.assertEqual('rack-7', reports[0]['resources']['cluster'])
        cluster = db.host_clusters(self.admin)['node7']
        self.assertEqual(('rack-7', 'default', 'nova'), (
            cluster['name'], cluster['pod_name'], cluster['zone']))
        self.assertEqual(1, len(node_db.compute_node_get_all(self.admin)))
        self.db.conf.config(cluster=None)
        resource_tracker.update_available_resource(
            self.admin, 'node8', fake_virt.FakeDriver('node8'), Conductor())
        self.assertNotIn('node8', db.host_clusters(self.admin))
