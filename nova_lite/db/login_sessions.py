"""SQL of the login sessions kept in the database: the CloudStack API's
(``models.CloudStackSession``) and the dashboard's
(``models.DashboardSession``). ``LoginSessions(model)`` gives the same
five statements over either table; both have ``session_hash`` (unique),
``last_used`` and ``expires`` columns. Sessions are dicts of their
columns; the callers hash the secrets. Times are naive UTC.
"""
import datetime
import hashlib

import sqlalchemy as sa

from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import writer


def digest(secret):
    """SHA-256 (hex) of a session secret: what the tables keep."""
    return hashlib.sha256(secret.encode()).hexdigest()


def utc(epoch):
    """Naive UTC datetime of epoch seconds (None stays None)."""
    if epoch is None:
        return None
    return datetime.datetime.fromtimestamp(
        epoch, datetime.timezone.utc).replace(tzinfo=None)


def epoch(when):
    """Epoch seconds of a naive UTC datetime (None stays None)."""
    if when is None:
        return None
    return when.replace(tzinfo=datetime.timezone.utc).timestamp()


class LoginSessions:
    """Create, get, touch, delete and count the rows of ``model``."""

    def __init__(self, model):
        self.model = model
        # The writers retry on deadlocks and lost connections (oslo.db).
        self.create = retry_on_deadlock(self._create)
        self.touch = retry_on_deadlock(self._touch)
        self.delete = retry_on_deadlock(self._delete)

    def _stale(self, idle_before, now):
        """Sessions idle since before ``idle_before`` or whose token
        expired at ``now``."""
        return sa.or_(self.model.last_used < idle_before,
                      self.model.expires <= now)

    def _create(self, context, values, idle_before, now, max_sessions):
        """``create``: store a session; in the same transaction delete the
        stale ones and then, beyond ``max_sessions``, the least recently
        used.

        :param values: dict of the model's columns
        :returns: how many other sessions were deleted
        """
        model = self.model
        with writer(context) as session:
            removed = session.execute(sa.delete(model).where(
                self._stale(idle_before, now)).execution_options(
                synchronize_session=False)).rowcount
            session.add(model(**values))
            session.flush()
            count = session.scalar(sa.select(sa.func.count(model.id)))
            if count > max_sessions:
                oldest = list(session.scalars(sa.select(model.id).order_by(
                    model.last_used, model.id).limit(count - max_sessions)))
                removed += session.execute(sa.delete(model).where(
                    model.id.in_(oldest)).execution_options(
                    synchronize_session=False)).rowcount
            return removed

    def get(self, context, session_hash):
        """The session of ``session_hash`` (dict of its columns) or
        None."""
        with reader(context) as session:
            row = session.scalars(sa.select(self.model).where(
                self.model.session_hash == session_hash)).first()
            return None if row is None else to_dict(row)

    def _touch(self, context, session_id, now):
        """``touch``: set ``last_used`` of session ``session_id`` (its row
        id) to ``now``; False when it is gone."""
        with writer(context) as session:
            return session.execute(sa.update(self.model).where(
                self.model.id == session_id).values(last_used=now)
                .execution_options(synchronize_session=False)).rowcount == 1

    def _delete(self, context, session_hash):
        """``delete``: delete the session of ``session_hash``; True if
        there was one."""
        with writer(context) as session:
            return session.execute(sa.delete(self.model).where(
                self.model.session_hash == session_hash).execution_options(
                synchronize_session=False)).rowcount == 1

    def count(self, context):
        """Number of stored sessions (stale ones included)."""
        with reader(context) as session:
            return session.scalar(sa.select(sa.func.count(self.model.id)))
