"""A minimal WebSocket client (RFC 6455) for the console proxy tests:
the opening handshake over a plain socket, binary frames out (masked, as
a client must) and frames in. Enough for short RFB and serial
exchanges; no extensions, no fragmentation."""
import base64
import hashlib
import os
import socket
import struct

_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'


class WebSocketClient:
    """``WebSocketClient(host, port, path)`` opens the WebSocket;
    ``status`` is the HTTP status of the handshake (101 when upgraded).

    :param headers: extra request headers (e.g. Origin, Cookie)
    """

    def __init__(self, host, port, path, headers=None, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self._buffer = b''      # bytes read from the socket, not parsed
        self._payload = b''     # payload left over by recv_exact
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ['GET %s HTTP/1.1' % path, 'Host: %s:%d' % (host, port),
                 'Upgrade: websocket', 'Connection: Upgrade',
                 'Sec-WebSocket-Key: ' + key, 'Sec-WebSocket-Version: 13',
                 'Sec-WebSocket-Protocol: binary']
        lines += ['%s: %s' % item for item in (headers or {}).items()]
        self.sock.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode())
        head = self._read_until(b'\r\n\r\n')
        self.response = head.decode('latin-1')
        self.status = int(self.response.split(' ', 2)[1])
        accept = base64.b64encode(hashlib.sha1(
            (key + _GUID).encode()).digest()).decode()
        self.accepted = ('sec-websocket-accept: ' + accept.lower()
                         in self.response.lower())

    def _read_until(self, marker):
        while marker not in self._buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EOFError('closed before %r' % marker)
            self._buffer += chunk
        head, self._buffer = self._buffer.split(marker, 1)
        return head

    def _read(self, size):
        while len(self._buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError('closed')
            self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def send(self, data, text=False):
        """Send ``data`` (bytes) as one masked binary frame (a text frame
        with ``text``)."""
        mask = os.urandom(4)
        length = len(data)
        opcode = 0x81 if text else 0x82
        if length < 126:
            header = struct.pack('!BB', opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack('!BBH', opcode, 0x80 | 126, length)
        else:
            header = struct.pack('!BBQ', opcode, 0x80 | 127, length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def recv(self):
        """The payload of the next data frame (bytes; first what
        ``recv_exact`` left over), or None when the server closed the
        connection (or sent a close frame)."""
        if self._payload:
            data, self._payload = self._payload, b''
            return data
        try:
            first, second = self._read(2)
            length = second & 0x7f
            if length == 126:
                length = struct.unpack('!H', self._read(2))[0]
            elif length == 127:
                length = struct.unpack('!Q', self._read(8))[0]
            payload = self._read(length)
        except (EOFError, ConnectionResetError):
            return None
        if first & 0x0f == 0x8:
            return None
        return payload

    def recv_exact(self, size):
        """Exactly ``size`` bytes of payload, across frames (the rest is
        kept for the next call); None when the connection closes
        first."""
        data = b''
        while len(data) < size:
            chunk = self.recv()
            if chunk is None:
                return None
            data += chunk
        data, self._payload = data[:size], data[size:]
        return data

    def close(self):
        self.sock.close()
