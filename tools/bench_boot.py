#!/usr/bin/env python3
"""Boot benchmark of nova_lite as separate processes on real backends.

Starts ``nova-lite-api``, ``-conductor`` (``--conductors``), ``-scheduler``
(``--schedulers``) and one ``nova-lite-compute --fake-hosts M`` on the
machine's RabbitMQ (a private vhost) and a fresh MariaDB, PostgreSQL or
SQLite database
(``nova_lite.bench.processes.ProcessStack``: nova_lite with its ``[bench]``
extra is enough, the test requirements are not needed), then measures:

* ``single``: N single-server POSTs from K concurrent clients; wall time
  from the first POST until every server is ACTIVE (or ERROR), servers/s,
  POST latency p50/p99, ``select_destinations`` p50/p99 (the scheduler's
  own timing of each call);
* ``delete``: deleting them (K clients) until every row is gone;
* ``multi``: the same N servers as multi-create requests of at most
  ``--batch`` servers (skipped with ``--no-multi``);
* SQL statements, CPU seconds and RSS of each service, from the counters
  each writes to ``[DEFAULT] stats_dir`` every ``report_interval``
  (``nova_lite.stats``). Per-boot figures are net of what the services
  do while idle (heartbeats, reports), measured just before; the idle
  rate itself (CPU cores per service) is reported too;
* ``GET /servers/detail?limit=1000`` latency p50 with 1,000 and 10,000
  (``--detail-rows``, e.g. ``1000,10000,100000``) servers in the
  database: rows beyond the booted ones are inserted with SQL in bulk,
  shaped like booted servers (a port, an address, a metadata item, the
  default security group; ``nova_lite.bench.fillers``).

``--sizes 100x1000,300x1000,1000x10000`` runs the whole benchmark once
per size (fake hosts x servers, each on a fresh stack) and then prints
how each per-boot figure grows across the sizes (``nova_lite.bench
.growth``).

With ``--clusters`` the stack runs on three-node RabbitMQ (quorum
queues) and Galera (behind HAProxy) clusters started for the run
(``nova_lite.bench.ha_clusters``, MariaDB only): run it with and without
to see what the clusters cost per boot (doc/benchmarks.md).

With ``--metrics`` every service runs its Prometheus listener
(``[metrics] listen = 127.0.0.1``) and a thread of the bench scrapes each
``/metrics`` every ``--scrape-interval`` seconds, as Prometheus would: run
it with and without to see what metrics cost per boot (SQL statements,
CPU ms; see doc/benchmarks.md).

``--notifications FORMAT`` sets ``[notifications] notification_format``
(default versioned, the services' default; ``none`` sends nothing): run
it with ``versioned`` and ``none`` to see what notifications cost.
``--cloudstack-events`` also lets the conductor record the CloudStack
events (listEvents) of the notifications, off otherwise.

Usage::

    python tools/bench_boot.py --hosts 100 --servers 1000 --clients 16 \\
        --db mysql --json /tmp/bench.json
    python tools/bench_boot.py --sizes 100x1000,1000x10000 --clients 16 \\
        --detail-rows 1000,10000,100000 --json /tmp/growth.json

Prints a table (and the growth table) and writes the figures as JSON.
Nothing is asserted: this is a measurement (see doc/benchmarks.md).
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from nova_lite.bench import chaos  # noqa: E402
from nova_lite.bench import client as compute_client  # noqa: E402
from nova_lite.bench import fillers  # noqa: E402
from nova_lite.bench import growth  # noqa: E402
from nova_lite.bench import meter as bench_meter  # noqa: E402
from nova_lite.bench import processes  # noqa: E402
from nova_lite.db import models  # noqa: E402

STATS_INTERVAL = 10         # [DEFAULT] report_interval of the bench, s
DETAIL_REQUESTS = 15        # GETs per detail measurement (after 2 warm)
PREFIX = 'bench'
percentile = bench_meter.percentile


# ---------------------------------------------------------------- clients

class Workload:
    """HTTP clients of one bench run (one session per thread).

    :param security_group: 'default' (the project's default group, whose
        rules admit its own members) or 'open' (a group admitting any
        address, no remote group; see doc/benchmarks.md, "Security groups
        at scale")
    """

    OPEN_GROUP = 'bench-open'

    def __init__(self, api_url, clients, security_group='default'):
        self.api_url = api_url
        self.clients = clients
        client = compute_client.ComputeClient(api_url)
        self.image = client.image_id('tiny')
        self.groups = None
        if security_group == 'open':
            self.groups = [{'name': self.OPEN_GROUP}]
            _open_group(client, self.OPEN_GROUP)

    def _client(self):
        return compute_client.ComputeClient(self.api_url)

    def _run(self, count, work):
        """Call ``work(client, index)`` for index in range(count) from
        ``self.clients`` threads; returns the results in order."""
        results = [None] * count
        next_index = iter(range(count))
        lock = threading.Lock()

        def _worker():
            client = self._client()
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                results[index] = work(client, index)

        threads = [threading.Thread(target=_worker)
                   for _ in range(min(self.clients, count))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def _post(self, client, name, count):
        body = {'server': {'name': name, 'flavorRef': '1',
                           'imageRef': self.image}}
        if self.groups:
            body['server']['security_groups'] = self.groups
        if count > 1:
            body['server'].update(min_count=count, max_count=count)
        started = time.monotonic()
        resp = client.request('POST', '/servers', json=body, timeout=120)
        elapsed = time.monotonic() - started
        if resp.status_code != 202:
            raise RuntimeError('POST /servers: %d %s' % (
                resp.status_code, resp.text[:300]))
        return elapsed

    def boot_single(self, prefix, count):
        """``count`` single-server POSTs; returns their latencies (s)."""
        return self._run(count, lambda client, index: self._post(
            client, '%s-%d' % (prefix, index), 1))

    def boot_multi(self, prefix, count, batch):
        """Multi-create requests of at most ``batch`` servers."""
        sizes = [min(batch, count - start)
                 for start in range(0, count, batch)]
        return self._run(len(sizes), lambda client, index: self._post(
            client, '%s-%d' % (prefix, index), sizes[index]))

    def delete(self, server_ids):
        def _delete(client, index):
            resp = client.delete_server(server_ids[index])
            if resp.status_code not in (204, 404):
                raise RuntimeError('DELETE: %d %s' % (resp.status_code,
                                                     resp.text[:300]))
        self._run(len(server_ids), _delete)

    def detail_latencies(self, requests_count):
        client = self._client()
        latencies = []
        for index in range(requests_count + 2):
            started = time.monotonic()
            resp = client.request('GET', '/servers/detail',
                                  params={'limit': 1000}, timeout=120)
            resp.raise_for_status()
            if index >= 2:
                latencies.append(time.monotonic() - started)
        return latencies


def _open_group(client, name):
    """Create security group ``name`` admitting TCP, UDP and ICMP from
    any address (rules by CIDR, none naming a remote group)."""
    resp = client.request('POST', '/os-security-groups', json={
        'security_group': {'name': name, 'description': 'bench'}})
    if resp.status_code != 200:
        raise RuntimeError('security group: %d %s' % (resp.status_code,
                                                      resp.text[:300]))
    group_id = resp.json()['security_group']['id']
    for protocol, low, high in (('tcp', 1, 65535), ('udp', 1, 65535),
                                ('icmp', -1, -1)):
        rule = client.request('POST', '/os-security-group-rules', json={
            'security_group_rule': {
                'parent_group_id': group_id, 'ip_protocol': protocol,
                'from_port': low, 'to_port': high, 'cidr': '0.0.0.0/0'}})
        if rule.status_code != 200:
            raise RuntimeError('security group rule: %d %s' % (
                rule.status_code, rule.text[:300]))


# ------------------------------------------------------------------ stack

def stack_options(args, stats_dir):
    """Extra options of the ProcessStack for a bench."""
    return {
        ('DEFAULT', 'stats_dir'): stats_dir,
        ('DEFAULT', 'report_interval'): STATS_INTERVAL,
        ('DEFAULT', 'service_down_time'): 60,
        ('compute', 'resource_update_interval'): 60,
        ('api', 'threads'): max(16, 2 * args.clients),
        ('api', 'max_pending_builds'): max(1000, 2 * args.servers),
        # A pool at least as large as a service's busy threads: an
        # overflow connection is opened and closed per checkout (PyMySQL
        # builds an SSL context for each). PostgreSQL allows 100 clients.
        ('database', 'max_pool_size'): 10 if args.db == 'postgresql' else 20,
        ('database', 'max_overflow'): 4 if args.db == 'postgresql' else 10,
        ('quota', 'instances'): -1,
        ('quota', 'cores'): -1,
        ('quota', 'ram'): -1,
        ('notifications', 'notification_format'): args.notifications,
        ('cloudstack', 'record_events'): args.cloudstack_events,
    }


def wait_settled(stack, prefix, count, timeout):
    """Poll the database until ``count`` live servers named ``prefix-*``
    are ACTIVE or ERROR; returns (seconds waited, {vm_state: n})."""
    inst = models.Instance
    query = (sa.select(inst.vm_state, sa.func.count(inst.id))
             .where(inst.deleted == 0,
                    inst.display_name.like(prefix + '-%'))
             .group_by(inst.vm_state))
    started = time.monotonic()
    while True:
        states = dict(stack.query(query))
        if states.get('active', 0) + states.get('error', 0) >= count:
            return time.monotonic() - started, states
        if time.monotonic() - started > timeout:
            raise RuntimeError('only %s of %d servers settled after %d s'
                               % (states, count, timeout))
        time.sleep(0.1)


def wait_gone(stack, prefix, timeout):
    inst = models.Instance
    query = sa.select(sa.func.count(inst.id)).where(
        inst.deleted == 0, inst.display_name.like(prefix + '-%'))
    started = time.monotonic()
    while stack.query(query)[0][0]:
        if time.monotonic() - started > timeout:
            raise RuntimeError('servers %s-* not deleted after %d s'
                               % (prefix, timeout))
        time.sleep(0.1)
    return time.monotonic() - started


def server_ids(stack, prefix):
    inst = models.Instance
    return [r[0] for r in stack.query(sa.select(inst.uuid).where(
        inst.deleted == 0, inst.display_name.like(prefix + '-%')))]


# ----------------------------------------------------------------- phases

def phase_figures(count, wall_s, latencies, states, per_service,
                  selects=()):
    """The figures of one boot phase; ``selects``: the durations (ms) of
    its select_destinations calls."""
    return {
        'select_calls': len(selects),
        'select_p50_ms': percentile(selects, 0.5),
        'select_p99_ms': percentile(selects, 0.99),
        'servers': count,
        'create_to_active_s': round(wall_s, 3),
        'servers_per_s': round(count / wall_s, 2) if wall_s else None,
        'post_p50_ms': round(percentile(latencies, 0.5) * 1000, 1),
        'post_p99_ms': round(percentile(latencies, 0.99) * 1000, 1),
        'requests': len(latencies),
        'states': states,
        'sql_per_boot': round(sum(s['sql'] for s in per_service.values()),
                              2),
        'sql_per_boot_gross': round(sum(
            s['sql_gross'] for s in per_service.values()), 2),
        'cpu_s_per_boot': round(sum(
            s['cpu_s'] for s in per_service.values()), 4),
        'by_service': {name: {k: round(v, 4) for k, v in s.items()}
                       for name, s in per_service.items()},
    }


def run_boot_phase(stack, meter, workload, prefix, count, boot):
    """Boot ``count`` servers with ``boot()`` → latencies; returns the
    phase figures."""
    before = meter.snapshot()
    started = time.monotonic()
    latencies = boot()
    timeout = max(300, count)
    _waited, states = wait_settled(stack, prefix, count, timeout)
    wall = time.monotonic() - started
    after = meter.snapshot()
    return phase_figures(count, wall, latencies, states,
                         meter.delta(before, after, count),
                         meter.timings(before, after, 'select_destinations'))


def run_delete_phase(stack, workload, prefix):
    ids = server_ids(stack, prefix)
    started = time.monotonic()
    workload.delete(ids)
    wait_gone(stack, prefix, max(300, len(ids)))
    return {'servers': len(ids),
            'delete_s': round(time.monotonic() - started, 3)}


def run_detail_phase(stack, workload, sizes):
    """{rows: p50 ms} of GET /servers/detail?limit=1000 with ``sizes``
    live servers of the client's project."""
    result = {}
    for size in sizes:
        fillers.fill(stack.engine, 'demo', size, stack.hosts)
        latencies = workload.detail_latencies(DETAIL_REQUESTS)
        result[str(size)] = round(percentile(latencies, 0.5) * 1000, 1)
    return result


# ----------------------------------------------------------------- output

def rss_by_service(stats):
    return {name: stats[name]['rss_mb'] for name in sorted(stats)}


def print_table(result):
    """The human-readable summary on stdout."""
    cfg = result['config']
    print('\nnova_lite boot benchmark: %d fake hosts, %d servers, %d '
          'clients, %s, %d conductor(s), %d scheduler(s), metrics %s, '
          'notifications %s, security group %s%s' % (
              cfg['hosts'], cfg['servers'], cfg['clients'], cfg['db'],
              cfg.get('conductors', 1), cfg['schedulers'],
              'on' if cfg.get('metrics') else 'off',
              cfg.get('notifications'), cfg.get('security_group'),
              ', on the HA clusters' if cfg.get('clusters') else ''))
    head = '%-8s %7s %9s %9s %9s %9s %9s %10s'
    print(head % ('phase', 'servers', 'wall s', 'srv/s', 'POST p50',
                  'POST p99', 'SQL/boot', 'CPU ms/b'))
    for name in ('single', 'multi'):
        phase = result['phases'].get(name)
        if phase is None:
            continue
        print(head % (name, phase['servers'], phase['create_to_active_s'],
                      phase['servers_per_s'], phase['post_p50_ms'],
                      phase['post_p99_ms'], phase['sql_per_boot'],
                      round(phase['cpu_s_per_boot'] * 1000, 1)))
    single = result['phases']['single']
    print('select_destinations (single phase): %d calls, p50 %s ms, p99 %s '
          'ms' % (single['select_calls'], single['select_p50_ms'],
                  single['select_p99_ms']))
    print('hosts registered %s s after the compute started' % result.get(
        'start_s'))
    print('delete: %(servers)d servers in %(delete_s)s s'
          % result['phases']['delete'])
    print('\n%-34s %9s %10s %8s %10s' % ('service (single phase)',
                                          'SQL/boot', 'CPU ms/b', 'RSS MiB',
                                          'idle cores'))
    for name, row in sorted(result['phases']['single']['by_service']
                            .items()):
        print('%-34s %9.2f %10.2f %8.1f %10.3f' % (
            name, row['sql'], row['cpu_s'] * 1000,
            result['rss_mb'].get(name, 0),
            result.get('idle_cores', {}).get(name, 0)))
    for rows, p50 in result['detail_p50_ms'].items():
        print('GET /servers/detail?limit=1000 with %s servers: p50 %s ms'
              % (rows, p50))


def summary(args, phases, detail, stats, idle_cores, start_s):
    single = phases['single']
    result = {key: single[key] for key in (
        'servers_per_s', 'create_to_active_s', 'post_p50_ms',
        'post_p99_ms', 'sql_per_boot', 'sql_per_boot_gross',
        'cpu_s_per_boot', 'select_p50_ms', 'select_p99_ms')}
    result['idle_cores'] = idle_cores
    result['start_s'] = start_s
    result.update({
        'config': {'hosts': args.hosts, 'servers': args.servers,
                   'clients': args.clients, 'db': args.db,
                   'schedulers': args.schedulers,
                   'conductors': args.conductors, 'batch': args.batch,
                   'metrics': args.metrics,
                   'notifications': args.notifications,
                   'cloudstack_events': args.cloudstack_events,
                   'security_group': args.security_group,
                   'clusters': args.clusters},
        'sql_per_boot_by_service': {
            n: round(s['sql'], 2) for n, s in single['by_service'].items()},
        'delete_s': phases['delete']['delete_s'],
        'rss_mb': rss_by_service(stats),
        'detail_p50_ms': detail,
        'phases': phases,
    })
    return result


# ------------------------------------------------------------------- main

def bench(args, stats_dir, clusters=None):
    """The figures of one bench run (``clusters``: an HAClusters to run
    the stack on, or None for the machine's broker and database)."""
    options, cluster_kwargs = stack_options(args, stats_dir), {}
    if clusters is not None:
        from nova_lite.bench import ha_clusters
        cluster_kwargs, extra = chaos.cluster_stack_args(clusters,
                                                         ha_clusters)
        options.update(extra)
    stack = processes.ProcessStack(
        args.db, schedulers=args.schedulers, conductors=args.conductors,
        fake_hosts=args.hosts,
        conf=options, metrics=args.metrics, **cluster_kwargs)
    started = time.monotonic()
    with stack:
        start_s = round(time.monotonic() - started, 1)
        scraper = Scraper(stack.metrics_urls, args.scrape_interval)
        try:
            scraper.start()
            return _bench_on(stack, args, stats_dir, start_s)
        except Exception:
            for name, proc in stack.processes.items():
                print('--- %s log tail ---\n%s' % (name, proc.log_tail(15)),
                      file=sys.stderr)
            raise
        finally:
            scraper.stop()


class Scraper(threading.Thread):
    """GETs every ``/metrics`` URL each ``interval`` seconds (what a
    Prometheus server would do) until stopped; ``scrapes`` counts them."""

    def __init__(self, urls, interval):
        super().__init__(name='bench-scraper', daemon=True)
        self.urls = list(urls.values())
        self.interval = interval
        self.scrapes = 0
        self._stop_event = threading.Event()

    def run(self):
        while self.urls and not self._stop_event.wait(self.interval):
            for url in self.urls:
                try:
                    requests.get(url, timeout=5).raise_for_status()
                    self.scrapes += 1
                except requests.RequestException as exc:
                    print('scrape of %s failed: %s' % (url, exc),
                          file=sys.stderr)

    def stop(self):
        self._stop_event.set()
        if self.is_alive():
            self.join(10)


def _bench_on(stack, args, stats_dir, start_s):
    # api, the conductors, the schedulers and the one compute process
    bench_meter.wait_stats_files(stats_dir,
                                 2 + args.conductors + args.schedulers)
    workload = Workload(stack.api_url, args.clients, args.security_group)
    meter = bench_meter.Meter(stats_dir, STATS_INTERVAL)
    meter.calibrate()
    phases = {}
    phases['single'] = run_boot_phase(
        stack, meter, workload, PREFIX + 's', args.servers,
        lambda: workload.boot_single(PREFIX + 's', args.servers))
    phases['delete'] = run_delete_phase(stack, workload, PREFIX + 's')
    if not args.no_multi:
        phases['multi'] = run_boot_phase(
            stack, meter, workload, PREFIX + 'm', args.servers,
            lambda: workload.boot_multi(PREFIX + 'm', args.servers,
                                        args.batch))
    detail = run_detail_phase(stack, workload, args.detail_rows)
    stats = meter.snapshot()
    return summary(args, phases, detail, stats, meter.idle_cores(), start_s)


def parse_sizes(text):
    """[(hosts, servers)] of '100x1000,1000x10000'.

    :raises: ValueError for a size that is not HOSTSxSERVERS of positive
        integers
    """
    sizes = []
    for item in text.split(','):
        hosts, _, servers = item.strip().lower().partition('x')
        if not (hosts.isdigit() and servers.isdigit()) or \
                min(int(hosts), int(servers)) < 1:
            raise ValueError('size %r is not HOSTSxSERVERS' % item)
        sizes.append((int(hosts), int(servers)))
    return sizes


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--hosts', type=int, default=10,
                        help='fake compute hosts (one process)')
    parser.add_argument('--servers', type=int, default=100,
                        help='servers booted per phase')
    parser.add_argument('--clients', type=int, default=8,
                        help='concurrent HTTP clients')
    parser.add_argument('--db', choices=('mysql', 'postgresql', 'sqlite'),
                        default='mysql')
    parser.add_argument('--schedulers', type=int, default=1)
    parser.add_argument('--conductors', type=int, default=1,
                        help='nova-lite-conductor processes (one topic)')
    parser.add_argument('--batch', type=int, default=None,
                        help='servers per multi-create request '
                             '(default: all, at most 1000)')
    parser.add_argument('--detail-rows', default='1000,10000',
                        help='comma-separated server counts for the '
                             'GET /servers/detail measurement')
    parser.add_argument('--metrics', action='store_true',
                        help='run every service with its Prometheus '
                             'listener on and scrape it')
    parser.add_argument('--notifications', default='versioned',
                        choices=('versioned', 'unversioned', 'both',
                                 'none'),
                        help='[notifications] notification_format of '
                             'every service')
    parser.add_argument('--cloudstack-events', action='store_true',
                        help='the conductor records CloudStack events '
                             'from the notifications (off by default: '
                             'the bench measures notifications alone)')
    parser.add_argument('--scrape-interval', type=float, default=5.0,
                        help='seconds between two scrapes with --metrics')
    parser.add_argument('--security-group', choices=('default', 'open'),
                        default='default',
                        help='the servers\' security group: the '
                             'project\'s default group (its rules admit '
                             'its own members: every boot tells every '
                             'host with a member) or one admitting any '
                             'address by CIDR')
    parser.add_argument('--sizes',
                        help='comma-separated HOSTSxSERVERS: run the bench '
                             'once per size (--hosts and --servers then '
                             'unused) and print the growth table')
    parser.add_argument('--clusters', action='store_true',
                        help='run on three-node RabbitMQ and Galera '
                             'clusters started for the run (--db mysql)')
    parser.add_argument('--no-multi', action='store_true',
                        help='skip the multi-create phase (the largest '
                             'sizes: it doubles their boot time)')
    parser.add_argument('--json', help='write the figures to this file')
    args = parser.parse_args(argv)
    if args.clusters and args.db != 'mysql':
        parser.error('--clusters runs on Galera: --db mysql')
    try:
        args.sizes = parse_sizes(args.sizes) if args.sizes else None
    except ValueError as exc:
        parser.error(str(exc))
    args.batch_option = args.batch
    args.batch = min(args.batch or args.servers, 1000)
    args.detail_rows = [int(x) for x in args.detail_rows.split(',') if x]
    if min(args.hosts, args.servers, args.clients, args.batch) < 1:
        parser.error('--hosts, --servers, --clients and --batch must be '
                     'at least 1')
    return args


