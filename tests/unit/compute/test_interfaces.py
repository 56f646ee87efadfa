"""Interface hot-plug through the compute API, the service layer, a real
ComputeManager and the fake driver (``test_lifecycle``'s harness: the
compute's RPC runs in this thread, ``LocalConductor``): the guest's NIC
list, the port firewall, notifications, action events, the rollback of
a failed plug and a failed unplug."""
from unittest import mock

import fixtures
import oslo_messaging as messaging

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.network import firewall
from tests.unit.api import fakes
from tests.unit.compute import test_lifecycle

SERVERS = '/v2.1/servers'
V2 = '/network/v2.0'


class InterfaceTest(test_lifecycle.LifecycleTestCase):

    def setUp(self):
        super().setUp()
        for name in ('attach_interface', 'detach_interface'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))
        # The port firewall asks the in-thread conductor too.
        self.manager.security_groups.conductor = self.manager.conductor
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send',
            lambda ctx, event_type, *a, **kw: self.sent.append(event_type)))
        # The guest runs with its first NIC, on the flat network.
        self.driver.destroy(None, self.instance(), [])
        vifs = network_api.allocate_for_instance(self.api.admin_context,
                                                 self.instance())
        self.driver.spawn(None, self.instance(), None, vifs)
        self.first_mac = vifs[0].mac
        self.url = '%s/%s/os-interface' % (SERVERS, self.server_id)

    def macs(self):
        return [n['mac_address'] for n in self.driver.get_instance_diagnostics(
            self.instance())['nic_details']]

    def attach(self, **attachment):
        return self.post(self.url, {'interfaceAttachment': attachment})

    def test_attach_and_detach(self):
        resp = self.attach()
        self.assertEqual(200, resp.status_code, resp.json)
        iface = resp.json['interfaceAttachment']
        self.assertEqual([self.first_mac, iface['mac_addr']], self.macs())
        # The new tap is filtered by the port firewall.
        self.assertIn(firewall.device_name(iface['port_id']),
                      self.driver.firewall.script)
        self.assertEqual(['instance.interface_attach.start',
                          'instance.interface_attach.end'], self.sent)
        self.assertEqual([('compute_attach_interface', 'Success')],
                         self.events('attach_interface'))
        self.sent.clear()
        resp = self.delete(self.url + '/' + iface['port_id'])
        self.assertEqual(202, resp.status_code)
        self.assertEqual([self.first_mac], self.macs())
        self.assertNotIn(firewall.device_name(iface['port_id']),
                         self.driver.firewall.script)
        self.assertEqual(1, len(self.get(self.url).json[
            'interfaceAttachments']))
        self.assertEqual(404, self.get(V2 + '/ports/' + iface['port_id'],
                                       fakes.ADMIN).status_code)
        self.assertEqual(['instance.interface_detach.start',
                          'instance.interface_detach.end'], self.sent)
        self.assertEqual([('compute_detach_interface', 'Success')],
                         self.events('detach_interface'))

    def test_stopped_guest(self):
        self.driver.power_off(self.instance())
        self.set_instance(self.server_id, vm_state=states.STOPPED,
                          power_state=states.SHUTDOWN)
        resp = self.attach()
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(2, len(self.macs()))

    def test_dhcp_entry_before_the_firewall(self):
        # The first DHCP entry of a project network on a host makes its
        # bridge (linux_net); the firewall applied after it finds the
        # bridge and turns its netfilter flags on (NftApplier.prepare).
        order = []
        self.manager.dhcp = mock.Mock()
        self.manager.dhcp.add.side_effect = lambda *a: order.append('dhcp')
        refresh = self.manager.security_groups.refresh
        self.useFixture(fixtures.MockPatchObject(
            self.manager.security_groups, 'refresh',
            side_effect=lambda *a: (order.append('firewall'),
                                    refresh(*a))))
        resp = self.attach()
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(['dhcp', 'firewall'], order)

    def test_failed_plug_is_rolled_back(self):
        self.driver.interface_attach_fault = exception.NovaLiteException(
            'injected hot-plug failure')
        resp = self.attach()
        self.assertFault(resp, 500, 'computeFault',
                         'Failed to attach network adapter device')
        self.assertEqual([self.first_mac], self.macs())
        self.assertEqual(1, len(self.get(self.url).json[
            'interfaceAttachments']))
        self.assertEqual(1, len(self.get(V2 + '/ports', fakes.ADMIN).json[
            'ports']))
        self.assertEqual(['instance.interface_attach.start',
                          'instance.interface_attach.error'], self.sent)
        self.assertEqual([('compute_attach_interface', 'Error')],
                         self.events('attach_interface'))

    def test_failed_unplug_keeps_the_port(self):
        iface = self.attach().json['interfaceAttachment']
        self.useFixture(fixtures.MockPatchObject(
            self.driver, 'detach_interface',
            side_effect=exception.InterfaceDetachFailed(
                instance_uuid=self.server_id)))
        self.assertEqual(202, self.delete(
            self.url + '/' + iface['port_id']).status_code)
        self.assertEqual(2, len(self.macs()))
        self.assertEqual(2, len(self.get(self.url).json[
            'interfaceAttachments']))
        self.assertEqual([('compute_detach_interface', 'Error')],
                         self.events('detach_interface'))

    def test_detach_of_a_gone_server_or_port_is_a_no_op(self):
        self.manager.detach_interface(
            self.api.admin_context, '00000000-0000-4000-8000-000000000000',
            'port-1')
        self.manager.detach_interface(self.api.admin_context,
                                      self.server_id, 'port-1')
        self.assertEqual([self.first_mac], self.macs())
        self.assertEqual([], self.sent)

    def test_attach_errors_cross_rpc(self):
        # nova_lite.exception errors: the RPC layer rebuilds them in the
        # API (allowed_remote_exmods), which answers their 404.
        for server_id, error in (
                (self.server_id, exception.PortNotAttached),
                ('00000000-0000-4000-8000-000000000000',
                 exception.InstanceNotFound)):
            raised = self.assertRaises(
                messaging.ExpectedException, self.manager.attach_interface,
                self.api.admin_context, server_id, 'port-x')
            self.assertIs(error, raised.exc_info[0])
            self.assertEqual('nova_lite.exception', error.__module__)
        self.assertEqual([self.first_mac], self.macs())
        self.assertEqual([], self.sent)
