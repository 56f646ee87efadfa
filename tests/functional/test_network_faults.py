"""The data plane of a compute survives faults and goes with its servers
(doc/networking.md, "Faults"), for real: nftables (security groups and
floating IP NAT) and dnsmasq (a project network's DHCP) in a test-made
network namespace, driven by the whole in-process stack.

The compute's guest namespace (``[network] guest_netns``) holds the
flat bridge and a veth ``pub0`` to a "public" namespace (the external
network, a private test range). The hypervisor is the fake driver, with
the real appliers: ``NftApplier`` and ``NatApplier`` in that namespace;
the project network's bridge and dnsmasq are made by the compute
(``linux_net.GuestNetworks``).

Checks:

* a flushed ruleset, a killed dnsmasq, a removed hosts file and a
  removed floating address all come back, equal to before, from the
  periodic resync; and from a compute restart, which also drops a stale
  hosts line, a stale chain and a stale floating address (nothing left
  open);
* deleting the servers leaves no table, chain, hosts entry, bridge,
  dnsmasq or floating address of theirs (what remains is listed and
  asserted empty); a failed build leaves nothing either.

Needs root, ``ip netns``, ``nft`` and ``dnsmasq``; skipped otherwise. A
few seconds.
"""
import glob
import json
import os
import secrets
import shutil
import signal
import subprocess

import fixtures
import testtools

from nova_lite.compute import api as compute_api
from nova_lite.compute import states
from nova_lite.network import dhcp
from nova_lite.network import firewall
from nova_lite.network import firewall_driver
from nova_lite.network import floating_ips as fip_api
from nova_lite.network import nat_driver
from nova_lite.network import networks as network_service
from nova_lite.network import ports as port_service
from nova_lite.network import routers as router_api
from nova_lite.virt import fake
from tests.functional.fixtures import inprocess

FLAT_BRIDGE = 'br-nova-lite'
PUBLIC = '172.24.4'
NET = '10.249.%d' % (secrets.randbelow(200) + 20)


def _skip_reason():
    if os.geteuid() != 0:
        return 'needs root (network namespaces)'
    for tool in ('ip', 'nft', 'dnsmasq'):
        if not shutil.which(tool):
            return 'needs %s' % tool
    return None


def _run(*argv, check=True):
    return subprocess.run(argv, check=check, capture_output=True,
                          text=True, timeout=30)


class NamespaceDriver(fake.FakeDriver):
    """The fake hypervisor with the real nftables appliers of ``netns``
    (``fail``: every spawn fails)."""

    netns = None
    fail = False

    def firewall_applier(self):
        return firewall_driver.NftApplier(self.netns, FLAT_BRIDGE)

    def nat_applier(self):
        return nat_driver.NatApplier(self.netns, 'pub0')

    def _check_spawn(self, instance):
        if self.fail:
            raise RuntimeError('spawn fails (test)')


