"""The ``<interface>`` elements of a guest's NICs.

Guests sit on a Linux bridge of the host (the VIF's ``bridge``, else
``[network] bridge``) when it exists, else on QEMU's user-mode network.
"""
import os
import xml.etree.ElementTree as ET


def host_bridge_exists(name):
    """Return True if ``name`` is a Linux bridge on this host (sysfs)."""
    return bool(name) and os.path.isdir(f'/sys/class/net/{name}/bridge')


def interface_element(devices, vif, bridge, bridge_exists):
    """Append a virtio NIC with the VIF's MAC to ``devices`` and return it.

    On ``bridge`` when ``bridge_exists(bridge)``; otherwise QEMU's
    user-mode network (no host setup, guest reachable only outbound).

    :param devices: the ``<devices>`` ``ET.Element`` of the domain
    :param vif: ``objects.VIF``; its ``mac`` is used
    :param bridge: host bridge name, or None
    :param bridge_exists: ``f(name) -> bool``
    :returns: the ``<interface>`` ``ET.Element``
    """
    if bridge_exists(bridge):
        iface = ET.SubElement(devices, 'interface', type='bridge')
        ET.SubElement(iface, 'mac', address=vif.mac)
        ET.SubElement(iface, 'source', bridge=bridge)
    else:
        iface = ET.SubElement(devices, 'interface', type='user')
        ET.SubElement(iface, 'mac', address=vif.mac)
    ET.SubElement(iface, 'model', type='virtio')
    return iface
