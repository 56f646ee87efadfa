"""The compute API's floating IP proxies (``/os-floating-ips``,
``/os-floating-ip-pools``, microversions 2.1-2.35) and the
``addFloatingIp``/``removeFloatingIp`` actions (until 2.43) over the
Networking API's floating IPs (doc/network-api.md)."""
import types

import fixtures

from nova_lite.network import api as network_api
from tests.unit.api import fakes
from tests.unit.api import test_network_l3

FIPS = '/v2.1/os-floating-ips'


def _version(version):
    return dict(fakes.MEMBER, **{'OpenStack-API-Version':
                                 'compute %s' % version})


class ComputeFloatingIPTest(test_network_l3.L3TestCase):

    def server(self):
        _router, port = self.wired()
        server_id = self.create_server(networks=[{'port': port['id']}])
        self.set_instance(server_id, host='node1', vm_state='active')
        network_api.allocate_for_instance(
            self.api.admin_context, types.SimpleNamespace(uuid=server_id))
        return server_id, port['fixed_ips'][0]['ip_address']

    def action(self, server_id, name, body, headers=None):
        return self.post('/v2.1/servers/%s/action' % server_id,
                         {name: body}, headers)

    def test_pools_allocate_list_show_delete(self):
        self.assertEqual({'floating_ip_pools': [{'name': 'public'}]},
                         self.get('/v2.1/os-floating-ip-pools').json)
        resp = self.post(FIPS, {'pool': 'public'})
        self.assertEqual(200, resp.status_code, resp.json)
        fip = resp.json['floating_ip']
        self.assertEqual(('public', None, None), (
            fip['pool'], fip['fixed_ip'], fip['instance_id']))
        self.assertTrue(fip['ip'].startswith('172.24.4.'))
        self.assertEqual([fip], self.get(FIPS).json['floating_ips'])
        self.assertEqual(fip, self.get(FIPS + '/' + fip['id']).json[
            'floating_ip'])
        # The same floating IP in the Networking API.
        self.assertEqual(fip['ip'], self.get(
            test_network_l3.FIPS + '/' + fip['id']).json['floatingip'][
            'floating_ip_address'])
        self.assertEqual(202, self.delete(FIPS + '/' + fip['id'])
                         .status_code)
        self.assertEqual(404, self.get(FIPS + '/' + fip['id']).status_code)
        # The only pool is the default.
        self.assertEqual(200, self.post(FIPS, {}).status_code)

    def test_errors_and_versions(self):
        self.assertEqual(404, self.post(FIPS, {'pool': 'nope'}).status_code)
        self.assertEqual(404, self.post(FIPS, {'pool': 'net1'}).status_code)
        self.assertEqual(400, self.post(FIPS, {'pool': 'public', 'x': 1})
                         .status_code)
        self.assertEqual(404, self.get(FIPS + '/nope').status_code)
        self.put(test_network_l3.V2 + '/quotas/' + fakes.PROJECT, {
            'quota': {'floatingip': 0}}, fakes.ADMIN)
        self.assertEqual(403, self.post(FIPS, {'pool': 'public'})
                         .status_code)
        for path in (FIPS, '/v2.1/os-floating-ip-pools'):
            self.assertEqual(200, self.get(path, _version('2.35'))
                             .status_code)
            self.assertEqual(404, self.get(path, _version('2.36'))
                             .status_code)

    def test_add_and_remove(self):
        server_id, fixed = self.server()
        fip = self.post(FIPS, {'pool': 'public'}).json['floating_ip']
        resp = self.action(server_id, 'addFloatingIp', {'address': fip['ip']})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        shown = self.get(FIPS + '/' + fip['id']).json['floating_ip']
        self.assertEqual((fixed, server_id), (shown['fixed_ip'],
                                              shown['instance_id']))
        self.cast.assert_called_with(self.cast.call_args[0][0], 'node1',
                                     server_id, [{
                                         'floating_ip_address': fip['ip'],
                                         'fixed_ip_address': fixed}])
        self.assertEqual(202, self.action(server_id, 'removeFloatingIp', {
            'address': fip['ip']}).status_code)
        self.assertIsNone(self.get(FIPS + '/' + fip['id']).json[
            'floating_ip']['instance_id'])
        self.assertEqual(409, self.action(server_id, 'removeFloatingIp', {
            'address': fip['ip']}).status_code)

    def test_removed_fixed_ip_loses_its_floating_ip(self):
        # removeFixedIp of the address a floating IP is on: disassociated
        # and the server's NAT pushed without it (doc/interfaces.md).
        for name in ('add_fixed_ip_to_instance',
                     'remove_fixed_ip_from_instance'):
            self.useFixture(fixtures.MockPatch(
                'nova_lite.compute.rpcapi.ComputeAPI.' + name))
        server_id, fixed = self.server()
        self.set_instance(server_id, task_state=None)
        self.assertEqual(202, self.action(server_id, 'addFixedIp', {
            'networkId': self.net['id']}).status_code)
        path = '/v2.1/servers/%s/ips' % server_id
        addresses = [a['addr'] for a in self.get(path).json['addresses'][
            'net1']]
        (second,) = set(addresses) - {fixed}
        fip = self.post(FIPS, {'pool': 'public'}).json['floating_ip']
        self.assertEqual(202, self.action(server_id, 'addFloatingIp', {
            'address': fip['ip'], 'fixed_address': second}).status_code)
        self.assertEqual(second, self.get(FIPS + '/' + fip['id']).json[
            'floating_ip']['fixed_ip'])
        self.cast.reset_mock()
        self.assertEqual(202, self.action(server_id, 'removeFixedIp', {
            'address': second}).status_code)
        self.assertEqual((None, None), tuple(
            self.get(FIPS + '/' + fip['id']).json['floating_ip'][k]
            for k in ('fixed_ip', 'instance_id')))
        self.cast.assert_called_once_with(self.cast.call_args[0][0],
                                          'node1', server_id, [])

    def test_server_addresses_list_the_floating_ip(self):
        server_id, fixed = self.server()
        path = '/v2.1/servers/%s' % server_id
        (label, (entry,)), = self.get(path).json['server'][
            'addresses'].items()
        mac = entry['OS-EXT-IPS-MAC:mac_addr']
        self.assertEqual({'version': 4, 'addr': fixed,
                          'OS-EXT-IPS:type': 'fixed',
                          'OS-EXT-IPS-MAC:mac_addr': mac}, entry)
        fip = self.post(FIPS, {'pool': 'public'}).json['floating_ip']
        self.assertEqual(202, self.action(server_id, 'addFloatingIp', {
            'address': fip['ip']}).status_code)
        floating = {'version': 4, 'addr': fip['ip'],
                    'OS-EXT-IPS:type': 'floating',
                    'OS-EXT-IPS-MAC:mac_addr': mac}
        # After the port's fixed address, with the port's MAC (as Nova).
        self.assertEqual({label: [entry, floating]},
                         self.get(path).json['server']['addresses'])
        (listed,) = self.get('/v2.1/servers/detail').json['servers']
        self.assertEqual({label: [entry, floating]}, listed['addresses'])
        plain = [{'version': 4, 'addr': fixed},
                 {'version': 4, 'addr': fip['ip']}]
        self.assertEqual({'addresses': {label: plain}},
                         self.get(path + '/ips').json)
        self.assertEqual({label: plain},
                         self.get(path + '/ips/' + label).json)
        # Nova does not put it in accessIPv4.
        self.assertEqual('', self.get(path).json['server']['accessIPv4'])
        self.assertEqual(202, self.action(server_id, 'removeFloatingIp', {
            'address': fip['ip']}).status_code)
        self.assertEqual({label: [entry]},
                         self.get(path).json['server']['addresses'])
        self.assertEqual({'addresses': {label: plain[:1]}},
                         self.get(path + '/ips').json)

    def test_action_errors(self):
        server_id, _fixed = self.server()
        fip = self.post(FIPS, {'pool': 'public'}).json['floating_ip']
        self.assertEqual(404, self.action(server_id, 'addFloatingIp', {
            'address': '172.24.4.250'}).status_code)
        self.assertEqual(400, self.action(server_id, 'addFloatingIp', {
            'address': fip['ip'], 'fixed_address': '10.9.9.9'}).status_code)
        self.assertEqual(400, self.action(server_id, 'addFloatingIp', {})
                         .status_code)
        self.assertEqual(404, self.action(server_id, 'addFloatingIp', {
            'address': fip['ip']}, _version('2.44')).status_code)
        self.assertEqual(202, self.action(server_id, 'addFloatingIp', {
            'address': fip['ip']}, _version('2.43')).status_code)
        # A server whose subnet has no router to the pool's network.
        net2 = self.ok(self.post(test_network_l3.V2 + '/networks', {
            'network': {'name': 'net2'}}), 'network')
        self.ok(self.post(test_network_l3.V2 + '/subnets', {'subnet': {
            'network_id': net2['id'], 'cidr': '10.2.0.0/24',
            'ip_version': 4}}), 'subnet')
        other = self.create_server(networks=[{'uuid': net2['id']}])
        self.set_instance(other, host='node1', vm_state='active')
        network_api.allocate_for_instance(
            self.api.admin_context, types.SimpleNamespace(uuid=other))
        second = self.post(FIPS, {'pool': 'public'}).json['floating_ip']
        resp = self.action(other, 'addFloatingIp', {'address': second['ip']})
        self.assertEqual(400, resp.status_code)
        self.assertIn('Unable to associate', resp.get_data(as_text=True))
