"""Networks of servers: the deployment's flat network (created from
``[network]`` — label, fixed_range, gateway, bridge, dns_nameservers —
on first use, idempotent across processes) and the networks and ports a
server's create request names (``instances.requested_networks``).
"""
import ipaddress
import threading

from oslo_config import cfg

from nova_lite.db import instances as instance_db
from nova_lite.db import network as network_db
from nova_lite.db import ports as port_db
from nova_lite import exception
from nova_lite.network import errors
from nova_lite.network import linux_net
from nova_lite.network import nat
from nova_lite.network import port_security
from nova_lite.network import validate
from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF

#: ``instances.network_request`` of a server created without any network
#: (``"networks": "none"``, compute API microversion 2.37): no fixed IP is
#: allocated and the driver gets no NIC.  NULL means the flat network
#: (or the NICs of ``requested_networks``).
NO_NETWORK = 'none'
#: Bridge name prefix of a project network (``linux_net.BRIDGE_PREFIX``).
BRIDGE_PREFIX = linux_net.BRIDGE_PREFIX
_CACHE = {}
_CACHE_LOCK = threading.Lock()


def get_default_network(context):
    """The flat network's dict, creating it from ``[network]`` if absent."""
    label = CONF.network.label
    with _CACHE_LOCK:
        if label in _CACHE:
            return _CACHE[label]
    try:
        network = network_db.network_get_by_label(context, label)
    except exception.NetworkNotFound:
        network = network_db.network_create(
            context, label, CONF.network.fixed_range,
            gateway=CONF.network.gateway, bridge=CONF.network.bridge,
            dns_nameservers=CONF.network.dns_nameservers)
    with _CACHE_LOCK:
        _CACHE[label] = network
    return network


def get_all(context):
    """Every network (dicts of ``networks`` columns: ``id``, ``uuid``,
    ``label``, ``cidr``, ...), by id."""
    return network_db.network_get_all(context)


def with_addresses(context):
    """Every network (``get_all``) by id, with ``cidr``, ``gateway`` and
    ``netmask`` of its first subnet where the network row has none (the
    networks projects create)."""
    networks = {n['id']: n for n in get_all(context)}
    for subnet in reversed(network_db.subnets_get(context)):
        network = networks.get(subnet['network_id'])
        if network is not None and not network.get('config_key'):
            network.update(cidr=subnet['cidr'], gateway=subnet['gateway_ip'],
                           netmask=str(ipaddress.ip_network(
                               subnet['cidr']).netmask))
    return networks


def labels(context, network_ids):
    """``{network id: label}`` of ``network_ids``."""
    return network_db.network_labels(context, network_ids) if network_ids \
        else {}


def visible_networks(context, uuids=None):
    """The network dicts ``context`` may put servers on: its project's
    and the shared ones (all for admins)."""
    project = None if context.is_admin else context.project_id
    return network_db.networks_get(context, project, uuids)


def check_networks(context, network_uuids):
    """Servers can be attached to networks the caller sees only.

    :raises: NetworkNotFound (404) for the first unknown uuid
    """
    wanted = [u for u in network_uuids or () if u]
    if not wanted:
        return
    known = {net['uuid'] for net in visible_networks(context, wanted)}
    for network_uuid in wanted:
        if network_uuid not in known:
            raise exception.NetworkNotFound(network_id=network_uuid)


def check_requests(context, requests):
    """Validate a create request's NICs ([{"network_id"?, "port_id"?,
    "fixed_ip"?}], compute API "Create Server"): known networks with a
    subnet, the caller's unbound ports.

    :raises: NetworkNotFound, PortNotFound (404), PortInUse (409),
        BadRequest (400, a network without subnet),
        ExternalNetworkAttachForbidden (403, an external network that is
        not shared, for non-admins)
    """
    check_networks(context, [r.get('network_id') for r in requests])
    for request in requests:
        if request.get('network_id'):
            network = visible_networks(context, [request['network_id']])[0]
            if not network['subnets']:
                raise errors.BadRequest(
                    attribute='networks', reason='network %s requires a '
                    'subnet in order to boot instances on'
                    % network['uuid'])
            if request.get('fixed_ip'):
                _check_fixed_ip(context, network, request['fixed_ip'])
            if network['router_external'] and not network['shared'] \
                    and not context.is_admin \
                    and network['project_id'] != context.project_id:
                raise errors.ExternalNetworkAttachForbidden(
                    network_uuid=network['uuid'])
        if request.get('port_id'):
            _check_port(context, request['port_id'])


