"""The instance directory of a guest and the disk and boot files in it.

``<[libvirt] instances_path>/<uuid>/`` holds:

* ``disk``: qcow2 root disk, an overlay on the cached base image
  (``imagebackend``)
* ``kernel``, ``ramdisk``: copies of the boot files of kernel-booted images
* ``console.log``: what the guest writes on its first serial port
  (``console``)

An unshelved guest's root disk is made from the shelved snapshot image,
then rebased onto the instance's own image (``rebase_unshelved``).
"""
import logging
import os
import shutil

from oslo_concurrency import processutils

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import console
from nova_lite.virt.libvirt import imagebackend

LOG = logging.getLogger(__name__)

ROOT_DISK_NAME = 'disk'
# Image disk formats that hold a kernel or ramdisk, never a root disk.
BOOT_FILE_FORMATS = ('aki', 'ari')


def instance_dir(instances_path, instance):
    """Path of the directory of ``instance`` under ``instances_path``."""
    return os.path.join(instances_path, instance.uuid)


def remove_instance_dir(inst_dir):
    """Remove ``inst_dir`` and everything in it; a missing one is fine."""
    if os.path.exists(inst_dir):
        shutil.rmtree(inst_dir)


def create_guest_files(context, instance, image_meta, inst_dir,
                       image_cache, root_volume=False):
    """Make the instance directory, console log, boot files and root
    disk (none with ``root_volume``: the guest boots from a volume).

    :param inst_dir: the instance directory; must not exist yet
    :param image_cache: ``imagebackend.ImageCache`` of the host
    :returns: ``config.GuestPaths``
    :raises: FileExistsError (``inst_dir`` exists), ImageNotFound,
        ImageUnacceptable, ProcessExecutionError (qemu-img), OSError
    """
    os.makedirs(inst_dir)
    console_log = console.create_console_log(inst_dir)
    kernel, ramdisk = fetch_boot_files(context, image_meta, inst_dir,
                                       image_cache)
    root_disk = None if root_volume else create_root_disk(
        context, instance, image_meta, inst_dir, image_cache,
        kernel is not None)
    if root_disk:
        rebase_unshelved(context, instance, image_meta, root_disk,
                         image_cache)
    return vconfig.GuestPaths(root_disk=root_disk, kernel=kernel,
                              ramdisk=ramdisk, console_log=console_log)


def fetch_boot_files(context, image_meta, inst_dir, image_cache,
                     suffix=''):
    """Copy the image's kernel and ramdisk (if any) into ``inst_dir``, as
    ``kernel<suffix>`` and ``ramdisk<suffix>`` (a rescue's are
    ``.rescue``: ``libvirt.rescue``).

    Copies, not the cached files themselves: libvirt relabels the files a
    guest uses, which must not touch a file other guests share.

    :returns: (kernel path or None, ramdisk path or None)
    :raises: ImageNotFound
    """
    props = image_meta.get('properties', None) or {}
    result = []
    for prop, name in (('kernel_id', 'kernel'), ('ramdisk_id', 'ramdisk')):
        image_id = props.get(prop)
        if not image_id:
            result.append(None)
            continue
        cached = image_cache.fetch(context, image_id)
        dest = os.path.join(inst_dir, name + suffix)
        shutil.copyfile(cached, dest)
        result.append(dest)
    kernel, ramdisk = result
    if ramdisk and not kernel:
        LOG.warning('Image %s has a ramdisk_id but no kernel_id; '
                    'ignoring the ramdisk', image_meta.id)
        ramdisk = None
    return kernel, ramdisk


