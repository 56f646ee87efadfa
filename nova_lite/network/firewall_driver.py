"""The compute's security group firewall: the port specs of its guests
(``nova_lite.network.firewall``) kept in memory and applied as a whole
through an applier (doc/network-api.md, "Enforcement").

Appliers:

- ``NftApplier``: runs ``nft -f -`` in the node's guest network
  namespace (``[network] guest_netns``), as the compute reaches
  ``dhcp_release`` there (``ip netns exec``), after turning
  ``nf_call_iptables``/``nf_call_ip6tables`` on for every guest bridge
  there: the flat network's (``[network] bridge``) and the project
  networks' (``brq…``, ``network.linux_net``). Bridged IP traffic then
  passes the IP hooks, where the stateful table is. The per-bridge
  flags are set explicitly: a new bridge has them off, and only the
  namespace's ``net.bridge.bridge-nf-call-iptables`` sysctl (on by
  default, but an operator's to change) would send its traffic there;
- ``MemoryApplier``: records what would be applied (the fake driver's,
  for in-process tests).

The compute has no database: the specs come with builds (the
conductor's ``build_start`` answer), with refreshes (a conductor call
after a ``refresh_security_groups`` cast) and, at start-up, for every
port of the host at once (``replace_all``), which also drops the chains
of ports gone meanwhile.
"""
import collections
import copy
import json
import subprocess
import threading

from oslo_log import log as logging

from nova_lite.network import firewall
from nova_lite.network import linux_net

LOG = logging.getLogger(__name__)


class FirewallError(Exception):
    """nft refused the ruleset or could not run."""


