"""Volume hot-plug of libvirt guests (doc/volumes.md, "Compute side").

A volume reaches the compute as the volume service's NBD export
(``connection_info`` ``{"driver_volume_type": "nbd", "data": {"host",
"port", "export_name", "format"}}``) and becomes a network disk of the
guest, as Nova's libvirt driver attaches network volumes::

    <disk type='network' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source protocol='nbd' name='EXPORT'><host name='H' port='P'/></source>
      <target dev='vdX' bus='virtio'/>
    </disk>

QEMU reads the NBD export as a raw device (the volume's own format is
the storage node's business: ``qemu-nbd -f FORMAT`` serves it raw). A
running guest gets the disk live and in its persistent definition, a
stopped one in its definition only. A live unplug is a request to the
guest, so ``detach_volume`` waits for the disk to leave the live
definition, up to ``timeout`` seconds (``[libvirt]
device_detach_timeout``), like the NIC unplug (``hotplug``).
"""
import string
import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

import nova_lite.conf
from nova_lite import exception

LOG = logging.getLogger(__name__)
#: Seconds between two looks at the live definition during a detach.
POLL_INTERVAL = 0.5


def disk_xml(connection_info, dev):
    """The ``<disk>`` XML text of an NBD ``connection_info`` as target
    ``dev`` (``vdb``).

    :raises: VolumeAttachFailed for another ``driver_volume_type``
    """
    return ET.tostring(disk_element(connection_info, dev),
                       encoding='unicode')


def disk_element(connection_info, dev):
    """``disk_xml``'s ``<disk>`` as an ElementTree element (a guest's
    volumes at spawn, ``config.build_domain``'s ``volume_disks``).

    :raises: VolumeAttachFailed for another ``driver_volume_type``
    """
    data = connection_info.get('data') or {}
    if connection_info.get('driver_volume_type') != 'nbd':
        raise exception.VolumeAttachFailed(
            volume_id=data.get('volume_id'), instance_uuid='?')
    disk = ET.Element('disk', type='network', device='disk')
    ET.SubElement(disk, 'driver', name='qemu', type='raw', cache='none')
    source = ET.SubElement(disk, 'source', protocol='nbd',
                           name=data['export_name'])
    ET.SubElement(source, 'host', name=str(data['host']),
                  port=str(data['port']))
    ET.SubElement(disk, 'target', dev=dev, bus='virtio')
    if data.get('volume_id'):
        ET.SubElement(disk, 'serial').text = data['volume_id'][:20]
    return disk


def spawn_disks(block_device_mapping):
    """``<disk>`` elements of the volumes of a guest's ``block_device_info``
    (``[{"connection_info", "mount_device": "/dev/vdX"}]``), in order."""
    return [disk_element(bdm['connection_info'],
                         bdm['mount_device'].rsplit('/', 1)[-1])
            for bdm in block_device_mapping]


def find_disk(xml, dev):
    """The ``<disk>`` element of a domain XML text with target ``dev``,
    or None."""
    for disk in ET.fromstring(xml).iter('disk'):
        target = disk.find('target')
        if target is not None and target.get('dev') == dev:
            return disk
    return None


def next_device(xml):
    """The first free ``vdX`` name (``vdb``..``vdz``) of a domain XML.

    :raises: VolumeAttachFailed when all are taken
    """
    used = {t.get('dev') for t in ET.fromstring(xml).iter('target')}
    for letter in string.ascii_lowercase[1:]:
        if 'vd' + letter not in used:
            return 'vd' + letter
    raise exception.VolumeAttachFailed(volume_id='?', instance_uuid='?')


