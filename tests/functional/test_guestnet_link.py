"""The lab link between guest networks (devstack/lib/guestnet).

Two hosts' guest networks are built by the lab's own functions
(``guestnet_bridge_ensure``: namespace, bridge with the gateway and
metadata addresses and ``GUEST_GATEWAY_MAC``, the ``trunk`` veth to the
switch namespace and the ``nova_lite_trunk`` nftables table), under a
namespace prefix of the test's own. Stand-in guests are namespaces with a
veth on a host's bridge. The test checks what doc/networking.md promises:

* guests on different hosts reach each other across the link;
* each guest's gateway answers from its own host (the other host's
  bridge never sees the guest's pings: its counters stay still);
* the bridge's own frames (its ARP replies, DHCP replies, metadata
  answers) never leave by the trunk, and another host's guests cannot
  reach a host's bridge addresses;
* a DHCP request does not cross the link.

QEMU guests on a multi-node lab are checked by
``devstack/tools/guestnet-link-check.sh`` (doc/networking.md).
Needs root, ``ip netns``, ``nft`` and busybox; skipped otherwise. About
5 seconds.
"""
import json
import os
import shutil
import subprocess
import uuid

import testtools

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GUESTNET = os.path.join(REPO_ROOT, 'devstack', 'lib', 'guestnet')
FUNCTIONS = os.path.join(REPO_ROOT, 'devstack', 'functions')
GATEWAY = '10.254.0.1'
GATEWAY_MAC = '02:6e:6c:00:00:01'
TIMEOUT = 60  # seconds, one command


def missing(tools=('ip', 'nft', 'busybox')):
    """Why a test of network namespaces cannot run here (not root, one
    of ``tools`` not installed), or None."""
    if os.geteuid() != 0:
        return 'needs root (network namespaces)'
    for tool in tools:
        if shutil.which(tool) is None:
            return '%s is not installed' % tool
    return None


def delete_namespaces(prefix):
    """Delete every network namespace whose name starts with ``prefix``."""
    names = subprocess.run(['ip', 'netns', 'list'], capture_output=True,
                           text=True).stdout.split()
    for name in names:
        if name.startswith(prefix):
            subprocess.run(['ip', 'netns', 'del', name])


class GuestnetLinkTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        reason = missing()
        if reason:
            self.skipTest(reason)
        self.prefix = 'nlt%s-' % uuid.uuid4().hex[:6]
        self.addCleanup(delete_namespaces, self.prefix)
        for host in ('hosta', 'hostb'):
            self._ip('netns', 'add', self._ns('g-' + host))
            self._no_ipv6(self._ns('g-' + host))
        self._lab('guestnet_bridge_ensure hosta && '
                  'guestnet_bridge_ensure hostb')
        self.guests = {}
        self._guest('va', 'hosta', '10.254.0.10')
        self._guest('vb', 'hostb', '10.254.0.20')

    def _lab(self, script):
        """Run SCRIPT in bash with the lab's functions and guestnet lib."""
        env = dict(os.environ, NETNS_PREFIX=self.prefix,
                   GUEST_BRIDGE='br-nova-lite', FIXED_RANGE='10.254.0.0/20',
                   GUEST_GATEWAY_MAC=GATEWAY_MAC)
        full = 'set -euo pipefail; source %s; source %s; %s' % (
            FUNCTIONS, GUESTNET, script)
        return subprocess.run(['bash', '-c', full], env=env, check=True,
                              capture_output=True, text=True,
                              timeout=TIMEOUT).stdout

    def _ns(self, name):
        return self.prefix + name

    def _ip(self, *args):
        subprocess.run(['ip'] + list(args), check=True, timeout=TIMEOUT)

    def _guest(self, name, host, address):
        ns, host_ns = self._ns(name), self._ns('g-' + host)
        self._ip('netns', 'add', ns)
        self._no_ipv6(ns)
        self._ip('-n', host_ns, 'link', 'add', 'v' + name, 'type', 'veth',
                 'peer', 'name', 'eth0', 'netns', ns)
        self._ip('-n', host_ns, 'link', 'set', 'v' + name, 'master',
                 'br-nova-lite', 'up')
        self._ip('-n', ns, 'addr', 'add', address + '/20', 'dev', 'eth0')
        self._ip('-n', ns, 'link', 'set', 'eth0', 'up')
        self._ip('-n', ns, 'link', 'set', 'lo', 'up')
        self.guests[name] = ns

    @staticmethod
    def _no_ipv6(ns):
        """No IPv6 in NS: its link-local chatter would move the counters
        the test reads."""
        subprocess.run(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w',
                        'net.ipv6.conf.all.disable_ipv6=1',
                        'net.ipv6.conf.default.disable_ipv6=1'],
                       check=True, timeout=TIMEOUT)

    def _in(self, name, *cmd, check=True):
        return subprocess.run(['ip', 'netns', 'exec', self.guests[name]]
                              + list(cmd), check=check, capture_output=True,
                              text=True, timeout=TIMEOUT)

    def _ping(self, name, address):
        out = self._in(name, 'busybox', 'ping', '-c', '2', '-W', '2',
                       address, check=False)
        return out.returncode == 0

    def _count_from_trunk(self, host):
        """Install on HOST's namespace a table counting what arrives by its
        trunk: DHCP, ARP for the gateway, IP to the gateway. Returns a
        function giving the three counts (packets) as a dict."""
        ns = self._ns('g-' + host)
        rules = ('iifname "trunk" udp dport 67 counter comment "dhcp"\n'
                 'iifname "trunk" arp daddr ip %s counter comment "arp"\n'
                 'iifname "trunk" ip daddr %s counter comment "ip"\n'
                 % (GATEWAY, GATEWAY))
        chain = ' chain count_%s { type filter hook %s priority -10;\n%s}\n'
        table = 'table bridge nl_test {\n%s%s}\n' % (
            chain % ('forward', 'forward', rules),
            chain % ('input', 'input', rules))
        subprocess.run(['ip', 'netns', 'exec', ns, 'nft', '-f', '-'],
                       input=table, text=True, check=True, timeout=TIMEOUT)

        def counts():
            out = subprocess.run(
                ['ip', 'netns', 'exec', ns, 'nft', '-j', 'list', 'table',
                 'bridge', 'nl_test'], check=True, capture_output=True,
                text=True, timeout=TIMEOUT).stdout
            totals = {'dhcp': 0, 'arp': 0, 'ip': 0}
            for item in json.loads(out)['nftables']:
                rule = item.get('rule')
                if not rule:
                    continue
                for expr in rule['expr']:
                    if 'counter' in expr:
                        totals[rule['comment']] += expr['counter']['packets']
            return totals
        return counts

    def test_guests_meet_across_the_link_services_stay_local(self):
        self.assertTrue(self._ping('va', '10.254.0.20'),
                        'guest on hosta does not reach guest on hostb')
        self.assertTrue(self._ping('vb', '10.254.0.10'))

        # Each gateway answers from its own host, at the shared MAC; the
        # other host sees neither the ARP request nor the pings.
        hostb_sees = self._count_from_trunk('hostb')
        self._in('va', 'ip', 'neigh', 'flush', 'all')
        self.assertTrue(self._ping('va', GATEWAY))
        self.assertIn(GATEWAY_MAC,
                      self._in('va', 'ip', 'neigh', 'show', GATEWAY).stdout)
        self.assertEqual({'dhcp': 0, 'arp': 0, 'ip': 0}, hostb_sees())
        self.assertTrue(self._ping('vb', GATEWAY))

        # Nothing of a bridge itself crosses: its trunk carried no frame
        # with the gateway's MAC as source, in either direction.
        for host in ('hosta', 'hostb'):
            out = subprocess.run(
                ['ip', 'netns', 'exec', self._ns('g-' + host), 'nft', 'list',
                 'table', 'bridge', 'nova_lite_trunk'], check=True,
                capture_output=True, text=True, timeout=TIMEOUT).stdout
            self.assertIn('oifname "trunk" drop', out)
            self.assertIn('iifname "trunk" drop', out)
        fdb = subprocess.run(
            ['bridge', '-n', self._ns('gsw'), 'fdb', 'show', 'br', 'gsw'],
            check=True, capture_output=True, text=True,
            timeout=TIMEOUT).stdout
        self.assertNotIn(GATEWAY_MAC, fdb)

    def test_dhcp_does_not_cross(self):
        # A DHCP discover from hosta's guest never reaches hostb (the
        # forward chain drops udp 67/68 at hosta's trunk).
        hostb_sees = self._count_from_trunk('hostb')
        self._in('va', 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q',
                 '-t', '2', '-T', '1', '-s', '/bin/true', check=False)
        self.assertEqual(0, hostb_sees()['dhcp'])
