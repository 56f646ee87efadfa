"""Build the libvirt domain XML of an instance.

The element and attribute names follow libvirt's "Domain XML format"
reference (https://libvirt.org/formatdomain.html). This module reads no
configuration and touches no hypervisor: the driver passes it everything
(instance, image meta, NICs, file paths, virt type), so the XML it makes
for a given input is fixed and can be pinned by tests. NICs are built by
``vif``.
"""
import collections
import logging
import os
import xml.etree.ElementTree as ET

from oslo_utils import strutils

from nova_lite.objects import instance as instance_obj
from nova_lite.virt.libvirt import vif as vif_config

LOG = logging.getLogger(__name__)

KiB_PER_MiB = 1024

# The files of one guest on the host. ``root_disk``, ``kernel`` and
# ``ramdisk`` are absolute paths or None; ``console_log`` is the file the
# first serial port is written to (always set).
GuestPaths = collections.namedtuple(
    'GuestPaths', ['root_disk', 'kernel', 'ramdisk', 'console_log'])

# The interactive consoles of a guest (doc/consoles.md): ``vnc`` is None
# (no VNC server), an absolute path (the VNC server on that Unix socket)
# or an IP address (TCP on it, port chosen by libvirt); ``serial_socket``
# is None (serial port 0 only written to the console log) or the Unix
# socket path of serial port 0 (its output still appended to the log).
GuestConsoles = collections.namedtuple('GuestConsoles',
                                       ['vnc', 'serial_socket'])
NO_CONSOLES = GuestConsoles(vnc=None, serial_socket=None)

# Kernel command line argument the tiny guest reads its hostname from
# (see devstack/tools/make-tiny-image.sh).
HOSTNAME_ARG = 'nova_lite_hostname'


def kvm_usable(dev='/dev/kvm', cpuinfo='/proc/cpuinfo'):
    """Return True when hardware virtualisation can back a ``kvm`` domain.

    ``dev`` must be readable and writable by this process and, on x86, the
    CPU flags in ``cpuinfo`` must include ``vmx`` (Intel VT-x) or ``svm``
    (AMD-V): a /dev/kvm node without them (as in some nested VMs) makes
    QEMU fail at start.
    """
    if not os.access(dev, os.R_OK | os.W_OK):
        return False
    if os.uname().machine not in ('x86_64', 'i686', 'i386'):
        return True
    try:
        with open(cpuinfo) as f:
            flags = f.read().split()
    except OSError:
        return False
    return 'vmx' in flags or 'svm' in flags


def domain_type(virt_type, kvm_check=kvm_usable):
    """Return the ``<domain type=...>`` value for ``[libvirt] virt_type``.

    'kvm' only when asked for and ``kvm_check()`` is true; otherwise 'qemu'
    (TCG software emulation), with a warning when kvm was asked for.
    """
    if virt_type == 'kvm':
        if kvm_check():
            return 'kvm'
        LOG.warning('virt_type=kvm but /dev/kvm is not usable (no access '
                    'or no vmx/svm CPU flag): using qemu (TCG) domains')
    return 'qemu'


def kernel_cmdline(instance, image_meta, has_root_disk):
    """Return the kernel command line of a kernel-booted guest.

    The image property ``os_command_line`` wins; without it the line is
    ``root=/dev/vda console=ttyS0`` (``root=`` only with a root disk). The
    guest's hostname is appended as ``nova_lite_hostname=<hostname>``.
    """
    props = image_meta.get('properties', None) or {}
    cmdline = props.get('os_command_line')
    if not cmdline:
        cmdline = 'console=ttyS0'
        if has_root_disk:
            cmdline = 'root=/dev/vda ' + cmdline
    hostname = instance.get('hostname', None)
    if hostname:
        cmdline += f' {HOSTNAME_ARG}={hostname}'
    return cmdline


def _sub(parent, tag, text=None, **attrib):
    """Append a ``tag`` child with ``attrib`` (and ``text``) to parent."""
    child = ET.SubElement(parent, tag, attrib)
    if text is not None:
        child.text = str(text)
    return child


