"""Routers and floating IPs through the Networking API
(doc/network-api.md, "Routers and floating IPs"): create, associate,
disassociate, delete, their errors, quotas, and the NAT casts to the
compute of the port's server."""
import types

import fixtures

from nova_lite.network import api as network_api
from tests.unit.api import fakes
from tests.unit.api import network_fakes

V2 = network_fakes.V2
FIPS = V2 + '/floatingips'
ROUTERS = V2 + '/routers'


class L3TestCase(network_fakes.NetworkAPITestCase):

    def setUp(self):
        super().setUp()
        self.cast = self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.rpcapi.ComputeAPI.set_floating_ips')).mock
        self.public = self.ok(self.post(V2 + '/networks', {'network': {
            'name': 'public', 'router:external': True}}, fakes.ADMIN),
            'network')
        self.public_subnet = self.ok(self.post(V2 + '/subnets', {'subnet': {
            'network_id': self.public['id'], 'cidr': '172.24.4.0/24',
            'ip_version': 4}}, fakes.ADMIN), 'subnet')
        self.net = self.ok(self.post(V2 + '/networks', {'network': {
            'name': 'net1'}}), 'network')
        self.subnet = self.ok(self.post(V2 + '/subnets', {'subnet': {
            'network_id': self.net['id'], 'cidr': '10.1.0.0/24',
            'ip_version': 4}}), 'subnet')

    def ok(self, resp, key, code=None):
        self.assertEqual(code or (201 if resp.request.method == 'POST'
                                  else 200), resp.status_code,
                         resp.get_data(as_text=True))
        return resp.json[key]

    def router(self, gateway=True, headers=None, **attrs):
        if gateway:
            attrs['external_gateway_info'] = {'network_id':
                                              self.public['id']}
        return self.ok(self.post(ROUTERS, {'router': dict(
            {'name': 'r1'}, **attrs)}, headers), 'router')

    def interface(self, router_id, verb='add', **body):
        return self.put('%s/%s/%s_router_interface' % (ROUTERS, router_id,
                                                       verb), body)

    def port(self, network_id=None, headers=None):
        return self.ok(self.post(V2 + '/ports', {'port': {
            'network_id': network_id or self.net['id']}}, headers), 'port')

    def fip(self, headers=None, **attrs):
        return self.ok(self.post(FIPS, {'floatingip': dict(
            floating_network_id=self.public['id'], **attrs)}, headers),
            'floatingip')

    def wired(self):
        """A router from the project's subnet to public, and a port."""
        router = self.router()
        self.assertEqual(200, self.interface(
            router['id'], subnet_id=self.subnet['id']).status_code)
        return router, self.port()


