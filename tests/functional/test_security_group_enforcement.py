"""Security groups reach the computes (in process, fake bus, fake driver
recording the nftables ruleset it would apply): at build, when rules and
group members change, at a compute restart and at delete."""
import testtools

from nova_lite.compute import api as compute_api
from nova_lite.compute import port_firewall
from nova_lite.compute import states
from nova_lite.network import api as network_api
from nova_lite.network import firewall
from nova_lite.network import firewall_driver
from nova_lite.network import security_groups as sg_api
from tests.functional.fixtures import inprocess


class SecurityGroupEnforcementTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}))
        self.compute = self.stack.computes['node1']
        self.api = compute_api.API()
        self.ctxt = self.stack.context()

    def boot(self, name, groups=None):
        (row,), _ = self.api.create(self.ctxt, name,
                                    self.stack.image['uuid'], '1',
                                    security_groups=groups)
        inprocess.wait_for(lambda: self.api.get(
            self.ctxt, row.uuid).vm_state == states.ACTIVE,
            message='%s active' % name)
        (vif,) = network_api.get_instance_nw_info(self.stack.admin,
                                                  row.uuid)
        return row.uuid, vif

    def script(self):
        return self.compute.driver.firewall.script

    def ingress(self, vif):
        """Statements of the port's ingress chain as last applied."""
        lines = self.script().splitlines()
        start = lines.index('  chain in_%s {'
                            % firewall.device_name(vif.port_id))
        return [line.strip() for line in
                lines[start + 1:lines.index('  }', start)]]

    def wait_ingress(self, vif, statement, present=True):
        inprocess.wait_for(
            lambda: (statement in self.ingress(vif)) == present,
            message='%r %s' % (statement, 'applied' if present
                               else 'removed'))

    def test_build_refresh_restart_delete(self):
        a, vif_a = self.boot('a')
        self.assertIn('meta nfproto ipv4 ip saddr { %s } accept'
                      % vif_a.address, self.ingress(vif_a))
        b, vif_b = self.boot('b')
        # b joined the default group: a's "from members" rule follows.
        members = ', '.join(sorted([vif_a.address, vif_b.address],
                                   key=lambda ip: tuple(
                                       int(p) for p in ip.split('.'))))
        self.wait_ingress(vif_a, 'meta nfproto ipv4 ip saddr { %s } accept'
                          % members)
        self.assertIn('meta nfproto ipv4 ip saddr { %s } accept' % members,
                      self.ingress(vif_b))

        # A rule added to the default group reaches both ports.
        default = sg_api.find_for_server(self.ctxt, 'default')
        ssh = 'meta nfproto ipv4 meta l4proto 6 th dport 22 accept'
        rule = sg_api.create_rule(self.ctxt, {
            'security_group_id': default['uuid'], 'direction': 'ingress',
            'protocol': 'tcp', 'port_range_min': 22, 'port_range_max': 22})
        self.wait_ingress(vif_a, ssh)
        self.assertIn(ssh, self.ingress(vif_b))

        # b leaves the default group for a group without ingress rules.
        sg_api.create_group(self.ctxt, self.ctxt.project_id, 'quiet', '')
        sg_api.add_to_instance(self.ctxt, b, 'quiet')
        sg_api.remove_from_instance(self.ctxt, b, 'default')
        self.wait_ingress(vif_b, ssh, present=False)
        self.wait_ingress(vif_a, 'meta nfproto ipv4 ip saddr { %s } accept'
                          % vif_a.address)

        # A restarted compute applies the same ruleset from the
        # conductor's data.
        before = self.script()
        self.compute.driver.firewall = firewall_driver.MemoryApplier()
        self.compute.security_groups = port_firewall.SecurityGroupAgent(
            'node1', self.compute.driver, self.compute.conductor)
        self.compute.init_host()
        self.assertEqual(before, self.script())

        # Deleting a leaves no chain of its port.
        sg_api.delete_rule(self.ctxt, sg_api.get_rule(self.ctxt,
                                                      rule['uuid']))
        self.api.delete(self.ctxt, a)
        tap_a = firewall.device_name(vif_a.port_id)
        inprocess.wait_for(lambda: tap_a not in self.script(),
                           message='chains of a removed')
        self.assertIn(firewall.device_name(vif_b.port_id), self.script())
        self.api.delete(self.ctxt, b)
        inprocess.wait_for(lambda: self.script() == firewall.render([]),
                           message='no port left')
