#!/usr/bin/env python3
"""CPU profile of the API process alone, in-process and rerunnable.

The full ``build_app()`` WSGI pipeline (noauth) in this process
(``nova_lite.bench.inprocess.InProcessAPI``) on the ``fake://`` bus, so
build casts go nowhere, over a fresh SQLite file or, with ``--db mysql`` /
``--db postgresql``, a fresh database on the machine's server (dropped at
the end). Needs only nova_lite and its ``[bench]`` extra. Measures:

* ``POST /v2.1/servers`` (one server each): CPU ms per create
  (``time.process_time``, this process only: the database server's CPU
  is not counted), wall ms, SQL statements per create;
* ``GET /v2.1/servers/detail?limit=1000`` with ``--detail-servers``
  live servers in the project (inserted in bulk with SQL, shaped like
  booted ones: ``nova_lite.bench.fillers``):
  p50 wall ms and CPU ms per request; then ``GET /v2.1/servers?limit=1000``
  (ids and names).

With ``--profile`` each phase runs again under cProfile and its top 25
functions (``--sort``, default tottime) are printed.

Usage::

    python tools/profile_api.py [--creates 200] [--detail-servers 1000]
        [--db sqlite|mysql|postgresql] [--profile] [--sort cumulative]
"""
import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from nova_lite.bench import fillers  # noqa: E402
from nova_lite.bench import inprocess  # noqa: E402

PROJECT, USER = inprocess.PROJECT, inprocess.USER
DETAIL_PATH = '/v2.1/servers/detail?limit=1000'
INDEX_PATH = '/v2.1/servers?limit=1000'


class StatementCounter:
    """Counts SQL statements of every engine (``BEGIN`` excluded, as in
    tests/functional/test_query_budget.py)."""

    def __init__(self):
        self.count = 0

    def __call__(self, conn, cursor, statement, *args):
        if not statement.startswith('BEGIN'):
            self.count += 1


def open_limits(api, servers):
    """Room for ``servers`` more: the project's quotas raised through
    os-quota-sets (stored rows, so checks run as with real limits) and
    ``[api] max_pending_builds`` (nothing ever leaves BUILD here)."""
    room = 10 * servers + 1000
    resp = api.request('PUT', '/v2.1/os-quota-sets/%s' % PROJECT, {
        'quota_set': {'instances': room, 'cores': room, 'ram': 512 * room}},
        headers=inprocess.ADMIN)
    if resp.status_code != 200:
        raise RuntimeError('quota update: %s %s' % (
            resp.status_code, resp.get_data(as_text=True)[:300]))
    api.set_option('max_pending_builds', room, 'api')


def create_servers(api, count):
    """POST ``count`` single servers; returns (CPU ms list, wall ms
    list)."""
    cpu, wall = [], []
    for _index in range(count):
        started_cpu, started = time.process_time(), time.perf_counter()
        resp = api.request('POST', '/v2.1/servers', {'server': {
            'name': 'prof', 'imageRef': api.image_id, 'flavorRef': '1'}})
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if resp.status_code != 202:
            raise RuntimeError('create: %s %s' % (
                resp.status_code, resp.get_data(as_text=True)[:300]))
    return cpu, wall


def fill_servers(api, total):
    """Insert ACTIVE servers until the project has ``total`` live ones,
    shaped like booted ones (``nova_lite.bench.fillers``: a port, an
    address, a metadata item, a security group each)."""
    engine = sa.create_engine(api.database.url)
    try:
        fillers.fill(engine, PROJECT, total,
                     ['fake-%d' % i for i in range(100)])
    finally:
        engine.dispose()


def get_detail(api, runs, path=DETAIL_PATH):
    """GET the detail page (or ``path``) ``runs`` times; returns (CPU ms
    list, wall ms list, servers in the last page)."""
    cpu, wall, resp = [], [], None
    for _run in range(runs):
        started_cpu, started = time.process_time(), time.perf_counter()
        resp = api.request('GET', path)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if resp.status_code != 200:
            raise RuntimeError('detail: %s' % resp.status_code)
    # Parsed once, outside the measure (the client's work, not the API's).
    return cpu, wall, len(resp.json['servers']) if resp else 0


def profiled(func, args, sort):
    """Run ``func(*args)`` under cProfile; print the top 25 by ``sort``."""
    profile = cProfile.Profile()
    profile.runcall(func, *args)
    pstats.Stats(profile, stream=sys.stdout).strip_dirs().sort_stats(
        sort).print_stats(25)


def run(args, api):
    """Measure (and optionally profile) both phases; print the figures."""
    open_limits(api, args.creates * 2 + args.warmup + args.detail_servers)
    counter = StatementCounter()
    event.listen(sa.engine.Engine, 'before_cursor_execute', counter)
    create_servers(api, args.warmup)
    counter.count = 0
    cpu, wall = create_servers(api, args.creates)
    statements = counter.count / args.creates
    event.remove(sa.engine.Engine, 'before_cursor_execute', counter)
    print('create: %d servers, CPU %.2f ms mean (p50 %.2f, min %.2f), wall '
          'p50 %.2f ms, %.1f statements each' % (
              args.creates, statistics.mean(cpu), statistics.median(cpu),
              min(cpu), statistics.median(wall), statements))
    if args.profile:
        profiled(create_servers, (api, args.creates), args.sort)
    fill_servers(api, args.detail_servers)
    get_detail(api, 2)
    cpu, wall, servers = get_detail(api, args.detail_runs)
    print('detail: %d servers in the page (%d in the project), p50 %.1f ms '
          'wall, %.1f ms CPU (min %.1f / %.1f ms)' % (
              servers, args.detail_servers, statistics.median(wall),
              statistics.median(cpu), min(wall), min(cpu)))
    if args.profile:
        profiled(get_detail, (api, args.detail_runs), args.sort)
    cpu, wall, servers = get_detail(api, args.detail_runs, INDEX_PATH)
    print('index: %d servers in the page, p50 %.1f ms wall, %.1f ms CPU '
          '(min %.1f / %.1f ms)' % (servers, statistics.median(wall),
                                    statistics.median(cpu), min(wall),
                                    min(cpu)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--creates', type=int, default=200,
                        help='measured single-server creates')
    parser.add_argument('--warmup', type=int, default=20,
                        help='creates before measuring')
    parser.add_argument('--detail-servers', type=int, default=1000,
                        help='live servers of the project for the detail '
                             'GET (at least the created ones)')
    parser.add_argument('--detail-runs', type=int, default=10)
    parser.add_argument('--db', choices=('sqlite', 'mysql', 'postgresql'),
                        default='sqlite')
    parser.add_argument('--profile', action='store_true',
                        help='print cProfile top 25 of each phase')
    parser.add_argument('--sort', default='tottime',
                        help='pstats sort key (tottime, cumulative, ...)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with inprocess.InProcessAPI(args.db) as api:
        run(args, api)


if __name__ == '__main__':
    main()
