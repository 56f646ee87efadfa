"""Security groups enforced by the real applier in network namespaces
(doc/network-api.md, "Enforcement"): no guests, no services.

A test-made "node" namespace holds a bridge (the guest network's
``br-nova-lite`` stand-in, with the gateway address) and three "guest"
namespaces joined to it by veth pairs whose node ends carry the taps'
names (``firewall.device_name(port_id)``), as libvirt names a guest's
tap. Each guest answers TCP on ports 22 and 80 (``socat``). The rules are
rendered from port specs as the conductor sends them and applied with
``NftApplier`` in the node namespace, as the compute applies them.

Needs root, ``ip netns``, ``nft`` and ``socat`` (Debian's iproute2,
nftables, socat); a few seconds. Every namespace is removed at the end.
"""
import os
import secrets
import shutil
import subprocess
import sys
import time

import testtools

from nova_lite.network import firewall
from nova_lite.network import firewall_driver

NET = '10.251.%d' % (secrets.randbelow(200) + 20)
GATEWAY = NET + '.1'
BRIDGE = 'br-nova-lite'


def _skip_reason():
    if os.geteuid() != 0:
        return 'needs root (network namespaces)'
    for tool in ('ip', 'nft', 'socat'):
        if not shutil.which(tool):
            return 'needs %s' % tool
    return None


def _run(*argv, check=True, timeout=10):
    return subprocess.run(argv, check=check, capture_output=True,
                          text=True, timeout=timeout)


def _rule(direction, protocol=None, low=None, high=None, prefix=None,
          remote_group=None, members=None, ethertype='IPv4'):
    return {'id': secrets.token_hex(4), 'direction': direction,
            'ethertype': ethertype, 'protocol': protocol,
            'port_range_min': low, 'port_range_max': high,
            'remote_ip_prefix': prefix, 'remote_group_id': remote_group,
            'remote_members': members or {}}


EGRESS_ALL = [_rule('egress'), _rule('egress', ethertype='IPv6')]


