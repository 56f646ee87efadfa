"""Servers on project networks (compute API "Create Server"
``networks``; doc/network-api.md): NICs by network uuid, port or fixed
IP, several NICs, addresses by network name, ports made for a server
deleted with it and users' ports unbound."""
from nova_lite.network import api as network_api
from nova_lite.objects import instance as instance_obj
from tests.unit.api import fakes
from tests.unit.api import test_network_project

V2 = test_network_project.V2
SERVERS = '/v2.1/servers'


class ServerNetworksTest(test_network_project.ProjectNetworkTestCase):

    def setUp(self):
        super().setUp()
        self.net = self.network(name='blue')
        self.sub = self.subnet(self.net['id'], '10.1.0.0/28')

    def build(self, server_id):
        """What the conductor does for the compute at build start."""
        self.set_instance(server_id, host='node1', vm_state='active')
        return network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=server_id))

    def addresses(self, server_id):
        server = self.get('%s/%s' % (SERVERS, server_id)).json['server']
        return {name: [a['addr'] for a in entries]
                for name, entries in server['addresses'].items()}

    def test_nic_on_a_network_with_a_fixed_ip_and_a_port(self):
        port = self.port(self.net['id'], fixed_ips=[
            {'ip_address': '10.1.0.9'}])
        server_id = self.create_server(networks=[
            {'uuid': self.net['id'], 'fixed_ip': '10.1.0.5'},
            {'port': port['id']}, {'uuid': self.api.network['uuid']}])
        vifs = self.build(server_id)
        self.assertEqual(3, len(vifs))
        self.assertEqual(['10.1.0.5', '10.1.0.9', fakes.NETWORK_LABEL],
                         [v.address for v in vifs[:2]]
                         + [vifs[2].network_label])
        self.assertEqual({'brq' + self.net['id'][:11]}, {
            v.bridge for v in vifs if v.cidr == '10.1.0.0/28'})
        addresses = self.addresses(server_id)
        self.assertEqual({'blue', fakes.NETWORK_LABEL}, set(addresses))
        self.assertEqual({'10.1.0.5', '10.1.0.9'}, set(addresses['blue']))
        ports = self.get(V2 + '/ports?device_id=' + server_id).json['ports']
        self.assertEqual(3, len(ports))
        self.assertEqual({'compute:nova'}, {p['device_owner']
                                            for p in ports})
        # The server is gone: its own ports go, the user's is unbound.
        network_api.deallocate_for_instance(self.api.admin_context,
                                            server_id)
        (left,) = self.get(V2 + '/ports').json['ports']
        self.assertEqual((port['id'], '', '', ['10.1.0.9']), (
            left['id'], left['device_id'], left['device_owner'],
            [f['ip_address'] for f in left['fixed_ips']]))

    def test_without_networks_the_projects_own_network(self):
        server_id = self.create_server()
        (vif,) = self.build(server_id)
        self.assertEqual('blue', vif.network_label)
        self.network(name='green')['id']
        other = self.network(name='red')
        self.subnet(other['id'], '10.2.0.0/28')
        resp = self.post(SERVERS, {'server': {
            'name': 'x', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}})
        self.assertEqual(409, resp.status_code, resp.json)
        self.assertIn('Multiple possible networks', str(resp.json))
        # Another project has no network of its own: the flat network.
        other_server = self.create_server(fakes.OTHER)
        (vif,) = self.build(other_server)
        self.assertEqual(fakes.NETWORK_LABEL, vif.network_label)

    def test_bad_requests(self):
        port = self.port(self.net['id'])
        used = self.create_server(networks=[{'port': port['id']}])
        self.build(used)
        bare = self.network(name='bare')
        cases = [
            ([{'uuid': 'f' * 8 + '-ffff-4fff-8fff-' + 'f' * 12}], 400),
            ([{'port': 'f' * 8 + '-ffff-4fff-8fff-' + 'f' * 12}], 400),
            ([{'uuid': bare['id']}], 400),
            ([{'port': port['id']}], 409),
            ([{'fixed_ip': '10.1.0.3'}], 400),
        ]
        for networks, code in cases:
            resp = self.post(SERVERS, {'server': {
                'name': 'x', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
                'networks': networks}})
            self.assertEqual(code, resp.status_code, (networks, resp.json))
        resp = self.post(SERVERS, {'server': {
            'name': 'x', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'max_count': 2, 'networks': [{'uuid': self.net['id'],
                                          'fixed_ip': '10.1.0.3'}]}})
        self.assertEqual(400, resp.status_code, resp.json)
        resp = self.post(SERVERS, {'server': {
            'name': 'x', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'networks': [{'uuid': self.net['id']}]}}, fakes.OTHER)
        self.assertEqual(400, resp.status_code, resp.json)

    def test_no_network(self):
        server_id = self.create_server(networks='none')
        self.set_instance(server_id, host='node1', vm_state='active')
        self.assertEqual({}, self.addresses(server_id))


