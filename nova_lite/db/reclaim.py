"""SQL of soft delete: the SOFT_DELETED instances whose reclaim time has
come (``instances.reclaim_at``), for the periodic task of their compute
(doc/lifecycle.md)."""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader


def instances_to_reclaim(context, host, now):
    """Uuids (list of str, oldest reclaim time first) of the live
    instances of ``host`` that are SOFT_DELETED with no task and whose
    ``reclaim_at`` is ``now`` (naive UTC) or earlier."""
    inst = models.Instance
    query = sa.select(inst.uuid).where(
        inst.deleted == 0, inst.host == host,
        inst.vm_state == 'soft-delete', inst.task_state.is_(None),
        inst.reclaim_at.isnot(None), inst.reclaim_at <= now).order_by(
            inst.reclaim_at, inst.id)
    with reader(context) as session:
        return list(session.scalars(query))
