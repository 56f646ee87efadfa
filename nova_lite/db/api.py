"""The database API: the only module that issues SQL.

Every function takes a ``RequestContext`` first and opens its own
transaction through oslo.db's enginefacade. State changes are conditional
writes ("task_state is X → set Y"); a failed match raises a Conflict
subclass or returns False, never silently overwrites.
Units: memory in MiB, disks in GiB, times naive UTC.
"""
import datetime
import functools
import ipaddress
import random
import threading
import uuid as uuidlib

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import exc_filters
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import orm

from nova_lite.db import models
from nova_lite import exception

_LOCK = threading.Lock()
_CONTEXT_MANAGER = None

# Writers retry deadlocks and lost connections with backoff (0.2 s doubling
# to 2 s, ~15 s in all): a database restart does not lose service work.
retry_on_deadlock = oslo_db_api.wrap_db_retry(
    max_retries=10, retry_interval=0.2, inc_retry_interval=True,
    max_retry_interval=2, retry_on_deadlock=True, retry_on_disconnect=True)


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


@exc_filters.filters(
    'postgresql', sa.exc.OperationalError,
    r'.*(connection failed|server closed the connection unexpectedly|'
    r'consuming input failed|the connection is (lost|closed))')
def _psycopg_connection_error(error, match, engine_name, is_disconnect):
    """oslo.db filter: psycopg (3) reports a refused or dropped server in
    words oslo.db does not know (it knows psycopg2's "could not connect to
    server"), so they reached callers as a bare OperationalError: writers
    did not retry (``retry_on_disconnect``) and the API answered 500.

    :raises: DBConnectionError
    """
    raise db_exc.DBConnectionError(error)


