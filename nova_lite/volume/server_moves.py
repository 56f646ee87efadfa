"""A server's volume connections when the server changes host (resize,
cold migration, live migration, evacuate, shelve offload and unshelve,
rebuild; doc/volumes.md, "Moves"). The conductor runs these for the
computes (RPC 1.17, ``conductor.rpcapi_volume``).

An attachment keeps its row, device, tag and ``delete_on_termination``
through every move: what moves is who may reach its export. The
export's *owner* is the connector recorded on the attachment (its
``attached_host`` the owner's host); a *peer* is the other host of a
move in progress, allowed too until the move ends:

==========================  ====================================  =====
step (host)                 access                                owner
==========================  ====================================  =====
finish_resize (dest)        dest + source (peer)                  dest
confirm_resize (source)     dest                                  dest
finish_revert_resize (src)  source (the destination cut off)      src
pre_live_migration (dest)   dest + source (peer)                  dest
post live migration (src)   dest                                  dest
live migration rollback     source (the destination cut off)      src
evacuate, unshelve (dest)   dest, the export re-opened (fencing)  dest
rebuild (same host)         unchanged (a re-image, 2.93: the      same
                            root volume's exports closed, then
                            re-opened for the host)
shelve offload              none: exports closed, attachments     none
                            kept host-less
==========================  ====================================  =====

Nova gives the destination a new attachment and deletes the source's
(Cinder's attachment_create/attachment_delete); nova_lite's export is
per attachment and reachable by address, so one attachment with a
changed access list does the same while the guest keeps the very same
network disk (export address, port and name do not change: a
live-migrated or resized domain needs no new disk definition).
"""
from oslo_log import log as logging

from nova_lite.db import volume_attachments as attachment_db
from nova_lite.volume import api as volume_api
from nova_lite.volume import attach
from nova_lite.volume import errors

LOG = logging.getLogger(__name__)


def _live(admin, instance_uuid):
    """The instance's attachments a guest has (``attached``)."""
    return [att for att in attach.attachment_list(
        admin, instance_uuid=instance_uuid, all_projects=True)
        if att['attach_status'] == attach.ATTACHED]


def _mapping(att, info, volume):
    """One ``block_device_mapping`` entry of a ``block_device_info``
    (``compute.build_volumes``)."""
    info = dict(info or {})
    info['data'] = dict(info.get('data') or {},
                        volume_id=att['volume_uuid'])
    return {'connection_info': info, 'mount_device': att['mountpoint'],
            'boot_index': att.get('boot_index'),
            'volume_id': att['volume_uuid'], 'attachment_id': att['uuid'],
            'delete_on_termination': bool(att.get('delete_on_termination')),
            'tag': att.get('tag'),
            'image_id': volume.get('source_image_id')}


def _peers(att, owner, peer):
    seen = att.get('connector') or {}
    if peer and seen.get('ip') and seen.get('host') != owner.get('host'):
        return [seen]
    return []


def connections(context, instance_uuid, connector=None, peer=False,
                reopen=False):
    """Set who reaches the exports of the instance's volumes (module
    table) and record the owner on each attachment.

    :param connector: the new owner (``{"ip", "host"}``); None keeps the
        recorded one (the peer is dropped: a move's end)
    :param peer: also allow the recorded owner (the move's other host)
    :param reopen: close and open each export again for ``connector``
        only (evacuate, unshelve: whatever the old host still has open
        is cut)
    :returns: ``[mapping]`` as ``block_device_info``'s
        ``block_device_mapping`` (``connection_info``, ``mount_device``,
        ``boot_index``, ``volume_id``, ``attachment_id``,
        ``delete_on_termination``, ``tag``, ``image_id``), oldest first
    :raises: the volume service's errors (an attachment without a
        recorded connector is skipped when none is given)
    """
    admin = context.elevated()
    found = []
    for att in _live(admin, instance_uuid):
        rpc = volume_api.volume_rpcapi()
        owner = connector or att.get('connector')
        if not (owner or {}).get('ip'):
            LOG.warning('Attachment %s of %s has no connector: skipped',
                        att['uuid'], instance_uuid)
            continue
        volume = volume_api.get(admin, att['volume_uuid'])
        if reopen:
            info = rpc.initialize_connection(admin, volume['host'],
                                             volume['uuid'], att['uuid'],
                                             owner)
        else:
            info = rpc.export_access(admin, volume['host'], volume['uuid'],
                                     att['uuid'], owner,
                                     _peers(att, owner, peer))
        attachment_db.attachment_update(admin, att['uuid'], {
            'attached_host': owner.get('host'), 'connector': owner,
            'connection_info': info})
        found.append(_mapping(att, info, volume))
    return found


def disconnect(context, instance_uuid):
    """Shelve offload: close the export of each of the instance's
    volumes; the attachments stay (``attached``, volumes ``in-use``)
    without host, connector or connection info until an unshelve
    connects them again. Idempotent.

    :returns: the number of exports closed
    :raises: the volume service's errors
    """
    admin = context.elevated()
    closed = 0
    for att in _live(admin, instance_uuid):
        rpc = volume_api.volume_rpcapi()
        try:
            volume = volume_api.get(admin, att['volume_uuid'])
        except errors.VolumeNotFound:
            continue
        if att.get('export_port') or att.get('connection_info'):
            rpc.terminate_connection(admin, volume['host'], volume['uuid'],
                                     att['uuid'])
            closed += 1
        attachment_db.attachment_update(admin, att['uuid'], {
            'attached_host': None, 'connector': None,
            'connection_info': None, 'export_port': None})
    return closed


def reimage_root(context, instance_uuid, image_id):
    """A volume-backed server's rebuild with another image (compute API
    2.93): image ``image_id`` written over its root volume (boot index
    0) by the volume service, whose exports are closed meanwhile; the
    rebuilding compute re-opens them (``connections(reopen=True)``).

    :returns: the root volume's id
    :raises: InvalidVolume (the server has no root volume); the volume
        service's errors (DriverError: the volume keeps its old data)
    """
    admin = context.elevated()
    for att in _live(admin, instance_uuid):
        if att.get('boot_index') == 0:
            volume = volume_api.get(admin, att['volume_uuid'])
            volume_api.volume_rpcapi().reimage_volume(
                admin, volume['host'], volume['uuid'], image_id)
            return volume['uuid']
    raise errors.InvalidVolume(reason='server %s has no root volume'
                               % instance_uuid)
