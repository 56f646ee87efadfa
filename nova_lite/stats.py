"""Process counters for benchmarks: SQL statements (SQLAlchemy events),
CPU seconds, RSS and the durations of timed operations (``observe``,
e.g. ``select_destinations``). Written as JSON to ``[DEFAULT]
stats_dir``."""
import json
import os
import resource
import threading

from oslo_config import cfg
import sqlalchemy as sa
from sqlalchemy import event

CONF = cfg.CONF
_lock = threading.Lock()
_counts = {'sql_statements': 0}
#: {operation: [milliseconds, ...]} while installed (None: not recording)
_timings = None
#: Durations kept per operation (the first ones; a benchmark phase reads
#: those recorded between two snapshots).
MAX_TIMINGS = 200000


def _count(*_args, **_kwargs):
    with _lock:
        _counts['sql_statements'] += 1


def install():
    """Count every statement of every engine of this process and record
    timed operations (once)."""
    global _timings
    if not event.contains(sa.engine.Engine, 'before_cursor_execute', _count):
        event.listen(sa.engine.Engine, 'before_cursor_execute', _count)
    with _lock:
        if _timings is None:
            _timings = {}


def observe(operation, seconds):
    """Record that ``operation`` took ``seconds`` (kept in milliseconds,
    0.01 ms resolution) when the counters are installed; else nothing."""
    if _timings is None:
        return
    with _lock:
        kept = _timings.setdefault(operation, [])
        if len(kept) < MAX_TIMINGS:
            kept.append(round(seconds * 1000, 2))


def snapshot():
    """dict: sql_statements, cpu_s (user+system), rss_mb (current RSS
    MiB), pid, timings_ms ({operation: [ms, ...] in the order
    recorded})."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with _lock:
        statements = _counts['sql_statements']
        timings = {k: list(v) for k, v in (_timings or {}).items()}
    return {'sql_statements': statements,
            'cpu_s': round(usage.ru_utime + usage.ru_stime, 3),
            'rss_mb': round(_current_rss_mb(), 1),
            'pid': os.getpid(), 'timings_ms': timings}


def _current_rss_mb():
    try:
        with open('/proc/self/statm') as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf('SC_PAGE_SIZE') / 1048576.0
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def write(name):
    """Write the snapshot to ``stats_dir/<name>-<pid>.json`` if enabled."""
    if not CONF.stats_dir:
        return
    os.makedirs(CONF.stats_dir, exist_ok=True)
    data = dict(snapshot(), name=name)
    path = os.path.join(CONF.stats_dir, '%s-%d.json' % (name, os.getpid()))
    tmp = path + '.tmp'
    with open(tmp, 'w') as out:
        json.dump(data, out)
    os.replace(tmp, path)
