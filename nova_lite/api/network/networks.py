"""``/network/v2.0/networks`` and ``/subnets`` (Networking API
reference, "Networks", "Subnets"): nova_lite's flat networks
(``[network]``, ``nova_lite.network.api``), each shown as a shared,
ACTIVE network of no project with one IPv4 subnet with DHCP.

- a network's id is its nova_lite uuid, its name its label; its
  subnet's id is derived from it (``subnet_id``, stable), named after
  the network, with the network's CIDR, gateway, the addresses the
  instances get as one allocation pool (every host address but the
  gateway) and ``[network] dns_nameservers``;
- list (filters, ``fields``, sorting, pages: ``common``) and show
  (404 ``NetworkNotFound``/``SubnetNotFound``) are real;
- create, update and delete answer 400 (``NotImplementedOperation``):
  nova_lite has one deployment-defined network until project networks
  have a data plane (doc/network-api.md); the policy is checked first.
"""
import ipaddress
import uuid as uuidlib

import flask
from oslo_config import cfg

from nova_lite.api.network import common
from nova_lite.network import api as network_api
from nova_lite.network import errors

CONF = cfg.CONF
bp = flask.Blueprint('network_networks', __name__,
                     url_prefix='/network/v2.0')
#: uuid5 namespace of the subnet ids.
SUBNET_NAMESPACE = uuidlib.UUID('0f7d2c8e-6a34-5b1e-9d2f-4c8b7e1a3d55')
MTU = 1500
_REASON = 'nova_lite serves the deployment\'s flat network only'


def subnet_id(network):
    """The stable subnet id of a nova_lite network dict."""
    return str(uuidlib.uuid5(SUBNET_NAMESPACE, network['uuid']))


def _standard(network):
    return {'description': '', 'created_at': common.isotime(
        network['created_at']), 'updated_at': common.isotime(
        network['updated_at'] or network['created_at']),
        'revision_number': 0}


def network_view(network):
    """A network as Show network answers it."""
    view = {'id': network['uuid'], 'name': network['label'],
            'status': 'ACTIVE', 'admin_state_up': True, 'shared': True,
            'router:external': False, 'subnets': [subnet_id(network)],
            'mtu': MTU, 'tenant_id': '', 'project_id': ''}
    view.update(_standard(network))
    return view


def allocation_pools(network):
    """``[{"start", "end"}]``: the host addresses but the gateway, as
    contiguous ranges."""
    gateway = network['gateway']
    pools, start, previous = [], None, None
    for address in ipaddress.ip_network(network['cidr']).hosts():
        if str(address) == gateway:
            if start is not None:
                pools.append({'start': str(start), 'end': str(previous)})
            start = None
            continue
        start = start or address
        previous = address
    if start is not None:
        pools.append({'start': str(start), 'end': str(previous)})
    return pools


def subnet_view(network):
    """The subnet of a network as Show subnet answers it."""
    view = {'id': subnet_id(network), 'name': network['label'],
            'network_id': network['uuid'], 'ip_version': 4,
            'cidr': network['cidr'], 'gateway_ip': network['gateway'],
            'allocation_pools': allocation_pools(network),
            'dns_nameservers': list(CONF.network.dns_nameservers),
            'host_routes': [], 'enable_dhcp': True,
            'ipv6_ra_mode': None, 'ipv6_address_mode': None,
            'subnetpool_id': None, 'tenant_id': '', 'project_id': ''}
    view.update(_standard(network))
    return view


def _networks(ctx):
    network_api.get_default_network(ctx)
    return [n for n in network_api.get_all(ctx)
            if _readable(ctx, 'get_network')]


def _readable(ctx, action):
    try:
        common.authorize_shared(ctx, action)
    except errors.PolicyNotAuthorized:
        return False
    return True


@bp.get('/networks')
def list_networks():
    """200 ``{"networks": [...]}``."""
    ctx = common.context()
    return common.listing('networks', [network_view(n)
                                       for n in _networks(ctx)])


@bp.get('/networks/<network_id>')
def show_network(network_id):
    """200 ``{"network": {...}}``; 404 ``NetworkNotFound``."""
    ctx = common.context()
    for network in _networks(ctx):
        if network['uuid'] == network_id:
            return {'network': common.select(network_view(network))}
    raise errors.NetworkNotFound(net_id=network_id[:64])


@bp.get('/subnets')
def list_subnets():
    """200 ``{"subnets": [...]}``."""
    ctx = common.context()
    return common.listing('subnets', [subnet_view(n)
                                      for n in _networks(ctx)])


@bp.get('/subnets/<subnet>')
def show_subnet(subnet):
    """200 ``{"subnet": {...}}``; 404 ``SubnetNotFound``."""
    ctx = common.context()
    for network in _networks(ctx):
        if subnet_id(network) == subnet:
            return {'subnet': common.select(subnet_view(network))}
    raise errors.SubnetNotFound(subnet_id=subnet[:64])


def _unsupported(action, operation):
    ctx = common.context()
    common.authorize(ctx, action, ctx.project_id)
    raise errors.NotImplementedOperation(operation=operation,
                                         reason=_REASON)


@bp.post('/networks')
def create_network():
    """400: project networks are not supported yet."""
    _unsupported('create_network', 'Creating networks')


@bp.route('/networks/<network_id>', methods=['PUT', 'DELETE'])
def change_network(network_id):
    """400: the flat network is the deployment's."""
    action = 'update_network' if flask.request.method == 'PUT' \
        else 'delete_network'
    show_network(network_id)
    _unsupported(action, 'Changing networks')


@bp.post('/subnets')
def create_subnet():
    """400: subnets of project networks are not supported yet."""
    _unsupported('create_subnet', 'Creating subnets')


@bp.route('/subnets/<subnet>', methods=['PUT', 'DELETE'])
def change_subnet(subnet):
    """400: the flat network's subnet is the deployment's."""
    action = 'update_subnet' if flask.request.method == 'PUT' \
        else 'delete_subnet'
    show_subnet(subnet)
    _unsupported(action, 'Changing subnets')
