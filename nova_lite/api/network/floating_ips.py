"""``/network/v2.0/floatingips`` (Networking API reference, "Floating
IPs"): the floating IPs of ``nova_lite.network.floating_ips``.

A floating IP shows ``floating_network_id``, ``floating_ip_address``,
``port_id`` and ``fixed_ip_address`` (null when not associated),
``router_id``, ``status`` (ACTIVE while associated, DOWN otherwise),
``description``, the project and the standard attributes. Owners see
their project's, admins every one. Create 201, update 200 (``port_id``
associates, ``port_id: null`` disassociates), delete 204.
"""
import flask

from nova_lite.api.network import common
from nova_lite.network import floating_ips as fip_api

bp = flask.Blueprint('network_floatingips', __name__,
                     url_prefix='/network/v2.0')


def floatingip_view(fip):
    """A floating IP dict (``nova_lite.db.l3``) as Show floating IP
    answers it."""
    return {
        'id': fip['uuid'],
        'floating_network_id': fip['floating_network_uuid'],
        'floating_ip_address': fip['floating_ip_address'],
        'fixed_ip_address': fip['fixed_ip_address'],
        'port_id': fip['fixed_port_id'],
        'router_id': fip['router_id'],
        'status': 'ACTIVE' if fip['fixed_port_id'] else 'DOWN',
        'description': fip['description'],
        'tenant_id': fip['project_id'], 'project_id': fip['project_id'],
        'created_at': common.isotime(fip['created_at']),
        'updated_at': common.isotime(fip['updated_at']
                                     or fip['created_at']),
        'revision_number': fip['revision_number'],
    }


@bp.get('/floatingips')
def list_floatingips():
    """200 ``{"floatingips": [...]}``."""
    ctx = common.context()
    return common.listing('floatingips', [
        floatingip_view(f) for f in fip_api.list_floatingips(ctx)])


def _fip(ctx, fip_id):
    return fip_api.get_floatingip(ctx, fip_id)


@bp.get('/floatingips/<fip_id>')
def show_floatingip(fip_id):
    """200 ``{"floatingip": {...}}``; 404 ``FloatingIPNotFound``."""
    ctx = common.context()
    fip = _fip(ctx, fip_id)
    common.authorize(ctx, 'get_floatingip', fip['project_id'])
    return {'floatingip': common.select(floatingip_view(fip))}


@bp.post('/floatingips')
def create_floatingip():
    """201 ``{"floatingip": {...}}``; 400, 403, 404, 409."""
    ctx = common.context()
    inner = common.resource_body('floatingip', fip_api.CREATE)
    project = common.owner(ctx, inner)
    common.authorize(ctx, 'create_floatingip', project)
    if inner.get('floating_ip_address') is not None:
        common.authorize(ctx, 'create_floatingip:floating_ip_address',
                         project)
    fip = fip_api.create_floatingip(ctx, project, inner)
    return {'floatingip': floatingip_view(fip)}, 201


@bp.put('/floatingips/<fip_id>')
def update_floatingip(fip_id):
    """200 ``{"floatingip": {...}}``."""
    ctx = common.context()
    fip = _fip(ctx, fip_id)
    inner = common.resource_body('floatingip', fip_api.WRITABLE)
    common.authorize(ctx, 'update_floatingip', fip['project_id'])
    return {'floatingip': floatingip_view(
        fip_api.update_floatingip(ctx, fip, inner))}


@bp.delete('/floatingips/<fip_id>')
def delete_floatingip(fip_id):
    """204."""
    ctx = common.context()
    fip = _fip(ctx, fip_id)
    common.authorize(ctx, 'delete_floatingip', fip['project_id'])
    fip_api.delete_floatingip(ctx, fip)
    return '', 204