@testtools.skipIf(_skip_reason(), _skip_reason())
class NetworkFaultsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        prefix = 'nlnf%s' % secrets.token_hex(3)
        self.node = self._netns(prefix + '-node')
        public = self._netns(prefix + '-pub')
        for cmd in (('link', 'add', FLAT_BRIDGE, 'type', 'bridge'),
                    ('link', 'set', FLAT_BRIDGE, 'up'),
                    ('link', 'add', 'pub0', 'type', 'veth', 'peer', 'name',
                     'eth0', 'netns', public),
                    ('addr', 'add', PUBLIC + '.2/24', 'dev', 'pub0'),
                    ('link', 'set', 'pub0', 'up')):
            _run('ip', '-n', self.node, *cmd)
        state = self.useFixture(fixtures.TempDir()).path
        os.chmod(state, 0o755)  # dnsmasq reads the hosts files as nobody
        self.state = os.path.join(state, 'networks')
        self.addCleanup(self._stop_dnsmasqs)
        NamespaceDriver.netns = self.node
        self.addCleanup(setattr, NamespaceDriver, 'fail', False)
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}, overrides={
                ('network', 'guest_netns'): self.node,
                ('network', 'dhcp_hostsfile'): os.path.join(state,
                                                            'flat.hosts'),
                ('network', 'external_interface'): 'pub0',
                ('network', 'bridge'): FLAT_BRIDGE,
                ('compute', 'network_sync_interval'): -1}))
        self.restart_compute()
        self.api = compute_api.API()
        self.ctxt = self.stack.context()
        self.net, self.public = self._networks()

    # ------------------------------------------------------------- setup

    def _netns(self, name):
        _run('ip', 'netns', 'add', name)
        self.addCleanup(_run, 'ip', 'netns', 'del', name, check=False)
        _run('ip', '-n', name, 'link', 'set', 'lo', 'up')
        return name

    def _stop_dnsmasqs(self):
        for pidfile in glob.glob(os.path.join(self.state, '*.pid')):
            pid = dhcp.HostsFile('-', pidfile).dnsmasq_pid()
            if pid is not None:
                os.kill(pid, signal.SIGTERM)

    def _networks(self):
        admin = self.stack.admin
        public = network_service.create_network(admin, '', {
            'name': 'public', 'router:external': True})
        network_service.create_subnet(admin, public, '', {
            'cidr': PUBLIC + '.0/24', 'ip_version': 4,
            'allocation_pools': [{'start': PUBLIC + '.10',
                                  'end': PUBLIC + '.99'}]})
        project = self.ctxt.project_id
        net = network_service.create_network(self.ctxt, project,
                                             {'name': 'net1'})
        subnet = network_service.create_subnet(self.ctxt, net, project, {
            'cidr': NET + '.0/24', 'ip_version': 4})
        router = router_api.create_router(self.ctxt, project, {
            'external_gateway_info': {'network_id': public['uuid']}})
        router_api.add_interface(self.ctxt, router,
                                 {'subnet_id': subnet['uuid']})
        return net, public

    def restart_compute(self):
        """Stop node1's compute as a killed process stops and start a
        new one (new driver, agents and files: nothing kept in memory)."""
        if 'node1' in self.stack.compute_services:
            self.stack.kill_compute('node1')
        self.stack.start_compute('node1', driver=NamespaceDriver('node1'))
        self.compute = self.stack.computes['node1']

    def boot(self, name, state=states.ACTIVE):
        (row,), _ = self.api.create(
            self.ctxt, name, self.stack.image['uuid'], '1',
            requested_networks=[{'network_id': self.net['uuid']}])
        inprocess.wait_for(lambda: self.api.get(
            self.ctxt, row.uuid).vm_state == state,
            message='%s %s' % (name, state))
        return row.uuid

    # ------------------------------------------------------- data plane

    def ruleset(self):
        return _run('ip', 'netns', 'exec', self.node, 'nft', 'list',
                    'ruleset').stdout

    def plane(self):
        """What the node holds for guests: the nft ruleset, each
        project bridge's hosts entries and whether its dnsmasq runs,
        and the floating addresses on ``pub0``."""
        networks = self.compute.dhcp.networks
        bridges = {}
        for bridge in networks.bridges():
            hosts = networks.hosts(bridge)
            bridges[bridge] = (hosts.entries(),
                               hosts.dnsmasq_pid() is not None)
        floating = sorted(
            line.split()[3] for line in _run(
                'ip', '-4', '-o', '-n', self.node, 'addr', 'show', 'dev',
                'pub0').stdout.splitlines() if '/32' in line)
        return {'ruleset': self.ruleset(), 'bridges': bridges,
                'flat': networks.flat.entries(), 'floating': floating}

    def remaining(self):
        """Per-port leftovers: nova_lite tables, project bridges (with
        their hosts entries and dnsmasqs), hosts files, flat entries and
        floating addresses."""
        plane = self.plane()
        tables = [line for line in _run(
            'ip', 'netns', 'exec', self.node, 'nft', 'list',
            'tables').stdout.splitlines() if 'nova_lite' in line]
        files = sorted(os.path.basename(p) for p in glob.glob(
            os.path.join(self.state, '*')))
        return {'tables': tables, 'bridges': plane['bridges'],
                'files': files, 'flat': plane['flat'],
                'floating': plane['floating']}

    def break_plane(self):
        """Flush the ruleset, kill the dnsmasqs (SIGKILL) and remove
        their hosts files, remove the floating addresses."""
        _run('ip', 'netns', 'exec', self.node, 'nft', 'flush', 'ruleset')
        networks = self.compute.dhcp.networks
        for bridge in networks.bridges():
            hosts = networks.hosts(bridge)
            pid = hosts.dnsmasq_pid()
            if pid is not None:
                os.kill(pid, signal.SIGKILL)
            os.unlink(hosts.path)
        for address in self.plane()['floating']:
            _run('ip', '-n', self.node, 'addr', 'del', address, 'dev',
                 'pub0')
        inprocess.wait_for(lambda: not any(
            running for _e, running in self.plane()['bridges'].values()),
            message='dnsmasqs gone')

    def netfilter_flags(self, bridge):
        """(nf_call_iptables, nf_call_ip6tables) of ``bridge``."""
        (link,) = json.loads(_run('ip', '-n', self.node, '-d', '-j', 'link',
                                  'show', 'dev', bridge).stdout)
        data = link['linkinfo']['info_data']
        return data['nf_call_iptables'], data['nf_call_ip6tables']

    # ------------------------------------------------------------ tests

    def test_resync_and_restart_restore_and_delete_removes(self):
        a, b = self.boot('a'), self.boot('b')
        port = port_service.get_ports(self.ctxt, device_id=a)[0]
        fip = fip_api.create_floatingip(self.ctxt, self.ctxt.project_id, {
            'floating_network_id': self.public['uuid'],
            'port_id': port['uuid']})
        floating = fip['floating_ip_address'] + '/32'
        inprocess.wait_for(lambda: self.plane()['floating'] == [floating],
                           message='NAT applied')
        before = self.plane()
        (entries, running), = before['bridges'].values()
        self.assertTrue(running)
        self.assertEqual(2, len(entries))
        # The project network's bridge, made by the compute with both
        # netfilter flags off, has them on: the firewall's apply turned
        # them on, as on the flat bridge (NftApplier.prepare).
        for bridge in list(before['bridges']) + [FLAT_BRIDGE]:
            self.assertEqual((1, 1), self.netfilter_flags(bridge), bridge)
        for tap in {firewall.device_name(p['uuid'])
                    for uuid in (a, b) for p in port_service.get_ports(
                        self.ctxt, device_id=uuid)}:
            self.assertIn('in_' + tap, before['ruleset'])
        self.assertIn('table ip nova_lite_nat', before['ruleset'])

        # The periodic resync puts everything back, equal to before.
        self.break_plane()
        self.assertNotEqual(before, self.plane())
        self.compute.sync_network()
        self.assertEqual(before, self.plane())

        # A restarted compute, too; and drops what is not in the
        # database (a stale hosts line, a stale floating address).
        self.break_plane()
        (bridge,) = before['bridges']
        hosts = self.compute.dhcp.networks.hosts(bridge)
        with open(hosts.path, 'w', encoding='utf-8') as f:
            f.write('fa:16:3e:ee:ee:ee,%s.250,stale\n' % NET)
        _run('ip', '-n', self.node, 'addr', 'add', PUBLIC + '.98/32',
             'dev', 'pub0')
        subprocess.run(
            ['ip', 'netns', 'exec', self.node, 'nft', '-f', '-'],
            input='table inet nova_lite_sg {\n'
                  '  chain in_tapdeadbeef000 { ip daddr %s.250 accept; }\n'
                  '}\n' % NET, text=True, check=True, timeout=30)
        self.restart_compute()
        self.assertEqual(before, self.plane())

        # Deleting the servers leaves nothing of theirs; the network's
        # dnsmasq stays while b is there (re-reading its hosts file).
        pid = hosts.dnsmasq_pid()
        self.api.delete(self.ctxt, a)
        inprocess.wait_for(lambda: self.plane()['floating'] == [],
                           message='NAT of a removed')
        inprocess.wait_for(lambda: len(hosts.entries()) == 1,
                           message='DHCP entry of a removed')
        self.assertEqual(pid, hosts.dnsmasq_pid())
        self.assertNotIn(firewall.device_name(port['uuid']), self.ruleset())
        self.api.delete(self.ctxt, b)
        empty = {'tables': [], 'bridges': {}, 'files': [], 'flat': {},
                 'floating': []}
        inprocess.wait_for(lambda: self.remaining() == empty,
                           message='nothing left')
        self.assertEqual(empty, self.remaining())

    def test_failed_build_leaves_nothing(self):
        NamespaceDriver.fail = True
        self.restart_compute()
        self.boot('broken', state=states.ERROR)
        self.assertEqual({'tables': [], 'bridges': {}, 'files': [],
                          'flat': {}, 'floating': []}, self.remaining())
