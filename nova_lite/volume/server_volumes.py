"""A server's volumes as the compute API sees them (compute API
reference, "Servers with volume attachments (servers,
os-volume_attachments)"; doc/volumes.md, "Compute side").

A volume attached to a server is one attachment row
(``volume_attachments``, ``nova_lite.volume.attach``) carrying what Nova
keeps in its block device mapping: ``mountpoint`` (the device,
``/dev/vdb``), ``tag`` (2.49), ``delete_on_termination`` (2.79) and
``bdm_uuid`` (2.89). The API reserves it (volume ``reserved``), the
compute opens the export through the conductor (``connect``: volume
``attaching``), plugs it and reports it (``attached``: ``in-use``); a
detach is ``begin_detaching`` (``detaching``), the unplug, then
``detached`` (the export closed, the attachment deleted: ``available``).
"""
import string
import uuid as uuidlib

from oslo_log import log as logging
from oslo_utils import excutils

from nova_lite.db import instances as instance_db
from nova_lite.db import storage_pools as pool_db
from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volumes as volume_db
from nova_lite.volume import api as volume_api
from nova_lite.volume import attach
from nova_lite.volume import errors
from nova_lite.volume import pools
from nova_lite.volume import states

LOG = logging.getLogger(__name__)


def list_for_instance(context, instance_uuid):
    """The instance's attachments (dicts, oldest first), whatever the
    caller's project (the caller may see the server already)."""
    return attach.attachment_list(context.elevated(),
                                  instance_uuid=instance_uuid,
                                  all_projects=True)


def volumes_attached(context, instance_uuids):
    """``{instance_uuid: [attachment dict]}`` for server views."""
    found = {uuid: [] for uuid in instance_uuids}
    if not found:
        return found
    for att in attachment_db.attachment_get_all(
            context.elevated(), all_projects=True,
            instance_uuids=sorted(found)):
        found[att['instance_uuid']].append(att)
    return found


def find(context, instance_uuid, volume_id):
    """The instance's attachment of ``volume_id``, or None."""
    for att in list_for_instance(context, instance_uuid):
        if att['volume_uuid'] == volume_id:
            return att
    return None


def reserve(context, instance_uuid, volume_id, device=None, tag=None,
            delete_on_termination=False, boot_index=None):
    """Reserve the caller's volume ``volume_id`` for the instance (an
    attachment ``reserved``).

    ``boot_index`` is the mapping's (0: the server boots from it; None
    for a hot-plugged volume).

    :returns: the attachment dict
    :raises: VolumeNotFound (404); InvalidVolume (400: not available,
        already attached to the instance, multiattach: nova_lite
        refuses multiattach volumes on servers, as Nova below 2.60; or
        on the storage pool of another cluster than the instance's)
    """
    volume = volume_api.get(context, volume_id)
    if volume['multiattach']:
        raise errors.InvalidVolume(reason='multiattach volumes cannot be '
                                   'attached to servers')
    check_pool_reach(context, volume, instance_uuid)
    att = attach.attachment_create(context, volume_id, instance_uuid)
    return attachment_db.attachment_update(
        context.elevated(), att['uuid'], {
            'mountpoint': device, 'tag': tag,
            'delete_on_termination': bool(delete_on_termination),
            'bdm_uuid': str(uuidlib.uuid4()), 'boot_index': boot_index})


