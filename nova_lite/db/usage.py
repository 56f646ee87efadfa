"""SQL of usage: the instances that existed during a time window
(os-simple-tenant-usage, the instance usage audit, CloudStack
listUsageRecords) and the ``task_log`` rows of periodic tasks
(os-instance_usage_audit_log).

An instance **existed** during ``[begin, end)`` when it was launched
(``launched_at`` set) before ``end`` and not ended before ``begin``: it
ends at ``terminated_at``, or at ``deleted_at`` for a deleted row without
one; deleted instances are included. This is Nova's
``instance_get_active_by_window_joined``. Times are naive UTC; memory in
MiB, disks in GiB.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception

#: Columns of the instance dicts ``instances_in_window`` returns.
_COLUMNS = ('id', 'uuid', 'display_name', 'hostname', 'project_id',
            'user_id', 'host', 'node', 'reservation_id', 'launch_index',
            'key_name', 'instance_name', 'flavor_id', 'flavor_name',
            'vcpus', 'memory_mb',
            'root_gb', 'ephemeral_gb', 'vm_state', 'task_state',
            'power_state', 'image_ref', 'availability_zone', 'created_at',
            'launched_at', 'terminated_at', 'deleted_at', 'deleted')


def _ended_at():
    inst = models.Instance
    return sa.case((inst.deleted != 0, sa.func.coalesce(
        inst.terminated_at, inst.deleted_at)), else_=inst.terminated_at)


def instances_in_window(context, begin, end, project_id=None, host=None,
                        limit=None, marker=None):
    """Instances (deleted ones included) that existed during
    ``[begin, end)``, ordered by ``(project_id, uuid)``; dicts of
    ``_COLUMNS`` plus ``ended_at`` (``terminated_at``, or ``deleted_at``
    for a deleted instance without one; None while it lives).

    One SELECT (two with a marker). No project filter from the context:
    the caller's policy decides whose usage may be read.

    :param project_id: only this project's instances
    :param host: only the instances of this compute host
    :param limit: at most this many (None: all)
    :param marker: uuid of the last instance of the previous page
    :raises: Invalid (400) for a marker that is no instance
    """
    inst = models.Instance
    ended = _ended_at()
    query = sa.select(*(getattr(inst, c) for c in _COLUMNS),
                      ended.label('ended_at')).where(
        inst.launched_at.isnot(None), inst.launched_at < end,
        sa.or_(ended.is_(None), ended > begin))
    if project_id is not None:
        query = query.where(inst.project_id == project_id)
    if host is not None:
        query = query.where(inst.host == host)
    with reader(context) as session:
        if marker is not None:
            found = session.execute(sa.select(inst.project_id).where(
                inst.uuid == marker)).first()
            if found is None:
                raise exception.Invalid(reason='marker [%s] not found'
                                        % marker[:64])
            query = query.where(sa.or_(
                inst.project_id > found[0],
                sa.and_(inst.project_id == found[0], inst.uuid > marker)))
        query = query.order_by(inst.project_id, inst.uuid)
        if limit is not None:
            query = query.limit(limit)
        return [dict(row._mapping) for row in session.execute(query)]


# ---------------------------------------------------------------- task log

def _task_query(task_name, begin, end, host=None):
    log = models.TaskLog
    query = sa.select(log).where(log.task_name == task_name,
                                 log.period_beginning == begin,
                                 log.period_ending == end)
    if host is not None:
        query = query.where(log.host == host)
    return query


def _task_dict(row):
    return {'task_name': row.task_name, 'state': row.state,
            'host': row.host, 'period_beginning': row.period_beginning,
            'period_ending': row.period_ending, 'message': row.message,
            'task_items': row.task_items, 'errors': row.errors,
            'created_at': row.created_at, 'updated_at': row.updated_at}


def task_log_get_all(context, task_name, begin, end, host=None):
    """The task_log rows of ``task_name`` for the period ``[begin,
    end)`` (exactly), optionally of one host, by host; list of dicts
    (task_name, state, host, period_beginning, period_ending, message,
    task_items, errors, created_at, updated_at)."""
    with reader(context) as session:
        return [_task_dict(r) for r in session.scalars(
            _task_query(task_name, begin, end, host).order_by(
                models.TaskLog.host))]


@retry_on_deadlock
def task_log_begin(context, task_name, begin, end, host, task_items,
                   message):
    """Record that ``task_name`` started on ``host`` for ``[begin, end)``
    (state RUNNING). Returns False, writing nothing, when that host
    already has a row for the period (a run started or done: the task
    runs once a period)."""
    log = models.TaskLog
    with writer(context) as session:
        existing = _task_query(task_name, begin, end,
                               host).with_only_columns(log.id)
        if session.execute(existing).first() is not None:
            return False
        session.add(log(task_name=task_name, state='RUNNING', host=host,
                        period_beginning=begin, period_ending=end,
                        task_items=task_items, errors=0,
                        message=message[:255]))
    return True


@retry_on_deadlock
def task_log_end(context, task_name, begin, end, host, errors, message):
    """Mark the run of ``task_name`` on ``host`` for the period DONE with
    its error count and final message.

    :raises: NotFound (404) when the run was never begun
    """
    log = models.TaskLog
    with writer(context) as session:
        result = session.execute(sa.update(log).where(
            log.task_name == task_name, log.host == host,
            log.period_beginning == begin, log.period_ending == end).values(
            state='DONE', errors=errors, message=message[:255],
            updated_at=utcnow()))
        if result.rowcount != 1:
            raise exception.NotFound(
                'Task %s is not running on host %s.' % (task_name, host))
