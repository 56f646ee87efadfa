"""The libvirt connection of a compute host, its events and its resources.

One connection (``[libvirt] connection_uri``) is opened per ``Host`` and
shared by every thread: libvirt-python connections are thread-safe, and
``test:///default`` keeps its domains only while a connection to it is
open. A connection closed under us (libvirtd restarted, socket lost) is
reopened on the next ``get_connection()``.

Lifecycle events come from libvirt's default event loop (one daemon thread
per process) and are handed to the compute through a bounded queue and a
dispatcher thread, so the listener never runs inside the event loop (a
listener calling back into libvirt there would deadlock a remote
connection).
"""
import logging
import os
import queue
import threading
import time

import libvirt
from oslo_concurrency import processutils

import nova_lite.conf
from nova_lite import exception
from nova_lite.virt import driver
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import imagebackend

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)

# Seconds the dispatcher waits for an event before looking for a stop.
DISPATCH_POLL_INTERVAL = 0.5
# Seconds cleanup() waits for the dispatcher thread to end.
DISPATCHER_JOIN_TIMEOUT = 5

_event_loop_lock = threading.Lock()
_event_loop_thread = None


def _run_event_loop():
    """Body of the libvirt event loop thread: dispatch forever."""
    while True:
        try:
            libvirt.virEventRunDefaultImpl()
        except libvirt.libvirtError:
            LOG.exception('libvirt event loop iteration failed')
            time.sleep(1)


def _ignore_libvirt_error(_ctx, _err):
    """libvirt error handler: errors reach callers as ``libvirtError``
    (and are logged there when it matters), not printed on stderr."""


def start_event_loop():
    """Register libvirt's default event loop and run it in a daemon thread.

    Once per process; connections opened afterwards deliver their events
    through it.
    """
    global _event_loop_thread
    with _event_loop_lock:
        if _event_loop_thread is not None:
            return
        libvirt.virEventRegisterDefaultImpl()
        _event_loop_thread = threading.Thread(
            target=_run_event_loop, name='libvirt-event-loop', daemon=True)
        _event_loop_thread.start()


def lifecycle_transition(event, detail):
    """Map a libvirt lifecycle event to a ``driver.EVENT_*`` or None.

    RESUMED is not mapped: QEMU guests start paused and are resumed, so a
    start brings STARTED and RESUMED, and pausing is not a driver
    operation (SUSPENDED is not mapped either).

    :param event: ``VIR_DOMAIN_EVENT_*`` (virDomainEventType)
    :param detail: the event's detail, e.g. ``VIR_DOMAIN_EVENT_STOPPED_*``
    """
    if event == libvirt.VIR_DOMAIN_EVENT_STARTED:
        return driver.EVENT_STARTED
    if event == libvirt.VIR_DOMAIN_EVENT_CRASHED or (
            event == libvirt.VIR_DOMAIN_EVENT_STOPPED
            and detail == libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED):
        return driver.EVENT_CRASHED
    if event == libvirt.VIR_DOMAIN_EVENT_STOPPED:
        return driver.EVENT_STOPPED
    return None


def host_memory_mb(meminfo='/proc/meminfo'):
    """Return MemTotal of ``meminfo`` in MiB.

    Read from the kernel rather than libvirt's getInfo(), which can
    under-report the host's memory.

    :raises: ValueError when ``meminfo`` has no MemTotal line; OSError
    """
    with open(meminfo) as f:
        for line in f:
            if line.startswith('MemTotal:'):
                return int(line.split()[1]) // 1024
    raise ValueError(f'no MemTotal in {meminfo}')


def disk_gb(path):
    """Return the size of the file system holding ``path`` in GiB."""
    st = os.statvfs(path)
    return st.f_blocks * st.f_frsize // imagebackend.GiB


def uptime():
    """Return procps' ``uptime`` line of this host (LANG=C), without its
    newline.

    :raises: oslo_concurrency.processutils.ProcessExecutionError
    """
    out, _err = processutils.execute('env', 'LANG=C', 'uptime')
    return out.rstrip('\n')


def available_resource(conn, nodename, instances_path):
    """Totals of this node (see ``ComputeDriver.get_available_resource``).

    :param conn: the open ``libvirt.virConnect``
    :param instances_path: directory whose file system is the local disk
        (created if missing)
    :returns: dict: vcpus (from libvirt), memory_mb (MiB, /proc/meminfo),
        local_gb (GiB), hypervisor_type, hypervisor_version (int),
        hypervisor_hostname (``nodename``)
    """
    os.makedirs(instances_path, exist_ok=True)
    return {
        'vcpus': conn.getInfo()[2],
        'memory_mb': host_memory_mb(),
        'local_gb': disk_gb(instances_path),
        'hypervisor_type': conn.getType(),
        'hypervisor_version': conn.getVersion(),
        'hypervisor_hostname': nodename,
    }


