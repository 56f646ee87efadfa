"""``/network/v2.0/ports`` (Networking API reference, "Ports"): one
port per NIC of a server, i.e. per fixed IP allocation of a live
instance (``nova_lite.db.network.ports_get``). Ports appear when a
server gets its address and go when the server is deleted.

A port shows its allocation's ``port_id`` as ``id``, the MAC, one fixed
IP ``{"subnet_id", "ip_address"}`` on its network's subnet,
``device_id`` (the server), ``device_owner`` ``compute:<zone>``,
``status`` ACTIVE while the server runs (or is paused) and DOWN
otherwise, ``security_groups`` (the ids of the server's groups), and
the ``binding:*`` attributes (``binding:host_id``, ``vif_type``,
``vif_details`` for admins only). Owners see their project's ports,
admins every port.

Lists filter on any attribute (``device_id``, ``network_id``,
``mac_address``...), and on ``fixed_ips`` given as ``ip_address=A``,
``subnet_id=S`` or ``ip_address_substr=P``. Create, update and delete
answer 400 until ports can be made apart from servers
(doc/network-api.md).
"""
import flask
from oslo_config import cfg

from nova_lite.api.network import common
from nova_lite.api.network import networks
from nova_lite.network import errors
from nova_lite.network import ports as port_api
from nova_lite.network import security_groups as sg_api
from nova_lite import policy

CONF = cfg.CONF
bp = flask.Blueprint('network_ports', __name__, url_prefix='/network/v2.0')
#: Server vm_states whose NIC is up.
ACTIVE_VM_STATES = frozenset({'active', 'paused', 'rescued'})


def _zone(instance):
    return (instance['availability_zone']
            or CONF.compute.default_availability_zone)


def port_view(port, binding_details=False):
    """A port (``nova_lite.network.ports.get_ports``) as Show port
    answers it; the ``binding:*`` details with ``binding_details``."""
    instance = port['instance']
    view = {
        'id': port['port_id'], 'name': '',
        'network_id': port['network']['uuid'],
        'mac_address': port['mac'], 'admin_state_up': True,
        'status': 'ACTIVE' if instance['vm_state'] in ACTIVE_VM_STATES
        else 'DOWN',
        'device_id': port['instance_uuid'],
        'device_owner': 'compute:%s' % _zone(instance),
        'fixed_ips': [{'subnet_id': networks.subnet_id(port['network']),
                       'ip_address': port['address']}],
        'security_groups': list(port['security_group_ids']),
        'binding:vnic_type': 'normal', 'binding:profile': {},
        'tenant_id': instance['project_id'],
        'project_id': instance['project_id'], 'description': '',
        'created_at': common.isotime(port['allocated_at']),
        'updated_at': common.isotime(instance['updated_at']
                                     or port['allocated_at']),
        'revision_number': 0,
    }
    if binding_details:
        view.update({'binding:host_id': instance['host'] or '',
                     'binding:vif_type': 'bridge',
                     'binding:vif_details': {'port_filter': False}})
    return view


def _ports(ctx, port_ids=None):
    project = None if sg_api.is_admin(ctx) else ctx.project_id
    details = policy.can(ctx, 'get_port:binding:host_id')
    return [port_view(p, details)
            for p in port_api.get_ports(ctx, project, port_ids)]


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
    found = _ports(ctx, [port_id])
    if not found:
        raise errors.PortNotFound(port_id=port_id[:64])
    return found[0]


@bp.get('/ports/<port_id>')
def show_port(port_id):
    """200 ``{"port": {...}}``; 404 ``PortNotFound``."""
    ctx = common.context()
    port = _port(ctx, port_id)
    common.authorize(ctx, 'get_port', port['project_id'])
    return {'port': common.select(port)}


@bp.post('/ports')
def create_port():
    """400: ports are made with servers."""
    ctx = common.context()
    common.authorize(ctx, 'create_port', ctx.project_id)
    raise errors.NotImplementedOperation(
        operation='Creating ports', reason='ports are made with servers')


@bp.route('/ports/<port_id>', methods=['PUT', 'DELETE'])
def change_port(port_id):
    """400 after the policy check: ports change with their server."""
    ctx = common.context()
    port = _port(ctx, port_id)
    action = 'update_port' if flask.request.method == 'PUT' \
        else 'delete_port'
    common.authorize(ctx, action, port['project_id'])
    raise errors.NotImplementedOperation(
        operation='Changing ports', reason='a port changes with its server '
        '(compute API)')