class RouterTest(L3TestCase):

    def test_create_show_update_delete(self):
        router = self.router()
        gateway = router['external_gateway_info']
        self.assertEqual(self.public['id'], gateway['network_id'])
        self.assertEqual(self.public_subnet['id'],
                         gateway['external_fixed_ips'][0]['subnet_id'])
        self.assertEqual(('r1', 'ACTIVE', True, fakes.PROJECT), (
            router['name'], router['status'], router['admin_state_up'],
            router['project_id']))
        self.assertEqual(router, self.get(ROUTERS + '/' + router['id'])
                         .json['router'])
        updated = self.ok(self.put(ROUTERS + '/' + router['id'], {
            'router': {'name': 'r2', 'external_gateway_info': None}}),
            'router')
        self.assertEqual(('r2', None), (updated['name'],
                                        updated['external_gateway_info']))
        self.assertEqual([router['id']], [
            r['id'] for r in self.get(ROUTERS).json['routers']])
        self.assertEqual([], self.get(ROUTERS, fakes.OTHER).json['routers'])
        self.assertNeutronError(self.get(ROUTERS + '/' + router['id'],
                                         fakes.OTHER), 404, 'RouterNotFound')
        self.assertEqual(204, self.delete(ROUTERS + '/' + router['id'])
                         .status_code)
        self.assertNeutronError(self.get(ROUTERS + '/' + router['id']),
                                404, 'RouterNotFound')

    def test_gateway_must_be_external(self):
        resp = self.post(ROUTERS, {'router': {'external_gateway_info': {
            'network_id': self.net['id']}}})
        self.assertNeutronError(resp, 400, 'HTTPBadRequest',
                                'is not an external network')
        self.assertNeutronError(self.post(ROUTERS, {'router': {
            'external_gateway_info': {'network_id': 'nope'}}}), 404,
            'NetworkNotFound')
        self.assertEqual([], self.get(ROUTERS).json['routers'])

    def test_interfaces(self):
        router = self.router()
        added = self.ok(self.interface(router['id'],
                                       subnet_id=self.subnet['id']), 'id',
                        200)
        self.assertEqual(router['id'], added)
        ports = self.get(V2 + '/ports?device_id=' + router['id']).json[
            'ports']
        self.assertEqual([('network:router_interface', '10.1.0.1',
                           'ACTIVE')], [
            (p['device_owner'], p['fixed_ips'][0]['ip_address'],
             p['status']) for p in ports])
        self.assertNeutronError(self.interface(
            router['id'], subnet_id=self.subnet['id']), 400,
            'HTTPBadRequest', 'already has a port on subnet')
        self.assertNeutronError(self.delete(ROUTERS + '/' + router['id']),
                                409, 'RouterInUse')
        self.assertNeutronError(self.delete(V2 + '/ports/'
                                            + ports[0]['id']), 409,
                                'L3PortInUse')
        self.assertNeutronError(self.delete(V2 + '/subnets/'
                                            + self.subnet['id']), 409,
                                'SubnetInUse')
        removed = self.ok(self.interface(router['id'], 'remove',
                                         subnet_id=self.subnet['id']),
                          'port_id', 200)
        self.assertEqual(ports[0]['id'], removed)
        self.assertNeutronError(self.interface(
            router['id'], 'remove', subnet_id=self.subnet['id']), 404,
            'RouterInterfaceNotFoundForSubnet')
        self.assertNeutronError(self.interface(
            router['id'], 'remove', port_id=ports[0]['id']), 404,
            'RouterInterfaceNotFound')
        self.assertEqual(204, self.delete(ROUTERS + '/' + router['id'])
                         .status_code)

    def test_interface_by_port(self):
        router = self.router(gateway=False)
        port = self.port()
        info = self.ok(self.interface(router['id'], port_id=port['id']),
                       'subnet_ids', 200)
        self.assertEqual([self.subnet['id']], info)
        shown = self.get(V2 + '/ports/' + port['id']).json['port']
        self.assertEqual((router['id'], 'network:router_interface'),
                         (shown['device_id'], shown['device_owner']))
        self.assertNeutronError(self.interface(router['id'],
                                               port_id=port['id']),
                                409, 'PortInUse')
        self.assertNeutronError(self.interface(router['id']), 400,
                                'HTTPBadRequest', 'Either subnet_id')
        self.assertNeutronError(self.interface(
            router['id'], port_id=port['id'], subnet_id='x'), 400,
            'HTTPBadRequest', 'both')

    def test_quota(self):
        self.ok(self.put(V2 + '/quotas/' + fakes.PROJECT, {'quota': {
            'router': 1}}, fakes.ADMIN), 'quota')
        self.router(gateway=False)
        self.assertNeutronError(self.post(ROUTERS, {'router': {}}), 409,
                                'OverQuota')


