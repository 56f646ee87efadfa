"""``/v2.1/servers/{id}/os-instance-actions``: the actions done on a
server (create, delete, reboot, ...) and, per request id, one action with
its events (compute API reference, "Servers actions (servers,
os-instance-actions)", microversion 2.1).

Actions are newest first; a server of another project is a 404.  Events
are shown to admins only before microversion 2.51, to every caller who
may show the action from 2.51; their tracebacks to admins only.  From
microversion 2.21 the actions of a deleted server are shown too (a 404
before).
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import instance_actions as views
from nova_lite.compute import instance_actions as action_api
from nova_lite import policy
from nova_lite.policies import instance_actions as action_policies

bp = flask.Blueprint(
    'instance_actions', __name__,
    url_prefix='/v2.1/servers/<server_id>/os-instance-actions')
INSTANCE_ACTIONS = action_policies.INSTANCE_ACTIONS


@bp.get('')
def index(server_id):
    """200 ``{"instanceActions": [...]}``; 404 for unknown servers."""
    context = openstack.context()
    policy.authorize(context, INSTANCE_ACTIONS % 'list')
    actions = action_api.get_all(context, server_id,
                                 deleted=microversion.at_least('2.21'))
    return {'instanceActions': [views.action(a) for a in actions]}


@bp.get('/<request_id>')
def show(server_id, request_id):
    """200 ``{"instanceAction": {..., "events": [...]}}``; 404 for
    unknown servers and request ids."""
    context = openstack.context()
    policy.authorize(context, INSTANCE_ACTIONS % 'show')
    row = action_api.get(context, server_id, request_id,
                         deleted=microversion.at_least('2.21'))
    show_events = policy.can(context, INSTANCE_ACTIONS % 'events')
    show_traceback = show_events and policy.can(
        context, INSTANCE_ACTIONS % 'events:details')
    return {'instanceAction': views.action_with_events(
        row, show_events or microversion.at_least('2.51'), show_traceback)}
