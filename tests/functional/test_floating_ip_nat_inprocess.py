"""Floating IPs reach the compute of their server (in process, fake bus,
fake driver recording the mappings it would apply): associate,
disassociate, a compute restart and the server's delete."""
import testtools

from nova_lite.compute import api as compute_api
from nova_lite.compute import floating_ips as compute_floating_ips
from nova_lite.compute import states
from nova_lite.network import floating_ips as fip_api
from nova_lite.network import nat_driver
from nova_lite.network import networks as network_service
from nova_lite.network import ports as port_service
from nova_lite.network import routers as router_api
from tests.functional.fixtures import inprocess


class FloatingIPNatTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}))
        self.compute = self.stack.computes['node1']
        self.api = compute_api.API()
        self.ctxt = self.stack.context()
        admin = self.stack.admin
        public = network_service.create_network(admin, '', {
            'name': 'public', 'router:external': True})
        network_service.create_subnet(admin, public, '', {
            'cidr': '172.24.4.0/24', 'ip_version': 4})
        self.public = public
        project = self.ctxt.project_id
        net = network_service.create_network(self.ctxt, project,
                                             {'name': 'net1'})
        subnet = network_service.create_subnet(self.ctxt, net, project, {
            'cidr': '10.1.0.0/24', 'ip_version': 4})
        router = router_api.create_router(self.ctxt, project, {
            'external_gateway_info': {'network_id': public['uuid']}})
        router_api.add_interface(self.ctxt, router,
                                 {'subnet_id': subnet['uuid']})
        self.net = net

    def mappings(self):
        return self.compute.driver.nat.mappings

    def test_associate_restart_delete(self):
        (row,), _ = self.api.create(
            self.ctxt, 'a', self.stack.image['uuid'], '1',
            requested_networks=[{'network_id': self.net['uuid']}])
        inprocess.wait_for(lambda: self.api.get(
            self.ctxt, row.uuid).vm_state == states.ACTIVE,
            message='a active')
        port = port_service.get_ports(self.ctxt, device_id=row.uuid)[0]
        fixed = port['fixed_ips'][0]['ip_address']
        fip = fip_api.create_floatingip(self.ctxt, self.ctxt.project_id, {
            'floating_network_id': self.public['uuid'],
            'port_id': port['uuid']})
        wanted = [(fip['floating_ip_address'], fixed)]
        inprocess.wait_for(lambda: self.mappings() == wanted,
                           message='NAT applied')

        # A restarted compute applies the same mappings from the
        # conductor's data.
        self.compute.driver.nat = nat_driver.MemoryNat()
        self.compute.floating_ips = compute_floating_ips.FloatingIPAgent(
            'node1', self.compute.driver, self.compute.conductor)
        self.compute.init_host()
        self.assertEqual(wanted, self.mappings())

        fip_api.update_floatingip(self.ctxt, fip, {'port_id': None})
        inprocess.wait_for(lambda: self.mappings() == [],
                           message='NAT removed')
        fip_api.update_floatingip(self.ctxt, fip_api.get_floatingip(
            self.ctxt, fip['uuid']), {'port_id': port['uuid']})
        inprocess.wait_for(lambda: self.mappings() == wanted,
                           message='NAT applied again')
        self.api.delete(self.ctxt, row.uuid)
        inprocess.wait_for(lambda: self.mappings() == [],
                           message='NAT removed with the server')
        # The compute drops the NAT as it deletes the guest, before the
        # conductor frees the port (which disassociates the address).
        inprocess.wait_for(lambda: fip_api.get_floatingip(
            self.ctxt, fip['uuid'])['fixed_port_id'] is None,
            message='floating IP disassociated')
        self.assertEqual([], self.mappings())
