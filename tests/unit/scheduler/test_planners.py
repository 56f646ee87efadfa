"""Deployment planners: their order of the weighed hosts (unit), and
select_destinations through them on SQLite: FirstFit fills one cluster
before the next, UserDispersing spreads an account over clusters,
UserConcentratedPod keeps it in its pod, the pod/cluster hints narrow,
and NoValidHost names the planner's level."""
import uuid as uuidlib

import oslo_messaging as messaging
import testtools

from nova_lite.compute import api as compute_api
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import topology as topology_db
from nova_lite import exception
from nova_lite.scheduler import manager
from nova_lite.scheduler import planners
from nova_lite.scheduler import request
from tests.unit.scheduler import fakes


def _hosts():
    """h1, h2 in cluster A (pod P1), h3 in cluster B (pod P2), h4 in
    none; weighers' order h1..h4."""
    return [fakes.host_state('h1', cluster_uuid='A', pod_uuid='P1',
                             memory_mb=1024),
            fakes.host_state('h2', cluster_uuid='A', pod_uuid='P1',
                             memory_mb=1024),
            fakes.host_state('h3', cluster_uuid='B', pod_uuid='P2',
                             memory_mb=4096),
            fakes.host_state('h4', memory_mb=512)]


class PlannerOrderTest(testtools.TestCase):

    def names(self, hosts):
        return [h.host for h in hosts]

    def test_first_fit_tries_the_fullest_cluster_first(self):
        ordered = planners.FirstFitPlanner().order(_hosts())
        self.assertEqual(['h1', 'h2', 'h3', 'h4'], self.names(ordered))
        hosts = _hosts()
        hosts[0].free_ram_mb = hosts[1].free_ram_mb = 3000
        self.assertEqual(['h3', 'h1', 'h2', 'h4'], self.names(
            planners.FirstFitPlanner().order(hosts)))

    def test_user_dispersing_prefers_clusters_without_the_account(self):
        planner = planners.UserDispersingPlanner()
        planner.per_host = {}
        self.assertEqual(['h3', 'h1', 'h2', 'h4'],
                         self.names(planner.order(_hosts())))
        planner.consumed(_hosts()[2])
        self.assertEqual(['h1', 'h2', 'h3', 'h4'],
                         self.names(planner.order(_hosts())))
        # A tie on the account's count: the cluster with more free RAM.
        planner.per_host = {'h1': 1, 'h3': 1}
        self.assertEqual(['h3', 'h2', 'h1', 'h4'],
                         self.names(planner.order(_hosts())))
        planner.per_host = {'h1': 1, 'h3': 2}
        self.assertEqual(['h2', 'h1', 'h3', 'h4'],
                         self.names(planner.order(_hosts())))

    def test_user_concentrated_pod_keeps_the_accounts_pod(self):
        planner = planners.UserConcentratedPodPlanner()
        planner.per_host = {'h3': 2, 'h1': 1}
        self.assertEqual(['h3', 'h1', 'h2', 'h4'],
                         self.names(planner.order(_hosts())))
        planner.per_host = {}
        self.assertEqual(['h1', 'h2', 'h3', 'h4'],
                         self.names(planner.order(_hosts())))

    def test_narrow_by_pod_and_cluster(self):
        spec = fakes.view(scheduler_hints={
            request.POD_HINT: ['P1'], request.CLUSTER_HINT: ['A']})
        self.assertEqual(['h1', 'h2'],
                         self.names(planners.narrow(_hosts(), spec)))
        spec = fakes.view(scheduler_hints={request.CLUSTER_HINT: ['Z']})
        self.assertEqual([], planners.narrow(_hosts(), spec))

    def test_levels_name_pods_clusters_and_hosts(self):
        placement = {
            'h1': {'name': 'A', 'pod_name': 'P1', 'zone': 'nova'},
            'h2': {'name': 'A', 'pod_name': 'P1', 'zone': 'nova'},
            'h3': {'name': 'B', 'pod_name': 'P2', 'zone': 'nova'}}
        rows = [{'host': h, 'filter': f, 'reason': 'why'} for h, f in (
            ('h1', 'ComputeFilter'), ('h2', 'RamFilter'),
            ('h3', 'RamFilter'), ('h4', 'CoreFilter'))]
        self.assertEqual(
            'zone nova: pods P1, P2; pod P1: clusters A; pod P2: clusters '
            'B; cluster A: h1 (ComputeFilter), h2 (RamFilter); cluster B: '
            'h3 (RamFilter); no cluster: h4 (CoreFilter)',
            planners.describe_levels(rows, placement))
        self.assertEqual('zone az1: no pod; no cluster: h4 (CoreFilter)',
                         planners.describe_levels(rows[3:], placement,
                                                  'az1'))

    def test_planner_of_the_spec_or_the_config(self):
        self.assertIsNone(planners.planner_for(fakes.view()))
        spec = fakes.view(scheduler_hints={
            request.PLANNER_HINT: ['UserDispersingPlanner']})
        self.assertIsInstance(planners.planner_for(spec),
                              planners.UserDispersingPlanner)
        self.assertRaises(exception.NoValidHost, planners.planner_for,
                          fakes.view(scheduler_hints={
                              request.PLANNER_HINT: ['Nope']}))

    def test_compute_api_sets_the_reserved_hints(self):
        hints = compute_api.placement_hints(
            {'cloudstack:clusterid': 'mine', 'same_host': ['x']},
            {'extra_specs': {request.PLANNER_HINT: 'FirstFitPlanner'}},
            {'pod': 'P1'})
        self.assertEqual({'same_host': ['x'],
                          request.PLANNER_HINT: 'FirstFitPlanner',
                          request.POD_HINT: 'P1'}, hints)


