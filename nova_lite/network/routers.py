"""Routers with the Networking API's semantics (Networking API
reference, "Routers"), as far as floating IPs need them:

- a router belongs to a project; its ``external_gateway_info``
  ``{"network_id"}`` names a ``router:external`` network (400
  otherwise), where it gets a gateway port (``network:router_gateway``,
  an address of the network's first subnet); ``null`` or ``{}`` clears
  it, unless floating IPs go through it (409
  ``RouterExternalGatewayInUseByFloatingIp``);
- ``add_router_interface`` ``{"subnet_id"}`` makes a port with the
  subnet's gateway IP (400 without one), ``{"port_id"}`` takes an
  unbound port of the caller (409 ``PortInUse`` otherwise); one
  interface per subnet, no two overlapping subnets (400);
  ``remove_router_interface`` deletes the
  interface's port (404 ``RouterInterfaceNotFound[ForSubnet]``, 409
  ``RouterInterfaceInUseByFloatingIP`` while floating IPs use it);
- a router with interfaces cannot be deleted (409 ``RouterInUse``);
- creating counts against the project's ``router`` quota.

Static routes, HA, distributed routers and SNAT of the routers' subnets
are not implemented: a router here only says which subnets reach which
external network, for floating IPs (doc/network-api.md).
"""
import ipaddress

from oslo_log import log as logging

from nova_lite.db import l3 as l3_db
from nova_lite.db import ports as port_db
from nova_lite.network import errors
from nova_lite.network import networks as network_service
from nova_lite.network import ports as port_service
from nova_lite.network import quotas
from nova_lite.network import validate

LOG = logging.getLogger(__name__)
#: ``device_owner`` of a router's gateway port.
GATEWAY = l3_db.GATEWAY
WRITABLE = ('name', 'admin_state_up', 'description', 'external_gateway_info')


def _scope(context):
    return network_service._scope(context)


def list_routers(context, uuids=None):
    """Router dicts (``nova_lite.db.l3``) the caller sees, each with
    ``ports``: its gateway and interface addresses
    (``l3.router_ports``)."""
    routers = l3_db.routers_get(context, _scope(context), uuids)
    ports = l3_db.router_ports(context, [r['uuid'] for r in routers])
    for router in routers:
        router['ports'] = [p for p in ports
                           if p['router_id'] == router['uuid']]
    return routers


def get_router(context, uuid):
    """:raises: RouterNotFound (404)"""
    found = list_routers(context, [uuid])
    if not found:
        raise errors.RouterNotFound(router_id=uuid[:64])
    return found[0]


def _values(body):
    values = {}
    for key, check in (('name', lambda v: validate.string('name', v)),
                       ('description',
                        lambda v: validate.string('description', v)),
                       ('admin_state_up',
                        lambda v: validate.boolean('admin_state_up', v))):
        if key in body:
            values[key] = check(body[key])
    return values


def _gateway_network(context, info):
    """The external network dict of ``external_gateway_info`` (None for
    null or ``{}``). :raises: BadRequest, NetworkNotFound (404)"""
    if info is None or info == {}:
        return None
    if not isinstance(info, dict) or not isinstance(info.get('network_id'),
                                                    str):
        raise errors.BadRequest(attribute='external_gateway_info',
                                reason='{"network_id": ...} is required')
    if set(info) - {'network_id'}:
        raise errors.BadRequest(attribute='external_gateway_info', reason=(
            'only network_id is supported (not %s)' % ', '.join(
                sorted(k[:32] for k in set(info) - {'network_id'}))))
    network = network_service.get_network(context, info['network_id'])
    if not network['router_external']:
        raise errors.BadRequest(attribute='external_gateway_info',
                                reason='Network %s is not an external '
                                'network' % network['uuid'])
    return network


