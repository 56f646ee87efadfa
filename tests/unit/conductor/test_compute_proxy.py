"""The conductor's side of a compute's build start (SQLite): the
conditional None → spawning write, and the answer to a repeated start
whose first answer was lost (the compute asks again after a conductor
restart)."""
import uuid

import testtools

from nova_lite.compute import states
from nova_lite.conductor import compute_proxy
from nova_lite import context as nl_context
from nova_lite.db import instances as instance_db
from tests.functional.fixtures import inprocess


class TestBuildStart(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(inprocess.Environment())
        self.ctx = nl_context.get_admin_context()
        self.uuid = str(uuid.uuid4())
        instance_db.instances_create(self.ctx, [{
            'uuid': self.uuid, 'project_id': 'p1', 'user_id': 'u1',
            'vcpus': 1, 'memory_mb': 512, 'root_gb': 1, 'ephemeral_gb': 0,
            'vm_state': states.BUILDING, 'task_state': None,
            'power_state': 0, 'locked': False, 'host': 'node1'}])

    def task_state(self):
        return instance_db.instance_get(self.ctx, self.uuid,
                                        project_only=False).task_state

    def test_start_claims_the_build_and_allocates_its_nic(self):
        vifs = compute_proxy.build_start(self.ctx, self.uuid, 'node1')
        self.assertEqual(1, len(vifs))
        self.assertEqual(states.SPAWNING, self.task_state())

    def test_a_server_without_network_gets_no_nic(self):
        instance_db.instance_update(self.ctx, self.uuid,
                                    {'network_request': 'none'})
        self.assertEqual([], compute_proxy.build_start(self.ctx, self.uuid,
                                                       'node1'))
        self.assertEqual(states.SPAWNING, self.task_state())
        self.assertEqual((), instance_db.instance_get(
            self.ctx, self.uuid, project_only=False).fixed_ips)

    def test_a_repeated_start_gets_the_same_answer(self):
        first = compute_proxy.build_start(self.ctx, self.uuid, 'node1')
        again = compute_proxy.build_start(self.ctx, self.uuid, 'node1')
        self.assertEqual([v.address for v in first],
                         [v.address for v in again])
        self.assertEqual(states.SPAWNING, self.task_state())

    def test_another_host_or_a_finished_build_is_refused(self):
        self.assertIsNone(compute_proxy.build_start(self.ctx, self.uuid,
                                                    'node2'))
        compute_proxy.build_start(self.ctx, self.uuid, 'node1')
        self.assertIsNone(compute_proxy.build_start(self.ctx, self.uuid,
                                                    'node2'))
        instance_db.instance_update(self.ctx, self.uuid,
                                    {'vm_state': states.ACTIVE,
                                     'task_state': None})
        self.assertIsNone(compute_proxy.build_start(self.ctx, self.uuid,
                                                    'node1'))
