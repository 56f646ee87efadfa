"""A nova_lite service: RPC server, services-table heartbeat, periodic tasks.

``Service(host, binary, topic, manager)`` registers (host, binary) in the
``services`` table, serves ``manager`` on ``topic`` (and ``topic.host``),
heartbeats every ``report_interval`` seconds and runs the manager's
periodic tasks (``manager.periodic_tasks()`` → [(callable, seconds)]).

A manager with a ``conductor`` attribute (the compute's: it has no
database access) registers and heartbeats through it (a call to register,
once a conductor answers, then casts), as Nova's servicegroup database
driver does for computes; the others write the table themselves.
"""
import signal
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import notifications
from nova_lite import rpc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: Seconds between two looks at the stop signals received.
SIGNAL_POLL = 0.2
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def catch_stop_signals():
    """Record SIGTERM and SIGINT instead of dying on them.

    The handler only appends to a list: a Python signal handler runs in
    the main thread between two bytecodes, wherever that thread is, so
    one that took a lock (``threading.Event.set``) could wait for a lock
    its own thread holds.

    :returns: (list of the signal numbers received, {signal: previous
        handler}); nothing is installed outside the main thread (({}
        handlers then), where signals cannot be caught)
    """
    received = []
    if threading.current_thread() is not threading.main_thread():
        return received, {}

    def _handler(signum, _frame):
        received.append(signum)

    return received, {sig: signal.signal(sig, _handler)
                      for sig in STOP_SIGNALS}


def wait_for_stop(received, keep_waiting=lambda: True):
    """Sleep until ``received`` (of ``catch_stop_signals``) holds a
    signal or ``keep_waiting()`` is false; ``time.sleep`` is cut short by
    a signal."""
    while not received and keep_waiting():
        time.sleep(SIGNAL_POLL)


class PeriodicTask(threading.Thread):
    """Calls ``func()`` every ``interval`` seconds until stopped; errors
    are logged and the loop goes on."""

    def __init__(self, name, func, interval, initial_delay=None):
        super().__init__(name=name, daemon=True)
        self.func = func
        self.interval = interval
        self.initial_delay = interval if initial_delay is None \
            else initial_delay
        self._stop_event = threading.Event()

    def run(self):
        if self._stop_event.wait(self.initial_delay):
            return
        while True:
            try:
                self.func()
            except Exception:  # noqa: BLE001 - keep the loop alive
                LOG.exception('Periodic task %s failed', self.name)
            if self._stop_event.wait(self.interval):
                return

    def stop(self):
        self._stop_event.set()


class DatabaseStateReport:
    """Registration and heartbeat written to the services table."""

    def __init__(self):
        # Imported here: a compute (ConductorStateReport) must not load
        # the database layer at all.
        from nova_lite.db import services as service_db
        self.db = service_db

    def register(self, ctxt, host, binary, topic, stopping=None):
        """The services row's dict (``stopping`` is unused: the write does
        not wait for another service)."""
        return self.db.service_register(ctxt, host, binary, topic)

    def heartbeat(self, ctxt, service_ref, host, binary, topic):
        """The (possibly new, when it was deleted) row's dict."""
        if self.db.service_heartbeat(ctxt, service_ref['id']):
            return service_ref
        return self.register(ctxt, host, binary, topic)


class ConductorStateReport:
    """Registration (a call, waiting for a conductor) and heartbeats
    (casts; the conductor re-registers a deleted row) through
    ``ConductorAPI``."""

    def __init__(self, conductor):
        self.conductor = conductor

    def register(self, ctxt, host, binary, topic, stopping=None):
        """The services row's dict, once a conductor answers.

        :param stopping: callable, true once the process was asked to
            stop; the wait for a conductor ends then
        :raises: ServiceStartInterrupted when ``stopping()`` became true
            before a conductor answered
        """
        stopping = stopping or (lambda: False)
        try:
            self.conductor.wait_until_ready(ctxt, stopping=stopping)
        except messaging.MessagingTimeout as exc:
            if stopping():
                raise exception.ServiceStartInterrupted(
                    binary=binary, host=host) from exc
            raise
        return self.conductor.service_register(ctxt, host, binary, topic)

    def heartbeat(self, ctxt, service_ref, host, binary, topic):
        self.conductor.service_heartbeat(ctxt, service_ref['id'], host,
                                         binary, topic)
        return service_ref


def state_report(manager):
    """The registration/heartbeat writer suiting ``manager``."""
    conductor = getattr(manager, 'conductor', None)
    if conductor is not None:
        return ConductorStateReport(conductor)
    return DatabaseStateReport()


