"""createImage of a server booted from a volume, and boots from the
image it makes (compute API reference, "Create Image (createImage
Action)"; Nova's ``snapshot_volume_backed`` and image-defined block
device mappings; doc/volumes.md, "Boot from volume").

A volume-backed server has no local root disk to upload. Instead each
of its volumes is snapshotted by the volume service (a forced snapshot
of the in-use volume, ``nova_lite.volume.snapshots``), and the image is
a record without data, ``active`` at once, whose properties say how to
rebuild the disks (as Nova's):

* ``block_device_mapping``: JSON list of mappings ``{"source_type":
  "snapshot", "destination_type": "volume", "snapshot_id",
  "volume_size", "boot_index", "device_name", "delete_on_termination",
  "tag"}``, one per volume, boot order kept;
* ``bdm_v2``: ``"True"``; ``root_device_name``: ``/dev/vda``;

plus the base image's properties (a kernel-booted guest keeps its
``kernel_id``/``ramdisk_id``) and the snapshot's own (``image_type``,
``instance_uuid``, ...), as an image-backed snapshot has them.

A server created from such an image boots from new volumes made of
those snapshots (``image_mappings``): the image's mappings stand for
the request's. createBackup of a volume-backed server is a 400, as in
Nova.
"""
import json

from oslo_log import log as logging

from nova_lite.compute import api_snapshot
from nova_lite.compute import block_device
from nova_lite.db import actions as action_db
from nova_lite import exception
from nova_lite.volume import server_volumes
from nova_lite.volume import snapshots as snapshot_api

LOG = logging.getLogger(__name__)

BDM_PROPERTY = 'block_device_mapping'


def image_mappings(image):
    """The volume mappings (``compute.block_device``) an image defines
    (its ``block_device_mapping`` property with ``bdm_v2``), or [].

    :raises: InvalidBDM (400) for a property that is not a list of
        mappings
    """
    props = (image or {}).get('properties') or {}
    text = props.get(BDM_PROPERTY)
    if not text or str(props.get('bdm_v2')).lower() != 'true':
        return []
    try:
        items = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        raise block_device.InvalidBDM(reason='the image\'s '
                                      'block_device_mapping is not JSON'
                                      ) from None
    mappings = []
    for item in items if isinstance(items, list) else ():
        if item.get('source_type') != 'snapshot' or \
                not item.get('snapshot_id'):
            continue
        mappings.append(block_device.parse_v2_item(dict(
            item, uuid=item['snapshot_id'])))
    return mappings


def _mapping_of(att, snapshot, size):
    return {'source_type': 'snapshot', 'destination_type': 'volume',
            'snapshot_id': snapshot['uuid'], 'volume_size': size,
            'boot_index': att.get('boot_index'),
            'device_name': att.get('mountpoint'),
            'delete_on_termination': bool(att.get('delete_on_termination')),
            'tag': att.get('tag')}


def snapshot_volume_backed(api, context, instance, name, metadata):
    """Snapshot every volume of ``instance`` and record the image (see
    the module doc); the instance action ``createImage`` is recorded.

    :param api: the ``compute.api.API`` (its ``images``)
    :returns: the image dict (``active``)
    :raises: the volume API's errors (InvalidVolume 400, OverQuota 413)
    """
    mappings = []
    for att in sorted(server_volumes.list_for_instance(context,
                                                       instance.uuid),
                      key=lambda a: (a.get('boot_index') is None or
                                     a.get('boot_index') < 0,
                                     a.get('boot_index') or 0)):
        snap = snapshot_api.create(context, att['volume_uuid'],
                                   name='snapshot for %s' % name,
                                   force=True)
        mappings.append(_mapping_of(att, snap, snap['volume_size']))
    try:
        base = api.images.get_record(context, instance.image_ref) \
            if instance.image_ref else {'properties': {}, 'min_ram': 0}
    except exception.ImageNotFound:
        base = {'properties': {}, 'min_ram': 0}
    props = api_snapshot.snapshot_properties(
        base.get('properties'), instance, context, 'snapshot',
        metadata=metadata)
    props.update({BDM_PROPERTY: json.dumps(mappings), 'bdm_v2': 'True',
                  'root_device_name': block_device.ROOT_DEVICE})
    image = api.images.create_record(context, {
        'name': name, 'status': 'active', 'size': 0,
        'disk_format': base.get('disk_format') or 'qcow2',
        'container_format': base.get('container_format') or 'bare',
        'visibility': 'private', 'owner': context.project_id,
        'min_disk': 0, 'min_ram': base.get('min_ram') or 0,
        'properties': props})
    action_db.action_start(context, instance.uuid, 'createImage')
    LOG.info('createImage of volume-backed %s: image %s of %d volume '
             'snapshot(s)', instance.uuid, image['uuid'], len(mappings))
    return image