class FloatingIPTest(L3TestCase):

    def test_create_associate_disassociate_delete(self):
        router, port = self.wired()
        fip = self.fip()
        self.assertEqual(('DOWN', None, None, None, fakes.PROJECT), (
            fip['status'], fip['port_id'], fip['fixed_ip_address'],
            fip['router_id'], fip['project_id']))
        self.assertIn(fip['floating_ip_address'],
                      ['172.24.4.%d' % i for i in range(2, 255)])
        fixed = port['fixed_ips'][0]['ip_address']
        done = self.ok(self.put(FIPS + '/' + fip['id'], {'floatingip': {
            'port_id': port['id']}}), 'floatingip')
        self.assertEqual(('ACTIVE', port['id'], fixed, router['id'], 1), (
            done['status'], done['port_id'], done['fixed_ip_address'],
            done['router_id'], done['revision_number']))
        self.assertEqual(done, self.get(FIPS + '/' + fip['id']).json[
            'floatingip'])
        self.assertEqual([fip['id']], [f['id'] for f in self.get(
            FIPS + '?port_id=' + port['id']).json['floatingips']])
        self.assertNeutronError(self.put(
            ROUTERS + '/' + router['id'], {'router': {
                'external_gateway_info': {}}}), 409,
            'RouterExternalGatewayInUseByFloatingIp')
        self.assertNeutronError(self.interface(
            router['id'], 'remove', subnet_id=self.subnet['id']), 409,
            'RouterInterfaceInUseByFloatingIP')
        undone = self.ok(self.put(FIPS + '/' + fip['id'], {'floatingip': {
            'port_id': None}}), 'floatingip')
        self.assertEqual(('DOWN', None, None, None), (
            undone['status'], undone['port_id'], undone['fixed_ip_address'],
            undone['router_id']))
        self.assertEqual(204, self.delete(FIPS + '/' + fip['id'])
                         .status_code)
        self.assertNeutronError(self.get(FIPS + '/' + fip['id']), 404,
                                'FloatingIPNotFound')
        # Its address is free again: only the router's gateway is left.
        self.assertEqual(['network:router_gateway'], [
            p['device_owner'] for p in self.get(
                V2 + '/ports?network_id=' + self.public['id'],
                fakes.ADMIN).json['ports']])

    def test_create_associated(self):
        router, port = self.wired()
        fip = self.fip(port_id=port['id'], description='web')
        self.assertEqual(('ACTIVE', router['id'], 'web'), (
            fip['status'], fip['router_id'], fip['description']))

    def test_no_router_to_the_network(self):
        port = self.port()
        self.assertNeutronError(self.post(FIPS, {'floatingip': {
            'floating_network_id': self.public['id'],
            'port_id': port['id']}}), 404,
            'ExternalGatewayForFloatingIPNotFound', self.subnet['id'])
        # The failed create left nothing behind.
        self.assertEqual([], self.get(FIPS).json['floatingips'])
        router = self.router(gateway=False)
        self.interface(router['id'], subnet_id=self.subnet['id'])
        fip = self.fip()
        self.assertNeutronError(self.put(FIPS + '/' + fip['id'], {
            'floatingip': {'port_id': port['id']}}), 404,
            'ExternalGatewayForFloatingIPNotFound')

    def test_bad_requests(self):
        _router, port = self.wired()
        for body, code, kind, part in (
                ({}, 400, 'HTTPBadRequest', 'network id'),
                ({'floating_network_id': self.net['id']}, 400,
                 'HTTPBadRequest', 'not a valid external network'),
                ({'floating_network_id': 'nope'}, 404, 'NetworkNotFound',
                 None),
                ({'floating_network_id': self.public['id'],
                  'port_id': 'nope'}, 404, 'PortNotFound', None),
                ({'floating_network_id': self.public['id'],
                  'port_id': port['id'], 'fixed_ip_address': '10.9.9.9'},
                 400, 'HTTPBadRequest', 'does not have fixed ip'),
                ({'floating_network_id': self.public['id'],
                  'floating_ip_address': '172.24.4.7'}, 403,
                 'PolicyNotAuthorized', None),
                ({'floating_network_id': self.public['id'], 'x': 1}, 400,
                 'HTTPBadRequest', 'Unrecognized')):
            self.assertNeutronError(self.post(FIPS, {'floatingip': body}),
                                    code, kind, part)
        self.assertEqual([], self.get(FIPS).json['floatingips'])
        other = self.port(headers=fakes.OTHER, network_id=self.public['id'])
        fip = self.fip()
        self.assertNeutronError(self.put(FIPS + '/' + fip['id'], {
            'floatingip': {'port_id': other['id']}}), 404, 'PortNotFound')
        self.assertNeutronError(self.get(FIPS + '/' + fip['id'],
                                         fakes.OTHER), 404,
                                'FloatingIPNotFound')

    def test_chosen_address_and_conflicts(self):
        _router, port = self.wired()
        fip = self.fip(fakes.ADMIN, floating_ip_address='172.24.4.7',
                       project_id=fakes.PROJECT)
        self.assertEqual('172.24.4.7', fip['floating_ip_address'])
        self.assertNeutronError(self.post(FIPS, {'floatingip': {
            'floating_network_id': self.public['id'],
            'floating_ip_address': '172.24.4.7'}}, fakes.ADMIN), 409,
            'IpAddressAlreadyAllocated')
        self.assertNeutronError(self.post(FIPS, {'floatingip': {
            'floating_network_id': self.public['id'],
            'floating_ip_address': '10.0.0.7'}}, fakes.ADMIN), 400,
            'InvalidIpForNetwork')
        self.fip(port_id=port['id'])
        self.assertNeutronError(self.put(FIPS + '/' + fip['id'], {
            'floatingip': {'port_id': port['id']}}), 409,
            'FloatingIPPortAlreadyAssociated')
        self.assertNeutronError(self.delete(V2 + '/ports/' + self.get(
            V2 + '/ports?device_id=' + fip['id'], fakes.ADMIN).json[
            'ports'][0]['id'], fakes.ADMIN), 409, 'L3PortInUse')

    def test_quota(self):
        self.ok(self.put(V2 + '/quotas/' + fakes.PROJECT, {'quota': {
            'floatingip': 1}}, fakes.ADMIN), 'quota')
        self.assertEqual(1, self.get(V2 + '/quotas/' + fakes.PROJECT)
                         .json['quota']['floatingip'])
        self.fip()
        self.assertNeutronError(self.post(FIPS, {'floatingip': {
            'floating_network_id': self.public['id']}}), 409, 'OverQuota')

    def test_deleting_the_port_disassociates(self):
        _router, port = self.wired()
        fip = self.fip(port_id=port['id'])
        self.assertEqual(204, self.delete(V2 + '/ports/' + port['id'])
                         .status_code)
        self.assertEqual(('DOWN', None), (
            self.get(FIPS + '/' + fip['id']).json['floatingip']['status'],
            self.get(FIPS + '/' + fip['id']).json['floatingip']['port_id']))


