"""The data plane of project networks on a compute node: a Linux bridge
and a dnsmasq per network, in the node's guest network namespace
(``[network] guest_netns``, doc/networking.md).

The compute has no database: what it needs comes with the build's
network info (``objects.VIF``: ``bridge``, ``cidr``, ``gateway``,
``dhcp``, ``dns_nameservers``, ``mtu``). For each VIF of a project
network (a ``bridge`` other than the flat network's ``[network]
bridge``, which the lab sets up) the compute, before the guest boots:

- creates the bridge (``brq<network uuid[:11]>``) in the namespace if
  absent and brings it up, with the network's MTU;
- puts the subnet's gateway address on it (``GW/prefix``): the guests'
  default route, and their way to the metadata service at
  169.254.169.254 (an address of the same namespace: the namespace
  delivers it locally; nothing is forwarded between bridges, as a new
  namespace has ``ip_forward`` 0, so guests of two networks cannot
  reach each other);
- with DHCP on, starts a dnsmasq for the bridge (DHCP only, answering
  the MACs of its hosts file: ``router`` the gateway, the subnet's DNS
  servers) and writes the guest's entry (``nova_lite.network.dhcp``).

When a network's last entry on the node goes (a delete), its dnsmasq
is stopped and its bridge deleted. A compute restart rebuilds every
network of its live instances (``replace_all``). Files: ``DIR/<bridge>.
hosts``, ``.pid``, ``.leases`` with DIR ``networks/`` beside ``[network]
dhcp_hostsfile``.
"""
import ipaddress
import json
import logging
import os
import signal
import subprocess
import time

from oslo_config import cfg

from nova_lite.network import dhcp

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
#: Bridge name of a project network in a node's guest namespace:
#: ``brq`` and the first 11 characters of the network's uuid (15 at most,
#: Linux's IFNAMSIZ - 1; ``network.api.bridge_name``).
BRIDGE_PREFIX = 'brq'
#: dnsmasq's lease time of project networks.
LEASE_TIME = '1h'
#: Seconds a stopped dnsmasq has to exit.
STOP_TIMEOUT = 5


def _get(vif, key, default=None):
    try:
        value = vif[key]
    except (KeyError, AttributeError, NotImplementedError):
        return default
    return default if value is None else value


