#!/usr/bin/env python3
"""Chaos boot at lab size: a burst of boots (300 by default) from 8
client threads with Keystone tokens while, one at a time, an API worker
process, a conductor and a scheduler (and, with ``--clusters``, a
RabbitMQ node and a Galera node of the three-node clusters) are killed
with SIGKILL and restarted; then the end state is checked and the
figures of each fault printed (``nova_lite.bench.chaos``; the CI-sized
run is ``tests/functional/test_chaos.py``).

Runs from a checkout with the test requirements installed (the stack
and Keystone are the functional tests' fixtures), on the machine's
RabbitMQ and MariaDB, or on ``nova_lite.bench.ha_clusters`` when
``--clusters`` is given and that module is in the tree::

    python tools/chaos_boot.py --instances 300 --seconds-per-fault 20

Exit code 0 when the end state has no problem, 1 otherwise (each problem
printed). doc/ha.md quotes its figures.
"""
import argparse
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from nova_lite.bench import chaos  # noqa: E402
from nova_lite.bench import chaos_checks  # noqa: E402
from nova_lite.bench import client as compute_client  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--instances', type=int, default=300)
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--api-workers', type=int, default=3)
    parser.add_argument('--conductors', type=int, default=2)
    parser.add_argument('--schedulers', type=int, default=2)
    parser.add_argument('--hosts', type=int, default=2,
                        help='compute processes (fake driver)')
    parser.add_argument('--seconds-per-fault', type=float, default=20,
                        help='burst length per fault (requests are paced '
                             'so that every kill falls in the burst); 0: '
                             'as fast as the clients go')
    parser.add_argument('--settle-timeout', type=float, default=600,
                        help='seconds to wait after the burst for every '
                             'server to leave BUILD')
    parser.add_argument('--clusters', action='store_true',
                        help='run on the three-node RabbitMQ and Galera '
                             'clusters and kill a node of each too')
    parser.add_argument('--noauth', action='store_true',
                        help='noauth headers instead of a Keystone')
    return parser.parse_args(argv)


def start_clusters(stack_kwargs, options):
    """Start the HA clusters; returns them (their stop is the caller's)."""
    try:
        from nova_lite.bench import ha_clusters
    except ImportError:
        sys.exit('--clusters: nova_lite.bench.ha_clusters is not in this '
                 'tree')
    clusters = ha_clusters.start_temporary()
    kwargs, extra = chaos.cluster_stack_args(clusters, ha_clusters)
    stack_kwargs.update(kwargs)
    options.update(extra)
    return clusters


def run(args, stack_kwargs, options, clusters):
    from tests.functional.fixtures import processes
    stack = processes.MultiProcessStack(
        'mysql', hosts=['node%d' % (i + 1) for i in range(args.hosts)],
        keystone=not args.noauth, api_workers=args.api_workers,
        conductors=args.conductors, schedulers=args.schedulers,
        conf=options, **stack_kwargs)
    stack.setUp()
    try:
        token = None if args.noauth else stack.token('demo')

        def client():
            return compute_client.ComputeClient(stack.api_url, token=token)
        faults = chaos.controller_faults()
        if clusters is not None:
            faults += chaos.cluster_faults(clusters)
        rate = (chaos.paced_rate(args.instances, len(faults),
                                 args.seconds_per_fault)
                if args.seconds_per_fault else 0.0)
        chaos_run = chaos.ChaosRun(
            stack, client, client().image_id('tiny'), faults,
            instances=args.instances, clients=args.clients, rate=rate)
        report = chaos_run.run(settle_timeout=args.settle_timeout)
        print(report.render(), flush=True)
        problems = chaos_checks.check(stack, report)
        for problem in problems:
            print('PROBLEM: %s' % problem)
        print('end state: %s' % ('%d problems' % len(problems)
                                 if problems else 'no problem'))
        return 1 if problems else 0
    finally:
        stack.cleanUp()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    options, stack_kwargs, clusters = dict(chaos.STACK_CONF), {}, None
    if args.clusters:
        clusters = start_clusters(stack_kwargs, options)
    try:
        return run(args, stack_kwargs, options, clusters)
    finally:
        if clusters is not None:
            clusters.stop()


if __name__ == '__main__':
    sys.exit(main())