class FloatingIPNatCastTest(L3TestCase):
    """The server's compute gets its current mappings on each change."""

    def server_port(self):
        _router, port = self.wired()
        server_id = self.create_server(networks=[{'port': port['id']}])
        self.set_instance(server_id, host='node1', vm_state='active')
        network_api.allocate_for_instance(
            self.api.admin_context, types.SimpleNamespace(uuid=server_id))
        return server_id, port

    def test_associate_disassociate_delete_server(self):
        server_id, port = self.server_port()
        fip = self.fip(port_id=port['id'])
        fixed = port['fixed_ips'][0]['ip_address']
        mapping = [{'floating_ip_address': fip['floating_ip_address'],
                    'fixed_ip_address': fixed}]
        self.cast.assert_called_once_with(
            self.cast.call_args[0][0], 'node1', server_id, mapping)
        self.cast.reset_mock()
        self.put(FIPS + '/' + fip['id'], {'floatingip': {'port_id': None}})
        self.cast.assert_called_once_with(
            self.cast.call_args[0][0], 'node1', server_id, [])
        self.put(FIPS + '/' + fip['id'], {'floatingip': {
            'port_id': port['id']}})
        self.cast.reset_mock()
        network_api.deallocate_for_instance(self.api.admin_context,
                                            server_id)
        self.cast.assert_called_once_with(
            self.cast.call_args[0][0], 'node1', server_id, [])
        # A user's port stays with its floating IP after the server.
        self.assertEqual(port['id'], self.get(FIPS + '/' + fip['id']).json[
            'floatingip']['port_id'])

    def test_port_without_server_casts_nothing(self):
        _router, port = self.wired()
        fip = self.fip(port_id=port['id'])
        self.delete(FIPS + '/' + fip['id'])
        self.cast.assert_not_called()


