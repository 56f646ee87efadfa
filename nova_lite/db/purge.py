"""SQL of ``nova-lite-manage db purge``: hard deletion of soft-deleted
instances with their metadata, faults, actions, events, group
memberships and VM snapshots, in batches.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import writer


def _purge_instances_batch(session, before, batch_size):
    inst = models.Instance
    uuids = [r[0] for r in session.execute(
        sa.select(inst.uuid).where(inst.deleted != 0,
                                   inst.deleted_at < before)
        .limit(batch_size))]
    if not uuids:
        return 0
    act, evt = models.InstanceAction, models.InstanceActionEvent
    action_ids = sa.select(act.id).where(act.instance_uuid.in_(uuids))
    session.execute(sa.delete(evt).where(evt.action_id.in_(action_ids)))
    session.execute(sa.delete(act).where(act.instance_uuid.in_(uuids)))
    session.execute(sa.delete(models.InstanceFault).where(
        models.InstanceFault.instance_uuid.in_(uuids)))
    session.execute(sa.delete(models.InstanceMetadata).where(
        models.InstanceMetadata.instance_uuid.in_(uuids)))
    session.execute(sa.delete(models.InstanceGroupMember).where(
        models.InstanceGroupMember.instance_uuid.in_(uuids)))
    session.execute(sa.delete(models.VMSnapshot).where(
        models.VMSnapshot.instance_uuid.in_(uuids)))
    session.execute(sa.delete(inst).where(inst.uuid.in_(uuids)))
    return len(uuids)


def purge_count(context, before):
    """Number of soft-deleted instances deleted before ``before``."""
    inst = models.Instance
    with reader(context) as session:
        return session.scalar(sa.select(sa.func.count(inst.id)).where(
            inst.deleted != 0, inst.deleted_at < before))


@retry_on_deadlock
def purge_batch(context, before, batch_size=500):
    """Hard-delete up to ``batch_size`` soft-deleted instances deleted
    before ``before`` with their metadata, faults, actions and events, in
    one transaction. Returns how many instances went (0 when done)."""
    with writer(context) as session:
        return _purge_instances_batch(session, before, batch_size)