class Host:
    """The shared libvirt connection of one compute, and the delivery of
    its guests' lifecycle events to ``emit_event(driver.LifecycleEvent)``.

    :param host: the compute's host name (for errors and thread names)
    :param emit_event: callable given each ``driver.LifecycleEvent`` of
        one of our guests, in the dispatcher thread
    """

    def __init__(self, host, emit_event):
        self.host = host
        self._emit_event = emit_event
        self._conn = None
        self._conn_broken = False
        self._conn_lock = threading.Lock()
        self._callback_ids = []
        self._events = None
        self._dispatcher = None
        self._stop_dispatch = threading.Event()

    def start_events(self):
        """Start the event loop and dispatcher (once); subscribe the
        connection if one is already open."""
        start_event_loop()
        if self._dispatcher is not None:
            return
        self._start_dispatcher()
        with self._conn_lock:
            if self._conn is not None:
                self._register_events(self._conn)

    def cleanup(self):
        """Stop event delivery and close the connection."""
        if self._dispatcher is not None:
            self._events = None
            self._stop_dispatch.set()
            self._dispatcher.join(timeout=DISPATCHER_JOIN_TIMEOUT)
            self._dispatcher = None
        with self._conn_lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                self._close(conn)

    def _start_dispatcher(self):
        """Create the event queue and the thread that empties it."""
        self._events = queue.Queue(maxsize=CONF.libvirt.event_queue_size)
        self._stop_dispatch.clear()
        self._dispatcher = threading.Thread(
            target=self._dispatch_events, args=(self._events,),
            name=f'libvirt-events-{self.host}', daemon=True)
        self._dispatcher.start()

    def get_connection(self):
        """Return the shared connection, (re)opening it when needed.

        :raises: HypervisorUnavailable when it cannot be opened
        """
        with self._conn_lock:
            conn = self._conn
            if conn is not None and not self._conn_broken and conn.isAlive():
                return conn
            if conn is not None:
                LOG.warning('libvirt connection to %s is broken; '
                            'reconnecting', CONF.libvirt.connection_uri)
                self._close(conn)
                self._conn = None
            self._conn = self._connect()
            return self._conn

    def _connect(self):
        """Open ``[libvirt] connection_uri``; register our callbacks."""
        uri = CONF.libvirt.connection_uri
        libvirt.registerErrorHandler(_ignore_libvirt_error, None)
        try:
            conn = libvirt.open(uri)
        except libvirt.libvirtError as exc:
            LOG.error('Cannot connect to libvirt at %s: %s', uri, exc)
            raise exception.HypervisorUnavailable(host=self.host) from exc
        self._conn_broken = False
        try:
            conn.registerCloseCallback(self._on_close, None)
        except libvirt.libvirtError:
            LOG.debug('%s has no close callbacks', uri)
        if self._events is not None:
            self._register_events(conn)
        LOG.info('Connected to libvirt at %s', uri)
        return conn

    def _on_close(self, conn, reason, opaque):
        """Close callback: the next call reconnects."""
        LOG.warning('libvirt connection closed (reason %s)', reason)
        self._conn_broken = True

    def _register_events(self, conn):
        """Subscribe to domain lifecycle events of ``conn``."""
        self._callback_ids.append(conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
            self._lifecycle_event, None))

    def _close(self, conn):
        """Drop our callbacks from ``conn`` and close it, ignoring errors
        of a connection that is already broken."""
        try:
            for callback_id in self._callback_ids:
                conn.domainEventDeregisterAny(callback_id)
            conn.unregisterCloseCallback()
        except libvirt.libvirtError:
            pass
        self._callback_ids = []
        try:
            conn.close()
        except libvirt.libvirtError:
            pass

    def _lifecycle_event(self, conn, dom, event, detail, opaque):
        """libvirt callback (event loop thread): queue our guests' events.

        Calls no libvirt API that talks to the daemon: a domain's name and
        UUID are held by the ``virDomain`` object itself.
        """
        uuid = libvirt_guest.instance_uuid(dom,
                                           CONF.instance_name_template)
        transition = lifecycle_transition(event, detail)
        events = self._events
        if uuid is None or transition is None or events is None:
            return
        try:
            events.put_nowait(driver.LifecycleEvent(uuid, transition))
        except queue.Full:
            LOG.warning('Lifecycle event queue full; dropped %s of %s',
                        transition, uuid)

    def _dispatch_events(self, events):
        """Dispatcher thread: hand queued events to the listener until
        cleanup()."""
        while not self._stop_dispatch.is_set():
            try:
                event = events.get(timeout=DISPATCH_POLL_INTERVAL)
            except queue.Empty:
                continue
            try:
                self._emit_event(event)
            except Exception:
                LOG.exception('Lifecycle event listener failed on %s',
                              event)
