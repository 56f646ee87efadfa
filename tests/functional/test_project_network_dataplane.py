"""The data plane of project networks on a compute node
(``nova_lite.network.linux_net``, doc/networking.md), for real in
network namespaces: a node's guest namespace, and stand-in guests
(namespaces with a veth on a bridge, as QEMU's tap would be).

Checks:

* ``add`` makes each network's bridge with its gateway address and a
  dnsmasq that answers the guest's MAC with its address (busybox
  udhcpc's DHCP exchange), and no other MAC;
* a guest reaches its gateway; guests of two networks cannot reach each
  other (separate bridges, nothing forwarded);
* ``remove`` of a network's last entry stops its dnsmasq and deletes its
  bridge; ``replace_all`` (a compute's start) rebuilds the networks of
  the live instances and removes the others.

Needs root, ``ip netns``, dnsmasq and busybox; skipped otherwise. A few
seconds.
"""
import os
import shutil
import subprocess
import uuid

import fixtures
import testtools

from nova_lite.network import linux_net
from nova_lite.objects import instance as instance_obj

TIMEOUT = 30  # seconds, one command
NETS = {'a': ('10.31.0.0/28', '10.31.0.1', '10.31.0.5', 'fa:16:3e:31:00:05'),
        'b': ('10.32.0.0/28', '10.32.0.1', '10.32.0.5', 'fa:16:3e:32:00:05')}


def _missing():
    if os.geteuid() != 0:
        return 'needs root (network namespaces)'
    for tool in ('ip', 'dnsmasq', 'busybox'):
        if shutil.which(tool) is None:
            return '%s is not installed' % tool
    return None


def _run(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True,
                          timeout=TIMEOUT, check=check)


class ProjectNetworkDataplaneTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        reason = _missing()
        if reason:
            self.skipTest(reason)
        self.prefix = 'nlp%s-' % uuid.uuid4().hex[:6]
        self.node = self.prefix + 'node'
        self.addCleanup(self._delete_namespaces)
        _run('ip', 'netns', 'add', self.node)
        _run('ip', '-n', self.node, 'link', 'set', 'lo', 'up')
        self.state = self.useFixture(fixtures.TempDir()).path
        os.chmod(self.state, 0o755)  # dnsmasq reads it as nobody
        self.state = os.path.join(self.state, 'networks')
        self.networks = linux_net.GuestNetworks(
            self.node, self.state, 'br-nova-lite', flat=None)
        self.addCleanup(self._stop_dnsmasqs)
        self.bridges = {}
        self.vifs = {}
        for name, (cidr, gateway, address, mac) in NETS.items():
            bridge = 'brq%s-%s' % (name, uuid.uuid4().hex[:6])
            self.bridges[name] = bridge
            self.vifs[name] = instance_obj.VIF(
                address=address, mac=mac, network_label=name,
                network_id=1, cidr=cidr, gateway=gateway, bridge=bridge,
                dhcp=True, dns_nameservers=['192.0.2.53'], mtu=1450)

    def _delete_namespaces(self):
        for line in _run('ip', 'netns', 'list').stdout.splitlines():
            name = line.split()[0] if line.split() else ''
            if name.startswith(self.prefix):
                _run('ip', 'netns', 'del', name, check=False)

    def _stop_dnsmasqs(self):
        for bridge in self.bridges.values():
            pid = self.networks.hosts(bridge).dnsmasq_pid()
            if pid is not None:
                os.kill(pid, 15)

    def _guest(self, name, mac):
        """A stand-in guest on network ``name``'s bridge with ``mac``."""
        guest = self.prefix + 'g' + name
        _run('ip', 'netns', 'add', guest)
        _run('ip', '-n', self.node, 'link', 'add', 'tap' + name, 'type',
             'veth', 'peer', 'name', 'eth0', 'netns', guest)
        _run('ip', '-n', self.node, 'link', 'set', 'tap' + name, 'master',
             self.bridges[name], 'up')
        _run('ip', '-n', guest, 'link', 'set', 'eth0', 'address', mac, 'up')
        _run('ip', '-n', guest, 'link', 'set', 'lo', 'up')
        return guest

    def _dhcp(self, guest, tries=4):
        """The address udhcpc is offered (None when no answer)."""
        result = _run('ip', 'netns', 'exec', guest, 'busybox', 'udhcpc',
                      '-i', 'eth0', '-n', '-q', '-f', '-t', str(tries), '-T',
                      '1',
                      '-s', '/bin/true', check=False)
        for line in (result.stdout + result.stderr).splitlines():
            if 'lease of' in line and 'obtained' in line:
                return line.split('lease of')[1].split()[0]
        return None

    def _ping(self, guest, address):
        return _run('ip', 'netns', 'exec', guest, 'busybox', 'ping', '-c',
                    '1', '-W', '1', address, check=False).returncode == 0

    def test_networks_are_separate_and_go_with_their_last_guest(self):
        for name in NETS:
            self.networks.add([self.vifs[name]], 'vm-' + name)
        links = _run('ip', '-n', self.node, '-o', 'addr', 'show').stdout
        self.assertIn('10.31.0.1/28', links)
        self.assertIn('10.32.0.1/28', links)
        self.assertEqual(sorted(self.bridges.values()),
                         self.networks.bridges())
        guests = {}
        for name, (_cidr, gateway, address, mac) in NETS.items():
            guest = guests[name] = self._guest(name, mac)
            self.assertEqual(address, self._dhcp(guest))
            _run('ip', '-n', guest, 'addr', 'add', address + '/28', 'dev',
                 'eth0')
            _run('ip', '-n', guest, 'route', 'add', 'default', 'via',
                 gateway)
            self.assertTrue(self._ping(guest, gateway))
        # No path between the networks: the node forwards nothing.
        self.assertFalse(self._ping(guests['a'], NETS['b'][2]))
        self.assertFalse(self._ping(guests['b'], NETS['a'][2]))
        # An unknown MAC gets no answer.
        stranger = self.prefix + 'gx'
        _run('ip', 'netns', 'add', stranger)
        _run('ip', '-n', self.node, 'link', 'add', 'tapx', 'type', 'veth',
             'peer', 'name', 'eth0', 'netns', stranger)
        _run('ip', '-n', self.node, 'link', 'set', 'tapx', 'master',
             self.bridges['a'], 'up')
        _run('ip', '-n', stranger, 'link', 'set', 'eth0', 'up')
        self.assertIsNone(self._dhcp(stranger, tries=2))
        # The last guest of b goes: b's dnsmasq and bridge go.
        pid = self.networks.hosts(self.bridges['b']).dnsmasq_pid()
        self.networks.remove([self.vifs['b']])
        self.assertEqual([self.bridges['a']], self.networks.bridges())
        self.assertFalse(os.path.exists('/proc/%d' % pid))
        self.assertFalse(os.path.exists(os.path.join(
            self.state, self.bridges['b'] + '.hosts')))
        # A compute start with only b's guest: a goes, b comes back.
        self.networks.replace_all([('vm-b', [self.vifs['b']])])
        self.assertEqual([self.bridges['b']], self.networks.bridges())
        self.assertEqual({'fa:16:3e:32:00:05': ('10.32.0.5', 'vm-b')},
                         self.networks.hosts(self.bridges['b']).entries())