class Service:
    """One service instance (e.g. the compute of host ``node1``)."""

    def __init__(self, host, binary, topic, manager):
        self.host = host
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.service_ref = None
        self._servers = []
        self._tasks = []
        self._ping_client = None
        self.liveness = rpc.ConsumerLiveness()
        self.state = state_report(manager)

    def start(self, stopping=None):
        """Register, start the RPC servers and the periodic tasks.

        :param stopping: callable, true once the process was asked to
            stop (a compute then gives up waiting for a conductor)
        :raises: ServiceStartInterrupted when asked to stop while waiting
        """
        ctxt = nl_context.get_admin_context()
        self.service_ref = self.state.register(ctxt, self.host, self.binary,
                                               self.topic, stopping=stopping)
        self.manager.init_host()
        main = rpc.get_server(
            messaging.Target(topic=self.topic, server=self.host),
            [self.manager], liveness=self.liveness)
        main.start()
        self._servers.append(main)
        for target, endpoints in self.manager.extra_rpc_servers():
            server = rpc.get_server(target, endpoints)
            server.start()
            self._servers.append(server)
        self.manager.post_start_hook()
        self._start_task('heartbeat', self.report_state,
                         CONF.report_interval)
        for func, interval in self.manager.periodic_tasks():
            self._start_task(func.__name__, func, interval)
        # service.create from the service itself, at every registration
        # (a restart registers again); last, so that connecting the
        # notifier never delays the RPC server others wait for.
        notifications.service(ctxt, 'create', self.service_ref,
                              binary=self.binary, host=self.host)
        LOG.info('%s started on %s (topic %s)', self.binary, self.host,
                 self.topic)

    def _start_task(self, name, func, interval):
        task = PeriodicTask('%s-%s' % (self.host, name), func, interval)
        task.start()
        self._tasks.append(task)

    def consumer_alive(self):
        """True when this service answers an RPC ``ping`` sent to its own
        ``topic.host`` queue: the consumer is running and connected to the
        broker (a process whose consumer died or lost the broker fails);
        or, when the ping waited behind other work past its timeout (a
        conductor busy with builds), when the consumer dispatched
        messages since the last check (``rpc.ConsumerLiveness``)."""
        client = self._ping_client or rpc.get_client(
            messaging.Target(topic=self.topic, server=self.host),
            timeout=max(1, min(CONF.report_interval, 10)))
        self._ping_client = client
        try:
            answered = client.call(nl_context.get_admin_context(),
                                   'ping') == 'pong'
        except Exception as exc:  # noqa: BLE001 - any failure means dead
            busy = self.liveness.progress_since()
            LOG.warning('Self-ping of %s on %s failed: %s (%d messages '
                        'dispatched since the last check%s)', self.binary,
                        self.host, exc, busy,
                        ': busy, still alive' if busy else '')
            answered = False
        return self.liveness.judge(answered)

    def report_state(self):
        """Heartbeat, only while the RPC consumer is alive; so a service
        whose consumer is gone is marked down after service_down_time and
        gets no new work."""
        if not self.consumer_alive():
            LOG.warning('RPC consumer of %s on %s is not answering: no '
                        'heartbeat', self.binary, self.host)
            return
        self.service_ref = self.state.heartbeat(
            nl_context.get_admin_context(), self.service_ref, self.host,
            self.binary, self.topic)

    def stop(self, graceful=True):
        """Stop tasks (waiting up to 15 s for one that is running, so none
        outlives the service) and RPC servers; wait for running requests.
        The manager's ``pre_stop_hook`` runs first."""
        self.manager.pre_stop_hook()
        for task in self._tasks:
            task.stop()
        for task in self._tasks:
            task.join(15)
        for server in self._servers:
            try:
                server.stop()
                if graceful:
                    server.wait()
            except Exception:  # noqa: BLE001 - best effort on shutdown
                LOG.exception('Error stopping RPC server')
        self.manager.cleanup_host()
        LOG.info('%s stopped on %s', self.binary, self.host)


class Manager:
    """Base of the RPC endpoint classes (``manager.py`` of each service)."""

    target = messaging.Target(version='1.0')

    def __init__(self, host):
        self.host = host

    def init_host(self):
        """Work before the RPC server starts (recovery of owned state)."""

    def post_start_hook(self):
        """Work right after the RPC server started."""

    def pre_stop_hook(self):
        """Work as the service starts stopping, before its periodic tasks
        and RPC servers stop (nothing may be half done by then)."""

    def cleanup_host(self):
        """Work on shutdown."""

    def periodic_tasks(self):
        """[(callable, interval seconds)] run by the Service."""
        return []

    def extra_rpc_servers(self):
        """[(Target, [endpoints])] of RPC servers the Service runs besides
        its own ``topic``/``host`` one, each with its own consumer and
        threads (the conductor's heartbeat topic)."""
        return []

    def ping(self, context):
        """RPC call answered by the consumer itself (liveness check)."""
        return 'pong'
