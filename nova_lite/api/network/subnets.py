"""``/network/v2.0/subnets`` (Networking API reference, "Subnets"): the
IPv4 subnets of ``nova_lite.network.networks``.

- list, show (404 ``SubnetNotFound`` for a subnet of a network the
  caller does not see), create (201; ``network_id``, ``ip_version`` 4
  and ``cidr`` required), update (200; ``cidr``, ``network_id`` and
  ``ip_version`` cannot change: 400), delete (204; 409 ``SubnetInUse``
  while ports hold its addresses);
- the flat network's subnet (``[network]``) cannot be changed (400).
"""
import flask

from nova_lite.api.network import common
from nova_lite.api.network import networks as network_views
from nova_lite.network import errors
from nova_lite.network import networks as network_service

bp = flask.Blueprint('network_subnets', __name__,
                     url_prefix='/network/v2.0')
CREATE = network_service.SUBNET_WRITABLE + (
    'network_id', 'cidr', 'ip_version', 'project_id', 'tenant_id')


def subnet_view(subnet):
    """A subnet as Show subnet answers it."""
    view = {'id': subnet['uuid'], 'name': subnet['name'],
            'network_id': subnet['network_uuid'],
            'ip_version': subnet['ip_version'], 'cidr': subnet['cidr'],
            'gateway_ip': subnet['gateway_ip'],
            'allocation_pools': list(subnet['allocation_pools']),
            'dns_nameservers': list(subnet['dns_nameservers']),
            'host_routes': list(subnet['host_routes']),
            'enable_dhcp': subnet['enable_dhcp'],
            'ipv6_ra_mode': None, 'ipv6_address_mode': None,
            'subnetpool_id': None, 'tenant_id': subnet['project_id'],
            'project_id': subnet['project_id']}
    view.update(network_views._standard(subnet))
    return view


def _readable(ctx, subnet):
    try:
        common.authorize_shared(ctx, 'get_subnet', subnet['project_id'],
                                subnet['network']['shared']
                                or subnet['network']['router_external'])
    except errors.PolicyNotAuthorized:
        return False
    return True


@bp.get('/subnets')
def list_subnets():
    """200 ``{"subnets": [...]}``."""
    ctx = common.context()
    return common.listing('subnets', [
        subnet_view(s) for s in network_service.list_subnets(ctx)
        if _readable(ctx, s)])


def _subnet(ctx, subnet_id):
    subnet = network_service.get_subnet(ctx, subnet_id)
    if not _readable(ctx, subnet):
        raise errors.SubnetNotFound(subnet_id=subnet_id[:64])
    return subnet


@bp.get('/subnets/<subnet_id>')
def show_subnet(subnet_id):
    """200 ``{"subnet": {...}}``; 404 ``SubnetNotFound``."""
    ctx = common.context()
    return {'subnet': common.select(subnet_view(_subnet(ctx, subnet_id)))}


def _create(ctx, inner):
    if not isinstance(inner.get('network_id'), str):
        raise errors.BadRequest(attribute='network_id', reason='a network '
                                'id is required')
    network = network_service.get_network(ctx, inner['network_id'])
    project = common.owner(ctx, inner)
    common.authorize(ctx, 'create_subnet', project)
    if network['project_id'] != project and not network_service.is_admin(
            ctx):
        raise errors.NetworkNotFound(net_id=network['uuid'])
    subnet = network_service.create_subnet(ctx, network, project, inner)
    return subnet_view(subnet), subnet


@bp.post('/subnets')
def create_subnet():
    """201 ``{"subnet": {...}}`` (or ``{"subnets": [...]}`` for a bulk
    create); 400, 403, 404 (network), 409."""
    ctx = common.context()
    items, bulk = common.resource_bodies('subnet', 'subnets', CREATE)
    return common.bulk_create('subnet', 'subnets', items, bulk,
                              lambda inner: _create(ctx, inner),
                              lambda s: network_service.delete_subnet(
                                  ctx, s))


@bp.put('/subnets/<subnet_id>')
def update_subnet(subnet_id):
    """200 ``{"subnet": {...}}``."""
    ctx = common.context()
    subnet = _subnet(ctx, subnet_id)
    inner = common.resource_body('subnet', network_service.SUBNET_WRITABLE)
    common.authorize(ctx, 'update_subnet', subnet['project_id'])
    return {'subnet': subnet_view(
        network_service.update_subnet(ctx, subnet, inner))}


@bp.delete('/subnets/<subnet_id>')
def delete_subnet(subnet_id):
    """204; 409 ``SubnetInUse``."""
    ctx = common.context()
    subnet = _subnet(ctx, subnet_id)
    common.authorize(ctx, 'delete_subnet', subnet['project_id'])
    network_service.delete_subnet(ctx, subnet)
    return '', 204