def attach_offloaded(context, instance, volume_id, device=None, tag=None,
                     delete_on_termination=False):
    """Attach the caller's volume to a SHELVED_OFFLOADED server (2.20):
    no host runs the guest, so the attachment is recorded as the shelve
    offload leaves the others (``attached``, volume ``in-use``, no host,
    connector or export); the unshelve's host opens its export and the
    new guest starts with the disk (doc/volumes.md, "Shelved servers").

    The device is the asked one or the next free ``/dev/vdX`` after the
    root disk, the flavor's ephemeral disk (``vdb``) and the server's
    other volumes, so the server's views show it at once.

    :returns: the attachment dict
    :raises: VolumeNotFound (404); InvalidVolume (400, as ``reserve``;
        or a device another volume of the server has)
    """
    taken = {att.get('mountpoint') for att in
             list_for_instance(context, instance.uuid)}
    if device and device in taken:
        raise errors.InvalidVolume(reason='device %s is taken on server %s'
                                   % (device, instance.uuid))
    if not device:
        device = _next_device(taken, bool(getattr(instance, 'ephemeral_gb',
                                                       0)))
    att = reserve(context, instance.uuid, volume_id, device=device, tag=tag,
                  delete_on_termination=delete_on_termination)
    admin = context.elevated()
    try:
        # reserved → attaching → in-use: a crash in between leaves the
        # attachment to the sweeper's rule for an attach never completed.
        volume_db.volume_update(admin, volume_id,
                                {'status': states.ATTACHING},
                                states.RESERVED)
        return attach.attachment_complete(admin, att['uuid'], device)
    except Exception:  # noqa: BLE001 - re-raised after the release
        with excutils.save_and_reraise_exception():
            release(context, att['uuid'])


def _next_device(taken, ephemeral):
    """The first ``/dev/vdX`` (from ``vdb``) not in ``taken``, the root
    disk ``vda`` and (``ephemeral``) ``vdb``.

    :raises: InvalidVolume when ``vdz`` is taken
    """
    taken = set(taken) | {'/dev/vda'} | ({'/dev/vdb'} if ephemeral
                                         else set())
    for letter in string.ascii_lowercase[1:]:
        if '/dev/vd' + letter not in taken:
            return '/dev/vd' + letter
    raise errors.InvalidVolume(reason='no free disk device left')


def detach_offloaded(context, attachment):
    """Detach a volume from a SHELVED_OFFLOADED server (2.20): no guest
    and no export, so the attachment is deleted at once and the volume
    is ``available`` (in-use → detaching → available).

    :raises: InvalidVolume (400: the volume is not in-use)
    """
    begin_detaching(context, attachment)
    release(context, attachment['uuid'])


def check_pool_reach(context, volume, instance_uuid):
    """A volume on a CLUSTER-scope storage pool serves the VMs of that
    cluster only (CloudStack: a cluster's primary storage is reachable
    from its hosts): refuse one whose pool is another cluster's than the
    host of the instance (an instance without host, or a volume on a
    ZONE-scope or default pool, passes).

    :raises: InvalidVolume (400)
    """
    if not volume.get('pool_uuid'):
        return
    pool = pool_db.pool_get(context.elevated(), volume['pool_uuid'])
    if not pool['cluster_uuid']:
        return
    host = instance_db.instance_get(context.elevated(), instance_uuid,
                                    project_only=False).host
    cluster = pools.cluster_of_host(context.elevated(), host)
    if host and cluster != pool['cluster_uuid']:
        raise errors.InvalidVolume(reason='volume %s is on storage pool %s '
                                   'of cluster %s; the server\'s host %s is '
                                   'in %s' % (volume['uuid'], pool['name'],
                                              pool['cluster_uuid'], host,
                                              'cluster %s' % cluster
                                              if cluster else 'no cluster'))


def set_delete_on_termination(context, attachment_id, value):
    """Whether the volume goes with its server (2.85's update)."""
    return attachment_db.attachment_update(
        context.elevated(), attachment_id,
        {'delete_on_termination': bool(value)})


def connect(context, attachment_id, connector):
    """Open the attachment's export for the compute's ``connector``
    (``{"ip", "host"}``).

    :returns: the connection info
    :raises: AttachmentNotFound; InvalidVolume; the volume service's
        errors
    """
    return attach.attachment_update(context.elevated(), attachment_id,
                                    connector)['connection_info']