def _set_gateway(context, router, network):
    """Replace the router's gateway port by one on ``network`` (None:
    no gateway)."""
    current = router.get('gw_network_uuid')
    wanted = network['uuid'] if network else None
    if current == wanted:
        return
    if current and l3_db.gateway_in_use(context, router['uuid']):
        raise errors.RouterExternalGatewayInUseByFloatingIp(
            router_id=router['uuid'], net_id=current)
    for port in router.get('ports', ()):
        if port['device_owner'] == l3_db.GATEWAY:
            port_db.port_delete(context, port['port_id'])
    l3_db.router_update(context, router['uuid'], {
        'gw_network_id': network['id'] if network else None})
    if network is not None:
        requests = port_service.address_requests(context, network, None)
        port_db.port_create(context, {
            'network_id': network['id'], 'project_id': '', 'name': '',
            'description': '', 'device_id': router['uuid'],
            'device_owner': l3_db.GATEWAY, 'admin_state_up': True,
            'security_groups': [], 'mac_address': None}, requests,
            network['uuid'])


def create_router(context, project_id, body):
    """A new router of ``project_id`` from the ``body`` attributes
    (``WRITABLE``). :raises: BadRequest, NetworkNotFound, OverQuota"""
    values = dict({'name': '', 'description': '', 'admin_state_up': True},
                  **_values(body))
    network = _gateway_network(context, body.get('external_gateway_info'))
    quotas.check(context, project_id, 'router',
                 l3_db.routers_count(context, project_id))
    uuid = l3_db.router_add(context, dict(values, project_id=project_id))
    router = {'uuid': uuid, 'gw_network_uuid': None, 'ports': []}
    try:
        _set_gateway(context, router, network)
    except Exception:
        l3_db.router_delete(context, uuid)
        raise
    LOG.info('Router %s of project %s created', uuid, project_id)
    return get_router(context.elevated(), uuid)


def update_router(context, router, body):
    """Write the ``body`` attributes on ``router``; returns it anew."""
    values = _values(body)
    if 'external_gateway_info' in body:
        _set_gateway(context, router, _gateway_network(
            context, body['external_gateway_info']))
    if values or 'external_gateway_info' not in body:
        l3_db.router_update(context, router['uuid'], values)
    return get_router(context.elevated(), router['uuid'])


def delete_router(context, router):
    """:raises: RouterInUse (409) while it has interfaces"""
    l3_db.router_delete(context, router['uuid'])
    LOG.info('Router %s deleted', router['uuid'])


def _interface_request(body):
    if not isinstance(body, dict) or set(body) - {'subnet_id', 'port_id'}:
        raise errors.BadRequest(attribute='body', reason='{"subnet_id"} '
                                'or {"port_id"} is required')
    if 'subnet_id' in body and 'port_id' in body:
        raise errors.BadRequest(attribute='body', reason='Cannot specify '
                                'both subnet-id and port-id')
    if not isinstance(body.get('subnet_id', body.get('port_id')), str):
        raise errors.BadRequest(attribute='body', reason='Either subnet_id '
                                'or port_id must be specified')
    return body.get('subnet_id'), body.get('port_id')


def _interface_info(router, port_id, network_id, subnet_ids):
    """The answer of add/remove_router_interface (Networking API)."""
    return {'id': router['uuid'], 'tenant_id': router['project_id'],
            'project_id': router['project_id'], 'port_id': port_id,
            'network_id': network_id, 'subnet_id': subnet_ids[0]
            if subnet_ids else None, 'subnet_ids': list(subnet_ids)}


def _check_new_subnets(context, router, subnet_ids):
    """One interface per subnet, and no two overlapping subnets on a
    router (Networking API: 400 either way)."""
    attached = {p['subnet_id'] for p in router['ports']
                if p['device_owner'] == l3_db.INTERFACE and p['subnet_id']}
    for subnet_id in subnet_ids:
        if subnet_id in attached:
            raise errors.BadRequest(attribute='subnet_id', reason='Router '
                                    'already has a port on subnet %s'
                                    % subnet_id)
    if not attached:
        return
    admin = context.elevated()
    cidrs = {s['uuid']: ipaddress.ip_network(s['cidr']) for s in
             network_service.list_subnets(admin, list(attached)
                                          + list(subnet_ids))}
    for subnet_id in subnet_ids:
        for other in attached:
            if cidrs[subnet_id].overlaps(cidrs[other]):
                raise errors.BadRequest(attribute='subnet_id', reason=(
                    'Cidr %s of subnet %s overlaps with cidr %s of subnet '
                    '%s' % (cidrs[subnet_id], subnet_id, cidrs[other],
                            other)))


