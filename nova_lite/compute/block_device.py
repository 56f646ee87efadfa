"""Block device mappings of a server create request (compute API
reference, "Create Server": ``block_device_mapping_v2``, the legacy
``block_device_mapping`` and ``os-volumes_boot``; doc/volumes.md, "Boot
from volume").

``parse`` turns the request's mappings into the image to boot (or None)
and a list of *volume mappings*, the dicts the instance keeps in its
``block_device_mapping`` column and the conductor works from::

    {"source_type": "volume" | "image" | "snapshot" | "blank",
     "uuid": source id or None (blank),
     "volume_id": the volume (the source for "volume"; set by the
                  conductor when it creates one), "volume_size": GiB or
     None, "boot_index": int or None, "device_name": "/dev/vdX" or None,
     "tag": str or None, "delete_on_termination": bool,
     "volume_type": name/id or None}

Only two mappings are kept as they are: the image to a local disk with
boot index 0 (the image itself) and mappings to a volume. Local blank
disks (ephemeral or swap) are refused (400), as before.

Rules (Nova's, ``nova.block_device`` and ``compute.api._validate_bdm``):
the boot indexes given (>= 0) must be 0, 1, ... without a gap (400
"Boot sequence ... not valid"); a volume, image or snapshot source needs
its ``uuid``, a blank one a ``volume_size``; the v2 and legacy syntaxes
cannot be mixed. ``delete_on_termination`` defaults to true for the
volumes nova_lite creates (image, snapshot or blank source; Nova's
default is false, nova_lite does not leak the volumes it made) and to
false for an existing volume.
"""
from nova_lite import exception

#: The root device of a guest (virtio), as Nova's libvirt driver names it.
ROOT_DEVICE = '/dev/vda'
CREATED_SOURCES = ('image', 'snapshot', 'blank')


class InvalidBDM(exception.Invalid):
    msg_fmt = 'Block Device Mapping is Invalid: %(reason)s'


class InvalidBDMBootSequence(InvalidBDM):
    msg_fmt = ('Block Device Mapping is Invalid: Boot sequence for the '
               'instance and image/block device mapping combination is '
               'not valid.')


def _int_or_none(value, name):
    if value is None or value == '':
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidBDM(reason='%s %r is not an integer' % (
            name, value)) from None


def device_path(name):
    """``/dev/vdb`` from ``vdb`` or ``/dev/vdb``; None stays None."""
    if not name:
        return None
    return name if name.startswith('/dev/') else '/dev/' + name


def parse_v2_item(bdm):
    """One ``block_device_mapping_v2`` item as a volume mapping, or
    ``('image', uuid)`` for the image to a local disk.

    :raises: InvalidBDM (400)
    """
    source = bdm.get('source_type') or 'volume'
    dest = bdm.get('destination_type') or (
        'local' if source in ('image', 'blank') else 'volume')
    boot_index = _int_or_none(bdm.get('boot_index'), 'boot_index')
    if dest == 'local':
        if source == 'image' and boot_index == 0 and bdm.get('uuid'):
            return ('image', bdm['uuid'])
        raise InvalidBDM(reason='only the image may be a local disk '
                         '(boot_index 0): local %s disks are not '
                         'supported' % source)
    if source != 'blank' and not bdm.get('uuid'):
        raise InvalidBDM(reason='Missing device UUID.')
    size = _int_or_none(bdm.get('volume_size'), 'volume_size')
    if source == 'blank' and not size:
        raise InvalidBDM(reason='Blank volumes (source: \'blank\', dest: '
                         '\'volume\') need to have non-zero size')
    dot = bdm.get('delete_on_termination')
    return {'source_type': source,
            'uuid': bdm.get('uuid') if source != 'blank' else None,
            'volume_id': bdm['uuid'] if source == 'volume' else None,
            'volume_size': size, 'boot_index': boot_index,
            'device_name': device_path(bdm.get('device_name')),
            'tag': bdm.get('tag'),
            'delete_on_termination': bool(
                source in CREATED_SOURCES if dot is None else dot),
            'volume_type': bdm.get('volume_type')}


