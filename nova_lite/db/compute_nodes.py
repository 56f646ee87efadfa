"""SQL of compute nodes (``compute_nodes``): the periodic report of a
compute's totals, and the scheduling query (every node with its service,
free room and aggregate metadata in one statement).

Units: memory in MiB, disks in GiB, times naive UTC. ``*_used`` columns
are written by claims (``nova_lite.db.claims``) and healed from the
allocations by ``compute_node_report``. Nodes are dicts of the
``compute_nodes`` columns.
"""
import functools
import uuid as uuidlib

import sqlalchemy as sa

from nova_lite.availability_zones import AZ_KEY
from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import writer
from nova_lite import servicegroup


@retry_on_deadlock
def compute_node_report(context, host, nodename, resources, ratios,
                        reserved_memory_mb, reserved_disk_gb):
    """Create or update the totals of (host, node). ``*_used`` columns are
    owned by claims and are recomputed from allocations here, healing any
    drift. Returns the node dict.

    :param resources: dict from ``ComputeDriver.get_available_resource``
        plus ``running_vms`` (guests the hypervisor has)
    :param ratios: dict cpu/ram/disk_allocation_ratio → float
    """
    values = _report_values(resources, ratios, reserved_memory_mb,
                            reserved_disk_gb)
    with writer(context) as session:
        # Lock the node first: a claim in flight holds this row (its
        # UPDATE) until it commits, and later claims wait for us, so the
        # sums below (the transaction's first consistent read, hence a
        # snapshot taken after the lock on MySQL) include every committed
        # claim and none can slip between the sums and the UPDATE.
        row = session.scalars(sa.select(models.ComputeNode).filter_by(
            host=host, hypervisor_hostname=nodename, deleted=0)
            .with_for_update()).first()
        if row is None:
            row = models.ComputeNode(uuid=str(uuidlib.uuid4()), host=host,
                                     hypervisor_hostname=nodename, **values)
            session.add(row)
            session.flush()
        else:
            _heal_usage(session, row.id)
            session.execute(sa.update(models.ComputeNode).where(
                models.ComputeNode.id == row.id).values(**values))
            session.refresh(row)
        return to_dict(row)


def _report_values(resources, ratios, reserved_memory_mb, reserved_disk_gb):
    """The ``compute_nodes`` columns a report sets."""
    return {
        'vcpus': resources['vcpus'], 'memory_mb': resources['memory_mb'],
        'local_gb': resources['local_gb'],
        'hypervisor_type': resources.get('hypervisor_type', 'unknown'),
        'hypervisor_version': resources.get('hypervisor_version', 0),
        'running_vms': resources.get('running_vms', 0),
        'cpu_allocation_ratio': ratios['cpu_allocation_ratio'],
        'ram_allocation_ratio': ratios['ram_allocation_ratio'],
        'disk_allocation_ratio': ratios['disk_allocation_ratio'],
        'reserved_memory_mb': reserved_memory_mb,
        'reserved_disk_gb': reserved_disk_gb,
    }


#: Columns of a report, and the usage healed with it, as bound
#: parameters (``report_*``) of the batch's one UPDATE statement.
_REPORTED = ('vcpus', 'memory_mb', 'local_gb', 'hypervisor_type',
             'hypervisor_version', 'running_vms', 'cpu_allocation_ratio',
             'ram_allocation_ratio', 'disk_allocation_ratio',
             'reserved_memory_mb', 'reserved_disk_gb', 'vcpus_used',
             'memory_mb_used', 'local_gb_used')


@functools.lru_cache(maxsize=None)
def _batch_update():
    node = models.ComputeNode.__table__
    return (sa.update(node).where(node.c.id == sa.bindparam('report_id'))
            .values({name: sa.bindparam('report_' + name)
                     for name in _REPORTED}))


