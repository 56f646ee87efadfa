"""The services' counters during a benchmark: SQL statements, CPU
seconds, RSS and timed operations, read from the files each service
writes to ``[DEFAULT] stats_dir`` every ``report_interval``
(``nova_lite.stats``), as per-boot deltas net of what the services do
while idle."""
import json
import os
import time


def percentile(values, fraction):
    """The ``fraction`` (0..1) percentile of ``values`` (nearest rank),
    None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(
        fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def read_stats(stats_dir):
    """{service: dict sql_statements, cpu_s, rss_mb, timings_ms, mtime}
    of the counters files (``<binary>-<host>-<pid>.json``)."""
    result = {}
    for name in os.listdir(stats_dir):
        if not name.endswith('.json'):
            continue
        path = os.path.join(stats_dir, name)
        try:
            with open(path) as stream:
                data = json.load(stream)
            data['mtime'] = os.stat(path).st_mtime
        except (OSError, ValueError):
            continue
        result[data.get('name') or name.rsplit('-', 1)[0]] = data
    return result


def fresh_stats(stats_dir, after, services, timeout):
    """Counters of every service in ``services`` written after ``after``
    (epoch seconds); waits for the next periodic write.

    :raises: RuntimeError after ``timeout`` seconds
    """
    deadline = time.monotonic() + timeout
    while True:
        stats = read_stats(stats_dir)
        if all(s in stats and stats[s]['mtime'] > after for s in services):
            return stats
        if time.monotonic() > deadline:
            raise RuntimeError('stats of %s not written within %d s' % (
                sorted(set(services) - set(stats)), timeout))
        time.sleep(0.2)


def wait_stats_files(stats_dir, count, timeout=60):
    """Wait until ``count`` services have written their counters."""
    deadline = time.monotonic() + timeout
    while len(read_stats(stats_dir)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError('only %s wrote stats' % sorted(
                read_stats(stats_dir)))
        time.sleep(0.2)


class Meter:
    """Per-service deltas of the stats counters over a phase, net of the
    idle rate measured by ``calibrate``.

    :param interval: seconds between two writes of the counters
    """

    def __init__(self, stats_dir, interval):
        self.stats_dir = stats_dir
        self.interval = interval
        self.services = sorted(read_stats(stats_dir))
        self.idle = {}

    def snapshot(self):
        return fresh_stats(self.stats_dir, time.time(), self.services,
                           self.interval * 4)

    def calibrate(self):
        """Idle rates (statements/s, CPU s/s) over one stats interval."""
        first = self.snapshot()
        second = self.snapshot()
        for service in self.services:
            span = max(second[service]['mtime'] - first[service]['mtime'],
                       1e-3)
            self.idle[service] = {
                key: (second[service][key] - first[service][key]) / span
                for key in ('sql_statements', 'cpu_s')}
        return second

    def idle_cores(self):
        """{service: CPU seconds per second while idle}."""
        return {name: round(rates['cpu_s'], 3)
                for name, rates in self.idle.items()}

    def delta(self, before, after, count):
        """{service: {sql, sql_gross, cpu_s, cpu_s_gross}} per boot
        (``count``)."""
        result = {}
        for service in self.services:
            span = after[service]['mtime'] - before[service]['mtime']
            idle = self.idle.get(service, {'sql_statements': 0, 'cpu_s': 0})
            row = {}
            for key, out in (('sql_statements', 'sql'), ('cpu_s', 'cpu_s')):
                gross = after[service][key] - before[service][key]
                row[out] = max(gross - idle[key] * span, 0) / count
                row[out + '_gross'] = gross / count
            result[service] = row
        return result

    @staticmethod
    def timings(before, after, operation):
        """Durations (ms) of ``operation`` recorded by any service between
        the snapshots ``before`` and ``after``."""
        found = []
        for service, data in after.items():
            now = data.get('timings_ms', {}).get(operation, [])
            then = before.get(service, {}).get('timings_ms', {}).get(
                operation, [])
            found.extend(now[len(then):])
        return found
