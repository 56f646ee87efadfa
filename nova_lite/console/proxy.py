"""The console proxy (``nova-lite-novncproxy``): noVNC's files over HTTP,
and WebSockets relayed to the guests' consoles after a token check.

Built on websockify's request handler (WebSocket upgrade, framing and
the relay loop, ``websockify.websocketproxy.ProxyRequestHandler``) in a
threaded HTTP server. For each WebSocket:

1. the token is read from the query (``?token=``, what noVNC opens for
   the ``path`` of a console URL) or from a ``token`` cookie;
2. ``validate(token)`` (``compute.consoles.validate``: the database)
   gives the token's row or None; an unknown, expired or revoked token,
   or an instance moved to another host, closes the connection at once
   without sending anything;
3. a browser's ``Origin`` must name the proxy's own host (the ``Host``
   header) or one of ``allowed_origins``;
4. the proxy connects to ``target_path`` (a Unix socket) or
   ``target_host``:``target_port`` and relays bytes both ways until one
   side closes.

At most ``max_connections`` WebSockets are relayed at once; more are
closed at once. See doc/consoles.md.
"""
import http.cookies
import http.server
import logging
import os
import re
import socket
import socketserver
import threading
import urllib.parse

from websockify import websocketproxy

LOG = logging.getLogger(__name__)

#: Seconds to wait for a console's socket to accept.
CONNECT_TIMEOUT = 10
_TOKEN_IN_TEXT = re.compile(r'(token(?:=|%3D|%3d))[^&\s\'"]+')


def token_from_request(path, cookie_header):
    """The token of a WebSocket request: the ``token`` query parameter
    of ``path``, else the ``token`` cookie; None without either."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    if query.get('token'):
        return query['token'][0].strip()
    if cookie_header:
        cookies = http.cookies.SimpleCookie()
        try:
            cookies.load(cookie_header)
        except http.cookies.CookieError:
            return None
        if 'token' in cookies:
            return cookies['token'].value
    return None


def mask_tokens(text):
    """``text`` with the value of every ``token=`` (plain or
    URL-encoded) replaced by ``***``: tokens stay out of the logs."""
    return _TOKEN_IN_TEXT.sub(r'\1***', text)


def origin_allowed(origin, host_header, allowed_origins):
    """True when ``origin`` (the Origin header; None for non-browser
    clients, allowed) names the host of ``host_header`` or one of
    ``allowed_origins`` (host names)."""
    if not origin:
        return True
    origin_host = urllib.parse.urlsplit(origin).hostname
    own_host = urllib.parse.urlsplit('//' + (host_header or '')).hostname
    return origin_host is not None and (
        origin_host == own_host or origin_host in allowed_origins)


def connect(target, timeout=CONNECT_TIMEOUT):
    """A socket connected to the token row's target: ``target_path`` (a
    Unix socket) when set, else TCP ``target_host``:``target_port``.

    :raises: OSError when it cannot connect
    """
    if target.get('target_path'):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address = target['target_path']
    else:
        sock = socket.socket(socket.AF_INET6 if ':' in (
            target['target_host'] or '') else socket.AF_INET)
        address = (target['target_host'], int(target['target_port']))
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    sock.settimeout(None)
    if sock.family != socket.AF_UNIX:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class ConsoleProxyHandler(websocketproxy.ProxyRequestHandler):
    """One HTTP request: a file of noVNC, or a console WebSocket."""

    def setup(self):
        super().setup()
        self.directory = self.server.web_dir or '/nonexistent'

    def log_message(self, format, *args):  # noqa: A002 - base signature
        """websockify's and http.server's log lines, tokens masked."""
        LOG.info('%s %s', self.client_address[0] if self.client_address
                 else '-', mask_tokens(format % args))

    def validate_connection(self):
        """Nothing before the upgrade: the token is checked once the
        WebSocket is open, so a refused client sees it closed."""

    def auth_connection(self):
        """No websockify authentication plugin: tokens only."""

    def new_websocket_client(self):
        """Check the token and the origin, then relay to the console."""
        token = token_from_request(self.path, self.headers.get('Cookie'))
        target = self.server.validate(token) if token else None
        if target is None:
            LOG.warning('Console connection from %s refused: invalid, '
                        'expired or revoked token', self.client_address[0])
            return
        if not origin_allowed(self.headers.get('Origin'),
                              self.headers.get('Host'),
                              self.server.allowed_origins):
            LOG.warning('Console connection refused: origin %s is not '
                        'allowed', self.headers.get('Origin'))
            return
        if not self.server.slots.acquire(blocking=False):
            LOG.warning('Console connection refused: %d connections open',
                        self.server.max_connections)
            return
        try:
            self._relay(target)
        finally:
            self.server.slots.release()

    def _relay(self, target):
        try:
            tsock = connect(target)
        except OSError as exc:
            LOG.warning('Console of instance %s unreachable: %s',
                        target['instance_uuid'], exc)
            raise self.CClose(1011, 'Failed to connect to the console') \
                from None
        LOG.info('Console %s of instance %s connected',
                 target['console_type'], target['instance_uuid'])
        try:
            self.do_proxy(tsock)
        except OSError as exc:
            LOG.info('Console of instance %s closed: %s',
                     target['instance_uuid'], exc)
        finally:
            try:
                tsock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            tsock.close()


class ConsoleProxyServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """The proxy's threaded HTTP server (one thread a connection).

    :param address: (host, port) to listen on
    :param validate: ``f(token) -> dict or None``, the token's row
        (``target_path`` or ``target_host``/``target_port``,
        ``instance_uuid``, ``console_type``) when it may connect
    :param web_dir: directory of noVNC's files, or None (then plain
        HTTP requests are refused: 405)
    :param allowed_origins: host names a WebSocket Origin may name
        besides the proxy's own
    :param max_connections: most WebSockets relayed at once
    """
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, validate, web_dir=None,
                 allowed_origins=(), max_connections=64):
        self.validate = validate
        self.web_dir = web_dir if web_dir and os.path.isdir(web_dir) else None
        if web_dir and self.web_dir is None:
            LOG.warning('No noVNC files in %s: only WebSockets are served',
                        web_dir)
        self.allowed_origins = frozenset(allowed_origins)
        self.max_connections = max_connections
        self.slots = threading.BoundedSemaphore(max_connections)
        # Read by websockify's handler.
        self.only_upgrade = self.web_dir is None
        self.file_only = True
        self.verbose = False
        self.heartbeat = None
        self.target_host = self.target_port = None
        super().__init__(address, ConsoleProxyHandler)
