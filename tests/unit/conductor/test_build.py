"""The conductor's build flow over a real (SQLite) database, with the
scheduler and compute RPC clients replaced (the process boundary): what
it writes for each outcome of scheduling, claiming and placing."""
from unittest import mock
import uuid

import oslo_messaging as messaging
import testtools

from nova_lite.compute import states
from nova_lite.conductor import build
from nova_lite import context as nl_context
from nova_lite.db import claims as claim_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import request_spec as spec_obj
from nova_lite.objects import selection as selection_obj
from tests import db_helpers
from tests.functional.fixtures import inprocess

RATIOS = {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
          'disk_allocation_ratio': 1.0}


class BuildFlowTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.env = self.useFixture(inprocess.Environment())
        self.ctx = nl_context.get_admin_context()
        self.scheduler = mock.Mock()
        self.compute = mock.Mock()
        self.flow = build.BuildFlow(self.scheduler, self.compute)
        self.spec = spec_obj.RequestSpec(
            project_id='p1', user_id='u1', image=None,
            flavor=instance_obj.Flavor(flavorid='1', name='m1.tiny',
                                       vcpus=1, memory_mb=512, root_gb=1,
                                       ephemeral_gb=0, swap=0))

    def node(self, host, vcpus=2, memory_mb=2048):
        """A compute node of ``host``; returns its id."""
        return node_db.compute_node_report(
            self.ctx, host, host + '.node',
            {'vcpus': vcpus, 'memory_mb': memory_mb, 'local_gb': 20},
            RATIOS, 0, 0)['id']

    def instance(self, memory_mb=512):
        """An instance waiting for scheduling; its object."""
        values = {'uuid': str(uuid.uuid4()), 'project_id': 'p1',
                  'user_id': 'u1', 'vcpus': 1, 'memory_mb': memory_mb,
                  'root_gb': 1, 'ephemeral_gb': 0,
                  'vm_state': states.BUILDING,
                  'task_state': states.SCHEDULING, 'power_state': 0,
                  'locked': False}
        instance_db.instances_create(self.ctx, [values])
        return instance_obj.Instance.from_dict(values)

    @staticmethod
    def selection(host, node_id, claimed=False):
        return selection_obj.Selection(service_host=host,
                                       nodename=host + '.node',
                                       compute_node_id=node_id,
                                       claimed=claimed)

    def row(self, instance):
        return instance_db.instance_get(self.ctx, instance.uuid,
                                        project_only=False)


class TestSchedulingFails(BuildFlowTestCase):

    def test_no_valid_host_is_error_with_the_reason(self):
        inst = self.instance()
        self.scheduler.select_destinations.side_effect = (
            exception.NoValidHost(reason='RamFilter rejected node1'))
        self.flow.build_instances(self.ctx, [inst], self.spec)
        row = self.row(inst)
        self.assertEqual((states.ERROR, None), (row.vm_state,
                                                row.task_state))
        fault = db_helpers.instance_faults_get(self.ctx, inst.uuid)[0]
        self.assertEqual(500, fault.code)
        self.assertIn('RamFilter rejected node1', fault.message)
        self.compute.build_and_run_instance.assert_not_called()

    def test_scheduler_timeout_is_error_503(self):
        inst = self.instance()
        self.scheduler.select_destinations.side_effect = (
            messaging.MessagingTimeout())
        self.flow.build_instances(self.ctx, [inst], self.spec)
        fault = db_helpers.instance_faults_get(self.ctx, inst.uuid)[0]
        self.assertEqual((503, 'Timed out waiting for the scheduler'),
                         (fault.code, fault.message))
        self.assertEqual(2, self.scheduler.select_destinations.call_count)

    def test_unanswered_call_is_asked_again_without_its_claim(self):
        """The scheduler that took the first call died after claiming on
        node1: the repeat is asked with that claim released, and the
        instance is built where the repeat claimed."""
        node1, node2 = self.node('node1'), self.node('node2')
        inst = self.instance()

        def lost_call(*_args):
            claim_db.claim(self.ctx, node1, inst.uuid, 1, 512, 1)
            raise messaging.MessagingTimeout()

        def repeat(*_args):
            self.assertEqual([], db_helpers.allocations_get_all(self.ctx))
            claim_db.claim(self.ctx, node2, inst.uuid, 1, 512, 1)
            return [[self.selection('node2', node2, claimed=True)]]

        self.scheduler.select_destinations.side_effect = self._once(
            lost_call, repeat)
        self.flow.build_instances(self.ctx, [inst], self.spec)
        row = self.row(inst)
        self.assertEqual(('node2', None), (row.host, row.task_state))
        self.assertEqual(1, len(db_helpers.allocations_get_all(self.ctx)))
        self.compute.build_and_run_instance.assert_called_once()

    @staticmethod
    def _once(first, then):
        calls = []

        def _call(*args):
            calls.append(args)
            return (first if len(calls) == 1 else then)(*args)
        return _call

    def test_instance_deleted_during_the_lost_call_is_not_asked_again(self):
        inst = self.instance()

        def lost_call(*_args):
            instance_db.instance_destroy(self.ctx, inst.uuid)
            raise messaging.MessagingTimeout()

        self.scheduler.select_destinations.side_effect = lost_call
        self.flow.build_instances(self.ctx, [inst], self.spec)
        self.assertEqual(1, self.scheduler.select_destinations.call_count)
        self.compute.build_and_run_instance.assert_not_called()