def add_interface(context, router, body):
    """Attach a subnet (a new port with its gateway IP) or an unbound
    port to ``router``.

    :returns: ``{"id", "tenant_id", "project_id", "port_id",
        "network_id", "subnet_id", "subnet_ids"}``
    :raises: BadRequest (400), SubnetNotFound, PortNotFound (404),
        PortInUse, IpAddressAlreadyAllocated (409)
    """
    subnet_id, port_id = _interface_request(body)
    if subnet_id:
        subnet = network_service.get_subnet(context, subnet_id)
        if not subnet['gateway_ip']:
            raise errors.BadRequest(attribute='subnet_id', reason='Subnet '
                                    'for router interface must have a '
                                    'gateway IP')
        _check_new_subnets(context, router, [subnet['uuid']])
        made = port_db.port_create(context, {
            'network_id': subnet['network_id'],
            'project_id': router['project_id'], 'name': '',
            'description': '', 'device_id': router['uuid'],
            'device_owner': l3_db.INTERFACE, 'admin_state_up': True,
            'security_groups': [], 'mac_address': None},
            [{'subnet': subnet, 'ip_address': subnet['gateway_ip']}],
            subnet['network']['uuid'])
        LOG.info('Router %s: interface on subnet %s', router['uuid'],
                 subnet['uuid'])
        return _interface_info(router, made['port_id'],
                               subnet['network']['uuid'], [subnet['uuid']])
    port = _own_port(context, port_id)
    if port['device_id']:
        raise errors.PortInUse(port_id=port['uuid'],
                               net_id=port['network']['uuid'],
                               device_id=port['device_id'])
    subnets = [f['subnet_id'] for f in port['fixed_ips']]
    if not subnets:
        raise errors.BadRequest(attribute='port_id', reason='Router port '
                                'must have at least one fixed IP')
    _check_new_subnets(context, router, subnets)
    l3_db.interface_bind(context, port['uuid'], router['uuid'])
    return _interface_info(router, port['uuid'], port['network']['uuid'],
                           subnets)


def _own_port(context, port_id):
    found = port_db.ports_get(context, _scope(context), [port_id])
    if not found:
        raise errors.PortNotFound(port_id=port_id[:64])
    return found[0]


def remove_interface(context, router, body):
    """Detach the interface of a subnet or a port from ``router`` (its
    port is deleted).

    :returns: as ``add_interface``
    :raises: RouterInterfaceNotFound, RouterInterfaceNotFoundForSubnet
        (404), RouterInterfaceInUseByFloatingIP (409)
    """
    subnet_id, port_id = _interface_request(body)
    interfaces = [p for p in router['ports']
                  if p['device_owner'] == l3_db.INTERFACE]
    if port_id:
        chosen = [p for p in interfaces if p['port_id'] == port_id]
        if not chosen:
            raise errors.RouterInterfaceNotFound(router_id=router['uuid'],
                                                 port_id=port_id[:64])
    else:
        subnet = network_service.get_subnet(context, subnet_id)
        chosen = [p for p in interfaces if p['subnet_id'] == subnet['uuid']]
        if not chosen:
            raise errors.RouterInterfaceNotFoundForSubnet(
                router_id=router['uuid'], subnet_id=subnet['uuid'])
        chosen = [p for p in interfaces
                  if p['port_id'] == chosen[0]['port_id']]
    subnets = [p['subnet_id'] for p in chosen if p['subnet_id']]
    for subnet in subnets:
        if l3_db.interface_in_use(context, router['uuid'], subnet):
            raise errors.RouterInterfaceInUseByFloatingIP(
                router_id=router['uuid'], subnet_id=subnet)
    port_db.port_delete(context, chosen[0]['port_id'])
    LOG.info('Router %s: interface %s removed', router['uuid'],
             chosen[0]['port_id'])
    return _interface_info(router, chosen[0]['port_id'],
                           chosen[0]['network_id'], subnets)
