"""Several nova-lite-api worker processes on one listening socket.

With ``[api] workers`` N above 1, ``run(conf, serve_worker, count)``:

* binds ``[api] listen:port`` once, in the parent (errors raise here);
* forks N workers; each inherits the socket and serves it with its own
  cheroot threads, database engine and RPC transport
  (``serve_worker(index, sock, keep_serving)``), and the kernel hands a
  new connection to the one worker whose ``accept()`` wins it (one accept
  queue: a worker that dies loses only the connections it had accepted);
* restarts a worker that dies (a SIGKILL, a crash) at once, unless it
  died within ``BOOT_GRACE`` seconds of its start ``MAX_BOOT_FAILURES``
  times in a row (an unusable configuration): then it stops them all
  and exits 1;
* on SIGTERM or SIGINT stops every worker (SIGTERM, then SIGKILL after
  ``STOP_TIMEOUT`` seconds) and returns 0.

A worker stops by itself when its parent is gone (``PR_SET_PDEATHSIG``,
and a look at ``os.getppid()`` every 0.2 s where prctl is missing): an
orphan must not keep serving an API nobody supervises.

The parent opens no database connection, RPC transport or thread before
it forks: each worker makes its own after the fork (a connection or lock
shared across a fork is corrupted by whichever process uses it first).
This is the pre-fork model of gunicorn and oslo.service's
``ProcessLauncher``; doc/ha.md says what a worker may keep in memory.
"""
import ctypes
import ctypes.util
import os
import signal
import socket
import time

from oslo_log import log as logging

from nova_lite import service

LOG = logging.getLogger(__name__)

#: Seconds a stopping worker gets between SIGTERM and SIGKILL.
STOP_TIMEOUT = 15
#: A worker that ends within this many seconds of its start failed to boot.
BOOT_GRACE = 5
#: Boot failures in a row (of any worker) after which the parent gives up.
MAX_BOOT_FAILURES = 5
#: Listen backlog of the shared socket (as ``server.LISTEN_BACKLOG``).
LISTEN_BACKLOG = 128
_PR_SET_PDEATHSIG = 1


def listen_socket(host, port, backlog=LISTEN_BACKLOG):
    """A listening TCP socket on ``host:port`` (IPv4 or IPv6 as the
    address says; port 0 picks a free one) with SO_REUSEADDR and, as
    cheroot sets on the sockets it binds, TCP_NODELAY (accepted
    connections inherit it; without it a response written in two parts
    waits for the client's delayed ACK, 40 ms).

    :raises: OSError when the address cannot be bound
    """
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                flags=socket.AI_PASSIVE)[0][0]
    sock = socket.create_server((host, port), family=family,
                                backlog=backlog)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _die_with_parent():
    """Ask the kernel for SIGTERM when the parent dies (Linux prctl);
    False where it is not available."""
    name = ctypes.util.find_library('c')
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


class WorkerSet:
    """The parent's table of its workers: {pid: index} and each index's
    last start time (monotonic seconds)."""

    def __init__(self, count, sock, serve_worker):
        self.count = count
        self.sock = sock
        self.serve_worker = serve_worker
        self.pids = {}
        self.started = {}
        self.boot_failures = 0
        self.parent_pid = os.getpid()

    def spawn(self, index):
        """Fork worker ``index``; in the child, serve and ``os._exit``."""
        pid = os.fork()
        if pid:
            self.pids[pid] = index
            self.started[index] = time.monotonic()
            LOG.info('API worker %d started (pid %d)', index, pid)
            return pid
        self._child(index)
        return None     # not reached: the child exits

    def _child(self, index):
        code = 1
        try:
            for sig in service.STOP_SIGNALS:
                signal.signal(sig, signal.SIG_DFL)
            _die_with_parent()
            parent = self.parent_pid
            code = self.serve_worker(
                index, self.sock, lambda: os.getppid() == parent) or 0
        except BaseException:  # noqa: BLE001 - a worker must not return
            LOG.exception('API worker %d failed', index)
        finally:
            os._exit(code)

    def reap(self):
        """Collect ended workers; returns [(index, seconds it lived,
        exit status)]."""
        ended = []
        while self.pids:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            index = self.pids.pop(pid, None)
            if index is None:
                continue
            lived = time.monotonic() - self.started[index]
            ended.append((index, lived, status))
            LOG.warning('API worker %d (pid %d) ended after %.1f s: %s',
                        index, pid, lived, _describe(status))
        return ended

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM every worker, wait up to ``timeout`` s, SIGKILL the
        rest and reap them."""
        for pid in list(self.pids):
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.pids and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.05)
        for pid in list(self.pids):
            LOG.warning('API worker pid %d did not stop: SIGKILL', pid)
            _signal(pid, signal.SIGKILL)
        while self.pids:
            self.reap()
            time.sleep(0.05)


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _describe(status):
    if os.WIFSIGNALED(status):
        return 'killed by signal %d' % os.WTERMSIG(status)
    return 'exit code %d' % os.waitstatus_to_exitcode(status)


def run(conf, serve_worker, count):
    """Serve the API with ``count`` worker processes until SIGTERM or
    SIGINT (see the module docstring).

    :param serve_worker: ``serve_worker(index, sock, keep_serving)`` runs
        in each worker: serve ``sock`` while ``keep_serving()`` is true;
        returns the worker's exit code
    :returns: 0 after a stop signal, 1 when workers keep failing to boot
    :raises: OSError when ``[api] listen:port`` cannot be bound
    """
    sock = listen_socket(conf.api.listen, conf.api.port)
    LOG.info('API listening on %s:%s with %d worker processes',
             *sock.getsockname()[:2], count)
    received, previous = service.catch_stop_signals()
    workers = WorkerSet(count, sock, serve_worker)
    code = 0
    try:
        for index in range(count):
            workers.spawn(index)
        code = _supervise(workers, received)
    finally:
        workers.stop()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    LOG.info('API stopped (%d workers)', count)
    return code


def _supervise(workers, received):
    """Restart ended workers until a stop signal; 1 when they keep
    failing to boot."""
    while not received:
        for index, lived, _status in workers.reap():
            if received:
                break
            workers.boot_failures = (workers.boot_failures + 1
                                     if lived < BOOT_GRACE else 0)
            if workers.boot_failures >= MAX_BOOT_FAILURES:
                LOG.error('API workers failed to start %d times in a row; '
                          'stopping', workers.boot_failures)
                return 1
            if lived < BOOT_GRACE:
                time.sleep(1)       # no fork loop on a failing boot
            workers.spawn(index)
        time.sleep(service.SIGNAL_POLL)
    LOG.info('Signal %d received: stopping the API workers', received[0])
    return 0
