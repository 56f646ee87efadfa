#!/usr/bin/env python3
"""Seed a new stestr repository with measured test durations, so that a
fresh clone's first run already splits the tests evenly between its
workers; and write those durations from a run.

    stestr list > ids.txt
    tools/seed-test-times.py tests/test-times.txt ids.txt | stestr load
    stestr last --subunit | tools/seed-test-times.py --refresh \\
        > tests/test-times.txt

stestr keeps a class's tests on one worker (``group_regex`` of
.stestr.conf) and deals the classes out by the durations its repository
recorded: longest first, each to the worker with the least time so far.
Only a class whose every test has a duration counts as timed; the others
are dealt out in turn after them, which on this suite left one worker
minutes behind the other.

``tests/test-times.txt`` holds ``<seconds> <test id>`` lines for the
tests of 1 s or more, and ``<seconds> <prefix>*`` lines: the mean
duration of the other tests under that prefix (``tests.unit.*``), the
default of a test the file does not name (e.g. a new one).  A class's
setUpClass and tearDownClass time (a shared stack: 10-30 s) is in the
duration of its first test.  With the list of test ids (second
argument), every test gets a duration: its own line, else the longest
matching prefix line.  Without it, only the named tests are seeded.

``--refresh`` reads a subunit v2 stream of a whole run (``stestr last
--subunit``) and prints the file: each test's duration, plus the time
between tests of a worker (class fixtures, module imports) on the test
that followed it.
"""
import collections
import datetime
import sys

from subunit import v2
import subunit
import testtools

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
#: Tests at least this long (seconds) get a line of their own.
LISTED = 1.0
#: Prefixes of the default lines ``--refresh`` writes.
PREFIXES = ('tests.unit.', 'tests.functional.')


def read_times(path):
    """``({test id: seconds}, {prefix: seconds})`` of the file's
    ``<seconds> <test id>`` and ``<seconds> <prefix>*`` lines (blank
    lines and ``#`` comments skipped)."""
    times, defaults = {}, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            seconds, test_id = line.split(None, 1)
            if test_id.endswith('*'):
                defaults[test_id[:-1]] = float(seconds)
            else:
                times[test_id] = float(seconds)
    return times, defaults


def durations(times, defaults, test_ids=None):
    """``[(test id, seconds)]``: every id of ``test_ids`` with its own
    duration or its longest matching prefix's (ids matching none are
    left out); without ``test_ids``, the named tests."""
    if test_ids is None:
        return sorted(times.items())
    result = []
    by_length = sorted(defaults, key=len, reverse=True)
    for test_id in test_ids:
        if test_id in times:
            result.append((test_id, times[test_id]))
            continue
        prefix = next((p for p in by_length if test_id.startswith(p)),
                      None)
        if prefix is not None:
            result.append((test_id, defaults[prefix]))
    return result


def write_stream(pairs, out):
    """A subunit v2 stream of a successful test of each duration."""
    stream = v2.StreamResultToBytes(out)
    for test_id, seconds in pairs:
        stream.status(test_id=test_id, test_status='inprogress',
                      timestamp=START)
        stream.status(test_id=test_id, test_status='success',
                      timestamp=START + datetime.timedelta(seconds=seconds))


def read_run(stream):
    """``{test id: seconds}`` of a subunit v2 run: each test's own time,
    plus the gap before it on its worker (class fixtures, imports)."""
    by_worker = collections.defaultdict(list)

    def on_test(test):
        start, stop = test['timestamps']
        if start is None or stop is None:
            return
        worker = sorted(t for t in test['tags'] if t.startswith('worker-'))
        by_worker[tuple(worker)].append((start, stop, test['id']))

    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    subunit.ByteStreamToStreamResult(
        stream, non_subunit_name='stdout').run(result)
    result.stopTestRun()
    seconds = {}
    for tests in by_worker.values():
        tests.sort()
        previous_stop = tests[0][0]
        for start, stop, test_id in tests:
            gap = max(0.0, (start - previous_stop).total_seconds())
            seconds[test_id] = (stop - start).total_seconds() + gap
            previous_stop = stop
    return seconds


def times_file(seconds, day):
    """The text of tests/test-times.txt for ``{test id: seconds}``."""
    lines = ['# <seconds> <test id>: tests of %g s or more in a full run '
             '(%s),' % (LISTED, day),
             '# class fixtures included (tools/seed-test-times.py); '
             '<seconds> <prefix>*:',
             '# the mean of the other tests under the prefix.']
    for prefix in PREFIXES:
        rest = [s for t, s in seconds.items()
                if t.startswith(prefix) and s < LISTED]
        if rest:
            lines.append('%.3f %s*' % (sum(rest) / len(rest), prefix))
    lines += ['%.1f %s' % (s, t) for t, s in sorted(
        seconds.items(), key=lambda item: (-item[1], item[0]))
        if s >= LISTED]
    return '\n'.join(lines) + '\n'


def main(argv):
    if argv[1:2] == ['--refresh']:
        seconds = read_run(sys.stdin.buffer)
        sys.stdout.write(times_file(seconds, datetime.date.today()))
        return 0
    times, defaults = read_times(argv[1])
    test_ids = None
    if len(argv) > 2:
        with open(argv[2]) as ids:
            test_ids = [line.strip() for line in ids if line.strip()]
    write_stream(durations(times, defaults, test_ids), sys.stdout.buffer)
    sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
