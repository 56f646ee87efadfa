"""A fleet of fake compute hosts in one process (``nova-lite-compute
--fake-hosts N``), for labs and benchmarks up to 1,000 hosts.

Every host is a compute of its own to the rest of the cloud: its
services row, compute node, heartbeats and resource reports, its queue
``compute.<host>`` and its ComputeManager (fake driver, instance locks,
build semaphore). What the hosts share is what a process has once:

- **RPC**: one AMQP connection for every host's consumer and one pool of
  ``RPC_THREADS`` threads for their messages (``compute.fleet_rpc``);
- **builds**: one executor of ``BUILD_THREADS`` threads (each host still
  runs at most ``max_concurrent_builds`` builds at once, its semaphore);
- **heartbeats**: one conductor cast per ``report_interval`` carries
  every host's (``service_heartbeats``, conductor RPC 1.19);
- **periodic work**: one scheduling thread and ``TASK_THREADS`` workers
  run every host's resource report and periodic tasks, each at its own
  interval from a random offset (spread, not all at once);
- **liveness**: on a thread of its own, one self-ping per
  ``report_interval`` through the shared consumer, then the hosts'
  heartbeats (sent only while it answers, or while the consumer
  dispatches other messages ahead of the ping, as ``service.Service``
  does per host);
- **start-up**: one wait for a conductor, then the hosts register and
  recover with ``START_THREADS`` at a time.

Before, each fake host was a ``service.Service``: its own connection,
polling thread, RPC pool, self-ping and a thread per periodic task;
1,000 of them never finished registering.
"""
import concurrent.futures
import heapq
import itertools
import random
import threading
import time

import futurist
from futurist import rejection
from futurist import waiters
from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite.compute import fleet_rpc
from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite import notifications
from nova_lite import rpc
from nova_lite import service as nl_service
from nova_lite import servicegroup

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: Threads of the fleet's pools: RPC requests (oslo.messaging's
#: executor_thread_pool_size default), builds (2 x the default
#: max_concurrent_builds), periodic tasks and start-up.
RPC_THREADS, BUILD_THREADS, TASK_THREADS, START_THREADS = 64, 20, 4, 8


