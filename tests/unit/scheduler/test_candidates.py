"""The bounded candidate set (``scheduler.candidates``,
``db.host_candidates``) on SQLite: ranked in SQL as the weighers and the
planners rank in Python, cut at ``[scheduler] max_candidates``, hints and
group policies applied in SQL, one statement whatever the number of
hosts, and a second, unbounded read only when the candidates run out."""
import threading
import uuid as uuidlib

import oslo_messaging as messaging
import sqlalchemy as sa
from sqlalchemy import event
import testtools

from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import server_groups as group_db
from nova_lite.db import topology as topology_db
from nova_lite import exception
from nova_lite.scheduler import candidates
from nova_lite.scheduler import host_manager
from nova_lite.scheduler import manager
from nova_lite.scheduler import planners
from nova_lite.scheduler import report
from nova_lite.scheduler import request
from nova_lite.scheduler import weights
from tests.unit.scheduler import fakes


class Statements:
    """SELECTs of this thread while counting (a context manager)."""

    def __init__(self):
        self.selects = []

    def _record(self, conn, cursor, statement, *args):
        if threading.get_ident() == self._thread and \
                statement.lstrip().upper().startswith('SELECT'):
            self.selects.append(statement)

    def __enter__(self):
        self._thread = threading.get_ident()
        event.listen(sa.engine.Engine, 'before_cursor_execute', self._record)
        return self

    def __exit__(self, *exc_info):
        event.remove(sa.engine.Engine, 'before_cursor_execute', self._record)


class CandidatesTestCase(testtools.TestCase):
    """Hosts h01..hNN: 16 vCPUs and 100 GiB each, hNN with N × 512 MiB
    of RAM (so the RAM weigher ranks the last host first)."""

    HOSTS = 12

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.nodes = {}
        for index in range(1, self.HOSTS + 1):
            self.add_host('h%02d' % index, index * 512)
        self.scheduler = manager.SchedulerManager('sched')

    def add_host(self, host, memory_mb, **kwargs):
        self.nodes[host] = self.db.add_host(host, vcpus=16,
                                            memory_mb=memory_mb, **kwargs)

    def limit(self, value):
        self.db.conf.config(max_candidates=value, group='scheduler')

    def candidates(self, spec, limit=None, planner=None):
        hosts, truncated = candidates.get_candidates(
            self.admin, request.view(spec), manager.filter_names(),
            self.scheduler.weighers, planner, limit)
        return [h.host for h in hosts], truncated

    def python_order(self, spec, planner=None):
        """Every host that passes, ranked in Python (the old path)."""
        view = request.view(spec)
        hosts = host_manager.get_host_states(self.admin, view,
                                             manager.filter_names())
        ranked = weights.weigh_hosts(report.run_filters(
            hosts, view, self.scheduler.filters), view,
            self.scheduler.weighers)
        if planner is not None:
            planner.prepare(self.admin, view, hosts)
            ranked = planner.order(ranked)
        return [h.host for h in ranked]

    def select(self, spec, instance_uuids=None):
        instance_uuids = instance_uuids or [str(uuidlib.uuid4())]
        try:
            return self.scheduler.select_destinations(self.admin, spec,
                                                      instance_uuids)
        except messaging.ExpectedException as exc:
            raise exc.exc_info[1] from None

    def fill(self, host, memory_mb):
        self.assertTrue(claim_db.claim(self.admin, self.nodes[host]['id'],
                                       str(uuidlib.uuid4()), 1, memory_mb,
                                       1))


