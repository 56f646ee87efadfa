"""A moved server's security group chains and floating IP NAT follow it
at once (doc/networking.md, "Faults"): in process, fake bus, two fake
computes recording the ruleset and the mappings they would apply, the
periodic resync off. Cold migration with revert and with confirm,
shelve offload with unshelve, evacuation, and a boot with a port that has a
floating IP already."""
import testtools

from nova_lite.compute import api as compute_api
from nova_lite.compute import host_api
from nova_lite.compute import states
from nova_lite.network import api as network_api
from nova_lite.network import firewall
from nova_lite.network import floating_ips as fip_api
from nova_lite.network import networks as network_service
from nova_lite.network import ports as port_service
from nova_lite.network import routers as router_api
from tests.functional.fixtures import inprocess
from tests.unit.compute import test_lifecycle


class NetworkMovesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake', 'node2': 'fake'},
            overrides={('compute', 'network_sync_interval'): -1,
                       ('DEFAULT', 'shelved_offload_time'): -1}))
        self.api = compute_api.API()
        self.ctxt = self.stack.context()
        self.admin = self.stack.context(admin=True)
        admin = self.stack.admin
        public = network_service.create_network(admin, '', {
            'name': 'public', 'router:external': True})
        network_service.create_subnet(admin, public, '', {
            'cidr': '172.24.4.0/24', 'ip_version': 4})
        project = self.ctxt.project_id
        net = network_service.create_network(self.ctxt, project,
                                             {'name': 'net1'})
        subnet = network_service.create_subnet(self.ctxt, net, project, {
            'cidr': '10.1.0.0/24', 'ip_version': 4})
        router = router_api.create_router(self.ctxt, project, {
            'external_gateway_info': {'network_id': public['uuid']}})
        router_api.add_interface(self.ctxt, router,
                                 {'subnet_id': subnet['uuid']})
        self.public, self.net = public, net
        # The shelved image goes to this process's image service.
        images = test_lifecycle.LocalImages(admin)
        for compute in self.stack.computes.values():
            compute._snapshot_image_api = images
            compute.build_flow.image_api = images
            compute.driver.image_api = images

    def wait_state(self, uuid, vm_state):
        inprocess.wait_for(lambda: (lambda i: i.vm_state == vm_state
                                    and i.task_state is None)(
            self.api.get(self.ctxt, uuid)), message=vm_state)
        return self.api.get(self.ctxt, uuid).host

    def plane(self, host):
        """(taps with chains, NAT mappings) applied on ``host``."""
        compute = self.stack.computes[host]
        script = compute.driver.firewall.script
        taps = sorted({word[3:] for word in script.split()
                       if word.startswith('in_tap')})
        return taps, compute.driver.nat.mappings

    def assert_on(self, host, tap, mappings):
        other = {'node1': 'node2', 'node2': 'node1'}[host]
        inprocess.wait_for(lambda: self.plane(host) == ([tap], mappings),
                           timeout=10, message='applied on %s' % host)
        self.assertEqual(([], []), self.plane(other))

    def test_migrate_revert_confirm_and_unshelve(self):
        (row,), _ = self.api.create(
            self.ctxt, 'a', self.stack.image['uuid'], '1',
            requested_networks=[{'network_id': self.net['uuid']}])
        host = self.wait_state(row.uuid, states.ACTIVE)
        (vif,) = network_api.get_instance_nw_info(self.stack.admin,
                                                  row.uuid)
        tap = firewall.device_name(vif.port_id)
        port = port_service.get_ports(self.ctxt, device_id=row.uuid)[0]
        fip = fip_api.create_floatingip(self.ctxt, self.ctxt.project_id, {
            'floating_network_id': self.public['uuid'],
            'port_id': port['uuid']})
        mappings = [(fip['floating_ip_address'], vif.address)]
        self.assert_on(host, tap, mappings)

        # A cold migration: on the destination as soon as it is RESIZED.
        self.api.migrate(self.admin, row.uuid)
        dest = self.wait_state(row.uuid, states.RESIZED)
        self.assertNotEqual(host, dest)
        self.assert_on(dest, tap, mappings)
        # Reverted: back on the source only.
        self.api.revert_resize(self.ctxt, row.uuid)
        self.assertEqual(host, self.wait_state(row.uuid, states.ACTIVE))
        self.assert_on(host, tap, mappings)
        # Migrated and confirmed: on the destination only.
        self.api.migrate(self.admin, row.uuid)
        self.wait_state(row.uuid, states.RESIZED)
        self.api.confirm_resize(self.ctxt, row.uuid)
        self.assertEqual(dest, self.wait_state(row.uuid, states.ACTIVE))
        self.assert_on(dest, tap, mappings)

        # Offloaded: nowhere; unshelved: where it lands, at once.
        self.api.shelve(self.ctxt, row.uuid)
        self.wait_state(row.uuid, states.SHELVED)
        self.api.shelve_offload(self.ctxt, row.uuid)
        self.wait_state(row.uuid, states.SHELVED_OFFLOADED)
        for node in ('node1', 'node2'):
            self.assertEqual(([], []), self.plane(node))
        self.api.unshelve(self.ctxt, row.uuid)
        landed = self.wait_state(row.uuid, states.ACTIVE)
        self.assert_on(landed, tap, mappings)

    def test_boot_with_a_port_that_has_a_floating_ip(self):
        port = port_service.create_port(self.ctxt, self.ctxt.project_id,
                                        self.net, {})
        fixed = port['fixed_ips'][0]['ip_address']
        fip = fip_api.create_floatingip(self.ctxt, self.ctxt.project_id, {
            'floating_network_id': self.public['uuid'],
            'port_id': port['uuid']})
        (row,), _ = self.api.create(
            self.ctxt, 'p', self.stack.image['uuid'], '1',
            requested_networks=[{'port_id': port['uuid']}])
        host = self.wait_state(row.uuid, states.ACTIVE)
        # Applied by the build, not by a resync or a restart.
        self.assert_on(host, firewall.device_name(port['uuid']),
                       [(fip['floating_ip_address'], fixed)])

    def test_evacuate(self):
        (row,), _ = self.api.create(
            self.ctxt, 'e', self.stack.image['uuid'], '1',
            requested_networks=[{'network_id': self.net['uuid']}])
        source = self.wait_state(row.uuid, states.ACTIVE)
        (vif,) = network_api.get_instance_nw_info(self.stack.admin,
                                                  row.uuid)
        tap = firewall.device_name(vif.port_id)
        port = port_service.get_ports(self.ctxt, device_id=row.uuid)[0]
        fip = fip_api.create_floatingip(self.ctxt, self.ctxt.project_id, {
            'floating_network_id': self.public['uuid'],
            'port_id': port['uuid']})
        mappings = [(fip['floating_ip_address'], vif.address)]
        self.assert_on(source, tap, mappings)
        self.stack.kill_compute(source)
        host_api.service_update(self.admin, source, 'nova-lite-compute',
                                {'forced_down': True})
        self.api.evacuate(self.admin, row.uuid)
        dest = self.wait_state(row.uuid, states.ACTIVE)
        self.assertNotEqual(source, dest)
        # On the destination at once; the source, back, drops them.
        compute = self.stack.computes[dest]
        inprocess.wait_for(lambda: self.plane(dest) == ([tap], mappings),
                           timeout=10, message='applied on the destination')
        host_api.service_update(self.admin, source, 'nova-lite-compute',
                                {'forced_down': False})
        self.stack.start_compute(source,
                                 driver=self.stack.computes[source].driver)
        self.assertEqual(([], []), self.plane(source))
        self.assertEqual(([tap], mappings), self.plane(dest))
        self.assertIs(compute, self.stack.computes[dest])
