"""Rule validation and comparison of ``nova_lite.network.sg_rules``
(Networking API reference, "Security group rules")."""
import testtools

from nova_lite.network import errors
from nova_lite.network import sg_rules


def rule(**values):
    return sg_rules.normalize(dict({'direction': 'ingress'}, **values))


class NormalizeTest(testtools.TestCase):

    def test_defaults(self):
        self.assertEqual({'direction': 'egress', 'ethertype': 'IPv4',
                          'protocol': None, 'port_range_min': None,
                          'port_range_max': None, 'remote_ip_prefix': None,
                          'description': ''},
                         sg_rules.normalize({'direction': 'egress'}))

    def test_protocols(self):
        for given, stored in (('TCP', 'tcp'), (6, '6'), ('017', '17'),
                              ('Any', None), ('icmpv6', 'icmpv6')):
            ethertype = 'IPv6' if given == 'icmpv6' else 'IPv4'
            self.assertEqual(stored, rule(protocol=given,
                                          ethertype=ethertype)['protocol'])
        for bad in (True, 3.5, '256', '-1', 'tcp6', [6]):
            self.assertRaises(errors.BadRequest, rule, protocol=bad)

    def test_ports(self):
        self.assertEqual((22, 22), sg_rules.check_ports(6, '22', 22))
        self.assertEqual((8, None), sg_rules.check_ports(1, 8, None))
        self.assertEqual((None, None), sg_rules.check_ports(None, None,
                                                            None))
        for number, low, high in ((6, 0, 10), (6, 10, None), (6, 2, 1),
                                  (47, 1, 2), (None, 1, 2), (58, None, 1),
                                  (1, 256, 0), (17, 'x', 1), (6, True, 1)):
            self.assertRaises(errors.BadRequest, sg_rules.check_ports,
                              number, low, high)

    def test_prefixes(self):
        self.assertEqual('10.1.2.3/8', rule(
            remote_ip_prefix=' 10.1.2.3/8 ')['remote_ip_prefix'])
        self.assertEqual('2001:db8::1/128', rule(
            ethertype='ipv6', remote_ip_prefix='2001:db8::1')[
            'remote_ip_prefix'])
        self.assertEqual('10.0.0.0/8', sg_rules.network_of('10.1.2.3/8'))
        for bad in ('10.0.0.0/33', 'nope', 5):
            self.assertRaises(errors.BadRequest, rule, remote_ip_prefix=bad)
        self.assertRaises(errors.BadRequest, rule, remote_ip_prefix='::/0')


class DuplicateTest(testtools.TestCase):

    def test_same_rule_under_other_spellings(self):
        existing = [dict(rule(protocol='tcp', port_range_min=22,
                              port_range_max=22), remote_group_id=None),
                    dict(rule(ethertype='IPv6', protocol='ipv6-icmp'),
                         remote_group_id=None)]
        same = [dict(rule(protocol='6', port_range_min=22,
                          port_range_max=22, description='x',
                          remote_ip_prefix='0.0.0.0/0'),
                     remote_group_id=None),
                dict(rule(ethertype='IPv6', protocol='icmp'),
                     remote_group_id=None)]
        for candidate, original in zip(same, existing, strict=True):
            self.assertIs(original, sg_rules.find_duplicate(candidate,
                                                            existing))
        other = dict(rule(protocol='tcp', port_range_min=22,
                          port_range_max=22), remote_group_id=7)
        self.assertIsNone(sg_rules.find_duplicate(other, existing))
