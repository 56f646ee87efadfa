"""Chaos boot: a burst of boots from client threads while, one at a
time, processes of the control plane (and, on the HA clusters, a broker
node and a database node) are killed with SIGKILL and restarted; then
the end state is checked and the recovery of each fault is reported.

Shared by ``tests/functional/test_chaos.py`` (CI size) and
``tools/chaos_boot.py`` (lab size)::

    faults = chaos.controller_faults() + chaos.cluster_faults(clusters)
    run = chaos.ChaosRun(stack, client_factory, image_id, faults,
                         instances=100, clients=8)
    report = run.run()                 # burst + faults, then settle
    problems = chaos.check(stack, report)
    print(report.render())

A fault is data (``Fault``: kill, restart, back): adding a kind of fault
is adding an entry. The burst's requests ask for 1 or 2 servers each
(``min_count = max_count``) and say how many in their name
(``chaos-c<client>-r<request>-n<count>``), so that every reservation in
the database, including one whose response a killed API worker never
sent (the client then asks again), can be checked for exactly its
count. Figures of a fault: when it was killed (seconds into the burst),
how long until it served again (``back``), how many servers were in
BUILD at the kill and how long until all of those were ACTIVE or ERROR
(``settled``; the work a kill interrupts is re-driven by the other
processes and the conductor's sweeper, doc/ha.md).
"""
import dataclasses
import datetime
import itertools
import os
import signal
import threading
import time
from typing import Callable

import requests
import sqlalchemy as sa

from nova_lite.db import models

PREFIX = 'chaos'
#: Seconds between two looks at the database while waiting.
POLL = 0.5

#: Options of a chaos stack: fast heartbeats and sweeps; a call no
#: scheduler answers fails after 30 s and is asked again (a call waiting
#: behind a backlog in a live scheduler sends no call-monitor heartbeat
#: either: a shorter timeout turns a backlog into ERRORs); a build whose
#: cast died with its conductor is re-driven after 30 s idle; a slow
#: enough fake spawn to have builds in flight at each kill, and room and
#: quota for every server.
STACK_CONF = {
    ('DEFAULT', 'report_interval'): 1,
    ('DEFAULT', 'service_down_time'): 8,
    ('DEFAULT', 'rpc_response_timeout'): 30,
    ('conductor', 'sweep_interval'): 2,
    ('conductor', 'redrive_timeout'): 30,
    ('conductor', 'build_timeout'): 180,
    ('compute', 'resource_update_interval'): 5,
    ('fake', 'spawn_delay'): 0.5,
    ('fake', 'vcpus'): 256,
    ('fake', 'memory_mb'): 262144,
    ('quota', 'instances'): -1,
    ('quota', 'cores'): -1,
    ('quota', 'ram'): -1,
}


def cluster_stack_args(clusters, options_module):
    """(ProcessStack keyword arguments, extra options) of a stack on
    ``clusters`` (an HAClusters): its broker and database URLs, and the
    ``RABBIT_OPTIONS`` (``[oslo_messaging_rabbit]``) and
    ``DATABASE_OPTIONS`` (``[database]``) of ``options_module``
    (``nova_lite.bench.ha_clusters``)."""
    options = {('oslo_messaging_rabbit', k): v
               for k, v in options_module.RABBIT_OPTIONS.items()}
    options.update({('database', k): v
                    for k, v in options_module.DATABASE_OPTIONS.items()})
    return ({'transport_url': clusters.transport_url,
             'database_url': clusters.db_connection}, options)


def paced_rate(instances, faults, seconds_per_fault, counts=(1, 2, 1)):
    """Requests per second that make a burst of ``instances`` last
    ``seconds_per_fault * (faults + 1)`` seconds."""
    per_request = sum(counts) / len(counts)
    return instances / per_request / (seconds_per_fault * (faults + 1))


#: Seconds the run's own database reads retry a lost connection (a
#: Galera node killed under HAProxy, the database restarting).
QUERY_RETRY_SECONDS = 120