class RankingTest(CandidatesTestCase):

    def test_sql_ranks_as_the_weighers_do(self):
        self.fill('h12', 6144 - 1000)  # 1000 MiB free: among the last
        expected = self.python_order(fakes.spec())
        self.assertEqual('h11', expected[0])
        self.assertEqual((expected, False),
                         self.candidates(fakes.spec(), limit=None))
        self.assertEqual((expected[:4], True),
                         self.candidates(fakes.spec(), limit=4))
        self.assertEqual((expected, False),
                         self.candidates(fakes.spec(), limit=self.HOSTS))

    def test_negative_multiplier_packs(self):
        self.db.conf.config(ram_weight_multiplier=-1.0, group='scheduler')
        expected = self.python_order(fakes.spec())
        self.assertEqual('h01', expected[0])
        self.assertEqual((expected[:3], True),
                         self.candidates(fakes.spec(), limit=3))

    def test_several_weighers_normalised_over_the_whole_set(self):
        # h01 has the most free vCPUs and disk, h12 the most RAM: with
        # RAM counted once and vCPUs and disk twice, h01 wins overall.
        self.fill('h12', 512)
        node = self.nodes['h01']
        self.assertTrue(claim_db.claim(self.admin, node['id'], 'x', 0, 0, 0))
        for host in ('h%02d' % i for i in range(2, 13)):
            self.assertTrue(claim_db.claim(
                self.admin, self.nodes[host]['id'], str(uuidlib.uuid4()),
                8, 0, 50))
        self.db.conf.config(cpu_weight_multiplier=2.0,
                            disk_weight_multiplier=2.0, group='scheduler')
        expected = self.python_order(fakes.spec())
        self.assertEqual('h01', expected[0])
        self.assertEqual(expected[:5], self.candidates(fakes.spec(), 5)[0])

    def test_soft_affinity_member_host_first(self):
        group = group_db.instance_group_create(self.admin, 'g',
                                               'soft-affinity')
        member = str(uuidlib.uuid4())
        instance_db.instances_create(self.admin, [{
            'uuid': member, 'vcpus': 1, 'memory_mb': 256, 'root_gb': 1,
            'vm_state': 'active', 'project_id': 'p'}],
            group_id=group['id'])
        self.assertTrue(claim_db.claim(self.admin, self.nodes['h02']['id'],
                                       member, 1, 256, 1))
        spec = fakes.spec(instance_group_uuid=group['uuid'],
                          instance_group_policy='soft-affinity')
        hosts, truncated = self.candidates(spec, limit=2)
        self.assertEqual((['h02', 'h12'], True), (hosts, truncated))
        self.assertEqual(self.python_order(spec)[:2], hosts)
        self.assertEqual('h02', self.select(spec)[0][0].service_host)


class BoundTest(CandidatesTestCase):

    def test_bound_from_the_config(self):
        spec = fakes.view()
        weighers = self.scheduler.weighers
        self.limit(5)
        self.assertEqual(5, candidates.bound(1, weighers, spec))
        # a multi-create reads at least max_attempts per instance
        self.assertEqual(30, candidates.bound(10, weighers, spec))
        self.limit(0)
        self.assertIsNone(candidates.bound(1, weighers, spec))

    def test_a_weigher_sql_cannot_rank_reads_everything(self):
        class Custom(weights.BaseWeigher):
            multiplier_opt = 'ram_weight_multiplier'

            def weigh(self, host_state, spec):
                return 0

        self.limit(5)
        self.assertIsNone(candidates.bound(1, [Custom()], fakes.view()))
        self.assertIsNone(weights.sql_weights(fakes.view(), [Custom()]))

    def test_one_statement_whatever_the_number_of_hosts(self):
        self.limit(3)
        with Statements() as few:
            chosen = self.select(fakes.spec())
        self.assertEqual('h12', chosen[0][0].service_host)
        for index in range(self.HOSTS + 1, 61):
            self.add_host('h%02d' % index, 512)
        with Statements() as many:
            chosen = self.select(fakes.spec())
        self.assertEqual('h11', chosen[0][0].service_host)
        self.assertEqual(len(few.selects), len(many.selects))
        self.assertEqual(1, len(few.selects), few.selects)

    def test_used_up_candidates_widen_once(self):
        # The three best hosts are in an aggregate whose image property
        # the image does not have: a Python-only filter rejects them.
        self.limit(3)
        agg = aggregate_db.aggregate_create(self.admin, 'arm', None)
        aggregate_db.aggregate_metadata_set(
            self.admin, agg['id'], {'hw_architecture': 'aarch64'})
        for host in ('h10', 'h11', 'h12'):
            aggregate_db.aggregate_host_add(self.admin, agg['id'], host)
        spec = fakes.spec(image_props={'hw_architecture': 'x86_64'})
        with Statements() as counted:
            chosen = self.select(spec)
        self.assertEqual('h09', chosen[0][0].service_host)
        self.assertEqual(2, len(counted.selects))

    def test_no_valid_host_is_the_same_as_unbounded(self):
        self.limit(2)
        exc = self.assertRaises(exception.NoValidHost, self.select,
                                fakes.spec(memory_mb=8192))
        self.assertIn('RamFilter rejected 12 of 12 hosts',
                      exc.format_message())