class Guest:
    """A guest namespace behind the tap of ``port_id``."""

    def __init__(self, test, node, index):
        self.port_id = '%08x-%04x-4000-8000-%012x' % (
            secrets.randbits(32), index, index)
        self.tap = firewall.device_name(self.port_id)
        self.ns = '%s-g%d' % (node, index)
        self.ip = '%s.%d' % (NET, 10 + index)
        self.mac = 'fa:16:3e:00:%02x:%02x' % (secrets.randbelow(256),
                                             index)
        _run('ip', 'netns', 'add', self.ns)
        test.addCleanup(_run, 'ip', 'netns', 'del', self.ns, check=False)
        _run('ip', '-n', node, 'link', 'add', self.tap, 'type', 'veth',
             'peer', 'name', 'eth0', 'netns', self.ns)
        _run('ip', '-n', node, 'link', 'set', self.tap, 'master', BRIDGE,
             'up')
        for cmd in (('link', 'set', 'eth0', 'address', self.mac),
                    ('addr', 'add', self.ip + '/24', 'dev', 'eth0'),
                    ('link', 'set', 'eth0', 'up'),
                    ('link', 'set', 'lo', 'up')):
            _run('ip', '-n', self.ns, *cmd)
        for port in (22, 80):
            proc = subprocess.Popen(
                ['ip', 'netns', 'exec', self.ns, 'socat',
                 'TCP-LISTEN:%d,reuseaddr,fork' % port,
                 'SYSTEM:echo %s' % self.ns],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            test.addCleanup(_stop, proc)

    def spec(self, rules):
        return {'port_id': self.port_id, 'instance_uuid': self.ns,
                'mac': self.mac, 'fixed_ips': [self.ip], 'rules': rules}


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def connects(ns, address, port, bind=None):
    """True when a TCP connection from ``ns`` to address:port gets the
    guest's greeting within a second."""
    target = 'TCP:%s:%d,connect-timeout=1' % (address, port)
    if bind:
        target += ',bind=%s' % bind
    result = _run('ip', 'netns', 'exec', ns, 'timeout', '2', 'socat', '-u',
                  target, '-', check=False)
    return result.returncode == 0 and result.stdout.strip() != ''


#: One ICMP echo request with a raw socket (``ping`` is not always
#: installed); exit 0 when the echo reply comes within a second.
_PING = """
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(1)
body = struct.pack('!BBHHH', 8, 0, 0, 0x4e4c, 1) + b'novalite'
total = sum(struct.unpack('!8H', body))
total = (total >> 16) + (total & 0xffff)
checksum = ~(total + (total >> 16)) & 0xffff
s.sendto(body[:2] + struct.pack('!H', checksum) + body[4:],
         (sys.argv[1], 0))
try:
    while True:
        data, peer = s.recvfrom(1500)
        icmp = data[(data[0] & 15) * 4:]
        if peer[0] == sys.argv[1] and icmp[0] == 0:
            sys.exit(0)
except socket.timeout:
    sys.exit(1)
"""


def pings(ns, address):
    """True when ``address`` answers an ICMP echo from ``ns``."""
    return _run('ip', 'netns', 'exec', ns, sys.executable, '-c', _PING,
                address, check=False).returncode == 0


@testtools.skipIf(_skip_reason(), _skip_reason())
class TestNftablesEnforcement(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.node = 'nlsg-%s' % secrets.token_hex(3)
        _run('ip', 'netns', 'add', self.node)
        self.addCleanup(_run, 'ip', 'netns', 'del', self.node, check=False)
        for cmd in (('link', 'add', BRIDGE, 'type', 'bridge'),
                    ('addr', 'add', GATEWAY + '/24', 'dev', BRIDGE),
                    ('link', 'set', BRIDGE, 'up'),
                    ('link', 'set', 'lo', 'up')):
            _run('ip', '-n', self.node, *cmd)
        self.guests = [Guest(self, self.node, i) for i in (1, 2, 3)]
        self.applier = firewall_driver.NftApplier(self.node, BRIDGE)
        self.firewall = firewall_driver.PortFirewall(self.applier)
        self._wait_listening()

    def _wait_listening(self):
        deadline = time.monotonic() + 5
        for guest in self.guests:
            while _run('ip', 'netns', 'exec', guest.ns, 'ss', '-Hltn',
                       'sport = :80', check=False).stdout.strip() == '':
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)

    def ruleset(self):
        return _run('ip', 'netns', 'exec', self.node, 'nft', 'list',
                    'ruleset').stdout

    def test_rules_restart_and_delete(self):
        g1, g2, g3 = self.guests
        base = {g.port_id: g.spec(list(EGRESS_ALL)) for g in self.guests}
        # Before any rule: open (no chain), then default-deny ingress.
        self.assertTrue(connects(g2.ns, g1.ip, 22))
        self.firewall.replace_all(base.values())
        self.assertFalse(connects(g2.ns, g1.ip, 22))
        self.assertFalse(connects(self.node, g1.ip, 22))
        self.assertFalse(pings(g2.ns, g1.ip))
        # The gateway (the namespace's own address) is still reached:
        # egress everywhere, and its replies come back (established).
        self.assertTrue(pings(g1.ns, GATEWAY))

        # tcp/22 from anywhere; ICMP echo only from g2's /32.
        g1_rules = list(EGRESS_ALL) + [
            _rule('ingress', 'tcp', 22, 22),
            _rule('ingress', 'icmp', 8, None, prefix=g2.ip + '/32')]
        self.firewall.set_instances([g1.ns], [g1.spec(g1_rules)])
        self.assertTrue(connects(g2.ns, g1.ip, 22))
        self.assertTrue(connects(self.node, g1.ip, 22))
        self.assertFalse(connects(g2.ns, g1.ip, 80))
        self.assertTrue(pings(g2.ns, g1.ip))
        self.assertFalse(pings(g3.ns, g1.ip))

        # Remote group: port 80 from the group's members (g2) only.
        g1_rules.append(_rule('ingress', 'tcp', 80, 80, remote_group='web',
                              members={g2.ns: [g2.ip]}))
        self.firewall.set_instances([g1.ns], [g1.spec(g1_rules)])
        self.assertTrue(connects(g2.ns, g1.ip, 80))
        self.assertFalse(connects(g3.ns, g1.ip, 80))

        # Anti-spoofing: g3 claiming g2's address gets nothing through.
        _run('ip', '-n', g3.ns, 'addr', 'add', NET + '.99/32', 'dev', 'eth0')
        self.assertTrue(connects(g3.ns, g1.ip, 22))
        self.assertFalse(connects(g3.ns, g1.ip, 22, bind=NET + '.99'))

        # Egress: g3 without egress rules reaches nobody.
        self.firewall.set_instances([g3.ns], [g3.spec([])])
        self.assertFalse(connects(g3.ns, g1.ip, 22))

        # A restarted compute reapplies the same data: the same ruleset.
        before = self.ruleset()
        restarted = firewall_driver.PortFirewall(
            firewall_driver.NftApplier(self.node, BRIDGE))
        restarted.replace_all(self.firewall.ports().values())
        self.assertEqual(before, self.ruleset())
        self.assertTrue(connects(g2.ns, g1.ip, 22))

        # Deleting g3 leaves no chain, map element or set of its tap.
        restarted.remove_instance(g3.ns)
        remaining = self.ruleset()
        self.assertNotIn(g3.tap, remaining)
        self.assertIn(g1.tap, remaining)
        self.assertEqual(['table inet nova_lite_sg',
                          'table bridge nova_lite_sg'],
                         self.applier.list_tables())
        # The last port gone: no table of nova_lite is left.
        restarted.replace_all([])
        self.assertEqual([], self.applier.list_tables())
        self.assertTrue(connects(g2.ns, g1.ip, 80))
