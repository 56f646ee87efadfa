"""Project networks, subnets and ports through the Networking API
(doc/network-api.md): create, update, delete, IPAM and its errors,
visibility, quotas."""
from unittest import mock

from nova_lite.db import ports as port_db
from tests.unit.api import fakes
from tests.unit.api import network_fakes

V2 = network_fakes.V2


class ProjectNetworkTestCase(network_fakes.NetworkAPITestCase):

    def network(self, headers=None, **attrs):
        resp = self.post(V2 + '/networks', {'network': dict(
            {'name': 'net1'}, **attrs)}, headers)
        self.assertEqual(201, resp.status_code, resp.json)
        return resp.json['network']

    def subnet(self, network_id, cidr='10.1.0.0/24', headers=None,
               **attrs):
        resp = self.post_subnet(network_id, cidr, headers, **attrs)
        self.assertEqual(201, resp.status_code, resp.json)
        return resp.json['subnet']

    def post_subnet(self, network_id, cidr, headers=None, **attrs):
        return self.post(V2 + '/subnets', {'subnet': dict(
            {'network_id': network_id, 'cidr': cidr, 'ip_version': 4},
            **attrs)}, headers)

    def port(self, network_id, headers=None, **attrs):
        resp = self.post_port(network_id, headers, **attrs)
        self.assertEqual(201, resp.status_code, resp.json)
        return resp.json['port']

    def post_port(self, network_id, headers=None, **attrs):
        return self.post(V2 + '/ports', {'port': dict(
            {'network_id': network_id}, **attrs)}, headers)


class NetworksTest(ProjectNetworkTestCase):

    def test_create_show_update_delete(self):
        net = self.network(description='d', mtu=1400)
        self.assertEqual(
            ('net1', 'ACTIVE', True, False, False, 1400, 'd', [],
             fakes.PROJECT, 0),
            (net['name'], net['status'], net['admin_state_up'],
             net['shared'], net['router:external'], net['mtu'],
             net['description'], net['subnets'], net['project_id'],
             net['revision_number']))
        self.assertEqual(net, self.get(V2 + '/networks/' + net['id']).json[
            'network'])
        updated = self.put(V2 + '/networks/' + net['id'], {'network': {
            'name': 'renamed', 'admin_state_up': False}}).json['network']
        self.assertEqual(('renamed', False, 1), (
            updated['name'], updated['admin_state_up'],
            updated['revision_number']))
        self.assertEqual(204, self.delete(V2 + '/networks/' + net['id'])
                         .status_code)
        self.assertNeutronError(self.get(V2 + '/networks/' + net['id']),
                                404, 'NetworkNotFound')

    def test_visibility(self):
        own = self.network()
        shared = self.network(fakes.ADMIN, name='pub', shared=True)
        self.assertNeutronError(self.get(V2 + '/networks/' + own['id'],
                                         fakes.OTHER), 404,
                                'NetworkNotFound')
        names = {n['name'] for n in self.get(V2 + '/networks', fakes.OTHER)
                 .json['networks']}
        self.assertEqual({fakes.NETWORK_LABEL, 'pub'}, names)
        self.assertTrue(self.get(V2 + '/networks/' + shared['id'],
                                 fakes.OTHER).json['network']['shared'])
        self.assertNeutronError(self.delete(V2 + '/networks/' + shared['id'],
                                            fakes.OTHER), 403,
                                'PolicyNotAuthorized')

    def test_admin_only_attributes_and_bad_input(self):
        self.assertNeutronError(
            self.post(V2 + '/networks', {'network': {'shared': True}}), 403,
            'PolicyNotAuthorized', 'create_network:shared')
        self.assertNeutronError(
            self.post(V2 + '/networks', {'network': {
                'router:external': True}}), 403, 'PolicyNotAuthorized')
        self.assertTrue(self.network(fakes.ADMIN, **{
            'router:external': True})['router:external'])
        for body in ({'mtu': 10}, {'admin_state_up': 'x'}, {'status': 'UP'},
                     {'name': 'x' * 256}):
            self.assertNeutronError(self.post(V2 + '/networks', {
                'network': body}), 400, 'HTTPBadRequest')

    def test_bulk_create_is_all_or_nothing(self):
        resp = self.post(V2 + '/networks', {'networks': [
            {'name': 'a'}, {'name': 'b'}]})
        self.assertEqual(201, resp.status_code, resp.json)
        self.assertEqual(['a', 'b'], [n['name']
                                      for n in resp.json['networks']])
        self.assertNeutronError(self.post(V2 + '/networks', {'networks': [
            {'name': 'c'}, {'name': 'd', 'mtu': 1}]}), 400,
            'HTTPBadRequest')
        self.assertEqual([], self.get(V2 + '/networks?name=c').json[
            'networks'])
        self.assertNeutronError(self.post(V2 + '/networks', {
            'networks': []}), 400, 'HTTPBadRequest')
        net = resp.json['networks'][0]['id']
        resp = self.post(V2 + '/subnets', {'subnets': [
            {'network_id': net, 'cidr': '10.3.0.0/24', 'ip_version': 4},
            {'network_id': net, 'cidr': '10.4.0.0/24', 'ip_version': 4}]})
        self.assertEqual(201, resp.status_code, resp.json)
        resp = self.post(V2 + '/ports', {'ports': [
            {'network_id': net}, {'network_id': net, 'name': 'p2'}]})
        self.assertEqual(['', 'p2'], [p['name'] for p in resp.json['ports']])

    def test_in_use(self):
        net = self.network()
        self.subnet(net['id'])
        port = self.port(net['id'])
        self.assertNeutronError(self.delete(V2 + '/networks/' + net['id']),
                                409, 'NetworkInUse', net['id'])
        self.assertEqual(204, self.delete(V2 + '/ports/' + port['id'])
                         .status_code)
        self.assertEqual(204, self.delete(V2 + '/networks/' + net['id'])
                         .status_code)
        self.assertEqual([], self.get(V2 + '/subnets?network_id='
                                      + net['id']).json['subnets'])


