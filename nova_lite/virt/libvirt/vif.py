"""The ``<interface>`` elements of a guest's NICs.

Guests sit on a Linux bridge of the host (the VIF's ``bridge``, else
``[network] bridge``) when it exists, else on QEMU's user-mode network.
With ``[network] guest_netns`` the bridge is looked for in that network
namespace, where the node's libvirtd runs (doc/networking.md), not in
the compute's own.

A NIC of a port (the VIF's ``port_id``) gets the tap name
``network.firewall.device_name(port_id)`` (``<target dev=.../>``): the
security group rules of the port are keyed on it (without it libvirt
names taps ``vnetN``, which the compute cannot know beforehand).
"""
import functools
import json
import logging
import os
import subprocess
import xml.etree.ElementTree as ET

from nova_lite.network import firewall

LOG = logging.getLogger(__name__)


def host_bridge_exists(name):
    """Return True if ``name`` is a Linux bridge on this host (sysfs)."""
    return bool(name) and os.path.isdir(f'/sys/class/net/{name}/bridge')


def netns_bridge_exists(netns, name):
    """Return True if ``name`` is a Linux bridge in the network namespace
    ``netns`` (``ip -n NETNS -j link show type bridge``; needs the rights
    to enter it, i.e. root). Errors are logged and count as absent."""
    if not name:
        return False
    try:
        out = subprocess.run(
            ['ip', '-n', netns, '-j', 'link', 'show', 'type', 'bridge'],
            capture_output=True, text=True, timeout=10, check=True).stdout
        links = json.loads(out or '[]')
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        LOG.warning('Cannot list the bridges of network namespace %s: %s',
                    netns, getattr(exc, 'stderr', None) or exc)
        return False
    return any(link.get('ifname') == name for link in links)


def bridge_check(netns=None):
    """``f(name) -> bool`` for ``config.build_domain``: in ``netns`` when
    given, else in this process's namespace."""
    if netns:
        return functools.partial(netns_bridge_exists, netns)
    return host_bridge_exists


def interface_element(devices, vif, bridge, bridge_exists):
    """Append a virtio NIC with the VIF's MAC to ``devices`` and return it.

    On ``bridge`` when ``bridge_exists(bridge)``; otherwise QEMU's
    user-mode network (no host setup, guest reachable only outbound).

    :param devices: the ``<devices>`` ``ET.Element`` of the domain
    :param vif: ``objects.VIF``; its ``mac`` is used, and its
        ``port_id`` names the tap of a bridged NIC
    :param bridge: host bridge name, or None
    :param bridge_exists: ``f(name) -> bool``
    :returns: the ``<interface>`` ``ET.Element``
    """
    if bridge_exists(bridge):
        iface = ET.SubElement(devices, 'interface', type='bridge')
        ET.SubElement(iface, 'mac', address=vif.mac)
        ET.SubElement(iface, 'source', bridge=bridge)
        port_id = vif.get('port_id', None)
        if port_id:
            ET.SubElement(iface, 'target',
                          dev=firewall.device_name(port_id))
    else:
        iface = ET.SubElement(devices, 'interface', type='user')
        ET.SubElement(iface, 'mac', address=vif.mac)
    ET.SubElement(iface, 'model', type='virtio')
    return iface
