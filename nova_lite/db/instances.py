"""SQL of instances (``instances``): create, read, list, conditional
update and soft delete.

State changes are conditional writes: ``instance_update`` and
``instance_destroy`` match the expected task_state/vm_state/host in the
UPDATE's WHERE and raise UnexpectedTaskStateError (or return False)
otherwise. Units: memory in MiB, disks in GiB, times naive UTC.
Metadata is written by ``nova_lite.db.instance_metadata``, faults by
``nova_lite.db.instance_faults``, actions by ``nova_lite.db.actions``.
"""
import functools

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import console_auth_tokens as console_tokens
from nova_lite.db import instance_faults
from nova_lite.db import models
from nova_lite.db import tags as tag_db
from nova_lite.db import vm_snapshots as vm_snapshot_db
from nova_lite.db.session import reader
from nova_lite.db.session import Record
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


_UNSET = object()


def _record(row, **extra):
    """The ``Record`` of an ORM instance row with its loaded
    ``metadata_items`` and ``fixed_ips`` (tuples of Records, each with
    its network's ``network_label``); no SQL."""
    return Record(
        to_dict(row),
        metadata_items=tuple(Record(to_dict(m)) for m in row.metadata_items),
        fixed_ips=tuple(Record(to_dict(f), network_label=f.network.label)
                        for f in row.fixed_ips), **extra)


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


def instances_create(context, instances, metadata=None, action='create',
                     group_id=None, tags=(), security_group_ids=()):
    """Insert the rows of one create request, their metadata, tags,
    security groups and ``create`` instance actions, in one
    transaction.

    Deadlocks (Galera's certification failures among them) and lost
    connections are retried (``retry_on_deadlock``). A retry whose first
    attempt did commit (the database node died between the commit and
    its answer, then HAProxy moved to another node) meets its own rows:
    the duplicate is recognised by the ``create`` actions of this
    ``request_id`` and those rows are returned, so the request is neither
    failed nor doubled.

    :param instances: list of dicts of ``models.Instance`` columns
    :param metadata: dict key → value applied to every instance
    :param group_id: id of the server group (``instance_groups.id``) the
        instances join, if any
    :param tags: server tags (distinct, at most ``tags.MAX_TAGS``, checked
        by the caller) applied to every instance (microversion 2.52)
    :param security_group_ids: ``security_groups.id`` of the groups every
        instance is in
    :returns: list of instance ``Record``: the columns, then
        ``metadata_items`` (Records) and ``fixed_ips`` (empty)
    :raises: DBDuplicateEntry when a row exists that this request did not
        create
    """
    try:
        return _instances_insert(context, instances, metadata, action,
                                 group_id, tags, security_group_ids)
    except db_exc.DBDuplicateEntry:
        rows = _created_by_request(context, [i['uuid'] for i in instances])
        if rows is None:
            raise
        return rows


def _created_by_request(context, uuids):
    """The records of instances ``uuids`` as ``instances_create`` returns
    them, when every one exists with a ``create`` action of
    ``context.request_id``; else None."""
    inst, meta = models.Instance, models.InstanceMetadata
    action = models.InstanceAction
    with reader(context) as session:
        mine = set(session.scalars(sa.select(action.instance_uuid).where(
            action.instance_uuid.in_(uuids),
            action.request_id == context.request_id)))
        if not uuids or mine != set(uuids):
            return None
        rows = {row.uuid: row for row in session.scalars(
            sa.select(inst).where(inst.uuid.in_(uuids)))}
        items = {}
        for item in session.scalars(sa.select(meta).where(
                meta.instance_uuid.in_(uuids), meta.deleted == 0)):
            items.setdefault(item.instance_uuid, []).append(
                Record(to_dict(item)))
        return [Record(to_dict(rows[uuid]), fixed_ips=(),
                       metadata_items=tuple(items.get(uuid, ())))
                for uuid in uuids]


@retry_on_deadlock
def _instances_insert(context, instances, metadata, action, group_id, tags,
                      security_group_ids):
    now = utcnow()
    rows = [models.Instance(created_at=now, **values) for values in instances]
    items = {}
    with writer(context) as session:
        session.add_all(rows)
        for row in rows:
            items[row.uuid] = [models.InstanceMetadata(
                instance_uuid=row.uuid, key=key, value=value,
                created_at=now) for key, value in (metadata or {}).items()]
            session.add_all(items[row.uuid])
            session.add(models.InstanceAction(
                action=action, instance_uuid=row.uuid,
                request_id=context.request_id, user_id=context.user_id,
                project_id=context.project_id, start_time=now))
            session.add_all([models.Tag(resource_id=row.uuid, tag=tag)
                             for tag in tags])
            session.add_all([models.InstanceSecurityGroup(
                instance_uuid=row.uuid, security_group_id=group)
                for group in security_group_ids])
            if group_id is not None:
                session.add(models.InstanceGroupMember(
                    group_id=group_id, instance_uuid=row.uuid,
                    created_at=now))
        session.flush()
        return [Record(to_dict(row), fixed_ips=(), metadata_items=tuple(
            Record(to_dict(m)) for m in items[row.uuid])) for row in rows]


