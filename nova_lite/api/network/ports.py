"""``/network/v2.0/ports`` (Networking API reference, "Ports"): the
ports of ``nova_lite.network.ports``: NICs made by users (with or
without a server) or for servers.

A port shows its MAC, its ``fixed_ips`` (``{"subnet_id",
"ip_address"}``), ``device_id`` (its server, or what its user wrote) and
``device_owner``, ``status`` ACTIVE while its server runs (or is paused
or rescued) and DOWN otherwise (a router's port ACTIVE, a floating IP's
N/A), ``security_groups``, and the
``binding:*`` attributes (``binding:host_id``, ``vif_type``,
``vif_details`` for admins only). Owners see their project's ports,
admins every port.

Lists filter on any attribute (``device_id``, ``network_id``,
``mac_address``...), and on ``fixed_ips`` given as ``ip_address=A``,
``subnet_id=S`` or ``ip_address_substr=P``. Create (201, on a network
the caller sees), update (200) and delete (204) follow
``nova_lite.network.ports``.
"""
import flask

from nova_lite.api.network import common
from nova_lite import exception
from nova_lite.network import errors
from nova_lite.network import networks as network_service
from nova_lite.network import ports as port_api
from nova_lite.network import security_groups as sg_api
from nova_lite import policy

bp = flask.Blueprint('network_ports', __name__, url_prefix='/network/v2.0')
CREATE = port_api.WRITABLE + ('network_id', 'project_id', 'tenant_id')
#: Server vm_states whose NIC is up.
ACTIVE_VM_STATES = frozenset({'active', 'paused', 'rescued'})


#: Status of the ports of routers (always up: nova_lite's routers have
#: no agent to wait for) and floating IPs (Neutron's "N/A").
L3_STATUS = {'network:router_interface': 'ACTIVE',
             'network:router_gateway': 'ACTIVE',
             'network:floatingip': 'N/A'}


def _status(port):
    """ACTIVE while its server runs (or is paused or rescued), DOWN
    otherwise; a router's port ACTIVE, a floating IP's N/A."""
    if port['device_owner'] in L3_STATUS:
        return L3_STATUS[port['device_owner']]
    instance = port['instance']
    if instance is not None and port['admin_state_up'] \
            and instance['vm_state'] in ACTIVE_VM_STATES:
        return 'ACTIVE'
    return 'DOWN'


def port_view(port, binding_details=False):
    """A port (``nova_lite.network.ports.get_ports``) as Show port
    answers it; the ``binding:*`` details with ``binding_details``."""
    instance = port['instance']
    view = {
        'id': port['uuid'], 'name': port['name'],
        'network_id': port['network']['uuid'],
        'mac_address': port['mac_address'],
        'admin_state_up': port['admin_state_up'],
        'status': _status(port),
        'device_id': port['device_id'],
        'device_owner': port['device_owner'],
        'fixed_ips': [dict(f) for f in port['fixed_ips']],
        'security_groups': list(port['security_group_ids']),
        'binding:vnic_type': 'normal', 'binding:profile': {},
        'tenant_id': port['project_id'],
        'project_id': port['project_id'],
        'description': port['description'],
        'created_at': common.isotime(port['created_at']),
        'updated_at': common.isotime(port['updated_at']
                                     or port['created_at']),
        'revision_number': port['revision_number'],
    }
    if binding_details:
        view.update({'binding:host_id': (instance or {}).get('host') or '',
                     'binding:vif_type': 'bridge' if instance is not None
                     else 'unbound',
                     'binding:vif_details': {'port_filter': False}
                     if instance is not None else {}})
    return view


def _ports(ctx, port_ids=None, raw=False):
    project = None if sg_api.is_admin(ctx) else ctx.project_id
    ports = port_api.get_ports(ctx, project, port_ids)
    if raw:
        return ports
    details = policy.can(ctx, 'get_port:binding:host_id')
    return [port_view(p, details) for p in ports]


