"""``/v2.1/os-services``: list compute services, enable, disable (with a
reason) or force down one, delete one (compute API reference, "Compute
services (os-services)", microversion 2.1; admins only).

The service to change is named by ``host`` and ``binary`` in the body
(the form before 2.53); ``force-down`` takes ``forced_down`` and answers
in the 2.11 form.  A service is ``up`` when it heartbeated within
``[DEFAULT] service_down_time`` seconds and is not forced down.  Deleting
a compute service (204) deletes its compute nodes and is refused (409)
while its host has instances.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import services as views
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import services as service_db
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import services as service_policies

bp = flask.Blueprint('services', __name__, url_prefix='/v2.1/os-services')
SERVICES = service_policies.SERVICES
#: Largest service id (an SQL INTEGER).
MAX_ID = 2 ** 31 - 1


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
    services = service_db.service_get_all(
        context, binary=views.internal_binary(binary) if binary else None,
        host=args.get('host') or None)
    zones = aggregate_db.host_zones(context)
    conf = openstack.conf()
    return {'services': [views.detail(s, zones, conf) for s in services]}


def _service(context, body):
    """The live service of the body's ``host`` and ``binary``.

    :raises: ServiceNotFound (404)
    """
    services = service_db.service_get_all(
        context, binary=views.internal_binary(body['binary']),
        host=body['host'])
    if not services:
        raise exception.ServiceNotFound(
            'Service %s on host %s could not be found.'
            % (body['binary'], body['host']))
    return services[0]


def _update(values, response):
    context = _authorized_context('update')
    body = openstack.body()
    service = _service(context, body)
    service_db.service_update(context, service['id'], values)
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
    """200 ``{"service": {"host", "binary", "forced_down"}}``: a forced
    down service is ``down`` whatever its heartbeat."""
    forced = openstack.parse_bool(openstack.body()['forced_down'],
                                  'forced_down')
    return _update({'forced_down': forced}, {'forced_down': forced})


@bp.delete('/<service_id>')
def delete(service_id):
    """204; 404 for unknown (or non-integer) ids, 409 for a compute
    service whose host has instances."""
    context = _authorized_context('delete')
    if not service_id.isdigit() or int(service_id) > MAX_ID:
        raise exception.ServiceNotFound(service_id=service_id[:64])
    service_db.service_destroy(context, int(service_id))
    return '', 204
