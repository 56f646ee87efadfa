"""SQL of the ``vm_snapshots`` table (CloudStack VM snapshots; the rules
are ``nova_lite.compute.vm_snapshots``'s). Rows leave as dicts of the
``models.VMSnapshot`` columns; deleted rows are never read. State
changes are conditional writes on ``state``.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

_MODEL = models.VMSnapshot


def vm_snapshot_create(context, values):
    """Insert a VM snapshot (``values``: the columns, ``uuid`` among
    them); its dict."""
    with writer(context) as session:
        row = _MODEL(**values)
        session.add(row)
        session.flush()
        return to_dict(row)


def vm_snapshot_get(context, uuid):
    """The live VM snapshot ``uuid`` (of the caller's project unless
    admin).

    :raises: VMSnapshotNotFound
    """
    query = sa.select(_MODEL).where(_MODEL.uuid == uuid,
                                    _MODEL.deleted == 0)
    if not context.is_admin:
        query = query.where(_MODEL.project_id == context.project_id)
    with reader(context) as session:
        row = session.scalars(query).first()
        if row is None:
            raise exception.VMSnapshotNotFound(vm_snapshot_id=uuid)
        return to_dict(row)


def _filtered(query, filters):
    """``query`` narrowed by ``filters``: ``instance_uuid``, ``uuid``,
    ``display_name``, ``state`` (one or a sequence), ``project_id``,
    ``keyword`` (part of name, display name or description)."""
    for key in ('instance_uuid', 'uuid', 'display_name', 'project_id'):
        if filters.get(key) is not None:
            query = query.where(getattr(_MODEL, key) == filters[key])
    state = filters.get('state')
    if state is not None:
        states = [state] if isinstance(state, str) else list(state)
        query = query.where(_MODEL.state.in_(states))
    if filters.get('keyword'):
        like = '%%%s%%' % filters['keyword']
        query = query.where(sa.or_(_MODEL.name.like(like),
                                   _MODEL.display_name.like(like),
                                   _MODEL.description.like(like)))
    return query


def vm_snapshot_get_all(context, filters=None, offset=0, limit=None):
    """``(page, total)``: the live VM snapshots matching ``filters`` (see
    ``_filtered``), oldest first, ``limit`` of them (all when None)
    after ``offset``, and how many match."""
    base = _filtered(sa.select(_MODEL).where(_MODEL.deleted == 0),
                     filters or {})
    with reader(context) as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(
            base.subquery()))
        query = base.order_by(_MODEL.created_at, _MODEL.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [to_dict(r) for r in session.scalars(query)], total


def vm_snapshot_count(context, instance_uuid):
    """How many live VM snapshots ``instance_uuid`` has (any state)."""
    with reader(context) as session:
        return session.scalar(sa.select(sa.func.count()).where(
            _MODEL.instance_uuid == instance_uuid, _MODEL.deleted == 0))


@retry_on_deadlock
def vm_snapshot_update(context, uuid, values, expected_state=None):
    """Write ``values`` on the live VM snapshot ``uuid`` when its state
    is ``expected_state`` (a str or sequence; None: any).

    :returns: True when a row was written
    """
    stmt = sa.update(_MODEL).where(_MODEL.uuid == uuid, _MODEL.deleted == 0)
    if expected_state is not None:
        expected = ([expected_state] if isinstance(expected_state, str)
                    else list(expected_state))
        stmt = stmt.where(_MODEL.state.in_(expected))
    values = dict(values, updated_at=utcnow())
    with writer(context) as session:
        result = session.execute(stmt.values(**values).execution_options(
            synchronize_session=False))
        return result.rowcount == 1


@retry_on_deadlock
def vm_snapshot_make_current(context, instance_uuid, uuid, values):
    """Make ``uuid`` the current snapshot of ``instance_uuid`` (and no
    other) with ``values`` written on it, in one transaction."""
    now = utcnow()
    with writer(context) as session:
        session.execute(sa.update(_MODEL).where(
            _MODEL.instance_uuid == instance_uuid, _MODEL.deleted == 0,
            _MODEL.uuid != uuid, _MODEL.current == sa.true()).values(
            current=False, updated_at=now).execution_options(
            synchronize_session=False))
        session.execute(sa.update(_MODEL).where(
            _MODEL.uuid == uuid, _MODEL.deleted == 0).values(
            current=True, updated_at=now, **values).execution_options(
            synchronize_session=False))


@retry_on_deadlock
def vm_snapshot_destroy(context, uuid, expected_state=None):
    """Soft-delete the VM snapshot ``uuid`` (when its state is
    ``expected_state``, if given); its children get its parent as
    theirs. Returns True when this call deleted it."""
    now = utcnow()
    with writer(context) as session:
        row = session.scalars(sa.select(_MODEL).where(
            _MODEL.uuid == uuid, _MODEL.deleted == 0)).first()
        if row is None or (expected_state is not None
                           and row.state != expected_state):
            return False
        session.execute(sa.update(_MODEL).where(
            _MODEL.parent_uuid == uuid, _MODEL.deleted == 0).values(
            parent_uuid=row.parent_uuid).execution_options(
            synchronize_session=False))
        row.deleted = row.id
        row.deleted_at = now
        row.current = False
        return True


def vm_snapshots_destroy_for_instance(session, instance_uuid, now):
    """Soft-delete every VM snapshot of ``instance_uuid`` in the
    caller's transaction ``session`` (the instance is being deleted:
    ``instances.instance_destroy``)."""
    session.execute(sa.update(_MODEL).where(
        _MODEL.instance_uuid == instance_uuid, _MODEL.deleted == 0).values(
        deleted=_MODEL.id, deleted_at=now, current=False).execution_options(
        synchronize_session=False))
