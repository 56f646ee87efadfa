"""The sweeper re-sends a rebuild whose cast was lost (task_state
``rebuilding`` past ``[conductor] action_redrive_timeout``, compute up):
``rebuild_instance`` with no image, the compute taking the instance's
``image_ref``; snapshots are not re-sent."""
import datetime
from unittest import mock

import fixtures

from nova_lite.compute import states
from nova_lite.conductor import sweeper
from nova_lite.db import services as service_db
from tests.unit.api import fakes


class TestRebuildRedrive(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.uuid = self.create_server()
        service_db.service_register(self.api.admin_context, 'node1',
                                    'nova-lite-compute', 'compute')
        self.compute = mock.Mock()
        self.sweeper = sweeper.Sweeper(build_flow=mock.Mock(),
                                       compute_rpcapi=self.compute)
        # Every action counts as stuck: "older than" an hour from now.
        self.useFixture(fixtures.MockPatch(
            'nova_lite.conductor.sweeper._ago', return_value=(
                datetime.datetime.utcnow() + datetime.timedelta(hours=1))))

    def stuck(self, task_state):
        self.set_instance(self.uuid, host='node1', vm_state=states.ACTIVE,
                          task_state=task_state)

    def test_lost_rebuild_cast_is_sent_again(self):
        self.stuck(states.REBUILDING)
        self.sweeper._redrive_actions(self.api.admin_context)
        self.compute.rebuild_instance.assert_called_once_with(
            mock.ANY, 'node1', self.uuid, None)

    def test_snapshot_is_not_sent_again(self):
        self.stuck(states.IMAGE_SNAPSHOT)
        self.assertEqual(0, self.sweeper._redrive_actions(
            self.api.admin_context))
        self.assertEqual([], self.compute.method_calls)
