"""``/network/v2.0/routers`` (Networking API reference, "Routers"): the
routers of ``nova_lite.network.routers``, as far as floating IPs need
them.

A router shows ``name``, ``admin_state_up``, ``status`` ACTIVE,
``external_gateway_info`` (null, or ``{"network_id",
"external_fixed_ips": [{"subnet_id", "ip_address"}]}``),
``description``, the project and the standard attributes. Create 201,
update 200, delete 204; ``PUT /routers/{id}/add_router_interface`` and
``remove_router_interface`` ``{"subnet_id"}`` or ``{"port_id"}``: 200
``{"id", "subnet_id", "subnet_ids", "port_id", "network_id",
"project_id", "tenant_id"}``.
"""
import flask

from nova_lite.api.network import common
from nova_lite.network import errors
from nova_lite.network import routers as router_api

bp = flask.Blueprint('network_routers', __name__, url_prefix='/network/v2.0')
CREATE = router_api.WRITABLE + ('project_id', 'tenant_id')


def router_view(router):
    """A router dict (``nova_lite.network.routers``) as Show router
    answers it."""
    gateway = None
    if router['gw_network_uuid']:
        gateway = {'network_id': router['gw_network_uuid'],
                   'external_fixed_ips': [
                       {'subnet_id': p['subnet_id'],
                        'ip_address': p['ip_address']}
                       for p in router['ports']
                       if p['device_owner'] == router_api.GATEWAY
                       and p['ip_address']]}
    return {
        'id': router['uuid'], 'name': router['name'],
        'admin_state_up': router['admin_state_up'], 'status': 'ACTIVE',
        'external_gateway_info': gateway,
        'description': router['description'],
        'tenant_id': router['project_id'],
        'project_id': router['project_id'],
        'created_at': common.isotime(router['created_at']),
        'updated_at': common.isotime(router['updated_at']
                                     or router['created_at']),
        'revision_number': router['revision_number'],
    }


@bp.get('/routers')
def list_routers():
    """200 ``{"routers": [...]}``."""
    ctx = common.context()
    return common.listing('routers', [
        router_view(r) for r in router_api.list_routers(ctx)])


@bp.get('/routers/<router_id>')
def show_router(router_id):
    """200 ``{"router": {...}}``; 404 ``RouterNotFound``."""
    ctx = common.context()
    router = router_api.get_router(ctx, router_id)
    common.authorize(ctx, 'get_router', router['project_id'])
    return {'router': common.select(router_view(router))}


@bp.post('/routers')
def create_router():
    """201 ``{"router": {...}}``; 400, 403, 404 (network), 409."""
    ctx = common.context()
    inner = common.resource_body('router', CREATE)
    project = common.owner(ctx, inner)
    common.authorize(ctx, 'create_router', project)
    return {'router': router_view(
        router_api.create_router(ctx, project, inner))}, 201


@bp.put('/routers/<router_id>')
def update_router(router_id):
    """200 ``{"router": {...}}``."""
    ctx = common.context()
    router = router_api.get_router(ctx, router_id)
    inner = common.resource_body('router', router_api.WRITABLE)
    common.authorize(ctx, 'update_router', router['project_id'])
    return {'router': router_view(
        router_api.update_router(ctx, router, inner))}


@bp.delete('/routers/<router_id>')
def delete_router(router_id):
    """204; 409 ``RouterInUse`` while it has interfaces."""
    ctx = common.context()
    router = router_api.get_router(ctx, router_id)
    common.authorize(ctx, 'delete_router', router['project_id'])
    router_api.delete_router(ctx, router)
    return '', 204


def _interface_body():
    body = flask.request.get_json(silent=True)
    if not isinstance(body, dict):
        raise errors.BadRequest(attribute='body', reason='{"subnet_id"} '
                                'or {"port_id"} is required')
    return body


@bp.put('/routers/<router_id>/add_router_interface')
def add_router_interface(router_id):
    """200 with the interface; 400, 404, 409."""
    ctx = common.context()
    router = router_api.get_router(ctx, router_id)
    common.authorize(ctx, 'add_router_interface', router['project_id'])
    return router_api.add_interface(ctx, router, _interface_body())


@bp.put('/routers/<router_id>/remove_router_interface')
def remove_router_interface(router_id):
    """200 with the interface removed; 400, 404, 409."""
    ctx = common.context()
    router = router_api.get_router(ctx, router_id)
    common.authorize(ctx, 'remove_router_interface', router['project_id'])
    return router_api.remove_interface(ctx, router, _interface_body())
