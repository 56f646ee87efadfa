#!/usr/bin/env python3
"""Write a subunit v2 stream of measured test durations for ``stestr
load``, so that a new stestr repository (a fresh clone's first run)
already knows how long the slow tests take.

    tools/seed-test-times.py tests/test-times.txt | stestr load

stestr partitions tests between its workers by the durations its
repository recorded; a new repository has none, and then the tests are
dealt out in turn, which on this suite left one worker ten minutes
behind the other. ``tests/test-times.txt`` lists ``<seconds> <test id>``
for the tests that take 5 s or more (measured by a full run; refresh it
from a run's output when the slow tests change). Tests it does not list
are scheduled round-robin as before.
"""
import datetime
import sys

from subunit import v2

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def read_times(path):
    """``[(test id, seconds)]`` of the file's ``<seconds> <test id>``
    lines (blank lines and ``#`` comments skipped)."""
    times = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            seconds, test_id = line.split(None, 1)
            times.append((test_id, float(seconds)))
    return times


def main(argv):
    out = v2.StreamResultToBytes(sys.stdout.buffer)
    for test_id, seconds in read_times(argv[1]):
        out.status(test_id=test_id, test_status='inprogress',
                   timestamp=START)
        out.status(test_id=test_id, test_status='success',
                   timestamp=START + datetime.timedelta(seconds=seconds))
    sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