def _check_fixed_ip(context, network, address):
    """:raises: InvalidIpForNetwork (400) for an address in none of the
    network's subnets"""
    ip = ipaddress.ip_address(address)
    for subnet in network_db.subnets_get(context, [network['id']]):
        if ip in ipaddress.ip_network(subnet['cidr']):
            return
    raise errors.InvalidIpForNetwork(ip_address=address)


def _check_port(context, port_id):
    project = None if context.is_admin else context.project_id
    found = port_db.ports_get(context, project, [port_id])
    if not found:
        raise errors.PortNotFound(port_id=port_id)
    if found[0]['device_id']:
        raise errors.PortInUse(port_id=port_id,
                               net_id=found[0]['network']['uuid'],
                               device_id=found[0]['device_id'])


def clear_cache():
    with _CACHE_LOCK:
        _CACHE.clear()


def allocate_for_instance(context, instance, requests_row=None):
    """Give the instance its NICs: the networks and ports of its
    create request (``requested_networks``), else one NIC on the flat
    network. Idempotent: an instance with ports keeps them. Ports the
    user made may carry floating IPs: their NAT is pushed to the
    instance's host (``nat.refresh_mapped``; a reschedule pushes it to the new
    host).

    :param requests_row: the instance's ``instance_network_requests``
        when the caller read it already
    :returns: [objects.VIF]
    :raises: PortInUse, IpAddressAlreadyAllocated,
        IpAddressGenerationFailure (409), NetworkNotFound
    """
    row = requests_row
    if row is None:
        try:
            row = instance_db.instance_network_requests(context,
                                                        instance.uuid)
        except exception.InstanceNotFound:
            return []
    user_ports = [r['port_id'] for r in row.requested_networks or ()
                  if r.get('port_id')]
    if row.has_ports:
        if user_ports:
            nat.refresh_mapped(context, user_ports)
        return get_instance_nw_info(context, instance.uuid)
    owner = 'compute:%s' % (row.availability_zone
                            or CONF.compute.default_availability_zone)
    if not row.requested_networks:
        vifs = [_flat_nic(context, instance.uuid, row.project_id, owner)]
    else:
        vifs = _requested_nics(context, instance, row, owner)
    port_security.members_changed(context, instance.uuid,
                                  [vif.address for vif in vifs])
    if user_ports:
        nat.refresh_mapped(context, user_ports)
    return vifs


def _requested_nics(context, instance, row, owner):
    """[VIF] of the NICs of ``requested_networks``, in their order."""
    for request in row.requested_networks:
        if request.get('port_id'):
            port_db.port_bind(context, request['port_id'], instance.uuid,
                              owner, tag=request.get('tag'))
            continue
        network = network_db.networks_get(context,
                                          uuids=[request['network_id']])
        if not network:
            raise exception.NetworkNotFound(
                network_id=request['network_id'])
        network_db.fixed_ip_allocate(
            context, network[0]['id'], instance.uuid,
            fixed_ip=request.get('fixed_ip'), device_owner=owner,
            project_id=row.project_id, check_existing=False,
            tag=request.get('tag'))
    return get_instance_nw_info(context, instance.uuid)


def _flat_nic(context, instance_uuid, project_id, owner):
    """The VIF of a new NIC on the flat network (its subnets cached: the
    API cannot change them)."""
    network = get_default_network(context)
    key = ('subnets', network['id'])
    with _CACHE_LOCK:
        subnets = _CACHE.get(key)
    if subnets is None:
        subnets = network_db.subnets_get(context, [network['id']])
        with _CACHE_LOCK:
            _CACHE[key] = subnets
    made = network_db.fixed_ip_allocate(
        context, network['id'], instance_uuid, device_owner=owner,
        project_id=project_id, subnets=subnets, check_existing=False,
        check_network=False)
    return _vif(network, made)


def deallocate_for_instance(context, instance_uuid):
    """Release the instance's NICs: ports made for it are deleted,
    ports its user made are unbound (idempotent; returns the count);
    when it had any, the computes of ports whose rules name one of its
    groups as remote group are told it left, and the compute of a server
    with floating IPs drops their NAT (its ports' floating IPs are
    disassociated)."""
    referrers = port_security.referrers(context, instance_uuid)
    nat_hosts = nat.instance_hosts(context, instance_uuid)
    count = network_db.fixed_ip_deallocate(context, instance_uuid)
    if count:
        port_security.members_changed(context, instance_uuid, [],
                                      referrers)
    nat.push(context, nat_hosts)
    return count


