"""Rendering of security groups as nftables rules (network.firewall) and
the compute's port state (network.firewall_driver.PortFirewall)."""
import json
from unittest import mock

import testtools

from nova_lite.network import firewall
from nova_lite.network import firewall_driver

PORT = '1b2c3d4e-5f60-4a1b-8c2d-000000000001'
TAP = 'tap1b2c3d4e-5f'


def rule(direction='ingress', protocol=None, low=None, high=None,
         prefix=None, remote_group=None, members=None, ethertype='IPv4'):
    """A spec rule; ``members`` {instance uuid: [address]} of the
    remote group."""
    found = {'id': 'r', 'direction': direction, 'ethertype': ethertype,
             'protocol': protocol, 'port_range_min': low,
             'port_range_max': high, 'remote_ip_prefix': prefix,
             'remote_group_id': remote_group}
    if remote_group is not None:
        found['remote_members'] = members or {}
    return found


def spec(rules=(), port_id=PORT, ips=('10.254.0.5',),
         mac='FA:16:3E:00:00:05', instance='inst-1'):
    return {'port_id': port_id, 'instance_uuid': instance, 'mac': mac,
            'fixed_ips': list(ips), 'rules': list(rules)}


def chain(script, name):
    """The statements of chain ``name`` in a rendered script."""
    lines = script.splitlines()
    start = lines.index('  chain %s {' % name) + 1
    end = lines.index('  }', start)
    return [line.strip() for line in lines[start:end]]


class TestRuleStatements(testtools.TestCase):

    def test_device_name_is_tap_and_eleven_characters(self):
        self.assertEqual(TAP, firewall.device_name(PORT))
        self.assertLessEqual(len(firewall.device_name(PORT)), 15)

    def test_tcp_port(self):
        self.assertEqual(
            'meta nfproto ipv4 meta l4proto 6 th dport 22 accept',
            firewall.rule_statement(rule(protocol='tcp', low=22, high=22),
                                    'accept'))

    def test_udp_range_with_prefix(self):
        self.assertEqual(
            'meta nfproto ipv4 ip saddr 10.0.0.0/8 meta l4proto 17 '
            'th dport 1000-2000 accept',
            firewall.rule_statement(rule(protocol='udp', low=1000,
                                         high=2000, prefix='10.1.2.3/8'),
                                    'accept'))

    def test_egress_prefix_is_the_destination(self):
        self.assertEqual(
            'meta nfproto ipv4 ip daddr 192.168.0.0/16 return',
            firewall.rule_statement(rule('egress',
                                         prefix='192.168.0.0/16'),
                                    'return'))

    def test_any_prefix_matches_everything(self):
        self.assertEqual('meta nfproto ipv4 accept',
                         firewall.rule_statement(rule(prefix='0.0.0.0/0'),
                                                 'accept'))

    def test_icmp_type_and_code(self):
        self.assertEqual(
            'meta nfproto ipv4 meta l4proto icmp icmp type 8 icmp code 0 '
            'accept',
            firewall.rule_statement(rule(protocol='icmp', low=8, high=0),
                                    'accept'))
        self.assertEqual(
            'meta nfproto ipv4 meta l4proto icmp accept',
            firewall.rule_statement(rule(protocol='icmp'), 'accept'))

    def test_icmp_with_ipv6_is_icmpv6(self):
        self.assertEqual(
            'meta nfproto ipv6 meta l4proto ipv6-icmp icmpv6 type 128 '
            'accept',
            firewall.rule_statement(rule(protocol='icmp', low=128,
                                         ethertype='IPv6'), 'accept'))

    def test_protocol_number(self):
        self.assertEqual('meta nfproto ipv4 meta l4proto 47 accept',
                         firewall.rule_statement(rule(protocol='47'),
                                                 'accept'))
        self.assertEqual('meta nfproto ipv4 meta l4proto 112 accept',
                         firewall.rule_statement(rule(protocol='vrrp'),
                                                 'accept'))

    def test_remote_group_is_its_members_addresses(self):
        self.assertEqual(
            'meta nfproto ipv4 ip saddr { 10.254.0.9, 10.254.0.10 } '
            'meta l4proto 6 th dport 80 accept',
            firewall.rule_statement(rule(
                protocol='tcp', low=80, high=80, remote_group='g',
                members={'a': ['10.254.0.10'],
                         'b': ['10.254.0.9', '10.254.0.9']}),
                'accept'))

    def test_remote_group_without_members_matches_nothing(self):
        self.assertIsNone(firewall.rule_statement(
            rule(remote_group='g', members={}), 'accept'))
        # Members, but none of the rule's ethertype.
        self.assertIsNone(firewall.rule_statement(
            rule(remote_group='g', members={'a': ['10.0.0.1']},
                 ethertype='IPv6'), 'accept'))