@retry_on_deadlock
def compute_node_reports(context, reports):
    """``compute_node_report`` of many nodes in one transaction (the
    conductor's batch, ``conductor.reports``): their rows locked in id
    order (a claim locks one node: no deadlock), their usage summed from
    the allocations in one SELECT, then one UPDATE statement executed
    with the values of every node. A node reported for the first time is
    created as ``compute_node_report`` does. Statements: 3, plus 2 per new
    node.

    :param reports: [dict host, nodename, resources, ratios,
        reserved_memory_mb, reserved_disk_gb] (the arguments of
        ``compute_node_report``); the last report of a node wins
    :returns: {(host, nodename): node id}
    """
    latest = {(r['host'], r['nodename']): r for r in reports}
    if not latest:
        return {}
    node = models.ComputeNode
    with writer(context) as session:
        rows = session.execute(
            sa.select(node.id, node.host, node.hypervisor_hostname)
            .where(node.host.in_(sorted({h for h, _n in latest})),
                   node.deleted == 0)
            .order_by(node.id).with_for_update()).all()
        ids = {(r.host, r.hypervisor_hostname): r.id for r in rows
               if (r.host, r.hypervisor_hostname) in latest}
        for key in sorted(set(latest) - set(ids)):
            report = latest[key]
            row = node(uuid=str(uuidlib.uuid4()), host=key[0],
                       hypervisor_hostname=key[1], **_values_of(report))
            session.add(row)
            session.flush()
            ids[key] = row.id
        _update_reported(session, latest, ids)
        return ids


def _values_of(report):
    return _report_values(report['resources'], report['ratios'],
                          report['reserved_memory_mb'],
                          report['reserved_disk_gb'])


def _update_reported(session, latest, ids):
    """The batch's usage SUMs and its one UPDATE (executemany)."""
    alloc = models.Allocation
    used = {row[0]: row[1:] for row in session.execute(
        sa.select(alloc.compute_node_id,
                  sa.func.coalesce(sa.func.sum(alloc.vcpus), 0),
                  sa.func.coalesce(sa.func.sum(alloc.memory_mb), 0),
                  sa.func.coalesce(sa.func.sum(alloc.disk_gb), 0))
        .where(alloc.compute_node_id.in_(sorted(ids.values())))
        .group_by(alloc.compute_node_id))}
    params = []
    for key, node_id in sorted(ids.items(), key=lambda item: item[1]):
        values = _values_of(latest[key])
        values.update(zip(('vcpus_used', 'memory_mb_used', 'local_gb_used'),
                          used.get(node_id, (0, 0, 0)), strict=True))
        params.append(dict({'report_' + k: v for k, v in values.items()},
                           report_id=node_id))
    session.execute(_batch_update(), params)


def _heal_usage(session, node_id):
    alloc = models.Allocation
    sums = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(alloc.vcpus), 0),
                  sa.func.coalesce(sa.func.sum(alloc.memory_mb), 0),
                  sa.func.coalesce(sa.func.sum(alloc.disk_gb), 0))
        .where(alloc.compute_node_id == node_id)).one()
    session.execute(sa.update(models.ComputeNode).where(
        models.ComputeNode.id == node_id).values(
        vcpus_used=sums[0], memory_mb_used=sums[1], local_gb_used=sums[2]))


def aggregate_metadata_subquery():
    """(host, key, value) of the metadata of every live aggregate."""
    ahost, agg, meta = (models.AggregateHost.__table__,
                        models.Aggregate.__table__,
                        models.AggregateMetadata.__table__)
    return (sa.select(ahost.c.host.label('host'), meta.c.key.label('key'),
                      meta.c.value.label('value'))
            .join(agg, sa.and_(agg.c.id == ahost.c.aggregate_id,
                               agg.c.deleted == 0))
            .join(meta, meta.c.aggregate_id == ahost.c.aggregate_id))


def _zone_hosts(in_zone):
    """Hosts of aggregates whose availability_zone is (``in_zone``) or is
    not the bound parameter ``zone``."""
    sub = aggregate_metadata_subquery().subquery()
    cond = sub.c.value == sa.bindparam('zone')
    return sa.select(sub.c.host).where(
        sub.c.key == AZ_KEY, cond if in_zone else sa.not_(cond))


