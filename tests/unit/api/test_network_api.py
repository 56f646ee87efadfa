"""The Networking API at ``/network``: version documents, extensions,
networks, subnets and ports (doc/network-api.md), through the full WSGI
pipeline."""
from nova_lite.db import network as network_db
from nova_lite.api.network import versions
from tests.unit.api import fakes
from tests.unit.api import network_fakes

V2 = network_fakes.V2
NETWORK_KEYS = {'id', 'name', 'status', 'admin_state_up', 'shared',
                'router:external', 'subnets', 'mtu', 'tenant_id',
                'project_id', 'description', 'created_at', 'updated_at',
                'revision_number'}
SUBNET_KEYS = {'id', 'name', 'network_id', 'ip_version', 'cidr',
               'gateway_ip', 'allocation_pools', 'dns_nameservers',
               'host_routes', 'enable_dhcp', 'ipv6_ra_mode',
               'ipv6_address_mode', 'subnetpool_id', 'tenant_id',
               'project_id', 'description', 'created_at', 'updated_at',
               'revision_number'}
PORT_KEYS = {'id', 'name', 'network_id', 'mac_address', 'admin_state_up',
             'status', 'device_id', 'device_owner', 'fixed_ips',
             'security_groups', 'binding:vnic_type', 'binding:profile',
             'tenant_id', 'project_id', 'description', 'created_at',
             'updated_at', 'revision_number'}
BINDING_KEYS = {'binding:host_id', 'binding:vif_type', 'binding:vif_details'}


def flat_subnet(network):
    """The stable id of the flat network's subnet."""
    return str(network_db.uuidlib.uuid5(network_db.SUBNET_NAMESPACE,
                                        network['uuid']))


class VersionsTest(network_fakes.NetworkAPITestCase):

    def test_versions_without_token(self):
        for path in ('/network', '/network/'):
            resp = self.get(path, headers={})
            self.assertEqual(200, resp.status_code)
            self.assertEqual({'versions': [{
                'id': 'v2.0', 'status': 'CURRENT', 'links': [{
                    'rel': 'self',
                    'href': 'http://localhost/network/v2.0/'}]}]},
                resp.json)

    def test_v2_needs_a_token(self):
        self.assertEqual(401, self.get(V2, headers={}).status_code)
        self.assertEqual(401, self.get(V2 + '/networks',
                                       headers={}).status_code)

    def test_resources(self):
        resources = self.get(V2).json['resources']
        self.assertEqual(['networks', 'subnets', 'ports', 'security_groups',
                          'security_group_rules', 'routers', 'floatingips'],
                         [r['collection'] for r in resources])
        self.assertEqual('http://localhost/network/v2.0/security-groups',
                         resources[3]['links'][0]['href'])

    def test_extensions_list_what_is_implemented(self):
        listed = self.get(V2 + '/extensions').json['extensions']
        self.assertEqual([e[0] for e in versions.EXTENSIONS],
                         [e['alias'] for e in listed])
        for ext in listed:
            self.assertEqual({'alias', 'name', 'description', 'updated',
                              'links'}, set(ext))
            shown = self.get(V2 + '/extensions/' + ext['alias'])
            self.assertEqual({'extension': ext}, shown.json)

    def test_unknown_extension_and_route(self):
        self.assertNeutronError(self.get(V2 + '/extensions/l3-ha'), 404,
                                'ExtensionNotFound', 'l3-ha')
        self.assertNeutronError(self.get(V2 + '/subnetpools'), 404,
                                'HTTPNotFound')
        self.assertNeutronError(self.api.request('PATCH', V2 + '/networks'),
                                405, 'HTTPMethodNotAllowed')


