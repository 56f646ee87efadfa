"""Every package an install path names is pinned in upper-constraints.txt.

The service (requirements.txt), its extras (setup.cfg [extras]), the lab
(devstack/lab-requirements.txt) and the tests (test-requirements.txt) all
install with ``-c upper-constraints.txt``; a name without a pin there would
resolve to whatever is newest on the day, which is how a fresh machine once
got pyOpenSSL 22 on cryptography 51 and could not import oslo.messaging.
"""
import os
import re
import runpy

import testtools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
LISTER = runpy.run_path(os.path.join(ROOT, 'tools', 'list-requirements.py'))
PIN = re.compile(r'^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)')


def pins(text):
    """{normalised name: version} of the ``name==version`` lines."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            found[LISTER['normalise'](match[1])] = match[2]
    return found


def unpinned(requirements, pinned):
    """Sources and lines of ``requirements`` whose name has no pin."""
    return ['%s: %s' % (source, line) for source, line in requirements
            if LISTER['normalise'](LISTER['NAME'].match(line)[1])
            not in pinned]


class TestConstraints(testtools.TestCase):

    def setUp(self):
        super().setUp()
        with open(os.path.join(ROOT, 'upper-constraints.txt')) as handle:
            self.text = handle.read()
        self.pinned = pins(self.text)

    def test_every_named_package_is_pinned(self):
        requirements = LISTER['requirements'](ROOT)
        self.assertGreater(len(requirements), 30)
        self.assertEqual([], unpinned(requirements, self.pinned))

    def test_extras_are_listed(self):
        extras = LISTER['extras'](ROOT)
        self.assertEqual(['libvirt-python>=9.0'], extras['libvirt'])
        self.assertIn('bench', extras)

    def test_libvirt_is_not_a_base_requirement(self):
        with open(os.path.join(ROOT, 'requirements.txt')) as handle:
            self.assertNotIn('libvirt', handle.read())

    def test_every_line_is_an_exact_pin(self):
        lines = [line for line in self.text.splitlines()
                 if line.strip() and not line.startswith('#')]
        self.assertEqual([], [line for line in lines if not PIN.match(line)])

    def test_held_versions(self):
        # pysaml2 caps pyOpenSSL < 24.3 and pyOpenSSL 24.2.1 caps
        # cryptography < 44 (tools/constraints-holds.txt).
        self.assertEqual('24.2.1', self.pinned['pyopenssl'])
        self.assertLess(int(self.pinned['cryptography'].split('.')[0]), 44)

    def test_a_missing_pin_is_reported(self):
        requirements = [('requirements.txt', 'oslo.db>=15.0'),
                        ('setup.cfg [extras] x', 'Not_Pinned.pkg>=1')]
        self.assertEqual(['setup.cfg [extras] x: Not_Pinned.pkg>=1'],
                         unpinned(requirements, pins('oslo-db==18.1.1\n')))
