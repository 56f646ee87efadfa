"""``GET /v2.1/servers/{id}/diagnostics`` (compute API reference,
"Servers diagnostics") through the full WSGI pipeline; the compute RPC
call runs a real ``ComputeManager`` with the fake driver in this thread
(its conductor calls too), so the manager's and the driver's answers are
the ones checked."""
import fixtures
from oslo_messaging.rpc import dispatcher as rpc_dispatcher
from oslo_utils import timeutils

from nova_lite.api import microversion
from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.conductor import compute_proxy
from nova_lite import context as nl_context
from nova_lite.network import api as network_api
from nova_lite.virt import fake
from tests.unit.api import fakes
from tests.unit.compute import local_conductor

HOST = 'node1'
STANDARD_KEYS = {'state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime',
                 'config_drive', 'num_cpus', 'num_nics', 'num_disks',
                 'cpu_details', 'nic_details', 'disk_details',
                 'memory_details'}


def _v(version):
    return dict(fakes.ADMIN, **{microversion.HEADER: 'compute ' + version})


class ServerDiagnosticsTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.driver = fake.FakeDriver(HOST)
        self.manager = compute_manager.ComputeManager(HOST,
                                                      driver=self.driver)
        self.manager.conductor = local_conductor.LocalConductor()
        self.addCleanup(self.manager._executor.shutdown, wait=False)
        self.calls = []

        def call(rpcapi, context, host, instance_uuid, standard=True,
                 timeout=None):
            self.calls.append((host, instance_uuid, standard))
            self.assertEqual(HOST, host)
            try:
                return self.manager.get_instance_diagnostics(
                    context, instance_uuid, standard=standard)
            except rpc_dispatcher.ExpectedException as wrapped:
                # What the RPC server does: the caller gets the original.
                raise wrapped.exc_info[1] from None

        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'get_instance_diagnostics', call))
        self.server_id = self.create_server()
        self.url = '/v2.1/servers/%s/diagnostics' % self.server_id

    def _spawn(self):
        """Make the server ACTIVE on HOST with a running fake guest."""
        admin = nl_context.get_admin_context()
        nw = network_api.allocate_for_instance(
            admin, compute_proxy.instance_get(admin, self.server_id))
        self.set_instance(self.server_id, host=HOST, node=HOST,
                          vm_state=states.ACTIVE, task_state=None,
                          power_state=states.RUNNING,
                          launched_at=timeutils.utcnow())
        instance = compute_proxy.instance_get(admin, self.server_id)
        self.driver.spawn(admin, instance, None, nw)
        return instance, nw

    def test_legacy_body_is_the_drivers_flat_dict(self):
        instance, nw = self._spawn()
        resp = self.get(self.url, fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual([(HOST, self.server_id, False)], self.calls)
        body = resp.json
        self.assertEqual(512 * 1024, body['memory'])
        self.assertEqual(0, body['cpu0_time'])
        self.assertEqual(0, body['vda_read'])
        self.assertEqual(0, body['nic0_rx'])
        self.assertEqual(len(nw), len([k for k in body
                                       if k.endswith('_tx_drop')]))
        self.assertIsInstance(body['uptime'], int)

    def test_standard_body_from_2_48(self):
        self.useFixture(fixtures.MockPatchObject(
            microversion, 'MAX_VERSION', microversion.APIVersion(2, 48)))
        _instance, nw = self._spawn()
        resp = self.get(self.url, _v('2.48'))
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual([(HOST, self.server_id, True)], self.calls)
        body = resp.json
        self.assertEqual(STANDARD_KEYS, set(body))
        self.assertEqual(('running', 'fake', False),
                         (body['state'], body['driver'],
                          body['config_drive']))
        self.assertEqual({'maximum': 512, 'used': 512},
                         body['memory_details'])
        self.assertEqual((1, len(nw), 1), (body['num_cpus'],
                                           body['num_nics'],
                                           body['num_disks']))
        self.assertEqual([{'id': 0, 'time': 0, 'utilisation': 0}],
                         body['cpu_details'])
        self.assertEqual(nw[0].mac, body['nic_details'][0]['mac_address'])
        self.assertEqual(0, body['nic_details'][0]['rx_octets'])
        self.assertNotIn('memory_unused_kib', body)

    def test_stopped_guest_is_409(self):
        instance, _nw = self._spawn()
        self.driver.power_off(instance)
        self.assertFault(self.get(self.url, fakes.ADMIN), 409,
                         'conflictingRequest', 'power_state shutdown')

    def test_server_not_active_is_409_without_a_call(self):
        self.assertFault(self.get(self.url, fakes.ADMIN), 409,
                         'conflictingRequest', 'vm_state building')
        self.set_instance(self.server_id, host=HOST,
                          vm_state=states.STOPPED, task_state=None)
        self.assertFault(self.get(self.url, fakes.ADMIN), 409,
                         'conflictingRequest', 'vm_state stopped')
        self.assertEqual([], self.calls)

    def test_unknown_server_is_404(self):
        self.assertFault(self.get('/v2.1/servers/%s/diagnostics' %
                                  '00000000-0000-0000-0000-000000000000',
                                  fakes.ADMIN), 404, 'itemNotFound')

    def test_admin_only_by_default(self):
        self._spawn()
        self.assertFault(self.get(self.url, fakes.MEMBER), 403,
                         'forbidden')
        # Another project's server is not found before the policy says no.
        self.assertFault(self.get(self.url, fakes.OTHER), 404,
                         'itemNotFound')
        self.assertEqual([], self.calls)

    def test_driver_without_diagnostics_is_501(self):
        self._spawn()
        self.useFixture(fixtures.MockPatchObject(
            fake.FakeDriver, 'get_diagnostics',
            side_effect=NotImplementedError()))
        self.assertFault(self.get(self.url, fakes.ADMIN), 501,
                         'notImplemented')

    def test_no_instance_action_is_recorded(self):
        self._spawn()
        self.assertEqual(200, self.get(self.url, fakes.ADMIN).status_code)
        actions = self.get('/v2.1/servers/%s/os-instance-actions'
                           % self.server_id).json['instanceActions']
        self.assertEqual(['create'], [a['action'] for a in actions])


class ComputeRPCAPITest(fakes.APITestCase):
    """The client asks the instance's host at version 1.2."""

    def test_call(self):
        rpcapi = compute_rpcapi.ComputeAPI()
        prepare = self.useFixture(fixtures.MockPatchObject(
            rpcapi.client, 'prepare')).mock
        prepare.return_value.call.return_value = {'memory': 1}
        ctx = nl_context.get_admin_context()
        self.assertEqual({'memory': 1}, rpcapi.get_instance_diagnostics(
            ctx, 'node7', 'uuid-1', standard=False))
        prepare.assert_called_once_with(server='node7', version='1.2')
        prepare.return_value.call.assert_called_once_with(
            ctx, 'get_instance_diagnostics', instance_uuid='uuid-1',
            standard=False)
