"""select_destinations, the SQL prefilter and group claims on SQLite."""
import datetime
import uuid as uuidlib

import oslo_messaging as messaging
import testtools

from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite.db import server_groups as group_db
from nova_lite import exception
from nova_lite.scheduler import host_manager
from nova_lite.scheduler import manager
from nova_lite.scheduler import request
from tests.unit.scheduler import fakes
from tests import db_helpers


class SchedulerDBTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.nodes = {h: self.db.add_host(h, memory_mb=1024)
                      for h in ('node1', 'node2', 'node3')}
        self.scheduler = manager.SchedulerManager('sched')

    def select(self, spec, instance_uuids):
        """select_destinations as the RPC dispatcher sees it: NoValidHost
        is raised through messaging's ExpectedException."""
        try:
            return self.scheduler.select_destinations(self.admin, spec,
                                                      instance_uuids)
        except messaging.ExpectedException as exc:
            raise exc.exc_info[1] from None

    def fill(self, host):
        node = self.nodes[host]
        self.assertTrue(claim_db.claim(self.admin, node['id'],
                                       str(uuidlib.uuid4()), 1, 1024, 1))

    def service(self, host, **values):
        svc = service_db.service_get_all(self.admin, host=host)[0]
        service_db.service_update(self.admin, svc['id'], values)

    def hosts_for(self, spec):
        states = host_manager.get_host_states(
            self.admin, request.view(spec), manager.filter_names())
        return sorted(h.host for h in states)

    def members(self, group, count):
        """``count`` instance rows that are members of ``group``."""
        values = [{'uuid': str(uuidlib.uuid4()), 'vcpus': 1,
                   'memory_mb': 256, 'root_gb': 1, 'vm_state': 'building',
                   'project_id': 'p'} for _ in range(count)]
        instance_db.instances_create(self.admin, values, group_id=group['id'])
        return [v['uuid'] for v in values]


class PrefilterTest(SchedulerDBTestCase):

    def test_capacity_state_and_zone_in_sql(self):
        self.fill('node1')
        self.service('node2', disabled=True)
        agg = aggregate_db.aggregate_create(self.admin, 'rack', 'london')
        aggregate_db.aggregate_host_add(self.admin, agg['id'], 'node3')
        self.db.add_host('node4', memory_mb=1024)
        self.assertEqual(['node3', 'node4'], self.hosts_for(fakes.spec()))
        self.assertEqual(['node3'], self.hosts_for(fakes.spec(
            availability_zone='london')))
        self.assertEqual(['node4'], self.hosts_for(fakes.spec(
            availability_zone='nova')))
        self.assertEqual([], self.hosts_for(fakes.spec(memory_mb=2048)))
        states = host_manager.get_host_states(self.admin, fakes.view(),
                                              prefilter=False)
        self.assertEqual(['node1', 'node2', 'node3', 'node4'],
                         sorted(h.host for h in states))
        zones = {h.host: h.availability_zone for h in states}
        self.assertEqual('london', zones['node3'])
        self.assertEqual('nova', zones['node4'])

    def test_free_amounts_count_ratios_and_reservations(self):
        node = self.db.add_host('big', vcpus=8, memory_mb=4096,
                                local_gb=50, ratio=2.0,
                                reserved_memory_mb=1024)
        self.assertTrue(claim_db.claim(self.admin, node['id'], 'vm', 3, 1000,
                                       10))
        big = [h for h in host_manager.get_host_states(
            self.admin, fakes.view(), prefilter=False) if h.host == 'big'][0]
        self.assertEqual((13, 5144, 90), (big.free_vcpus, big.free_ram_mb,
                                          big.free_disk_gb))
        self.assertIn('big', self.hosts_for(fakes.spec(
            vcpus=13, memory_mb=5144, disk_gb=90)))
        self.assertNotIn('big', self.hosts_for(fakes.spec(memory_mb=5145)))

    def test_down_service_is_left_out(self):
        old = datetime.datetime(2000, 1, 1)
        self.service('node1', last_seen_up=old)
        self.service('node2', forced_down=True)
        self.assertEqual(['node3'], self.hosts_for(fakes.spec()))
        exc = self.assertRaises(exception.NoValidHost, self.select,
                                fakes.spec(memory_mb=2048), ['vm'])
        self.assertIn('ComputeFilter rejected 2 of 3 hosts (compute service '
                      'down); RamFilter rejected 1 of 3 hosts',
                      exc.format_message())

    def test_forced_down_host_with_fresh_heartbeat_is_skipped(self):
        """forced_down wins over a heartbeat of now, in the SQL prefilter
        and in ComputeFilter (nova_lite.servicegroup)."""
        self.service('node1', forced_down=True)
        self.service('node2', forced_down=True)
        self.assertEqual(['node3'], self.hosts_for(fakes.spec()))
        result = self.select(fakes.spec(), ['vm'])
        self.assertEqual(['node3'], [s.service_host for s in result[0]])
        states = host_manager.get_host_states(self.admin, fakes.view(),
                                              prefilter=False)
        self.assertEqual({'node1': False, 'node2': False, 'node3': True},
                         {h.host: h.up for h in states})
        exc = self.assertRaises(exception.NoValidHost, self.select,
                                fakes.spec(memory_mb=2048), ['vm-2'])
        self.assertIn('ComputeFilter rejected 2 of 3 hosts (compute service '
                      'down)', exc.format_message())


