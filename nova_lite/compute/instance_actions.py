"""Instance actions: what was done on a server (create, delete, reboot,
stop, start, lock, resetState, ...), by whom and with which request id,
with the events of the services that did it (compute API reference,
"Servers actions (servers, os-instance-actions)"; CloudStack async jobs
follow the action their command started).

Actions are ``Record``s of the ``instance_actions`` columns (``action``,
``request_id``, ``start_time``, ``finish_time``, ``message``, ...) with
``events`` (tuple of event Records, oldest first), newest first.
"""
import copy

from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite import exception


def get_all(context, instance_uuid, deleted=False, **page):
    """The actions of a server the caller may see, newest first; with
    ``deleted`` also of a deleted server (compute API microversion 2.21).
    ``page``: ``limit``, ``marker`` (a request id), ``changes_since``,
    ``changes_before`` (microversions 2.58 and 2.66; see
    ``db.actions.actions_get``).

    :raises: InstanceNotFound (404), also for another project's server;
        Invalid (400) for an unknown marker
    """
    lookup = context
    if deleted:
        lookup = copy.copy(context)
        lookup.read_deleted = 'yes'
    instance_db.instance_get(lookup, instance_uuid)
    return action_db.actions_get(context, instance_uuid, **page)


def get(context, instance_uuid, request_id, deleted=False):
    """The action of request ``request_id`` on a server (``deleted`` as
    ``get_all``).

    :raises: InstanceNotFound (404); NotFound (404) for an unknown
        request id
    """
    for action in get_all(context, instance_uuid, deleted):
        if action.request_id == request_id:
            return action
    raise exception.NotFound('Action %s on instance %s could not be found.'
                             % (request_id[:64], instance_uuid))


def project_of(context, instance_uuid):
    """The project id of a server the caller may see (deleted or not).

    :raises: InstanceNotFound (404)
    """
    lookup = copy.copy(context)
    lookup.read_deleted = 'yes'
    return instance_db.instance_get(lookup, instance_uuid).project_id


def latest(context, instance_uuid, action, started_by):
    """The newest ``action`` of an instance started no later than
    ``started_by`` (naive UTC datetime), or None. The caller has read
    the instance already: its visibility is not checked again."""
    for act in action_db.actions_get(context, instance_uuid):
        if act.action == action and act.start_time <= started_by:
            return act
    return None