class HintsInSQLTest(CandidatesTestCase):

    def test_requested_host_node_and_ignored_hosts(self):
        self.assertEqual((['h03'], False), self.candidates(
            fakes.spec(requested_host='h03'), 2))
        self.assertEqual((['h04'], False), self.candidates(
            fakes.spec(requested_node='h04'), 2))
        self.assertEqual((['h10', 'h09'], True), self.candidates(
            fakes.spec(ignore_hosts=['h12', 'h11']), 2))

    def test_same_and_different_host(self):
        uuids = []
        for host in ('h02', 'h12'):
            uuid = str(uuidlib.uuid4())
            instance_db.instances_create(self.admin, [{
                'uuid': uuid, 'vcpus': 1, 'memory_mb': 1, 'root_gb': 1,
                'vm_state': 'active', 'project_id': 'p', 'host': host}])
            uuids.append(uuid)
        self.assertEqual((['h02'], False), self.candidates(
            fakes.spec(scheduler_hints={'same_host': uuids[:1]}), 2))
        self.assertEqual((['h11', 'h10'], True), self.candidates(
            fakes.spec(scheduler_hints={'different_host': uuids[1:]}), 2))

    def test_hard_group_policies(self):
        group = group_db.instance_group_create(self.admin, 'g',
                                               'anti-affinity')
        member = str(uuidlib.uuid4())
        instance_db.instances_create(self.admin, [{
            'uuid': member, 'vcpus': 1, 'memory_mb': 1, 'root_gb': 1,
            'vm_state': 'active', 'project_id': 'p'}],
            group_id=group['id'])
        self.assertTrue(claim_db.claim(self.admin, self.nodes['h12']['id'],
                                       member, 1, 1, 1))
        anti = fakes.spec(instance_group_uuid=group['uuid'],
                          instance_group_policy='anti-affinity')
        self.assertEqual((['h11'], True), self.candidates(anti, 1))
        affinity = fakes.spec(instance_group_uuid=group['uuid'],
                              instance_group_policy='affinity')
        self.assertEqual((['h12'], False), self.candidates(affinity, 1))

    def test_image_hypervisor_type(self):
        self.add_host('q1', 512, hypervisor_type='QEMU')
        self.assertEqual((['q1'], False), self.candidates(
            fakes.spec(image_props={'img_hv_type': 'kvm'}), 2))


class PlannerRankingTest(CandidatesTestCase):
    """Clusters: A (h01..h04), B (h05..h08), C (h09..h11), h12 in none."""

    def setUp(self):
        super().setUp()
        pod_a = topology_db.pod_create(self.admin, 'nova', 'pa')
        pod_b = topology_db.pod_create(self.admin, 'nova', 'pb')
        for name, pod, hosts in (('A', pod_a, range(1, 5)),
                                 ('B', pod_b, range(5, 9)),
                                 ('C', pod_b, range(9, 12))):
            cluster = topology_db.cluster_create(self.admin, pod['uuid'],
                                                 name)
            for index in hosts:
                topology_db.host_set_cluster(self.admin, 'h%02d' % index,
                                             cluster['uuid'])

    def check(self, planner_cls, spec, limit):
        expected = self.python_order(spec, planner_cls())
        hosts, truncated = self.candidates(spec, None, planner_cls())
        self.assertEqual((expected, False), (hosts, truncated))
        hosts, truncated = self.candidates(spec, limit, planner_cls())
        self.assertTrue(truncated)
        return expected, hosts

    def test_first_fit_cut_at_a_cluster_boundary(self):
        # A has the least free RAM (5 GiB), then C, then B.
        expected, hosts = self.check(planners.FirstFitPlanner, fakes.spec(),
                                     6)
        self.assertEqual(['h04', 'h03', 'h02', 'h01'], expected[:4])
        self.assertEqual(expected[:4], hosts)  # C (3 hosts) would be cut
        _, hosts = self.check(planners.FirstFitPlanner, fakes.spec(), 2)
        self.assertEqual(['h04', 'h03'], hosts)  # A alone: kept as cut

    def test_account_planners_count_in_sql(self):
        for host in ('h02', 'h06', 'h06'):
            uuid = str(uuidlib.uuid4())
            instance_db.instances_create(self.admin, [{
                'uuid': uuid, 'vcpus': 1, 'memory_mb': 1, 'root_gb': 1,
                'vm_state': 'active', 'project_id': 'p'}])
            self.assertTrue(claim_db.claim(
                self.admin, self.nodes[host]['id'], uuid, 1, 1, 1))
        spec = fakes.spec(project_id='p')
        expected, hosts = self.check(planners.UserDispersingPlanner, spec, 4)
        self.assertEqual(['h11', 'h10', 'h09'], hosts)  # C: no instance
        self.assertEqual(expected[:3], hosts)
        expected, hosts = self.check(planners.UserConcentratedPodPlanner,
                                     spec, 9)
        self.assertEqual(expected[:7], hosts)  # pod pb: 2 instances
        states, _ = candidates.get_candidates(
            self.admin, request.view(spec), manager.filter_names(),
            self.scheduler.weighers, planners.UserDispersingPlanner(), 4)
        planner = planners.UserDispersingPlanner()
        with Statements() as counted:
            planner.prepare(self.admin, request.view(spec), states)
        self.assertEqual([], counted.selects)
