"""Serving the API with cheroot's threaded WSGI server.

``serve(app, host, port, threads)`` returns an ``APIServer`` handle
(``start()`` binds and serves in a thread, ``stop()`` drains and closes);
``run_api(conf)`` is what ``nova-lite-api`` and ``nova-lite-all`` call:
build the app, serve ``[api] listen:port`` with ``[api] threads`` request
threads until SIGTERM/SIGINT (or ``stop_event``).

Overload is refused early: at most ``QUEUE_PER_THREAD * threads``
accepted connections wait for a thread; past that cheroot answers 503.

With ``[api] workers`` above 1, ``nova_lite.api.workers`` binds the
socket once and each worker process serves it (``APIServer(...,
sock=...)``).
"""
import signal
import threading

from cheroot import wsgi as cheroot_wsgi
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.api import wsgi
from nova_lite import rpc
from nova_lite import service

LOG = logging.getLogger(__name__)

#: Connections waiting for a request thread, per thread.
QUEUE_PER_THREAD = 4
#: Seconds a connection may wait in that queue before a 503.
QUEUE_TIMEOUT = 10
#: Smallest listen backlog of the API socket.
LISTEN_BACKLOG = 128
#: Largest request line + headers in bytes (tokens included).
MAX_HEADER_BYTES = 65536
#: Seconds ``stop()`` waits for requests in progress.
SHUTDOWN_TIMEOUT = 5


class _Server(cheroot_wsgi.Server):
    """cheroot's WSGI server, able to serve a listening socket bound by
    another process (``inherited``) instead of binding its own."""

    inherited = None

    def bind(self, family, type, proto=0):  # noqa: A002 - cheroot's name
        if self.inherited is None:
            return super().bind(family, type, proto)
        self.socket = self.inherited
        self.bind_addr = self.inherited.getsockname()[:2]
        return self.socket


class APIServer:
    """A cheroot WSGI server serving in a background thread.

    :param sock: a listening socket shared with other worker processes
        (None: bind ``host:port`` here)
    :param name: what the log lines call it (the metadata service and
        the dashboard are served by it too)
    """

    def __init__(self, app, host, port, threads, sock=None, name='API'):
        self.name = name
        self._server = _Server(
            (host, port), app, numthreads=threads, max=threads,
            server_name='nova-lite-api',
            accepted_queue_size=QUEUE_PER_THREAD * threads,
            accepted_queue_timeout=QUEUE_TIMEOUT,
            # The kernel's listen backlog (cheroot's default is 5): a burst
            # of connects beyond it is reset instead of queued or refused
            # with a 503.
            request_queue_size=max(LISTEN_BACKLOG, QUEUE_PER_THREAD * threads),
            shutdown_timeout=SHUTDOWN_TIMEOUT)
        self._server.max_request_header_size = MAX_HEADER_BYTES
        self._server.inherited = sock
        self._thread = None

    @property
    def address(self):
        """(host, port) actually bound (port 0 picks a free port)."""
        return self._server.bind_addr[:2]

    @property
    def running(self):
        """True while the serving thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self):
        """Bind (errors raise here) and serve in a daemon thread."""
        self._server.prepare()
        if self._server.inherited is not None:
            # Every worker is woken by a new connection and one wins it:
            # the others' accept() must fail at once (EAGAIN, which cheroot
            # ignores), not wait out cheroot's 1 s socket timeout while
            # their keep-alive connections wait behind it.
            self._server.socket.settimeout(0)
        self._thread = threading.Thread(target=self._server.serve,
                                        name='nova-lite-api', daemon=True)
        self._thread.start()
        LOG.info('%s listening on %s:%s', self.name, *self.address)

    def stop(self):
        """Stop accepting, finish requests in progress, close. Idempotent."""
        self._server.stop()
        if self._thread is not None:
            self._thread.join(SHUTDOWN_TIMEOUT + 5)
            self._thread = None

    def wait(self, timeout=None):
        """Block until the serving thread ends (or ``timeout`` seconds)."""
        if self._thread is not None:
            self._thread.join(timeout)


def serve(app, host, port, threads, sock=None, name='API'):
    """An APIServer for ``app`` on ``host:port`` (or the listening socket
    ``sock``), not started yet; ``name`` is for its log lines."""
    return APIServer(app, host, port, threads, sock=sock, name=name)


def run_until_stopped(httpd, name, stop_event, keep_serving=None):
    """Start ``httpd`` (an APIServer) and serve until SIGTERM/SIGINT,
    ``stop_event`` set, ``keep_serving()`` false or its thread ended;
    then stop it and restore the signal handlers. ``name`` (e.g. 'API')
    is for the log lines.

    :raises: OSError when the address cannot be bound
    """
    received, previous = service.catch_stop_signals()
    httpd.start()
    keep_serving = keep_serving or (lambda: True)
    try:
        service.wait_for_stop(received, lambda: (
            httpd.running and not stop_event.is_set() and keep_serving()))
        if received:
            LOG.info('Signal %d received: stopping the %s', received[0],
                     name)
    finally:
        httpd.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        LOG.info('%s stopped', name)


def run_api(conf=cfg.CONF, stop_event=None, extra_blueprints=(),
            mounts=None, sock=None, keep_serving=None):
    """Serve the API until SIGTERM/SIGINT or ``stop_event`` is set.

    Initializes the RPC transport (idempotent; the caller cleans it up),
    builds the app with ``wsgi.build_app(conf, extra_blueprints, mounts)``
    and serves it on ``[api] listen``/``port`` (or on ``sock``, the
    listening socket of a worker process, ``nova_lite.api.workers``, which
    also stops when ``keep_serving()`` turns false) with ``[api] threads``
    threads.
    """
    stop_event = stop_event or threading.Event()
    rpc.init(conf)
    app = wsgi.build_app(conf, extra_blueprints, mounts)
    server = serve(app, conf.api.listen, conf.api.port, conf.api.threads,
                   sock=sock)
    run_until_stopped(server, 'API', stop_event, keep_serving)
