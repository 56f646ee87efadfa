"""SQL of CloudStack events (``events``). Events are dicts of the
``models.Event`` columns: uuid, type, level, state, description,
resource_id, user_id, project_id, created_at (naive UTC)..."""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import to_dict
from nova_lite.db.session import writer


def event_create(context, values):
    """Insert an event (one statement); None when its ``message_id`` is
    recorded already (a redelivered notification), else its dict."""
    try:
        with writer(context) as session:
            row = models.Event(**values)
            session.add(row)
            session.flush()
            return to_dict(row)
    except db_exc.DBDuplicateEntry:
        return None


def event_get_all(context, project_id=None, event_type=None, level=None,
                  start=None, end=None):
    """Events by id (oldest first), of ``project_id`` unless None (all),
    optionally of one type and level, created in [start, end]."""
    ev = models.Event
    query = sa.select(ev).order_by(ev.id)
    if project_id is not None:
        query = query.where(ev.project_id == project_id)
    if event_type:
        query = query.where(ev.type == event_type)
    if level:
        query = query.where(ev.level == level)
    if start is not None:
        query = query.where(ev.created_at >= start)
    if end is not None:
        query = query.where(ev.created_at <= end)
    with reader(context) as session:
        return [to_dict(r) for r in session.scalars(query)]