class TestRender(testtools.TestCase):

    def test_default_group_rules(self):
        members = {'inst-1': ['10.254.0.5'], 'inst-2': ['10.254.0.6']}
        script = firewall.render([spec([
            rule('egress'), rule('egress', ethertype='IPv6'),
            rule(remote_group='default', members=members),
            rule(remote_group='default', members=members,
                 ethertype='IPv6')])])
        self.assertEqual(
            ['ct state established,related accept',
             'ct state invalid drop',
             'meta l4proto udp udp sport 67 udp dport 68 accept',
             'meta l4proto ipv6-icmp icmpv6 type { %s } accept'
             % firewall.ND_TYPES,
             'meta nfproto ipv4 ip saddr { 10.254.0.5, 10.254.0.6 } '
             'accept',
             'drop'], chain(script, 'in_' + TAP))
        egress = chain(script, 'out_' + TAP)
        self.assertEqual(['meta nfproto ipv4 return',
                          'meta nfproto ipv6 return', 'drop'], egress[-3:])
        self.assertIn('ip daddr 169.254.169.254 tcp dport 80 return',
                      egress)

    def test_no_rules_denies_both_ways(self):
        script = firewall.render([spec()])
        self.assertEqual('drop', chain(script, 'in_' + TAP)[-1])
        egress = chain(script, 'out_' + TAP)
        self.assertEqual('ip daddr 169.254.169.254 tcp dport 80 return',
                         egress[-2])
        self.assertEqual('drop', egress[-1])

    def test_duplicate_statements_once(self):
        script = firewall.render([spec([rule(protocol='tcp', low=22,
                                             high=22)] * 2)])
        self.assertEqual(1, chain(script, 'in_' + TAP).count(
            'meta nfproto ipv4 meta l4proto 6 th dport 22 accept'))

    def test_anti_spoofing(self):
        script = firewall.render([spec()])
        self.assertEqual(
            ['ether saddr != fa:16:3e:00:00:05 drop',
             'ether type arp arp saddr ether != fa:16:3e:00:00:05 drop',
             'ether type arp arp saddr ip != { 0.0.0.0, 10.254.0.5 } drop',
             'ether type arp return',
             'ether type ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 '
             'udp sport 68 udp dport 67 return',
             'ether type ip ip saddr { 10.254.0.5 } return',
             'ether type ip6 ip6 saddr { ::, fe80::/64 } return',
             'drop'], chain(script, 'spoof_' + TAP))
        self.assertIn('elements = { "%s" : jump spoof_%s }' % (TAP, TAP),
                      script)

    def test_maps_key_ports_by_address_and_tap(self):
        script = firewall.render([spec()])
        self.assertIn('elements = { 10.254.0.5 : jump in_%s }' % TAP,
                      script)
        self.assertIn('elements = { 10.254.0.5 : jump out_%s }' % TAP,
                      script)
        self.assertEqual(['ip saddr vmap @egress4', 'ip6 saddr vmap @egress6',
                          'ip daddr vmap @ingress4',
                          'ip6 daddr vmap @ingress6'],
                         chain(script, 'forward')[1:])

    def test_replaces_both_tables_and_is_stable(self):
        other = spec(port_id='00000000-0000-4000-8000-000000000002',
                     ips=['10.254.0.6'], instance='inst-2')
        script = firewall.render([spec(), other])
        self.assertEqual(['add table inet nova_lite_sg',
                          'delete table inet nova_lite_sg',
                          'add table bridge nova_lite_sg',
                          'delete table bridge nova_lite_sg',
                          'table inet nova_lite_sg {'],
                         script.splitlines()[:5])
        self.assertIn('table bridge nova_lite_sg {', script)
        self.assertNotIn('nova_lite_trunk', script)
        self.assertEqual(script, firewall.render([other, spec()]))

    def test_no_ports_only_deletes(self):
        self.assertEqual(['add table inet nova_lite_sg',
                          'delete table inet nova_lite_sg',
                          'add table bridge nova_lite_sg',
                          'delete table bridge nova_lite_sg'],
                         firewall.render([]).splitlines())


