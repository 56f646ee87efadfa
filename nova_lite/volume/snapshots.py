"""Volume snapshots (Block Storage API reference, "Volume snapshots"):
a full copy of a volume, made by its service. Quota: snapshots 1 and
the volume's GiB, claimed with the row; released with it.
"""
import json
import uuid as uuidlib

from nova_lite.db import volume_attachments as attachment_db
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors
from nova_lite.volume import quotas
from nova_lite.volume import states


def create(context, volume_id, name=None, description=None, force=False,
           metadata=None):
    """Snapshot an available volume (an in-use one with ``force``).

    :raises: VolumeNotFound; InvalidVolume (400); OverQuota (413)
    """
    volume = volume_api.get(context, volume_id)
    if volume['status'] != states.AVAILABLE and not (
            force and volume['status'] == states.IN_USE):
        raise errors.InvalidVolume(reason='Volume %s status must be '
                                   'available, not %s' % (
                                       volume_id, volume['status']))
    snap = attachment_db.snapshot_create(context, {
        'uuid': str(uuidlib.uuid4()), 'volume_uuid': volume_id,
        'project_id': context.project_id, 'user_id': context.user_id,
        'display_name': name, 'display_description': description,
        'volume_size': volume['size'], 'status': states.CREATING,
        'snapshot_metadata': json.dumps(metadata or {})},
        {'snapshots': 1, 'gigabytes': volume['size']},
        quotas.limits(context, context.project_id))
    volume_api.volume_rpcapi().create_snapshot(context, volume['host'],
                                               snap['uuid'])
    return snap


def get(context, snapshot_id):
    return attachment_db.snapshot_get(context, snapshot_id)


def get_all(context, volume_id=None, all_projects=False, status=None):
    return attachment_db.snapshot_get_all(
        context, volume_uuid=volume_id, all_projects=all_projects,
        status=status)


def delete(context, snapshot_id):
    """Start deleting (``deleting`` from available or error).

    :raises: SnapshotNotFound; InvalidSnapshot (400)
    """
    snap = get(context, snapshot_id)
    attachment_db.snapshot_update(context, snapshot_id,
                                  {'status': states.DELETING},
                                  (states.AVAILABLE, states.ERROR,
                                   states.ERROR_DELETING))
    volume = volume_api.get(context.elevated(), snap['volume_uuid'])
    if snap.get('provider_location'):
        volume_api.volume_rpcapi().delete_snapshot(context, volume['host'],
                                                   snapshot_id)
    else:
        attachment_db.snapshot_destroy(context, snapshot_id)
