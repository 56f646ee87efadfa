"""The volumes a server is built with (boot from volume; doc/volumes.md,
"Boot from volume"), on the conductor's side: the compute has no
database and asks through conductor RPC 1.15 (``conductor.rpcapi_volume``).

The instance's ``block_device_mapping`` column holds its volume
mappings (``compute.block_device``). ``prepare`` is asked again and
again by the building compute until every mapping has a volume that is
reserved for the instance:

* a mapping without a volume (source image, snapshot or blank) gets one
  created now in the instance's project (its quota: ``volumes``,
  ``gigabytes``), and the volume's id is written into the mapping at
  once, so a later cleanup finds it;
* a volume that became ``available`` is reserved (an attachment with
  the mapping's device, tag, delete_on_termination and boot index);
  existing volumes were reserved by the API already;
* a volume in ``error`` (or taken by someone else) fails the build.

The instance waits in task state ``block_device_mapping`` (Nova's)
meanwhile: ``spawning`` → ``block_device_mapping`` at the first
question, back to ``spawning`` once every volume is reserved.

``release_failed_build`` undoes it all for a build that failed
(ERROR): each attachment is dropped (the volumes are ``available``
again) and the volumes the build created are deleted, whatever their
``delete_on_termination``: a failed build leaks no volume.
"""
from oslo_log import log as logging

from nova_lite.compute import block_device
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors
from nova_lite.volume import pools
from nova_lite.volume import server_volumes
from nova_lite.volume import states as volume_states

LOG = logging.getLogger(__name__)

READY = 'ready'
WAITING = 'waiting'
FAILED = 'failed'
GONE = 'gone'


def _instance(context, instance_uuid):
    try:
        return instance_db.instance_get(context.elevated(), instance_uuid)
    except exception.InstanceNotFound:
        return None


def _to_waiting(context, instance_uuid, host):
    """spawning → block_device_mapping on ``host``; True when the build
    is (still) ours."""
    try:
        instance_db.instance_update(
            context.elevated(), instance_uuid,
            {'task_state': states.BLOCK_DEVICE_MAPPING},
            expected_task_state=(states.SPAWNING,
                                 states.BLOCK_DEVICE_MAPPING),
            expected_vm_state=states.BUILDING, expected_host=host)
        return True
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        return False


def _create_volume(context, instance, mapping):
    """Create the mapping's volume on a storage pool of the cluster of
    the instance's host (``volume.pools``: a deploy's ROOT and DATADISK
    volumes go to the chosen cluster's primary storage); the mapping
    with its ``volume_id``.

    :raises: the volume API's errors (OverQuota, Invalid,
        StorageCapacityExceeded, ...)
    """
    volume = volume_api.create(
        context, mapping['volume_size'], name='',
        image_ref=mapping['uuid'] if mapping['source_type'] == 'image'
        else None,
        snapshot_id=mapping['uuid'] if mapping['source_type'] == 'snapshot'
        else None,
        volume_type=mapping.get('volume_type'),
        availability_zone=instance.availability_zone,
        cluster_uuid=pools.cluster_of_host(context, instance.host))
    LOG.info('Volume %s created for %s from %s %s', volume['uuid'],
             instance.uuid, mapping['source_type'], mapping['uuid'])
    return dict(mapping, volume_id=volume['uuid'], created=True)


def _save(context, instance_uuid, mappings):
    instance_db.instance_update(context.elevated(), instance_uuid,
                                {'block_device_mapping': mappings})


def _create_missing(context, instance, mappings):
    """Create each missing volume, saving its id before the next one.

    :returns: (mappings, error text or None)
    """
    mappings = list(mappings)
    for index, mapping in enumerate(mappings):
        if mapping.get('volume_id'):
            continue
        try:
            mappings[index] = _create_volume(context, instance, mapping)
        except (errors.VolumeError, exception.NovaLiteException) as exc:
            return mappings, 'Volume of %s %s not created: %s' % (
                mapping['source_type'], mapping['uuid'] or '(blank)',
                exc.format_message())
        _save(context, instance.uuid, mappings)
    return mappings, None


