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
from oslo_utils import timeutils

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import instance_actions as views
from nova_lite.compute import instance_actions as action_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import instance_actions as action_policies

bp = flask.Blueprint(
    'instance_actions', __name__,
    url_prefix='/v2.1/servers/<server_id>/os-instance-actions')
INSTANCE_ACTIONS = action_policies.INSTANCE_ACTIONS


def _time_param(args, name):
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(args[name]))
    except ValueError:
        raise exception.ValidationError(
            attribute=name, reason='%r is not an ISO 8601 date and time'
            % args[name][:64]) from None


def _page_args():
    """``limit``, ``marker``, ``changes_since`` and ``changes_before`` of
    the query (2.58; ``changes-before`` from 2.66); before 2.58 the query
    is ignored.

    :raises: ValidationError (400) for other parameters, bad values, or
        changes-before earlier than changes-since
    """
    if not microversion.at_least('2.58'):
        return {}
    args = flask.request.args
    known = {'limit', 'marker', 'changes-since'}
    if microversion.at_least('2.66'):
        known.add('changes-before')
    unknown = sorted(set(args) - known)
    if unknown:
        raise exception.ValidationError(
            attribute=unknown[0][:64], reason='unknown query parameter')
    limit, marker = openstack.limit_and_marker()
    page = {'limit': limit, 'marker': marker}
    if 'changes-since' in args:
        page['changes_since'] = _time_param(args, 'changes-since')
    if 'changes-before' in args:
        page['changes_before'] = _time_param(args, 'changes-before')
        if page.get('changes_since', page['changes_before']) > \
                page['changes_before']:
            raise exception.ValidationError(
                attribute='changes-before', reason='changes-since must be '
                'less than or equal to changes-before')
    return page


@bp.get('')
def index(server_id):
    """200 ``{"instanceActions": [...]}``; 404 for unknown servers.  From
    2.58 paged by ``limit`` and ``marker`` (a request id) with ``links``
    when a page is full, and filtered by ``changes-since`` (and from 2.66
    ``changes-before``) on the time an action last changed."""
    context = openstack.context()
    policy.authorize(context, INSTANCE_ACTIONS % 'list')
    page = _page_args()
    actions = [views.action(a) for a in action_api.get_all(
        context, server_id, deleted=microversion.at_least('2.21'), **page)]
    body = {'instanceActions': actions}
    if page:
        links = openstack.collection_links('os-instance-actions', actions,
                                           page['limit'], 'request_id')
        if links:
            body['links'] = links
    return body


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
        row, show_events or microversion.at_least('2.51'), show_traceback,
        show_host=show_events, project_id=_project_of(context, server_id))}


def _project_of(context, server_id):
    """The project of the server (whose action was found, so it is
    visible), for the events' hostId (2.62)."""
    if not microversion.at_least('2.62'):
        return None
    return action_api.project_of(context, server_id)
