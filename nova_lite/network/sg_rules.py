"""Validation and normalization of security group rules, with the
rules of the Networking API reference ("Security group rules") and
Neutron's behaviour where the reference is silent:

- ``direction`` 'ingress' | 'egress' (required);
- ``ethertype`` 'IPv4' (default) | 'IPv6', any letter case;
- ``protocol`` None/'any' (every protocol), a name of PROTOCOLS or a
  number 0-255 (an int or its text; kept as text), names lowercased;
  the IPv6-only protocols (IPV6_ONLY) refuse ethertype IPv4;
- ports: integers 0-65535; for the PORT_PROTOCOLS
  ``port_range_min``..``max`` in 1-65535, both given and min <= max;
  for ICMP (ICMP_PROTOCOLS) ``port_range_min`` is the ICMP type and
  ``port_range_max`` the code (0-255), a code needs a type; no ports
  for other protocols, nor without a protocol;
- ``remote_ip_prefix`` a CIDR or address of the rule's ethertype (kept
  as given, an address as a host prefix; rules compare by its network),
  and not together with ``remote_group_id``.

Every error is a 400 ``errors.BadRequest`` naming the attribute.
"""
import ipaddress

from nova_lite.network import errors

DIRECTIONS = ('ingress', 'egress')
ETHERTYPES = {'ipv4': 'IPv4', 'ipv6': 'IPv6'}
#: Protocol names → IANA numbers (as Neutron accepts them).
PROTOCOLS = {
    'ah': 51, 'dccp': 33, 'egp': 8, 'esp': 50, 'gre': 47, 'hopopt': 0,
    'icmp': 1, 'igmp': 2, 'ipip': 4, 'ipv6-encap': 41, 'ipv6-frag': 44,
    'ipv6-icmp': 58, 'icmpv6': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60,
    'ipv6-route': 43, 'ospf': 89, 'pgm': 113, 'rsvp': 46, 'sctp': 132,
    'tcp': 6, 'udp': 17, 'udplite': 136, 'vrrp': 112,
}
#: Protocols with port ranges (by number).
PORT_PROTOCOLS = frozenset({6, 17, 33, 132, 136})
#: ICMP and ICMPv6: type and code in the port fields.
ICMP_PROTOCOLS = frozenset({1, 58})
#: Protocols that exist over IPv6 only.
IPV6_ONLY = frozenset({41, 43, 44, 58, 59, 60})
ANY_PREFIXES = ('0.0.0.0/0', '::/0')


def _bad(attribute, reason):
    return errors.BadRequest(attribute=attribute, reason=reason)


def protocol_number(protocol):
    """The IANA number of a normalized protocol (None for any)."""
    if protocol is None:
        return None
    return PROTOCOLS[protocol] if protocol in PROTOCOLS else int(protocol)


def normalize_protocol(value):
    """A body's ``protocol`` as stored: None, a lowercase name or a
    number's text. :raises: BadRequest"""
    if value is None or (isinstance(value, str) and value.lower() == 'any'):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _bad('protocol', 'protocol must be a string or an integer')
    text = str(value).strip().lower()
    if text in PROTOCOLS:
        return text
    if text.isdigit() and 0 <= int(text) <= 255:
        return str(int(text))
    raise _bad('protocol', 'protocol %s is not supported; only '
               'protocol names %s and integer representations [0 to 255] '
               'are supported' % (str(value)[:32],
                                  ', '.join(sorted(PROTOCOLS))))


def normalize_ethertype(value):
    """'IPv4' (default) or 'IPv6'. :raises: BadRequest"""
    if value is None:
        return 'IPv4'
    if isinstance(value, str) and value.lower() in ETHERTYPES:
        return ETHERTYPES[value.lower()]
    raise _bad('ethertype', "'%s' is not in ['IPv4', 'IPv6']"
               % str(value)[:32])