def instance_get(context, instance_uuid, project_only=True):
    """One instance with metadata, fixed IPs and (if ERROR) latest fault:
    a ``Record`` of the columns, ``metadata_items`` and ``fixed_ips``
    (tuples of Records of their columns) and ``fault`` (Record or None).

    :raises: InstanceNotFound (also for another project's instance)
    """
    query = _instance_query(context, project_only).where(
        models.Instance.uuid == instance_uuid)
    with reader(context) as session:
        row = session.scalars(query).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        faults = instance_faults.latest_faults(
            session, [row.uuid] if row.vm_state == 'error' else [])
        return _record(row, fault=faults.get(row.uuid))


def instance_states_get(context, instance_uuid):
    """uuid, host, vm_state, task_state and power_state of a live
    instance in one statement (no metadata, addresses or fault), for
    state bookkeeping such as lifecycle events; a ``Record``.

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
    return Record(row._mapping)


def instance_network_requests(context, instance_uuid):
    """A live instance's ``network_request``, ``requested_networks``,
    ``project_id``, ``availability_zone`` and ``has_ports`` (True when
    ports are bound to it already), a Record; one statement.

    :raises: InstanceNotFound
    """
    inst, port = models.Instance, models.Port
    with reader(context) as session:
        row = session.execute(sa.select(
            inst.network_request, inst.requested_networks, inst.project_id,
            inst.availability_zone, sa.exists().where(
                port.device_id == inst.uuid).label('has_ports')).where(
            inst.uuid == instance_uuid, inst.deleted == 0)).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return Record(dict(row._mapping))


def _apply_instance_filters(query, filters):
    """``query`` narrowed by ``filters``: columns equal to the value
    (``reservation_id``, ``host``, ..., ``locked``, ``config_drive``,
    ``created_at``, ``launched_at``, ``terminated_at``), in a list
    (``power_state``, ``uuids``, ``vm_state``, ``task_state``,
    ``availability_zones``: None in the list matches no zone),
    ``vm_task_states`` (list of (vm_state,
    task_state) pairs, a task None matching no task), ``name`` (a regular
    expression on display_name), ``name_contains`` (list of strings each
    found, case-insensitively, in display_name or hostname),
    ``changes_since`` and ``changes_before`` (naive UTC datetimes, on
    the last change: updated_at, else created_at), ``ip``/``ip6`` (a regular
    expression on the instance's IPv4/IPv6 fixed addresses) and the tag
    filters (``nova_lite.db.tags.filter_query``)."""
    inst = models.Instance
    simple = ('reservation_id', 'host', 'image_ref', 'flavor_id',
              'project_id', 'user_id', 'availability_zone', 'key_name')
    for key in simple:
        if filters.get(key) is not None:
            query = query.where(getattr(inst, key) == filters[key])
    if filters.get('power_state') is not None:
        query = query.where(inst.power_state.in_(filters['power_state']))
    for key in ('created_at', 'launched_at', 'terminated_at'):
        if filters.get(key) is not None:
            query = query.where(getattr(inst, key) == filters[key])
    if filters.get('locked') is not None:
        query = query.where(inst.locked == bool(filters['locked']))
    if filters.get('config_drive') is not None:
        query = query.where(
            inst.config_drive == bool(filters['config_drive']))
    if filters.get('uuids') is not None:
        query = query.where(inst.uuid.in_(filters['uuids']))
    if filters.get('vm_state') is not None:
        query = query.where(inst.vm_state.in_(filters['vm_state']))
    query = _soft_deleted_filter(query, filters.get('soft_deleted'))
    if filters.get('task_state') is not None:
        tasks = filters['task_state']
        query = query.where(sa.or_(
            inst.task_state.in_([t for t in tasks if t is not None]),
            inst.task_state.is_(None) if None in tasks else sa.false()))
    if filters.get('vm_task_states') is not None:
        query = query.where(sa.or_(sa.false(), *[
            sa.and_(inst.vm_state == vm_state, inst.task_state.is_(None)
                    if task_state is None else inst.task_state == task_state)
            for vm_state, task_state in filters['vm_task_states']]))
    if filters.get('availability_zones') is not None:
        zones = filters['availability_zones']
        named = [zone for zone in zones if zone is not None]
        query = query.where(sa.or_(
            inst.availability_zone.in_(named),
            inst.availability_zone.is_(None) if None in zones
            else sa.false()))
    for text in filters.get('name_contains') or ():
        text = text.lower()
        query = query.where(sa.or_(*[
            sa.func.lower(column).contains(text, autoescape=True)
            for column in (inst.display_name, inst.hostname)]))
    if filters.get('name') is not None:
        query = query.where(inst.display_name.regexp_match(filters['name']))
    for key, is_v6 in (('ip', False), ('ip6', True)):
        if filters.get(key) is not None:
            fip = models.FixedIP
            family = fip.address.contains(':')
            query = query.where(inst.uuid.in_(sa.select(
                fip.instance_uuid).where(
                    fip.instance_uuid.is_not(None),
                    family if is_v6 else sa.not_(family),
                    fip.address.regexp_match(filters[key]))))
    query = tag_db.filter_query(query, inst.uuid, filters)
    if filters.get('changes_since') is not None:
        since = filters['changes_since']
        query = query.where(sa.or_(
            inst.updated_at >= since,
            sa.and_(inst.updated_at.is_(None), inst.created_at >= since)))
    if filters.get('changes_before') is not None:
        before = filters['changes_before']
        query = query.where(sa.or_(
            inst.updated_at <= before,
            sa.and_(inst.updated_at.is_(None), inst.created_at <= before)))
    return query


def _soft_deleted_filter(query, soft_deleted):
    """The ``soft_deleted`` filter (doc/lifecycle.md): False leaves
    SOFT_DELETED instances out (a server list without ``deleted``),
    'with_deleted' keeps the deleted and the SOFT_DELETED ones (Nova's
    ``deleted=true``: the query must read deleted rows too), None
    filters nothing."""
    inst = models.Instance
    if soft_deleted is False:
        return query.where(inst.vm_state != 'soft-delete')
    if soft_deleted == 'with_deleted':
        return query.where(sa.or_(inst.deleted != 0,
                                  inst.vm_state == 'soft-delete'))
    return query


def instance_get_all(context, filters=None, marker=None, limit=None,
                     project_only=True, details=True, offset=None):
    """Instances newest first (created_at desc, id desc), paginated by
    ``marker`` (an instance uuid). Four statements whatever the count
    (five with a marker): instances, their metadata, their fixed IPs,
    ERROR faults. Everything is loaded with Core into frozen ``Record``
    read models: ORM objects cost as much CPU as the views in a
    1,000-server page. ``metadata_items`` and ``fixed_ips`` are tuples of
    Records (``key``, ``value``; ``id``, ``network_id``, ``address``,
    ``mac``), ``fault`` a Record or None. ``user_data``, ``key_data``,
    ``admin_pass`` and ``guest_password`` are not read (reading them
    raises AttributeError).

    :param filters: dict, see ``_apply_instance_filters``
    :param details: False to read the instances alone, in one statement:
        no ``metadata_items``, ``fixed_ips`` nor ``fault`` attributes
        (List Servers shows only ids and names)
    :param offset: instances to skip (after the marker, if any)
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
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        result = session.execute(query.with_only_columns(*_listed_columns()))
        keys = tuple(result.keys())
        rows = [dict(zip(keys, values, strict=True)) for values in result]
        if details:
            _add_metadata_and_ips(session, rows)
            faults = instance_faults.latest_faults(session, [
                r['uuid'] for r in rows if r['vm_state'] == 'error'])
            for row in rows:
                row['fault'] = faults.get(row['uuid'])
        return [Record(row) for row in rows]


def instance_count(context, filters=None, project_only=True):
    """How many instances ``instance_get_all`` lists with ``filters`` and
    no marker nor limit: one ``SELECT count(*)``."""
    query = _apply_instance_filters(_instance_query(context, project_only),
                                    filters or {})
    with reader(context) as session:
        return session.scalar(query.with_only_columns(
            sa.func.count(models.Instance.id)).order_by(None))


def _add_metadata_and_ips(session, rows):
    """Set ``metadata_items`` and ``fixed_ips`` (tuples of Records; an
    address with its network's ``network_label``) of the instance dicts
    ``rows`` with one Core statement each (at most two whatever the
    count)."""
    meta, fip = models.InstanceMetadata.__table__, models.FixedIP.__table__
    net = models.Network.__table__
    uuids = [r['uuid'] for r in rows]
    items, addresses = {}, {}
    if uuids:
        for item in session.execute(
                sa.select(meta.c.instance_uuid, meta.c.key, meta.c.value)
                .where(meta.c.instance_uuid.in_(uuids), meta.c.deleted == 0)
                .order_by(meta.c.id)):
            items.setdefault(item.instance_uuid, []).append(
                Record(item._mapping))
        for address in session.execute(
                sa.select(fip.c.id, fip.c.instance_uuid, fip.c.network_id,
                          fip.c.address, fip.c.mac, fip.c.port_id,
                          net.c.label.label('network_label'))
                .join(net, net.c.id == fip.c.network_id)
                .where(fip.c.instance_uuid.in_(uuids)).order_by(fip.c.id)):
            addresses.setdefault(address.instance_uuid, []).append(
                Record(address._mapping))
    for row in rows:
        row['metadata_items'] = tuple(items.get(row['uuid'], ()))
        row['fixed_ips'] = tuple(addresses.get(row['uuid'], ()))


#: Columns lists never read (they may be large or secret).
_SECRET_COLUMNS = ('user_data', 'key_data', 'admin_pass', 'guest_password')


@functools.lru_cache(maxsize=None)
def _listed_columns():
    """Columns of ``instances`` read by ``instance_get_all``."""
    return tuple(c for c in models.Instance.__table__.c
                 if c.key not in _SECRET_COLUMNS)


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
    values = dict(values, updated_at=utcnow())
    with writer(context) as session:
        result = session.execute(
            stmt.values(**values).execution_options(
                synchronize_session=False))
        if result.rowcount == 1:
            if fault:
                session.add(instance_faults.fault_row(instance_uuid,
                                                     **fault))
            if 'host' in values or values.get('vm_state') == 'soft-delete':
                # A move or a soft delete: console tokens bound to another
                # host (all, for a soft delete) are revoked.
                console_tokens.revoke_in_session(
                    session, instance_uuid,
                    keep_host=values.get('host') if values.get(
                        'vm_state') != 'soft-delete' else None)
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
    """Soft-delete a live instance, its metadata and its VM snapshots
    (vm_state deleted); its tags and security group memberships are
    deleted.

    :returns: True if this call deleted it, False if it was already gone
        or no longer matches the expected host/task_state
    """
    inst, meta = models.Instance, models.InstanceMetadata
    now = utcnow()
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
        session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == instance_uuid))
        vm_snapshot_db.vm_snapshots_destroy_for_instance(
            session, instance_uuid, now)
        console_tokens.revoke_in_session(session, instance_uuid)
        session.execute(sa.delete(models.InstanceSecurityGroup).where(
            models.InstanceSecurityGroup.instance_uuid == instance_uuid))
        return True


