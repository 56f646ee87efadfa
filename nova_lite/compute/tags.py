"""Server tags for the compute API (microversion 2.26, "Server tags
(servers, tags)" of the compute API reference).

Every function takes a RequestContext first and checks the server is one
the caller may see (InstanceNotFound, 404, otherwise).  Changes need a
server at rest: ACTIVE or STOPPED with no task (a 409 otherwise), as the
compute API allows tag changes only in settled states.
"""
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.db import tags as tag_db
from nova_lite import exception

MAX_TAGS = tag_db.MAX_TAGS
TooManyTags = tag_db.TooManyTags
#: vm_states in which tags may change (with no task_state).
MUTABLE_STATES = (states.ACTIVE, states.STOPPED)


def _visible(context, instance_uuid):
    return instance_db.instance_get(context, instance_uuid)


def _settled(context, instance_uuid, action):
    """The server, if its tags may change.

    :raises: InstanceNotFound (404), InstanceInvalidState (409)
    """
    instance = _visible(context, instance_uuid)
    if instance.vm_state not in MUTABLE_STATES:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance_uuid, attr='vm_state',
            state=instance.vm_state)
    if instance.task_state is not None:
        raise exception.InstanceInvalidState(
            action=action, instance_uuid=instance_uuid, attr='task_state',
            state=instance.task_state)
    return instance


def get(context, instance_uuid):
    """The server's tags, sorted."""
    _visible(context, instance_uuid)
    return tag_db.tags_get(context, [instance_uuid])[instance_uuid]


def of_instances(context, instance_uuids):
    """``{uuid: sorted tags}`` of servers the caller has listed already
    (no visibility check); one SELECT."""
    return tag_db.tags_get(context, instance_uuids)


def exists(context, instance_uuid, tag):
    """True if the server has ``tag``."""
    return tag in get(context, instance_uuid)


def add(context, instance_uuid, tag):
    """Add ``tag``; True if new.

    :raises: TooManyTags (400) past MAX_TAGS, 404, 409
    """
    _settled(context, instance_uuid, 'update tag')
    return tag_db.tag_add(context, instance_uuid, tag)


def replace(context, instance_uuid, tags):
    """Replace every tag; returns the new tags, sorted.

    :raises: TooManyTags (400) past MAX_TAGS, 404, 409
    """
    _settled(context, instance_uuid, 'update tags')
    return tag_db.tags_set(context, instance_uuid, tags)


def delete(context, instance_uuid, tag):
    """Remove ``tag``.

    :raises: NotFound (404) when the server does not have it, 404, 409
    """
    _settled(context, instance_uuid, 'delete tag')
    if not tag_db.tag_delete(context, instance_uuid, tag):
        raise exception.NotFound('Tag %s of instance %s could not be found.'
                                 % (tag[:80], instance_uuid))


def delete_all(context, instance_uuid):
    """Remove every tag (404, 409 as ``delete``)."""
    _settled(context, instance_uuid, 'delete tags')
    tag_db.tags_delete_all(context, instance_uuid)
