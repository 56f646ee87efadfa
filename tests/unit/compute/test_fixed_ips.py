"""addFixedIp / removeFixedIp through the compute API, the service
layer, a real ComputeManager (RPC 1.17 in this thread) and the fake
driver (``test_lifecycle``'s harness): the port's addresses, the
server's addresses, the guest's NIC list, the port firewall, the DHCP
entry, notifications, action events, errors and states."""
import os

import fixtures

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.network import api as network_api
from nova_lite.network import dhcp
from tests.unit.api import fakes
from tests.unit.compute import test_lifecycle

SERVERS = '/v2.1/servers'
V2 = '/network/v2.0'
CASTS = ('add_fixed_ip_to_instance', 'remove_fixed_ip_from_instance')


class FixedIpTest(test_lifecycle.LifecycleTestCase):

    def setUp(self):
        super().setUp()
        for name in CASTS:
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))
        self.manager.security_groups.conductor = self.manager.conductor
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send',
            lambda ctx, event_type, *a, **kw: self.sent.append(
                (event_type, kw.get('legacy_only', False)))))
        self.api.conf.config(group='notifications',
                             notification_format='unversioned')
        hosts = os.path.join(self.useFixture(fixtures.TempDir()).path,
                             'hosts')
        self.manager.dhcp = dhcp.HostsFile(hosts)
        # The guest runs with its NIC on the flat network.
        self.driver.destroy(None, self.instance(), [])
        (vif,) = network_api.allocate_for_instance(self.api.admin_context,
                                                   self.instance())
        self.driver.spawn(None, self.instance(), None, [vif])
        self.manager.dhcp.add([vif], 'web')
        self.vif = vif
        self.net_id = self.api.network['uuid']

    def action(self, body, headers=None):
        return self.post(self.path, body, headers)

    def addresses(self):
        found = self.get('%s/%s/ips' % (SERVERS, self.server_id)).json
        return [a['addr'] for a in found['addresses'][
            self.api.network['label']]]

    def macs(self):
        return [n['mac_address'] for n in self.driver.get_instance_diagnostics(
            self.instance())['nic_details']]

    def port_ips(self):
        (port,) = self.get(V2 + '/ports?device_id=' + self.server_id,
                           fakes.ADMIN).json['ports']
        return [f['ip_address'] for f in port['fixed_ips']]

    def filtered(self):
        """The addresses the port firewall lets the server's port send
        from."""
        (spec,) = self.manager.security_groups.firewall.ports().values()
        return spec['fixed_ips']

    def add(self):
        resp = self.action({'addFixedIp': {'networkId': self.net_id}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        (new,) = set(self.port_ips()) - {self.vif.address}
        return new

    def test_add_and_remove(self):
        new = self.add()
        # One more address on the server's one port (as Nova's Neutron
        # path): the guest keeps its one NIC, the firewall lets the port
        # send from both addresses, DHCP still hands out the first.
        self.assertEqual([self.vif.address, new], self.port_ips())
        self.assertEqual([self.vif.address, new], self.addresses())
        self.assertEqual([self.vif.mac], self.macs())
        self.assertEqual([self.vif.address, new], self.filtered())
        self.assertEqual({self.vif.mac: (self.vif.address, 'web')},
                         self.manager.dhcp.entries())
        self.assertEqual(['add_fixed_ip_to_instance'], self.casts)
        self.assertEqual([('compute_add_fixed_ip_to_instance', 'Success')],
                         self.events('addFixedIp'))
        self.assertEqual([('instance.create_ip.start', True),
                          ('instance.create_ip.end', True)], self.sent)
        self.sent.clear()
        resp = self.action({'removeFixedIp': {'address': new}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual([self.vif.address], self.port_ips())
        self.assertEqual([self.vif.address], self.addresses())
        self.assertEqual([self.vif.address], self.filtered())
        self.assertEqual([('compute_remove_fixed_ip_from_instance',
                           'Success')], self.events('removeFixedIp'))
        self.assertEqual([('instance.delete_ip.start', True),
                          ('instance.delete_ip.end', True)], self.sent)

    def test_removing_the_first_address_moves_the_dhcp_entry(self):
        new = self.add()
        resp = self.action({'removeFixedIp': {'address': self.vif.address}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual([new], self.port_ips())
        self.assertEqual({self.vif.mac: (new, 'web')},
                         self.manager.dhcp.entries())
        self.assertEqual([new], self.filtered())

    def test_no_notifications_in_the_versioned_format(self):
        # Nova sends create_ip/delete_ip in the legacy format only.
        self.api.conf.config(group='notifications',
                             notification_format='versioned')
        self.add()
        self.assertEqual([], self.sent)

    def test_errors(self):
        resp = self.action({'addFixedIp': {
            'networkId': '00000000-0000-4000-8000-000000000000'}})
        self.assertFault(resp, 404, 'itemNotFound', 'no port on that '
                         'network')
        resp = self.action({'removeFixedIp': {'address': '10.9.9.9'}})
        self.assertFault(resp, 400, 'badRequest',
                         "does not have fixed IP '10.9.9.9'")
        # A NIC keeps its last address.
        resp = self.action({'removeFixedIp': {'address': self.vif.address}})
        self.assertFault(resp, 400, 'badRequest', 'only address of port')
        for body in ({'addFixedIp': {}}, {'addFixedIp': {
                'networkId': self.net_id, 'x': 1}},
                {'removeFixedIp': {'address': 'not-an-ip'}},
                {'addFixedIp': {'networkId': ''}}):
            self.assertFault(self.action(body), 400, 'badRequest')
        self.assertEqual([], self.casts)
        self.assertEqual([self.vif.address], self.port_ips())

    def test_full_network_is_400(self):
        # A project network whose pool has one address: the server's NIC
        # there (an interface attach) holds it.
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'attach_interface',
            self._cast('attach_interface')))
        net = self.post(V2 + '/networks', {'network': {'name': 'small'}})
        self.assertEqual(201, net.status_code, net.get_data(as_text=True))
        net_id = net.json['network']['id']
        self.assertEqual(201, self.post(V2 + '/subnets', {'subnet': {
            'network_id': net_id, 'cidr': '10.77.0.0/29', 'ip_version': 4,
            'allocation_pools': [{'start': '10.77.0.2',
                                  'end': '10.77.0.2'}]}}).status_code)
        resp = self.post('%s/%s/os-interface' % (SERVERS, self.server_id),
                         {'interfaceAttachment': {'net_id': net_id}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        resp = self.action({'addFixedIp': {'networkId': net_id}})
        self.assertFault(resp, 400, 'badRequest', 'No fixed IP addresses '
                         'available for network: %s' % net_id)
        self.assertEqual(['attach_interface'], self.casts)

    def test_states(self):
        self.assertEqual(202, self.action({'lock': None}).status_code)
        resp = self.action({'addFixedIp': {'networkId': self.net_id}})
        self.assertFault(resp, 409, 'conflictingRequest', 'locked')
        self.assertEqual(202, self.action({'unlock': None}).status_code)
        for values in ({'task_state': states.REBOOTING},
                       {'vm_state': states.BUILDING},
                       {'vm_state': states.RESIZED}):
            self.set_instance(self.server_id, **dict(
                {'vm_state': states.ACTIVE, 'task_state': None}, **values))
            self.assertFault(self.action({'removeFixedIp': {
                'address': self.vif.address}}), 409, 'conflictingRequest')
        self.assertEqual([], self.casts)

    def test_server_without_host(self):
        # Shelved offloaded: nothing plugged; the API finishes the action
        # and its compute reads the addresses at the unshelve.
        self.set_instance(self.server_id, vm_state=states.SHELVED_OFFLOADED,
                          host=None, node=None)
        new = self.add()
        self.assertEqual([], self.casts)
        self.assertEqual([('api_add_fixed_ip', 'Success')],
                         self.events('addFixedIp'))
        self.assertEqual([('instance.create_ip.start', True),
                          ('instance.create_ip.end', True)], self.sent)
        self.assertEqual(202, self.action({'removeFixedIp': {
            'address': new}}).status_code)
        self.assertEqual([('api_remove_fixed_ip', 'Success')],
                         self.events('removeFixedIp'))

    def test_failed_apply_is_the_events_error(self):
        def broken(*_args):
            raise RuntimeError('nft refused')
        self.useFixture(fixtures.MockPatchObject(
            self.manager.security_groups, 'refresh', side_effect=broken))
        self.add()
        self.assertEqual([('compute_add_fixed_ip_to_instance', 'Error')],
                         self.events('addFixedIp'))
        self.assertEqual([('instance.create_ip.start', True)], self.sent)

    def test_other_projects_server_is_404(self):
        other = dict(fakes.MEMBER, **{'X-Project-Id': 'other-project'})
        resp = self.action({'addFixedIp': {'networkId': self.net_id}}, other)
        self.assertFault(resp, 404, 'itemNotFound')