class TestPortFirewall(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.applier = firewall_driver.MemoryApplier()
        self.firewall = firewall_driver.PortFirewall(self.applier)

    def test_set_remove_and_unchanged(self):
        self.firewall.set_instances(['inst-1'], [spec()])
        self.assertIn('in_' + TAP, self.applier.script)
        self.firewall.set_instances(['inst-1'], [spec()])
        self.assertEqual(1, len(self.applier.scripts))
        self.firewall.remove_instance('inst-1')
        self.assertEqual(firewall.render([]), self.applier.script)
        self.assertEqual({}, self.firewall.ports())

    def test_replace_all_drops_other_ports_and_always_applies(self):
        self.firewall.set_instances(['inst-1'], [spec()])
        other = spec(port_id='00000000-0000-4000-8000-000000000002',
                     ips=['10.254.0.6'], instance='inst-2')
        self.firewall.replace_all([other])
        self.firewall.replace_all([other])
        self.assertEqual(3, len(self.applier.scripts))
        self.assertNotIn(TAP, self.applier.script)
        self.assertEqual(['00000000-0000-4000-8000-000000000002'],
                         list(self.firewall.ports()))

    def test_failed_apply_keeps_the_previous_state(self):
        self.firewall.set_instances(['inst-1'], [spec()])
        self.applier.apply = mock.Mock(
            side_effect=firewall_driver.FirewallError('nft: no'))
        self.assertRaises(firewall_driver.FirewallError,
                          self.firewall.remove_instance, 'inst-1')
        self.assertEqual([PORT], list(self.firewall.ports()))

    def test_members_come_and_go(self):
        web = rule(protocol='tcp', low=80, high=80, remote_group='web',
                   members={'inst-1': ['10.254.0.5']})
        self.firewall.set_instances(['inst-1'], [spec([web, rule(
            remote_group='db', members={})])])
        self.assertTrue(self.firewall.update_members(
            ['web'], 'inst-7', ['10.254.0.7']))
        self.assertIn('ip saddr { 10.254.0.5, 10.254.0.7 } meta l4proto 6',
                      self.applier.script)
        # Another group's rule is left alone; a repeat changes nothing.
        self.assertNotIn('10.254.0.7 }', self.applier.script.replace(
            '10.254.0.5, 10.254.0.7 }', ''))
        self.assertFalse(self.firewall.update_members(
            ['web'], 'inst-7', ['10.254.0.7']))
        self.assertTrue(self.firewall.update_members(['web'], 'inst-7',
                                                     []))
        self.assertIn('ip saddr { 10.254.0.5 } meta l4proto 6',
                      self.applier.script)
        self.assertFalse(self.firewall.update_members(['other'], 'inst-7',
                                                      ['10.254.0.7']))
        self.assertEqual(3, len(self.applier.scripts))

    def test_member_change_copies_only_what_changes(self):
        web = rule(protocol='tcp', low=80, high=80, remote_group='web',
                   members={})
        other = spec(port_id='00000000-0000-4000-8000-000000000002',
                     ips=['10.254.0.6'], instance='inst-2',
                     rules=[rule(protocol='tcp', low=22, high=22)])
        self.firewall.set_instances(['inst-1', 'inst-2'],
                                    [spec([web]), other])
        before = self.firewall._ports
        self.assertTrue(self.firewall.update_members(
            ['web'], 'inst-7', ['10.254.0.7']))
        after = self.firewall._ports
        # The untouched port's spec is shared; the changed one is new and
        # the old state was not changed under its readers.
        self.assertIs(before[other['port_id']], after[other['port_id']])
        self.assertEqual({}, before[PORT]['rules'][0]['remote_members'])
        self.assertEqual({'inst-7': ['10.254.0.7']},
                         after[PORT]['rules'][0]['remote_members'])

    def test_memory_applier_keeps_the_last_scripts_and_counts(self):
        applier = firewall_driver.MemoryApplier()
        for n in range(applier.KEEP + 5):
            applier.apply('script %d' % n)
        self.assertEqual(applier.KEEP + 5, applier.count)
        self.assertEqual(applier.KEEP, len(applier.scripts))
        self.assertEqual('script %d' % (applier.KEEP + 4), applier.script)

    def test_specs_are_copied(self):
        rules = []
        self.firewall.set_instances(['inst-1'], [spec(rules)])
        rules.append(rule(protocol='tcp', low=22, high=22))
        self.firewall.set_instances(['inst-1'], [spec(rules)])
        self.assertEqual(2, len(self.applier.scripts))


def _bridges(*links):
    """``ip -d -j link show type bridge`` output: (name, iptables flag,
    ip6tables flag) per bridge."""
    return json.dumps([{'ifname': name, 'linkinfo': {
        'info_kind': 'bridge', 'info_data': {
            'nf_call_iptables': v4, 'nf_call_ip6tables': v6,
            'nf_call_arptables': 0}}} for name, v4, v6 in links])


def _ns(*args):
    return mock.call(['ip', 'netns', 'exec', 'ns1'] + list(args),
                     input=None, capture_output=True, text=True, timeout=30)


LIST_BRIDGES = ('ip', '-d', '-j', 'link', 'show', 'type', 'bridge')


def _set_flags(bridge):
    return _ns('ip', 'link', 'set', 'dev', bridge, 'type', 'bridge',
               'nf_call_iptables', '1', 'nf_call_ip6tables', '1')


class TestNftApplier(testtools.TestCase):

    def _run(self, listing):
        def run(argv, **_kwargs):
            out = listing if 'show' in argv else ''
            return mock.Mock(returncode=0, stdout=out, stderr='')
        return run

    @mock.patch('subprocess.run')
    def test_runs_nft_in_the_namespace_after_the_bridge_option(self, run):
        run.side_effect = self._run(_bridges(('br0', 0, 0)))
        firewall_driver.NftApplier('ns1', 'br0').apply('script')
        self.assertEqual(
            [_ns(*LIST_BRIDGES), _set_flags('br0'),
             mock.call(['ip', 'netns', 'exec', 'ns1', 'nft', '-f', '-'],
                       input='script', capture_output=True, text=True,
                       timeout=30)], run.call_args_list)

    @mock.patch('subprocess.run')
    def test_project_network_bridges_get_the_flags_too(self, run):
        # A brq bridge made by linux_net has both flags off (the kernel's
        # default for a new bridge): set explicitly, as on the flat one;
        # bridges already on and bridges that are no guest network's are
        # left alone.
        run.side_effect = self._run(_bridges(
            ('br0', 1, 1), ('brq0123456789a', 0, 0),
            ('brqfedcba98765', 1, 0), ('lab-trunk', 0, 0)))
        firewall_driver.NftApplier('ns1', 'br0').prepare()
        self.assertEqual([_ns(*LIST_BRIDGES), _set_flags('brq0123456789a'),
                          _set_flags('brqfedcba98765')],
                         run.call_args_list)

    @mock.patch('subprocess.run')
    def test_nothing_set_when_every_bridge_is_on(self, run):
        run.side_effect = self._run(_bridges(('br0', 1, 1),
                                             ('brq0123456789a', 1, 1)))
        firewall_driver.NftApplier('ns1', 'br0').prepare()
        self.assertEqual([_ns(*LIST_BRIDGES)], run.call_args_list)

    @mock.patch('subprocess.run')
    def test_unreadable_listing_raises(self, run):
        run.side_effect = self._run('not json')
        self.assertRaises(firewall_driver.FirewallError,
                          firewall_driver.NftApplier('ns1', 'br0').prepare)

    @mock.patch('subprocess.run')
    def test_nft_failure_raises(self, run):
        run.return_value = mock.Mock(returncode=1, stdout='',
                                     stderr='Error: syntax')
        exc = self.assertRaises(firewall_driver.FirewallError,
                                firewall_driver.NftApplier('ns1').apply, 's')
        self.assertIn('Error: syntax', str(exc))
