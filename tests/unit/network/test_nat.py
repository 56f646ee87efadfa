"""The compute's floating IP NAT (doc/networking.md, "Floating IPs"):
the rendered table, the applier's commands, the compute agent and the
RPC versions of its casts and calls."""
from unittest import mock

import fixtures
import testtools

from nova_lite.compute import floating_ips
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.network import nat_driver


class RenderTest(testtools.TestCase):

    def test_mappings(self):
        script = nat_driver.render([('172.24.4.10', '10.1.0.5'),
                                    ('172.24.4.11', '10.1.0.6')], 'pub0')
        self.assertTrue(script.startswith(
            'add table ip nova_lite_nat\ndelete table ip nova_lite_nat\n'))
        self.assertIn('elements = { 172.24.4.10 : 10.1.0.5, '
                      '172.24.4.11 : 10.1.0.6 }', script)
        self.assertIn('elements = { 10.1.0.5 : 172.24.4.10, '
                      '10.1.0.6 : 172.24.4.11 }', script)
        self.assertIn('dnat to ip daddr map @dnat4', script)
        self.assertIn('oifname "pub0" snat to ip saddr map @snat4', script)
        self.assertNotIn('oifname != {', script)
        self.assertIn('iifname "br1" oifname != { "br1" } drop',
                      nat_driver.render([('172.24.4.10', '10.1.0.5')],
                                        'pub0', ['br1']))

    def test_none_deletes_the_table(self):
        self.assertEqual('add table ip nova_lite_nat\n'
                         'delete table ip nova_lite_nat\n',
                         nat_driver.render([], 'pub0'))


class ApplierTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.run = self.useFixture(fixtures.MockPatch(
            'subprocess.run')).mock
        self.addresses = ''
        self.run.side_effect = self._run
        self.applier = nat_driver.NatApplier('ns1', 'pub0')

    def _run(self, cmd, **kwargs):
        out = ''
        if cmd[-3:] == ['show', 'type', 'bridge'] and 'addr' in cmd:
            out = ('7: brqa    inet 10.1.0.1/24 brd 10.1.0.255 scope global '
                   'brqa\n8: brqb    inet 10.2.0.1/24 scope global brqb\n')
        elif cmd[-3:] == ['show', 'type', 'bridge']:
            out = '7: brqa: <UP>\n8: brqb: <UP>\n9: brqc: <UP>\n'
        elif 'addr' in cmd and 'show' in cmd:
            out = self.addresses
        return mock.Mock(returncode=0, stdout=out, stderr='')

    def commands(self):
        return [' '.join(c.args[0][4:]) for c in self.run.call_args_list
                if 'type' not in c.args[0]]

    def test_apply_adds_addresses_then_forwards(self):
        self.addresses = ('5: pub0    inet 172.24.4.2/24 scope global pub0\n'
                          '5: pub0    inet 172.24.4.9/32 scope global pub0\n')
        self.applier.apply([('172.24.4.10', '10.1.0.5')])
        self.assertEqual([
            'nft -f -',
            'sysctl -q -w net/ipv4/conf/brqb/forwarding=0',
            'sysctl -q -w net/ipv4/conf/brqc/forwarding=0',
            'ip -4 -o addr show dev pub0',
            'ip addr add 172.24.4.10/32 dev pub0',
            'ip addr del 172.24.4.9/32 dev pub0',
            'sysctl -q -w net/ipv4/conf/brqa/forwarding=1',
            'sysctl -q -w net/ipv4/conf/pub0/forwarding=1'],
            self.commands())
        self.assertEqual(['ip', 'netns', 'exec', 'ns1'],
                         self.run.call_args_list[0].args[0][:4])
        script = [c.kwargs['input'] for c in self.run.call_args_list
                  if c.args[0][-2:] == ['-f', '-']][0]
        self.assertIn('iifname "brqa" oifname != { "brqa" } drop', script)
        self.assertNotIn('"brqb"', script)

    def test_none_stops_forwarding_first(self):
        self.addresses = '5: pub0    inet 172.24.4.10/32 scope global pub0\n'
        self.applier.apply([])
        self.assertEqual([
            'sysctl -q -w net/ipv4/conf/brqa/forwarding=0',
            'sysctl -q -w net/ipv4/conf/brqb/forwarding=0',
            'sysctl -q -w net/ipv4/conf/brqc/forwarding=0',
            'sysctl -q -w net/ipv4/conf/pub0/forwarding=0',
            'ip -4 -o addr show dev pub0',
            'ip addr del 172.24.4.10/32 dev pub0',
            'nft -f -'], self.commands())

    def test_failure(self):
        self.run.side_effect = None
        self.run.return_value = mock.Mock(returncode=1, stdout='',
                                          stderr='Error: syntax')
        self.assertRaises(nat_driver.NatError, self.applier.apply,
                          [('172.24.4.10', '10.1.0.5')])


class AgentTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.nat = nat_driver.MemoryNat()
        self.conductor = mock.Mock()
        self.agent = floating_ips.FloatingIPAgent(
            'node1', mock.Mock(nat_applier=lambda: self.nat),
            self.conductor)

    def test_set_and_sync(self):
        one = {'floating_ip_address': '172.24.4.10',
               'fixed_ip_address': '10.1.0.5'}
        two = {'floating_ip_address': '172.24.4.11',
               'fixed_ip_address': '10.1.0.6'}
        self.agent.set('i1', [one])
        self.agent.set('i2', [two])
        self.assertEqual([('172.24.4.10', '10.1.0.5'),
                          ('172.24.4.11', '10.1.0.6')], self.nat.mappings)
        self.agent.set('i1', [])
        self.assertEqual([('172.24.4.11', '10.1.0.6')], self.nat.mappings)
        self.conductor.floating_ips_get.return_value = {'i3': [one]}
        self.agent.sync_all(mock.sentinel.ctx)
        self.conductor.floating_ips_get.assert_called_once_with(
            mock.sentinel.ctx, 'node1')
        self.assertEqual([('172.24.4.10', '10.1.0.5')], self.nat.mappings)

    def test_disabled_without_applier(self):
        agent = floating_ips.FloatingIPAgent(
            'node1', mock.Mock(nat_applier=lambda: None), self.conductor)
        agent.sync_all(mock.sentinel.ctx)
        self.conductor.floating_ips_get.assert_not_called()


class VersionsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock()
        self.useFixture(fixtures.MockPatch('nova_lite.rpc.get_client',
                                           return_value=self.client))

    def test_set_floating_ips_is_a_1_12_cast(self):
        compute_rpcapi.ComputeAPI().set_floating_ips(
            mock.sentinel.ctx, 'node1', 'i1', [{'floating_ip_address': 'f',
                                                'fixed_ip_address': 'x'}])
        self.client.prepare.assert_called_once_with(server='node1',
                                                    version='1.12')
        self.client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctx, 'set_floating_ips', instance_uuid='i1',
            mappings=[{'floating_ip_address': 'f', 'fixed_ip_address': 'x'}])

    def test_floating_ips_get_is_a_1_9_call(self):
        conductor_rpcapi.ConductorAPI().floating_ips_get(mock.sentinel.ctx,
                                                         'node1')
        self.assertEqual('1.9', self.client.prepare.call_args.kwargs[
            'version'])
        self.client.prepare.return_value.call.assert_called_once_with(
            mock.sentinel.ctx, 'floating_ips_get', host='node1')
