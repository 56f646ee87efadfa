"""SQL of claims: the allocations of instances on compute nodes, taken
and released atomically with the nodes' ``*_used`` columns.

A claim is one conditional UPDATE of the node (room after ratios and
reservations, ``compute_nodes.room_terms``) and an ``allocations`` row;
hard server group policies are checked in the same transaction. The
placement of a scheduled instance (``instance_place``) and the release of
abandoned claims lock the instance row first, so two build flows of one
instance cannot both use its claim. Units: MiB, GiB.
"""
import functools

from oslo_db import exception as db_exc
import sqlalchemy as sa
from sqlalchemy import orm

from nova_lite.db import compute_nodes
from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


@retry_on_deadlock
def claim(context, compute_node_id, instance_uuid, vcpus, memory_mb,
          disk_gb, group=None):
    """Atomically claim resources of an instance on a node.

    One conditional UPDATE adds the usage only if it stays within
    ``total * ratio - reserved``; then an allocations row records it. Two
    schedulers racing for the last room: exactly one UPDATE matches.
    Re-claiming an instance already allocated on this node is a no-op.

    :param group: None, or (group uuid, policy) of the instance's server
        group; a hard ``affinity``/``anti-affinity`` policy is checked in
        the same transaction, under a lock of the group row (see
        ``_check_group_policy``)
    :returns: True when claimed, False when the node has no room
    :raises: GroupPolicyViolation when the node's host would break a hard
        policy of ``group``
    """
    params = {'node_id': compute_node_id, 'req_vcpus': vcpus,
              'req_memory_mb': memory_mb, 'req_disk_gb': disk_gb}
    try:
        with writer(context) as session:
            if group is not None and group[1] in _HARD_POLICIES:
                _check_group_policy(session, group[0], group[1],
                                    compute_node_id, instance_uuid)
            if session.execute(_claim_update(), params).rowcount != 1:
                return False
            session.execute(models.Allocation.__table__.insert(), {
                'instance_uuid': instance_uuid,
                'compute_node_id': compute_node_id, 'vcpus': vcpus,
                'memory_mb': memory_mb, 'disk_gb': disk_gb})
            return True
    except db_exc.DBDuplicateEntry:
        # The usage UPDATE was rolled back with the transaction.
        return _already_claimed_on(context, instance_uuid, compute_node_id)


@functools.lru_cache(maxsize=None)
def _claim_update():
    """The conditional UPDATE of a claim (built once): ``node_id`` gets
    ``req_*`` more usage if it has the room (``compute_nodes.room_terms``)."""
    node = models.ComputeNode.__table__
    return (sa.update(node)
            .where(node.c.id == sa.bindparam('node_id'),
                   node.c.deleted == 0, *compute_nodes.room_terms(node))
            .values(vcpus_used=node.c.vcpus_used + sa.bindparam('req_vcpus'),
                    memory_mb_used=node.c.memory_mb_used +
                    sa.bindparam('req_memory_mb'),
                    local_gb_used=node.c.local_gb_used +
                    sa.bindparam('req_disk_gb'),
                    generation=node.c.generation + 1))


_HARD_POLICIES = ('affinity', 'anti-affinity')


def _check_group_policy(session, group_uuid, policy, compute_node_id,
                        instance_uuid):
    """Raise GroupPolicyViolation if claiming ``compute_node_id`` breaks
    the hard ``policy``: as many other members of the group as its
    ``max_server_per_host`` rule allows (1 without the rule) hold an
    allocation on the node's host (anti-affinity), or one does on another
    host (affinity); the exception's ``host`` is that member's host.

    The group row is locked first (SELECT ... FOR UPDATE; SQLite already
    serializes writers with BEGIN IMMEDIATE), so claims of one group run
    one after the other and each sees the allocations committed before
    it. Members are ``instance_group_members`` rows, written by the API
    with the instances.
    """
    grp = models.InstanceGroup.__table__
    group = session.execute(sa.select(grp.c.id, grp.c.rules).where(
        grp.c.uuid == group_uuid, grp.c.deleted == 0).with_for_update()
    ).first()
    if group is None:
        return
    # An anti-affinity group's max_server_per_host rule (microversion
    # 2.64) lets that many members share a host (1 by default).
    allowed = int((group.rules or {}).get('max_server_per_host', 1)) \
        if policy == 'anti-affinity' else 1
    hosts = session.execute(_group_clash_query(policy), {
        'group_id': group.id, 'instance_uuid': instance_uuid,
        'node_id': compute_node_id, 'allowed': allowed}).scalars().all()
    if len(hosts) >= allowed:
        raise exception.GroupPolicyViolation(host=hosts[0], policy=policy,
                                             group_uuid=group_uuid)


@functools.lru_cache(maxsize=None)
def _group_clash_query(policy):
    """Hosts of (at most ``allowed``) other members of ``group_id`` whose
    allocations break ``policy`` if ``instance_uuid`` goes to node
    ``node_id``: ``allowed`` of them on the node's host break
    anti-affinity, one on another host affinity."""
    member = models.InstanceGroupMember.__table__
    alloc = models.Allocation.__table__
    node = models.ComputeNode.__table__
    target = node.alias('target')
    same_host = node.c.host == target.c.host
    clash = same_host if policy == 'anti-affinity' else sa.not_(same_host)
    return (sa.select(node.c.host)
            .select_from(member)
            .join(alloc, alloc.c.instance_uuid == member.c.instance_uuid)
            .join(node, node.c.id == alloc.c.compute_node_id)
            .join(target, target.c.id == sa.bindparam('node_id'))
            .where(member.c.group_id == sa.bindparam('group_id'),
                   member.c.instance_uuid != sa.bindparam('instance_uuid'),
                   clash)
            .limit(sa.bindparam('allowed')))


