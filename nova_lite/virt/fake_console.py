"""Consoles of the fake hypervisor's guests: real sockets a console proxy
can connect to, so the whole console path (API, token, proxy) runs
without QEMU.

Each guest's console listens, once asked for, on a Unix socket in a
private temporary directory of the driver:

* VNC: a minimal RFB 3.8 server (RFC 6143): no security (type 1), a
  ``FAKE_WIDTH`` x ``FAKE_HEIGHT`` 32 bpp true-colour framebuffer named
  ``nova_lite fake console <uuid>``; every FramebufferUpdateRequest gets
  one Raw rectangle of the whole screen in one grey.
* serial: sends the guest's console lines, then echoes what it gets.

``FakeConsoleMixin`` gives ``FakeDriver`` ``get_vnc_console`` and
``get_serial_console`` (the ``ComputeDriver`` contract).
"""
import os
import socketserver
import struct
import tempfile
import threading

from oslo_config import cfg

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.virt import driver

CONF = cfg.CONF
FAKE_WIDTH = 64
FAKE_HEIGHT = 48
_GREY = 0x80
# Client-to-server message type -> bytes after the type byte, or None
# for the variable-length ones (RFC 6143 section 7.5).
_FIXED_LENGTHS = {0: 19, 3: 9, 4: 7, 5: 5}


def _recv_exact(sock, size):
    """``size`` bytes from ``sock``; raises EOFError when it closes."""
    data = b''
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError()
        data += chunk
    return data


def server_init(name):
    """The RFB ServerInit message: size, pixel format (32 bpp, depth 24,
    little-endian true colour, 8 bits a channel) and ``name``."""
    pixel_format = struct.pack('!BBBBHHHBBB3x', 32, 24, 0, 1, 255, 255, 255,
                               16, 8, 0)
    encoded = name.encode()
    return (struct.pack('!HH', FAKE_WIDTH, FAKE_HEIGHT) + pixel_format +
            struct.pack('!I', len(encoded)) + encoded)


def _framebuffer_update():
    """One Raw rectangle covering the screen, all pixels ``_GREY``."""
    header = struct.pack('!BxH', 0, 1) + struct.pack(
        '!HHHHi', 0, 0, FAKE_WIDTH, FAKE_HEIGHT, 0)
    return header + bytes([_GREY] * (FAKE_WIDTH * FAKE_HEIGHT * 4))


class _RFBHandler(socketserver.BaseRequestHandler):
    """One RFB client: handshake, then updates on request."""

    def handle(self):
        sock = self.request
        try:
            sock.sendall(b'RFB 003.008\n')
            _recv_exact(sock, 12)
            sock.sendall(b'\x01\x01')            # one type: None
            _recv_exact(sock, 1)                 # the client's choice
            sock.sendall(b'\x00\x00\x00\x00')    # SecurityResult OK
            _recv_exact(sock, 1)                 # ClientInit (shared)
            sock.sendall(server_init(self.server.desktop_name))
            self._messages(sock)
        except (EOFError, OSError):
            return

    def _messages(self, sock):
        while True:
            kind = _recv_exact(sock, 1)[0]
            if kind in _FIXED_LENGTHS:
                _recv_exact(sock, _FIXED_LENGTHS[kind])
                if kind == 3:
                    sock.sendall(_framebuffer_update())
            elif kind == 2:                      # SetEncodings
                count = struct.unpack('!xH', _recv_exact(sock, 3))[0]
                _recv_exact(sock, 4 * count)
            elif kind == 6:                      # ClientCutText
                length = struct.unpack('!3xI', _recv_exact(sock, 7))[0]
                _recv_exact(sock, length)
            else:
                return


class _SerialHandler(socketserver.BaseRequestHandler):
    """The console lines, then an echo of the input."""

    def handle(self):
        try:
            self.request.sendall(self.server.banner)
            while True:
                data = self.request.recv(4096)
                if not data:
                    return
                self.request.sendall(data)
        except OSError:
            return


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class FakeConsoleMixin:
    """``get_vnc_console``/``get_serial_console`` of ``FakeDriver``
    (which has ``_lock``, ``_guest(instance)`` and ``_guests``)."""

    def _console_dir(self):
        if getattr(self, '_console_tmp', None) is None:
            self._console_tmp = tempfile.mkdtemp(prefix='nl-fakecon-')
            self._console_servers = {}
        return self._console_tmp

    def _console_server(self, instance, kind):
        """The running console server of ``kind`` ('vnc' or 'serial')
        of the guest, started on first use; its socket path."""
        guest = self._guest(instance)
        if guest['state'] != states.RUNNING:
            raise exception.ConsoleNotAvailable()
        with self._lock:
            directory = self._console_dir()
            key = (instance.uuid, kind)
            server = self._console_servers.get(key)
            if server is None:
                path = os.path.join(directory, '%s-%s.sock' % (
                    instance.uuid[:8], kind))
                handler = _RFBHandler if kind == 'vnc' else _SerialHandler
                server = _Server(path, handler)
                server.desktop_name = 'nova_lite fake console %s' % (
                    instance.uuid)
                server.banner = ('\r\n'.join(guest['console']) +
                                 '\r\n').encode()
                threading.Thread(target=server.serve_forever,
                                 daemon=True).start()
                self._console_servers[key] = server
        return server.server_address

    def stop_consoles(self, instance_uuid):
        """Stop the guest's console servers (at destroy)."""
        with self._lock:
            servers = getattr(self, '_console_servers', {})
            for kind in ('vnc', 'serial'):
                server = servers.pop((instance_uuid, kind), None)
                if server is not None:
                    server.shutdown()
                    server.server_close()
                    os.unlink(server.server_address)

    def get_vnc_console(self, context, instance):
        """A Unix socket with a minimal RFB server for the guest.

        :raises: InstanceNotFound, ConsoleNotAvailable (not running),
            ConsoleTypeUnavailable (``[vnc] enabled`` false)
        """
        if not CONF.vnc.enabled:
            raise exception.ConsoleTypeUnavailable(console_type='novnc')
        return driver.ConsoleConnectInfo(
            host=None, port=None, path=self._console_server(instance, 'vnc'))

    def get_serial_console(self, context, instance):
        """A Unix socket that sends the console lines and echoes.

        :raises: as ``get_vnc_console`` (``[serial_console] enabled``)
        """
        if not CONF.serial_console.enabled:
            raise exception.ConsoleTypeUnavailable(console_type='serial')
        return driver.ConsoleConnectInfo(
            host=None, port=None,
            path=self._console_server(instance, 'serial'))