class SubnetsTest(ProjectNetworkTestCase):

    def test_defaults(self):
        net = self.network()
        sub = self.subnet(net['id'], dns_nameservers=['192.0.2.53'])
        self.assertEqual(
            ('10.1.0.1', [{'start': '10.1.0.2', 'end': '10.1.0.254'}],
             ['192.0.2.53'], [], True, 4, net['id']),
            (sub['gateway_ip'], sub['allocation_pools'],
             sub['dns_nameservers'], sub['host_routes'], sub['enable_dhcp'],
             sub['ip_version'], sub['network_id']))
        self.assertEqual([sub['id']], self.get(
            V2 + '/networks/' + net['id']).json['network']['subnets'])
        no_gateway = self.subnet(net['id'], '10.2.0.0/29', gateway_ip=None)
        self.assertEqual((None, [{'start': '10.2.0.1', 'end': '10.2.0.6'}]),
                         (no_gateway['gateway_ip'],
                          no_gateway['allocation_pools']))

    def test_update_and_delete(self):
        net = self.network()
        sub = self.subnet(net['id'])
        resp = self.put(V2 + '/subnets/' + sub['id'], {'subnet': {
            'name': 's', 'enable_dhcp': False, 'host_routes': [
                {'destination': '10.9.0.0/16', 'nexthop': '10.1.0.9'}]}})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(('s', False, 1), (
            resp.json['subnet']['name'], resp.json['subnet']['enable_dhcp'],
            resp.json['subnet']['revision_number']))
        self.assertNeutronError(self.put(V2 + '/subnets/' + sub['id'], {
            'subnet': {'cidr': '10.3.0.0/24'}}), 400, 'HTTPBadRequest')
        port = self.port(net['id'])
        self.assertNeutronError(self.delete(V2 + '/subnets/' + sub['id']),
                                409, 'SubnetInUse')
        self.delete(V2 + '/ports/' + port['id'])
        self.assertEqual(204, self.delete(V2 + '/subnets/' + sub['id'])
                         .status_code)

    def test_invalid(self):
        net = self.network()['id']
        self.subnet(net, '10.1.0.0/24')
        cases = [
            (('10.1.0.0/16', {}), 400, 'HTTPBadRequest', 'overlaps'),
            (('10.5.0.1/24', {}), 400, 'HTTPBadRequest', '10.5.0.0/24'),
            (('nope', {}), 400, 'HTTPBadRequest', None),
            (('10.5.0.0/24', {'ip_version': 6}), 400, 'HTTPBadRequest', None),
            (('10.5.0.0/24', {'gateway_ip': '10.6.0.1'}), 400,
             'HTTPBadRequest', 'Gateway'),
            (('10.5.0.0/24', {'allocation_pools': [
                {'start': '10.5.0.10', 'end': '10.5.0.5'}]}), 400,
             'InvalidAllocationPool', None),
            (('10.5.0.0/24', {'allocation_pools': [
                {'start': '10.5.0.10', 'end': '10.5.1.5'}]}), 400,
             'InvalidAllocationPool', None),
            (('10.5.0.0/24', {'allocation_pools': [
                {'start': '10.5.0.2', 'end': '10.5.0.9'},
                {'start': '10.5.0.9', 'end': '10.5.0.20'}]}), 400,
             'OverlappingAllocationPools', None),
            (('10.5.0.0/24', {'allocation_pools': [
                {'start': '10.5.0.1', 'end': '10.5.0.9'}]}), 409,
             'GatewayConflictWithAllocationPools', None),
            (('10.5.0.0/24', {'dns_nameservers': ['x']}), 400,
             'HTTPBadRequest', None),
        ]
        for (cidr, extra), code, error, text in cases:
            self.assertNeutronError(self.post_subnet(net, cidr, **extra),
                                    code, error, text)
        self.assertNeutronError(self.post_subnet(
            net, '10.7.0.0/24', fakes.OTHER), 404, 'NetworkNotFound')

    def test_the_flat_subnet_cannot_change(self):
        (flat,) = self.get(V2 + '/subnets').json['subnets']
        self.assertNeutronError(self.put(V2 + '/subnets/' + flat['id'], {
            'subnet': {'name': 'x'}}, fakes.ADMIN), 400, 'HTTPBadRequest')