class PlannerSchedulingTest(testtools.TestCase):
    """Clusters A (n1, n2; memory ratio 1.0) and B (n3; ratio 3.0), each
    node 1024 MiB; instances of 512 MiB."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.nodes = {h: self.db.add_host(h, vcpus=16, memory_mb=1024)
                      for h in ('n1', 'n2', 'n3')}
        pod = topology_db.pod_create(self.admin, 'nova', 'pod1')
        self.a = topology_db.cluster_create(self.admin, pod['uuid'], 'A',
                                            mem_overcommit_ratio=1.0)
        self.b = topology_db.cluster_create(self.admin, pod['uuid'], 'B',
                                            mem_overcommit_ratio=3.0)
        for host, cluster in (('n1', self.a), ('n2', self.a),
                              ('n3', self.b)):
            topology_db.host_set_cluster(self.admin, host, cluster['uuid'])
        self.scheduler = manager.SchedulerManager('sched')

    def boot(self, planner, project='p', **hints):
        hints = {k: [v] for k, v in hints.items()}
        hints[request.PLANNER_HINT] = [planner]
        uuid = str(uuidlib.uuid4())
        instance_db.instances_create(self.admin, [{
            'uuid': uuid, 'vcpus': 1, 'memory_mb': 512, 'root_gb': 1,
            'vm_state': 'building', 'project_id': project}])
        try:
            chosen = self.scheduler.select_destinations(
                self.admin, fakes.spec(memory_mb=512, project_id=project,
                                       scheduler_hints=hints), [uuid])
        except messaging.ExpectedException as exc:
            raise exc.exc_info[1] from None
        return chosen[0][0].service_host

    def test_first_fit_fills_one_cluster_before_the_next(self):
        hosts = [self.boot('FirstFitPlanner') for _ in range(4)]
        # A (2 × 1024 MiB free) is fuller than B (3072): A first, full.
        self.assertEqual({'n1', 'n2'}, set(hosts))
        hosts = [self.boot('FirstFitPlanner') for _ in range(6)]
        self.assertEqual(['n3'] * 6, hosts)
        exc = self.assertRaises(exception.NoValidHost, self.boot,
                                'FirstFitPlanner')
        self.assertIn('FirstFitPlanner: no cluster of the zone has a host '
                      'with room (zone nova: pods pod1; pod pod1: clusters '
                      'A, B; cluster A: n1 (RamFilter), n2 (RamFilter); '
                      'cluster B: n3 (RamFilter)). RamFilter rejected 3 of '
                      '3 hosts', exc.format_message())

    def test_user_dispersing_spreads_an_account(self):
        clusters = {'n1': 'A', 'n2': 'A', 'n3': 'B'}
        hosts = [self.boot('UserDispersingPlanner') for _ in range(4)]
        self.assertEqual(['B', 'A', 'B', 'A'], [clusters[h] for h in hosts])
        self.assertEqual(2, len({h for h in hosts if clusters[h] == 'A'}))
        # Another account starts over in the emptiest cluster.
        self.assertEqual('B', clusters[self.boot('UserDispersingPlanner',
                                                 project='q')])

    def test_cluster_hint_and_ratio_change(self):
        self.assertEqual('n3', self.boot('FirstFitPlanner',
                                         **{request.CLUSTER_HINT:
                                            self.b['uuid']}))
        topology_db.cluster_update(self.admin, self.b['uuid'],
                                   {'mem_overcommit_ratio': 0.4})
        exc = self.assertRaises(
            exception.NoValidHost, self.boot, 'FirstFitPlanner',
            **{request.CLUSTER_HINT: self.b['uuid']})
        self.assertIn('FirstFitPlanner: no host with room at the cluster '
                      'level of cluster %s (zone nova: pods pod1; pod pod1: '
                      'clusters B; cluster B: n3 (RamFilter)). RamFilter '
                      'rejected 1 of 1 hosts' % self.b['uuid'],
                      exc.format_message())
        # The running instance keeps its claim.
        used = {n['host']: n['memory_mb_used']
                for n in node_db.compute_node_get_all(
                    self.admin)}
        self.assertEqual({'n1': 0, 'n2': 0, 'n3': 512}, used)