def scheduling_predicates(with_resources, zone_mode):
    """WHERE terms of the cheap filters with bound parameters: ComputeFilter
    (enabled, ``servicegroup.sql_is_up``), Ram/Core/DiskFilter (the
    arithmetic of ``claim``, ``req_*``) and AvailabilityZoneFilter
    (``zone``; 'default': in no other zone, 'named': in that zone)."""
    node, svc = models.ComputeNode.__table__, models.Service.__table__
    terms = [svc.c.disabled.is_(False), servicegroup.sql_is_up(svc.c)]
    if with_resources:
        terms += room_terms(node)
    if zone_mode == 'default':
        terms.append(node.c.host.not_in(_zone_hosts(in_zone=False)))
    elif zone_mode == 'named':
        terms.append(node.c.host.in_(_zone_hosts(in_zone=True)))
    return terms


#: ``global_settings`` names of the cloud-wide ratios (CloudStack's
#: global ``cpu.overcommit.ratio`` and ``mem.overcommit.ratio``).
CPU_RATIO_SETTING = 'cpu.overcommit.ratio'
RAM_RATIO_SETTING = 'mem.overcommit.ratio'


def effective_ratios(node):
    """(CPU, RAM) allocation ratios of ``node`` (the compute_nodes table)
    as SQL expressions: the overcommit ratios of the live cluster of its
    host where set (``cluster_hosts``, ``clusters``: CloudStack's
    cluster-level ``cpu.overcommit.ratio``/``mem.overcommit.ratio``),
    else the global ones where set (``global_settings``), else the
    node's own ``cpu_allocation_ratio``/``ram_allocation_ratio``.
    Correlated scalar subqueries, so a claim stays one statement."""
    cluster = models.Cluster.__table__
    member = models.ClusterHost.__table__
    setting = models.GlobalSetting.__table__

    def ratio(column, name, own):
        sub = (sa.select(column).select_from(member)
               .join(cluster, cluster.c.id == member.c.cluster_id)
               .where(member.c.host == node.c.host, cluster.c.deleted == 0)
               .scalar_subquery())
        cloud = (sa.select(setting.c.value).where(setting.c.name == name)
                 .scalar_subquery())
        return sa.func.coalesce(sub, cloud, own)
    return (ratio(cluster.c.cpu_overcommit_ratio, CPU_RATIO_SETTING,
                  node.c.cpu_allocation_ratio),
            ratio(cluster.c.mem_overcommit_ratio, RAM_RATIO_SETTING,
                  node.c.ram_allocation_ratio))


def room_terms(node):
    """Room for ``req_vcpus``, ``req_memory_mb`` and ``req_disk_gb`` on
    ``node`` (the compute_nodes table) after ratios and reservations."""
    c = node.c
    cpu_ratio, ram_ratio = effective_ratios(node)
    return [
        c.vcpus_used + sa.bindparam('req_vcpus') <= c.vcpus * cpu_ratio,
        c.memory_mb_used + sa.bindparam('req_memory_mb') <=
        (c.memory_mb - c.reserved_memory_mb) * ram_ratio,
        c.local_gb_used + sa.bindparam('req_disk_gb') <=
        (c.local_gb - c.reserved_disk_gb) * c.disk_allocation_ratio]


def free_amounts(node):
    """Free vCPUs, MiB of RAM and GiB of disk of ``node`` (the
    compute_nodes table) after ratios and reservations, as SQL
    expressions: the arithmetic of ``room_terms``."""
    c = node.c
    cpu_ratio, ram_ratio = effective_ratios(node)
    return (
        (c.vcpus * cpu_ratio - c.vcpus_used).label('free_vcpus'),
        ((c.memory_mb - c.reserved_memory_mb) * ram_ratio -
         c.memory_mb_used).label('free_ram_mb'),
        ((c.local_gb - c.reserved_disk_gb) * c.disk_allocation_ratio -
         c.local_gb_used).label('free_disk_gb'))