def _os_element(domain, instance, image_meta, paths, root_volume=False):
    """``<os>``: hvm, and kernel/initrd/cmdline or a disk boot (none for
    a guest booted from a volume: its disk carries ``<boot order>``)."""
    os_el = _sub(domain, 'os')
    arch = (image_meta.get('properties', None) or {}).get('hw_architecture')
    type_attrs = {'arch': arch} if arch else {}
    _sub(os_el, 'type', 'hvm', **type_attrs)
    if paths.kernel:
        _sub(os_el, 'kernel', paths.kernel)
        if paths.ramdisk:
            _sub(os_el, 'initrd', paths.ramdisk)
        _sub(os_el, 'cmdline', kernel_cmdline(
            instance, image_meta,
            paths.root_disk is not None or root_volume))
    elif not root_volume:
        _sub(os_el, 'boot', dev='hd')


def _root_disk_element(devices, path):
    """A qcow2 file on virtio, as ``vda``."""
    disk = _sub(devices, 'disk', type='file', device='disk')
    _sub(disk, 'driver', name='qemu', type='qcow2')
    _sub(disk, 'source', file=path)
    _sub(disk, 'target', dev='vda', bus='virtio')


#: Target and bus of the config drive CD-ROM. SATA works with both
#: machine types a domain without a ``machine`` attribute may get on
#: x86: libvirt's default i440fx ``pc`` (libvirt adds an AHCI controller,
#: checked with QEMU 7.2 / libvirt 9.0) and ``q35``, which has no IDE.
#: The guest needs the ahci, sr_mod and isofs drivers.
CONFIG_DRIVE_TARGET = ('sdb', 'sata')


def config_drive_element(devices, path):
    """The config drive (``nova_lite.virt.configdrive``): the ISO file
    ``path`` as a read-only raw CD-ROM on ``CONFIG_DRIVE_TARGET``."""
    disk = _sub(devices, 'disk', type='file', device='cdrom')
    _sub(disk, 'driver', name='qemu', type='raw')
    _sub(disk, 'source', file=path)
    dev, bus = CONFIG_DRIVE_TARGET
    _sub(disk, 'target', dev=dev, bus=bus)
    _sub(disk, 'readonly')
    return disk


def _console_elements(devices, log_path, serial_socket=None):
    """Serial port 0 and the console on it: the guest's
    ``console=ttyS0`` output is appended to ``log_path``. With
    ``serial_socket`` the port is that Unix socket (QEMU listens,
    without waiting for a client) and ``<log>`` keeps appending its
    output to ``log_path``; otherwise the port is the file itself."""
    for tag, target in (('serial', {'port': '0'}),
                        ('console', {'type': 'serial', 'port': '0'})):
        if serial_socket:
            dev = _sub(devices, tag, type='unix')
            _sub(dev, 'source', mode='bind', path=serial_socket)
            _sub(dev, 'log', file=log_path, append='on')
        else:
            dev = _sub(devices, tag, type='file')
            _sub(dev, 'source', path=log_path, append='on')
        _sub(dev, 'target', **target)


def rng_element(devices, instance, image_meta, rng_dev_path):
    """A virtio RNG fed from the host's ``rng_dev_path`` (``[libvirt]
    rng_dev_path``), as Nova's libvirt driver gives every guest since
    Ussuri: none when the flavor says ``hw_rng:allowed`` false or the
    image's ``hw_rng_model`` is not ``virtio``; ``hw_rng:rate_bytes``
    per ``hw_rng:rate_period`` (milliseconds) limit it when both are
    positive.

    :returns: the ``<rng>`` element, or None
    """
    specs = instance.get('flavor_extra_specs', None) or {}
    if not strutils.bool_from_string(specs.get('hw_rng:allowed', 'true'),
                                     default=True):
        return None
    props = image_meta.get('properties', None) or {}
    model = props.get('hw_rng_model') or 'virtio'
    if model != 'virtio':
        return None
    rng = _sub(devices, 'rng', model='virtio')
    rate = _positive(specs.get('hw_rng:rate_bytes'))
    period = _positive(specs.get('hw_rng:rate_period'))
    if rate and period:
        _sub(rng, 'rate', bytes=str(rate), period=str(period))
    _sub(rng, 'backend', rng_dev_path, model='random')
    return rng


