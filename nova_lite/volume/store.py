"""The volume service's reads and writes of the volume tables, in one
place (``nova_lite.volume.manager`` and ``sweeper`` use only these).

Today they are direct calls to ``nova_lite.db.volumes`` and
``nova_lite.db.volume_attachments``; a storage node without database
credentials would route these same functions through the conductor
(as ``nova_lite.conductor.compute_proxy`` does for computes), with no
change to the manager.
"""
from nova_lite.db import storage_pools as pool_db
from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volumes as volume_db

volume_get = volume_db.volume_get
pool_get = pool_db.pool_get
volume_update = volume_db.volume_update
volume_destroy = volume_db.volume_destroy
volume_extend_failed = volume_db.volume_extend_failed
volumes_stuck = volume_db.volumes_stuck
snapshot_get = attachment_db.snapshot_get
snapshot_update = attachment_db.snapshot_update
snapshot_destroy = attachment_db.snapshot_destroy
attachment_get = attachment_db.attachment_get
attachment_update = attachment_db.attachment_update
attachment_destroy = attachment_db.attachment_destroy


def attachments_of_host(context, host):
    """Live attachments of the volumes held by ``host``."""
    return attachment_db.attachment_get_all(context, all_projects=True,
                                            host=host)


def attachments_of_volume(context, volume_id):
    """Live attachments of the volume."""
    return attachment_db.attachment_get_all(context, all_projects=True,
                                            volume_uuid=volume_id)
