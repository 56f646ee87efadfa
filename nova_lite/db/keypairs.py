"""SQL of key pairs (``key_pairs``; per user): dicts of the columns but
``deleted`` (user_id, project_id, name, fingerprint, public_key, type,
created_at...).
"""
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


def _key_pair_dict(row):
    values = to_dict(row)
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
            .values(deleted=kp.id, deleted_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount == 1
