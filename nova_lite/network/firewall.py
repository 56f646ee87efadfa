"""Security groups as nftables rules: the pure rendering of a compute's
ports into one nft script (doc/network-api.md, "Enforcement").

The rules follow the Networking API's security group semantics (API
reference "Security groups", as Neutron's firewalls enforce them): per
port, ingress is denied unless a rule allows it, replies of allowed
connections pass (conntrack ``established,related``), egress passes
what the egress rules allow (the default group allows all), and a port
may only send from its own MAC and addresses.

Two tables named ``nova_lite_sg`` are rendered, both owned by nova_lite
and replaced whole (atomically, in one nft transaction) on each change:

- ``bridge nova_lite_sg``: anti-spoofing, per tap (``iifname``), at
  layer 2 where MAC addresses and ARP are visible: a frame from a tap
  must carry the port's MAC, ARP must claim the port's MAC and address,
  IPv4 must come from the port's address (or be a DHCP request from
  0.0.0.0), IPv6 from a link-local or the port's address; everything
  else is dropped.
- ``inet nova_lite_sg``: the stateful rules. Connection tracking is not
  available in the bridge family on kernels without
  ``nf_conntrack_bridge`` (a ``ct`` expression in a bridge table is
  refused with EPROTO there, as on the machine this was written on), so
  bridged IP traffic is sent through the IP hooks (the bridge's
  ``nf_call_iptables``/``nf_call_ip6tables``, br_netfilter) and filtered
  in an ``inet`` table. The IP hooks see the bridge, not the tap, so a
  port's chains are found by its addresses (``ip saddr`` for egress,
  ``ip daddr`` for ingress), which the bridge table guarantees belong to
  that port alone.

A port spec (what the conductor sends, see
``nova_lite.network.port_security.port_specs``) is a dict::

    {'port_id': str, 'instance_uuid': str, 'mac': 'fa:16:3e:..',
     'fixed_ips': ['10.254.0.5', ...],
     'rules': [{'id', 'direction' 'ingress'|'egress',
                'ethertype' 'IPv4'|'IPv6', 'protocol' (None, a name of
                sg_rules.PROTOCOLS or a number's text),
                'port_range_min', 'port_range_max' (ints or None; ICMP
                type and code for ICMP), 'remote_ip_prefix' (CIDR or
                None), 'remote_group_id' (uuid or None),
                'remote_ips' ([address] of the remote group's members;
                only read with a remote_group_id)}]}
"""
import ipaddress

from nova_lite.network import sg_rules

TABLE = 'nova_lite_sg'
#: The DHCP server's and client's UDP ports (RFC 2131).
DHCP_SERVER, DHCP_CLIENT = 67, 68
#: The metadata service every guest may reach (doc/metadata.md).
METADATA = ('169.254.169.254', 80)
#: ICMPv6 neighbour discovery a port always receives (RFC 4861).
ND_TYPES = 'nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert'
_FAMILY = {'IPv4': ('ip', 'icmp'), 'IPv6': ('ip6', 'icmpv6')}


def device_name(port_id):
    """The tap of a port: ``tap`` and the first 11 characters of its id
    (14 characters; Linux names have at most 15), the name libvirt is
    told to give the NIC (``<target dev=.../>``)."""
    return 'tap' + port_id[:11]


def _chain(kind, port_id):
    return '%s_%s' % (kind, device_name(port_id))


def _addresses(spec, version):
    return sorted((a for a in spec['fixed_ips']
                   if ipaddress.ip_address(a).version == version),
                  key=ipaddress.ip_address)


def _set(items):
    return '{ %s }' % ', '.join(items)