class TaskRunner(threading.Thread):
    """Runs periodic tasks on ``workers`` threads: each task first at a
    random moment of its interval, then ``interval`` seconds after its
    previous run started (a run still going when it is due again is not
    doubled: the next is counted from its end). Errors are logged."""

    def __init__(self, workers=TASK_THREADS):
        super().__init__(name='fleet-tasks', daemon=True)
        self._pool = futurist.ThreadPoolExecutor(max_workers=workers)
        self._heap = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._running = set()

    def add(self, name, func, interval, first=None):
        """Run ``func()`` every ``interval`` seconds, first after
        ``first`` seconds (default: random within the interval)."""
        delay = random.uniform(0, interval) if first is None else first
        self._push(time.monotonic() + delay, (name, func, interval))

    def _push(self, due, task):
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._order), task))
            self._cond.notify()

    def run(self):
        while True:
            with self._cond:
                while not self._stopped and (
                        not self._heap or
                        self._heap[0][0] > time.monotonic()):
                    timeout = (self._heap[0][0] - time.monotonic()
                               if self._heap else None)
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _due, _seq, task = heapq.heappop(self._heap)
                future = self._pool.submit(self._run_one, task)
                self._running.add(future)
                future.add_done_callback(self._running.discard)

    def _run_one(self, task):
        name, func, interval = task
        started = time.monotonic()
        try:
            func()
        except Exception:  # noqa: BLE001 - keep the task running
            LOG.exception('Periodic task %s failed', name)
        if not self._stopped:
            self._push(max(started + interval, time.monotonic()), task)

    def stop(self, timeout=15):
        """Run no more tasks; wait up to ``timeout`` seconds for the
        running ones (as ``service.Service`` waits for its tasks)."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self.is_alive():
            self.join(timeout)
        waiters.wait_for_all(list(self._running), timeout)
        self._pool.shutdown(wait=False)


class Fleet:
    """Compute hosts ``hosts`` sharing one process (see module doc); the
    interface of ``service.Service`` that ``cmd.common.serve`` uses
    (``host``: the first host, ``binary``, ``start``, ``stop``)."""

    binary = servicegroup.COMPUTE
    topic = rpcapi.TOPIC

    def __init__(self, hosts):
        self.hosts = list(hosts)
        self.host = self.hosts[0]
        self.rpc_executor = futurist.ThreadPoolExecutor(
            max_workers=RPC_THREADS)
        self.build_executor = futurist.ThreadPoolExecutor(
            max_workers=BUILD_THREADS,
            check_and_reject=rejection.reject_when_reached(
                CONF.max_queued_builds * len(self.hosts)))
        self.managers = {h: compute_manager.ComputeManager(
            h, executor=self.build_executor) for h in self.hosts}
        self.conductor = conductor_rpcapi.ConductorAPI()
        self.service_refs = {}
        self.servers = []
        self.alive = False
        self._connection = None
        self._tasks = TaskRunner()
        self._liveness = None
        self._ping_hosts = itertools.cycle(self.hosts)
        self.liveness = rpc.ConsumerLiveness()

    # ----------------------------------------------------------- start

    def start(self, stopping=None):
        """Register and recover every host, start the RPC servers and
        the periodic work.

        :raises: ServiceStartInterrupted when ``stopping()`` became true
            while waiting for a conductor or registering
        """
        stopping = stopping or (lambda: False)
        ctxt = nl_context.get_admin_context()
        try:
            self.conductor.wait_until_ready(ctxt, stopping=stopping)
        except messaging.MessagingTimeout as exc:
            if stopping():
                raise exception.ServiceStartInterrupted(
                    binary=self.binary, host=self.host) from exc
            raise
        self._each(self._register, stopping)
        self._start_servers()
        for manager in self.managers.values():
            manager.post_start_hook()
        self._start_tasks()
        for host in self.hosts:
            notifications.service(ctxt, 'create', self.service_refs[host],
                                  binary=self.binary, host=host)
        LOG.info('%s started %d hosts (%s ... %s, topic %s)', self.binary,
                 len(self.hosts), self.hosts[0], self.hosts[-1], self.topic)

    def _each(self, func, stopping):
        """``func(host)`` for every host, START_THREADS at a time; stops
        at the first error, or when ``stopping()`` is true
        (ServiceStartInterrupted)."""
        with concurrent.futures.ThreadPoolExecutor(START_THREADS) as pool:
            futures = [pool.submit(self._unless, stopping, func, host)
                       for host in self.hosts]
            try:
                for future in futures:
                    future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def _unless(self, stopping, func, host):
        if stopping():
            raise exception.ServiceStartInterrupted(binary=self.binary,
                                                    host=host)
        func(host)

    def _register(self, host):
        """The host's services row (a conductor call), then its
        recovery (``ComputeManager.init_host``)."""
        self.service_refs[host] = self.conductor.service_register(
            nl_context.get_admin_context(), host, self.binary, self.topic)
        self.managers[host].init_host()

    def _start_servers(self):
        transport = rpc.get_transport()
        if fleet_rpc.SharedConnection.supported(transport):
            self._connection = fleet_rpc.SharedConnection(transport)
        for host in self.hosts:
            server = rpc.get_server(
                messaging.Target(topic=self.topic, server=host),
                [self.managers[host]], server_cls=fleet_rpc.FleetServer,
                liveness=self.liveness)
            server.shared_executor = self.rpc_executor
            if self._connection is not None:
                server.listener_factory = self._connection.listener
            server.start()
            self.servers.append(server)
        if self._connection is not None:
            self._connection.start()

    def _start_tasks(self):
        self.alive = True
        # The self-ping and the heartbeats run on a thread of their own:
        # behind 1,000 hosts' periodic tasks (conductor calls that wait
        # for a busy conductor) on the shared workers, no heartbeat went
        # out and every host was reported down.
        self._liveness = nl_service.PeriodicTask(
            'fleet-liveness', self.liveness_tick, CONF.report_interval)
        self._liveness.start()
        for host, manager in self.managers.items():
            for func, interval in manager.periodic_tasks():
                self._tasks.add('%s-%s' % (host, func.__name__), func,
                                interval)
        self._tasks.start()

    # -------------------------------------------------------- liveness

    def liveness_tick(self):
        """Self-ping, then the hosts' heartbeats (one conductor cast:
        ``service_heartbeats``, conductor RPC 1.19, instead of 100 casts a
        second for 1,000 hosts)."""
        self.ping()
        self.report_states()

    def ping(self):
        """Self-ping through the shared consumer (one host's queue in
        turn); ``alive`` follows the answer, or, for a ping that waited
        behind other messages past its timeout, whether the consumer
        dispatched any since the last ping (``rpc.ConsumerLiveness``)."""
        host = next(self._ping_hosts)
        client = rpc.get_client(
            messaging.Target(topic=self.topic, server=host),
            timeout=max(1, min(CONF.report_interval, 10)))
        try:
            answered = client.call(nl_context.get_admin_context(),
                                   'ping') == 'pong'
        except Exception as exc:  # noqa: BLE001 - any failure means dead
            LOG.warning('Self-ping of the fleet through %s failed: %s (%d '
                        'messages dispatched since the last ping)', host,
                        exc, self.liveness.progress_since())
            answered = False
        self.alive = self.liveness.judge(answered)

    def report_states(self):
        """The heartbeats of every registered host in one conductor cast
        (``service_heartbeats``), only while the fleet's consumer answers
        its self-ping."""
        if not self.alive:
            LOG.warning('RPC consumer of the fleet is not answering: no '
                        'heartbeat of its %d hosts', len(self.hosts))
            return
        services = [[ref['id'], host, self.binary, self.topic]
                    for host, ref in list(self.service_refs.items())]
        if services:
            self.conductor.service_heartbeats(
                nl_context.get_admin_context(), services)

    # ------------------------------------------------------------ stop

    def stop(self, graceful=True):
        """Stop the periodic work, the consumer, the servers (waiting
        for running requests when ``graceful``) and the hosts."""
        self._tasks.stop()
        if self._liveness is not None:
            self._liveness.stop()
        if self._connection is not None:
            self._connection.stop()
        for server in self.servers:
            try:
                server.stop()
                server.wait()
            except Exception:  # noqa: BLE001 - best effort on shutdown
                LOG.exception('Error stopping an RPC server of the fleet')
        self.rpc_executor.shutdown(wait=graceful)
        self.build_executor.shutdown(wait=False)
        for manager in self.managers.values():
            manager.cleanup_host()
        LOG.info('%s stopped %d hosts', self.binary, len(self.hosts))