def _fixed_ip_filter(port, wanted):
    """True when one of the port's fixed IPs matches every
    ``key=value`` of one of the ``fixed_ips`` filters."""
    for text in wanted:
        conditions = dict(part.split('=', 1) for part in text.split('&')
                          if '=' in part)
        if not conditions:
            raise errors.BadRequest(attribute='fixed_ips', reason="'%s' is "
                                    'not ip_address=, subnet_id= or '
                                    'ip_address_substr=' % text[:64])
        for fixed in port['fixed_ips']:
            if _fixed_ip_matches(fixed, conditions):
                return True
    return False


def _fixed_ip_matches(fixed, conditions):
    for key, value in conditions.items():
        if key == 'ip_address_substr':
            if value not in fixed['ip_address']:
                return False
        elif key in ('ip_address', 'subnet_id'):
            if fixed[key] != value:
                return False
        else:
            raise errors.BadRequest(attribute='fixed_ips', reason='%s is '
                                    'not a fixed IP attribute' % key[:64])
    return True


@bp.get('/ports')
def list_ports():
    """200 ``{"ports": [...]}``."""
    ctx = common.context()
    return common.listing('ports', _ports(ctx),
                          {'fixed_ips': _fixed_ip_filter})


def _port(ctx, port_id):
    found = _ports(ctx, [port_id], raw=True)
    if not found:
        raise errors.PortNotFound(port_id=port_id[:64])
    return found[0]


def _view(ctx, port):
    return port_view(port, policy.can(ctx, 'get_port:binding:host_id'))


@bp.get('/ports/<port_id>')
def show_port(port_id):
    """200 ``{"port": {...}}``; 404 ``PortNotFound``."""
    ctx = common.context()
    port = _port(ctx, port_id)
    common.authorize(ctx, 'get_port', port['project_id'])
    return {'port': common.select(_view(ctx, port))}


def _attribute_policies(ctx, verb, inner, network):
    """``<verb>_port:fixed_ips:ip_address`` and ``:mac_address`` when
    the body chooses them (admins or the network's project)."""
    chosen = []
    if isinstance(inner.get('fixed_ips'), list) and any(
            isinstance(f, dict) and 'ip_address' in f
            for f in inner['fixed_ips']):
        chosen.append('fixed_ips:ip_address')
    if 'mac_address' in inner:
        chosen.append('mac_address')
    for attr in chosen:
        action = '%s_port:%s' % (verb, attr)
        try:
            policy.authorize(ctx, action, {
                'project_id': ctx.project_id, 'user_id': ctx.user_id,
                'network:project_id': network['project_id']})
        except exception.Forbidden:
            raise errors.PolicyNotAuthorized(action=action) from None


def _create(ctx, inner):
    if not isinstance(inner.get('network_id'), str):
        raise errors.BadRequest(attribute='network_id', reason='a network '
                                'id is required')
    network = network_service.get_network(ctx, inner['network_id'])
    project = common.owner(ctx, inner)
    common.authorize(ctx, 'create_port', project)
    _attribute_policies(ctx, 'create', inner, network)
    port = port_api.create_port(ctx, project, network, inner)
    return _view(ctx, port), port


@bp.post('/ports')
def create_port():
    """201 ``{"port": {...}}`` (or ``{"ports": [...]}`` for a bulk
    create); 400, 403, 404 (network), 409."""
    ctx = common.context()
    items, bulk = common.resource_bodies('port', 'ports', CREATE)
    return common.bulk_create('port', 'ports', items, bulk,
                              lambda inner: _create(ctx, inner),
                              lambda p: port_api.delete_port(ctx, p))


@bp.put('/ports/<port_id>')
def update_port(port_id):
    """200 ``{"port": {...}}``."""
    ctx = common.context()
    port = _port(ctx, port_id)
    inner = common.resource_body('port', port_api.WRITABLE)
    common.authorize(ctx, 'update_port', port['project_id'])
    _attribute_policies(ctx, 'update', inner, port['network'])
    return {'port': _view(ctx, port_api.update_port(ctx, port, inner))}


@bp.delete('/ports/<port_id>')
def delete_port(port_id):
    """204."""
    ctx = common.context()
    port = _port(ctx, port_id)
    common.authorize(ctx, 'delete_port', port['project_id'])
    port_api.delete_port(ctx, port)
    return '', 204