class NoValidHostTest(SchedulerDBTestCase):

    def test_fault_counts_hosts_sql_left_out(self):
        self.service('node1', disabled=True)
        self.fill('node2')
        agg = aggregate_db.aggregate_create(self.admin, 'rack', 'london')
        aggregate_db.aggregate_host_add(self.admin, agg['id'], 'node3')
        exc = self.assertRaises(
            exception.NoValidHost, self.select,
            fakes.spec(availability_zone='nova'), ['vm-1'])
        message = exc.format_message()
        self.assertIn('ComputeFilter rejected 1 of 3 hosts (compute '
                      'service disabled)', message)
        self.assertIn('AvailabilityZoneFilter rejected 1 of 3 hosts (in '
                      'zone london, not nova)', message)
        self.assertIn('RamFilter rejected 1 of 3 hosts (insufficient RAM',
                      message)
        self.assertEqual({('node1', 'ComputeFilter'),
                          ('node2', 'RamFilter'),
                          ('node3', 'AvailabilityZoneFilter')},
                         {(r['host'], r['filter']) for r in exc.details})

    def test_requested_destination(self):
        # Compute API microversion 2.74: only the requested host/node,
        # and the filters still run there.
        result = self.select(fakes.spec(requested_host='node2',
                                        num_instances=2), ['vm-1', 'vm-2'])
        self.assertEqual({'node2'}, {r[0].service_host for r in result})
        node = self.nodes['node3']['hypervisor_hostname']
        result = self.select(fakes.spec(requested_node=node), ['vm-3'])
        self.assertEqual('node3', result[0][0].service_host)
        self.fill('node1')
        exc = self.assertRaises(exception.NoValidHost, self.select,
                                fakes.spec(memory_mb=1024,
                                           requested_host='node1'),
                                ['vm-4'])
        self.assertIn('RamFilter rejected 1 of 1 hosts',
                      exc.format_message())

    def test_multi_create_releases_earlier_claims(self):
        spec = fakes.spec(memory_mb=1024, num_instances=4)
        exc = self.assertRaises(
            exception.NoValidHost, self.select, spec,
            ['vm-%d' % i for i in range(4)])
        self.assertIn('RamFilter rejected 3 of 3 hosts', exc.format_message())
        self.assertEqual([], db_helpers.allocations_get_all(self.admin))

    def test_selections_and_alternates(self):
        result = self.select(fakes.spec(memory_mb=1024, num_instances=2),
                             ['vm-1', 'vm-2'])
        self.assertEqual(2, len(result))
        first, second = result
        self.assertTrue(first[0].claimed)
        self.assertNotEqual(first[0].service_host, second[0].service_host)
        self.assertEqual(3, len(first))
        self.assertFalse(any(s.claimed for s in first[1:]))
        self.assertNotIn(second[0].service_host,
                         [s.service_host for s in second[1:]])


