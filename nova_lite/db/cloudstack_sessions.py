"""SQL of the CloudStack API's login sessions (``cloudstack_sessions``,
see ``models.CloudStackSession``). Sessions are dicts of its columns;
the callers (``nova_lite.cloudstack.sessions``) hash the session id and
key. Times are naive UTC.
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import writer

_SESSION = models.CloudStackSession


def _stale(idle_before, now):
    """Sessions idle since before ``idle_before`` or whose token expired
    at ``now``."""
    return sa.or_(_SESSION.last_used < idle_before, _SESSION.expires <= now)


@retry_on_deadlock
def session_create(context, values, idle_before, now, max_sessions):
    """Store a session; in the same transaction delete the stale ones and
    then, beyond ``max_sessions``, the least recently used.

    :param values: dict of the columns: session_hash, key_hash, user_id,
        user_name, project_id, project_name, domain_id, domain_name,
        roles (JSON text), last_used, expires
    :returns: how many other sessions were deleted
    """
    with writer(context) as session:
        removed = session.execute(sa.delete(_SESSION).where(
            _stale(idle_before, now)).execution_options(
            synchronize_session=False)).rowcount
        session.add(_SESSION(**values))
        session.flush()
        count = session.scalar(sa.select(sa.func.count(_SESSION.id)))
        if count > max_sessions:
            oldest = list(session.scalars(sa.select(_SESSION.id).order_by(
                _SESSION.last_used, _SESSION.id).limit(
                count - max_sessions)))
            removed += session.execute(sa.delete(_SESSION).where(
                _SESSION.id.in_(oldest)).execution_options(
                synchronize_session=False)).rowcount
        return removed


def session_get(context, session_hash):
    """The session of ``session_hash`` (dict of its columns) or None."""
    with reader(context) as session:
        row = session.scalars(sa.select(_SESSION).where(
            _SESSION.session_hash == session_hash)).first()
        return None if row is None else to_dict(row)


@retry_on_deadlock
def session_touch(context, session_id, now):
    """Set ``last_used`` of session ``session_id`` (its row id) to
    ``now``; False when it is gone."""
    with writer(context) as session:
        return session.execute(sa.update(_SESSION).where(
            _SESSION.id == session_id).values(last_used=now)
            .execution_options(synchronize_session=False)).rowcount == 1


@retry_on_deadlock
def session_delete(context, session_hash):
    """Delete the session of ``session_hash``; True if there was one."""
    with writer(context) as session:
        return session.execute(sa.delete(_SESSION).where(
            _SESSION.session_hash == session_hash).execution_options(
            synchronize_session=False)).rowcount == 1


def session_count(context):
    """Number of stored sessions (stale ones included)."""
    with reader(context) as session:
        return session.scalar(sa.select(sa.func.count(_SESSION.id)))