class ExternalNetworkBootstrapTest(network_fakes.NetworkAPITestCase):
    """``nova-lite-manage network create-external`` (the lab's and
    Tempest's ``public``)."""

    def test_idempotent(self):
        from nova_lite import bootstrap
        ctx = self.api.admin_context
        made = bootstrap.ensure_external_network(
            ctx, 'public', '172.24.4.0/24', ('172.24.4.100', '172.24.4.199'))
        again = bootstrap.ensure_external_network(ctx, 'public',
                                                  '172.24.4.0/24')
        self.assertEqual(made['uuid'], again['uuid'])
        shown = self.get(V2 + '/networks/' + made['uuid']).json['network']
        self.assertTrue(shown['router:external'])
        subnet = self.get(V2 + '/subnets/' + shown['subnets'][0]).json[
            'subnet']
        self.assertEqual(('172.24.4.1', [{'start': '172.24.4.100',
                                          'end': '172.24.4.199'}]),
                         (subnet['gateway_ip'], subnet['allocation_pools']))


class FixedIPChangeTest(L3TestCase):

    def test_changing_the_fixed_ip_disassociates(self):
        _router, port = self.wired()
        fip = self.fip(port_id=port['id'])
        resp = self.put(V2 + '/ports/' + port['id'], {'port': {
            'fixed_ips': [{'subnet_id': self.subnet['id'],
                           'ip_address': '10.1.0.77'}]}})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual((None, None), (
            self.get(FIPS + '/' + fip['id']).json['floatingip']['port_id'],
            self.get(FIPS + '/' + fip['id']).json['floatingip'][
                'fixed_ip_address']))


class OverlapTest(L3TestCase):

    def test_overlapping_interfaces_are_refused(self):
        router = self.router(gateway=False)
        self.assertEqual(200, self.interface(
            router['id'], subnet_id=self.subnet['id']).status_code)
        net2 = self.ok(self.post(V2 + '/networks', {'network': {
            'name': 'net2'}}), 'network')
        same = self.ok(self.post(V2 + '/subnets', {'subnet': {
            'network_id': net2['id'], 'cidr': '10.1.0.0/25',
            'ip_version': 4}}), 'subnet')
        self.assertNeutronError(self.interface(router['id'],
                                               subnet_id=same['id']),
                                400, 'HTTPBadRequest', 'overlaps')
        # Another router may have it.
        other = self.router(gateway=False)
        self.assertEqual(200, self.interface(
            other['id'], subnet_id=same['id']).status_code)

    def test_route_flat_and_delete(self):
        from nova_lite import bootstrap
        ctx = self.api.admin_context
        public = bootstrap.ensure_external_network(
            ctx, 'public', '172.24.4.0/24', route_flat=True)
        bootstrap.ensure_external_network(ctx, 'public', '172.24.4.0/24',
                                          route_flat=True)
        routers = self.get(V2 + '/routers', fakes.ADMIN).json['routers']
        self.assertEqual(['public-router'], [r['name'] for r in routers])
        # A server's port on the flat network may have a floating IP.
        flat = [n for n in self.get(V2 + '/networks').json['networks']
                if n['name'] == fakes.NETWORK_LABEL][0]
        port = self.ok(self.post(V2 + '/ports', {'port': {
            'network_id': flat['id']}}), 'port')
        fip = self.ok(self.post(FIPS, {'floatingip': {
            'floating_network_id': public['uuid'],
            'port_id': port['id']}}), 'floatingip')
        self.assertEqual(routers[0]['id'], fip['router_id'])


class ExternalNetworkDeleteTest(L3TestCase):

    def test_floating_ips_go_with_the_network(self):
        net = self.ok(self.post(V2 + '/networks', {'network': {
            'name': 'ext2', 'router:external': True}}, fakes.ADMIN),
            'network')
        self.ok(self.post(V2 + '/subnets', {'subnet': {
            'network_id': net['id'], 'cidr': '172.24.5.0/24',
            'ip_version': 4}}, fakes.ADMIN), 'subnet')
        fip = self.ok(self.post(FIPS, {'floatingip': {
            'floating_network_id': net['id']}}), 'floatingip')
        self.assertEqual(204, self.delete(V2 + '/networks/' + net['id'],
                                          fakes.ADMIN).status_code)
        self.assertNeutronError(self.get(FIPS + '/' + fip['id']), 404,
                                'FloatingIPNotFound')
