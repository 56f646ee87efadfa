"""VM snapshots of a guest (CloudStack createVMSnapshot,
revertToVMSnapshot, deleteVMSnapshot) as libvirt internal snapshots.

An internal snapshot lives inside the guest's qcow2 root disk (the
overlay on the cached base image: ``imagebackend``), so it needs no
other file and goes with the instance directory; its metadata is kept
by libvirt with the domain (``virDomainSnapshotCreateXML``), named by
the VM snapshot's id.

What libvirt 9.0 / QEMU 7.2 allow (measured with the tiny guest and its
config drive attached; doc/cloudstack.md "VM snapshots"):

* a running guest: an internal snapshot must include the memory
  (``<memory snapshot='internal'/>``; QEMU's savevm, ~0.2 s for a
  192 MiB guest under TCG); a disk-only internal snapshot is refused
  ("internal snapshot of a running VM must include the memory state"),
  which is why CloudStack refuses a disk-only VM snapshot of a running
  KVM VM;
* a stopped guest: a disk-only internal snapshot (``qemu-img snapshot
  -c`` by libvirt). ``VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY`` must not be
  passed: on an inactive domain it makes an external snapshot (a new
  overlay file);
* the config drive, a read-only raw CD-ROM, is left out of every
  snapshot (``snapshot='no'``, libvirt's default for read-only disks:
  QEMU's savevm skips read-only drives), so it does not block internal
  snapshots;
* a revert to a memory snapshot leaves the guest running where it was
  (no boot), to a disk snapshot shut off;
* a domain with snapshot metadata cannot be undefined without
  ``VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA`` (``guest.undefine`` passes
  it).
"""
import logging
import xml.etree.ElementTree as ET

import libvirt

from nova_lite import exception
from nova_lite.virt.libvirt import config as vconfig

LOG = logging.getLogger(__name__)

#: Target of the root disk (``config._root_disk_element``).
ROOT_TARGET = 'vda'


def snapshot_xml(snapshot_id, memory):
    """The ``<domainsnapshot>`` of VM snapshot ``snapshot_id``: the
    memory (with ``memory``) or not, the root disk internal, the config
    drive left out (libvirt's "Snapshot XML format")."""
    root = ET.Element('domainsnapshot')
    ET.SubElement(root, 'name').text = snapshot_id
    ET.SubElement(root, 'memory',
                  snapshot='internal' if memory else 'no')
    disks = ET.SubElement(root, 'disks')
    ET.SubElement(disks, 'disk', name=ROOT_TARGET, snapshot='internal')
    ET.SubElement(disks, 'disk', name=vconfig.CONFIG_DRIVE_TARGET[0],
                  snapshot='no')
    return ET.tostring(root, encoding='unicode')


def _has_config_drive(dom):
    desc = ET.fromstring(dom.XMLDesc(0))
    return any(t.get('dev') == vconfig.CONFIG_DRIVE_TARGET[0]
               for t in desc.iter('target'))


def create(dom, snapshot_id, memory):
    """Take internal snapshot ``snapshot_id`` of ``dom``: with its memory
    when ``memory`` (the guest must run, and runs on), else of a shut-off
    guest's root disk.

    :raises: InstanceInvalidState when the guest's power state does not
        fit; libvirtError
    """
    running = dom.isActive()
    if running != bool(memory):
        raise exception.InstanceInvalidState(
            action='vm_snapshot_create', instance_uuid=dom.UUIDString(),
            attr='power_state', state='running' if running else 'shutdown')
    xml = snapshot_xml(snapshot_id, memory)
    if not _has_config_drive(dom):
        tree = ET.fromstring(xml)
        disks = tree.find('disks')
        for disk in list(disks):
            if disk.get('name') != ROOT_TARGET:
                disks.remove(disk)
        xml = ET.tostring(tree, encoding='unicode')
    dom.snapshotCreateXML(xml, 0)
    LOG.info('VM snapshot %s of %s taken (%s)', snapshot_id,
             dom.UUIDString(), 'disk and memory' if memory else 'disk')


def _lookup(dom, snapshot_id):
    """The ``virDomainSnapshot`` ``snapshot_id`` of ``dom``.

    :raises: VMSnapshotNotFound; libvirtError for other errors
    """
    try:
        return dom.snapshotLookupByName(snapshot_id, 0)
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT:
            raise exception.VMSnapshotNotFound(
                vm_snapshot_id=snapshot_id) from exc
        raise


def revert(dom, snapshot_id, memory):
    """Revert ``dom`` to ``snapshot_id``: a memory snapshot leaves it
    running (``VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING``), a disk snapshot
    shut off (a running guest is powered off first: libvirt would do it
    too).

    :raises: VMSnapshotNotFound, libvirtError
    """
    snap = _lookup(dom, snapshot_id)
    flags = libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING if memory else 0
    if not memory and dom.isActive():
        dom.destroy()
    dom.revertToSnapshot(snap, flags)
    LOG.info('%s reverted to VM snapshot %s', dom.UUIDString(), snapshot_id)


def delete(dom, snapshot_id):
    """Remove snapshot ``snapshot_id`` of ``dom`` (its data in the qcow2
    disk and libvirt's metadata); a missing one is not an error.

    :raises: libvirtError
    """
    try:
        snap = _lookup(dom, snapshot_id)
    except exception.VMSnapshotNotFound:
        LOG.info('VM snapshot %s of %s is already gone', snapshot_id,
                 dom.UUIDString())
        return
    snap.delete(0)
    LOG.info('VM snapshot %s of %s deleted', snapshot_id, dom.UUIDString())