class PortsTest(ProjectNetworkTestCase):

    def setUp(self):
        super().setUp()
        self.net = self.network()
        self.sub = self.subnet(self.net['id'], '10.1.0.0/29',
                               allocation_pools=[{'start': '10.1.0.2',
                                                  'end': '10.1.0.4'}])

    def test_create_allocates_from_the_pool(self):
        port = self.port(self.net['id'], name='p1')
        default = self.get(network_fakes.SG + '?name=default').json[
            'security_groups'][0]['id']
        (fixed,) = port['fixed_ips']
        self.assertEqual(self.sub['id'], fixed['subnet_id'])
        self.assertIn(fixed['ip_address'], {'10.1.0.2', '10.1.0.3',
                                            '10.1.0.4'})
        self.assertEqual(('p1', 'DOWN', '', '', [default], fakes.PROJECT),
                         (port['name'], port['status'], port['device_id'],
                          port['device_owner'], port['security_groups'],
                          port['project_id']))
        self.assertTrue(port['mac_address'].startswith('fa:16:3e:'))
        self.assertEqual(port, self.get(V2 + '/ports/' + port['id'])
                         .json['port'])

    def test_fixed_ips_and_their_errors(self):
        port = self.port(self.net['id'], fixed_ips=[
            {'ip_address': '10.1.0.6'}])
        self.assertEqual([{'subnet_id': self.sub['id'],
                           'ip_address': '10.1.0.6'}], port['fixed_ips'])
        self.assertNeutronError(self.post_port(self.net['id'], fixed_ips=[
            {'subnet_id': self.sub['id'], 'ip_address': '10.1.0.6'}]),
            409, 'IpAddressAlreadyAllocated', '10.1.0.6')
        self.assertNeutronError(self.post_port(self.net['id'], fixed_ips=[
            {'subnet_id': self.sub['id'], 'ip_address': '10.1.0.7'}]),
            400, 'InvalidIpForSubnet')
        self.assertNeutronError(self.post_port(self.net['id'], fixed_ips=[
            {'ip_address': '10.9.0.7'}]), 400, 'InvalidIpForNetwork')
        for _ in range(3):
            self.port(self.net['id'])
        self.assertNeutronError(self.post_port(self.net['id']), 409,
                                'IpAddressGenerationFailure')

    def test_update_fixed_ips_and_mac(self):
        port = self.port(self.net['id'], mac_address='fa:16:3e:00:00:01',
                         fixed_ips=[{'ip_address': '10.1.0.2'}])
        resp = self.put(V2 + '/ports/' + port['id'], {'port': {
            'fixed_ips': [{'ip_address': '10.1.0.2'},
                          {'ip_address': '10.1.0.5'}]}})
        self.assertEqual(['10.1.0.2', '10.1.0.5'], [
            f['ip_address'] for f in resp.json['port']['fixed_ips']])
        resp = self.put(V2 + '/ports/' + port['id'], {'port': {
            'fixed_ips': [{'ip_address': '10.1.0.5'}]}})
        self.assertEqual(['10.1.0.5'], [
            f['ip_address'] for f in resp.json['port']['fixed_ips']])
        self.port(self.net['id'], fixed_ips=[{'ip_address': '10.1.0.2'}])
        self.assertNeutronError(self.post_port(
            self.net['id'], mac_address='fa:16:3e:00:00:01'), 409,
            'MacAddressInUse')
        self.assertNeutronError(self.post_port(
            self.net['id'], mac_address='01:00:00:00:00:01'), 400,
            'HTTPBadRequest')

    def test_concurrent_taker_of_an_address_loses_it_to_the_database(self):
        """The first pick is blind, later ones from addresses read as
        free; one taken meanwhile fails its INSERT (unique constraint):
        the port create is tried again with the free addresses read
        anew, never a duplicate."""
        taken = self.port(self.net['id'], fixed_ips=[
            {'ip_address': '10.1.0.2'}])['fixed_ips'][0]['ip_address']
        real = port_db._free_addresses
        reads = []

        def stale_then_real(session, subnet):
            reads.append(subnet['uuid'])
            return [taken] if len(reads) == 1 else real(session, subnet)
        with mock.patch.object(port_db, '_free_addresses',
                               side_effect=stale_then_real), \
                mock.patch.object(port_db, '_random_pool_address',
                                  return_value=taken):
            port = self.port(self.net['id'])
        # A blind pick of the taken address, a stale read, a real one.
        self.assertEqual(2, len(reads))
        self.assertIn(port['fixed_ips'][0]['ip_address'],
                      {'10.1.0.3', '10.1.0.4'})
        self.assertEqual(2, len(self.get(V2 + '/ports').json['ports']))

    def test_port_on_someone_elses_network_is_a_404(self):
        self.assertNeutronError(self.post_port(self.net['id'], fakes.OTHER),
                                404, 'NetworkNotFound')
        self.assertNeutronError(self.post_port('nope'), 404,
                                'NetworkNotFound')