def _positive(value):
    """``value`` (str or None) as a positive int, else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def graphics_elements(devices, vnc):
    """A VNC server (``GuestConsoles.vnc``: a socket path or a listen
    address) and a VGA card, whose text console (the guest's tty0) the
    VNC server shows. Nothing when ``vnc`` is None."""
    if not vnc:
        return
    if vnc.startswith('/'):
        graphics = _sub(devices, 'graphics', type='vnc')
        _sub(graphics, 'listen', type='socket', socket=vnc)
    else:
        graphics = _sub(devices, 'graphics', type='vnc', port='-1',
                        autoport='yes', listen=vnc)
        _sub(graphics, 'listen', type='address', address=vnc)
    video = _sub(devices, 'video')
    _sub(video, 'model', type='vga', vram='16384', heads='1')


def build_domain(instance, image_meta, network_info, paths,
                 virt_type='qemu', default_bridge=None,
                 bridge_exists=vif_config.host_bridge_exists,
                 kvm_check=kvm_usable, config_drive=None,
                 consoles=NO_CONSOLES, rng_dev_path='/dev/urandom',
                 volume_disks=(), root_volume=False):
    """Return the ``<domain>`` element of ``instance``.

    :param instance: ``objects.Instance``: name, uuid, vcpus, memory_mb
        (MiB, written as KiB), hostname (for the kernel command line)
    :param image_meta: ``objects.ImageMeta``; properties used:
        ``os_command_line``, ``hw_architecture``
    :param network_info: list of ``objects.VIF``, in order: one NIC per
        MAC (``objects.instance.nics``: a port's other fixed IPs add no
        NIC)
    :param paths: ``GuestPaths`` of the guest's files
    :param virt_type: ``[libvirt] virt_type`` ('qemu' or 'kvm')
    :param default_bridge: bridge of VIFs that name none (``[network]
        bridge``)
    :param bridge_exists: ``f(name) -> bool``, whether a host bridge exists
    :param kvm_check: ``f() -> bool``, whether KVM is usable
    :param config_drive: path of the config drive ISO, or None
    :param consoles: ``GuestConsoles`` (VNC server, serial socket)
    :param rng_dev_path: host device of the virtio RNG (``rng_element``)
    :param volume_disks: ``<disk>`` elements of the guest's volumes
        (``libvirt.volume.disk_element``), after the root disk
    :param root_volume: the first of them is the root (``vda``, booted
        with ``<boot order='1'/>`` unless a kernel boots)
    :returns: ``xml.etree.ElementTree.Element``
    """
    domain = ET.Element('domain', type=domain_type(virt_type, kvm_check))
    _sub(domain, 'name', instance.name)
    _sub(domain, 'uuid', instance.uuid)
    _sub(domain, 'memory', instance.memory_mb * KiB_PER_MiB, unit='KiB')
    _sub(domain, 'vcpu', instance.vcpus)
    _os_element(domain, instance, image_meta, paths, root_volume)
    features = _sub(domain, 'features')
    _sub(features, 'acpi')
    _sub(features, 'apic')
    _sub(domain, 'clock', offset='utc')
    _sub(domain, 'on_poweroff', 'destroy')
    _sub(domain, 'on_reboot', 'restart')
    _sub(domain, 'on_crash', 'destroy')
    devices = _sub(domain, 'devices')
    if paths.root_disk:
        _root_disk_element(devices, paths.root_disk)
    for index, disk in enumerate(volume_disks):
        if index == 0 and root_volume and not paths.kernel:
            _sub(disk, 'boot', order='1')
        devices.append(disk)
    if config_drive:
        config_drive_element(devices, config_drive)
    for vif in instance_obj.nics(network_info):
        vif_config.interface_element(
            devices, vif, vif.get('bridge', None) or default_bridge,
            bridge_exists)
    _console_elements(devices, paths.console_log, consoles.serial_socket)
    graphics_elements(devices, consoles.vnc)
    rng_element(devices, instance, image_meta, rng_dev_path)
    return domain


def domain_xml(*args, **kwargs):
    """``build_domain(...)`` serialised to a str (see ``build_domain``)."""
    return ET.tostring(build_domain(*args, **kwargs), encoding='unicode')