class NetworksTest(network_fakes.NetworkAPITestCase):

    def test_list_the_flat_network(self):
        (network,) = self.get(V2 + '/networks').json['networks']
        flat = self.api.network
        self.assertEqual(NETWORK_KEYS, set(network))
        self.assertEqual(
            (flat['uuid'], fakes.NETWORK_LABEL, 'ACTIVE', True, True, False,
             [flat_subnet(flat)]),
            (network['id'], network['name'], network['status'],
             network['admin_state_up'], network['shared'],
             network['router:external'], network['subnets']))

    def test_filters_and_fields(self):
        def ids(query):
            resp = self.get(V2 + '/networks?' + query)
            self.assertEqual(200, resp.status_code, resp.json)
            return resp.json['networks']
        flat = self.api.network['uuid']
        self.assertEqual([{'id': flat}], ids('router:external=False'
                                             '&fields=id'))
        self.assertEqual([{'id': flat, 'name': 'private'}],
                         ids('shared=true&fields=id,name'))
        self.assertEqual([], ids('shared=false'))
        self.assertEqual([], ids('name=public'))
        self.assertEqual(1, len(ids('name=public&name=private')))
        self.assertEqual(1, len(ids('no_such_attribute=1')))

    def test_show(self):
        flat = self.api.network['uuid']
        resp = self.get(V2 + '/networks/' + flat + '?fields=mtu')
        self.assertEqual({'network': {'mtu': 1500}}, resp.json)
        self.assertNeutronError(self.get(V2 + '/networks/nope'), 404,
                                'NetworkNotFound', 'nope')

    def test_the_flat_network_cannot_change(self):
        flat = self.api.network['uuid']
        self.assertNeutronError(
            self.put(V2 + '/networks/' + flat, {'network': {'name': 'n'}},
                     fakes.ADMIN), 400, 'HTTPBadRequest', 'not supported')
        self.assertNeutronError(self.delete(V2 + '/networks/' + flat,
                                            fakes.ADMIN), 400,
                                'HTTPBadRequest')
        self.assertNeutronError(self.delete(V2 + '/networks/' + flat), 403,
                                'PolicyNotAuthorized')
        self.assertNeutronError(
            self.post(V2 + '/networks', {'network': {}}, fakes.READER), 403,
            'PolicyNotAuthorized', 'create_network')
        self.assertNeutronError(self.delete(V2 + '/networks/nope'), 404,
                                'NetworkNotFound')

    def test_subnet(self):
        flat = self.api.network
        (subnet,) = self.get(V2 + '/subnets').json['subnets']
        self.assertEqual(SUBNET_KEYS, set(subnet))
        self.assertEqual(
            (flat_subnet(flat), flat['uuid'], 4, flat['cidr'],
             flat['gateway'], True),
            (subnet['id'], subnet['network_id'], subnet['ip_version'],
             subnet['cidr'], subnet['gateway_ip'], subnet['enable_dhcp']))
        # 10.254.0.0/20 without its gateway 10.254.0.1
        self.assertEqual([{'start': '10.254.0.2', 'end': '10.254.15.254'}],
                         subnet['allocation_pools'])
        shown = self.get(V2 + '/subnets/' + subnet['id']).json['subnet']
        self.assertEqual(subnet, shown)
        self.assertEqual([subnet], self.get(
            V2 + '/subnets?network_id=' + flat['uuid']).json['subnets'])
        self.assertNeutronError(self.get(V2 + '/subnets/nope'), 404,
                                'SubnetNotFound')

    def test_allocation_pools_around_a_gateway(self):
        network = {'cidr': '10.0.0.0/29', 'gateway': '10.0.0.3'}
        self.assertEqual([{'start': '10.0.0.1', 'end': '10.0.0.2'},
                          {'start': '10.0.0.4', 'end': '10.0.0.6'}],
                         network_db.host_pools(network['cidr'],
                                               network['gateway']))