def _reserve_available(context, instance_uuid, mappings):
    """Reserve each mapping's volume that is available now.

    :returns: (all reserved: bool, error text or None, {volume id:
        attachment dict})
    """
    attached = {att['volume_uuid']: att for att in
                server_volumes.list_for_instance(context, instance_uuid)}
    ready = True
    for mapping in mappings:
        volume_id = mapping['volume_id']
        if volume_id in attached:
            continue
        try:
            volume = volume_api.get(context.elevated(), volume_id)
        except errors.VolumeNotFound:
            return False, 'Volume %s is gone' % volume_id, attached
        if volume['status'] == volume_states.CREATING:
            ready = False
            continue
        if volume['status'] != volume_states.AVAILABLE:
            return False, ('Volume %s did not finish being created: its '
                           'status is %s' % (volume_id, volume['status'])
                           ), attached
        attached[volume_id] = server_volumes.reserve(
            context, instance_uuid, volume_id,
            device=mapping.get('device_name'), tag=mapping.get('tag'),
            delete_on_termination=mapping['delete_on_termination'],
            boot_index=mapping.get('boot_index'))
    return ready, None, attached


def _answer(status, mappings=(), attached=None, reason=None):
    found = []
    for mapping in block_device.ordered(mappings):
        att = (attached or {}).get(mapping.get('volume_id')) or {}
        found.append({'volume_id': mapping.get('volume_id'),
                      'attachment_id': att.get('uuid'),
                      'boot_index': mapping.get('boot_index'),
                      'device_name': mapping.get('device_name'),
                      'tag': mapping.get('tag'),
                      'delete_on_termination': bool(
                          mapping.get('delete_on_termination')),
                      'source_type': mapping['source_type'],
                      'image_id': mapping.get('image_id'),
                      'volume_size': mapping.get('volume_size')})
    return {'status': status, 'reason': reason, 'mappings': found}


def prepare(context, instance_uuid, host):
    """One step of getting the build's volumes (see the module doc).

    :returns: ``{"status": "ready" | "waiting" | "failed" | "gone",
        "reason": text or None, "mappings": [{volume_id, attachment_id,
        boot_index, device_name, tag, delete_on_termination,
        source_type, image_id, volume_size}] in boot order}``; "gone"
        when the build is no longer ``host``'s (deleted, swept)
    """
    if not _to_waiting(context, instance_uuid, host):
        return _answer(GONE)
    instance = _instance(context, instance_uuid)
    if instance is None:
        return _answer(GONE)
    mappings, error = _create_missing(
        context, instance, instance.block_device_mapping or [])
    if error:
        return _answer(FAILED, mappings, reason=error)
    try:
        ready, error, attached = _reserve_available(context, instance_uuid,
                                                    mappings)
    except errors.VolumeError as exc:
        ready, error, attached = False, exc.format_message(), {}
    if error:
        return _answer(FAILED, mappings, attached, reason=error)
    if not ready:
        return _answer(WAITING, mappings, attached)
    try:
        instance_db.instance_update(
            context.elevated(), instance_uuid,
            {'task_state': states.SPAWNING},
            expected_task_state=states.BLOCK_DEVICE_MAPPING,
            expected_host=host)
    except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
        return _answer(GONE)
    return _answer(READY, mappings, attached)


def _delete_volume(context, volume_id, instance_uuid):
    """Delete a volume the failed build made, whatever its status (one
    still ``creating`` after the build gave up too: its service deletes
    its file)."""
    try:
        volume_api.force_delete(context, volume_id)
    except errors.VolumeNotFound:
        pass
    except errors.VolumeError as exc:
        LOG.warning('Volume %s of the failed build of %s not deleted: %s',
                    volume_id, instance_uuid, exc)


def release_failed_build(context, instance_uuid):
    """Drop every attachment of the instance and delete the volumes its
    build created (see the module doc). Idempotent; errors are logged.

    :returns: the ids of the volumes deleted
    """
    admin = context.elevated()
    instance = _instance(context, instance_uuid)
    mappings = (instance.block_device_mapping or []) if instance else []
    for att in server_volumes.list_for_instance(admin, instance_uuid):
        server_volumes.release(admin, att['uuid'])
    deleted = []
    for mapping in mappings:
        if mapping.get('created') and mapping.get('volume_id'):
            _delete_volume(admin, mapping['volume_id'], instance_uuid)
            deleted.append(mapping['volume_id'])
    if deleted and instance is not None:
        _save(context, instance_uuid, [
            dict(m, volume_id=None, created=False)
            if m.get('volume_id') in deleted else m for m in mappings])
    return deleted
