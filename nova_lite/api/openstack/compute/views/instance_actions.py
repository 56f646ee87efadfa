"""Instance action bodies (compute API reference, "Servers actions
(servers, os-instance-actions)", microversion 2.1): no host fields in
events before 2.62 (then ``hostId`` and, for admins, ``host``),
``traceback`` only for those allowed to see it;
``updated_at`` of actions from 2.58."""
from nova_lite.api import microversion
from nova_lite.api.openstack.compute.views import servers as server_views
from nova_lite.api.openstack.compute.views import timestamps


def action(row):
    """An item of List Actions For Server; ``updated_at`` (the last
    change, the start when never updated) from 2.58."""
    body = {
        'action': row.action, 'instance_uuid': row.instance_uuid,
        'request_id': row.request_id, 'user_id': row.user_id,
        'project_id': row.project_id,
        'start_time': timestamps.legacy_isotime(row.start_time),
        'message': row.message,
    }
    if microversion.at_least('2.58'):
        body['updated_at'] = timestamps.legacy_isotime(
            row.updated_at or row.start_time)
    return body


def event(row, show_traceback, show_host=False, project_id=None):
    """An event of Show Server Action Details; from 2.84 its ``details``
    (the fault message of a failed event, else null); from 2.62 its
    ``hostId``
    (the hashed host, as servers show it, for the server's project
    ``project_id``; '' without a host) and, when ``show_host`` (callers
    the events policy allows), its ``host``."""
    body = {
        'event': row.event,
        'start_time': timestamps.legacy_isotime(row.start_time),
        'finish_time': timestamps.legacy_isotime(row.finish_time),
        'result': row.result,
    }
    if show_traceback:
        body['traceback'] = row.traceback
    if microversion.at_least('2.84'):
        body['details'] = row.details
    if microversion.at_least('2.62'):
        body['hostId'] = server_views.hashed_host(project_id, row.host)
        if show_host:
            body['host'] = row.host or ''
    return body


def action_with_events(row, show_events, show_traceback, show_host=False,
                       project_id=None):
    """Show Server Action Details: the action with its ``events`` when
    allowed (``event`` gives the other arguments)."""
    body = action(row)
    if show_events:
        body['events'] = [event(e, show_traceback, show_host, project_id)
                          for e in row.events]
    return body