def _port(value, attribute):
    """A port field as an int in 0-65535 (None stays None).
    :raises: BadRequest ("Invalid value for port N")"""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _bad(attribute, 'Invalid value for port %r' % value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _bad(attribute, 'Invalid value for port %s'
                   % str(value)[:32]) from None
    if not 0 <= number <= 65535:
        raise _bad(attribute, 'Invalid value for port %d' % number)
    return number


def _icmp(icmp_type, icmp_code):
    if icmp_type is not None and icmp_type > 255:
        raise _bad('port_range_min', 'Invalid value for ICMP type '
                   '(port-range-min): %d' % icmp_type)
    if icmp_code is not None and icmp_code > 255:
        raise _bad('port_range_max', 'Invalid value for ICMP code '
                   '(port-range-max): %d' % icmp_code)
    if icmp_type is None:
        raise _bad('port_range_max', 'ICMP code (port-range-max) %d is '
                   'provided but ICMP type (port-range-min) is missing'
                   % icmp_code)
    return icmp_type, icmp_code


def check_ports(number, low, high):
    """(port_range_min, port_range_max) checked for protocol ``number``:
    ports in 1-65535 and min <= max for port protocols, type and code
    in 0-255 for ICMP. :raises: BadRequest"""
    if low is None and high is None:
        return None, None
    low = _port(low, 'port_range_min')
    high = _port(high, 'port_range_max')
    if number is None:
        raise _bad('port_range_min', 'a protocol is required with a '
                   'port range')
    if number in ICMP_PROTOCOLS:
        return _icmp(low, high)
    if number not in PORT_PROTOCOLS:
        raise _bad('port_range_min', 'port ranges are only supported '
                   'for TCP, UDP, UDPLITE, SCTP and DCCP (and type/code '
                   'for ICMP)')
    for port in (low, high):
        if port == 0:
            raise _bad('port_range_min', 'Invalid value for port 0')
    if low is None or high is None or low > high:
        raise _bad('port_range_min', 'port_range_min must be <= '
                   'port_range_max (both are required for a range)')
    return low, high


def normalize_prefix(value, ethertype):
    """``remote_ip_prefix`` as given, an address becoming a host prefix
    (``10.0.0.5`` → ``10.0.0.5/32``; None stays None); its network
    (``network_of``) is what compares and filters.
    :raises: BadRequest"""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad('remote_ip_prefix', '%r is not a CIDR' % (value,))
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise _bad('remote_ip_prefix', "'%s' is not a valid IP subnet"
                   % value[:64]) from None
    if 'IPv%d' % network.version != ethertype:
        raise _bad('remote_ip_prefix', 'conflicting value ethertype %s '
                   'for CIDR %s' % (ethertype, value[:64]))
    text = value.strip()
    return text if '/' in text else '%s/%d' % (text, network.prefixlen)


def network_of(prefix):
    """The network CIDR of a stored prefix (``10.2.3.124/24`` →
    ``10.2.3.0/24``; None stays None)."""
    if prefix is None:
        return None
    return str(ipaddress.ip_network(prefix, strict=False))


def normalize(body):
    """The rule columns of a validated create body (a dict with
    ``direction``, optional ``ethertype``, ``protocol``,
    ``port_range_min``/``max``, ``remote_ip_prefix``, ``description``);
    ``remote_group_id`` is left to the caller (it needs the database).

    :returns: dict direction, ethertype, protocol, port_range_min,
        port_range_max, remote_ip_prefix, description
    :raises: BadRequest
    """
    direction = body.get('direction')
    if direction not in DIRECTIONS:
        raise _bad('direction', "'%s' is not in ['ingress', 'egress']"
                   % str(direction)[:32])
    ethertype = normalize_ethertype(body.get('ethertype'))
    protocol = normalize_protocol(body.get('protocol'))
    number = protocol_number(protocol)
    if number in IPV6_ONLY and ethertype == 'IPv4':
        raise _bad('protocol', 'protocol %s is only supported with '
                   'ethertype IPv6' % protocol)
    low, high = check_ports(number, body.get('port_range_min'),
                            body.get('port_range_max'))
    prefix = normalize_prefix(body.get('remote_ip_prefix'), ethertype)
    if prefix is not None and body.get('remote_group_id') is not None:
        raise _bad('remote_ip_prefix', 'only remote_ip_prefix or '
                   'remote_group_id may be provided')
    description = body.get('description') or ''
    if not isinstance(description, str) or len(description) > 255:
        raise _bad('description', 'a string of at most 255 characters '
                   'is required')
    return {'direction': direction, 'ethertype': ethertype,
            'protocol': protocol, 'port_range_min': low,
            'port_range_max': high, 'remote_ip_prefix': prefix,
            'description': description}


def _key(rule):
    """What makes two rules the same: ICMP under either name, and an
    any-address prefix like no prefix (as Neutron compares them)."""
    number = protocol_number(rule['protocol'])
    if number == 1 and rule['ethertype'] == 'IPv6':
        number = 58
    prefix = network_of(rule['remote_ip_prefix'])
    if prefix in ANY_PREFIXES:
        prefix = None
    return (rule['direction'], rule['ethertype'], number,
            rule['port_range_min'], rule['port_range_max'], prefix,
            rule.get('remote_group_id'))


def find_duplicate(rule, existing):
    """The rule of ``existing`` (dicts of rule columns) that ``rule``
    repeats, or None."""
    key = _key(rule)
    for other in existing:
        if _key(other) == key:
            return other
    return None
