"""Cloud capacity and instance-state gauges, read from the database
periodically by one process (the scheduler, or nova-lite-all) and served
from memory by a custom collector: a scrape never reads the database.

Per host (labels ``host``, ``availability_zone``): vCPUs, memory bytes
and disk bytes, total and used (``used`` is what claims hold, before
allocation ratios: compare it with the total times the ratio for
overcommit). Per aggregate (labels ``aggregate``, ``availability_zone``,
"" when the aggregate is no zone): the same sums over its hosts.
Instances by ``host`` ("none" before scheduling) and ``vm_state``.
Host, aggregate and zone names are bounded by the size of the cloud.
"""
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging
import prometheus_client as prom
from prometheus_client import core as prom_core
from prometheus_client import registry as prom_registry

from nova_lite import context as nl_context
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import metrics as metrics_db
from nova_lite import service

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
MIB = 1024 ** 2
GIB = 1024 ** 3

#: (metric suffix, help, node column, bytes per unit)
RESOURCES = (
    ('vcpus', 'vCPUs', 'vcpus', 1),
    ('vcpus_used', 'vCPUs claimed by instances', 'vcpus_used', 1),
    ('memory_bytes', 'memory (bytes)', 'memory_mb', MIB),
    ('memory_used_bytes', 'memory claimed by instances (bytes)',
     'memory_mb_used', MIB),
    ('disk_bytes', 'local disk (bytes)', 'local_gb', GIB),
    ('disk_used_bytes', 'local disk claimed by instances (bytes)',
     'local_gb_used', GIB),
)


class Snapshot:
    """What one database read found.

    :ivar nodes: node dicts of ``metrics_db.node_capacity``
    :ivar aggregates: aggregate dicts (name, availability_zone, hosts)
    :ivar instances: {(host or None, vm_state): count}
    :ivar taken_at: Unix time of the read
    """

    def __init__(self, nodes=(), aggregates=(), instances=None,
                 taken_at=None):
        self.nodes = list(nodes)
        self.aggregates = list(aggregates)
        self.instances = dict(instances or {})
        self.taken_at = taken_at


def read_snapshot(context):
    """A Snapshot from the database (three reads).

    :raises: oslo.db DBError when the database is unreachable
    """
    return Snapshot(metrics_db.node_capacity(context),
                    aggregate_db.aggregate_get_all(context),
                    metrics_db.instance_counts(context), time.time())


def host_zones(snapshot, default_zone):
    """{host: availability zone}: the zone of its zone aggregate, else
    ``default_zone``."""
    zones = {}
    for agg in snapshot.aggregates:
        if agg.get('availability_zone'):
            for host in agg['hosts']:
                zones.setdefault(host, agg['availability_zone'])
    return {node['host']: zones.get(node['host'], default_zone)
            for node in snapshot.nodes}


def families(snapshot, default_zone):
    """The gauge families of ``snapshot`` (a list of prometheus_client
    GaugeMetricFamily)."""
    zones = host_zones(snapshot, default_zone)
    result = []
    by_host = {node['host']: node for node in snapshot.nodes}
    for suffix, what, column, unit in RESOURCES:
        host_family = prom_core.GaugeMetricFamily(
            'nova_lite_host_' + suffix, 'Compute host %s.' % what,
            labels=['host', 'availability_zone'])
        for node in snapshot.nodes:
            host_family.add_metric([node['host'], zones[node['host']]],
                                   (node[column] or 0) * unit)
        agg_family = prom_core.GaugeMetricFamily(
            'nova_lite_aggregate_' + suffix,
            'Sum over the hosts of an aggregate of their %s.' % what,
            labels=['aggregate', 'availability_zone'])
        for agg in snapshot.aggregates:
            total = sum((by_host[h][column] or 0) for h in agg['hosts']
                        if h in by_host)
            agg_family.add_metric([agg['name'],
                                   agg.get('availability_zone') or ''],
                                  total * unit)
        result += [host_family, agg_family]
    instances = prom_core.GaugeMetricFamily(
        'nova_lite_instances', 'Live instances by host ("none": not '
        'placed yet) and vm_state.', labels=['host', 'vm_state'])
    for (host, state), count in sorted(snapshot.instances.items(),
                                       key=lambda kv: (kv[0][0] or '',
                                                       kv[0][1])):
        instances.add_metric([host or 'none', state], count)
    result.append(instances)
    if snapshot.taken_at is not None:
        result.append(prom_core.GaugeMetricFamily(
            'nova_lite_capacity_read_timestamp_seconds',
            'Unix time of the last database read of these gauges.',
            value=snapshot.taken_at))
    return result


class CapacityCollector(prom_registry.Collector):
    """Serves the last Snapshot; ``refresh()`` reads a new one."""

    def __init__(self, reader=read_snapshot, default_zone=None):
        self._reader = reader
        self._default_zone = default_zone
        self._snapshot = None
        self._lock = threading.Lock()

    def refresh(self, context=None):
        """Read the database; on failure keep the previous snapshot.

        :returns: True when the read succeeded
        """
        try:
            snapshot = self._reader(context
                                    or nl_context.get_admin_context())
        except Exception:  # noqa: BLE001 - a scrape must keep working
            LOG.exception('Reading the capacity gauges failed')
            return False
        with self._lock:
            self._snapshot = snapshot
        return True

    def collect(self):
        with self._lock:
            snapshot = self._snapshot
        if snapshot is None:
            return []
        return families(snapshot, self._default_zone
                        or CONF.compute.default_availability_zone)


_COLLECTOR = None


def start(interval, registry=prom.REGISTRY):
    """Register the collector (once per process) and refresh it now and
    every ``interval`` seconds.

    :returns: the PeriodicTask (``stop()`` it on shutdown)
    """
    global _COLLECTOR
    if _COLLECTOR is None:
        _COLLECTOR = CapacityCollector()
        registry.register(_COLLECTOR)
    task = service.PeriodicTask('metrics-capacity', _COLLECTOR.refresh,
                                interval, initial_delay=0)
    task.start()
    return task
