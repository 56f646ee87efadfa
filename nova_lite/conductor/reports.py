"""The computes' heartbeats and resource reports, written in batches.

Every compute casts a heartbeat each ``report_interval`` (10 s) and a
resource report each ``[compute] resource_update_interval`` (60 s):
1,000 hosts send 100 heartbeats and 17 reports a second, one UPDATE (a
report: four statements) each when written as they come. The conductor
queues them instead and writes, every ``[conductor]
report_batch_interval`` seconds, all those queued: the heartbeats in one
UPDATE (``services.service_heartbeats``), the reports in one
transaction (``compute_nodes.compute_node_reports``: three statements
whatever their number). A host whose services row was deleted meanwhile
is registered again, as a single heartbeat does.

What a batch delays is the time the database shows: at most
``report_batch_interval`` seconds (against ``service_down_time``, 60 s,
and the resource report's own interval), never a claim: claims update
the usage themselves, reports only heal it. A failed write is logged and
dropped; the next heartbeat or report of each host comes anyway.
``report_batch_interval = 0`` writes each one as it comes.

A node's first report to this conductor is written at once: a compute
that starts (or a conductor that restarts) is schedulable as soon as its
report arrives, not a batch later (the scheduler reads only the nodes
the database holds).
"""
import threading

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.conductor import compute_proxy
from nova_lite import context as nl_context
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import services as service_db

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class ReportBatcher:
    """Queues heartbeats and resource reports; a thread (started with
    the first one) writes them every ``interval`` seconds, and ``stop``
    writes what is left."""

    def __init__(self, interval=None):
        self.interval = (CONF.conductor.report_batch_interval
                         if interval is None else interval)
        self._lock = threading.Lock()
        self._heartbeats = {}
        self._reports = {}
        self._stopped = threading.Event()
        self._thread = None
        self._seen_nodes = set()

    def heartbeat(self, context, service_id, host, binary, topic):
        """Queue the heartbeat of services row ``service_id`` (written at
        once when batches are off or the batcher stopped)."""
        if not self.interval or self._stopped.is_set():
            compute_proxy.service_heartbeat(context, service_id, host,
                                            binary, topic)
            return
        with self._lock:
            self._heartbeats[service_id] = (host, binary, topic)
            self._start()

    def node_report(self, context, **report):
        """Queue a resource report (the keywords of
        ``compute_proxy.compute_node_report``); a node's last one wins
        (written at once when it is the node's first, when batches are
        off or when the batcher stopped)."""
        node = (report['host'], report['nodename'])
        with self._lock:
            first = node not in self._seen_nodes
            self._seen_nodes.add(node)
        if first or not self.interval or self._stopped.is_set():
            compute_proxy.compute_node_report(context, **report)
            return
        with self._lock:
            self._reports[node] = report
            self._start()

    def _start(self):
        if self._thread is None and not self._stopped.is_set():
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name='report-batches')
            self._thread.start()

    def _run(self):
        while not self._stopped.wait(self.interval):
            self.flush()

    def flush(self):
        """Write what is queued now; errors are logged (see module
        doc). Returns (heartbeats, reports) written."""
        with self._lock:
            heartbeats, self._heartbeats = self._heartbeats, {}
            reports, self._reports = self._reports, {}
        ctxt = nl_context.get_admin_context()
        written = [0, 0]
        if heartbeats:
            try:
                gone = service_db.service_heartbeats(ctxt, heartbeats)
                for service_id in sorted(gone):
                    service_db.service_register(ctxt,
                                                *heartbeats[service_id])
                written[0] = len(heartbeats)
            except Exception:  # noqa: BLE001 - see the module doc
                LOG.exception('%d heartbeats not recorded', len(heartbeats))
        if reports:
            try:
                _write_reports(ctxt, list(reports.values()))
                written[1] = len(reports)
            except Exception:  # noqa: BLE001 - see the module doc
                LOG.exception('%d resource reports not recorded',
                              len(reports))
        return tuple(written)

    def stop(self):
        """Stop the thread and write what is left."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(30)
        self.flush()


def _write_reports(context, reports):
    """The reports' nodes in one transaction, then the cluster a report
    names for its host (as ``compute_proxy.compute_node_report``)."""
    plain, clusters = [], []
    for report in reports:
        resources = dict(report['resources'])
        cluster = resources.pop('cluster', None)
        plain.append(dict(report, resources=resources))
        if cluster:
            clusters.append((report['host'], cluster,
                             resources.get('hypervisor_type', 'unknown')))
    node_db.compute_node_reports(context, plain)
    for host, cluster, hypervisor_type in clusters:
        compute_proxy.join_cluster(context, host, cluster, hypervisor_type)
