"""Resize steps of the libvirt driver (``LibvirtDriver`` delegates here).

Source (``migrate_disk_and_power_off``): the guest is shut down (ACPI
for up to ``timeout`` seconds, then powered off), its inactive domain XML
saved as ``libvirt.xml`` in its instance directory, the directory renamed
``<uuid>_resize`` and the domain undefined: two computes sharing one
libvirt daemon (several computes on one machine) cannot both define a
domain with the instance's UUID.

Destination (``finish_migration``): the files of ``<uuid>_resize`` are
copied into its own ``<instances_path>/<uuid>/``: a plain file copy when
that directory is on this machine (computes sharing one host), else, with
``[libvirt] remote_filesystem_transport = libvirt``, downloaded from the
source host's libvirtd (``remotefs``: computes on machines of their own).
The root overlay is rebased onto this host's cached base image when the
source's cache is another directory or this host has not cached it yet
(fetched first), grown with
``qemu-img resize`` to the new ``root_gb``, and the saved XML is defined
again with the new directory, vCPUs and memory, then started when the
guest was running.

A confirm removes ``<uuid>_resize``; a revert removes the destination's
domain and directory and renames ``<uuid>_resize`` back, defining the
saved XML again.
"""
import logging
import os
import shutil
import xml.etree.ElementTree as ET

from oslo_concurrency import processutils

from nova_lite import exception
from nova_lite.virt.libvirt import console
from nova_lite.virt.libvirt import disks
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import imagebackend
from nova_lite.virt.libvirt import remotefs

LOG = logging.getLogger(__name__)
SUFFIX = '_resize'
XML_NAME = 'libvirt.xml'
KiB_PER_MiB = 1024


def resize_dir(inst_dir):
    """Where the source keeps a resized guest's files until confirm."""
    return inst_dir + SUFFIX


def set_aside(conn, dom, inst_dir, timeout):
    """Shut ``dom`` down, save its XML into ``inst_dir`` and move the
    directory to ``resize_dir``; undefine the domain.

    :returns: the ``resize_dir`` path
    :raises: libvirtError, OSError after putting the guest back
    """
    was_active = dom.isActive()
    xml = dom.XMLDesc(libvirt_guest.libvirt.VIR_DOMAIN_XML_INACTIVE)
    libvirt_guest.power_off(dom, timeout)
    with open(os.path.join(inst_dir, XML_NAME), 'w') as f:
        f.write(xml)
    target = resize_dir(inst_dir)
    os.rename(inst_dir, target)
    try:
        libvirt_guest.undefine(dom)
    except Exception:
        os.rename(target, inst_dir)
        if was_active:
            dom.create()
        raise
    return target


def _rewrite_paths(element, old, new):
    """Replace the prefix ``old`` by ``new`` in every attribute and text
    of ``element``'s tree that is a path under ``old``."""
    for node in element.iter():
        for key, value in node.attrib.items():
            if value.startswith(old + os.sep):
                node.set(key, new + value[len(old):])
        if node.text and node.text.startswith(old + os.sep):
            node.text = new + node.text[len(old):]


def resized_xml(xml, old_dir, new_dir, vcpus, memory_mb):
    """The saved domain ``xml`` for its new place and flavor: paths
    under ``old_dir`` moved to ``new_dir``, ``<vcpu>``, ``<memory>`` and
    ``<currentMemory>`` of the new flavor (KiB)."""
    domain = ET.fromstring(xml)
    _rewrite_paths(domain, old_dir, new_dir)
    domain.find('vcpu').text = str(vcpus)
    for tag in ('memory', 'currentMemory'):
        element = domain.find(tag)
        if element is not None:
            element.text = str(memory_mb * KiB_PER_MiB)
            element.set('unit', 'KiB')
    return ET.tostring(domain, encoding='unicode')


def copy_files(source_dir, dest_dir):
    """Copy the instance files of ``source_dir`` into a new ``dest_dir``.

    :raises: FileExistsError, OSError
    """
    os.makedirs(dest_dir)
    for name in sorted(os.listdir(source_dir)):
        path = os.path.join(source_dir, name)
        if os.path.isfile(path):
            shutil.copy2(path, os.path.join(dest_dir, name))


