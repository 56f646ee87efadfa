"""Validation of Networking API input for networks, subnets and ports
(Networking API reference, "Networks", "Subnets", "Ports": attribute
types and the checks Neutron makes on them). Each function returns the
normalized value or raises ``errors.BadRequest`` (400) or the named
Neutron error.
"""
import ipaddress
import itertools
import re

from nova_lite.network import errors

#: Neutron's ``max_dns_nameservers`` and ``max_subnet_host_routes``.
MAX_DNS_NAMESERVERS = 5
MAX_HOST_ROUTES = 20
#: The MTU range of an IPv4 network (RFC 791's minimum; 9000: jumbo).
MTU_RANGE = (68, 9000)
_MAC = re.compile(r'^([0-9a-f]{2}:){5}[0-9a-f]{2}$')


def string(attribute, value, length=255):
    """A string of at most ``length`` characters ('' for None)."""
    value = '' if value is None else value
    if not isinstance(value, str) or len(value) > length:
        raise errors.BadRequest(attribute=attribute, reason='a string of '
                                'at most %d characters is required' % length)
    return value


def boolean(attribute, value):
    """True/False (also "true"/"false", as Neutron converts them)."""
    if isinstance(value, str) and value.lower() in ('true', 'false'):
        return value.lower() == 'true'
    if not isinstance(value, bool):
        raise errors.BadRequest(attribute=attribute, reason="'%s' is not a "
                                'boolean' % str(value)[:32])
    return value


def mtu(value):
    """An MTU in bytes within ``MTU_RANGE``."""
    if isinstance(value, bool) or not isinstance(value, int) \
            or not MTU_RANGE[0] <= value <= MTU_RANGE[1]:
        raise errors.BadRequest(attribute='mtu', reason='an integer from '
                                '%d to %d is required' % MTU_RANGE)
    return value


def address(attribute, value):
    """An IPv4 address as text."""
    try:
        parsed = ipaddress.ip_address(value)
    except (TypeError, ValueError):
        raise errors.BadRequest(attribute=attribute, reason="'%s' is not a "
                                'valid IP address' % str(value)[:64]) \
            from None
    if parsed.version != 4:
        raise errors.BadRequest(attribute=attribute, reason='only IPv4 is '
                                'supported')
    return str(parsed)


def cidr(value):
    """An IPv4 network without host bits (``10.0.0.0/24``)."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        raise errors.BadRequest(attribute='cidr', reason="'%s' is not a "
                                'valid IP subnet' % str(value)[:64]) from None
    if network.version != 4:
        raise errors.BadRequest(attribute='cidr', reason='only IPv4 '
                                'subnets are supported (ip_version 4)')
    if str(network) != value:
        raise errors.BadRequest(attribute='cidr', reason="'%s' isn't a "
                                "recognized IP subnet cidr, '%s' is "
                                'recommended' % (value, network))
    if network.prefixlen > 30:
        raise errors.BadRequest(attribute='cidr', reason='a subnet needs '
                                'a prefix of /30 or shorter')
    return str(network)


def mac(value):
    """A unicast MAC address, lower case."""
    if not isinstance(value, str) or not _MAC.match(value.lower()) \
            or int(value[:2], 16) & 1 or value.lower() == '00:' * 5 + '00':
        raise errors.BadRequest(attribute='mac_address', reason="'%s' is "
                                'not a valid MAC address' % str(value)[:32])
    return value.lower()


def gateway(value, network):
    """``gateway_ip``: None or a host address of ``network``."""
    if value is None:
        return None
    value = address('gateway_ip', value)
    ip = ipaddress.ip_address(value)
    if ip not in network or ip in (network.network_address,
                                   network.broadcast_address):
        raise errors.BadRequest(attribute='gateway_ip', reason='Gateway is '
                                'not valid on subnet: %s is not a host '
                                'address of %s' % (value, network))
    return value


def _pool_range(pool, network):
    if not isinstance(pool, dict) or set(pool) != {'start', 'end'}:
        raise errors.InvalidAllocationPool(pool=str(pool)[:128])
    try:
        start = ipaddress.ip_address(pool['start'])
        end = ipaddress.ip_address(pool['end'])
    except (TypeError, ValueError):
        raise errors.InvalidAllocationPool(pool=str(pool)[:128]) from None
    hosts = (network.network_address, network.broadcast_address)
    if start > end or start not in network or end not in network \
            or start in hosts or end in hosts:
        raise errors.InvalidAllocationPool(pool=str(pool)[:128])
    return start, end


def allocation_pools(value, network, gateway_ip):
    """``[{"start", "end"}]`` inside ``network``'s host addresses, not
    overlapping each other nor holding the gateway.

    :raises: BadRequest, InvalidAllocationPool (400),
        OverlappingAllocationPools (400),
        GatewayConflictWithAllocationPools (409)
    """
    if not isinstance(value, list):
        raise errors.BadRequest(attribute='allocation_pools', reason='a '
                                'list of {"start", "end"} is required')
    ranges = sorted(_pool_range(p, network) for p in value)
    for (s1, e1), (s2, e2) in itertools.pairwise(ranges):
        if s2 <= e1:
            raise errors.OverlappingAllocationPools(
                pool_1='%s-%s' % (s1, e1), pool_2='%s-%s' % (s2, e2),
                subnet_cidr=str(network))
    if gateway_ip is not None:
        gw = ipaddress.ip_address(gateway_ip)
        for start, end in ranges:
            if start <= gw <= end:
                raise errors.GatewayConflictWithAllocationPools(
                    ip_address=gateway_ip, pool='%s-%s' % (start, end))
    return [{'start': str(s), 'end': str(e)} for s, e in ranges]


def dns_nameservers(value):
    """A list of at most ``MAX_DNS_NAMESERVERS`` distinct addresses."""
    if not isinstance(value, list) or len(value) > MAX_DNS_NAMESERVERS:
        raise errors.BadRequest(attribute='dns_nameservers', reason='a '
                                'list of at most %d addresses is required'
                                % MAX_DNS_NAMESERVERS)
    result = [address('dns_nameservers', v) for v in value]
    if len(set(result)) != len(result):
        raise errors.BadRequest(attribute='dns_nameservers',
                                reason='duplicate addresses')
    return result


def host_routes(value):
    """A list of ``{"destination": CIDR, "nexthop": address}``."""
    if not isinstance(value, list) or len(value) > MAX_HOST_ROUTES:
        raise errors.BadRequest(attribute='host_routes', reason='a list of '
                                'at most %d routes is required'
                                % MAX_HOST_ROUTES)
    routes = []
    for route in value:
        if not isinstance(route, dict) or set(route) != {'destination',
                                                         'nexthop'}:
            raise errors.BadRequest(attribute='host_routes', reason='each '
                                    'route is {"destination", "nexthop"}')
        try:
            destination = str(ipaddress.ip_network(route['destination']))
        except (TypeError, ValueError):
            raise errors.BadRequest(attribute='host_routes', reason="'%s' "
                                    'is not a CIDR' % str(
                                        route['destination'])[:64]) from None
        routes.append({'destination': destination,
                       'nexthop': address('host_routes', route['nexthop'])})
    return routes
