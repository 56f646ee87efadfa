"""Affinity groups of the CloudStack API = server groups of the compute
API (``nova_lite.db.server_groups``)."""
from nova_lite.db import server_groups as group_db


def groups_of_instances(context, instance_uuids):
    """``{instance uuid: [group dict]}`` for the given instances, from the
    groups of the context's project (admins: every project)."""
    wanted = set(instance_uuids)
    if not wanted:
        return {}
    result = {}
    for group in group_db.instance_group_get_all(
            context, all_projects=context.is_admin):
        for member in group['members']:
            if member in wanted:
                result.setdefault(member, []).append(group)
    return result
