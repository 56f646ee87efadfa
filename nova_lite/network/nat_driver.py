"""The 1:1 NAT of floating IPs on a compute (doc/networking.md,
"Floating IPs"): one nftables table ``ip nova_lite_nat`` in the node's
guest namespace (``[network] guest_netns``), rendered from the
mappings of the compute's servers and applied as one ``nft -f -``
transaction, and each floating address on the external interface
(``[network] external_interface``, the namespace's link to the
external network) so that the namespace answers ARP for it:

- ``prerouting``: ``ip daddr F dnat to X`` (the floating address F of a
  fixed address X), so that traffic to F reaches the guest;
- ``output``: the same for connections made in the namespace itself;
- ``postrouting``: ``ip saddr X oifname EXT snat to F``, so that the
  guest's own connections to the external network leave from F
  (replies of inbound connections are translated back by conntrack);
- ``forward`` (filter): what crosses the external interface is traffic
  of a mapped fixed address (after DNAT, or from it); everything else
  from or to it is dropped, and what a guest bridge forwards goes to
  the external interface only (``iifname BR oifname != { BR }``: never
  routed to another bridge; bridged traffic, in and out of one bridge,
  is not touched).

Forwarding is turned on per interface (``net/ipv4/conf/<dev>/
forwarding``), on the external interface and the bridges holding a
mapped fixed address only (IPv4 forwards what comes in on an interface
with forwarding on); every other bridge has it off, so networks of the
namespace stay apart. The table is written before forwarding is turned
on, and forwarding is off before the table is deleted. Floating
addresses are the ``/32`` addresses of the external interface (its own
address must have a shorter prefix); those without a mapping are
removed.
"""
import ipaddress
import subprocess

from oslo_log import log as logging

LOG = logging.getLogger(__name__)
TABLE = 'nova_lite_nat'


class NatError(Exception):
    """nft or ip refused a change or could not run."""


def render(mappings, external_interface, bridges=()):
    """The nft script making ``mappings`` ([(floating, fixed)] IPv4
    address strings) the whole NAT of the namespace, the fixed
    addresses on ``bridges`` (names); without mappings it only deletes
    the table."""
    head = 'add table ip %s\ndelete table ip %s\n' % (TABLE, TABLE)
    if not mappings:
        return head
    ext = '"%s"' % external_interface
    pairs = sorted(set(mappings))
    fixed = ', '.join(sorted({x for _f, x in pairs}))
    dnat = ', '.join('%s : %s' % (f, x) for f, x in pairs)
    snat = ', '.join('%s : %s' % (x, f) for f, x in pairs)
    return head + '\n'.join([
        'table ip %s {' % TABLE,
        '  set fixed { type ipv4_addr; elements = { %s } }' % fixed,
        '  map dnat4 { type ipv4_addr : ipv4_addr; elements = { %s } }'
        % dnat,
        '  map snat4 { type ipv4_addr : ipv4_addr; elements = { %s } }'
        % snat,
        '  chain prerouting { type nat hook prerouting priority dstnat; '
        'policy accept; dnat to ip daddr map @dnat4; }',
        '  chain output { type nat hook output priority -100; '
        'policy accept; dnat to ip daddr map @dnat4; }',
        '  chain postrouting { type nat hook postrouting priority srcnat; '
        'policy accept; oifname %s snat to ip saddr map @snat4; }' % ext,
        '  chain forward { type filter hook forward priority 10; '
        'policy accept;',
        '    oifname %s ip saddr @fixed accept' % ext,
        '    iifname %s ip daddr @fixed accept' % ext,
        '    oifname %s drop' % ext,
        '    iifname %s drop' % ext] + [
        '    iifname "%s" oifname != { "%s" } drop' % (bridge, bridge)
        for bridge in sorted(set(bridges))] + [
        '  }',
        '}', ''])


class NatApplier:
    """Applies mappings in ``netns`` (None: the process's namespace)
    with the floating addresses on ``external_interface``."""

    def __init__(self, netns, external_interface, timeout=30):
        self.netns = netns
        self.external_interface = external_interface
        self.timeout = timeout

    def _run(self, args, text=None):
        cmd = (['ip', 'netns', 'exec', self.netns] if self.netns else []) \
            + args
        try:
            result = subprocess.run(cmd, input=text, capture_output=True,
                                    text=True, timeout=self.timeout)
        except (OSError, subprocess.SubprocessError) as exc:
            raise NatError('%s: %s' % (' '.join(args), exc)) from exc
        if result.returncode != 0:
            raise NatError('%s failed: %s' % (' '.join(args),
                                              result.stderr.strip()[:2000]))
        return result.stdout

    def _floating_addresses(self):
        out = self._run(['ip', '-4', '-o', 'addr', 'show', 'dev',
                         self.external_interface])
        found = set()
        for line in out.splitlines():
            parts = line.split()
            if 'inet' in parts:
                cidr = parts[parts.index('inet') + 1]
                if cidr.endswith('/32'):
                    found.add(cidr[:-3])
        return found

    def _bridges(self):
        """``{bridge name: [ip_network]}`` of the namespace's bridges."""
        out = self._run(['ip', '-4', '-o', 'addr', 'show', 'type',
                         'bridge'])
        found = {}
        for line in out.splitlines():
            parts = line.split()
            if 'inet' in parts:
                found.setdefault(parts[1], []).append(ipaddress.ip_network(
                    parts[parts.index('inet') + 1], strict=False))
        for name in self._run(['ip', '-o', 'link', 'show', 'type',
                               'bridge']).splitlines():
            found.setdefault(name.split(':')[1].strip().split('@')[0], [])
        return found

    def _forwarding(self, devices, on):
        for device in sorted(devices):
            self._run(['sysctl', '-q', '-w', 'net/ipv4/conf/%s/forwarding=%d'
                       % (device, int(on))])

    def apply(self, mappings):
        """Make ``mappings`` ([(floating, fixed)]) the namespace's NAT.

        :raises: NatError
        """
        bridges = self._bridges()
        used = {name for name, nets in bridges.items()
                for _f, fixed in mappings
                if any(ipaddress.ip_address(fixed) in n for n in nets)}
        if mappings:
            self._run(['nft', '-f', '-'], render(
                mappings, self.external_interface, used))
        self._forwarding(set(bridges) - used, False)
        if not mappings:
            self._forwarding([self.external_interface], False)
        self._addresses({f for f, _x in mappings})
        if mappings:
            self._forwarding(used | {self.external_interface}, True)
        else:
            self._run(['nft', '-f', '-'],
                      render([], self.external_interface))

    def _addresses(self, wanted):
        have = self._floating_addresses()
        for address in sorted(wanted - have):
            self._run(['ip', 'addr', 'add', address + '/32', 'dev',
                       self.external_interface])
        for address in sorted(have - wanted):
            self._run(['ip', 'addr', 'del', address + '/32', 'dev',
                       self.external_interface])


class MemoryNat:
    """The fake driver's: records the last mappings applied."""

    def __init__(self):
        self.mappings = []
        self.script = render([], 'ext')

    def apply(self, mappings):
        self.mappings = sorted(mappings)
        self.script = render(mappings, 'ext')
