"""SQL of server groups (os-server-groups; ``instance_groups`` and
``instance_group_members``).

A group has one policy: ``affinity``, ``anti-affinity`` (hard: checked in
the claim, ``nova_lite.db.claims.claim``), ``soft-affinity`` or
``soft-anti-affinity`` (weighers). Members are written by the API with the
instances (``nova_lite.db.instances.instances_create``); deleted instances are
not listed.

Groups are returned as dicts: id, uuid, name, policy, project_id,
user_id, members (list of instance uuids, oldest first), created_at.
"""
import uuid as uuidlib

import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

_grp = models.InstanceGroup
_member = models.InstanceGroupMember


def _scoped(context, query):
    if not context.is_admin:
        query = query.where(_grp.project_id == context.project_id)
    return query


def _members(session, group_ids):
    """{group id: [uuids of live member instances]} (one statement)."""
    inst = models.Instance
    members = {}
    if group_ids:
        for group_id, uuid in session.execute(
                sa.select(_member.group_id, _member.instance_uuid)
                .join(inst, sa.and_(inst.uuid == _member.instance_uuid,
                                    inst.deleted == 0))
                .where(_member.group_id.in_(group_ids))
                .order_by(_member.id)):
            members.setdefault(group_id, []).append(uuid)
    return members


def _to_dict(row, members):
    return {'id': row.id, 'uuid': row.uuid, 'name': row.name,
            'policy': row.policy, 'rules': dict(row.rules or {}),
            'project_id': row.project_id,
            'user_id': row.user_id, 'members': members,
            'created_at': row.created_at}


@retry_on_deadlock
def instance_group_create(context, name, policy, rules=None):
    """Create a group of the context's project and user; ``rules`` (dict,
    e.g. ``{"max_server_per_host": 2}``) refine its policy."""
    with writer(context) as session:
        row = models.InstanceGroup(
            uuid=str(uuidlib.uuid4()), name=name, policy=policy,
            rules=dict(rules or {}),
            project_id=context.project_id, user_id=context.user_id)
        session.add(row)
        session.flush()
        return _to_dict(row, [])


def instance_group_get(context, group_uuid):
    """A live group of the context's project (any project for admins).

    :raises: InstanceGroupNotFound
    """
    with reader(context) as session:
        row = session.scalars(_scoped(context, sa.select(_grp).where(
            _grp.uuid == group_uuid, _grp.deleted == 0))).first()
        if row is None:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        return _to_dict(row, _members(session, [row.id]).get(row.id, []))


def instance_group_get_all(context, all_projects=False, limit=None,
                           offset=0):
    """Live groups by id: the context's project's, or every project's with
    ``all_projects`` (the caller checks it is allowed)."""
    query = sa.select(_grp).where(_grp.deleted == 0)
    if not all_projects:
        query = query.where(_grp.project_id == context.project_id)
    query = query.order_by(_grp.id).offset(offset or 0)
    if limit is not None:
        query = query.limit(limit)
    with reader(context) as session:
        rows = list(session.scalars(query))
        members = _members(session, [r.id for r in rows])
        return [_to_dict(r, members.get(r.id, [])) for r in rows]


@retry_on_deadlock
def instance_group_delete(context, group_uuid):
    """Soft-delete a group and forget its members (their instances stay).

    :raises: InstanceGroupNotFound
    """
    with writer(context) as session:
        row = session.scalars(_scoped(context, sa.select(_grp).where(
            _grp.uuid == group_uuid, _grp.deleted == 0))
            .with_for_update()).first()
        if row is None:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        session.execute(sa.delete(_member).where(_member.group_id == row.id))
        row.deleted = row.id
        row.deleted_at = utcnow()


def groups_of_instance(context, instance_uuid):
    """Uuids of the live groups ``instance_uuid`` is a member of (at most
    one); one statement."""
    with reader(context) as session:
        return list(session.scalars(
            sa.select(_grp.uuid).join(_member, _member.group_id == _grp.id)
            .where(_member.instance_uuid == instance_uuid,
                   _grp.deleted == 0).order_by(_grp.id)))


def max_server_per_host(context, group_uuid):
    """The ``max_server_per_host`` rule of an anti-affinity group: how
    many members one host may run (1 when the group sets no rule or is
    gone); one statement."""
    with reader(context) as session:
        rules = session.scalar(sa.select(_grp.rules).where(
            _grp.uuid == group_uuid, _grp.deleted == 0))
    return int((rules or {}).get('max_server_per_host', 1))


def member_hosts(context, group_uuid):
    """{host: number of members holding an allocation there} of a group,
    for the scheduler's group filters and weighers (one statement)."""
    alloc, node = models.Allocation, models.ComputeNode
    query = (sa.select(node.host, sa.func.count(alloc.id))
             .select_from(_member)
             .join(_grp, sa.and_(_grp.id == _member.group_id,
                                 _grp.uuid == group_uuid))
             .join(alloc, alloc.instance_uuid == _member.instance_uuid)
             .join(node, node.id == alloc.compute_node_id)
             .group_by(node.host))
    with reader(context) as session:
        return {host: int(count) for host, count in session.execute(query)}