class GroupClaimTest(SchedulerDBTestCase):

    def group(self, policy, rules=None):
        return group_db.instance_group_create(self.admin, 'g', policy,
                                              rules)

    def claim(self, group, uuid, host):
        return claim_db.claim(self.admin, self.nodes[host]['id'], uuid, 1, 256,
                              1, group=(group['uuid'], group['policy']))

    def test_anti_affinity_checked_in_the_claim(self):
        group = self.group('anti-affinity')
        first, second = self.members(group, 2)
        self.assertTrue(self.claim(group, first, 'node1'))
        exc = self.assertRaises(exception.GroupPolicyViolation, self.claim,
                                group, second, 'node1')
        self.assertEqual('node1', exc.kwargs['host'])
        self.assertTrue(self.claim(group, second, 'node2'))
        self.assertEqual({'node1': 1, 'node2': 1},
                         group_db.member_hosts(self.admin, group['uuid']))

    def test_max_server_per_host_checked_in_the_claim(self):
        # Compute API microversion 2.64's anti-affinity rule.
        group = self.group('anti-affinity', {'max_server_per_host': 2})
        first, second, third = self.members(group, 3)
        self.assertTrue(self.claim(group, first, 'node1'))
        self.assertTrue(self.claim(group, second, 'node1'))
        exc = self.assertRaises(exception.GroupPolicyViolation, self.claim,
                                group, third, 'node1')
        self.assertEqual('node1', exc.kwargs['host'])
        self.assertTrue(self.claim(group, third, 'node2'))

    def test_max_server_per_host_in_the_filter(self):
        group = self.group('anti-affinity', {'max_server_per_host': 2})
        uuids = self.members(group, 6)
        result = self.select(self._spec(group, 6), uuids)
        hosts = [r[0].service_host for r in result]
        self.assertEqual({'node1': 2, 'node2': 2, 'node3': 2},
                         {h: hosts.count(h) for h in set(hosts)})
        extra = self.members(group, 1)
        exc = self.assertRaises(exception.NoValidHost, self.select,
                                self._spec(group, 1), extra)
        self.assertIn('ServerGroupAntiAffinityFilter rejected 3 of 3 hosts',
                      exc.format_message())

    def test_affinity_checked_in_the_claim(self):
        group = self.group('affinity')
        first, second = self.members(group, 2)
        self.assertTrue(self.claim(group, first, 'node2'))
        exc = self.assertRaises(exception.GroupPolicyViolation, self.claim,
                                group, second, 'node1')
        self.assertEqual('node2', exc.kwargs['host'])
        self.assertTrue(self.claim(group, second, 'node2'))

    def test_soft_policies_never_refuse(self):
        group = self.group('soft-anti-affinity')
        first, second = self.members(group, 2)
        self.assertTrue(self.claim(group, first, 'node1'))
        self.assertTrue(self.claim(group, second, 'node1'))

    def _spec(self, group, count):
        return fakes.spec(memory_mb=256, num_instances=count,
                          instance_group_uuid=group['uuid'],
                          instance_group_policy=group['policy'])

    def test_multi_create_in_anti_affinity_group(self):
        group = self.group('anti-affinity')
        uuids = self.members(group, 3)
        result = self.select(self._spec(group, 3), uuids)
        self.assertEqual({'node1', 'node2', 'node3'},
                         {r[0].service_host for r in result})
        extra = self.members(group, 1)
        exc = self.assertRaises(exception.NoValidHost, self.select,
                                self._spec(group, 1), extra)
        self.assertIn('ServerGroupAntiAffinityFilter rejected 3 of 3 hosts',
                      exc.format_message())

    def test_multi_create_in_affinity_group(self):
        group = self.group('affinity')
        uuids = self.members(group, 3)
        result = self.select(self._spec(group, 3), uuids)
        self.assertEqual(1, len({r[0].service_host for r in result}))
