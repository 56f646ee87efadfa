"""Database reads only tests need (the services never make them), on the
``nova_lite.db`` session: a node by id, allocations, an instance's
secrets and faults, the count of allocated fixed IPs, and the deletion
of a bare services row.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import Record
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


def compute_node_get(context, node_id):
    """The compute node dict of ``node_id``.

    :raises: ComputeHostNotFound
    """
    with reader(context) as session:
        row = session.get(models.ComputeNode, node_id)
        if row is None or row.deleted:
            raise exception.ComputeHostNotFound(host=node_id)
        return to_dict(row)


def allocation_get(context, instance_uuid):
    """The allocation dict of an instance, or None."""
    with reader(context) as session:
        row = session.scalars(sa.select(models.Allocation).filter_by(
            instance_uuid=instance_uuid)).first()
        return to_dict(row) if row else None


def allocations_get_all(context, compute_node_id=None):
    """Allocation dicts, of one node or all."""
    with reader(context) as session:
        query = sa.select(models.Allocation)
        if compute_node_id is not None:
            query = query.filter_by(compute_node_id=compute_node_id)
        return [to_dict(r) for r in session.scalars(query)]


def claims_by_consumer(context):
    """{consumer uuid: (host, vcpus, memory_mb, disk_gb)} of every
    allocation (an instance's or a migration's claim)."""
    alloc, node = models.Allocation, models.ComputeNode
    with reader(context) as session:
        rows = session.execute(sa.select(
            alloc.instance_uuid, node.host, alloc.vcpus,
            alloc.memory_mb, alloc.disk_gb).join(
            node, node.id == alloc.compute_node_id)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def node_usage(context):
    """{host: (vcpus_used, memory_mb_used, local_gb_used)} of the live
    compute nodes."""
    node = models.ComputeNode
    with reader(context) as session:
        rows = session.execute(sa.select(
            node.host, node.vcpus_used, node.memory_mb_used,
            node.local_gb_used).where(node.deleted == 0)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def instance_secrets_get(context, instance_uuid):
    """(user_data, key_data) of an instance, (None, None) if none."""
    with reader(context) as session:
        row = session.execute(sa.select(
            models.Instance.user_data, models.Instance.key_data).where(
            models.Instance.uuid == instance_uuid)).first()
        return (row[0], row[1]) if row else (None, None)


def instance_faults_get(context, instance_uuid):
    """Fault Records of an instance, newest first."""
    with reader(context) as session:
        return [Record(to_dict(r)) for r in session.scalars(
            sa.select(models.InstanceFault).where(
                models.InstanceFault.instance_uuid == instance_uuid)
            .order_by(models.InstanceFault.id.desc()))]


def fixed_ips_count_allocated(context):
    """Number of fixed IPs held by an instance."""
    with reader(context) as session:
        return session.scalar(sa.select(sa.func.count(models.FixedIP.id))
                              .where(models.FixedIP.instance_uuid.isnot(None)))


def service_row_delete(context, service_id):
    """Soft-delete the services row alone (its compute nodes stay, as
    after a lost row), unlike ``services.service_destroy``."""
    with writer(context) as session:
        session.execute(sa.update(models.Service).where(
            models.Service.id == service_id).values(
            deleted=models.Service.id, deleted_at=utcnow()))
