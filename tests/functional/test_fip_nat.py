"""Floating IPs' 1:1 NAT by the real applier in network namespaces
(doc/networking.md, "Floating IPs"): no guests, no services.

A test-made "node" namespace (the compute's guest namespace) holds two
bridges with their gateway addresses and "guest" namespaces joined to
them by veth pairs, and a veth ``pub0`` to a "public" namespace (the
lab's external network, a private test range: 172.24.4.0/24). Guests
and the public side answer TCP with the address they see the client
at (``socat`` ``$SOCAT_PEERADDR``). The NAT is applied with
``NatApplier`` in the node namespace, as the compute applies it.

Needs root, ``ip netns``, ``nft`` and ``socat``; a few seconds. Every
namespace is removed at the end.
"""
import os
import secrets
import shutil
import subprocess
import time

import testtools

from nova_lite.network import nat_driver

NET = '10.252.%d' % (secrets.randbelow(200) + 20)
OTHER_NET = '10.253.%d' % (secrets.randbelow(200) + 20)
PUBLIC = '172.24.4'
FLOATING = PUBLIC + '.10'


def _skip_reason():
    if os.geteuid() != 0:
        return 'needs root (network namespaces)'
    for tool in ('ip', 'nft', 'socat', 'ss'):
        if not shutil.which(tool):
            return 'needs %s' % tool
    return None


def _run(*argv, check=True, timeout=10):
    return subprocess.run(argv, check=check, capture_output=True,
                          text=True, timeout=timeout)


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def peer_seen(ns, address, port):
    """The client address the server at address:port saw, or None when
    no TCP connection from ``ns`` got its answer within a second. (A
    longer wait before the association would leave the public side's
    ARP entry of the floating address FAILED for a while: the compute
    sends no gratuitous ARP yet, doc/networking.md.)"""
    result = _run('ip', 'netns', 'exec', ns, 'timeout', '3', 'socat', '-u',
                  'TCP:%s:%d,connect-timeout=1' % (address, port), '-',
                  check=False)
    answer = result.stdout.strip()
    return answer if result.returncode == 0 and answer else None


class FloatingIPNatTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        reason = _skip_reason()
        if reason:
            self.skipTest(reason)
        prefix = 'nlfip%s' % secrets.token_hex(3)
        self.node = self._netns(prefix + '-node')
        self.public = self._netns(prefix + '-pub')
        _run('ip', '-n', self.node, 'link', 'add', 'pub0', 'type', 'veth',
             'peer', 'name', 'eth0', 'netns', self.public)
        self._address(self.node, 'pub0', PUBLIC + '.2/24')
        self._address(self.public, 'eth0', PUBLIC + '.1/24')
        self._listen(self.public, 8080)
        self.guest = self._guest('brqa', NET, 10)
        self.plain = self._guest('brqa', NET, 11, bridge_exists=True)
        self.stranger = self._guest('brqb', OTHER_NET, 10)
        self.applier = nat_driver.NatApplier(self.node, 'pub0')

    def _netns(self, name):
        _run('ip', 'netns', 'add', name)
        self.addCleanup(_run, 'ip', 'netns', 'del', name, check=False)
        _run('ip', '-n', name, 'link', 'set', 'lo', 'up')
        return name

    def _address(self, ns, dev, cidr):
        _run('ip', '-n', ns, 'addr', 'add', cidr, 'dev', dev)
        _run('ip', '-n', ns, 'link', 'set', dev, 'up')

    def _listen(self, ns, port):
        proc = subprocess.Popen(
            ['ip', 'netns', 'exec', ns, 'socat',
             'TCP-LISTEN:%d,reuseaddr,fork' % port,
             'SYSTEM:echo $SOCAT_PEERADDR'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(_stop, proc)
        deadline = time.monotonic() + 10
        while not _run('ip', 'netns', 'exec', ns, 'ss', '-Hltn',
                       'sport = :%d' % port).stdout.strip():
            if time.monotonic() > deadline:
                self.fail('socat does not listen on %s:%d' % (ns, port))
            time.sleep(0.05)

    def _guest(self, bridge, net, index, bridge_exists=False):
        """A guest namespace on ``bridge`` (gateway net.1) at
        net.index, answering TCP on port 80; returns (ns, address)."""
        if not bridge_exists:
            _run('ip', '-n', self.node, 'link', 'add', bridge, 'type',
                 'bridge')
            self._address(self.node, bridge, net + '.1/24')
        ns = self._netns('%s-%s%d' % (self.node, bridge, index))
        tap = 'tap%s%d' % (bridge, index)
        _run('ip', '-n', self.node, 'link', 'add', tap, 'type', 'veth',
             'peer', 'name', 'eth0', 'netns', ns)
        _run('ip', '-n', self.node, 'link', 'set', tap, 'master', bridge,
             'up')
        address = '%s.%d' % (net, index)
        self._address(ns, 'eth0', address + '/24')
        _run('ip', '-n', ns, 'route', 'add', 'default', 'via', net + '.1')
        self._listen(ns, 80)
        return ns, address

    def test_associate_and_disassociate(self):
        guest_ns, guest_ip = self.guest
        self.assertIsNone(peer_seen(self.public, FLOATING, 80))
        self.applier.apply([(FLOATING, guest_ip)])
        # Inbound: the guest sees the real client; the client got its
        # answer from the floating address it connected to.
        self.assertEqual(PUBLIC + '.1', peer_seen(self.public, FLOATING, 80))
        # Outbound: the guest's connection leaves from its floating IP.
        self.assertEqual(FLOATING, peer_seen(guest_ns, PUBLIC + '.1', 8080))
        # A guest without a floating IP does not get out, and forwarding
        # does not join the two bridges' networks.
        self.assertIsNone(peer_seen(self.plain[0], PUBLIC + '.1', 8080))
        self.assertIsNone(peer_seen(self.stranger[0], guest_ip, 80))
        self.assertIsNone(peer_seen(guest_ns, self.stranger[1], 80))
        self.assertEqual(self.plain[1], peer_seen(self.plain[0], guest_ip,
                                                  80))
        # Reapplying the same mappings is harmless.
        self.applier.apply([(FLOATING, guest_ip)])
        self.assertEqual(PUBLIC + '.1', peer_seen(self.public, FLOATING, 80))

        self.applier.apply([])
        self.assertIsNone(peer_seen(self.public, FLOATING, 80))
        self.assertIsNone(peer_seen(guest_ns, PUBLIC + '.1', 8080))
        self.assertNotIn('nova_lite_nat', _run(
            'ip', 'netns', 'exec', self.node, 'nft', 'list',
            'tables').stdout)
        self.assertNotIn(FLOATING, _run('ip', '-n', self.node, 'addr',
                                        'show', 'dev', 'pub0').stdout)
        for device in ('pub0', 'brqa', 'brqb'):
            self.assertEqual('0', _run(
                'ip', 'netns', 'exec', self.node, 'sysctl', '-n',
                'net/ipv4/conf/%s/forwarding' % device).stdout.strip())

    def test_moving_a_floating_ip(self):
        _guest_ns, guest_ip = self.guest
        self.applier.apply([(FLOATING, guest_ip)])
        self.applier.apply([(FLOATING, self.plain[1])])
        self.assertEqual(PUBLIC + '.1', peer_seen(self.public, FLOATING, 80))
        self.assertEqual(FLOATING, peer_seen(self.plain[0], PUBLIC + '.1',
                                             8080))
        self.assertIsNone(peer_seen(_guest_ns, PUBLIC + '.1', 8080))
