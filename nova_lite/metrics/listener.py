"""The management listener of a service: ``GET /metrics`` on
``[metrics] listen``:``port + offset`` (``nova_lite.conf.metrics``).

``start(conf, binary)`` is called once per process by the console
scripts. It counts the process's SQL statements and transaction times
(SQLAlchemy engine events, labelled with ``binary``), starts
prometheus_client's HTTP server in a daemon thread and, in a process
that runs the scheduler (``capacity=True``), the periodic capacity
reader (``nova_lite.metrics.capacity``). Nothing is started when
``[metrics] listen`` is empty.

No token is asked for (the exception to the token rule): bind it to
loopback or a management network only.

Each process has its own registry (prometheus_client's default, in
process): nova-lite-api with ``[api] workers`` above 1 runs one listener
per worker process, worker k on the API's port + 10 * k
(``nova_lite.conf.metrics.service_port``), each a scrape target of its
own; their sums are the API's figures. prometheus_client's multiprocess
mode is not used (it would need its directory set before any metric
exists, and the capacity collectors are not multiprocess-safe).
"""
import threading
import time

from oslo_log import log as logging
import prometheus_client as prom
import sqlalchemy as sa
from sqlalchemy import event

from nova_lite.conf import metrics as metrics_conf
from nova_lite import metrics

LOG = logging.getLogger(__name__)
_BEGIN_KEY = 'nova_lite.metrics.begin'
_lock = threading.Lock()
_db_service = None


class Listener:
    """A running metrics listener; ``stop()`` closes it (idempotent).

    :ivar address: (host, port) bound
    """

    def __init__(self, server, thread, tasks=()):
        self._server = server
        self._thread = thread
        self._tasks = list(tasks)
        self.address = server.server_address[:2]

    def stop(self):
        for task in self._tasks:
            task.stop()
        self._tasks = []
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None


def start(conf, binary, capacity=False, worker=0):
    """Start the metrics of this process, if ``[metrics] listen`` is set.

    :param binary: the service's binary name (port offset and the
        ``service`` label of the database metrics)
    :param capacity: also read the capacity and instance-state gauges from
        the database every ``[metrics] capacity_interval`` seconds
    :param worker: index of this API worker process (its port is the
        API's + ``worker * API_WORKER_PORT_STEP``)
    :returns: a ``Listener``, or None when metrics are off
    :raises: OSError when the port cannot be bound (in use, no permission)
    """
    if not conf.metrics.listen:
        return None
    install_db_events(binary)
    port = metrics_conf.service_port(conf, binary, worker)
    try:
        server, thread = prom.start_http_server(port,
                                                addr=conf.metrics.listen)
    except OSError:
        LOG.error('Cannot serve metrics on %s:%d', conf.metrics.listen, port)
        raise
    tasks = []
    if capacity:
        from nova_lite.metrics import capacity as capacity_mod
        tasks.append(capacity_mod.start(conf.metrics.capacity_interval))
    listener = Listener(server, thread, tasks)
    LOG.info('Metrics of %s on http://%s:%d/metrics', binary,
             *listener.address)
    return listener


def install_db_events(service):
    """Count statements and time transactions of every engine of this
    process under ``service`` (the first name given wins; idempotent)."""
    global _db_service
    with _lock:
        if _db_service is not None:
            return
        _db_service = service
    statements = metrics.DB_STATEMENTS.labels(service)
    transactions = metrics.DB_TRANSACTION_SECONDS.labels(service)

    def _statement(*_args, **_kwargs):
        statements.inc()

    def _begin(conn):
        conn.info[_BEGIN_KEY] = time.monotonic()

    def _end(conn):
        begun = conn.info.pop(_BEGIN_KEY, None)
        if begun is not None:
            transactions.observe(time.monotonic() - begun)

    event.listen(sa.engine.Engine, 'before_cursor_execute', _statement)
    event.listen(sa.engine.Engine, 'begin', _begin)
    event.listen(sa.engine.Engine, 'commit', _end)
    event.listen(sa.engine.Engine, 'rollback', _end)
