"""Networks and subnets with the Networking API's semantics (Networking
API reference, "Networks", "Subnets"), used by ``nova_lite.api.network``
and CloudStack's network commands:

- a network belongs to a project, or is ``shared`` (visible to all);
  the deployment's flat network (``[network]``) is shared, of no
  project, and cannot be changed through the API (400);
- a network with ports cannot be deleted (409 ``NetworkInUse``); its
  subnets go with it;
- subnets are IPv4: a CIDR without host bits, a gateway (the first host
  address by default, or null), allocation pools (the host addresses
  but the gateway by default; inside the CIDR, not overlapping, not
  holding the gateway), DNS servers, host routes, DHCP on or off; no two
  subnets of a network overlap; a subnet with allocated addresses cannot
  be deleted (409 ``SubnetInUse``);
- creating counts against the project's quota (``quotas``).

Visibility: admins see every network, others their project's, the
shared and the external (``router:external``) ones (someone else's is a
404).
"""
import ipaddress

from oslo_log import log as logging

from nova_lite.db import network as network_db
from nova_lite.network import errors
from nova_lite.network import quotas
from nova_lite.network import validate
from nova_lite import policy

LOG = logging.getLogger(__name__)
NETWORK_WRITABLE = ('name', 'admin_state_up', 'shared', 'mtu',
                    'router:external', 'description')
SUBNET_WRITABLE = ('name', 'gateway_ip', 'allocation_pools',
                   'dns_nameservers', 'host_routes', 'enable_dhcp',
                   'description')
_FLAT_REASON = 'it is the deployment\'s network ([network] options)'


def is_admin(context):
    return policy.check_is_admin(context)


def _scope(context):
    return None if is_admin(context) else context.project_id


def list_networks(context, uuids=None):
    """The network dicts the caller sees (``networks_get``)."""
    from nova_lite.network import api as network_api
    network_api.get_default_network(context)
    return network_db.networks_get(context, _scope(context), uuids)


def get_network(context, uuid):
    """:raises: NetworkNotFound (404)"""
    found = list_networks(context, [uuid])
    if not found:
        raise errors.NetworkNotFound(net_id=uuid[:64])
    return found[0]


def _network_values(body):
    values = {}
    for key, column, check in (
            ('name', 'label', lambda v: validate.string('name', v)),
            ('description', 'description',
             lambda v: validate.string('description', v)),
            ('admin_state_up', 'admin_state_up',
             lambda v: validate.boolean('admin_state_up', v)),
            ('shared', 'shared', lambda v: validate.boolean('shared', v)),
            ('router:external', 'router_external',
             lambda v: validate.boolean('router:external', v)),
            ('mtu', 'mtu', validate.mtu)):
        if key in body:
            values[column] = check(body[key])
    return values


def create_network(context, project_id, body):
    """A new network of ``project_id`` from the validated ``body``
    attributes (``NETWORK_WRITABLE``). :raises: BadRequest, OverQuota"""
    values = dict({'label': '', 'description': '', 'admin_state_up': True,
                   'shared': False, 'router_external': False, 'mtu': 1500},
                  **_network_values(body))
    quotas.check(context, project_id, 'network',
                 network_db.networks_count(context, project_id))
    network = network_db.network_add(context, dict(values,
                                                   project_id=project_id))
    LOG.info('Network %s of project %s created', network['uuid'],
             project_id)
    return network


def _not_flat(network, operation):
    if network.get('config_key'):
        raise errors.NotImplementedOperation(operation=operation,
                                             reason=_FLAT_REASON)


def update_network(context, network, body):
    """Write the ``body`` attributes on ``network``; returns it anew."""
    _not_flat(network, 'Changing this network')
    values = _network_values(body)
    if values:
        network_db.network_update(context, network['id'], values)
    return get_network(context.elevated(), network['uuid'])


def delete_network(context, network):
    """Delete ``network``; an external network's floating IPs go with it
    (as Neutron deletes them).

    :raises: NetworkInUse (409) while other ports are on it (a router's
        gateway, a server's NIC)
    """
    _not_flat(network, 'Deleting this network')
    if network['router_external']:
        from nova_lite.network import floating_ips
        for fip in floating_ips.list_floatingips(context.elevated()):
            if fip['floating_network_id'] == network['id']:
                floating_ips.delete_floatingip(context, fip)
    network_db.network_delete(context, network['id'], network['uuid'])
    LOG.info('Network %s deleted', network['uuid'])


