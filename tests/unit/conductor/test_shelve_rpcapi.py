"""The conductor's shelve RPC methods (1.7): the client prepares 1.7,
the manager serves it and has each method."""
from unittest import mock

import fixtures
import testtools

from nova_lite.conductor import manager
from nova_lite.conductor import rpcapi


class TestConductorShelveVersions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock()
        self.useFixture(fixtures.MockPatch('nova_lite.rpc.get_client',
                                           return_value=self.client))
        self.api = rpcapi.ConductorAPI()

    def test_latest_version_is_served(self):
        self.assertEqual('1.19', rpcapi.ConductorAPI.VERSION)
        self.assertEqual('1.19', manager.ConductorManager.target.version)

    def test_heartbeats_are_one_1_19_cast(self):
        services = [[1, 'fake-1', 'nova-lite-compute', 'compute'],
                    [2, 'fake-2', 'nova-lite-compute', 'compute']]
        self.api.service_heartbeats(mock.sentinel.ctx, services)
        self.client.prepare.assert_called_once_with(version='1.19')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'service_heartbeats', services=services)
        endpoint = manager.ConductorManager.__new__(
            manager.ConductorManager)
        endpoint.reports = mock.Mock()
        endpoint.host = 'controller'
        [(target, [liveness])] = endpoint.extra_rpc_servers()
        self.assertEqual((rpcapi.LIVENESS_TOPIC, 'controller'),
                         (target.topic, target.server))
        liveness.service_heartbeats(mock.sentinel.ctx, services)
        liveness.service_heartbeat(mock.sentinel.ctx, *services[0])
        self.assertEqual(
            [mock.call(mock.sentinel.ctx, *service)
             for service in services + services[:1]],
            endpoint.reports.heartbeat.call_args_list)
        self.assertEqual(['service_heartbeat', 'service_heartbeats'],
                         sorted(n for n in vars(manager.LivenessEndpoint)
                                if not n.startswith('_') and n != 'target'))

    def test_heartbeats_one_cast_each_to_a_capped_conductor(self):
        self.client.can_send_version.return_value = False
        self.api.service_heartbeats(mock.sentinel.ctx, [
            [1, 'fake-1', 'b', 't'], [2, 'fake-2', 'b', 't']])
        cast = self.client.prepare.return_value.cast
        self.assertEqual(
            [mock.call(mock.sentinel.ctx, 'service_heartbeat', service_id=i,
                       host='fake-%d' % i, binary='b', topic='t')
             for i in (1, 2)], cast.call_args_list)

    def test_volume_reimage_is_a_1_18_call_with_its_timeout(self):
        call = self.client.prepare.return_value.call
        self.api.volume_reimage(mock.sentinel.ctx, 'u', 'img')
        self.client.prepare.assert_called_once_with(version='1.18',
                                                    timeout=660)
        call.assert_called_once_with(mock.sentinel.ctx, 'volume_reimage',
                                     instance_uuid='u', image_id='img')
        self.assertTrue(callable(manager.ConductorManager.volume_reimage))

    def test_volume_move_methods_are_1_17_calls(self):
        call = self.client.prepare.return_value.call
        for method, kwargs in (
                ('volume_connections', {
                    'instance_uuid': 'u', 'connector': {'ip': '192.0.2.7'},
                    'peer': True, 'reopen': False}),
                ('volume_disconnect', {'instance_uuid': 'u'})):
            self.client.reset_mock()
            getattr(self.api, method)(mock.sentinel.ctx, *kwargs.values())
            self.client.prepare.assert_called_once_with(version='1.17')
            call.assert_called_once_with(mock.sentinel.ctx, method,
                                         **kwargs)
            self.assertTrue(callable(getattr(manager.ConductorManager,
                                             method)))

    def test_volume_reconcile_methods_are_1_16_calls(self):
        call = self.client.prepare.return_value.call
        for method, kwargs in (
                ('volume_attachments_of_instances',
                 {'instance_uuids': ['u']}),
                ('volume_export_ensure', {'attachment_id': 'a'})):
            self.client.reset_mock()
            getattr(self.api, method)(mock.sentinel.ctx, *kwargs.values())
            self.client.prepare.assert_called_once_with(version='1.16')
            call.assert_called_once_with(mock.sentinel.ctx, method,
                                         **kwargs)
            self.assertTrue(callable(getattr(manager.ConductorManager,
                                             method)))

    def test_volume_methods_are_1_13_calls(self):
        self.client.prepare.return_value.call.return_value = {'data': {}}
        self.assertEqual({'data': {}}, self.api.volume_connect(
            mock.sentinel.ctx, 'att-1', {'ip': '192.0.2.7'}))
        self.client.prepare.assert_called_once_with(version='1.13')
        self.client.prepare.return_value.call.assert_called_once_with(
            mock.sentinel.ctx, 'volume_connect', attachment_id='att-1',
            connector={'ip': '192.0.2.7'})

    def test_interface_detached_is_a_1_11_call(self):
        self.client.prepare.return_value.call.return_value = 'deleted'
        self.assertEqual('deleted', self.api.interface_detached(
            mock.sentinel.ctx, 'uuid-1', 'port-1', 'node1',
            {'name': 'compute_detach_interface'}))
        self.client.prepare.assert_called_once_with(
            version='1.11', timeout=rpcapi.RETRY_ATTEMPT_TIMEOUT)
        self.client.prepare.return_value.call.assert_called_once_with(
            mock.sentinel.ctx, 'interface_detached', instance_uuid='uuid-1',
            port_id='port-1', host='node1',
            event={'name': 'compute_detach_interface'})
        self.assertTrue(callable(manager.ConductorManager.interface_detached))

    def test_unshelve_is_a_1_7_cast(self):
        self.api.unshelve_instance(mock.sentinel.ctx, 'uuid-1',
                                   requested_host='dst')
        self.client.prepare.assert_called_once_with(version='1.7')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'unshelve_instance', instance_uuid='uuid-1',
            requested_host='dst')

    def test_offloaded_is_a_1_7_call(self):
        self.client.prepare.return_value.call.return_value = True
        self.assertTrue(self.api.instance_offloaded(
            mock.sentinel.ctx, 'uuid-1', 'src', 'spawning',
            fault={'code': 500, 'message': 'm'}))
        self.client.prepare.assert_called_once_with(version='1.7')
        self.client.prepare.return_value.call.assert_called_once_with(
            mock.sentinel.ctx, 'instance_offloaded', instance_uuid='uuid-1',
            host='src', expected_task_state='spawning',
            fault={'code': 500, 'message': 'm'}, event=None)
        for name in ('unshelve_instance', 'instances_to_offload',
                     'instance_shelved', 'instance_offloaded'):
            self.assertTrue(callable(getattr(manager.ConductorManager,
                                             name)))
