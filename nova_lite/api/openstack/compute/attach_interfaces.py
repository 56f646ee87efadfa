"""``/v2.1/servers/{server_id}/os-interface`` (compute API reference,
"Port interfaces (servers, os-interface)"; doc/interfaces.md):

- ``GET``: 200 ``{"interfaceAttachments": [interface]}``;
- ``GET .../{port_id}``: 200 ``{"interfaceAttachment": interface}``,
  404 when the port is not the server's;
- ``POST``: attach ``{"interfaceAttachment": {"net_id"?, "port_id"?,
  "fixed_ips"?: [{"ip_address"}], "tag"? (2.49)}}``: 200 with the
  interface once the guest has it; 400 for both ``net_id`` and
  ``port_id``, or ``fixed_ips`` without ``net_id``; 404 unknown
  network or port; 409 a port in use, a server not ACTIVE, PAUSED or
  STOPPED or with a task, a locked server; 500 when the hypervisor
  failed (Nova's InterfaceAttachFailed);
- ``DELETE .../{port_id}``: 202, the compute detaches it soon after;
  404 when the port is not the server's, 409 as attach.

An interface is ``{"port_id", "net_id", "mac_addr", "port_state",
"fixed_ips": [{"subnet_id", "ip_address"}], "tag" (2.70)}``. An
unknown server, or another project's, is a 404; rules
``os_compute_api:os-attach-interfaces:{list,show,create,delete}``.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import attach_interfaces as policies

bp = flask.Blueprint('attach_interfaces', __name__,
                     url_prefix='/v2.1/servers/<server_id>/os-interface')


def _authorized(server_id, action):
    """The context and server, once the caller may ``action`` it.

    :raises: InstanceNotFound (404), Forbidden (403)
    """
    context = openstack.context()
    instance = openstack.compute_api().get(context, server_id)
    policy.authorize(context, policies.ATTACH_INTERFACES % action,
                     {'project_id': instance.project_id,
                      'user_id': context.user_id})
    return context, instance


def interface_view(port):
    """The interface of a port dict (``nova_lite.db.ports.ports_get``);
    ``tag`` from 2.70."""
    view = {
        'port_id': port['uuid'],
        'net_id': port['network']['uuid'],
        'mac_addr': port['mac_address'],
        'port_state': ('ACTIVE' if port['admin_state_up']
                       and port['device_id'] else 'DOWN'),
        'fixed_ips': [{'subnet_id': f['subnet_id'],
                       'ip_address': f['ip_address']}
                      for f in port['fixed_ips']],
    }
    if microversion.at_least('2.70'):
        view['tag'] = port.get('tag')
    return view


@bp.get('')
def index(server_id):
    """200 ``{"interfaceAttachments": [...]}``."""
    context, instance = _authorized(server_id, 'list')
    ports = openstack.compute_api().list_interfaces(context, instance.uuid)
    return {'interfaceAttachments': [interface_view(p) for p in ports]}


@bp.get('/<port_id>')
def show(server_id, port_id):
    """200 ``{"interfaceAttachment": {...}}``; 404 for a port the server
    does not have."""
    context, instance = _authorized(server_id, 'show')
    port = openstack.compute_api().show_interface(context, instance.uuid,
                                                  port_id)
    return {'interfaceAttachment': interface_view(port)}


def _request(body):
    """``(net_id, port_id, fixed_ip, tag)`` of a create body.

    :raises: ValidationError (400)
    """
    attachment = body.get('interfaceAttachment') or {}
    net_id = attachment.get('net_id')
    port_id = attachment.get('port_id')
    fixed_ips = attachment.get('fixed_ips')
    if net_id and port_id:
        raise exception.ValidationError(
            attribute='interfaceAttachment', reason='must not input both '
            'net_id and port_id')
    if fixed_ips and not net_id:
        raise exception.ValidationError(
            attribute='fixed_ips', reason='fixed_ips requires net_id')
    fixed_ip = fixed_ips[0]['ip_address'] if fixed_ips else None
    return net_id, port_id, fixed_ip, attachment.get('tag')


@bp.post('')
def create(server_id):
    """200 ``{"interfaceAttachment": {...}}`` of the new NIC."""
    context, instance = _authorized(server_id, 'create')
    net_id, port_id, fixed_ip, tag = _request(openstack.body())
    port = openstack.compute_api().attach_interface(
        context, instance.uuid, net_id=net_id, port_id=port_id,
        fixed_ip=fixed_ip, tag=tag)
    return {'interfaceAttachment': interface_view(port)}


@bp.delete('/<port_id>')
def delete(server_id, port_id):
    """202: the compute detaches the port."""
    context, instance = _authorized(server_id, 'delete')
    openstack.compute_api().detach_interface(context, instance.uuid,
                                             port_id)
    return '', 202
