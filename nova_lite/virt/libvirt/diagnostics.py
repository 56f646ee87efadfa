"""Diagnostics of a libvirt guest: the counters libvirt keeps of a
running domain (``virDomain.info``, ``vcpus``, ``memoryStats``,
``blockStats`` and ``interfaceStats`` of the disks and NICs its XML
lists).

Two shapes, as the compute API's server diagnostics have (compute API
reference, "Servers diagnostics"):

* ``legacy(dom)``: before microversion 2.48, a flat dict named as Nova's
  libvirt driver names its counters: ``cpu<N>_time`` (ns),
  ``<disk>_read``/``_write`` (bytes), ``<disk>_read_req``/``_write_req``,
  ``<disk>_errors``, ``<nic>_rx``/``_tx`` (octets) with ``_packets``,
  ``_errors`` and ``_drop``, ``memory`` (KiB, the domain's maximum) and
  ``memory-<stat>`` for each balloon statistic (KiB: ``actual``,
  ``rss``, ``unused``, ...); ``<disk>``/``<nic>`` are the device's
  target name in the domain XML (``vda``, ``vnet0``);
* ``standard(dom, ...)``: the standardized dict of
  ``nova_lite.virt.diagnostics``.

A counter the hypervisor does not keep (libvirt raises) is left out of
the legacy dict and None in the standard one: a NIC on QEMU's user-mode
network has no host device, so no counters.
"""
import logging
import xml.etree.ElementTree as ET

import libvirt

from nova_lite.virt import diagnostics
from nova_lite.virt.libvirt import guest as libvirt_guest

LOG = logging.getLogger(__name__)

KiB_PER_MiB = 1024

_DISK_STATS = ('read_req', 'read', 'write_req', 'write', 'errors')
_NIC_STATS = ('rx', 'rx_packets', 'rx_errors', 'rx_drop', 'tx',
              'tx_packets', 'tx_errors', 'tx_drop')


def devices(xml):
    """``(disks, nics)`` of a domain XML (str): the target names of its
    disks (``['vda']``) and ``(mac, target name or None)`` of its NICs,
    in XML order."""
    root = ET.fromstring(xml)
    disks = [target.get('dev')
             for target in root.findall('./devices/disk/target')
             if target.get('dev')]
    nics = []
    for iface in root.findall('./devices/interface'):
        mac = iface.find('mac')
        target = iface.find('target')
        nics.append((mac.get('address') if mac is not None else None,
                     target.get('dev') if target is not None else None))
    return disks, nics


def _call(what, func, *args):
    """``func(*args)``, or None when libvirt cannot tell."""
    try:
        return func(*args)
    except libvirt.libvirtError as exc:
        LOG.debug('No %s: %s', what, exc)
        return None


def _vcpu_times(dom):
    """``[(vcpu number, cpu time ns)]``, or None."""
    info = _call('vcpu times', dom.vcpus)
    if info is None:
        return None
    return [(vcpu[0], vcpu[2]) for vcpu in info[0]]


def _memory_stats(dom):
    """The balloon statistics (KiB by name), {} when there are none."""
    try:
        return dict(dom.memoryStats())
    except (libvirt.libvirtError, AttributeError):
        return {}


def _nic_stats(dom, mac, dev):
    """The 8 counters of a NIC, by its target device or else its MAC;
    None when libvirt has none."""
    name = dev or mac
    if not name:
        return None
    return _call('interface stats of %s' % name, dom.interfaceStats, name)


def _named(dev, keys, stats):
    """``{'<dev>_<key>': value}`` of a stats tuple in ``keys`` order."""
    return {'%s_%s' % (dev, key): value
            for key, value in zip(keys, stats, strict=False)}


def legacy(dom):
    """The flat diagnostics dict of ``dom`` (see the module docstring)."""
    output = {}
    for number, time_ns in _vcpu_times(dom) or ():
        output['cpu%d_time' % number] = time_ns
    disks, nics = devices(dom.XMLDesc(0))
    for dev in disks:
        stats = _call('block stats of %s' % dev, dom.blockStats, dev)
        if stats is not None:
            output.update(_named(dev, _DISK_STATS, stats))
    for _mac, dev in nics:
        stats = _nic_stats(dom, None, dev)
        if stats is not None:
            output.update(_named(dev, _NIC_STATS, stats))
    output['memory'] = dom.maxMemory()
    for key, value in _memory_stats(dom).items():
        output['memory-%s' % key] = value
    return output


def standard(dom, uptime=None):
    """The standardized diagnostics of ``dom``
    (``nova_lite.virt.diagnostics.standard``).

    :param uptime: seconds since the guest was launched, or None
    """
    _state, max_kib, cur_kib, _ncpus, _cpu_time = dom.info()
    xml = dom.XMLDesc(0)
    disks, nics = devices(xml)
    cpus = [diagnostics.cpu(id=number, time=time_ns)
            for number, time_ns in _vcpu_times(dom) or ()]
    disk_items = []
    for dev in disks:
        stats = _call('block stats of %s' % dev, dom.blockStats, dev)
        disk_items.append(diagnostics.disk() if stats is None else
                          diagnostics.disk(
                              read_requests=stats[0], read_bytes=stats[1],
                              write_requests=stats[2], write_bytes=stats[3],
                              errors_count=stats[4]))
    nic_items = []
    for mac, dev in nics:
        stats = _nic_stats(dom, mac, dev)
        counters = {} if stats is None else dict(
            rx_octets=stats[0], rx_packets=stats[1], rx_errors=stats[2],
            rx_drop=stats[3], tx_octets=stats[4], tx_packets=stats[5],
            tx_errors=stats[6], tx_drop=stats[7])
        nic_items.append(diagnostics.nic(mac_address=mac, **counters))
    return diagnostics.standard(
        libvirt_guest.power_state(dom), 'libvirt',
        hypervisor=ET.fromstring(xml).get('type'), hypervisor_os='linux',
        uptime=uptime, config_drive=False, cpu_details=cpus,
        nic_details=nic_items, disk_details=disk_items,
        memory_maximum=max_kib // KiB_PER_MiB,
        memory_used=cur_kib // KiB_PER_MiB,
        memory_unused_kib=_memory_stats(dom).get('unused'))