def query(stack, statement):
    """``stack.query(statement)``, retried for ``QUERY_RETRY_SECONDS``
    while the database connection is lost (the run watches the database
    through the faults it makes)."""
    deadline = time.monotonic() + QUERY_RETRY_SECONDS
    while True:
        try:
            return stack.query(statement)
        except sa.exc.DBAPIError as exc:
            if (not exc.connection_invalidated and not isinstance(
                    exc, sa.exc.OperationalError)) or \
                    time.monotonic() > deadline:
                raise
            time.sleep(1)


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None, microsecond=0)


@dataclasses.dataclass
class Fault:
    """One kind of failure. ``kill(stack, run)`` (``run``: the
    ChaosRun, e.g. for the requests in flight) returns a handle,
    ``restart(stack, handle)`` starts the victim again (a no-op when its
    supervisor does, as nova-lite-api's parent for a worker) and
    ``back(stack, handle, restarted_at)`` is true once it serves again
    (``restarted_at``: naive UTC). ``down`` seconds pass between the
    kill and the restart."""
    name: str
    kill: Callable
    restart: Callable
    back: Callable
    down: float = 2.0
    #: ``work(stack)``: how much work the victim did until the kill
    #: (read just before it), or None
    work: Callable = None


# ----------------------------------------------------------------- faults

def _api_answers(stack):
    try:
        return requests.get(stack.api_url + '/', timeout=2).status_code < 500
    except requests.RequestException:
        return False


def _server_socket_inodes(api_port, client_ports):
    """Inodes of the API's side of the TCP connections from
    ``client_ports`` (loopback, /proc/net/tcp and tcp6)."""
    inodes = set()
    for path in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(path) as table:
                lines = table.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (int(local.rsplit(':', 1)[1], 16) == api_port and
                    int(remote.rsplit(':', 1)[1], 16) in client_ports):
                inodes.add(fields[9])
    return inodes


def _holder(pids, inodes):
    """The first of ``pids`` holding a socket of ``inodes``, or None."""
    wanted = {'socket:[%s]' % inode for inode in inodes}
    for pid in pids:
        try:
            fds = os.listdir('/proc/%d/fd' % pid)
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink('/proc/%d/fd/%s' % (pid, fd)) in wanted:
                    return pid
            except OSError:
                continue
    return None


