"""Prometheus metrics of every nova_lite service (``prometheus_client``).

The metrics are module-level objects of prometheus_client's default
registry, recorded in process whether or not the listener runs (an
increment or observation costs about a microsecond); ``[metrics] listen``
only decides whether they are served (``nova_lite.metrics.listener``).
Each process exports the metrics of the code it runs: the API's request
metrics, the conductor's build counters, and so on; nova-lite-all
exports all of them from one listener.

Conventions: ``nova_lite_`` prefix, ``_total`` counters, ``_seconds``
and ``_bytes`` base units, and bounded labels only (route templates,
RPC method names, filter class names, host names, states): never an
instance uuid, request id or raw URL. doc/admin/metrics.md lists every
metric with its labels and meaning.

Compute and conductor code call one-line helpers of this module
(``build_started``, ``build_active`` ...) so their instrumentation stays
in one place.
"""
import datetime
import threading
import time
import weakref

import prometheus_client as prom
from prometheus_client import core as prom_core
from prometheus_client import registry as prom_registry

from nova_lite import stats

#: Buckets (seconds) of request/RPC/select latencies: 1 ms .. 60 s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                   0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: Buckets (seconds) of builds: 50 ms .. 30 min.
BUILD_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
                 120.0, 300.0, 600.0, 1800.0)
#: Buckets of host counts.
HOST_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)

# ------------------------------------------------------------------ API

API_REQUESTS = prom.Counter(
    'nova_lite_api_requests_total',
    'API requests answered, by Flask route template, method and status '
    'code (route "none": no route matched or the request was refused '
    'before routing, e.g. by authentication).',
    ['route', 'method', 'code'])
API_REQUEST_SECONDS = prom.Histogram(
    'nova_lite_api_request_duration_seconds',
    'Seconds from receiving an API request to the start of its response.',
    ['route', 'method'], buckets=LATENCY_BUCKETS)

# --------------------------------------------------------------- builds

BUILDS_STARTED = prom.Counter(
    'nova_lite_builds_started_total',
    'Instances whose build the conductor started (first scheduling).')
BUILDS_RESCHEDULED = prom.Counter(
    'nova_lite_builds_rescheduled_total',
    'Instances the conductor was asked to reschedule onto an alternate '
    'host after a failed or refused build on a compute.')
BUILDS_FAILED = prom.Counter(
    'nova_lite_builds_failed_total',
    'Builds that ended in ERROR, by stage: "schedule" (NoValidHost or '
    'scheduler timeout, conductor), "reschedule" (no alternate left, '
    'conductor), "compute" (failed on the last host, compute).',
    ['stage'])
BUILDS_SUCCEEDED = prom.Counter(
    'nova_lite_builds_succeeded_total',
    'Builds that went ACTIVE (counted by the compute that saw it).')
BUILD_TO_ACTIVE_SECONDS = prom.Histogram(
    'nova_lite_build_to_active_seconds',
    'Seconds from the instance record creation (API) to ACTIVE '
    '(observed by the compute).', buckets=BUILD_BUCKETS)
FAILED_STAGES = ('schedule', 'reschedule', 'compute')

# ------------------------------------------------------------ scheduler

SELECT_SECONDS = prom.Histogram(
    'nova_lite_scheduler_select_destinations_seconds',
    'Seconds spent in select_destinations, by outcome (success, '
    'no_valid_host, error).', ['outcome'], buckets=LATENCY_BUCKETS)
HOSTS_CONSIDERED = prom.Histogram(
    'nova_lite_scheduler_hosts_considered',
    'Hosts left by the SQL prefilter for one select_destinations call '
    '(the candidates the Python filters then see).',
    buckets=HOST_BUCKETS)
NO_VALID_HOST = prom.Counter(
    'nova_lite_scheduler_no_valid_host_total',
    'NoValidHost answers, counted once per filter that rejected at least '
    'one host in it ("ClaimConflict": hosts lost to concurrent claims, '
    '"NoHosts": no compute registered).', ['filter'])

# -------------------------------------------------------------- compute

SPAWN_SECONDS = prom.Histogram(
    'nova_lite_compute_spawn_seconds',
    'Seconds of the virt driver\'s spawn (successful or not).',
    buckets=BUILD_BUCKETS)
POWER_SYNC_CORRECTIONS = prom.Counter(
    'nova_lite_compute_power_sync_corrections_total',
    'Power states corrected from the hypervisor (periodic sync or '
    'lifecycle event).')

# ------------------------------------------------------------------ RPC

RPC_CALL_SECONDS = prom.Histogram(
    'nova_lite_rpc_call_seconds',
    'Seconds of RPC calls made by this process (client side), by method '
    'and outcome (success, timeout, error: a remote exception included).',
    ['method', 'outcome'], buckets=LATENCY_BUCKETS)
RPC_CALL_TIMEOUTS = prom.Counter(
    'nova_lite_rpc_call_timeouts_total',
    'RPC calls of this process that ended in MessagingTimeout, by method.',
    ['method'])
RPC_CASTS = prom.Counter(
    'nova_lite_rpc_casts_total',
    'RPC casts sent by this process, by method.', ['method'])

# ------------------------------------------------------------- database

DB_STATEMENTS = prom.Counter(
    'nova_lite_db_statements_total',
    'SQL statements executed, by service (the binary of the process).',
    ['service'])