class TestLaunch(BuildFlowTestCase):

    def test_placed_on_the_claimed_host_and_cast_with_alternates(self):
        node1, node2 = self.node('node1'), self.node('node2')
        inst = self.instance()
        self.assertTrue(claim_db.claim(self.ctx, node1, inst.uuid, 1, 512,
                                       1))
        chosen = self.selection('node1', node1, claimed=True)
        alternate = self.selection('node2', node2)
        self.scheduler.select_destinations.return_value = [[chosen,
                                                            alternate]]
        self.flow.build_instances(self.ctx, [inst], self.spec)
        row = self.row(inst)
        self.assertEqual(('node1', 'node1.node', None),
                         (row.host, row.node, row.task_state))
        self.compute.build_and_run_instance.assert_called_once_with(
            self.ctx, 'node1', inst, self.spec, [alternate])

    def test_instance_deleted_while_scheduling_is_not_built(self):
        node1 = self.node('node1')
        inst = self.instance()
        claim_db.claim(self.ctx, node1, inst.uuid, 1, 512, 1)
        instance_db.instance_destroy(self.ctx, inst.uuid)
        self.scheduler.select_destinations.return_value = [[
            self.selection('node1', node1, claimed=True)]]
        self.flow.build_instances(self.ctx, [inst], self.spec)
        self.compute.build_and_run_instance.assert_not_called()
        self.assertIsNone(db_helpers.allocation_get(self.ctx, inst.uuid))


class TestReschedule(BuildFlowTestCase):

    def test_first_alternate_with_room_is_claimed(self):
        full, roomy = self.node('full', memory_mb=256), self.node('roomy')
        inst = self.instance()
        alternates = [self.selection('full', full),
                      self.selection('roomy', roomy)]
        self.flow.build_instances(self.ctx, [inst], self.spec,
                                  host_lists=[alternates])
        self.assertEqual('roomy', self.row(inst).host)
        self.assertEqual(roomy, db_helpers.allocation_get(
            self.ctx, inst.uuid)['compute_node_id'])
        self.compute.build_and_run_instance.assert_called_once_with(
            self.ctx, 'roomy', inst, self.spec, [])

    def test_no_alternate_left_is_error(self):
        full = self.node('full', memory_mb=256)
        inst = self.instance()
        self.flow.build_instances(self.ctx, [inst], self.spec,
                                  host_lists=[[self.selection('full',
                                                              full)]])
        self.assertEqual(states.ERROR, self.row(inst).vm_state)
        fault = db_helpers.instance_faults_get(self.ctx, inst.uuid)[0]
        self.assertIn('Exhausted all hosts available for retrying build '
                      'failures', fault.message)
        self.compute.build_and_run_instance.assert_not_called()