def attached(context, attachment_id, mountpoint, host):
    """The compute plugged it in as ``mountpoint``: volume ``in-use``."""
    return attach.attachment_complete(context.elevated(), attachment_id,
                                      mountpoint, host)


def release(context, attachment_id):
    """Close the export (when open) and delete the attachment; the
    volume is available again. Idempotent."""
    try:
        attach.attachment_delete(context.elevated(), attachment_id)
    except errors.AttachmentNotFound:
        LOG.info('Attachment %s is gone already', attachment_id)


def begin_detaching(context, attachment):
    """in-use → detaching for the attachment's volume.

    :raises: InvalidVolume (the volume is not in-use)
    """
    attach.begin_detaching(context.elevated(), attachment['volume_uuid'])


def roll_detaching(context, attachment_id):
    """A failed unplug: detaching → in-use again."""
    att = attach.attachment_get(context.elevated(), attachment_id)
    attach.roll_detaching(context.elevated(), att['volume_uuid'])


def release_instance(context, instance_uuid, mappings=None):
    """The instance is deleted: close and delete each attachment, then
    delete the volumes marked ``delete_on_termination`` (compute API
    reference, "Delete Server"), and those its build created
    (``mappings``: the instance's ``block_device_mapping``) but never
    attached. Errors are logged, never raised (the volume sweeper and
    an admin's reset-state handle what is left)."""
    admin = context.elevated()
    attachments = list_for_instance(context, instance_uuid)
    attached = {att['volume_uuid'] for att in attachments}
    for mapping in mappings or ():
        if (mapping.get('created') and mapping.get('volume_id')
                and mapping.get('delete_on_termination')
                and mapping['volume_id'] not in attached):
            _delete(admin, mapping['volume_id'], instance_uuid)
    for att in attachments:
        release(admin, att['uuid'])
        if att.get('delete_on_termination'):
            _delete(admin, att['volume_uuid'], instance_uuid)


def _delete(admin, volume_id, instance_uuid):
    try:
        volume_api.delete(admin, volume_id)
    except errors.VolumeNotFound:
        pass
    except errors.VolumeError as exc:
        LOG.warning('Volume %s of deleted server %s not deleted: %s',
                    volume_id, instance_uuid, exc)


#: Attachment fields a compute needs to reconcile its guests
#: (``attachments_of_instances``): plain values, fit for the bus.
_RECONCILE_KEYS = ('uuid', 'volume_uuid', 'instance_uuid', 'attach_status',
                   'mountpoint', 'connection_info', 'attached_host')


def attachments_of_instances(context, instance_uuids):
    """``{instance_uuid: [attachment]}`` of the instances, each
    attachment a dict of ``_RECONCILE_KEYS`` plus ``volume_status`` (its
    volume's status, None when the volume is gone): what a restarted
    compute compares with its guests (doc/volumes.md, "Sweeper and
    restarts")."""
    admin = context.elevated()
    statuses = {}
    found = {}
    for uuid, atts in volumes_attached(admin, instance_uuids).items():
        found[uuid] = []
        for att in atts:
            volume_id = att['volume_uuid']
            if volume_id not in statuses:
                try:
                    statuses[volume_id] = volume_api.get(
                        admin, volume_id)['status']
                except errors.VolumeNotFound:
                    statuses[volume_id] = None
            view = {k: att.get(k) for k in _RECONCILE_KEYS}
            view['volume_status'] = statuses[volume_id]
            found[uuid].append(view)
    return found


def ensure_export(context, attachment_id):
    """The attachment's export, re-opened by its volume service when its
    qemu-nbd is gone (volume RPC 1.2).

    :returns: the connection info
    :raises: AttachmentNotFound; the volume service's errors
    """
    admin = context.elevated()
    att = attach.attachment_get(admin, attachment_id)
    volume = volume_api.get(admin, att['volume_uuid'])
    return volume_api.volume_rpcapi().ensure_export(
        admin, volume['host'], volume['uuid'], attachment_id)