DB_TRANSACTION_SECONDS = prom.Histogram(
    'nova_lite_db_transaction_seconds',
    'Seconds from BEGIN to COMMIT or ROLLBACK of database transactions, '
    'by service.', ['service'], buckets=LATENCY_BUCKETS)


# ------------------------------------------------------------- helpers

def build_started(count):
    """The conductor starts scheduling ``count`` instances."""
    BUILDS_STARTED.inc(count)


def build_rescheduled(count):
    """The conductor reschedules ``count`` instances."""
    BUILDS_RESCHEDULED.inc(count)


def build_failed(stage, count=1):
    """``count`` builds went to ERROR at ``stage`` (one of
    ``FAILED_STAGES``).

    :raises: ValueError for another stage (keeps the label bounded)
    """
    if stage not in FAILED_STAGES:
        raise ValueError('unknown build stage %r' % (stage,))
    BUILDS_FAILED.labels(stage).inc(count)


def build_active(instance, now=None):
    """``instance`` (with ``created_at``, naive UTC) went ACTIVE: count it
    and observe its create-to-ACTIVE time (skipped when unknown)."""
    BUILDS_SUCCEEDED.inc()
    created = getattr(instance, 'created_at', None)
    if created is None:
        return
    created = created.replace(tzinfo=None)
    now = now or _utcnow()
    BUILD_TO_ACTIVE_SECONDS.observe(max(0.0, (now - created)
                                        .total_seconds()))


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def declare_scheduler_series(filter_names):
    """Create the scheduler's labelled series at 0 (each filter of
    ``filter_names`` and the special names of NO_VALID_HOST, each
    outcome of SELECT_SECONDS), so that they are scraped from the start:
    a series that first appears at 1 shows no ``increase()`` in
    Prometheus (it has no earlier sample)."""
    for name in list(filter_names) + ['ClaimConflict', 'NoHosts', 'other']:
        NO_VALID_HOST.labels(name)
    for outcome in ('success', 'no_valid_host', 'error'):
        SELECT_SECONDS.labels(outcome)


def no_valid_host(exc, known_filters=()):
    """Count a NoValidHost: +1 per filter named in its per-host
    ``details`` rows ({"host", "filter", "reason"}). Names outside
    ``known_filters`` (when given) count as "other"."""
    names = {row.get('filter') for row in (getattr(exc, 'details', None)
                                            or ()) if isinstance(row, dict)}
    names.discard(None)
    if not names:
        names = {'NoHosts'}
    allowed = set(known_filters) | {'ClaimConflict', 'NoHosts'}
    for name in sorted(names):
        NO_VALID_HOST.labels(name if not known_filters or name in allowed
                             else 'other').inc()


class select_timer:
    """Context manager timing one select_destinations: the outcome label
    is "success", "no_valid_host" (an exception class named NoValidHost)
    or "error"."""

    def __enter__(self):
        self._start = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            outcome = 'success'
        elif exc_type.__name__ == 'NoValidHost':
            outcome = 'no_valid_host'
        else:
            outcome = 'error'
        elapsed = time.monotonic() - self._start
        SELECT_SECONDS.labels(outcome).observe(elapsed)
        stats.observe('select_destinations', elapsed)
        return False


# ------------------------------------------------------ compute gauges

_COMPUTES = weakref.WeakSet()
_COMPUTES_LOCK = threading.Lock()


def register_compute(manager):
    """Export the build queue of ``manager`` (a ComputeManager: ``host``,
    ``_executor`` a futurist ThreadPoolExecutor, ``_build_semaphore``)
    until it is garbage collected."""
    with _COMPUTES_LOCK:
        _COMPUTES.add(manager)


def build_queue(manager):
    """(queued, running, max_concurrent_builds) of a compute manager:
    builds accepted but not yet spawning (waiting in the executor queue
    or for the build semaphore), builds holding the semaphore, and its
    size."""
    executor, semaphore = manager._executor, manager._build_semaphore
    limit = semaphore._initial_value
    running = limit - semaphore._value
    busy = executor.num_workers - executor.get_num_idle_workers()
    return executor.queue_size + max(0, busy - running), running, limit


class ComputeCollector(prom_registry.Collector):
    """Build queue gauges of the compute managers of this process, read
    at scrape time from memory (no database)."""

    def collect(self):
        queued = prom_core.GaugeMetricFamily(
            'nova_lite_compute_builds_queued',
            'Builds accepted by a compute and waiting for a build slot.',
            labels=['host'])
        running = prom_core.GaugeMetricFamily(
            'nova_lite_compute_builds_running',
            'Builds holding a build slot (spawning).', labels=['host'])
        limit = prom_core.GaugeMetricFamily(
            'nova_lite_compute_max_concurrent_builds',
            'Build slots of a compute ([DEFAULT] max_concurrent_builds).',
            labels=['host'])
        with _COMPUTES_LOCK:
            managers = list(_COMPUTES)
        for manager in managers:
            try:
                q, r, m = build_queue(manager)
            except (AttributeError, RuntimeError):
                continue
            queued.add_metric([manager.host], q)
            running.add_metric([manager.host], r)
            limit.add_metric([manager.host], m)
        return [queued, running, limit]


prom.REGISTRY.register(ComputeCollector())