def instances_stuck(context, vm_state, task_states, older_than, host=_UNSET):
    """Live instances in ``vm_state`` (None: any) with task_state in
    ``task_states`` not updated since ``older_than``; list of Records
    (as ``instance_get``'s, without ``fault``)."""
    inst = models.Instance
    query = sa.select(inst).where(
        inst.deleted == 0,
        sa.func.coalesce(inst.updated_at, inst.created_at) < older_than)
    if vm_state is not None:
        query = query.where(inst.vm_state == vm_state)
    query = _expect(query, inst.task_state, tuple(task_states))
    query = _expect(query, inst.host, host)
    with reader(context) as session:
        return [_record(r) for r in session.scalars(query)]


def instances_building_count(context):
    """Live instances in BUILD (vm_state building) across the cloud: one
    COUNT on the (vm_state, task_state) index, for admission control."""
    inst = models.Instance
    with reader(context) as session:
        return int(session.scalar(sa.select(sa.func.count(inst.id)).where(
            inst.vm_state == 'building', inst.deleted == 0)))


def instances_on_host(context, host):
    """Live instances whose host is ``host``; list of Records (as
    ``instances_stuck``'s)."""
    inst = models.Instance
    with reader(context) as session:
        return [_record(r) for r in session.scalars(sa.select(inst).where(
            inst.host == host, inst.deleted == 0))]


def instance_hosts(context, instance_uuids):
    """{uuid: host} of the live instances among ``instance_uuids`` that
    have a host (same_host/different_host scheduler hints)."""
    inst = models.Instance
    with reader(context) as session:
        return dict(session.execute(sa.select(inst.uuid, inst.host).where(
            inst.uuid.in_(list(instance_uuids)), inst.deleted == 0,
            inst.host.isnot(None))).all())