def _flags(dom):
    if dom.isActive():
        return (libvirt.VIR_DOMAIN_AFFECT_LIVE
                | libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    return libvirt.VIR_DOMAIN_AFFECT_CONFIG


def attach_volume(dom, instance_uuid, connection_info, dev=None):
    """Plug the NBD volume in as ``dev`` (the next free one when None).

    :returns: the device path (``/dev/vdb``)
    :raises: VolumeAttachFailed when libvirt refuses or ``dev`` is taken
    """
    volume_id = (connection_info.get('data') or {}).get('volume_id')
    persistent = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
    dev = dev or next_device(persistent)
    if find_disk(persistent, dev) is not None:
        raise exception.VolumeAttachFailed(volume_id=volume_id,
                                           instance_uuid=instance_uuid)
    try:
        dom.attachDeviceFlags(disk_xml(connection_info, dev), _flags(dom))
    except libvirt.libvirtError as exc:
        LOG.warning('libvirt did not attach volume %s to %s: %s',
                    volume_id, instance_uuid, exc)
        raise exception.VolumeAttachFailed(
            volume_id=volume_id, instance_uuid=instance_uuid) from exc
    return '/dev/' + dev


def detach_volume(dom, instance_uuid, dev, timeout, volume_id=None):
    """Unplug the disk ``dev`` where the domain has it (live, persistent
    definition); nothing when it has it nowhere.

    :raises: VolumeDetachFailed when libvirt refuses or the guest keeps
        the disk past ``timeout`` seconds
    """
    live = find_disk(dom.XMLDesc(0), dev) if dom.isActive() else None
    persistent = find_disk(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE),
                           dev)
    flags = ((libvirt.VIR_DOMAIN_AFFECT_LIVE if live is not None else 0)
             | (libvirt.VIR_DOMAIN_AFFECT_CONFIG if persistent is not None
                else 0))
    if not flags:
        LOG.info('Guest %s has no disk %s: nothing to detach',
                 instance_uuid, dev)
        return
    device = live if live is not None else persistent
    try:
        dom.detachDeviceFlags(ET.tostring(device, encoding='unicode'),
                              flags)
    except libvirt.libvirtError as exc:
        raise exception.VolumeDetachFailed(
            volume_id=volume_id, instance_uuid=instance_uuid) from exc
    deadline = time.monotonic() + timeout
    while live is not None and find_disk(dom.XMLDesc(0), dev) is not None:
        if time.monotonic() >= deadline:
            raise exception.VolumeDetachFailed(
                volume_id=volume_id, instance_uuid=instance_uuid)
        time.sleep(POLL_INTERVAL)


def nbd_disks(xml):
    """``{dev: export name}`` of the NBD network disks of a domain XML
    text."""
    found = {}
    for disk in ET.fromstring(xml).iter('disk'):
        source, target = disk.find('source'), disk.find('target')
        if disk.get('type') == 'network' and source is not None and \
                source.get('protocol') == 'nbd' and target is not None:
            found[target.get('dev')] = source.get('name')
    return found


class LibvirtVolumeMixin:
    """``attach_volume``/``detach_volume`` of the libvirt driver (it
    provides ``_lookup``)."""

    def attach_volume(self, context, instance, connection_info,
                      mountpoint=None):
        """See ``ComputeDriver.attach_volume`` (``attach_volume`` above).

        :raises: InstanceNotFound, VolumeAttachFailed
        """
        dev = mountpoint.rsplit('/', 1)[-1] if mountpoint else None
        return attach_volume(self._lookup(instance), instance.uuid,
                             connection_info, dev)

    def detach_volume(self, context, instance, mountpoint):
        """See ``ComputeDriver.detach_volume``; waits ``[libvirt]
        device_detach_timeout`` seconds for a running guest.

        :raises: InstanceNotFound, VolumeDetachFailed
        """
        detach_volume(self._lookup(instance), instance.uuid,
                      mountpoint.rsplit('/', 1)[-1],
                      nova_lite.conf.CONF.libvirt.device_detach_timeout)

    def volume_devices(self, instance):
        """See ``ComputeDriver.volume_devices``: the NBD disks of the
        live and the persistent definition.

        :raises: InstanceNotFound
        """
        dom = self._lookup(instance)
        found = nbd_disks(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        if dom.isActive():
            found.update(nbd_disks(dom.XMLDesc(0)))
        return found