def _already_claimed_on(context, instance_uuid, compute_node_id):
    with reader(context) as session:
        node_id = session.scalar(sa.select(
            models.Allocation.compute_node_id).filter_by(
            instance_uuid=instance_uuid))
    return node_id == compute_node_id


@retry_on_deadlock
def unclaim(context, instance_uuid):
    """Release the allocation of an instance. Idempotent.

    :returns: True if something was released
    """
    alloc = models.Allocation
    with writer(context) as session:
        row = session.scalars(sa.select(alloc).filter_by(
            instance_uuid=instance_uuid).with_for_update()).first()
        if row is None:
            return False
        return _release_allocation(session, row)


def _release_allocation(session, row):
    """Delete allocation ``row`` and give its usage back to its node."""
    alloc, node = models.Allocation, models.ComputeNode
    if session.execute(sa.delete(alloc).where(
            alloc.id == row.id)).rowcount != 1:
        return False
    session.execute(sa.update(node).where(
        node.id == row.compute_node_id).values(
        vcpus_used=node.vcpus_used - row.vcpus,
        memory_mb_used=node.memory_mb_used - row.memory_mb,
        local_gb_used=node.local_gb_used - row.disk_gb,
        generation=node.generation + 1)
        .execution_options(synchronize_session=False))
    return True


def _locked_instance(session, instance_uuid):
    """The instance row (deleted or not) under a row lock, or None; its
    metadata and fixed IPs are not loaded (one statement)."""
    inst = models.Instance
    return session.scalars(sa.select(inst).where(
        inst.uuid == instance_uuid).options(
        orm.noload(inst.metadata_items), orm.noload(inst.fixed_ips))
        .with_for_update()).first()


def _locked_allocation(session, instance_uuid):
    return session.scalars(sa.select(models.Allocation).filter_by(
        instance_uuid=instance_uuid).with_for_update()).first()


def _unplaced(row):
    return (row is not None and row.deleted == 0 and row.host is None
            and row.vm_state == 'building' and row.task_state == 'scheduling')


# Two build flows of one instance can run at once: a slow original (its
# casts or calls blocked by a broker outage) and the sweeper's re-drive.
# The claim is the fence between them: only the flow whose node holds the
# instance's allocation may place it, and both steps below lock the
# instance row first, so neither can release or use the other's claim.

@retry_on_deadlock
def instance_place(context, instance_uuid, host, node, compute_node_id):
    """Record the host and node chosen for an instance still scheduling
    (task_state scheduling → None), only while its claim is on
    ``compute_node_id``; one transaction under the instance's row lock.

    :returns: True when placed; False when the instance is deleted, no
        longer scheduling, already placed, or claimed elsewhere (another
        build flow owns it)
    """
    with writer(context) as session:
        row = _locked_instance(session, instance_uuid)
        if not _unplaced(row):
            return False
        claim_row = _locked_allocation(session, instance_uuid)
        if claim_row is None or claim_row.compute_node_id != compute_node_id:
            return False
        row.host, row.node, row.task_state = host, node, None
        row.updated_at = utcnow()
        return True


@retry_on_deadlock
def unclaim_if_abandoned(context, instance_uuid):
    """Release the claim of an instance nobody will build: deleted, or
    failed (ERROR) without a host. A live instance that is placed or
    still scheduling keeps its claim (it belongs to the build flow that
    owns the instance).

    :returns: True if a claim was released
    """
    with writer(context) as session:
        row = _locked_instance(session, instance_uuid)
        abandoned = row is None or row.deleted != 0 or (
            row.host is None and row.vm_state != 'building')
        if not abandoned:
            return False
        claim_row = _locked_allocation(session, instance_uuid)
        return claim_row is not None and _release_allocation(session,
                                                             claim_row)


@retry_on_deadlock
def unclaim_for_redrive(context, instance_uuid):
    """Take over the build of an instance still scheduling without a host
    (the sweeper's re-drive): release its claim and bump updated_at in one
    transaction under the instance's row lock, so a late original flow can
    no longer place it.

    :returns: True when taken over (the caller schedules it again); False
        when it was placed, deleted or moved on meanwhile
    """
    with writer(context) as session:
        row = _locked_instance(session, instance_uuid)
        if not _unplaced(row):
            return False
        claim_row = _locked_allocation(session, instance_uuid)
        if claim_row is not None:
            _release_allocation(session, claim_row)
        row.updated_at = utcnow()
        return True


def release_in_session(session, instance_uuid):
    """Release the allocation of an instance inside the caller's write
    transaction ``session`` (a writer that changes the instance in the
    same step, e.g. a shelve offload). Idempotent.

    :returns: True if something was released
    """
    row = _locked_allocation(session, instance_uuid)
    return row is not None and _release_allocation(session, row)


def locked_instance(session, instance_uuid):
    """``_locked_instance`` for the other writers of this package."""
    return _locked_instance(session, instance_uuid)


def allocation_node(session, instance_uuid):
    """The compute node id the instance's allocation is on (locked), or
    None."""
    row = _locked_allocation(session, instance_uuid)
    return None if row is None else row.compute_node_id
