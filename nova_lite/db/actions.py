"""SQL of instance actions and their events (``instance_actions``,
``instance_actions_events``; os-instance-actions). An action belongs to
the request (``request_id``) that started it; times are naive UTC.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite import exception
from nova_lite.db.session import reader
from nova_lite.db.session import Record
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite.db.text import fit_text


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
    now = utcnow()
    values = {'event': event, 'result': result, 'host': host,
              'start_time': start_time or now, 'finish_time': now,
              'details': fit_text(details),
              'traceback': fit_text(traceback)}
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


def actions_get(context, instance_uuid, limit=None, marker=None,
                changes_since=None, changes_before=None):
    """Actions of an instance, newest first: ``Record`` of the action's
    columns with ``events`` (tuple of event Records, oldest first); two
    statements (three with ``marker``).

    :param limit: at most this many actions (None: all)
    :param marker: the request id of the action the page starts after
    :param changes_since: only actions last changed (``updated_at``, or
        ``start_time`` when never updated) at or after this naive UTC
        datetime; ``changes_before`` at or before it
    :raises: Invalid (400) for a marker that is no action of the
        instance
    """
    act, evt = models.InstanceAction, models.InstanceActionEvent
    changed = sa.func.coalesce(act.updated_at, act.start_time)
    query = sa.select(act).where(act.instance_uuid == instance_uuid)
    if changes_since is not None:
        query = query.where(changed >= changes_since)
    if changes_before is not None:
        query = query.where(changed <= changes_before)
    with reader(context) as session:
        if marker is not None:
            marker_id = session.scalar(sa.select(sa.func.max(act.id)).where(
                act.instance_uuid == instance_uuid,
                act.request_id == marker))
            if marker_id is None:
                raise exception.Invalid(reason='marker [%s] not found'
                                        % marker[:64])
            query = query.where(act.id < marker_id)
        query = query.order_by(act.id.desc())
        if limit is not None:
            query = query.limit(limit)
        actions = list(session.scalars(query))
        events = {}
        if actions:
            for row in session.scalars(sa.select(evt).where(
                    evt.action_id.in_([a.id for a in actions])).order_by(
                    evt.id)):
                events.setdefault(row.action_id, []).append(
                    Record(to_dict(row)))
        return [Record(to_dict(action),
                       events=tuple(events.get(action.id, ())))
                for action in actions]
