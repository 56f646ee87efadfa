"""Server groups of both APIs (compute API ``os-server-groups``,
CloudStack affinity groups): a policy (affinity, anti-affinity,
soft-affinity, soft-anti-affinity) the scheduler enforces for the
group's members. Servers join a group when they are created (the
``group`` scheduler hint); deleting a group leaves them running.

A group is its project's (admins: any project's); others' groups do not
exist for the caller (InstanceGroupNotFound, 404). Groups are dicts:
``uuid``, ``name``, ``policy``, ``project_id``, ``user_id``,
``members`` (instance uuids), ...
"""
from nova_lite.db import server_groups as group_db
from nova_lite import exception
from nova_lite import notifications


def create(context, name, policy, rules=None):
    """A new group of the caller's project and user, with no members;
    server_group.create.  ``rules``: ``{"max_server_per_host": N}`` of an
    anti-affinity group (compute API microversion 2.64)."""
    group = group_db.instance_group_create(context, name, policy, rules)
    notifications.server_group(context, 'server_group.create', group)
    return group


def get(context, group_uuid):
    """:raises: InstanceGroupNotFound (404)"""
    return group_db.instance_group_get(context, group_uuid)


def get_all(context, all_projects=False, limit=None, offset=0):
    """Groups by creation order: the caller's project's, or with
    ``all_projects`` every project's (the caller checks the policy)."""
    return group_db.instance_group_get_all(
        context, all_projects=all_projects, limit=limit, offset=offset)


def find(context, group_uuid=None, name=None):
    """The caller's project's group with uuid ``group_uuid``, else (no
    uuid given) the first named ``name``; None when there is none."""
    for group in get_all(context):
        if group['uuid'] == group_uuid or (not group_uuid
                                           and group['name'] == name):
            return group
    return None


def groups_of_instance(context, instance_uuid):
    """Uuids of the server groups the server is a member of (compute API
    microversion 2.71's ``server_groups``; the caller has read the
    server)."""
    return group_db.groups_of_instance(context, instance_uuid)


def delete(context, group_uuid):
    """server_group.delete (of the group as it was).

    :raises: InstanceGroupNotFound (404)
    """
    group = get(context, group_uuid)
    group_db.instance_group_delete(context, group_uuid)
    notifications.server_group(context, 'server_group.delete', group)


def members_added(context, group, instance_uuids):
    """server_group.add_member: ``instance_uuids`` joined ``group`` (its
    dict before they did; the servers' create wrote the membership)."""
    if group:
        notifications.server_group(context, 'server_group.add_member', dict(
            group, members=list(group.get('members') or [])
            + list(instance_uuids)))


def group_for_create(context, scheduler_hints):
    """The group named by the ``group`` scheduler hint of a create (a
    uuid, or a list of one), or None; the new servers join it.

    :raises: Invalid (400) for several groups or a group unknown to the
        caller
    """
    group_uuid = (scheduler_hints or {}).get('group')
    if isinstance(group_uuid, list):
        group_uuid = group_uuid[0] if len(group_uuid) == 1 else None
        if group_uuid is None:
            raise exception.Invalid(reason='Only one server group may '
                                    'be given in the group hint.')
    if not group_uuid:
        return None
    try:
        return get(context, str(group_uuid))
    except exception.InstanceGroupNotFound as exc:
        raise exception.Invalid(reason=exc.format_message()) from None


def groups_of_instances(context, instance_uuids):
    """``{instance uuid: [group dict]}`` for the given instances, from the
    groups of the context's project (admins: every project)."""
    wanted = set(instance_uuids)
    if not wanted:
        return {}
    result = {}
    for group in get_all(context, all_projects=context.is_admin):
        for member in group['members']:
            if member in wanted:
                result.setdefault(member, []).append(group)
    return result
