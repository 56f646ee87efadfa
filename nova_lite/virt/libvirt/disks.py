"""The instance directory of a guest and the disk and boot files in it.

``<[libvirt] instances_path>/<uuid>/`` holds:

* ``disk``: qcow2 root disk, an overlay on the cached base image
  (``imagebackend``)
* ``kernel``, ``ramdisk``: copies of the boot files of kernel-booted images
* ``console.log``: what the guest writes on its first serial port
  (``console``)
"""
import logging
import os
import shutil

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
