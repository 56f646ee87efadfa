"""SQL of instance metadata (``instance_metadata``: key → value strings,
soft-deleted with their instance).
"""
import sqlalchemy as sa

from nova_lite.db import models
from nova_lite.db.session import retry_on_deadlock
from nova_lite.db.session import utcnow
from nova_lite.db.session import writer
from nova_lite import exception


@retry_on_deadlock
def instance_metadata_update(context, instance_uuid, metadata, delete):
    """Merge ``metadata`` into the instance's; with ``delete`` replace it.
    Returns the resulting dict."""
    meta = models.InstanceMetadata
    now = utcnow()
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
                                      deleted_at=utcnow()))
        if result.rowcount == 0:
            raise exception.MetadataNotFound(key=key)