def copy_source(source_dir, dest_dir, source_host, transport):
    """The source's files into the new ``dest_dir``: copied when
    ``source_dir`` is on this machine, else downloaded from
    ``source_host``'s libvirtd when ``transport`` is ``libvirt``.

    :raises: OSError (FileNotFoundError: not here and no remote
        transport), libvirtError
    """
    if (os.path.isdir(source_dir) or transport != 'libvirt'
            or not source_host):
        copy_files(source_dir, dest_dir)
    else:
        remotefs.fetch_dir(source_host, source_dir, dest_dir)


def rebase_onto_cache(disk, image_id, image_cache, context):
    """Point the qcow2 ``disk`` at this host's cached base of
    ``image_id`` when its backing file is in another directory (a
    source host with its own cache): fetch the base here, then an
    unsafe rebase (same content, so no data is copied).

    :raises: ImageNotFound, ProcessExecutionError
    """
    info = imagebackend.image_info(disk)
    backing = info.get('full-backing-filename') or info.get(
        'backing-filename')
    if not backing or (os.path.dirname(backing) == image_cache.images_path
                       and os.path.exists(backing)):
        return
    base = image_cache.fetch(context, image_id)
    fmt = info.get('backing-filename-format') or 'raw'
    processutils.execute('qemu-img', 'rebase', '-u', '-b', base, '-F', fmt,
                         disk)


def grow_disk(disk, size_gb):
    """Grow the qcow2 ``disk`` to ``size_gb`` GiB (never shrinks).

    :raises: ResizeError when the disk is bigger; ProcessExecutionError
    """
    current = imagebackend.image_info(disk)['virtual-size']
    wanted = size_gb * imagebackend.GiB
    if wanted < current:
        raise exception.ResizeError(
            instance_uuid=os.path.basename(os.path.dirname(disk)),
            reason='unable to resize disk down to %d GiB' % size_gb)
    if wanted > current:
        processutils.execute('qemu-img', 'resize', disk, '%dG' % size_gb)


def make_dest(context, conn, instance, disk_info, dest_dir, image_cache,
              power_on, transport='local'):
    """The destination guest (see the module doc); the new domain.
    ``disk_info``: ``source_dir`` and ``source_host`` of the source;
    ``transport``: ``[libvirt] remote_filesystem_transport``.

    :raises: anything after removing ``dest_dir`` and the new domain
    """
    source_dir = disk_info['source_dir']
    copy_source(source_dir, dest_dir, disk_info.get('source_host'),
                transport)
    dom = None
    try:
        # The console sockets' directory (not copied: QEMU makes them).
        console.make_socket_dir(
            os.path.join(dest_dir, console.SOCKET_DIR_NAME),
            console.qemu_owner(conn.getCapabilities()))
        disk = os.path.join(dest_dir, disks.ROOT_DISK_NAME)
        if os.path.exists(disk):
            if instance.image_ref:
                rebase_onto_cache(disk, instance.image_ref, image_cache,
                                  context)
            if instance.root_gb:
                grow_disk(disk, instance.root_gb)
        with open(os.path.join(dest_dir, XML_NAME)) as f:
            # The saved XML names the source's directory before it was
            # set aside.
            xml = resized_xml(f.read(), source_dir[:-len(SUFFIX)],
                              dest_dir, instance.vcpus, instance.memory_mb)
        with open(os.path.join(dest_dir, XML_NAME), 'w') as f:
            f.write(xml)
        dom = conn.defineXML(xml)
        if power_on:
            dom.create()
        return dom
    except Exception:
        if dom is not None:
            libvirt_guest.stop(dom)
            libvirt_guest.undefine(dom)
        disks.remove_instance_dir(dest_dir)
        raise


def restore_source(conn, inst_dir, power_on):
    """Bring a guest set aside back: ``resize_dir`` renamed to
    ``inst_dir`` (a leftover ``inst_dir`` of the destination, same host,
    is removed first) and its saved XML defined again. Returns the
    domain, or None when nothing was set aside."""
    saved = resize_dir(inst_dir)
    if not os.path.isdir(saved):
        return None
    disks.remove_instance_dir(inst_dir)
    os.rename(saved, inst_dir)
    with open(os.path.join(inst_dir, XML_NAME)) as f:
        dom = conn.defineXML(f.read())
    if power_on and not dom.isActive():
        dom.create()
    return dom
