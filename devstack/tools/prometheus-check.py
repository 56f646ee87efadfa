#!/usr/bin/env python3
"""Lab check of the metrics pipeline: Prometheus scrapes every service and
answers the three questions of doc/admin/metrics.md ("Queries").

Run on a lab stacked with METRICS=True PROMETHEUS=True, as admin:

    source devstack/openrc admin admin
    devstack/.venv/bin/python devstack/tools/prometheus-check.py

It checks that every scrape target is up, boots ``--servers`` servers
(image ``--image``, flavor ``--flavor``) and one server of a flavor no
host can hold (created and deleted here), waits until Prometheus has
scraped the outcome, then runs the queries and checks their answers:
boots per minute and the p95 create-to-ACTIVE time are numbers, the
succeeded builds grew by ``--servers``, NoValidHost counts a filter, and
capacity is left in some availability zone. The servers and the flavor
are deleted at the end. Exit code 0 when every check holds.
"""
import argparse
import sys
import time

import openstack
import requests

#: The queries of doc/admin/metrics.md, "Queries".
BOOTS_PER_MINUTE = 'sum(rate(nova_lite_builds_succeeded_total[5m])) * 60'
P95_TO_ACTIVE = ('histogram_quantile(0.95, sum by (le) '
                 '(rate(nova_lite_build_to_active_seconds_bucket[5m])))')
NO_VALID_HOST = ('sum by (filter) '
                 '(increase(nova_lite_scheduler_no_valid_host_total[1h]))')
CAPACITY_PER_AZ = ('sum by (availability_zone) (max by (host, '
                   'availability_zone) (nova_lite_host_memory_bytes - '
                   'nova_lite_host_memory_used_bytes))')
SUCCEEDED = 'sum(nova_lite_builds_succeeded_total)'
#: Name prefix of what the check creates.
PREFIX = 'prom-check-'
#: GiB of root disk: more than any lab host has (disk has no quota, so
#: the request reaches the scheduler, whose DiskFilter refuses it).
HUGE_DISK_GB = 1024 * 1024


def say(text):
    print('[%s] %s' % (time.strftime('%H:%M:%S'), text), flush=True)


class Prometheus:
    """The HTTP API of one Prometheus server."""

    def __init__(self, url):
        self.url = url.rstrip('/')

    def _get(self, path, **params):
        resp = requests.get(self.url + path, params=params, timeout=10)
        resp.raise_for_status()
        body = resp.json()
        if body.get('status') != 'success':
            raise RuntimeError('%s: %s' % (path, body))
        return body['data']

    def targets(self):
        """[(job, instance, health)] of the active targets."""
        return [(t['labels'].get('job'), t['labels'].get('instance'),
                 t['health']) for t in self._get('/api/v1/targets')
                ['activeTargets']]

    def query(self, promql):
        """{labels as a sorted tuple: float} of an instant query."""
        result = self._get('/api/v1/query', query=promql)['result']
        return {tuple(sorted(r['metric'].items())): float(r['value'][1])
                for r in result}

    def scalar(self, promql):
        """The one value of a query (None when it has no series)."""
        values = list(self.query(promql).values())
        return values[0] if values else None