def root_base(context, image_meta, image_cache, kernel_boot):
    """Path of the cached base image of the root disk, or None.

    With a kernel the root image is optional: None when the image is
    itself a kernel/ramdisk, or has no file in the image store.

    :raises: ImageNotFound (disk boot only)
    """
    if not kernel_boot:
        return image_cache.fetch(context, image_meta.id)
    props = image_meta.get('properties', None) or {}
    if (image_meta.get('disk_format', None) in BOOT_FILE_FORMATS
            or image_meta.id in (props.get('kernel_id'),
                                 props.get('ramdisk_id'))):
        return None
    try:
        return image_cache.fetch(context, image_meta.id)
    except exception.ImageNotFound:
        LOG.info('Image %s has no file: booting its kernel without '
                 'a root image', image_meta.id)
        return None


def create_root_disk(context, instance, image_meta, inst_dir, image_cache,
                     kernel_boot, name=ROOT_DISK_NAME):
    """Create ``<inst_dir>/<name>`` (default ``disk``; a rescue's is
    ``disk.rescue``) for ``instance.root_gb`` GiB.

    An overlay on the base image; for a kernel boot without a root image
    an empty qcow2, or no disk at all when root_gb is 0.

    :returns: the disk path, or None
    :raises: ImageNotFound, ImageUnacceptable, ProcessExecutionError
    """
    path = os.path.join(inst_dir, name)
    base = root_base(context, image_meta, image_cache, kernel_boot)
    if base is None:
        if not instance.root_gb:
            return None
        imagebackend.create_blank(path, instance.root_gb)
        return path
    fmt = imagebackend.check_base(image_meta.id, base,
                                  image_meta.get('disk_format', None),
                                  instance.root_gb)
    imagebackend.create_overlay(base, fmt, path, instance.root_gb)
    return path


def rebase_unshelved(context, instance, image_meta, disk, image_cache):
    """Rebase the root disk of an unshelved instance onto its own image.

    An offloaded instance (``vm_state`` SHELVED_OFFLOADED) is spawned
    from its shelved snapshot image (``image_meta``), which the compute
    deletes once the server is ACTIVE; but a later move to another host
    (cold migration, resize, live block migration) rebuilds the disk's
    backing from ``instance.image_ref`` on the destination, and an
    overlay whose writes are relative to the snapshot would then show
    the original image's data: a corrupt disk (Nova bug 1732428, whose
    fix rebases at unshelve too). So the disk made on the snapshot is
    rebased, in qemu-img's safe mode (no ``-u``: every cluster where the
    two bases differ is copied into the overlay; the guest sees the same
    disk), onto the cached base of ``instance.image_ref``. When that
    image is gone, has no root file or is not acceptable, the disk is
    flattened instead (no backing file: it moves as one file). Nothing
    is done for any other spawn, or when the snapshot is the instance's
    own image.

    :param disk: the qcow2 root disk just made on ``image_meta``'s base
    :returns: the new backing file's path, '' when flattened, None when
        nothing was done
    :raises: ProcessExecutionError (qemu-img)
    """
    if not instance.obj_attr_is_set('vm_state') or \
            instance.vm_state != states.SHELVED_OFFLOADED:
        return None
    own = instance.image_ref
    if not own or own == image_meta.id:
        return None
    try:
        own_meta = image_cache.image_api.get(context, own)
        props = own_meta.get('properties', None) or {}
        base = root_base(context, own_meta, image_cache,
                         bool(props.get('kernel_id')))
        fmt = base and imagebackend.check_base(
            own, base, own_meta.get('disk_format', None), instance.root_gb)
    except (exception.ImageNotFound, imagebackend.ImageUnacceptable) as exc:
        LOG.warning('Unshelved %s: its image %s cannot back its disk (%s); '
                    'flattening the disk', instance.uuid, own, exc)
        base = None
    if not base:
        processutils.execute('qemu-img', 'rebase', '-f', 'qcow2', '-b', '',
                             disk)
        return ''
    processutils.execute('qemu-img', 'rebase', '-f', 'qcow2', '-b', base,
                         '-F', fmt, disk)
    LOG.info('Unshelved %s: disk rebased from image %s onto its own image '
             '%s', instance.uuid, image_meta.id, own)
    return base