def _wait_gone(pid, timeout=STOP_TIMEOUT):
    """Wait until process ``pid`` is gone (at most ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    LOG.warning('dnsmasq %d still runs %.0f s after SIGTERM', pid, timeout)
    return False


class GuestNetworks:
    """The DHCP entries of a node's guests, by network: the flat
    network's in its ``HostsFile`` (``flat``, may be None), the project
    networks' in their own bridges and dnsmasqs. Has ``HostsFile``'s
    ``add``, ``remove`` and ``replace_all``."""

    def __init__(self, netns, state_dir, flat_bridge, flat=None,
                 run=subprocess.run):
        self.netns = netns
        self.state_dir = state_dir
        self.flat_bridge = flat_bridge
        self.flat = flat
        self._run = run
        self._hosts = {}

    # ----------------------------------------------------------- commands

    def _ip(self, *args, check=True):
        return self._run(['ip', '-n', self.netns] + list(args),
                         capture_output=True, text=True, timeout=30,
                         check=check)

    def bridges(self):
        """Names of the project network bridges in the namespace."""
        out = self._ip('-j', 'link', 'show', 'type', 'bridge').stdout
        return sorted(link['ifname'] for link in json.loads(out or '[]')
                      if link['ifname'] != self.flat_bridge)

    def _path(self, bridge, suffix):
        return os.path.join(self.state_dir, '%s.%s' % (bridge, suffix))

    def hosts(self, bridge):
        """The ``dhcp.HostsFile`` of ``bridge``'s dnsmasq."""
        if bridge not in self._hosts:
            self._hosts[bridge] = dhcp.HostsFile(
                self._path(bridge, 'hosts'), self._path(bridge, 'pid'),
                dhcp.lease_releaser(self.netns, bridge))
        return self._hosts[bridge]

    # ------------------------------------------------------------ bridges

    def ensure(self, vif):
        """The VIF's bridge, gateway address and dnsmasq exist."""
        bridge = vif['bridge']
        if self._ip('link', 'show', bridge, check=False).returncode != 0:
            self._ip('link', 'add', bridge, 'type', 'bridge')
            LOG.info('Bridge %s created in %s', bridge, self.netns)
        self._ip('link', 'set', bridge, 'mtu', str(_get(vif, 'mtu', 1500)),
                 'up')
        network = ipaddress.ip_network(vif['cidr'])
        if _get(vif, 'gateway'):
            self._ip('addr', 'replace', '%s/%d' % (vif['gateway'],
                                                   network.prefixlen),
                     'dev', bridge)
        if _get(vif, 'dhcp', True):
            self._ensure_dnsmasq(bridge, vif, network)

    def _ensure_dnsmasq(self, bridge, vif, network):
        hosts = self.hosts(bridge)
        if hosts.dnsmasq_pid() is not None:
            return
        # dnsmasq drops root for nobody: it must read the hosts file.
        os.makedirs(self.state_dir, exist_ok=True)
        os.chmod(self.state_dir, 0o755)
        if not os.path.exists(hosts.path):
            hosts._write('')
        command = [
            'ip', 'netns', 'exec', self.netns, 'dnsmasq',
            '--conf-file=/dev/null', '--no-hosts', '--no-resolv', '--port=0',
            '--bind-interfaces', '--interface=%s' % bridge,
            '--except-interface=lo', '--pid-file=%s' % hosts.pidfile,
            '--dhcp-hostsfile=%s' % hosts.path,
            '--dhcp-leasefile=%s' % self._path(bridge, 'leases'),
            '--dhcp-range=%s,static,%s,%s' % (
                network.network_address, network.netmask, LEASE_TIME)]
        gateway = _get(vif, 'gateway')
        command.append('--dhcp-option=option:router,%s' % gateway
                       if gateway else '--dhcp-option=option:router')
        servers = _get(vif, 'dns_nameservers', [])
        if servers:
            command.append('--dhcp-option=option:dns-server,%s'
                           % ','.join(servers))
        self._run(command, capture_output=True, text=True, timeout=30,
                  check=True)
        LOG.info('dnsmasq of %s started in %s', bridge, self.netns)

    def teardown(self, bridge):
        """Stop ``bridge``'s dnsmasq, delete the bridge and its files."""
        hosts = self.hosts(bridge)
        pid = hosts.dnsmasq_pid()
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
            _wait_gone(pid)
        self._ip('link', 'del', bridge, check=False)
        for suffix in ('hosts', 'pid', 'leases'):
            try:
                os.unlink(self._path(bridge, suffix))
            except FileNotFoundError:
                pass
        self._hosts.pop(bridge, None)
        LOG.info('Bridge %s and its dnsmasq removed from %s', bridge,
                 self.netns)

    # ------------------------------------------------------------ entries

    def _split(self, vifs):
        flat, project = [], {}
        for vif in vifs:
            bridge = _get(vif, 'bridge')
            if not bridge or bridge == self.flat_bridge:
                flat.append(vif)
            else:
                project.setdefault(bridge, []).append(vif)
        return flat, project

    def add(self, vifs, hostname):
        """Entries of ``vifs`` named ``hostname``, after their project
        networks' bridges and dnsmasqs are up."""
        flat, project = self._split(vifs)
        if flat and self.flat is not None:
            self.flat.add(flat, hostname)
        for bridge, bridge_vifs in project.items():
            self.ensure(bridge_vifs[0])
            if _get(bridge_vifs[0], 'dhcp', True):
                self.hosts(bridge).add(bridge_vifs, hostname)

    def remove(self, vifs):
        """Drop the entries of ``vifs``; a project network left without
        guests on this node (no DHCP entry; without DHCP, no interface on
        its bridge) is torn down."""
        flat, project = self._split(vifs)
        if flat and self.flat is not None:
            self.flat.remove(flat)
        for bridge, bridge_vifs in project.items():
            if _get(bridge_vifs[0], 'dhcp', True):
                hosts = self.hosts(bridge)
                hosts.remove(bridge_vifs)
                unused = not hosts.entries()
            else:
                unused = not self._ports_of(bridge)
            if unused:
                self.teardown(bridge)

    def _ports_of(self, bridge):
        """Names of the interfaces enslaved to ``bridge``."""
        out = self._ip('-j', 'link', 'show', 'master', bridge,
                       check=False).stdout
        return [link['ifname'] for link in json.loads(out or '[]')]

    def replace_all(self, instances):
        """Rebuild from the live instances of the node ((hostname, vifs)
        pairs): their networks up with exactly their entries, other
        project bridges torn down (a compute's start)."""
        instances = [(name, list(vifs)) for name, vifs in instances]
        if self.flat is not None:
            self.flat.replace_all(
                [(name, self._split(vifs)[0]) for name, vifs in instances])
        wanted = {}
        for name, vifs in instances:
            for bridge, bridge_vifs in self._split(vifs)[1].items():
                wanted.setdefault(bridge, []).append((name, bridge_vifs))
        for bridge in set(self.bridges()) - set(wanted):
            self.teardown(bridge)
        for bridge, entries in wanted.items():
            self.ensure(entries[0][1][0])
            self.hosts(bridge).replace_all(entries)


def from_config(flat, conf=None):
    """``GuestNetworks`` of ``[network] guest_netns`` (with ``flat``, the
    flat network's ``HostsFile``) when both it and ``dhcp_hostsfile`` are
    set; else ``flat`` itself (no project network data plane)."""
    conf = conf or CONF
    if not (conf.network.guest_netns and conf.network.dhcp_hostsfile):
        return flat
    state_dir = os.path.join(os.path.dirname(os.path.abspath(
        conf.network.dhcp_hostsfile)), 'networks')
    return GuestNetworks(conf.network.guest_netns, state_dir,
                         conf.network.bridge, flat)