# ------------------------------------------------------------------ subnets

def list_subnets(context, uuids=None):
    """Subnet dicts (``subnets_get``) of the networks the caller sees."""
    networks = list_networks(context)
    by_id = {n['id']: n for n in networks}
    subnets = network_db.subnets_get(context, list(by_id), uuids)
    for subnet in subnets:
        subnet['network'] = by_id[subnet['network_id']]
    return subnets


def get_subnet(context, uuid):
    """:raises: SubnetNotFound (404)"""
    found = list_subnets(context, [uuid])
    if not found:
        raise errors.SubnetNotFound(subnet_id=uuid[:64])
    return found[0]


def _subnet_values(body, net, current=None):
    """Columns of the ``body`` attributes of a subnet of ``net`` (an
    ``ipaddress`` network); ``current`` the subnet being updated."""
    current = current or {}
    values = {}
    for key, check in (('name', lambda v: validate.string('name', v)),
                       ('description',
                        lambda v: validate.string('description', v)),
                       ('enable_dhcp',
                        lambda v: validate.boolean('enable_dhcp', v)),
                       ('dns_nameservers', validate.dns_nameservers),
                       ('host_routes', validate.host_routes)):
        if key in body:
            values[key] = check(body[key])
    gateway = current.get('gateway_ip', str(next(net.hosts())))
    if 'gateway_ip' in body:
        gateway = values['gateway_ip'] = validate.gateway(
            body['gateway_ip'], net)
    if 'allocation_pools' in body:
        values['allocation_pools'] = validate.allocation_pools(
            body['allocation_pools'], net, gateway)
    elif current:
        validate.allocation_pools(current['allocation_pools'], net, gateway)
    else:
        values['allocation_pools'] = network_db.host_pools(str(net), gateway)
    return values, gateway


def create_subnet(context, network, project_id, body):
    """A new subnet of ``network`` from the ``body`` attributes (``cidr``
    and ``ip_version`` 4 required).

    :raises: BadRequest, InvalidAllocationPool,
        OverlappingAllocationPools, InvalidSubnetCidrOverlap (400),
        GatewayConflictWithAllocationPools (409), OverQuota
    """
    _not_flat(network, 'Adding subnets to this network')
    if body.get('ip_version') not in (4, '4'):
        raise errors.BadRequest(attribute='ip_version', reason='only '
                                'ip_version 4 is supported')
    if 'cidr' not in body:
        raise errors.BadRequest(attribute='cidr', reason='a cidr is '
                                'required (subnet pools are not supported)')
    net = ipaddress.ip_network(validate.cidr(body['cidr']))
    values, gateway = _subnet_values(body, net)
    values['gateway_ip'] = gateway
    quotas.check(context, project_id, 'subnet',
                 network_db.subnets_count(context, project_id))
    subnet = network_db.subnet_add(context, dict(
        {'name': '', 'description': '', 'enable_dhcp': True,
         'dns_nameservers': [], 'host_routes': []}, **values,
        network_id=network['id'], cidr=str(net),
        network_uuid=network['uuid'], project_id=project_id, ip_version=4))
    LOG.info('Subnet %s (%s) of network %s created', subnet['uuid'],
             subnet['cidr'], network['uuid'])
    return get_subnet(context.elevated(), subnet['uuid'])


def update_subnet(context, subnet, body):
    """Write the ``body`` attributes (``SUBNET_WRITABLE``) on ``subnet``."""
    _not_flat(subnet['network'], 'Changing this subnet')
    net = ipaddress.ip_network(subnet['cidr'])
    values, _gateway = _subnet_values(body, net, subnet)
    if values:
        network_db.subnet_update(context, subnet['id'], values)
    return get_subnet(context.elevated(), subnet['uuid'])


def delete_subnet(context, subnet):
    """:raises: SubnetInUse (409) while addresses of it are allocated"""
    _not_flat(subnet['network'], 'Deleting this subnet')
    network_db.subnet_delete(context, subnet['id'], subnet['uuid'])
    LOG.info('Subnet %s deleted', subnet['uuid'])
