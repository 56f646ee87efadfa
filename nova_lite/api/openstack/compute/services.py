"""``/v2.1/os-services``: list compute services, enable, disable (with a
reason) or force down one, delete one (compute API reference, "Compute
services (os-services)", microversion 2.1; admins only).

The service to change is named by ``host`` and ``binary`` in the body
before 2.53; from 2.53 services are named by uuid (``id`` in the list,
``PUT`` and ``DELETE /os-services/{uuid}``) and the host/binary routes
answer 404 (``versions_history.ROUTES``).  From microversion 2.11 the
list shows ``forced_down`` and ``PUT /os-services/force-down`` sets it
(a 404 before 2.11 and from 2.53).  A service is ``up`` by
``nova_lite.servicegroup``'s rule (not forced down, heartbeat within
``[DEFAULT] service_down_time`` seconds).  Deleting a compute service
(204) deletes its compute nodes and is refused (409) while its host has
instances.
"""
import flask
from oslo_utils import uuidutils

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import services as views
from nova_lite.compute import host_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import services as service_policies

bp = flask.Blueprint('services', __name__, url_prefix='/v2.1/os-services')
SERVICES = service_policies.SERVICES
#: Largest service id (an SQL INTEGER).
MAX_ID = host_api.MAX_ID


def _authorized_context(action):
    context = openstack.context()
    policy.authorize(context, SERVICES % action)
    return context


@bp.get('')
def index():
    """200 ``{"services": [...]}``, filtered by ``binary`` and ``host``
    (other query parameters are ignored, as at 2.1)."""
    context = _authorized_context('list')
    args = flask.request.args
    binary = args.get('binary')
    services = host_api.service_list(
        context, binary=views.internal_binary(binary) if binary else None,
        host=args.get('host') or None)
    return {'services': [views.detail(s) for s in services]}


def _update(values, response):
    """Update the service of the body's ``host`` and ``binary``.

    :raises: ServiceNotFound (404)
    """
    context = _authorized_context('update')
    body = openstack.body()
    try:
        host_api.service_update(context, body['host'],
                                views.internal_binary(body['binary']),
                                values)
    except exception.ServiceNotFound:
        raise exception.ServiceNotFound(
            'Service %s on host %s could not be found.'
            % (body['binary'], body['host'])) from None
    result = {'host': body['host'], 'binary': body['binary']}
    result.update(response)
    return {'service': result}


@bp.put('/enable')
def enable():
    """200 ``{"service": {"host", "binary", "status": "enabled"}}``."""
    return _update({'disabled': False, 'disabled_reason': None},
                   {'status': 'enabled'})


@bp.put('/disable')
def disable():
    """200 ``{"service": {"host", "binary", "status": "disabled"}}``."""
    return _update({'disabled': True}, {'status': 'disabled'})


@bp.put('/disable-log-reason')
def disable_log_reason():
    """200 ``{"service": {"host", "binary", "status": "disabled",
    "disabled_reason"}}``."""
    reason = openstack.body()['disabled_reason']
    return _update({'disabled': True, 'disabled_reason': reason},
                   {'status': 'disabled', 'disabled_reason': reason})


@bp.put('/force-down')
def force_down():
    """200 ``{"service": {"host", "binary", "forced_down"}}`` (from
    microversion 2.11): a forced down service is ``down`` whatever its
    heartbeat."""
    forced = openstack.parse_bool(openstack.body()['forced_down'],
                                  'forced_down')
    return _update({'forced_down': forced}, {'forced_down': forced})


def _check_uuid(service_id):
    """:raises: ValidationError (400) unless a uuid (2.53)"""
    if not uuidutils.is_uuid_like(service_id):
        raise exception.ValidationError(
            attribute='service_id', reason='invalid uuid %s'
            % service_id[:64])


@bp.put('/<service_id>')
def update(service_id):
    """200 ``{"service": <as listed>}`` (from microversion 2.53): set
    ``status`` (with an optional ``disabled_reason`` when "disabled";
    "enabled" clears the reason) and/or ``forced_down`` of the compute
    service ``service_id`` (a uuid).

    :raises: ValidationError (400) for a non-uuid id, an empty request, a
        reason without status "disabled", or a service other than a
        compute; ServiceNotFound (404)
    """
    context = _authorized_context('update')
    _check_uuid(service_id)
    body = openstack.body()
    if 'disabled_reason' in body and body.get('status') != 'disabled':
        raise exception.ValidationError(
            attribute='disabled_reason', reason="only valid with status "
            "'disabled'")
    if 'status' not in body and 'forced_down' not in body:
        raise exception.ValidationError(
            attribute='body', reason="no updates were requested: give "
            "'status' or 'forced_down'")
    service = host_api.service_get_by_uuid(context, service_id)
    if views.api_binary(service['binary']) != 'nova-compute':
        raise exception.ValidationError(
            attribute='service_id', reason='updating a %s service is not '
            'supported: only nova-compute services can be updated'
            % views.api_binary(service['binary']))
    values = {}
    if 'status' in body:
        values['disabled'] = body['status'] == 'disabled'
        values['disabled_reason'] = body.get('disabled_reason')
    if 'forced_down' in body:
        values['forced_down'] = openstack.parse_bool(body['forced_down'],
                                                     'forced_down')
    return {'service': views.detail(host_api.service_update_by_uuid(
        context, service_id, values))}


@bp.delete('/<service_id>')
def delete(service_id):
    """204; 404 for unknown ids (before 2.53 also non-integer ones; from
    2.53 the id is a uuid and anything else a 400), 409 for a compute
    service whose host has instances."""
    context = _authorized_context('delete')
    if microversion.at_least('2.53'):
        _check_uuid(service_id)
        host_api.service_delete_by_uuid(context, service_id)
        return '', 204
    if not service_id.isdigit() or int(service_id) > MAX_ID:
        raise exception.ServiceNotFound(service_id=service_id[:64])
    host_api.service_delete(context, int(service_id))
    return '', 204
