"""``/v2.1/os-networks`` (compute API reference, "Networks (os-networks)
(DEPRECATED)", microversion 2.1) and ``networks`` at server create,
through the full WSGI pipeline."""
from nova_lite.network import api as network_api
from tests.unit.api import fakes

NETWORKS = '/v2.1/os-networks'
USER_KEYS = {'id', 'label', 'cidr', 'netmask', 'gateway', 'broadcast',
             'dns1', 'dns2', 'cidr_v6', 'gateway_v6', 'netmask_v6'}
ADMIN_KEYS = USER_KEYS | {
    'bridge', 'bridge_interface', 'created_at', 'deleted', 'deleted_at',
    'dhcp_server', 'dhcp_start', 'enable_dhcp', 'host', 'injected', 'mtu',
    'multi_host', 'priority', 'project_id', 'rxtx_base', 'share_address',
    'updated_at', 'vlan', 'vpn_private_address', 'vpn_public_address',
    'vpn_public_port'}


class NetworksTest(fakes.APITestCase):

    def test_list_as_member(self):
        resp = self.get(NETWORKS)
        self.assertEqual(200, resp.status_code, resp.json)
        (network,) = resp.json['networks']
        self.assertEqual(USER_KEYS, set(network))
        flat = self.api.network
        self.assertEqual((flat['uuid'], fakes.NETWORK_LABEL, flat['cidr'],
                          flat['gateway'], flat['netmask'],
                          flat['broadcast']),
                         (network['id'], network['label'], network['cidr'],
                          network['gateway'], network['netmask'],
                          network['broadcast']))

    def test_admin_sees_all_fields(self):
        (network,) = self.get(NETWORKS, fakes.ADMIN).json['networks']
        self.assertEqual(ADMIN_KEYS, set(network))
        self.assertIs(False, network['deleted'])
        self.assertEqual(self.api.network['bridge'], network['bridge'])

    def test_show(self):
        flat_id = self.api.network['uuid']
        resp = self.get(NETWORKS + '/' + flat_id, fakes.READER)
        self.assertEqual(200, resp.status_code)
        self.assertEqual(fakes.NETWORK_LABEL, resp.json['network']['label'])
        for bad in (fakes.NETWORK_LABEL, '1', 'x' * 300,
                    '3fa85f64-5717-4562-b3fc-2c963f66afa6'):
            self.assertFault(self.get(NETWORKS + '/' + bad), 404,
                             'itemNotFound')

    def test_network_created_on_first_use(self):
        self.api.conf.config(label='fresh', fixed_range='10.9.0.0/29',
                             gateway=None, group='network')
        network_api.clear_cache()
        labels = [n['label'] for n in
                  self.get(NETWORKS).json['networks']]
        self.assertIn('fresh', labels)

    def test_unauthenticated_is_401(self):
        self.assertFault(self.get(NETWORKS, {}), 401, 'unauthorized')

    def test_server_create_with_the_flat_network(self):
        flat_id = self.api.network['uuid']
        self.create_server(networks=[{'uuid': flat_id}])
        resp = self.post('/v2.1/servers', {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'networks': [{'uuid': '3fa85f64-5717-4562-b3fc-2c963f66afa6'}]}})
        self.assertFault(resp, 400, 'badRequest', 'network')