def get_instance_nw_info(context, instance_uuid):
    """[objects.VIF] of the instance's current addresses, in the order of
    its create request's NICs (then by allocation)."""
    pairs = network_db.fixed_ips_get_by_instance(context, instance_uuid)
    if len(pairs) > 1:
        try:
            requests = instance_db.instance_network_requests(
                context, instance_uuid).requested_networks or []
        except exception.InstanceNotFound:
            requests = []
        pairs.sort(key=lambda pair: _request_index(requests, *pair))
    return [_vif(net, fip) for net, fip in pairs]


def _request_index(requests, network, fip):
    ports = [r.get('port_id') for r in requests]
    if fip['port_id'] in ports:
        return (ports.index(fip['port_id']), fip['id'])
    for index, request in enumerate(requests):
        if request.get('network_id') == network['uuid']:
            return (index, fip['id'])
    return (len(requests), fip['id'])


def bridge_name(network):
    """The bridge of a network dict: the flat network's configured one,
    ``brq<uuid[:11]>`` for the others."""
    if network.get('config_key') or network.get('bridge'):
        return network.get('bridge')
    return BRIDGE_PREFIX + network['uuid'][:11]


def _vif(network, fip):
    subnet = fip.get('subnet') or {}
    return instance_obj.VIF(
        address=fip['address'], mac=fip['mac'], port_id=fip.get('port_id'),
        network_label=network['label'], network_id=network['id'],
        cidr=subnet.get('cidr') or network['cidr'],
        gateway=subnet.get('gateway_ip', network['gateway']),
        bridge=bridge_name(network), dhcp=subnet.get('enable_dhcp', True),
        dns_nameservers=list(subnet.get('dns_nameservers') or []),
        mtu=network.get('mtu'))


def resolve_requests(context, networks, max_count=1):
    """``(network_request, requested_networks)`` of a create request's
    ``networks`` (compute API reference, "Create Server"; 2.37):

    - ``none``: (``NO_NETWORK``, None), no NIC;
    - omitted or ``auto``: the caller's project's network when it has
      exactly one with a subnet (409 when it has several), else the flat
      network (None, None);
    - a list: one NIC per item, ``{"uuid"}`` (with ``fixed_ip``) on that
      network, ``{"port"}`` that port of the project; ``tag`` (2.32,
      2.42) is the NIC's device tag (the port's ``tag``).

    :raises: BadRequest (400; unknown networks and ports, a network
        without subnet, ``fixed_ip`` without ``uuid``, a port or fixed IP
        for several servers), PortInUse (409), NetworkAmbiguous (409)
    """
    if networks == 'none':
        return NO_NETWORK, None
    if networks is None or networks == 'auto' or networks == []:
        return None, _own_network(context)
    requests = [_request(item) for item in networks]
    fixed = [r for r in requests if r.get('port_id') or r.get('fixed_ip')]
    if fixed and max_count > 1:
        raise errors.BadRequest(attribute='networks', reason='a port or '
                                'fixed_ip cannot be given to several '
                                'servers (max_count %d)' % max_count)
    try:
        check_requests(context, requests)
    except exception.NetworkNotFound as exc:
        raise errors.BadRequest(attribute='networks', reason='network %s '
                                'could not be found'
                                % exc.kwargs['network_id']) from None
    except errors.PortNotFound as exc:
        raise errors.BadRequest(attribute='networks', reason='port %s '
                                'could not be found'
                                % exc.kwargs['port_id']) from None
    return None, requests


def _request(item):
    if item.get('port'):
        return dict({'port_id': item['port']},
                    **({'tag': item['tag']} if item.get('tag') else {}))
    if not item.get('uuid'):
        raise errors.BadRequest(attribute='networks', reason='each network '
                                'needs a uuid or a port')
    request = {'network_id': item['uuid']}
    if item.get('fixed_ip'):
        request['fixed_ip'] = validate.address('fixed_ip', item['fixed_ip'])
    if item.get('tag'):
        request['tag'] = item['tag']
    return request


def _own_network(context):
    own = network_db.project_network_uuids(context, context.project_id)
    if not own:
        return None
    if len(own) > 1:
        raise errors.NetworkAmbiguous()
    return [{'network_id': own[0]}]
