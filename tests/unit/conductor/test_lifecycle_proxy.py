"""The conductor's 1.5 methods for the compute's rebuild and snapshots:
the client asks for version 1.5; ``instance_action_failed`` writes the
values with a fault under the expected task state and records the event,
without releasing the claim or fixed IP; ``guest_data_get`` answers
None for a gone instance."""
from unittest import mock

import testtools

from nova_lite.compute import states
from nova_lite.conductor import lifecycle_proxy
from nova_lite.conductor import rpcapi
from nova_lite.db import instances as instance_db
from nova_lite.db import session as db_session
from nova_lite.db import instance_faults as fault_db
from nova_lite.network import api as network_api
from nova_lite.objects import instance as instance_obj
from tests.unit.api import fakes
from tests.unit.conductor import test_rpcapi


class TestClientVersions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.prepared = mock.Mock()
        self.client = mock.Mock()
        self.client.prepare.return_value = self.prepared
        self.useFixture(test_rpcapi.mock_client(self.client))
        self.api = rpcapi.ConductorAPI()

    def test_lifecycle_methods_are_1_5(self):
        self.api.guest_data_get(mock.sentinel.ctx, 'u1')
        self.client.prepare.assert_called_with(version='1.5')
        self.prepared.call.assert_called_with(
            mock.sentinel.ctx, 'guest_data_get', instance_uuid='u1')
        self.api.instance_action_failed(mock.sentinel.ctx, 'u1', {'a': 1},
                                        {'task_state': 't'}, 'h', {}, None)
        self.client.prepare.assert_called_with(version='1.5')


class TestActionFailed(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.uuid = self.create_server()
        self.set_instance(self.uuid, host='node1', vm_state=states.ACTIVE,
                          task_state=states.REBUILD_SPAWNING)
        network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=self.uuid))
        self.ctxt = self.api.admin_context

    def test_error_with_fault_keeps_the_fixed_ip(self):
        self.assertTrue(lifecycle_proxy.instance_action_failed(
            self.ctxt, self.uuid, {'vm_state': states.ERROR,
                                   'task_state': None},
            {'task_state': states.REBUILD_SPAWNING}, 'node1',
            {'code': 500, 'message': 'boom'}, None))
        row = instance_db.instance_get(self.ctxt, self.uuid)
        self.assertEqual((states.ERROR, None), (row.vm_state,
                                                row.task_state))
        with db_session.reader(self.ctxt) as session:
            fault = fault_db.latest_faults(session, [self.uuid])[self.uuid]
        self.assertEqual(('boom', 'node1'), (fault.message, fault.host))
        self.assertEqual(1, len(network_api.get_instance_nw_info(
            self.ctxt, self.uuid)))

    def test_nothing_written_when_the_task_changed(self):
        self.assertFalse(lifecycle_proxy.instance_action_failed(
            self.ctxt, self.uuid, {'vm_state': states.ERROR},
            {'task_state': states.REBUILDING}, 'node1',
            {'code': 500, 'message': 'boom'}, None))
        self.assertEqual(states.ACTIVE, instance_db.instance_get(
            self.ctxt, self.uuid).vm_state)

    def test_guest_data_of_gone_instance_is_none(self):
        self.assertIsNone(lifecycle_proxy.guest_data_get(self.ctxt, 'gone'))
        self.assertEqual(self.uuid, lifecycle_proxy.guest_data_get(
            self.ctxt, self.uuid)['uuid'])