class NftApplier:
    """Applies rendered scripts with nft in ``netns`` (None: the
    process's own namespace, for tests run inside a namespace)."""

    def __init__(self, netns, bridge=None, timeout=30):
        self.netns = netns
        self.bridge = bridge
        self.timeout = timeout

    def _cmd(self, args):
        if self.netns:
            return ['ip', 'netns', 'exec', self.netns] + args
        return args

    def _run(self, args, text=None):
        try:
            result = subprocess.run(self._cmd(args), input=text,
                                    capture_output=True, text=True,
                                    timeout=self.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            raise FirewallError('%s: %s' % (' '.join(args), exc)) from exc
        if result.returncode != 0:
            raise FirewallError('%s failed: %s' % (
                ' '.join(args), result.stderr.strip()[:2000]))
        return result.stdout

    def prepare(self):
        """Send the guest bridges' IP traffic through the IP hooks
        (without it the inet table never sees bridged packets): one
        listing of the namespace's bridges, then ``ip link set`` for
        each guest bridge whose flags are not both on yet.

        :raises: FirewallError
        """
        for bridge in self._bridges_to_prepare():
            self._run(['ip', 'link', 'set', 'dev', bridge, 'type',
                       'bridge', 'nf_call_iptables', '1',
                       'nf_call_ip6tables', '1'])
            LOG.info('Bridge %s: IP traffic through the netfilter IP '
                     'hooks', bridge)

    def _bridges_to_prepare(self):
        """Names of the guest bridges (``bridge`` and the project
        networks' ``brq…``) without both ``nf_call_iptables`` and
        ``nf_call_ip6tables`` on (``ip -d -j link show type bridge``)."""
        out = self._run(['ip', '-d', '-j', 'link', 'show', 'type',
                         'bridge'])
        try:
            links = json.loads(out or '[]')
        except ValueError as exc:
            raise FirewallError('ip -d -j link show: %s' % exc) from exc
        found = []
        for link in links:
            name = link.get('ifname', '')
            if name != self.bridge and not name.startswith(
                    linux_net.BRIDGE_PREFIX):
                continue
            flags = (link.get('linkinfo') or {}).get('info_data') or {}
            if flags.get('nf_call_iptables') != 1 or \
                    flags.get('nf_call_ip6tables') != 1:
                found.append(name)
        return found

    def apply(self, script):
        """:raises: FirewallError"""
        self.prepare()
        self._run(['nft', '-f', '-'], script)

    def list_tables(self):
        """``nft list tables`` lines (what a test checks remains)."""
        return [line for line in self._run(['nft', 'list',
                                            'tables']).splitlines()
                if line.strip()]


class MemoryApplier:
    """Records the scripts instead of running nft: ``scripts`` (the last
    ``KEEP`` applied, oldest first), ``script`` (the last, '' before
    any) and ``count`` (how many were applied). Bounded: a fake compute
    applies a script per member change of its security groups, for as
    long as it runs (every boot of a group's server, on each host)."""

    KEEP = 20

    def __init__(self):
        self.scripts = collections.deque(maxlen=self.KEEP)
        self.count = 0

    @property
    def script(self):
        return self.scripts[-1] if self.scripts else ''

    def apply(self, script):
        self.scripts.append(script)
        self.count += 1


def _with_member(rules, groups, instance_uuid, addresses):
    """``rules`` with ``instance_uuid`` at ``addresses`` (none: gone) in
    the ``remote_members`` of the rules whose remote group is one of
    ``groups``: new lists and dicts for what changed, the rest shared
    (copy on write: a member change of a group of 1,000 servers no
    longer copies every port's rules); None when nothing changed."""
    found = None
    for index, rule in enumerate(rules):
        if rule.get('remote_group_id') not in groups:
            continue
        members = rule.get('remote_members') or {}
        updated = dict(members)
        if addresses:
            updated[instance_uuid] = sorted(addresses)
        else:
            updated.pop(instance_uuid, None)
        if updated == members and 'remote_members' in rule:
            continue
        if found is None:
            found = list(rules)
        found[index] = dict(rule, remote_members=updated)
    return found


class PortFirewall:
    """The port specs of one compute and their applied ruleset.

    Thread-safe: builds, deletes and refreshes run in parallel threads;
    each change renders and applies the whole ruleset under one lock, so
    the last change applied holds every port's latest spec. Specs are
    copied in: a caller changing its dicts later changes nothing here.
    """

    def __init__(self, applier):
        self.applier = applier
        self._ports = {}
        self._lock = threading.Lock()

    def ports(self):
        """{port_id: spec} applied now (a copy)."""
        with self._lock:
            return copy.deepcopy(self._ports)

    def _apply(self, ports):
        """Render and apply ``ports``; kept only when applied.
        :raises: FirewallError"""
        self.applier.apply(firewall.render(ports.values()))
        self._ports = ports

    def set_instances(self, instance_uuids, specs):
        """The ports of ``instance_uuids`` become ``specs`` (ports of
        those instances absent from ``specs`` are dropped).
        :raises: FirewallError"""
        uuids = set(instance_uuids)
        specs = copy.deepcopy(list(specs))
        with self._lock:
            ports = {pid: spec for pid, spec in self._ports.items()
                     if spec['instance_uuid'] not in uuids}
            ports.update((s['port_id'], s) for s in specs)
            if ports != self._ports:
                self._apply(ports)

    def update_members(self, group_ids, instance_uuid, addresses):
        """Rules whose remote group is one of ``group_ids`` (uuids) now
        see ``instance_uuid``'s ports at ``addresses`` (none: it left).
        Returns True when the ruleset changed. :raises: FirewallError"""
        groups = set(group_ids)
        with self._lock:
            ports = dict(self._ports)
            changed = False
            for port_id, spec in self._ports.items():
                rules = _with_member(spec['rules'], groups, instance_uuid,
                                     addresses)
                if rules is not None:
                    ports[port_id] = dict(spec, rules=rules)
                    changed = True
            if not changed:
                return False
            self._apply(ports)
            return True

    def remove_instance(self, instance_uuid):
        """Drop the instance's chains. :raises: FirewallError"""
        self.set_instances([instance_uuid], [])

    def replace_all(self, specs):
        """Exactly ``specs``, applied even when unchanged (start-up: the
        tables may hold another process's leftovers).
        :raises: FirewallError"""
        specs = copy.deepcopy(list(specs))
        with self._lock:
            self._apply({s['port_id']: s for s in specs})
        LOG.info('Security groups of %d ports applied', len(specs))
