"""The API's checks of a create request's volume mappings
(``compute.block_device``), and the reservation of the existing volumes
a server boots with (doc/volumes.md, "Boot from volume").

Nova's rules (``compute.api._validate_bdm`` and
``_check_attach_and_reserve_volume``), all 400:

* a source that cannot be found: "Block Device Mapping is Invalid:
  failed to get volume|snapshot|image <id>.";
* an existing volume must be ``available`` (``Invalid volume``), not
  multiattach (nova_lite attaches none, as before 2.60), not given to
  several servers of one request, and ``bootable`` to be booted from;
* with ``[volume] cross_az_attach`` false the volume's zone must be the
  server's (the server takes it when none was asked for);
* an image must be active; a volume made of it must hold it: its size
  defaults to the image's (``min_disk``, or its bytes rounded up to GiB,
  at least 1) and may not be smaller than ``min_disk``;
* a snapshot must be ``available``; its volume's size is the default
  and the least;
* a ``volume_type`` (2.67) must name a volume type.

An existing volume is reserved here for the new server (an attachment
``reserved`` with its mapping's fields), as Nova's API does; the volumes
the server needs made are created by the conductor when the compute
builds it (``nova_lite.volume.boot_volumes``).
"""
import math

from oslo_config import cfg

from nova_lite.compute import block_device
from nova_lite import exception
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors as volume_errors
from nova_lite.volume import server_volumes
from nova_lite.volume import snapshots as snapshot_api

CONF = cfg.CONF
GiB = 1024 ** 3


class MismatchVolumeAZ(exception.Invalid):
    msg_fmt = ('The availability zones of the server (%(instance_az)s) and '
               'the volume (%(volume_az)s) do not match; cross_az_attach '
               'is disabled.')


def _failed_to_get(kind, uuid):
    return block_device.InvalidBDM(reason='failed to get %s %s.' % (
        kind, uuid))


def _image_size_gb(image):
    """The GiB an image needs: ``min_disk``, or its bytes rounded up."""
    size = int(math.ceil((image.get('size') or 0) / GiB))
    return max(image.get('min_disk') or 0, size, 1)


def _check_image(context, images, mapping):
    try:
        image = images.get_visible_record(context, mapping['uuid'])
    except exception.ImageNotFound:
        raise _failed_to_get('image', mapping['uuid']) from None
    if image['status'] != 'active':
        raise exception.Invalid(reason='Image %s is not active.'
                                % mapping['uuid'])
    need = _image_size_gb(image)
    size = mapping['volume_size'] or need
    if size < (image.get('min_disk') or 0):
        raise exception.Invalid(reason='Volume is smaller than the minimum '
                                'size specified in image metadata. Volume '
                                'size is %d GiB, minimum size is %d GiB.'
                                % (size, image['min_disk']))
    if size * GiB < (image.get('size') or 0):
        raise exception.Invalid(reason='Size of image %s (%d bytes) is '
                                'larger than the volume (%d GiB).' % (
                                    image['uuid'], image['size'], size))
    return dict(mapping, volume_size=size, image_id=image['uuid'])


def _check_snapshot(context, mapping):
    try:
        snap = snapshot_api.get(context, mapping['uuid'])
    except volume_errors.SnapshotNotFound:
        raise _failed_to_get('snapshot', mapping['uuid']) from None
    if snap['status'] != 'available':
        raise exception.Invalid(reason='Invalid snapshot: snapshot %s is '
                                '%s, not available' % (mapping['uuid'],
                                                       snap['status']))
    size = mapping['volume_size'] or snap['volume_size']
    if size < snap['volume_size']:
        raise exception.Invalid(reason='Volume size %d GiB is smaller than '
                                'snapshot %s (%d GiB).' % (
                                    size, snap['uuid'], snap['volume_size']))
    image_id = None
    try:
        image_id = volume_api.get(context, snap['volume_uuid'])[
            'source_image_id']
    except volume_errors.VolumeNotFound:
        pass
    return dict(mapping, volume_size=size, image_id=image_id)


