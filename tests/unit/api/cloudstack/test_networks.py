"""CloudStack guest networks: listNetworks, createNetwork, deleteNetwork,
listNetworkOfferings, and deployVirtualMachine with networkids and
ipaddress (the VM's NICs on the account's network)."""
import fixtures

from nova_lite.db import instances as instance_db
from nova_lite.network import api as network_api
from nova_lite.objects import instance as instance_obj
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class NetworksTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.ConductorAPI.build_instances',
            lambda *args, **kwargs: None))
        self.zone = self.json('listZones')[1]['listzonesresponse']['zone'][
            0]['id']
        self.offering = self.json('listNetworkOfferings')[1][
            'listnetworkofferingsresponse']['networkoffering'][0]['id']

    def create(self, **params):
        status, body = self.json('createNetwork', name='app',
                                 networkofferingid=self.offering,
                                 zoneid=self.zone, **params)
        self.assertEqual(200, status, body)
        return body['createnetworkresponse']['network']

    def networks(self, **params):
        return self.json('listNetworks', **params)[1][
            'listnetworksresponse'].get('network', [])

    def test_create_list_delete(self):
        net = self.create(gateway='10.7.0.1', netmask='255.255.255.0',
                          startip='10.7.0.10', endip='10.7.0.20')
        self.assertEqual(('Isolated', '10.7.0.0/24', '10.7.0.1',
                          '255.255.255.0', 'Account'),
                         (net['type'], net['cidr'], net['gateway'],
                          net['netmask'], net['acltype']))
        self.assertEqual({'Shared', 'Isolated'},
                         {n['type'] for n in self.networks()})
        self.assertEqual([net['id']], [n['id'] for n in self.networks(
            type='Isolated')])
        status, body = self.json('deleteNetwork', id=net['id'])
        self.assertEqual(200, status, body)
        self.assertEqual(['Shared'], [n['type'] for n in self.networks()])

    def test_bad_offering_and_netmask(self):
        status, body = self.json('createNetwork', name='x', zoneid=self.zone,
                                 networkofferingid=self.zone)
        self.assertEqual(431, status, body)
        status, body = self.json('createNetwork', name='x', zoneid=self.zone,
                                 networkofferingid=self.offering,
                                 netmask='255.0.255.0')
        self.assertEqual(431, status, body)

    def test_deploy_into_the_network_with_an_address(self):
        net = self.create(gateway='10.7.0.1', netmask='255.255.255.240')
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=self.zone,
            networkids=net['id'], ipaddress='10.7.0.9')
        self.assertEqual(200, status, body)
        vm_id = body['deployvirtualmachineresponse']['id']
        self.assertEqual([{'network_id': net['id'], 'fixed_ip': '10.7.0.9'}],
                         instance_db.instance_network_requests(
                             self.api.admin_context,
                             vm_id).requested_networks)
        (vif,) = network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=vm_id))
        self.assertEqual(('10.7.0.9', 'app'), (vif.address,
                                               vif.network_label))
        # A network with a VM is in use (536).
        status, body = self.json('deleteNetwork', id=net['id'])
        self.assertEqual(536, status, body)
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=self.zone,
            networkids=net['id'], ipaddress='10.9.0.9')
        self.assertEqual(431, status, body)

    def test_a_vm_on_an_isolated_network_shows_its_nic(self):
        net = self.create(gateway='10.7.0.1', netmask='255.255.255.240')
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=self.zone,
            networkids=net['id'])
        vm_id = body['deployvirtualmachineresponse']['id']
        network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=vm_id))
        (nic,) = self.json('listVirtualMachines', id=vm_id)[1][
            'listvirtualmachinesresponse']['virtualmachine'][0]['nic']
        self.assertEqual((net['id'], '10.7.0.1', '255.255.255.240',
                          'Isolated', True),
                         (nic['networkid'], nic['gateway'], nic['netmask'],
                          nic['type'], nic['isdefault']))