class QuotasTest(ProjectNetworkTestCase):

    def test_port_and_network_quotas(self):
        path = V2 + '/quotas/' + fakes.PROJECT
        self.assertEqual({'network': 100, 'subnet': 100, 'port': 500,
                          'router': 10, 'floatingip': 50},
                         self.get(path).json['quota'])
        self.assertNeutronError(self.put(path, {'quota': {'port': 1}}), 403,
                                'PolicyNotAuthorized')
        resp = self.put(path, {'quota': {'port': 1, 'network': 1}},
                        fakes.ADMIN)
        self.assertEqual({'network': 1, 'subnet': 100, 'port': 1,
                          'router': 10, 'floatingip': 50},
                         resp.json['quota'])
        net = self.network()
        self.subnet(net['id'])
        self.assertNeutronError(self.post(V2 + '/networks', {
            'network': {}}), 409, 'OverQuota', 'network')
        self.port(net['id'])
        self.assertNeutronError(self.post_port(net['id']), 409, 'OverQuota',
                                'port')
        self.assertNeutronError(self.put(path, {'quota': {'ram': 1}},
                                         fakes.ADMIN), 400, 'HTTPBadRequest')
        self.assertEqual(204, self.delete(path, fakes.ADMIN).status_code)
        self.assertEqual(500, self.get(path).json['quota']['port'])


class SharedNetworkPortsTest(ProjectNetworkTestCase):

    def test_only_the_network_owner_chooses_addresses_and_macs(self):
        shared = self.network(fakes.ADMIN, name='pub', shared=True)
        self.subnet(shared['id'], '10.5.0.0/28', fakes.ADMIN)
        port = self.port(shared['id'], fakes.OTHER)
        self.assertEqual('project-b', port['project_id'])
        # An address the first port did not get (it is picked at random).
        wanted = next(a for a in ('10.5.0.9', '10.5.0.10')
                      if a != port['fixed_ips'][0]['ip_address'])
        self.assertNeutronError(self.post_port(
            shared['id'], fakes.OTHER, fixed_ips=[
                {'ip_address': wanted}]), 403, 'PolicyNotAuthorized',
            'create_port:fixed_ips:ip_address')
        self.assertNeutronError(self.post_port(
            shared['id'], fakes.OTHER, mac_address='fa:16:3e:00:00:09'),
            403, 'PolicyNotAuthorized', 'create_port:mac_address')
        self.assertEqual(wanted, self.port(shared['id'], fakes.ADMIN,
                                           fixed_ips=[{
                                               'ip_address': wanted
                                           }])['fixed_ips'][0]['ip_address'])
        own = self.network()
        self.subnet(own['id'], '10.6.0.0/28')
        self.port(own['id'], fixed_ips=[{'ip_address': '10.6.0.9'}],
                  mac_address='fa:16:3e:00:00:0a')
