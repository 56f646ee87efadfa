"""The compute's part of a build with volumes (boot from volume, and
volumes a create request maps; doc/volumes.md, "Boot from volume").

Before the guest is spawned the compute asks the conductor (RPC 1.15
``boot_volumes_prepare``) every ``[compute]
block_device_allocate_retries_interval`` seconds, at most
``block_device_allocate_retries`` times, until every volume of the
build exists and is reserved for the instance; then it opens each
volume's export for its own connector (``volume_connect``, 1.13) and
hands the connection infos to the driver as ``block_device_info``::

    {"root_device_name": "/dev/vda" or None (the image boots),
     "block_device_mapping": [
         {"connection_info": {...}, "mount_device": "/dev/vda",
          "boot_index": 0, "volume_id", "attachment_id",
          "delete_on_termination", "tag"}, ...],
     "image_id": the image the root volume was made of (or None)}

Devices: the root volume is ``/dev/vda``; the others keep the device
asked for, or get the next free ``/dev/vdb`` .. ``/dev/vdz`` in boot
order. Once the guest runs, ``attached`` reports them (1.15
``boot_volumes_attached``: volumes ``in-use``).

Any failure is a ``BuildAbortException`` (the build is not rescheduled:
its volumes are released and the ones it created deleted by the
conductor when it sets the instance to ERROR).
"""
import string
import time

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import block_device
from nova_lite import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: prepare's answer when the instance is no longer this build's.
GONE = 'gone'


class VolumeNotCreated(exception.BuildAbortException):
    msg_fmt = ('Build of instance %(instance_uuid)s aborted: Volume '
               '%(volume_id)s did not finish being created even after we '
               'waited %(seconds)d seconds or %(attempts)d attempts.')


class BuildGone(exception.NovaLiteException):
    """The instance was deleted or taken over while its volumes were
    prepared: the build stops quietly."""
    msg_fmt = 'Instance %(instance_uuid)s is no longer this build\'s'


def _sleep(seconds):
    time.sleep(seconds)


def has_volumes(instance):
    """True when the instance's create request mapped volumes."""
    return bool(instance.obj_attr_is_set('block_device_mapping')
                and instance.block_device_mapping)


def _wait_ready(conductor, context, instance, host):
    """Ask ``boot_volumes_prepare`` until ready; its mappings.

    :raises: BuildGone; BuildAbortException (a volume failed), or
        VolumeNotCreated (still not there after the retries)
    """
    attempts = CONF.compute.block_device_allocate_retries + 1
    interval = CONF.compute.block_device_allocate_retries_interval
    started = time.monotonic()
    answer = None
    for attempt in range(attempts):
        if attempt:
            _sleep(interval)
        answer = conductor.boot_volumes_prepare(context, instance.uuid,
                                                host)
        if answer['status'] == 'ready':
            return answer['mappings']
        if answer['status'] == GONE:
            raise BuildGone(instance_uuid=instance.uuid)
        if answer['status'] == 'failed':
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid, reason=answer['reason'])
    waiting = [m['volume_id'] for m in answer['mappings']
               if not m['attachment_id']]
    raise VolumeNotCreated(instance_uuid=instance.uuid,
                           volume_id=waiting[0] if waiting else '?',
                           seconds=int(time.monotonic() - started),
                           attempts=attempts)


def assign_devices(mappings, ephemeral=False):
    """``/dev/vda`` for the root volume, the asked device or the next free
    ``/dev/vdX`` (from ``vdb``; from ``vdc`` when the flavor's
    ``ephemeral`` disk is ``vdb``) for each other one; the mappings with
    ``mount_device``."""
    taken = {m['device_name'] for m in mappings if m.get('device_name')}
    taken.add(block_device.ROOT_DEVICE)
    if ephemeral:
        taken.add('/dev/vdb')
    free = iter('/dev/vd' + c for c in string.ascii_lowercase[1:]
                if '/dev/vd' + c not in taken)
    result = []
    for mapping in mappings:
        if mapping.get('boot_index') == 0:
            device = block_device.ROOT_DEVICE
        else:
            device = mapping.get('device_name') or next(free, None)
        if device is None:
            raise exception.BuildAbortException(
                instance_uuid='', reason='no free disk device left')
        result.append(dict(mapping, mount_device=device))
    return result


def prepare(conductor, context, instance, host):
    """The ``block_device_info`` of the build (see the module doc), each
    volume's export opened for this host.

    :raises: BuildGone; BuildAbortException
    """
    mappings = assign_devices(
        _wait_ready(conductor, context, instance, host),
        ephemeral=bool(instance.obj_attr_is_set('ephemeral_gb')
                       and instance.ephemeral_gb))
    connector = {'ip': CONF.volume.connector_ip, 'host': host}
    devices = []
    for mapping in mappings:
        try:
            info = conductor.volume_connect(context,
                                            mapping['attachment_id'],
                                            connector)
        except Exception as exc:
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid, reason='export of volume %s '
                'not opened: %s' % (mapping['volume_id'], exc)) from exc
        info.setdefault('data', {}).setdefault('volume_id',
                                               mapping['volume_id'])
        devices.append({
            'connection_info': info, 'mount_device': mapping['mount_device'],
            'boot_index': mapping.get('boot_index'),
            'volume_id': mapping['volume_id'],
            'attachment_id': mapping['attachment_id'],
            'delete_on_termination': mapping['delete_on_termination'],
            'tag': mapping.get('tag')})
    root = next((m for m in mappings if m.get('boot_index') == 0), None)
    LOG.info('Volumes of %s ready: %s', instance.uuid,
             ', '.join('%s as %s' % (d['volume_id'], d['mount_device'])
                       for d in devices))
    return {'root_device_name': block_device.ROOT_DEVICE if root else None,
            'block_device_mapping': devices,
            'image_id': root.get('image_id') if root else None}


def attached(conductor, context, instance, host, block_device_info):
    """Report the build's volumes plugged in (``in-use``)."""
    if not block_device_info:
        return
    conductor.boot_volumes_attached(
        context, instance.uuid, host,
        [{'attachment_id': d['attachment_id'],
          'mountpoint': d['mount_device']}
         for d in block_device_info['block_device_mapping']])


def is_volume_backed(block_device_info):
    return bool(block_device_info
                and block_device_info.get('root_device_name'))
