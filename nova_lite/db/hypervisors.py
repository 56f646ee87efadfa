"""SQL of hypervisors (os-hypervisors): compute nodes with their compute
service and what their instances add up to, one statement per listing
whatever the number of nodes.

A hypervisor is a live compute node whose host has a live compute
service (a node without one is not listed). An instance is on a node
when its host is the node's host and its ``node`` is the node's
``hypervisor_hostname`` or unset. A node's ``current_workload`` (Nova's
name) counts its live instances with a task in progress or still
building. Units: memory in MiB, disks in GiB.
"""
import sqlalchemy as sa

from nova_lite.compute import states
from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite import servicegroup

#: The compute_nodes columns summed by ``hypervisor_statistics``.
SUMMED = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
          'local_gb_used', 'running_vms')
_SERVICE_PREFIX = 'service_'


def _tables():
    return (models.ComputeNode.__table__, models.Service.__table__,
            models.Instance.__table__)


def _on_node(inst, node):
    """The live instances of ``node`` (correlated on the node row)."""
    return sa.and_(inst.c.deleted == 0, inst.c.host == node.c.host,
                   sa.or_(inst.c.node.is_(None),
                          inst.c.node == node.c.hypervisor_hostname))


def _workload(node, inst):
    """Scalar subquery: the node's instances with a task in progress or
    still building."""
    return (sa.select(sa.func.count(inst.c.id))
            .where(_on_node(inst, node),
                   sa.or_(inst.c.task_state.isnot(None),
                          inst.c.vm_state == states.BUILDING))
            .scalar_subquery())


def _select(columns, node, svc, pattern=None, node_id=None, node_uuid=None):
    """SELECT ``columns`` of the live nodes joined to their live compute
    service, by node id."""
    query = (sa.select(*columns)
             .join_from(node, svc, sa.and_(
                 svc.c.host == node.c.host,
                 svc.c.binary == servicegroup.COMPUTE, svc.c.deleted == 0))
             .where(node.c.deleted == 0).order_by(node.c.id))
    if pattern is not None:
        query = query.where(node.c.hypervisor_hostname.contains(
            pattern, autoescape=True))
    if node_id is not None:
        query = query.where(node.c.id == node_id)
    if node_uuid is not None:
        query = query.where(node.c.uuid == node_uuid)
    return query


def hypervisor_get_all(context, pattern=None, node_id=None, workload=False,
                       node_uuid=None):
    """Hypervisors, by node id; one SELECT.

    :param pattern: only nodes whose ``hypervisor_hostname`` contains it
        (case-sensitive on every backend)
    :param node_id: only this node id (int)
    :param node_uuid: only the node of this uuid
    :param workload: add ``current_workload`` (int) to each
    :returns: list of dicts: the ``compute_nodes`` columns and
        ``service``, a dict of the ``services`` columns of the node's
        compute service
    """
    node, svc, inst = _tables()
    columns = list(node.c) + [c.label(_SERVICE_PREFIX + c.name)
                              for c in svc.c]
    if workload:
        columns.append(_workload(node, inst).label('current_workload'))
    query = _select(columns, node, svc, pattern, node_id, node_uuid)
    with reader(context) as session:
        rows = session.execute(query).mappings().all()
    result = []
    for row in rows:
        values = {k: v for k, v in row.items()
                  if not k.startswith(_SERVICE_PREFIX)}
        values['service'] = {k[len(_SERVICE_PREFIX):]: v
                             for k, v in row.items()
                             if k.startswith(_SERVICE_PREFIX)}
        if pattern is None or pattern in values['hypervisor_hostname']:
            result.append(values)
    return result


def hypervisor_statistics(context):
    """Sums over every hypervisor; one SELECT.

    :returns: dict: ``count``, each of ``SUMMED`` and
        ``current_workload`` (ints, 0 when there is no hypervisor)
    """
    node, svc, inst = _tables()
    per_node = _select([node.c[name] for name in SUMMED] + [
        _workload(node, inst).label('current_workload')], node, svc
    ).subquery()
    names = SUMMED + ('current_workload',)
    query = sa.select(sa.func.count(), *[
        sa.func.coalesce(sa.func.sum(per_node.c[name]), 0)
        for name in names])
    with reader(context) as session:
        row = session.execute(query).one()
    # int(): MySQL sums integers as DECIMAL.
    stats = {'count': int(row[0])}
    stats.update((name, int(value))
                 for name, value in zip(names, row[1:], strict=True))
    return stats


def hypervisor_servers(context, hypervisors):
    """The live instances of each hypervisor; one SELECT.

    :param hypervisors: dicts with ``id``, ``host`` and
        ``hypervisor_hostname`` (from ``hypervisor_get_all``)
    :returns: ``{node id: [{"uuid", "id", "instance_name"}, ...]}`` by
        instance id, every node of ``hypervisors`` a key
    """
    inst = models.Instance.__table__
    servers = {h['id']: [] for h in hypervisors}
    hosts = sorted({h['host'] for h in hypervisors})
    if not hosts:
        return servers
    query = (sa.select(inst.c.uuid, inst.c.id, inst.c.instance_name,
                       inst.c.host, inst.c.node)
             .where(inst.c.deleted == 0, inst.c.host.in_(hosts))
             .order_by(inst.c.id))
    with reader(context) as session:
        rows = session.execute(query).all()
    for hyp in hypervisors:
        servers[hyp['id']] = [
            {'uuid': r.uuid, 'id': r.id, 'instance_name': r.instance_name}
            for r in rows
            if r.host == hyp['host']
            and r.node in (None, hyp['hypervisor_hostname'])]
    return servers
