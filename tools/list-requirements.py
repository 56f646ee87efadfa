#!/usr/bin/env python3
"""Every requirement nova_lite's install paths ask for, one per line.

Sources: ``requirements.txt`` (the service), ``setup.cfg`` ``[extras]``
(``libvirt``, ``bench``), ``devstack/lab-requirements.txt`` (the lab) and
``test-requirements.txt`` (the tests). ``tools/update-constraints.sh``
compiles this list into ``upper-constraints.txt``; the unit test
``tests/unit/test_constraints.py`` checks each name has a pin there.

Usage: ``python3 tools/list-requirements.py [--names]`` (``--names``:
normalised project names only, e.g. ``oslo-db``).
"""
import configparser
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENT_FILES = ('requirements.txt', 'devstack/lab-requirements.txt',
                     'test-requirements.txt')
NAME = re.compile(r'^\s*([A-Za-z0-9][A-Za-z0-9._-]*)')


def normalise(name):
    """PEP 503 normal form of a project name: ``oslo.db`` -> ``oslo-db``."""
    return re.sub(r'[-_.]+', '-', name).lower()


def _lines(text):
    for line in text.splitlines():
        line = line.split('#', 1)[0].strip()
        if line and not line.startswith('-'):
            yield line


def extras(root=ROOT):
    """{extra name: [requirement line, ...]} from setup.cfg ``[extras]``."""
    parser = configparser.ConfigParser()
    parser.read(os.path.join(root, 'setup.cfg'))
    if not parser.has_section('extras'):
        return {}
    return {name: list(_lines(value))
            for name, value in parser.items('extras')}


def requirements(root=ROOT):
    """[(source, requirement line), ...] over every source, in order."""
    found = []
    for rel in REQUIREMENT_FILES:
        with open(os.path.join(root, rel)) as handle:
            found += [(rel, line) for line in _lines(handle.read())]
    for extra, lines in extras(root).items():
        found += [('setup.cfg [extras] %s' % extra, line) for line in lines]
    return found


def main(argv):
    for _source, line in requirements():
        print(normalise(NAME.match(line)[1]) if '--names' in argv else line)


if __name__ == '__main__':
    main(sys.argv[1:])
