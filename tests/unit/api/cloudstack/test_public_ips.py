"""CloudStack public IP addresses and static NAT over floating IPs:
associateIpAddress, listPublicIpAddresses, enableStaticNat (with the
account's virtual router made when missing), disableStaticNat,
disassociateIpAddress."""
import fixtures

from nova_lite.network import api as network_api
from nova_lite.network import networks as network_service
from nova_lite.objects import instance as instance_obj
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class PublicIpTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.ConductorAPI.build_instances',
            lambda *args, **kwargs: None))
        self.cast = self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.rpcapi.ComputeAPI.set_floating_ips')).mock
        admin = self.api.admin_context
        public = network_service.create_network(admin, '', {
            'name': 'public', 'router:external': True})
        network_service.create_subnet(admin, public, '', {
            'cidr': '172.24.4.0/24', 'ip_version': 4})
        self.public = public
        self.zone = self.json('listZones')[1]['listzonesresponse']['zone'][
            0]['id']
        offering = self.json('listNetworkOfferings')[1][
            'listnetworkofferingsresponse']['networkoffering'][0]['id']
        self.net = self.json('createNetwork', name='app', zoneid=self.zone,
                             networkofferingid=offering, gateway='10.7.0.1',
                             netmask='255.255.255.0')[1][
            'createnetworkresponse']['network']

    def vm(self):
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=self.zone,
            networkids=self.net['id'])
        self.assertEqual(200, status, body)
        vm_id = body['deployvirtualmachineresponse']['id']
        (vif,) = network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=vm_id))
        return vm_id, vif.address

    def addresses(self, **params):
        return self.json('listPublicIpAddresses', **params)[1][
            'listpublicipaddressesresponse'].get('publicipaddress', [])

    def test_associate_nat_release(self):
        vm_id, guest_ip = self.vm()
        status, body = self.json('associateIpAddress', zoneid=self.zone)
        self.assertEqual(200, status, body)
        ip_id = body['associateipaddressresponse']['id']
        (address,) = self.addresses()
        self.assertEqual((ip_id, False, self.public['uuid']), (
            address['id'], address['isstaticnat'], address['networkid']))
        status, body = self.json('enableStaticNat', ipaddressid=ip_id,
                                 virtualmachineid=vm_id)
        self.assertEqual(200, status, body)
        (address,) = self.addresses(isstaticnat='true')
        self.assertEqual((vm_id, guest_ip), (address['virtualmachineid'],
                                             address['vmipaddress']))
        # The account's network got its virtual router.
        routers = self.api.request('GET', '/network/v2.0/routers').json[
            'routers']
        self.assertEqual(['vr-app'], [r['name'] for r in routers])
        status, body = self.json('disableStaticNat', ipaddressid=ip_id)
        self.assertEqual(200, status, body)
        self.assertEqual([], self.addresses(isstaticnat='true'))
        status, body = self.json('disableStaticNat', ipaddressid=ip_id)
        self.assertEqual(431, status, body)
        status, body = self.json('disassociateIpAddress', id=ip_id)
        self.assertEqual(200, status, body)
        self.assertEqual([], self.addresses())

    def listed_vm(self, vm_id):
        status, body = self.json('listVirtualMachines', id=vm_id)
        self.assertEqual(200, status, body)
        (vm,) = body['listvirtualmachinesresponse']['virtualmachine']
        return vm

    def test_static_nat_in_list_virtual_machines(self):
        vm_id, _guest_ip = self.vm()
        self.assertNotIn('publicip', self.listed_vm(vm_id))
        ip_id = self.json('associateIpAddress', zoneid=self.zone)[1][
            'associateipaddressresponse']['id']
        (address,) = self.addresses()
        self.assertNotIn('publicip', self.listed_vm(vm_id))
        self.assertEqual(200, self.json('enableStaticNat', ipaddressid=ip_id,
                                        virtualmachineid=vm_id)[0])
        vm = self.listed_vm(vm_id)
        self.assertEqual((address['ipaddress'], ip_id),
                         (vm['publicip'], vm['publicipid']))
        self.assertEqual(200, self.json('disableStaticNat',
                                        ipaddressid=ip_id)[0])
        self.assertNotIn('publicipid', self.listed_vm(vm_id))

    def test_errors(self):
        vm_id, _ip = self.vm()
        status, body = self.json('enableStaticNat',
                                 ipaddressid=self.net['id'],
                                 virtualmachineid=vm_id)
        self.assertEqual(431, status, body)
        ip_id = self.json('associateIpAddress')[1][
            'associateipaddressresponse']['id']
        status, body = self.json('enableStaticNat', ipaddressid=ip_id,
                                 virtualmachineid=vm_id,
                                 vmguestip='10.9.9.9')
        self.assertEqual(431, status, body)
        status, body = self.json('disassociateIpAddress', id=self.net['id'])
        self.assertEqual(431, status, body)
