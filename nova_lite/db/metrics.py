"""SQL read by the capacity gauges (``nova_lite.metrics.capacity``): the
totals and use of every live compute node, and live instances counted by
host and vm_state. Two statements; memory in MiB, disk in GiB as stored.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader

_node = models.ComputeNode
_inst = models.Instance


def node_capacity(context):
    """[dict: host, vcpus, vcpus_used, memory_mb, memory_mb_used,
    local_gb, local_gb_used] of every live compute node, by host."""
    with reader(context) as session:
        rows = session.execute(sa.select(
            _node.host, _node.vcpus, _node.vcpus_used, _node.memory_mb,
            _node.memory_mb_used, _node.local_gb, _node.local_gb_used)
            .where(_node.deleted == 0).order_by(_node.host)).all()
    return [dict(row._mapping) for row in rows]


def instance_counts(context):
    """{(host or None, vm_state): count} of live instances."""
    with reader(context) as session:
        rows = session.execute(sa.select(
            _inst.host, _inst.vm_state, sa.func.count())
            .where(_inst.deleted == 0)
            .group_by(_inst.host, _inst.vm_state)).all()
    return {(host, state): count for host, state, count in rows}