def _protocol_match(rule):
    """Protocol and port/type matches of a rule ([] for any protocol)."""
    number = sg_rules.protocol_number(rule['protocol'])
    if number is None:
        return []
    family, icmp = _FAMILY[rule['ethertype']]
    low, high = rule['port_range_min'], rule['port_range_max']
    if number in sg_rules.ICMP_PROTOCOLS:
        # "icmp" with IPv6 means ICMPv6, as Neutron reads it.
        match = ['meta l4proto %s' % ('icmp' if family == 'ip'
                                      else 'ipv6-icmp')]
        if low is not None:
            match.append('%s type %d' % (icmp, low))
        if high is not None:
            match.append('%s code %d' % (icmp, high))
        return match
    match = ['meta l4proto %d' % number]
    if low is not None and number in sg_rules.PORT_PROTOCOLS:
        match.append('th dport %d' % low if low == high
                     else 'th dport %d-%d' % (low, high))
    return match


def _remote_match(rule):
    """The remote side's match ([] for anywhere), or None when the
    rule matches nothing (a remote group without members of the rule's
    ethertype)."""
    family = _FAMILY[rule['ethertype']][0]
    side = 'saddr' if rule['direction'] == 'ingress' else 'daddr'
    if rule.get('remote_group_id'):
        version = 4 if rule['ethertype'] == 'IPv4' else 6
        members = rule.get('remote_members') or {}
        ips = sorted({a for found in members.values() for a in found
                      if ipaddress.ip_address(a).version == version},
                     key=ipaddress.ip_address)
        if not ips:
            return None
        return ['%s %s %s' % (family, side, _set(ips))]
    prefix = sg_rules.network_of(rule.get('remote_ip_prefix'))
    if prefix is None or prefix in sg_rules.ANY_PREFIXES:
        return []
    return ['%s %s %s' % (family, side, prefix)]


def rule_statement(rule, verdict):
    """The nft statement of one rule with ``verdict`` ('accept' or
    'return'), or None when it can match nothing.

    >>> rule_statement({'direction': 'ingress', 'ethertype': 'IPv4',
    ...                 'protocol': 'tcp', 'port_range_min': 22,
    ...                 'port_range_max': 22, 'remote_ip_prefix': None},
    ...                'accept')
    'meta nfproto ipv4 meta l4proto 6 th dport 22 accept'
    """
    remote = _remote_match(rule)
    if remote is None:
        return None
    nfproto = 'ipv4' if rule['ethertype'] == 'IPv4' else 'ipv6'
    parts = ['meta nfproto %s' % nfproto] + remote + _protocol_match(rule)
    return ' '.join(parts + [verdict])


def _rule_lines(spec, direction, verdict):
    lines = []
    for rule in spec['rules']:
        if rule['direction'] != direction:
            continue
        line = rule_statement(rule, verdict)
        if line is not None and line not in lines:
            lines.append(line)
    return lines


def ingress_chain(spec):
    """Statements of the port's ingress chain (inet table): replies,
    DHCP answers, neighbour discovery, the rules, then drop."""
    return (['ct state established,related accept',
             'ct state invalid drop',
             'meta l4proto udp udp sport %d udp dport %d accept'
             % (DHCP_SERVER, DHCP_CLIENT),
             'meta l4proto ipv6-icmp icmpv6 type { %s } accept' % ND_TYPES]
            + _rule_lines(spec, 'ingress', 'accept') + ['drop'])


def egress_chain(spec):
    """Statements of the port's egress chain (inet table): replies,
    DHCP requests, no DHCP answers, the metadata service, the rules
    (``return``: the receiver's ingress chain decides next), then
    drop."""
    return (['ct state established,related return',
             'ct state invalid drop',
             'meta l4proto udp udp sport %d udp dport %d return'
             % (DHCP_CLIENT, DHCP_SERVER),
             'meta l4proto udp udp sport %d udp dport %d drop'
             % (DHCP_SERVER, DHCP_CLIENT),
             'meta l4proto ipv6-icmp icmpv6 type { nd-router-solicit, %s }'
             ' return' % ND_TYPES,
             'ip daddr %s tcp dport %d return' % METADATA]
            + _rule_lines(spec, 'egress', 'return') + ['drop'])