class PortsTest(network_fakes.NetworkAPITestCase):

    def test_one_port_per_server_nic(self):
        server_id, fixed = self.boot()
        (port,) = self.get(V2 + '/ports').json['ports']
        self.assertEqual(PORT_KEYS, set(port))
        flat = self.api.network
        default = self.get(network_fakes.SG + '?name=default').json[
            'security_groups'][0]['id']
        self.assertEqual(
            (flat['uuid'], fixed['mac'], 'ACTIVE', server_id, 'compute:nova',
             [{'subnet_id': flat_subnet(flat),
               'ip_address': fixed['address']}], [default],
             fakes.PROJECT),
            (port['network_id'], port['mac_address'], port['status'],
             port['device_id'], port['device_owner'], port['fixed_ips'],
             port['security_groups'], port['project_id']))
        shown = self.get(V2 + '/ports/' + port['id']).json['port']
        self.assertEqual(port, shown)

    def test_filters(self):
        server_id, fixed = self.boot()
        other_id, _ = self.boot()

        def devices(query):
            resp = self.get(V2 + '/ports?' + query)
            self.assertEqual(200, resp.status_code, resp.json)
            return [p['device_id'] for p in resp.json['ports']]
        self.assertEqual([server_id], devices('device_id=' + server_id))
        self.assertEqual([server_id], devices(
            'fixed_ips=ip_address%3D' + fixed['address']))
        self.assertEqual([server_id], devices(
            'mac_address=' + fixed['mac']))
        self.assertEqual({server_id, other_id}, set(devices(
            'network_id=' + self.api.network['uuid'])))
        self.assertEqual([], devices('fixed_ips=ip_address%3D10.9.9.9'))
        self.assertNeutronError(self.get(V2 + '/ports?fixed_ips=bogus'),
                                400, 'HTTPBadRequest')

    def test_status_follows_the_server(self):
        server_id, _ = self.boot(vm_state='stopped')
        (port,) = self.get(V2 + '/ports').json['ports']
        self.assertEqual('DOWN', port['status'])

    def test_owner_and_admin_views(self):
        self.boot()
        self.assertEqual([], self.get(V2 + '/ports',
                                      fakes.OTHER).json['ports'])
        (port,) = self.get(V2 + '/ports', fakes.ADMIN).json['ports']
        self.assertEqual(PORT_KEYS | BINDING_KEYS, set(port))
        self.assertEqual('node1', port['binding:host_id'])
        self.assertNeutronError(self.get(V2 + '/ports/' + port['id'],
                                         fakes.OTHER), 404, 'PortNotFound')

    def test_port_goes_with_its_server(self):
        server_id, _ = self.boot()
        (port,) = self.get(V2 + '/ports').json['ports']
        self.destroy(server_id)
        self.assertEqual([], self.get(V2 + '/ports').json['ports'])
        self.assertNeutronError(self.get(V2 + '/ports/' + port['id']), 404,
                                'PortNotFound')

    def test_changes_need_a_member(self):
        self.boot()
        (port,) = self.get(V2 + '/ports').json['ports']
        resp = self.put(V2 + '/ports/' + port['id'], {'port': {'name': 'x'}})
        self.assertEqual(('x', 1), (resp.json['port']['name'],
                                    resp.json['port']['revision_number']))
        self.assertNeutronError(self.delete(V2 + '/ports/' + port['id'],
                                            fakes.READER),
                                403, 'PolicyNotAuthorized')
        self.assertNeutronError(self.post(V2 + '/ports', {'port': {}}), 400,
                                'HTTPBadRequest', 'network_id')

    def test_sorting_and_pages(self):
        ids = sorted(self.boot()[0] for _ in range(3))
        first = self.get(V2 + '/ports?sort_key=device_id&limit=2').json
        self.assertEqual(ids[:2], [p['device_id'] for p in first['ports']])
        (link,) = first['ports_links']
        self.assertEqual('next', link['rel'])
        rest = self.get(link['href'].replace('http://localhost', '')).json
        self.assertEqual(ids[2:], [p['device_id'] for p in rest['ports']])
        self.assertNotIn('ports_links', rest)
        backwards = self.get(V2 + '/ports?sort_key=device_id'
                             '&sort_dir=desc').json['ports']
        self.assertEqual(ids[::-1], [p['device_id'] for p in backwards])
        self.assertNeutronError(self.get(V2 + '/ports?sort_key=nope'), 400,
                                'HTTPBadRequest')
        self.assertNeutronError(self.get(V2 + '/ports?limit=x'), 400,
                                'HTTPBadRequest')
