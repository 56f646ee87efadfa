"""The consoles of a guest: its serial console log, and where a console
proxy reaches its VNC server and interactive serial port.

The guest's first serial port (and its console) is written, appended, to
``console.log`` in the instance directory (see ``config``); this module
names that file, creates it before the guest starts, and reads its tail.
The VNC server and the serial port listen on Unix sockets in the
instance directory by default (``vnc.sock``, ``serial.sock``), found
again in the running domain's XML (doc/consoles.md).
"""
import logging
import os
import xml.etree.ElementTree as ET

from nova_lite import exception
from nova_lite.virt import driver
from nova_lite.virt.libvirt import config as vconfig

LOG = logging.getLogger(__name__)

CONSOLE_LOG_NAME = 'console.log'
# Most bytes of console.log get_console_output returns (its tail).
CONSOLE_LOG_MAX_BYTES = 100 * 1024
# The sockets live in a directory of their own in the instance directory,
# owned by the user QEMU runs as (it creates them).
SOCKET_DIR_NAME = 'console'
VNC_SOCKET_NAME = 'vnc.sock'
SERIAL_SOCKET_NAME = 'serial.sock'
# Longest path of a Unix socket (sun_path is 108 bytes with its NUL).
MAX_SOCKET_PATH = 107


def console_log_path(instance_dir):
    """Path of the console log in ``instance_dir``."""
    return os.path.join(instance_dir, CONSOLE_LOG_NAME)


def create_console_log(instance_dir):
    """Create an empty console log in ``instance_dir`` and return its path.

    Created here so that it exists (and is ours) before libvirt labels it
    for QEMU, and for hypervisors that write none.

    :raises: OSError
    """
    path = console_log_path(instance_dir)
    open(path, 'ab').close()
    return path


def read_tail(path, max_bytes=CONSOLE_LOG_MAX_BYTES):
    """Return the last ``max_bytes`` of the log at ``path`` as text
    (undecodable bytes replaced); '' when there is no such file.

    :raises: OSError other than a missing file
    """
    try:
        with open(path, 'rb') as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - max_bytes))
            data = f.read(max_bytes)
    except FileNotFoundError:
        return ''
    return data.decode('utf-8', errors='replace')


def _socket_path(instance_dir, name):
    """``instance_dir``/``name``, or None (logged) when longer than a
    Unix socket path may be (then the guest gets no such console)."""
    path = os.path.join(instance_dir, SOCKET_DIR_NAME, name)
    if len(path.encode()) > MAX_SOCKET_PATH:
        LOG.warning('No %s for the guest: %s is longer than %d bytes '
                    '(shorten [libvirt] instances_path)', name, path,
                    MAX_SOCKET_PATH)
        return None
    return path


def guest_consoles(instance_dir, vnc_enabled, vnc_listen, serial_enabled):
    """The ``config.GuestConsoles`` of a guest.

    :param vnc_enabled: ``[vnc] enabled``
    :param vnc_listen: ``[vnc] server_listen`` ('' for a Unix socket)
    :param serial_enabled: ``[serial_console] enabled``
    """
    vnc = None
    if vnc_enabled:
        vnc = vnc_listen or _socket_path(instance_dir, VNC_SOCKET_NAME)
    serial = None
    if serial_enabled:
        serial = _socket_path(instance_dir, SERIAL_SOCKET_NAME)
    return vconfig.GuestConsoles(vnc=vnc, serial_socket=serial)


def qemu_owner(capabilities_xml):
    """(uid, gid) QEMU runs as, from the ``dac`` security model's base
    label of libvirt's capabilities (e.g. ``+64055:+64055``); None when
    libvirt reports none (the test driver)."""
    host = ET.fromstring(capabilities_xml).find('host')
    for model in (host.findall('secmodel') if host is not None else ()):
        if model.findtext('model') != 'dac':
            continue
        for label in model.findall('baselabel'):
            uid, _, gid = (label.text or '').partition(':')
            try:
                return int(uid.lstrip('+')), int(gid.lstrip('+'))
            except ValueError:
                continue
    return None


def prepare_socket_dir(consoles, owner):
    """Create the directory of the guest's console sockets
    (``GuestConsoles``), mode 0750, owned by ``owner`` ((uid, gid) of
    QEMU, or None: left to this process) so that QEMU may create the
    sockets and the proxy (root, or in QEMU's group) may open them.
    Nothing when the guest has no console socket.

    :raises: OSError
    """
    paths = [p for p in (consoles.vnc, consoles.serial_socket)
             if p and p.startswith('/')]
    if paths:
        make_socket_dir(os.path.dirname(paths[0]), owner)


def make_socket_dir(directory, owner):
    """``directory`` (made if missing, mode 0750) owned by ``owner``
    ((uid, gid), or None) when this process may chown (root).

    :raises: OSError
    """
    os.makedirs(directory, mode=0o750, exist_ok=True)
    if owner is not None and os.geteuid() == 0:
        os.chown(directory, *owner)


def vnc_connect_info(domain_xml, proxyclient_address):
    """Where the VNC server of the running domain (its live XML) is.

    :returns: ``driver.ConsoleConnectInfo``: the socket path, or
        ``proxyclient_address`` and the port libvirt chose
    :raises: ConsoleTypeUnavailable when the domain has no VNC server
    """
    devices = ET.fromstring(domain_xml).find('devices')
    graphics = devices.find("graphics[@type='vnc']") if devices is not \
        None else None
    if graphics is None:
        raise exception.ConsoleTypeUnavailable(console_type='novnc')
    listen = graphics.find("listen[@type='socket']")
    path = graphics.get('socket') or (
        listen.get('socket') if listen is not None else None)
    if path:
        return driver.ConsoleConnectInfo(host=None, port=None, path=path)
    port = int(graphics.get('port', '-1'))
    if port <= 0:
        raise exception.ConsoleTypeUnavailable(console_type='novnc')
    return driver.ConsoleConnectInfo(host=proxyclient_address, port=port,
                                     path=None)


def serial_connect_info(domain_xml):
    """Where the interactive serial port 0 of the domain (its XML) is.

    :returns: ``driver.ConsoleConnectInfo`` with the socket path
    :raises: ConsoleTypeUnavailable when port 0 is no listening socket
    """
    devices = ET.fromstring(domain_xml).find('devices')
    for serial in (devices.findall("serial[@type='unix']")
                   if devices is not None else ()):
        source = serial.find("source[@mode='bind']")
        target = serial.find('target')
        if source is not None and source.get('path') and (
                target is None or target.get('port', '0') == '0'):
            return driver.ConsoleConnectInfo(host=None, port=None,
                                             path=source.get('path'))
    raise exception.ConsoleTypeUnavailable(console_type='serial')
