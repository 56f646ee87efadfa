"""Rescue of a libvirt guest (doc/lifecycle-rescue.md), as Nova's
libvirt driver does it: the same domain (name, UUID, NICs, console) is
redefined to boot a rescue disk made from the rescue image, with the
guest's own root disk attached second (virtio ``vdb``) so that its user
can repair it; unrescue defines the original domain again.

Files in the instance directory while a guest is rescued (all removed
by unrescue, or with the directory by destroy):

* ``unrescue.xml``: the original domain's persistent XML, written
  before anything changes and removed last; while it exists the guest
  is rescued (or being rescued, or unrescued)
* ``disk.rescue``: a qcow2 overlay on the rescue image's cached base,
  in the flavor's root disk size (a fresh disk: the tiny guest prints a
  new ``NOVA_LITE_DISK_ID`` with ``BOOT 1``)
* ``kernel.rescue``, ``ramdisk.rescue``: the rescue image's boot files
* ``disk.config.rescue``: the rescue guest's config drive (its
  ``admin_pass`` the rescue password), when the server has a config
  drive
"""
import logging
import os
import xml.etree.ElementTree as ET

import libvirt

from nova_lite.metadata import content
from nova_lite.virt import configdrive
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import console
from nova_lite.virt.libvirt import disks
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import imagebackend

LOG = logging.getLogger(__name__)

UNRESCUE_XML = 'unrescue.xml'
SUFFIX = '.rescue'
RESCUE_DISK = disks.ROOT_DISK_NAME + SUFFIX
CONFIG_DRIVE = configdrive.FILE_NAME + SUFFIX
RESCUE_FILES = (RESCUE_DISK, 'kernel' + SUFFIX, 'ramdisk' + SUFFIX,
                CONFIG_DRIVE)
#: Target of the guest's own root disk in the rescue domain.
ORIGINAL_DISK_TARGET = 'vdb'


def is_rescued(inst_dir):
    """True while the guest of ``inst_dir`` is rescued (see the module
    doc)."""
    return os.path.exists(os.path.join(inst_dir, UNRESCUE_XML))


def save_original(dom, inst_dir):
    """Write the persistent XML of ``dom`` to ``unrescue.xml`` unless the
    file exists (a repeated rescue: ``dom`` may be the rescue domain,
    the file holds the original). Written to a temporary name first, so
    a crash never leaves half a file."""
    path = os.path.join(inst_dir, UNRESCUE_XML)
    if os.path.exists(path):
        return path
    xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    part = path + '.part'
    with open(part, 'w') as out:
        out.write(xml)
    os.replace(part, path)
    return path


def remove_rescue_files(inst_dir):
    """Remove the rescue disk, boot files and config drive (missing ones
    are fine)."""
    for name in RESCUE_FILES:
        imagebackend.remove_disk(os.path.join(inst_dir, name))


def create_rescue_files(context, instance, image_meta, inst_dir,
                        image_cache, guest_data=None):
    """Make the rescue guest's files (see the module doc).

    :returns: ``(config.GuestPaths`` of the rescue guest, path of its
        config drive or None)
    :raises: ImageNotFound, ImageUnacceptable, ProcessExecutionError
        (qemu-img), InstanceDeployFailure (config drive)
    """
    remove_rescue_files(inst_dir)
    kernel, ramdisk = disks.fetch_boot_files(context, image_meta, inst_dir,
                                             image_cache, suffix=SUFFIX)
    disk = disks.create_root_disk(context, instance, image_meta, inst_dir,
                                  image_cache, kernel is not None,
                                  name=RESCUE_DISK)
    drive = None
    if configdrive.required(guest_data):
        drive = configdrive.make_drive(
            os.path.join(inst_dir, CONFIG_DRIVE),
            content.config_drive_files(guest_data), instance.uuid)
    paths = vconfig.GuestPaths(root_disk=disk, kernel=kernel,
                               ramdisk=ramdisk,
                               console_log=console.console_log_path(inst_dir))
    return paths, drive


def rescue_xml(instance, image_meta, network_info, paths, original_disk,
               **kwargs):
    """The rescue domain's XML: ``config.build_domain`` of the rescue
    guest (``paths``: its disk as ``vda``) with ``original_disk`` (the
    guest's own qcow2 root disk, or None when it has none) attached as
    virtio ``vdb`` right after it.

    :param kwargs: the other arguments of ``config.build_domain``
    :returns: str
    """
    domain = vconfig.build_domain(instance, image_meta, network_info, paths,
                                  **kwargs)
    if original_disk:
        devices = domain.find('devices')
        disk = ET.Element('disk', type='file', device='disk')
        ET.SubElement(disk, 'driver', name='qemu', type='qcow2')
        ET.SubElement(disk, 'source', file=original_disk)
        ET.SubElement(disk, 'target', dev=ORIGINAL_DISK_TARGET, bus='virtio')
        devices.insert(1 if paths.root_disk else 0, disk)
    return ET.tostring(domain, encoding='unicode')


def original_disk(inst_dir):
    """Path of the guest's own root disk, or None when it has none."""
    path = os.path.join(inst_dir, disks.ROOT_DISK_NAME)
    return path if os.path.exists(path) else None


def start_rescue(conn, dom, inst_dir, make_xml):
    """Save the original domain, power it off and define and start the
    rescue domain ``make_xml()`` (str); on any failure the original
    domain is defined again (powered off) and the rescue files removed.

    :raises: whatever ``make_xml`` or libvirt raised
    """
    save_original(dom, inst_dir)
    libvirt_guest.stop(dom)
    libvirt_guest.drop_managed_save(dom)
    try:
        libvirt_guest.define_and_start(conn, make_xml())
    except Exception:
        LOG.warning('Rescue of %s failed: defining its original domain '
                    'again', dom.UUIDString())
        try:
            restore_original(conn, inst_dir)
        except Exception:  # noqa: BLE001 - the rescue's error goes up
            LOG.exception('Original domain of %s not restored',
                          dom.UUIDString())
        raise


def restore_original(conn, inst_dir):
    """Stop whatever domain holds the guest's UUID, define the original
    domain of ``unrescue.xml`` again, then remove the rescue files and
    ``unrescue.xml`` (last). Repeat-safe.

    :returns: the original domain (stopped), or None when the guest is
        not rescued (no ``unrescue.xml``)
    """
    path = os.path.join(inst_dir, UNRESCUE_XML)
    if not os.path.exists(path):
        return None
    with open(path) as saved:
        xml = saved.read()
    uuid = ET.fromstring(xml).findtext('uuid')
    try:
        libvirt_guest.stop(conn.lookupByUUIDString(uuid))
    except libvirt.libvirtError as exc:
        if libvirt_guest.error_code(exc) != libvirt.VIR_ERR_NO_DOMAIN:
            raise
    dom = conn.defineXML(xml)
    remove_rescue_files(inst_dir)
    os.unlink(path)
    return dom


def unrescue(conn, lookup, inst_dir, power_on):
    """The original guest back (``restore_original``), started when
    ``power_on``, else powered off; a guest that is not rescued is only
    powered as asked.

    :param lookup: ``f() -> virDomain`` of the guest (raises
        InstanceNotFound)
    :raises: InstanceNotFound, libvirtError
    """
    dom = restore_original(conn, inst_dir)
    if dom is None:
        dom = lookup()
    if power_on:
        libvirt_guest.power_on(dom)
    else:
        libvirt_guest.power_off(dom)
    return dom