def spoof_chain(spec):
    """Statements of the port's anti-spoofing chain (bridge table)."""
    mac = spec['mac'].lower()
    v4, v6 = _addresses(spec, 4), _addresses(spec, 6)
    lines = ['ether saddr != %s drop' % mac,
             'ether type arp arp saddr ether != %s drop' % mac,
             'ether type arp arp saddr ip != %s drop'
             % _set(['0.0.0.0'] + v4),
             'ether type arp return',
             'ether type ip ip saddr 0.0.0.0 ip daddr 255.255.255.255 '
             'udp sport %d udp dport %d return' % (DHCP_CLIENT, DHCP_SERVER)]
    if v4:
        lines.append('ether type ip ip saddr %s return' % _set(v4))
    lines.append('ether type ip6 ip6 saddr %s return'
                 % _set(['::', 'fe80::/64'] + v6))
    return lines + ['drop']


def _chain_block(name, statements, hook=None):
    out = ['  chain %s {' % name]
    if hook is not None:
        out.append('    type filter hook %s priority %s; policy accept;'
                   % hook)
    out.extend('    ' + s for s in statements)
    out.append('  }')
    return out


def _map_block(name, key_type, elements):
    out = ['  map %s {' % name, '    type %s : verdict' % key_type]
    if elements:
        out.append('    elements = { %s }' % ', '.join(
            '%s : jump %s' % item for item in elements))
    return out + ['  }']


def _inet_table(specs):
    maps = {'ingress4': [], 'egress4': [], 'ingress6': [], 'egress6': []}
    chains = []
    for spec in specs:
        port = spec['port_id']
        for version in (4, 6):
            for address in _addresses(spec, version):
                maps['ingress%d' % version].append(
                    (address, _chain('in', port)))
                maps['egress%d' % version].append(
                    (address, _chain('out', port)))
        chains += _chain_block(_chain('in', port), ingress_chain(spec))
        chains += _chain_block(_chain('out', port), egress_chain(spec))
    lines = ['table inet %s {' % TABLE]
    for name, elements in maps.items():
        key = 'ipv4_addr' if name.endswith('4') else 'ipv6_addr'
        lines += _map_block(name, key, elements)
    lines += chains
    hooks = (('forward', ['ip saddr vmap @egress4', 'ip6 saddr vmap @egress6',
                          'ip daddr vmap @ingress4',
                          'ip6 daddr vmap @ingress6']),
             ('input', ['ip saddr vmap @egress4',
                        'ip6 saddr vmap @egress6']),
             ('output', ['ip daddr vmap @ingress4',
                         'ip6 daddr vmap @ingress6']))
    for hook, statements in hooks:
        lines += _chain_block(hook, statements, (hook, 'filter'))
    return lines + ['}']


def _bridge_table(specs):
    elements = [('"%s"' % device_name(s['port_id']),
                 _chain('spoof', s['port_id'])) for s in specs]
    lines = ['table bridge %s {' % TABLE]
    lines += _map_block('ports', 'ifname', elements)
    for spec in specs:
        lines += _chain_block(_chain('spoof', spec['port_id']),
                              spoof_chain(spec))
    lines += _chain_block('prerouting', ['iifname vmap @ports'],
                          ('prerouting', 'filter'))
    return lines + ['}']


def render(specs):
    """The nft script that makes both ``nova_lite_sg`` tables hold
    exactly the chains of ``specs`` (port specs, see the module doc),
    replacing what was there in one transaction; with no port it only
    deletes the tables. Ports are ordered by id, so equal data renders
    equal text.

    :raises: KeyError/ValueError for a malformed spec
    """
    specs = sorted(specs, key=lambda s: s['port_id'])
    lines = ['add table inet %s' % TABLE, 'delete table inet %s' % TABLE,
             'add table bridge %s' % TABLE,
             'delete table bridge %s' % TABLE]
    if specs:
        lines += _inet_table(specs) + _bridge_table(specs)
    return '\n'.join(lines) + '\n'
