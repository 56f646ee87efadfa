"""NIC hot-plug of libvirt guests (doc/interfaces.md).

The interface XML is the build's (``vif.interface_element``: the same
bridge, tap name and model), so a hot-plugged NIC is wired into the
guest network namespace exactly as a NIC of the build: libvirtd runs
there and makes the tap on the VIF's bridge. A running guest gets the
device live and in its persistent definition (``VIR_DOMAIN_AFFECT_LIVE |
VIR_DOMAIN_AFFECT_CONFIG``), a stopped one in its definition only
(``VIR_DOMAIN_AFFECT_CONFIG``), as Nova's libvirt driver does.

A live unplug is a request to the guest (PCI hot-unplug): libvirt
answers before the guest released the NIC, so ``detach_interface``
waits for the NIC to leave the live definition, up to ``timeout``
seconds.
"""
import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_log import log as logging

from nova_lite import exception
from nova_lite.virt.libvirt import vif as vif_config

LOG = logging.getLogger(__name__)
#: Seconds between two looks at the live definition during a detach.
POLL_INTERVAL = 0.5


def interface_xml(vif, default_bridge, bridge_exists):
    """The ``<interface>`` XML of ``vif`` (objects.VIF) as a build makes
    it: on its bridge (else ``default_bridge``) when ``bridge_exists``
    says it exists, else QEMU's user-mode network."""
    devices = ET.Element('devices')
    element = vif_config.interface_element(
        devices, vif, vif.get('bridge', None) or default_bridge,
        bridge_exists)
    return ET.tostring(element, encoding='unicode')


def _flags(dom):
    if dom.isActive():
        return (libvirt.VIR_DOMAIN_AFFECT_LIVE
                | libvirt.VIR_DOMAIN_AFFECT_CONFIG)
    return libvirt.VIR_DOMAIN_AFFECT_CONFIG


def find_interface(xml, mac):
    """The ``<interface>`` element of a domain XML text whose MAC is
    ``mac``, or None."""
    for iface in ET.fromstring(xml).iter('interface'):
        found = iface.find('mac')
        if found is not None and found.get('address', '').lower() == \
                mac.lower():
            return iface
    return None


def attach_interface(dom, instance_uuid, xml):
    """Plug the interface ``xml`` into the domain (live and persistent
    when it runs, persistent only when it does not). A NIC of the same
    MAC already there is kept (idempotent).

    :raises: InterfaceAttachFailed when libvirt refuses
    """
    mac = ET.fromstring(xml).find('mac').get('address')
    if find_interface(dom.XMLDesc(0), mac) is not None:
        LOG.info('Guest %s already has NIC %s', instance_uuid, mac)
        return
    try:
        dom.attachDeviceFlags(xml, _flags(dom))
    except libvirt.libvirtError as exc:
        LOG.warning('libvirt did not attach NIC %s to %s: %s', mac,
                    instance_uuid, exc)
        raise exception.InterfaceAttachFailed(
            instance_uuid=instance_uuid) from exc


def detach_interface(dom, instance_uuid, mac, timeout):
    """Unplug the NIC of ``mac`` from the domain where it has it (live,
    persistent definition); nothing when it has it nowhere.

    :param timeout: seconds to wait for a running guest to release it
    :raises: InterfaceDetachFailed when libvirt refuses or the guest
        keeps the NIC past ``timeout``
    """
    live = find_interface(dom.XMLDesc(0), mac) if dom.isActive() else None
    persistent = find_interface(
        dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), mac)
    flags = ((libvirt.VIR_DOMAIN_AFFECT_LIVE if live is not None else 0)
             | (libvirt.VIR_DOMAIN_AFFECT_CONFIG if persistent is not None
                else 0))
    if not flags:
        LOG.info('Guest %s has no NIC %s: nothing to detach',
                 instance_uuid, mac)
        return
    device = live if flags & libvirt.VIR_DOMAIN_AFFECT_LIVE else persistent
    try:
        dom.detachDeviceFlags(ET.tostring(device, encoding='unicode'),
                              flags)
    except libvirt.libvirtError as exc:
        LOG.warning('libvirt did not detach NIC %s from %s: %s', mac,
                    instance_uuid, exc)
        raise exception.InterfaceDetachFailed(
            instance_uuid=instance_uuid) from exc
    if flags & libvirt.VIR_DOMAIN_AFFECT_LIVE:
        _wait_released(dom, instance_uuid, mac, timeout)


def _wait_released(dom, instance_uuid, mac, timeout):
    deadline = time.monotonic() + timeout
    while find_interface(dom.XMLDesc(0), mac) is not None:
        if time.monotonic() >= deadline:
            LOG.warning('Guest %s did not release NIC %s within %d s',
                        instance_uuid, mac, timeout)
            raise exception.InterfaceDetachFailed(
                instance_uuid=instance_uuid)
        time.sleep(POLL_INTERVAL)