def _on_engine_created(engine):
    if engine.dialect.name != 'sqlite':
        return

    @event.listens_for(engine, 'connect')
    def _sqlite_setup(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute('PRAGMA busy_timeout = 30000')
        if engine.url.database not in (None, '', ':memory:'):
            cursor.execute('PRAGMA journal_mode = WAL')
        cursor.close()

    def _sqlite_begin(conn):
        # oslo.db emits a deferred BEGIN; a transaction that reads then
        # writes then fails at once with "database is locked" while another
        # writer is active. Taking the write lock up front makes it wait
        # (busy_timeout) instead. oslo.db's commit/rollback listeners clear
        # the "in_transaction" marker.
        if 'in_transaction' not in conn.info:
            conn.exec_driver_sql('BEGIN IMMEDIATE')
            conn.info['in_transaction'] = True

    for listener in list(engine.dispatch.begin):
        if getattr(listener, '__name__', '') == '_sqlite_emit_begin':
            event.remove(engine, 'begin', listener)
    event.listen(engine, 'begin', _sqlite_begin)


def context_manager():
    """The enginefacade transaction context, configured from
    ``[database]`` on first use (oslo.db reads ``cfg.CONF.database``)."""
    global _CONTEXT_MANAGER
    with _LOCK:
        if _CONTEXT_MANAGER is None:
            mgr = enginefacade.transaction_context()
            mgr.configure(sqlite_fk=False)
            mgr.append_on_engine_create(_on_engine_created)
            _CONTEXT_MANAGER = mgr
        return _CONTEXT_MANAGER


def reset_context_manager():
    """Drop the engine so the next call re-reads ``[database]`` (tests)."""
    global _CONTEXT_MANAGER
    with _LOCK:
        mgr, _CONTEXT_MANAGER = _CONTEXT_MANAGER, None
    if mgr is not None:
        try:
            mgr.writer.get_engine().dispose()
        except Exception:  # noqa: BLE001 - engine never started
            pass


def get_engine():
    return context_manager().writer.get_engine()


def writer(context):
    return context_manager().writer.using(context)


def reader(context):
    return context_manager().reader.using(context)


def ping(context):
    """``SELECT 1`` on a pooled connection (health checks).

    :raises: oslo.db DBConnectionError when the database is unreachable
    """
    with reader(context) as session:
        session.execute(sa.text('SELECT 1'))


def _to_dict(row):
    return {c.key: getattr(row, c.key)
            for c in sa.inspect(row).mapper.column_attrs}


# ---------------------------------------------------------------- services

@retry_on_deadlock
def service_register(context, host, binary, topic):
    """Create or revive the services row of (host, binary); return its dict.

    A re-registration keeps ``disabled`` as the operator left it.
    """
    now = _utcnow()
    with writer(context) as session:
        row = session.scalars(sa.select(models.Service).filter_by(
            host=host, binary=binary, deleted=0)).first()
        if row is None:
            row = models.Service(uuid=str(uuidlib.uuid4()), host=host,
                                 binary=binary, topic=topic,
                                 last_seen_up=now, report_count=0)
            session.add(row)
        else:
            row.topic = topic
            row.last_seen_up = now
        session.flush()
        return _to_dict(row)


@retry_on_deadlock
def service_heartbeat(context, service_id):
    """Record a heartbeat; False when the row is gone."""
    with writer(context) as session:
        result = session.execute(
            sa.update(models.Service)
            .where(models.Service.id == service_id,
                   models.Service.deleted == 0)
            .values(last_seen_up=_utcnow(),
                    report_count=models.Service.report_count + 1)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1


def service_get_all(context, binary=None, host=None):
    """Live services, optionally filtered; list of dicts."""
    with reader(context) as session:
        query = sa.select(models.Service).filter_by(deleted=0)
        if binary:
            query = query.filter_by(binary=binary)
        if host:
            query = query.filter_by(host=host)
        return [_to_dict(r) for r in
                session.scalars(query.order_by(models.Service.id))]


def compute_hosts_up(context, hosts, down_time):
    """The subset of ``hosts`` whose compute service heartbeated within
    ``down_time`` seconds and is not forced down (disabled computes count:
    they still run actions on their servers); one SELECT."""
    svc = models.Service
    since = _utcnow() - datetime.timedelta(seconds=down_time)
    with reader(context) as session:
        return set(session.scalars(sa.select(svc.host).where(
            svc.deleted == 0, svc.binary == 'nova-lite-compute',
            svc.host.in_(sorted(set(hosts))), svc.forced_down.is_(False),
            svc.last_seen_up >= since)))


def service_get(context, service_id):
    """:raises: ServiceNotFound"""
    with reader(context) as session:
        row = session.scalars(sa.select(models.Service).filter_by(
            id=service_id, deleted=0)).first()
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return _to_dict(row)


@retry_on_deadlock
def service_update(context, service_id, values):
    """Update a service (disabled, disabled_reason, forced_down)."""
    with writer(context) as session:
        result = session.execute(
            sa.update(models.Service)
            .where(models.Service.id == service_id,
                   models.Service.deleted == 0).values(**values))
        if result.rowcount != 1:
            raise exception.ServiceNotFound(service_id=service_id)
    return service_get(context, service_id)


@retry_on_deadlock
def service_destroy(context, service_id):
    with writer(context) as session:
        session.execute(sa.update(models.Service).where(
            models.Service.id == service_id).values(
            deleted=models.Service.id, deleted_at=_utcnow()))


# ----------------------------------------------------------- compute nodes

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
    values = {
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
        return _to_dict(row)


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


def _aggregate_metadata_subquery():
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
    sub = _aggregate_metadata_subquery().subquery()
    cond = sub.c.value == sa.bindparam('zone')
    return sa.select(sub.c.host).where(
        sub.c.key == 'availability_zone', cond if in_zone else sa.not_(cond))


def _scheduling_predicates(with_resources, zone_mode):
    """WHERE terms of the cheap filters with bound parameters: ComputeFilter
    (enabled, heartbeat since ``up_since``), Ram/Core/DiskFilter (the
    arithmetic of ``claim``, ``req_*``) and AvailabilityZoneFilter
    (``zone``; 'default': in no other zone, 'named': in that zone)."""
    node, svc = models.ComputeNode.__table__, models.Service.__table__
    terms = [svc.c.disabled.is_(False), _service_up(svc)]
    if with_resources:
        terms += _room_terms(node)
    if zone_mode == 'default':
        terms.append(node.c.host.not_in(_zone_hosts(in_zone=False)))
    elif zone_mode == 'named':
        terms.append(node.c.host.in_(_zone_hosts(in_zone=True)))
    return terms


def _service_up(svc):
    """The service is not forced down and heartbeated since the bound
    parameter ``up_since``."""
    return sa.and_(svc.c.forced_down.is_(False), svc.c.last_seen_up.isnot(
        None), svc.c.last_seen_up >= sa.bindparam('up_since'))


def _room_terms(node):
    """Room for ``req_vcpus``, ``req_memory_mb`` and ``req_disk_gb`` on
    ``node`` (the compute_nodes table) after ratios and reservations."""
    c = node.c
    return [
        c.vcpus_used + sa.bindparam('req_vcpus') <=
        c.vcpus * c.cpu_allocation_ratio,
        c.memory_mb_used + sa.bindparam('req_memory_mb') <=
        (c.memory_mb - c.reserved_memory_mb) * c.ram_allocation_ratio,
        c.local_gb_used + sa.bindparam('req_disk_gb') <=
        (c.local_gb - c.reserved_disk_gb) * c.disk_allocation_ratio]


def _free_amounts(node):
    """Free vCPUs, MiB of RAM and GiB of disk of ``node`` (the
    compute_nodes table) after ratios and reservations, as SQL
    expressions: the arithmetic of ``_room_terms``."""
    c = node.c
    return (
        (c.vcpus * c.cpu_allocation_ratio - c.vcpus_used).label(
            'free_vcpus'),
        ((c.memory_mb - c.reserved_memory_mb) * c.ram_allocation_ratio -
         c.memory_mb_used).label('free_ram_mb'),
        ((c.local_gb - c.reserved_disk_gb) * c.disk_allocation_ratio -
         c.local_gb_used).label('free_disk_gb'))


@functools.lru_cache(maxsize=None)
def _scheduling_query(prefilter, with_resources, zone_mode):
    """The SELECT of ``compute_nodes_for_scheduling``, built once per
    shape (statement construction is most of its CPU otherwise)."""
    node, svc = models.ComputeNode.__table__, models.Service.__table__
    meta = _aggregate_metadata_subquery().subquery()
    query = (sa.select(node.c.id, node.c.host, node.c.hypervisor_hostname,
                       node.c.hypervisor_type, *_free_amounts(node),
                       svc.c.id.label('service_id'),
                       svc.c.disabled, _service_up(svc).label('up'),
                       meta.c.key.label('meta_key'),
                       meta.c.value.label('meta_value'))
             .join(svc, sa.and_(svc.c.host == node.c.host,
                                svc.c.binary == 'nova-lite-compute',
                                svc.c.deleted == 0))
             .outerjoin(meta, meta.c.host == node.c.host)
             .where(node.c.deleted == 0).order_by(node.c.id))
    if prefilter:
        query = query.where(*_scheduling_predicates(with_resources,
                                                    zone_mode))
    return query


def compute_nodes_for_scheduling(context, up_since, resources=None,
                                 availability_zone=None,
                                 default_availability_zone='nova',
                                 prefilter=True):
    """Compute nodes with their service and aggregate metadata, in one
    statement.

    With ``prefilter`` only nodes that pass the cheap filters are
    returned: service enabled and heartbeated since ``up_since``; room
    for ``resources`` = (vcpus, memory MiB, disk GiB) after ratios and
    reservations, when given; in ``availability_zone`` (a host in no
    aggregate with ``availability_zone`` metadata is in
    ``default_availability_zone``), when given. Without it every live
    node is returned (the NoValidHost explanation).

    :returns: list of dicts: id, host, hypervisor_hostname,
        hypervisor_type, free_vcpus, free_ram_mb (MiB), free_disk_gb
        (GiB), service_id, disabled, up (not forced down and
        heartbeated since ``up_since``) and
        aggregate_metadata ({key: set of values} of the host's
        aggregates); the scheduler reads every node for every request,
        so it reads only these (row decoding is most of its CPU)
    """
    params = {'up_since': up_since}
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
    return _nodes_with_metadata(rows)


def _nodes_with_metadata(rows):
    """Fold the (node, metadata item) rows into one dict per node."""
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
        del values['meta_key'], values['meta_value']
    return list(nodes.values())


def instance_hosts(context, instance_uuids):
    """{uuid: host} of the live instances among ``instance_uuids`` that
    have a host (same_host/different_host scheduler hints)."""
    inst = models.Instance
    with reader(context) as session:
        return dict(session.execute(sa.select(inst.uuid, inst.host).where(
            inst.uuid.in_(list(instance_uuids)), inst.deleted == 0,
            inst.host.isnot(None))).all())


def compute_node_get_all(context, host=None):
    with reader(context) as session:
        query = sa.select(models.ComputeNode).filter_by(deleted=0)
        if host:
            query = query.filter_by(host=host)
        return [_to_dict(r) for r in session.scalars(
            query.order_by(models.ComputeNode.id))]


def compute_node_get(context, node_id):
    """:raises: ComputeHostNotFound"""
    with reader(context) as session:
        row = session.get(models.ComputeNode, node_id)
        if row is None or row.deleted:
            raise exception.ComputeHostNotFound(host=node_id)
        return _to_dict(row)


# ------------------------------------------------------------------ claims

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
    ``req_*`` more usage if it has the room (``_room_terms``)."""
    node = models.ComputeNode.__table__
    return (sa.update(node)
            .where(node.c.id == sa.bindparam('node_id'),
                   node.c.deleted == 0, *_room_terms(node))
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
    the hard ``policy``: another member of the group holds an allocation
    on the node's host (anti-affinity) or on another host (affinity); the
    exception's ``host`` is that member's host.

    The group row is locked first (SELECT ... FOR UPDATE; SQLite already
    serializes writers with BEGIN IMMEDIATE), so claims of one group run
    one after the other and each sees the allocations committed before
    it. Members are ``instance_group_members`` rows, written by the API
    with the instances.
    """
    grp = models.InstanceGroup.__table__
    group_id = session.execute(sa.select(grp.c.id).where(
        grp.c.uuid == group_uuid, grp.c.deleted == 0).with_for_update()
    ).scalar()
    if group_id is None:
        return
    host = session.execute(_group_clash_query(policy), {
        'group_id': group_id, 'instance_uuid': instance_uuid,
        'node_id': compute_node_id}).scalar()
    if host is not None:
        raise exception.GroupPolicyViolation(host=host, policy=policy,
                                             group_uuid=group_uuid)


@functools.lru_cache(maxsize=None)
def _group_clash_query(policy):
    """Host of another member of ``group_id`` whose allocation breaks
    ``policy`` if ``instance_uuid`` goes to node ``node_id``."""
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
            .limit(1))


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
        row.updated_at = _utcnow()
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
        row.updated_at = _utcnow()
        return True


def allocation_get(context, instance_uuid):
    """The allocation dict of an instance, or None."""
    with reader(context) as session:
        row = session.scalars(sa.select(models.Allocation).filter_by(
            instance_uuid=instance_uuid)).first()
        return _to_dict(row) if row else None


def allocations_get_all(context, compute_node_id=None):
    with reader(context) as session:
        query = sa.select(models.Allocation)
        if compute_node_id is not None:
            query = query.filter_by(compute_node_id=compute_node_id)
        return [_to_dict(r) for r in session.scalars(query)]


# ----------------------------------------------------------------- flavors

@retry_on_deadlock
def flavor_create(context, values):
    """Create a flavor; ``flavorid`` defaults to a new UUID.

    :raises: FlavorExists
    """
    values = dict(values)
    values.setdefault('flavorid', str(uuidlib.uuid4()))
    try:
        with writer(context) as session:
            row = models.Flavor(**values)
            session.add(row)
            session.flush()
            return _to_dict(row)
    except db_exc.DBDuplicateEntry as exc:
        key = 'name' if 'name' in str(exc.columns) else 'id'
        raise exception.FlavorExists(
            key=key,
            value=values['name' if key == 'name' else 'flavorid']) from exc


def flavor_get_by_flavorid(context, flavorid):
    """The live flavor's columns as a dict (as ``flavor_create``).

    :raises: FlavorNotFound
    """
    found = _live_row(context, models.Flavor, 'flavorid', str(flavorid))
    if found is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return found


def flavor_get_all(context, is_public=True, min_memory_mb=None,
                   min_root_gb=None, marker=None, limit=None):
    """Flavors ordered by flavorid; ``is_public`` None lists all.

    :raises: Invalid when ``marker`` is not a flavor id
    """
    flv = models.Flavor
    query = sa.select(flv).filter_by(deleted=0, disabled=False)
    if is_public is not None:
        query = query.filter_by(is_public=is_public)
    if min_memory_mb:
        query = query.where(flv.memory_mb >= min_memory_mb)
    if min_root_gb:
        query = query.where(flv.root_gb >= min_root_gb)
    with reader(context) as session:
        if marker is not None:
            marker_row = session.scalars(sa.select(flv).filter_by(
                flavorid=str(marker), deleted=0)).first()
            if marker_row is None:
                raise exception.Invalid(reason='marker [%s] not found'
                                        % marker)
            query = query.where(flv.flavorid > marker_row.flavorid)
        query = query.order_by(flv.flavorid)
        if limit is not None:
            query = query.limit(limit)
        return [_to_dict(r) for r in session.scalars(query)]


@retry_on_deadlock
def flavor_destroy(context, flavorid):
    """:raises: FlavorNotFound"""
    with writer(context) as session:
        result = session.execute(sa.update(models.Flavor).where(
            models.Flavor.flavorid == str(flavorid),
            models.Flavor.deleted == 0).values(
            deleted=models.Flavor.id, deleted_at=_utcnow()))
        if result.rowcount != 1:
            raise exception.FlavorNotFound(flavor_id=flavorid)


# ------------------------------------------------------------------ images

@retry_on_deadlock
def image_create(context, values):
    """Create an image record (status 'queued' unless given)."""
    values = dict(values)
    values.setdefault('uuid', str(uuidlib.uuid4()))
    with writer(context) as session:
        row = models.Image(**values)
        session.add(row)
        session.flush()
        return _to_dict(row)


def image_get(context, image_uuid):
    """The live image's columns as a dict (as ``image_create``).

    :raises: ImageNotFound
    """
    found = _live_row(context, models.Image, 'uuid', image_uuid)
    if found is None:
        raise exception.ImageNotFound(image_id=image_uuid)
    return found


def _live_row(context, model, key, value):
    """``{attribute: value}`` of the live row of ``model`` whose ``key``
    column is ``value`` (the first one), or None; read with Core (no ORM
    object: ~1 ms less per server create)."""
    with reader(context) as session:
        row = session.execute(_live_row_query(model, key),
                              {'value': value}).first()
    return None if row is None else dict(row._mapping)


@functools.lru_cache(maxsize=None)
def _live_row_query(model, key):
    """SELECT of every mapped column of ``model``, labelled by attribute
    name, where ``key`` is the bound parameter ``value`` and not
    deleted; built once per model."""
    columns = [attr.columns[0].label(attr.key)
               for attr in sa.inspect(model).column_attrs]
    table = model.__table__
    return sa.select(*columns).where(
        table.c[key] == sa.bindparam('value'), table.c.deleted == 0)


def image_get_all(context, name=None, ids=None, status=None, marker=None,
                  limit=None):
    """Images visible to the context, ordered by created_at then id.

    :raises: Invalid when ``marker`` is not an image id
    """
    img = models.Image
    query = sa.select(img).filter_by(deleted=0)
    if not context.is_admin:
        query = query.where(sa.or_(img.visibility.in_(('public', 'shared',
                                                       'community')),
                                   img.owner == context.project_id))
    if name is not None:
        query = query.filter_by(name=name)
    if ids is not None:
        query = query.where(img.uuid.in_(ids))
    if status is not None:
        query = query.filter_by(status=status)
    with reader(context) as session:
        if marker is not None:
            mrow = session.scalars(sa.select(img).filter_by(
                uuid=marker, deleted=0)).first()
            if mrow is None:
                raise exception.Invalid(reason='marker [%s] not found'
                                        % marker)
            query = query.where(sa.or_(
                img.created_at > mrow.created_at,
                sa.and_(img.created_at == mrow.created_at, img.id > mrow.id)))
        query = query.order_by(img.created_at, img.id)
        if limit is not None:
            query = query.limit(limit)
        return [_to_dict(r) for r in session.scalars(query)]


@retry_on_deadlock
def image_update(context, image_uuid, values):
    """:raises: ImageNotFound"""
    with writer(context) as session:
        result = session.execute(sa.update(models.Image).where(
            models.Image.uuid == image_uuid,
            models.Image.deleted == 0).values(**values))
        if result.rowcount != 1:
            raise exception.ImageNotFound(image_id=image_uuid)
    return image_get(context, image_uuid)


@retry_on_deadlock
def image_destroy(context, image_uuid):
    """:raises: ImageNotFound"""
    with writer(context) as session:
        result = session.execute(sa.update(models.Image).where(
            models.Image.uuid == image_uuid, models.Image.deleted == 0)
            .values(deleted=models.Image.id, deleted_at=_utcnow(),
                    status='deleted'))
        if result.rowcount != 1:
            raise exception.ImageNotFound(image_id=image_uuid)


# --------------------------------------------------------------- instances

_UNSET = object()


def _instance_query(context, project_only=True):
    inst = models.Instance
    query = sa.select(inst)
    read_deleted = getattr(context, 'read_deleted', 'no')
    if read_deleted == 'no':
        query = query.where(inst.deleted == 0)
    elif read_deleted == 'only':
        query = query.where(inst.deleted != 0)
    if project_only and not context.is_admin:
        query = query.where(inst.project_id == context.project_id)
    return query


@retry_on_deadlock
def instances_create(context, instances, metadata=None, action='create',
                     group_id=None):
    """Insert the rows of one create request, their metadata and their
    ``create`` instance actions, in one transaction.

    :param instances: list of dicts of ``models.Instance`` columns
    :param metadata: dict key → value applied to every instance
    :param group_id: id of the server group (``instance_groups.id``) the
        instances join, if any
    :returns: list of ``models.Instance`` rows (detached)
    """
    now = _utcnow()
    rows = [models.Instance(created_at=now, **values) for values in instances]
    with writer(context) as session:
        session.add_all(rows)
        for row in rows:
            for key, value in (metadata or {}).items():
                session.add(models.InstanceMetadata(
                    instance_uuid=row.uuid, key=key, value=value,
                    created_at=now))
            session.add(models.InstanceAction(
                action=action, instance_uuid=row.uuid,
                request_id=context.request_id, user_id=context.user_id,
                project_id=context.project_id, start_time=now))
            if group_id is not None:
                session.add(models.InstanceGroupMember(
                    group_id=group_id, instance_uuid=row.uuid,
                    created_at=now))
        session.flush()
    return rows


def instance_get(context, instance_uuid, project_only=True):
    """One instance with metadata, fixed IPs and (if ERROR) latest fault.

    :raises: InstanceNotFound (also for another project's instance)
    """
    query = _instance_query(context, project_only).where(
        models.Instance.uuid == instance_uuid)
    with reader(context) as session:
        row = session.scalars(query).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        _attach_faults(session, [row])
        return row


def instance_states_get(context, instance_uuid):
    """uuid, host, vm_state, task_state and power_state of a live
    instance in one statement (no metadata, addresses or fault), for
    state bookkeeping such as lifecycle events.

    :raises: InstanceNotFound
    """
    inst = models.Instance
    with reader(context) as session:
        row = session.execute(sa.select(
            inst.uuid, inst.host, inst.vm_state, inst.task_state,
            inst.power_state).where(inst.uuid == instance_uuid,
                                    inst.deleted == 0)).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return row


def _attach_faults(session, rows):
    """Set ``row.fault`` (latest InstanceFault or None) on ERROR rows with
    one query for all of them."""
    error_uuids = [r.uuid for r in rows if r.vm_state == 'error']
    faults = {}
    if error_uuids:
        fault = models.InstanceFault
        latest = (sa.select(sa.func.max(fault.id))
                  .where(fault.instance_uuid.in_(error_uuids))
                  .group_by(fault.instance_uuid))
        for frow in session.scalars(sa.select(fault).where(
                fault.id.in_(latest))):
            faults[frow.instance_uuid] = frow
    for row in rows:
        row.fault = faults.get(row.uuid)


def _apply_instance_filters(query, filters):
    inst = models.Instance
    simple = ('reservation_id', 'host', 'image_ref', 'flavor_id',
              'project_id', 'user_id', 'availability_zone', 'key_name')
    for key in simple:
        if filters.get(key) is not None:
            query = query.where(getattr(inst, key) == filters[key])
    if filters.get('uuids') is not None:
        query = query.where(inst.uuid.in_(filters['uuids']))
    if filters.get('vm_state') is not None:
        query = query.where(inst.vm_state.in_(filters['vm_state']))
    if filters.get('task_state') is not None:
        query = query.where(inst.task_state.in_(filters['task_state']))
    if filters.get('name') is not None:
        query = query.where(inst.display_name.regexp_match(filters['name']))
    if filters.get('changes_since') is not None:
        since = filters['changes_since']
        query = query.where(sa.or_(
            inst.updated_at >= since,
            sa.and_(inst.updated_at.is_(None), inst.created_at >= since)))
    return query


def instance_get_all(context, filters=None, marker=None, limit=None,
                     project_only=True, details=True):
    """Instances newest first (created_at desc, id desc), paginated by
    ``marker`` (an instance uuid). Four statements whatever the count
    (five with a marker): instances, their metadata, their fixed IPs,
    ERROR faults. Everything is loaded with Core into read-only
    ``ListedInstance`` objects: ORM objects cost as much CPU as the views
    in a 1,000-server page. ``metadata_items`` and ``fixed_ips`` hold
    rows (``key``, ``value``; ``id``, ``network_id``, ``address``,
    ``mac``). ``user_data`` and ``key_data`` are not read (reading them
    raises AttributeError; see ``instance_secrets_get``).

    :param filters: dict, see ``_apply_instance_filters``
    :param details: False to read the instances alone, in one statement:
        no ``metadata_items``, ``fixed_ips`` nor ``fault`` attributes
        (List Servers shows only ids and names)
    :raises: Invalid when ``marker`` is not found
    """
    inst = models.Instance
    query = _apply_instance_filters(_instance_query(context, project_only),
                                    filters or {})
    with reader(context) as session:
        if marker is not None:
            mrow = session.execute(
                _instance_query(context, project_only)
                .with_only_columns(inst.created_at, inst.id)
                .where(inst.uuid == marker)).first()
            if mrow is None:
                raise exception.Invalid(reason='marker [%s] not found'
                                        % marker)
            query = query.where(sa.or_(
                inst.created_at < mrow.created_at,
                sa.and_(inst.created_at == mrow.created_at,
                        inst.id < mrow.id)))
        query = query.order_by(inst.created_at.desc(), inst.id.desc())
        if limit is not None:
            query = query.limit(limit)
        result = session.execute(query.with_only_columns(*_listed_columns()))
        keys = tuple(result.keys())
        rows = [ListedInstance(zip(keys, values, strict=True))
                for values in result]
        if details:
            _attach_metadata_and_ips(session, rows)
            _attach_faults(session, rows)
        return rows


def _attach_metadata_and_ips(session, rows):
    """Set ``metadata_items`` and ``fixed_ips`` of instance ``rows`` with
    one Core statement each (at most two whatever the count)."""
    meta, fip = models.InstanceMetadata.__table__, models.FixedIP.__table__
    uuids = [r.uuid for r in rows]
    items, addresses = {}, {}
    if uuids:
        for item in session.execute(
                sa.select(meta.c.instance_uuid, meta.c.key, meta.c.value)
                .where(meta.c.instance_uuid.in_(uuids), meta.c.deleted == 0)
                .order_by(meta.c.id)):
            items.setdefault(item.instance_uuid, []).append(item)
        for address in session.execute(
                sa.select(fip.c.id, fip.c.instance_uuid, fip.c.network_id,
                          fip.c.address, fip.c.mac)
                .where(fip.c.instance_uuid.in_(uuids)).order_by(fip.c.id)):
            addresses.setdefault(address.instance_uuid, []).append(address)
    for row in rows:
        row.metadata_items = items.get(row.uuid, [])
        row.fixed_ips = addresses.get(row.uuid, [])


class ListedInstance:
    """A read-only instance of ``instance_get_all``: the columns of
    ``instances`` but ``user_data`` and ``key_data`` as attributes, then
    ``metadata_items``, ``fixed_ips`` and ``fault`` once attached.

    :param values: iterable of (column name, value)
    """

    def __init__(self, values):
        self.__dict__.update(values)

    def __repr__(self):
        return '<ListedInstance %s>' % self.__dict__.get('uuid')


@functools.lru_cache(maxsize=None)
def _listed_columns():
    """Columns of ``instances`` read by ``instance_get_all``."""
    return tuple(c for c in models.Instance.__table__.c
                 if c.key not in ('user_data', 'key_data'))


def _expect(query, column, expected):
    if expected is _UNSET:
        return query
    values = expected if isinstance(expected, (list, tuple, set)) \
        else (expected,)
    conds = [column.is_(None) if v is None else column == v for v in values]
    return query.where(sa.or_(*conds))


@retry_on_deadlock
def instance_update(context, instance_uuid, values,
                    expected_task_state=_UNSET, expected_vm_state=_UNSET,
                    expected_host=_UNSET, fault=None):
    """Conditionally update a live instance: one UPDATE whose WHERE holds
    the expected states (a value, None, or a tuple of them). ``fault``
    (dict code, message, details, host) is recorded in the same
    transaction, so nobody sees ERROR without its fault.

    :raises: InstanceNotFound if there is no live instance,
        UnexpectedTaskStateError if it is not in the expected state
    """
    inst = models.Instance
    stmt = sa.update(inst).where(inst.uuid == instance_uuid,
                                 inst.deleted == 0)
    stmt = _expect(stmt, inst.task_state, expected_task_state)
    stmt = _expect(stmt, inst.vm_state, expected_vm_state)
    stmt = _expect(stmt, inst.host, expected_host)
    values = dict(values, updated_at=_utcnow())
    with writer(context) as session:
        result = session.execute(
            stmt.values(**values).execution_options(
                synchronize_session=False))
        if result.rowcount == 1:
            if fault:
                session.add(_fault_row(instance_uuid, **fault))
            return
        row = session.scalars(sa.select(inst).where(
            inst.uuid == instance_uuid, inst.deleted == 0)).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    raise exception.UnexpectedTaskStateError(
        instance_uuid=instance_uuid,
        expected={'task_state': expected_task_state
                  if expected_task_state is not _UNSET else '*',
                  'vm_state': expected_vm_state
                  if expected_vm_state is not _UNSET else '*',
                  'host': expected_host
                  if expected_host is not _UNSET else '*'},
        actual={'task_state': row.task_state, 'vm_state': row.vm_state,
                'host': row.host})


@retry_on_deadlock
def instance_destroy(context, instance_uuid, expected_host=_UNSET,
                     expected_task_state=_UNSET):
    """Soft-delete a live instance and its metadata (vm_state deleted).

    :returns: True if this call deleted it, False if it was already gone
        or no longer matches the expected host/task_state
    """
    inst, meta = models.Instance, models.InstanceMetadata
    now = _utcnow()
    stmt = sa.update(inst).where(inst.uuid == instance_uuid,
                                 inst.deleted == 0)
    stmt = _expect(stmt, inst.host, expected_host)
    stmt = _expect(stmt, inst.task_state, expected_task_state)
    with writer(context) as session:
        result = session.execute(stmt.values(
            deleted=inst.id, deleted_at=now, terminated_at=now,
            updated_at=now, vm_state='deleted', task_state=None,
            power_state=0).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return False
        session.execute(sa.update(meta).where(
            meta.instance_uuid == instance_uuid, meta.deleted == 0).values(
            deleted=meta.id, deleted_at=now))
        return True


def instance_secrets_get(context, instance_uuid):
    """(user_data, key_data) of an instance, read only by its compute."""
    with reader(context) as session:
        row = session.execute(sa.select(
            models.Instance.user_data, models.Instance.key_data).where(
            models.Instance.uuid == instance_uuid)).first()
        return (row[0], row[1]) if row else (None, None)


def instances_stuck(context, vm_state, task_states, older_than, host=_UNSET):
    """Live instances in ``vm_state`` (None: any) with task_state in
    ``task_states`` not updated since ``older_than``; list of rows."""
    inst = models.Instance
    query = sa.select(inst).where(
        inst.deleted == 0,
        sa.func.coalesce(inst.updated_at, inst.created_at) < older_than)
    if vm_state is not None:
        query = query.where(inst.vm_state == vm_state)
    query = _expect(query, inst.task_state, tuple(task_states))
    query = _expect(query, inst.host, host)
    with reader(context) as session:
        return list(session.scalars(query))


def instances_building_count(context):
    """Live instances in BUILD (vm_state building) across the cloud: one
    COUNT on the (vm_state, task_state) index, for admission control."""
    inst = models.Instance
    with reader(context) as session:
        return int(session.scalar(sa.select(sa.func.count(inst.id)).where(
            inst.vm_state == 'building', inst.deleted == 0)))


def instances_on_host(context, host):
    """Live instances whose host is ``host``."""
    inst = models.Instance
    with reader(context) as session:
        return list(session.scalars(sa.select(inst).where(
            inst.host == host, inst.deleted == 0)))


# ---------------------------------------------------------------- metadata

@retry_on_deadlock
def instance_metadata_update(context, instance_uuid, metadata, delete):
    """Merge ``metadata`` into the instance's; with ``delete`` replace it.
    Returns the resulting dict."""
    meta = models.InstanceMetadata
    now = _utcnow()
    with writer(context) as session:
        rows = {r.key: r for r in session.scalars(sa.select(meta).where(
            meta.instance_uuid == instance_uuid, meta.deleted == 0))}
        old_values = {k: r.value for k, r in rows.items()}
        for key, row in rows.items():
            if key in metadata:
                row.value = metadata[key]
            elif delete:
                row.deleted = row.id
                row.deleted_at = now
        for key, value in metadata.items():
            if key not in rows:
                session.add(models.InstanceMetadata(
                    instance_uuid=instance_uuid, key=key, value=value))
        session.flush()
    current = {} if delete else old_values
    current.update(metadata)
    return current


@retry_on_deadlock
def instance_metadata_delete(context, instance_uuid, key):
    """:raises: MetadataNotFound"""
    meta = models.InstanceMetadata
    with writer(context) as session:
        result = session.execute(sa.update(meta).where(
            meta.instance_uuid == instance_uuid, meta.key == key,
            meta.deleted == 0).values(deleted=meta.id,
                                      deleted_at=_utcnow()))
        if result.rowcount == 0:
            raise exception.MetadataNotFound(key=key)


# ------------------------------------------------------ faults and actions

def _fault_row(instance_uuid, code, message, details=None, host=None):
    return models.InstanceFault(instance_uuid=instance_uuid, code=code,
                                message=(message or '')[:255],
                                details=details, host=host)


@retry_on_deadlock
def instance_fault_create(context, instance_uuid, code, message,
                          details=None, host=None):
    """Record why an instance failed; ``message`` is cut to 255 chars."""
    with writer(context) as session:
        session.add(_fault_row(instance_uuid, code, message, details, host))


def instance_faults_get(context, instance_uuid):
    """Faults of an instance, newest first."""
    with reader(context) as session:
        return list(session.scalars(sa.select(models.InstanceFault).where(
            models.InstanceFault.instance_uuid == instance_uuid).order_by(
            models.InstanceFault.id.desc())))


@retry_on_deadlock
def action_start(context, instance_uuid, action):
    """Start an instance action for the context's request."""
    with writer(context) as session:
        session.add(models.InstanceAction(
            action=action, instance_uuid=instance_uuid,
            request_id=context.request_id, user_id=context.user_id,
            project_id=context.project_id))


@retry_on_deadlock
def action_event_record(context, instance_uuid, event, result, host,
                        start_time, details=None, traceback=None,
                        finish_action=False):
    """Add a finished event (result 'Success' or 'Error') to the action of
    the context's request on this instance (the latest action when the
    request has none). With ``finish_action`` the action is closed too.

    Two statements in the usual case (the request started the action): an
    INSERT ... SELECT of the event and, to finish, one UPDATE.
    """
    act = models.InstanceAction
    now = _utcnow()
    values = {'event': event, 'result': result, 'host': host,
              'start_time': start_time or now, 'finish_time': now,
              'details': details, 'traceback': traceback}
    own = sa.and_(act.instance_uuid == instance_uuid,
                  act.request_id == context.request_id)
    with writer(context) as session:
        if context.request_id and _insert_event(session, own, values):
            where = own
        else:
            action_id = session.scalar(sa.select(act.id).where(
                act.instance_uuid == instance_uuid).order_by(
                act.id.desc()).limit(1))
            if action_id is None:
                return
            session.add(models.InstanceActionEvent(action_id=action_id,
                                                   **values))
            where = act.id == action_id
        if finish_action:
            finish = {'finish_time': now, 'updated_at': now}
            if result == 'Error':
                finish['message'] = 'Error'
            session.execute(sa.update(act).where(where).values(**finish)
                            .execution_options(synchronize_session=False))


def _insert_event(session, where, values):
    """INSERT ... SELECT an event into the newest instance action matching
    ``where``; True when there was one."""
    act, evt = models.InstanceAction, models.InstanceActionEvent
    names = sorted(values)
    select = sa.select(act.id, *[
        sa.literal(values[name], type_=evt.__table__.c[name].type)
        for name in names]).where(where).order_by(act.id.desc()).limit(1)
    return session.execute(sa.insert(evt.__table__).from_select(
        ['action_id'] + names, select).execution_options(
        preserve_rowcount=True)).rowcount == 1


def actions_get(context, instance_uuid):
    """Actions of an instance, newest first, each with ``events``."""
    act, evt = models.InstanceAction, models.InstanceActionEvent
    with reader(context) as session:
        actions = list(session.scalars(sa.select(act).where(
            act.instance_uuid == instance_uuid).order_by(act.id.desc())))
        events = {}
        if actions:
            for row in session.scalars(sa.select(evt).where(
                    evt.action_id.in_([a.id for a in actions])).order_by(
                    evt.id)):
                events.setdefault(row.action_id, []).append(row)
        for action in actions:
            action.events = events.get(action.id, [])
        return actions


# ----------------------------------------------------------------- network

@retry_on_deadlock
def network_create(context, label, cidr, gateway=None, bridge=None):
    """Create a flat network and one fixed_ips row per usable address
    (all hosts of ``cidr`` but the gateway). Idempotent by label.

    :returns: the network dict
    """
    net = ipaddress.ip_network(cidr, strict=False)
    hosts = list(net.hosts())
    gateway = gateway or str(hosts[0])
    try:
        with writer(context) as session:
            row = models.Network(uuid=str(uuidlib.uuid4()), label=label,
                                 cidr=str(net), gateway=gateway,
                                 netmask=str(net.netmask),
                                 broadcast=str(net.broadcast_address),
                                 bridge=bridge)
            session.add(row)
            session.flush()
            session.execute(sa.insert(models.FixedIP), [
                {'network_id': row.id, 'address': str(addr),
                 'created_at': _utcnow()}
                for addr in hosts if str(addr) != gateway])
            return _to_dict(row)
    except db_exc.DBDuplicateEntry:
        return network_get_by_label(context, label)


def network_get_by_label(context, label):
    """:raises: NetworkNotFound"""
    with reader(context) as session:
        row = session.scalars(sa.select(models.Network).filter_by(
            label=label, deleted=0)).first()
        if row is None:
            raise exception.NetworkNotFound(network_id=label)
        return _to_dict(row)


def network_get_all(context):
    with reader(context) as session:
        return [_to_dict(r) for r in session.scalars(sa.select(
            models.Network).filter_by(deleted=0).order_by(models.Network.id))]


def _random_mac():
    return 'fa:16:3e:%02x:%02x:%02x' % tuple(random.randint(0, 255)
                                             for _ in range(3))


@oslo_db_api.wrap_db_retry(max_retries=20, retry_on_deadlock=True,
                           exception_checker=lambda e: isinstance(
                               e, (db_exc.DBDuplicateEntry,
                                   exception.Conflict)))
def fixed_ip_allocate(context, network_id, instance_uuid):
    """Give the instance a free address of the network and a new MAC.

    Picks at random among the first free rows and takes it with a
    conditional UPDATE, so concurrent computes rarely collide; a collision
    is retried (oslo.db retry). Idempotent: an instance that already has an
    address on the network keeps it.

    :returns: dict address, mac
    :raises: NoMoreFixedIps (Conflict) when the network is full
    """
    with writer(context) as session:
        candidates = session.execute(_fixed_ip_candidates(), {
            'network_id': network_id, 'instance_uuid': instance_uuid}).all()
        own = [c for c in candidates if c.instance_uuid == instance_uuid]
        if own:
            return {'address': own[0].address, 'mac': own[0].mac}
        if not candidates:
            raise exception.NovaLiteException(
                'No fixed IP left on network %s' % network_id)
        choice = random.choice(candidates)
        mac = _random_mac()
        fip = models.FixedIP.__table__
        taken = session.execute(
            sa.update(fip).where(fip.c.id == choice.id,
                                 fip.c.instance_uuid.is_(None))
            .values(instance_uuid=instance_uuid, mac=mac,
                    allocated_at=_utcnow(), updated_at=_utcnow())).rowcount
        if taken != 1:
            raise exception.Conflict(reason='fixed IP taken concurrently')
        return {'address': choice.address, 'mac': mac}


@functools.lru_cache(maxsize=None)
def _fixed_ip_candidates():
    """The instance's own address on ``network_id`` if it has one, and
    the first 32 free ones: two index range reads (network_id,
    instance_uuid) in one statement, no sort of the free rows."""
    fip = models.FixedIP.__table__
    columns = (fip.c.id, fip.c.instance_uuid, fip.c.address, fip.c.mac)
    on_network = fip.c.network_id == sa.bindparam('network_id')
    free = (sa.select(*columns)
            .where(on_network, fip.c.instance_uuid.is_(None))
            .order_by(fip.c.id).limit(32).subquery())
    return sa.union_all(
        sa.select(*columns).where(
            on_network, fip.c.instance_uuid == sa.bindparam('instance_uuid')),
        sa.select(free))


@retry_on_deadlock
def fixed_ip_deallocate(context, instance_uuid):
    """Free the addresses of an instance. Idempotent; returns the count."""
    fip = models.FixedIP
    with writer(context) as session:
        return session.execute(sa.update(fip).where(
            fip.instance_uuid == instance_uuid).values(
            instance_uuid=None, mac=None, allocated_at=None)).rowcount


def fixed_ips_get_by_instance(context, instance_uuid):
    """[(network dict, fixed_ip dict)] of an instance."""
    fip, net = models.FixedIP, models.Network
    with reader(context) as session:
        return [(_to_dict(n), _to_dict(f)) for f, n in session.execute(
            sa.select(fip, net).join(net, net.id == fip.network_id).where(
                fip.instance_uuid == instance_uuid))]


def fixed_ips_count_allocated(context):
    with reader(context) as session:
        return session.scalar(sa.select(sa.func.count(models.FixedIP.id))
                              .where(models.FixedIP.instance_uuid.isnot(None)))


# ------------------------------------------------------------------- purge

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


# ------------------------------------------- key pairs (CloudStack API)

def _key_pair_dict(row):
    values = _to_dict(row)
    values.pop('deleted', None)
    return values


@retry_on_deadlock
def key_pair_create(context, values):
    """Create a key pair (``user_id``, ``project_id``, ``name``,
    ``fingerprint``, ``public_key``, ``type``); returns its dict.

    :raises: Conflict when the user has a key pair of that name
    """
    try:
        with writer(context) as session:
            row = models.KeyPair(**values)
            session.add(row)
            session.flush()
            return _key_pair_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.Conflict(reason='Key pair %s already exists.'
                                 % values['name']) from None


def key_pair_get_all(context, user_id, name=None):
    """Live key pairs of a user (one name or all), by name."""
    kp = models.KeyPair
    query = sa.select(kp).where(kp.user_id == user_id, kp.deleted == 0)
    if name is not None:
        query = query.where(kp.name == name)
    with reader(context) as session:
        return [_key_pair_dict(r) for r in session.scalars(
            query.order_by(kp.name))]


@retry_on_deadlock
def key_pair_destroy(context, user_id, name):
    """Soft-delete a user's key pair; False when there was none."""
    kp = models.KeyPair
    with writer(context) as session:
        return session.execute(sa.update(kp).where(
            kp.user_id == user_id, kp.name == name, kp.deleted == 0)
            .values(deleted=kp.id, deleted_at=_utcnow())
            .execution_options(synchronize_session=False)).rowcount == 1