class TenantNetworksTest(test_network_project.ProjectNetworkTestCase):

    def test_proxy_over_the_networking_api(self):
        path = '/v2.1/os-tenant-networks'
        resp = self.post(path, {'network': {'label': 'tn',
                                            'cidr': '10.8.0.0/24'}})
        self.assertEqual(200, resp.status_code, resp.json)
        created = resp.json['network']
        self.assertEqual(('tn', '10.8.0.0/24'), (created['label'],
                                                 created['cidr']))
        listed = {n['label']: n for n in self.get(path).json['networks']}
        self.assertEqual({'tn', fakes.NETWORK_LABEL}, set(listed))
        self.assertEqual(created, self.get(path + '/' + created['id'])
                         .json['network'])
        self.assertEqual(['tn'], [n['name'] for n in self.get(
            V2 + '/networks?name=tn').json['networks']])
        self.assertEqual(404, self.get(path + '/' + created['id'],
                                       fakes.OTHER).status_code)
        resp = self.post(path, {'network': {'label': 'bad',
                                            'cidr': '10.8.0.1/24'}})
        self.assertEqual(400, resp.status_code, resp.json)
        self.assertEqual([], self.get(V2 + '/networks?name=bad')
                         .json['networks'])
        self.assertEqual(404, self.get(path, dict(
            fakes.MEMBER, **{'X-OpenStack-Nova-API-Version': '2.36'}))
            .status_code)
        self.assertEqual(202, self.delete(path + '/' + created['id'])
                         .status_code)
        self.assertEqual(404, self.get(path + '/' + created['id'])
                         .status_code)

    def test_os_networks_shows_only_visible_networks(self):
        own = self.network(name='mine')
        listed = {n['label'] for n in self.get('/v2.1/os-networks')
                  .json['networks']}
        self.assertEqual({'mine', fakes.NETWORK_LABEL}, listed)
        listed = {n['label'] for n in self.get('/v2.1/os-networks',
                                               fakes.OTHER).json['networks']}
        self.assertEqual({fakes.NETWORK_LABEL}, listed)
        self.assertEqual(404, self.get('/v2.1/os-networks/' + own['id'],
                                       fakes.OTHER).status_code)


class ServerIpsTest(test_network_project.ProjectNetworkTestCase):

    def test_addresses_by_network(self):
        server_id = self.create_server()
        self.set_instance(server_id, host='node1', vm_state='active')
        (vif,) = network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=server_id))
        path = '%s/%s/ips' % (SERVERS, server_id)
        expected = {fakes.NETWORK_LABEL: [{'version': 4,
                                           'addr': vif.address}]}
        self.assertEqual({'addresses': expected}, self.get(path).json)
        self.assertEqual(expected, self.get(path + '/' + fakes.NETWORK_LABEL)
                         .json)
        self.assertEqual(404, self.get(path + '/nope').status_code)
        self.assertEqual(404, self.get(path, fakes.OTHER).status_code)


class ExternalNetworkTest(test_network_project.ProjectNetworkTestCase):

    def test_external_networks_are_visible_but_not_for_servers(self):
        ext = self.network(fakes.ADMIN, name='public',
                           **{'router:external': True})
        self.subnet(ext['id'], '192.0.2.0/28', fakes.ADMIN)
        self.assertEqual('public', self.get(V2 + '/networks/' + ext['id'])
                         .json['network']['name'])
        self.assertEqual(1, len(self.get(V2 + '/subnets?network_id='
                                         + ext['id']).json['subnets']))
        resp = self.post(SERVERS, {'server': {
            'name': 'x', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'networks': [{'uuid': ext['id']}]}})
        self.assertEqual(403, resp.status_code, resp.json)