def wait_for(what, check, timeout, interval=1.0):
    """Call ``check()`` until it returns a true value; that value.

    :raises: SystemExit after ``timeout`` seconds
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            sys.exit('FAILED: %s within %d s' % (what, timeout))
        time.sleep(interval)


def check_targets(prom, timeout):
    def all_up():
        targets = prom.targets()
        return targets if targets and all(
            health == 'up' for _, _, health in targets) else None
    targets = wait_for('every scrape target up', all_up, timeout)
    for job, instance, health in targets:
        say('target %-28s %-22s %s' % (job, instance, health))


def boot(conn, args, created):
    """Boot the servers and one that no host can hold (on a flavor made
    for it), appending what it creates to ``created`` as it goes."""
    image = conn.compute.find_image(args.image, ignore_missing=False)
    flavor = conn.compute.find_flavor(args.flavor, ignore_missing=False)
    servers = []
    for i in range(args.servers):
        servers.append(conn.compute.create_server(
            name='%s%d' % (PREFIX, i), image_id=image.id,
            flavor_id=flavor.id))
        created.append(servers[-1])
    huge_flavor = conn.compute.create_flavor(
        name=PREFIX + 'huge', ram=flavor.ram, vcpus=1, disk=HUGE_DISK_GB,
        is_public=True)
    created.append(huge_flavor)
    huge = conn.compute.create_server(name=PREFIX + 'huge',
                                      image_id=image.id,
                                      flavor_id=huge_flavor.id)
    created.append(huge)
    for index, server in enumerate(servers, 1):
        conn.compute.wait_for_server(server, status='ACTIVE',
                                     wait=args.timeout)
        say('server %d/%d ACTIVE: %s' % (index, len(servers), server.id))
    conn.compute.wait_for_server(huge, status='ERROR', failures=[],
                                 wait=args.timeout)
    say('server %shuge ERROR (no valid host), as expected' % PREFIX)


def leftovers(conn):
    """Servers and flavors of an earlier run of this check."""
    found = [s for s in conn.compute.servers(all_projects=True)
             if s.name.startswith(PREFIX)]
    return found + [f for f in conn.compute.flavors(is_public=None)
                    if f.name.startswith(PREFIX)]


def cleanup(conn, created):
    """Delete ``created`` (servers first, then flavors)."""
    servers = [r for r in created if r.resource_key == 'server']
    for server in servers:
        conn.compute.delete_server(server, ignore_missing=True)
    for server in servers:
        conn.compute.wait_for_delete(server, wait=120)
    for flavor in created:
        if flavor.resource_key == 'flavor':
            conn.compute.delete_flavor(flavor, ignore_missing=True)
    if created:
        say('deleted %d server(s) and flavor(s) of the check' % len(created))


def check_queries(prom, before, count, timeout):
    """Wait for the scrape of the boots, then run the three queries."""
    wait_for('%d more succeeded builds in Prometheus' % count,
             lambda: (prom.scalar(SUCCEEDED) or 0) >= before + count,
             timeout)
    wait_for('a NoValidHost in Prometheus',
             lambda: any(v > 0 for v in prom.query(NO_VALID_HOST).values()),
             timeout)
    failures = []
    boots = prom.scalar(BOOTS_PER_MINUTE)
    p95 = prom.scalar(P95_TO_ACTIVE)
    say('boots per minute (5m rate): %s' % boots)
    say('p95 create-to-ACTIVE (s):   %s' % p95)
    if not boots or boots <= 0:
        failures.append('boots per minute is %r' % boots)
    if p95 is None or p95 != p95:     # NaN: no observation
        failures.append('p95 create-to-ACTIVE is %r' % p95)
    by_filter = {dict(k).get('filter'): v
                 for k, v in prom.query(NO_VALID_HOST).items()}
    say('NoValidHost by filter (1h): %s' % by_filter)
    if not any(v > 0 for v in by_filter.values()):
        failures.append('no NoValidHost counted by any filter')
    per_az = {dict(k).get('availability_zone'): v
              for k, v in prom.query(CAPACITY_PER_AZ).items()}
    say('RAM left per AZ (bytes):    %s' % per_az)
    if not any(v > 0 for v in per_az.values()):
        failures.append('no capacity left in any availability zone')
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--prometheus', default='http://127.0.0.1:9090')
    parser.add_argument('--servers', type=int, default=3)
    parser.add_argument('--image', default='tiny')
    parser.add_argument('--flavor', default='m1.tiny')
    parser.add_argument('--timeout', type=int, default=300,
                        help='seconds per wait (default 300)')
    args = parser.parse_args()
    prom = Prometheus(args.prometheus)
    conn = openstack.connect()
    check_targets(prom, args.timeout)
    cleanup(conn, leftovers(conn))
    before = prom.scalar(SUCCEEDED) or 0
    say('succeeded builds before: %d' % before)
    created = []
    try:
        boot(conn, args, created)
        failures = check_queries(prom, before, args.servers, args.timeout)
    finally:
        cleanup(conn, created)
    if failures:
        sys.exit('FAILED: ' + '; '.join(failures))
    say('OK: Prometheus scraped every service and answered the three '
        'questions')


if __name__ == '__main__':
    main()