def run_sizes(args, tmp, clusters=None):
    """One bench per size of ``args.sizes``; returns the results."""
    results = []
    for index, (hosts, servers) in enumerate(args.sizes):
        size_args = argparse.Namespace(**vars(args))
        size_args.hosts, size_args.servers = hosts, servers
        size_args.batch = min(args.batch_option or servers, 1000)
        stats_dir = os.path.join(tmp, 'stats-%d' % index)
        os.makedirs(stats_dir)
        result = bench(size_args, stats_dir, clusters)
        print_table(result)
        results.append(result)
    return results


def run(args, tmp, clusters):
    """Run the bench (each of ``args.sizes``, or once); returns what
    ``--json`` writes."""
    if args.sizes:
        results = run_sizes(args, tmp, clusters)
        lines = growth.table(results)
        print('\n' + '\n'.join(lines))
        return {'sizes': results, 'growth': lines}
    stats_dir = os.path.join(tmp, 'stats')
    os.makedirs(stats_dir)
    output = bench(args, stats_dir, clusters)
    print_table(output)
    return output


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.pop('PYTHONDONTWRITEBYTECODE', None)
    # SIGTERM (timeout, kill) unwinds like Ctrl-C: the stack's processes,
    # database and vhost are cleaned up.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix='nova-lite-bench-') as tmp:
        clusters = None
        if args.clusters:
            from nova_lite.bench import ha_clusters
            clusters = ha_clusters.start_temporary()
        try:
            output = run(args, tmp, clusters)
        finally:
            if clusters is not None:
                clusters.stop()
    if args.json:
        with open(args.json, 'w') as out:
            json.dump(output, out, indent=2, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