@functools.lru_cache(maxsize=None)
def _scheduling_query(prefilter, with_resources, zone_mode):
    """The SELECT of ``compute_nodes_for_scheduling``, built once per
    shape (statement construction is most of its CPU otherwise)."""
    node, svc = models.ComputeNode.__table__, models.Service.__table__
    meta = aggregate_metadata_subquery().subquery()
    member = models.ClusterHost.__table__
    cluster, pod = models.Cluster.__table__, models.Pod.__table__
    query = (sa.select(node.c.id, node.c.host, node.c.hypervisor_hostname,
                       node.c.hypervisor_type, *free_amounts(node),
                       cluster.c.uuid.label('cluster_uuid'),
                       pod.c.uuid.label('pod_uuid'),
                       svc.c.id.label('service_id'),
                       svc.c.disabled,
                       servicegroup.sql_is_up(svc.c).label('up'),
                       meta.c.key.label('meta_key'),
                       meta.c.value.label('meta_value'))
             .join(svc, sa.and_(svc.c.host == node.c.host,
                                svc.c.binary == servicegroup.COMPUTE,
                                svc.c.deleted == 0))
             .outerjoin(meta, meta.c.host == node.c.host)
             .outerjoin(member, member.c.host == node.c.host)
             .outerjoin(cluster, sa.and_(cluster.c.id == member.c.cluster_id,
                                         cluster.c.deleted == 0))
             .outerjoin(pod, pod.c.id == cluster.c.pod_id)
             .where(node.c.deleted == 0).order_by(node.c.id))
    if prefilter:
        query = query.where(*scheduling_predicates(with_resources,
                                                    zone_mode))
    return query


def compute_nodes_for_scheduling(context, now=None, resources=None,
                                 availability_zone=None,
                                 default_availability_zone='nova',
                                 prefilter=True):
    """Compute nodes with their service and aggregate metadata, in one
    statement.

    With ``prefilter`` only nodes that pass the cheap filters are
    returned: service enabled and up at ``now`` (naive UTC, default the
    current time; ``servicegroup.sql_is_up``); room
    for ``resources`` = (vcpus, memory MiB, disk GiB) after ratios and
    reservations, when given; in ``availability_zone`` (a host in no
    aggregate with ``availability_zone`` metadata is in
    ``default_availability_zone``), when given. Without it every live
    node is returned (the NoValidHost explanation).

    :returns: list of dicts: id, host, hypervisor_hostname,
        hypervisor_type, free_vcpus, free_ram_mb (MiB), free_disk_gb
        (GiB), cluster_uuid and pod_uuid (None for a host in no
        cluster), service_id, disabled, up (``servicegroup.is_up`` at
        ``now``) and
        aggregate_metadata ({key: set of values} of the host's
        aggregates); the scheduler reads every node for every request,
        so it reads only these (row decoding is most of its CPU)
    """
    params = servicegroup.window_params(now)
    zone_mode = None
    if availability_zone:
        zone_mode = ('default' if availability_zone ==
                     default_availability_zone else 'named')
        params['zone'] = availability_zone
    if resources:
        params.update(zip(('req_vcpus', 'req_memory_mb', 'req_disk_gb'),
                          resources, strict=True))
    query = _scheduling_query(prefilter, bool(resources) and prefilter,
                              zone_mode if prefilter else None)
    with reader(context) as session:
        rows = session.execute(query, params).all()
    return nodes_with_metadata(rows)


def nodes_with_metadata(rows, drop=()):
    """Fold the (node, metadata item) rows into one dict per node, in
    the order of their first row, leaving out the columns ``drop``."""
    nodes = {}
    for row in rows:
        values = nodes.get(row.id)
        if values is None:
            values = row._asdict()
            values['aggregate_metadata'] = {}
            nodes[row.id] = values
        if row.meta_key is not None:
            values['aggregate_metadata'].setdefault(
                row.meta_key, set()).add(row.meta_value)
    for values in nodes.values():
        for name in ('meta_key', 'meta_value') + tuple(drop):
            values.pop(name, None)
    return list(nodes.values())


def compute_node_get_all(context, host=None):
    with reader(context) as session:
        query = sa.select(models.ComputeNode).filter_by(deleted=0)
        if host:
            query = query.filter_by(host=host)
        return [to_dict(r) for r in session.scalars(
            query.order_by(models.ComputeNode.id))]