def _from_legacy(bdm, has_image):
    """A legacy ``block_device_mapping`` item as a v2 item: the one on the
    root device boots first unless an image is given (Nova's
    ``from_legacy_mapping``).

    :raises: InvalidBDM (400)
    """
    if bdm.get('no_device'):
        return None
    if bdm.get('snapshot_id'):
        source, uuid = 'snapshot', bdm['snapshot_id']
    elif bdm.get('volume_id'):
        source, uuid = 'volume', bdm['volume_id']
    else:
        raise InvalidBDM(reason='a legacy mapping needs volume_id or '
                         'snapshot_id (local disks are not supported)')
    device = device_path(bdm.get('device_name'))
    root = device in (ROOT_DEVICE, '/dev/sda', '/dev/xvda') and not has_image
    v2 = {'source_type': source, 'destination_type': 'volume',
          'uuid': uuid, 'volume_size': bdm.get('volume_size'),
          'device_name': device, 'boot_index': 0 if root else -1}
    if 'delete_on_termination' in bdm:
        v2['delete_on_termination'] = bdm['delete_on_termination']
    return v2


def _check_boot_sequence(image, mappings):
    """Boot indexes >= 0 must be 0..n-1, one of them from the image when
    it boots (Nova's ``_validate_bdm``)."""
    indexes = sorted(m['boot_index'] for m in mappings
                     if m['boot_index'] is not None and m['boot_index'] >= 0)
    if image is not None and not any(i == 0 for i in indexes):
        indexes = [0] + indexes
    if not indexes or indexes != list(range(len(indexes))):
        raise InvalidBDMBootSequence()


def parse(server):
    """(image id or None, [volume mapping]) of a create body's
    ``server`` (see the module docstring).

    ``imageRef`` (an id or URL; '' means none) is the image unless a
    volume mapping has boot index 0 (the server boots from that volume:
    the image, if any, only names the server's image).

    :raises: InvalidBDM, InvalidBDMBootSequence, ValidationError (400)
    """
    image_ref = server.get('imageRef') or None
    if image_ref:
        image_ref = str(image_ref).rstrip('/').rsplit('/', 1)[-1]
    v2 = server.get('block_device_mapping_v2')
    legacy = server.get('block_device_mapping')
    if v2 and legacy:
        raise exception.ValidationError(
            attribute='block_device_mapping', reason='Using different '
            'block_device_mapping syntaxes is not allowed in the same '
            'request.')
    if legacy:
        v2 = [m for m in (_from_legacy(b, image_ref) for b in legacy) if m]
    bdm_image, mappings = None, []
    for bdm in v2 or ():
        mapping = parse_v2_item(bdm)
        if isinstance(mapping, tuple):
            if bdm_image and bdm_image != mapping[1]:
                raise InvalidBDMBootSequence()
            bdm_image = mapping[1]
        else:
            mappings.append(mapping)
    if image_ref and bdm_image and image_ref != bdm_image:
        raise exception.ValidationError(
            attribute='block_device_mapping_v2', reason='uuid %s differs '
            'from imageRef' % bdm_image)
    boots_volume = any(m['boot_index'] == 0 for m in mappings)
    image = bdm_image or image_ref
    if boots_volume and bdm_image:
        raise InvalidBDMBootSequence()
    if not mappings and not image:
        raise exception.ValidationError(
            attribute='imageRef', reason='an image is required (imageRef, '
            'an image block device mapping or a volume to boot from)')
    if mappings:
        _check_boot_sequence(None if boots_volume else image, mappings)
    return image, mappings


def root_mapping(mappings):
    """The volume mapping the server boots from (boot index 0), or
    None (it boots from its image). The Instance object carries its
    mappings' values as strings: boot index '0' counts too."""
    for mapping in mappings or ():
        if mapping.get('boot_index') in (0, '0'):
            return mapping
    return None


def is_volume_backed(mappings):
    """True when the server boots from a volume."""
    return root_mapping(mappings) is not None


def ordered(mappings):
    """The mappings in boot order: boot index 0, 1, ..., then the
    others (-1 or none) in request order."""
    def key(item):
        index, mapping = item
        boot = mapping.get('boot_index')
        return (0, boot, index) if boot is not None and boot >= 0 \
            else (1, 0, index)
    return [m for _, m in sorted(enumerate(mappings or ()), key=key)]


def new_volume_gb(mappings):
    """GiB of the volumes a build creates for ``mappings`` (those
    without a ``volume_id``: from an image, a snapshot or blank), which
    go to the storage pool of the chosen host's cluster
    (``nova_lite.volume.pools``); 0 for none."""
    return sum(m.get('volume_size') or 0 for m in mappings or ()
               if not m.get('volume_id'))
