"""``/network/v2.0/networks`` (Networking API reference, "Networks"):
the networks of ``nova_lite.network.networks`` — the deployment's flat
network (shared, of no project; cannot be changed: 400) and the
networks projects create.

- list (filters, ``fields``, sorting, pages: ``common``), show (404
  ``NetworkNotFound`` for a network the caller does not see), create
  (201), update (200), delete (204; 409 ``NetworkInUse`` with ports);
- ``shared`` and ``router:external`` in a create or update need
  ``create_network:shared`` etc. (admins); a network's ``status`` is
  ACTIVE. Subnets: ``subnets``.
"""
import flask

from nova_lite.api.network import common
from nova_lite.network import errors
from nova_lite.network import networks as network_service

bp = flask.Blueprint('network_networks', __name__,
                     url_prefix='/network/v2.0')
CREATE = network_service.NETWORK_WRITABLE + ('project_id', 'tenant_id')
#: Attributes a network shows but a request cannot set (400 when given).
READ_ONLY = ('id', 'status', 'subnets', 'created_at', 'updated_at',
             'revision_number')


def _standard(item):
    return {'description': item['description'] or '',
            'created_at': common.isotime(item['created_at']),
            'updated_at': common.isotime(item['updated_at']
                                         or item['created_at']),
            'revision_number': item['revision_number']}


def network_view(network):
    """A network as Show network answers it."""
    view = {'id': network['uuid'], 'name': network['label'],
            'status': network['status'],
            'admin_state_up': network['admin_state_up'],
            'shared': network['shared'],
            'router:external': network['router_external'],
            'subnets': list(network['subnets']), 'mtu': network['mtu'],
            'tenant_id': network['project_id'],
            'project_id': network['project_id']}
    view.update(_standard(network))
    return view


def authorize_read(ctx, network, action='get_network'):
    """Check ``action`` on ``network`` (shared and external ones are
    readable by all, as Neutron's ``get_network`` allows)."""
    common.authorize_shared(ctx, action, network['project_id'],
                            network['shared'] or network['router_external'])


def _readable(ctx, network):
    try:
        authorize_read(ctx, network)
    except errors.PolicyNotAuthorized:
        return False
    return True


def _attribute_policies(ctx, verb, inner, project_id):
    for attr in ('shared', 'router:external'):
        if attr in inner:
            common.authorize(ctx, '%s_network:%s' % (verb, attr),
                             project_id)


@bp.get('/networks')
def list_networks():
    """200 ``{"networks": [...]}``."""
    ctx = common.context()
    return common.listing('networks', [
        network_view(n) for n in network_service.list_networks(ctx)
        if _readable(ctx, n)])


def _network(ctx, network_id):
    network = network_service.get_network(ctx, network_id)
    if not _readable(ctx, network):
        raise errors.NetworkNotFound(net_id=network_id[:64])
    return network


@bp.get('/networks/<network_id>')
def show_network(network_id):
    """200 ``{"network": {...}}``; 404 ``NetworkNotFound``."""
    ctx = common.context()
    return {'network': common.select(network_view(_network(ctx,
                                                           network_id)))}


@bp.post('/networks')
def create_network():
    """201 ``{"network": {...}}`` (or ``{"networks": [...]}`` for a bulk
    create); 400, 403, 409 ``OverQuota``."""
    ctx = common.context()
    items, bulk = common.resource_bodies('network', 'networks', CREATE)

    def create(inner):
        project = common.owner(ctx, inner)
        common.authorize(ctx, 'create_network', project)
        _attribute_policies(ctx, 'create', inner, project)
        network = network_service.create_network(ctx, project, inner)
        return network_view(network), network

    return common.bulk_create('network', 'networks', items, bulk, create,
                              lambda n: network_service.delete_network(
                                  ctx, n))


@bp.put('/networks/<network_id>')
def update_network(network_id):
    """200 ``{"network": {...}}``; 400 for the flat network."""
    ctx = common.context()
    network = _network(ctx, network_id)
    inner = common.resource_body('network',
                                 network_service.NETWORK_WRITABLE)
    common.authorize(ctx, 'update_network', network['project_id'])
    _attribute_policies(ctx, 'update', inner, network['project_id'])
    return {'network': network_view(
        network_service.update_network(ctx, network, inner))}


@bp.delete('/networks/<network_id>')
def delete_network(network_id):
    """204; 409 ``NetworkInUse`` while ports are on it."""
    ctx = common.context()
    network = _network(ctx, network_id)
    common.authorize(ctx, 'delete_network', network['project_id'])
    network_service.delete_network(ctx, network)
    return '', 204