def api_worker_fault():
    """SIGKILL one nova-lite-api worker (its parent starts a new one):
    the one serving a create request at that moment when it can be
    found within 5 s (the client's connection traced to the worker's
    socket through /proc), so that an answer is lost and its client
    asks again; with a single API process, that process (restarted
    here)."""
    def kill(stack, run):
        pids = stack.api_worker_pids()
        if not pids:
            stack.processes['api'].kill()
            return None
        victim, deadline = None, time.monotonic() + 5
        while victim is None and time.monotonic() < deadline:
            ports = run.ports_in_flight()
            if ports:
                victim = _holder(pids, _server_socket_inodes(
                    stack.api_port, ports))
            if victim is None:
                time.sleep(0.002)
        victim = victim or pids[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def restart(stack, pid):
        if pid is None:
            stack.start_process('api', 'nova-lite-api', 'controller')

    def back(stack, pid, _restarted_at):
        if pid is not None:
            pids = stack.api_worker_pids()
            if pid in pids or len(pids) < stack.api_workers:
                return False
        return _api_answers(stack)
    return Fault('api-worker', kill, restart, back, down=0.0)


#: The counter of each controller service's work (Prometheus text).
WORK_METRICS = {
    'conductor': 'nova_lite_builds_started_total',
    'scheduler': 'nova_lite_scheduler_select_destinations_seconds_count',
}


def work_done(stack, name, service):
    """The value of ``WORK_METRICS[service]`` (summed over its labels)
    of process ``name``, from its /metrics; None without metrics."""
    url = getattr(stack, 'metrics_urls', {}).get(name)
    if url is None:
        return None
    try:
        text = requests.get(url, timeout=5).text
    except requests.RequestException:
        return None
    metric = WORK_METRICS[service]
    return sum(float(line.rsplit(' ', 1)[1]) for line in text.splitlines()
               if line.split('{', 1)[0].split(' ', 1)[0] == metric)


def controller_fault(service, index=0):
    """SIGKILL controller process ``index`` of ``service`` ('conductor'
    or 'scheduler') and start it again; back once its heartbeat is
    newer than the restart."""
    name = service + ('-%d' % (index + 1) if index else '')
    host = 'controller' + ('-%d' % (index + 1) if index else '')

    def kill(stack, _run):
        stack.processes[name].kill()
        return name

    def restart(stack, _handle):
        stack.start_controller(service, index)

    def back(stack, _handle, restarted_at):
        svc = models.Service
        return bool(query(stack, sa.select(svc.id).where(
            svc.binary == 'nova-lite-' + service, svc.host == host,
            svc.deleted == 0, svc.last_seen_up >= restarted_at)))
    return Fault(service, kill, restart, back,
                 work=lambda stack: work_done(stack, name, service))


def controller_faults():
    """An API worker, a conductor and a scheduler, in that order."""
    return [api_worker_fault(), controller_fault('conductor'),
            controller_fault('scheduler')]


def cluster_faults(clusters, broker=0, db=0):
    """A RabbitMQ node and a Galera node of ``clusters`` (an
    ``HAClusters``: ``kill_broker(i)``/``restart_broker(i)``,
    ``kill_db(i)``/``restart_db(i)``; a restart returns once the node is
    back in its cluster). Database node 0 is HAProxy's primary."""
    def node_fault(name, kill_node, restart_node, index):
        return Fault(name, lambda stack, _run: kill_node(index),
                     lambda stack, _h: restart_node(index),
                     lambda stack, _h, _t: True)
    return [node_fault('broker-node', clusters.kill_broker,
                       clusters.restart_broker, broker),
            node_fault('db-node', clusters.kill_db, clusters.restart_db, db)]


# ------------------------------------------------------------------ report

@dataclasses.dataclass
class FaultRecord:
    """What happened around one fault (seconds from the burst start)."""
    name: str
    killed_at: float = None
    back_after: float = None
    in_flight: frozenset = frozenset()
    settled_after: float = None
    errors: int = 0
    during_burst: bool = True
    work_before_kill: float = None

    def render(self):
        back = '-' if self.back_after is None else '%.1f s' % self.back_after
        settled = ('not settled' if self.settled_after is None else
                   'settled in %.1f s' % self.settled_after)
        work = ('' if self.work_before_kill is None else
                ', %d requests handled before the kill'
                % self.work_before_kill)
        return ('chaos fault %-11s killed at %5.1f s%s%s, back in %s, %d '
                'in BUILD at the kill %s (%d of them ERROR)' % (
                    self.name, self.killed_at,
                    '' if self.during_burst else ' (after the burst)',
                    work, back, len(self.in_flight), settled, self.errors))


@dataclasses.dataclass
class Report:
    """The burst's figures and the fault records."""
    instances: int = 0
    requests: int = 0
    clients: int = 0
    accepted: dict = dataclasses.field(default_factory=dict)
    client_errors: dict = dataclasses.field(default_factory=dict)
    burst_seconds: float = 0.0
    settle_seconds: float = 0.0
    faults: list = dataclasses.field(default_factory=list)
    states: dict = dataclasses.field(default_factory=dict)
    error_reasons: dict = dataclasses.field(default_factory=dict)
    unanswered_reservations: int = 0

    def render(self):
        """The printed lines (one summary line, one line per fault)."""
        errors = ', '.join('%s %d' % item for item in sorted(
            self.client_errors.items())) or 'none'
        states = ', '.join('%s %d' % item for item in sorted(
            self.states.items()))
        lines = ['chaos burst: %d instances in %d requests from %d clients '
                 'in %.1f s (%.1f/s), all settled %.1f s later; %d '
                 'reservations accepted, %d more created by requests whose '
                 'answer was lost; client errors retried: %s; end states: %s'
                 % (self.instances, self.requests, self.clients,
                    self.burst_seconds,
                    self.instances / max(self.burst_seconds, 0.001),
                    self.settle_seconds, len(self.accepted),
                    self.unanswered_reservations, errors, states)]
        lines += ['chaos ERROR reason: %d x %s' % (count, reason)
                  for reason, count in sorted(self.error_reasons.items())]
        return '\n'.join(lines + [f.render() for f in self.faults])


# --------------------------------------------------------------------- run

def _next_local_port(client):
    """Local port of the kept-alive connection ``client`` (a
    ComputeClient) will send its next request on, or None (a new
    connection will be made)."""
    try:
        pools = client.session.get_adapter(client.base).poolmanager.pools
        for key in list(pools.keys()):
            conns = [c for c in list(pools[key].pool.queue)
                     if c is not None and getattr(c, 'sock', None)]
            if conns:
                return conns[-1].sock.getsockname()[1]
    except (AttributeError, KeyError, OSError):
        pass
    return None


class ChaosRun:
    """One burst with its faults (see the module docstring).

    :param stack: a ``ProcessStack`` (``api_url``, ``query``,
        ``processes``, ``start_process``, ``start_controller``,
        ``api_worker_pids``)
    :param client_factory: ``client_factory()`` → a new
        ``nova_lite.bench.client.ComputeClient`` (one per client thread)
    :param instances: servers asked for in all
    :param rate: most requests per second of all clients together (0:
        as fast as they go); pacing keeps every fault inside the burst
    :param request_timeout: seconds a client waits for one answer
    """

    def __init__(self, stack, client_factory, image, faults, instances=100,
                 clients=8, rate=0.0, counts=(1, 2, 1), retries=8,
                 request_timeout=30):
        self.stack = stack
        self.client_factory = client_factory
        self.image = image
        self.faults = list(faults)
        self.instances = instances
        self.clients = clients
        self.rate = rate
        self.counts = counts
        self.retries = retries
        self.request_timeout = request_timeout
        self.report = Report(instances=instances, clients=clients)
        self._lock = threading.Lock()
        self._plan = self._make_plan()
        self._next = 0
        self._accepted_instances = 0
        self._start = None
        self._burst_done = threading.Event()
        self._in_flight = {}

    def _make_plan(self):
        """[(count)] of each request, in order, summing to instances."""
        plan, left = [], self.instances
        for count in itertools.cycle(self.counts):
            if left <= 0:
                return plan
            plan.append(min(count, left))
            left -= plan[-1]

    def elapsed(self):
        return time.monotonic() - self._start

    # ------------------------------------------------------------ clients

    def _take(self):
        with self._lock:
            if self._next >= len(self._plan):
                return None
            index = self._next
            self._next += 1
            return index, self._plan[index]

    def _client(self, number):
        client = self.client_factory()
        while True:
            taken = self._take()
            if taken is None:
                return
            index, count = taken
            if self.rate:
                delay = self._start + index / self.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            name = '%s-c%d-r%d-n%d' % (PREFIX, number, index, count)
            self._request(client, name, count)

    def ports_in_flight(self):
        """Local ports of the connections of the create requests in
        flight now (as far as the clients' pools tell)."""
        with self._lock:
            return {p for p in self._in_flight.values() if p}

    def _request(self, client, name, count):
        """POST until answered 202 (a lost answer is asked again: the
        first request may still have created its servers)."""
        for attempt in range(self.retries + 1):
            me = threading.get_ident()
            with self._lock:
                self._in_flight[me] = _next_local_port(client)
            try:
                resp = client.request('POST', '/servers', json={
                    'server': {'name': name, 'flavorRef': '1',
                               'imageRef': self.image, 'min_count': count,
                               'max_count': count,
                               'return_reservation_id': True}},
                    timeout=self.request_timeout)
                if resp.status_code == 202:
                    with self._lock:
                        self.report.accepted[
                            resp.json()['reservation_id']] = count
                        self._accepted_instances += count
                    return
                what = 'HTTP %d' % resp.status_code
                if resp.status_code < 500 and resp.status_code != 429:
                    raise AssertionError('%s refused: %s %s' % (
                        name, resp.status_code, resp.text[:300]))
            except requests.RequestException as exc:
                what = type(exc).__name__
            finally:
                with self._lock:
                    self._in_flight.pop(me, None)
            with self._lock:
                self.report.client_errors[what] = \
                    self.report.client_errors.get(what, 0) + 1
            time.sleep(min(0.5 * 2 ** attempt, 4))
        raise AssertionError('%s: no answer after %d attempts' % (
            name, self.retries + 1))

    # ------------------------------------------------------------- faults

    def _building(self, uuids=None):
        inst = models.Instance
        stmt = sa.select(inst.uuid).where(
            inst.deleted == 0, inst.vm_state == 'building',
            inst.display_name.like(PREFIX + '-%'))
        rows = {r[0] for r in query(self.stack, stmt)}
        return rows if uuids is None else rows & set(uuids)

    def _inject(self, fault, index):
        """Wait for this fault's turn, kill, restart, wait until back."""
        record = FaultRecord(fault.name)
        self.report.faults.append(record)
        threshold = self.instances * (index + 1) / (len(self.faults) + 1)
        while (self._accepted_instances < threshold
               and not self._burst_done.is_set()):
            time.sleep(0.05)
        record.during_burst = not self._burst_done.is_set()
        record.in_flight = frozenset(self._building())
        if fault.work is not None:
            record.work_before_kill = fault.work(self.stack)
        record.killed_at = self.elapsed()
        handle = fault.kill(self.stack, self)
        time.sleep(fault.down)
        restarted_at = _utcnow()
        fault.restart(self.stack, handle)
        while not fault.back(self.stack, handle, restarted_at):
            time.sleep(0.1)
        record.back_after = self.elapsed() - record.killed_at

    def _watch(self):
        """Until every fault's in-flight servers left BUILD (or the run
        gives up waiting): their settle times."""
        while not self._watch_stop.is_set():
            pending = [f for f in self.report.faults
                       if f.settled_after is None and f.killed_at is not None]
            for record in pending:
                if not self._building(record.in_flight):
                    record.settled_after = self.elapsed() - record.killed_at
            if (len(self.report.faults) == len(self.faults) and all(
                    f.settled_after is not None
                    for f in self.report.faults)):
                return
            time.sleep(POLL)

    def _injector(self):
        for index, fault in enumerate(self.faults):
            self._inject(fault, index)

    # ---------------------------------------------------------------- run

    def run(self, settle_timeout=300):
        """Run the burst and the faults, then wait until no server of the
        burst is in BUILD (at most ``settle_timeout`` s); the Report."""
        self._start = time.monotonic()
        threads = [threading.Thread(target=self._guard(self._client, n),
                                    name='chaos-client-%d' % n)
                   for n in range(self.clients)]
        injector = threading.Thread(target=self._guard(self._injector),
                                    name='chaos-faults')
        self._errors = []
        watcher = threading.Thread(target=self._guard(self._watch),
                                   name='chaos-watch')
        self._watch_stop = threading.Event()
        injector.start()
        watcher.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.report.requests = len(self._plan)
        self.report.burst_seconds = self.elapsed()
        self._burst_done.set()
        injector.join()
        deadline = time.monotonic() + settle_timeout
        while self._building() and time.monotonic() < deadline:
            time.sleep(POLL)
        # The last look of the watcher sees the end state.
        time.sleep(POLL * 2)
        self._watch_stop.set()
        watcher.join()
        self.report.settle_seconds = self.elapsed() - \
            self.report.burst_seconds
        if self._errors:
            raise self._errors[0]
        self._count_end_states()
        return self.report

    def _guard(self, func, *args):
        def _run():
            try:
                func(*args)
            except BaseException as exc:  # noqa: BLE001 - re-raised by run
                self._errors.append(exc)
        return _run

    def _count_end_states(self):
        inst = models.Instance
        rows = query(self.stack, sa.select(
            inst.uuid, inst.vm_state, inst.reservation_id).where(
            inst.deleted == 0, inst.display_name.like(PREFIX + '-%')))
        states = {}
        for _uuid, state, _rid in rows:
            states[state] = states.get(state, 0) + 1
        self.report.states = states
        reservations = {rid for _u, _s, rid in rows}
        self.report.unanswered_reservations = len(
            reservations - set(self.report.accepted))
        errored = {u for u, s, _r in rows if s == 'error'}
        for record in self.report.faults:
            record.errors = len(record.in_flight & errored)
        fault = models.InstanceFault
        reasons = {}
        for uuid, message in query(self.stack, sa.select(
                fault.instance_uuid, fault.message).order_by(fault.id)):
            if uuid in errored:
                reasons[uuid] = (message or '')[:100]
        for reason in reasons.values():
            self.report.error_reasons[reason] = \
                self.report.error_reasons.get(reason, 0) + 1
