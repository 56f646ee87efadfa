"""SQL of the CloudStack API's API keys (``api_keys``; the secret keys
live in Keystone, see ``nova_lite.api.cloudstack.keystone``). Keys are
dicts of the ``models.ApiKey`` columns: api_key, credential_id, user_id,
project_id, created_at (naive UTC)...
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import reader
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import to_dict
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


@retry_on_deadlock
def api_key_replace(context, api_key, credential_id, user_id, project_id):
    """Register the API key of (user, project), soft-deleting the one it
    had before (CloudStack keeps one key pair per user).

    :returns: (new api key dict, [credential ids of replaced keys])
    """
    key = models.ApiKey
    now = utcnow()
    with writer(context) as session:
        old = list(session.scalars(sa.select(key).where(
            key.user_id == user_id, key.project_id == project_id,
            key.deleted == 0)))
        for row in old:
            row.deleted = row.id
            row.deleted_at = now
        row = models.ApiKey(api_key=api_key, credential_id=credential_id,
                            user_id=user_id, project_id=project_id)
        session.add(row)
        session.flush()
        return to_dict(row), [r.credential_id for r in old]


def api_key_get(context, api_key):
    """The live API key dict of ``api_key``.

    :raises: NotFound
    """
    with reader(context) as session:
        row = session.scalars(sa.select(models.ApiKey).where(
            models.ApiKey.api_key == api_key,
            models.ApiKey.deleted == 0)).first()
        if row is None:
            raise exception.NotFound('API key not found.')
        return to_dict(row)