def _check_volume(context, mapping, count, availability_zone):
    try:
        volume = volume_api.get(context, mapping['uuid'])
    except volume_errors.VolumeNotFound:
        raise _failed_to_get('volume', mapping['uuid']) from None
    if count > 1:
        raise exception.Invalid(reason='Cannot attach one or more volumes '
                                'to multiple instances')
    if volume['status'] != 'available':
        raise exception.Invalid(reason='Invalid volume: volume %s status '
                                'must be available, not %s' % (
                                    volume['uuid'], volume['status']))
    if volume['multiattach']:
        raise exception.Invalid(reason='Invalid volume: multiattach volumes '
                                'cannot be attached to servers')
    if mapping.get('boot_index') == 0 and not volume['bootable']:
        raise block_device.InvalidBDM(reason='Block Device %s is not '
                                      'bootable.' % volume['uuid'])
    if (not CONF.volume.cross_az_attach and availability_zone
            and availability_zone != volume['availability_zone']):
        raise MismatchVolumeAZ(instance_az=availability_zone,
                               volume_az=volume['availability_zone'])
    return dict(mapping, volume_size=volume['size'],
                image_id=volume['source_image_id'],
                volume_az=volume['availability_zone'])


def _check_type(context, mapping):
    if mapping.get('volume_type'):
        try:
            volume_api.type_get(context, mapping['volume_type'])
        except volume_errors.VolumeTypeNotFound:
            raise exception.Invalid(reason='Volume type %s could not be '
                                    'found.' % mapping['volume_type']
                                    ) from None


def check_for_create(context, images, mappings, count, availability_zone):
    """The volume mappings of a create, checked and completed
    (``volume_size`` and the ``image_id`` the guest boots with).

    :param images: ``nova_lite.image.api.API``
    :returns: (mappings, availability zone: the request's, or the
        volume's when ``cross_az_attach`` is false and none was asked)
    :raises: InvalidBDM, Invalid (400)
    """
    checked = []
    devices = set()
    for mapping in mappings:
        _check_type(context, mapping)
        source = mapping['source_type']
        if source == 'volume':
            mapping = _check_volume(context, mapping, count,
                                    availability_zone)
            if not CONF.volume.cross_az_attach and not availability_zone:
                availability_zone = mapping['volume_az']
            mapping.pop('volume_az')
        elif source == 'image':
            mapping = _check_image(context, images, mapping)
        elif source == 'snapshot':
            mapping = _check_snapshot(context, mapping)
        else:
            mapping = dict(mapping, image_id=None)
        device = mapping.get('device_name')
        if device and device in devices:
            raise block_device.InvalidBDM(reason='device %s is used twice'
                                          % device)
        devices.add(device)
        checked.append(mapping)
    ids = [m['volume_id'] for m in checked if m['volume_id']]
    if len(ids) != len(set(ids)):
        raise block_device.InvalidBDM(reason='a volume is mapped twice')
    return checked, availability_zone


def reserve_existing(context, instance_uuid, mappings):
    """Reserve each existing volume (source ``volume``) for the new
    instance: an attachment ``reserved`` with its mapping's device, tag,
    delete_on_termination and boot index.

    :raises: Invalid (400) when one is no longer available (the
        reservations made are dropped again)
    """
    made = []
    try:
        for mapping in block_device.ordered(mappings):
            if mapping['source_type'] != 'volume':
                continue
            made.append(server_volumes.reserve(
                context, instance_uuid, mapping['volume_id'],
                device=mapping.get('device_name'), tag=mapping.get('tag'),
                delete_on_termination=mapping['delete_on_termination'],
                boot_index=mapping.get('boot_index')))
    except (volume_errors.InvalidVolume, volume_errors.VolumeNotFound) as exc:
        for att in made:
            server_volumes.release(context, att['uuid'])
        raise exception.Invalid(reason=exc.format_message()) from exc
