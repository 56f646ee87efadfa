"""No module under nova_lite/ grows past 600 lines: a file that size holds
more than one concern and is split by flow or resource instead (as the db
package is split by resource and the libvirt driver by concern)."""
import os

import fixtures
import testtools

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'nova_lite')
MAX_LINES = 600


def oversized(root=PACKAGE, limit=MAX_LINES):
    """[(path relative to ``root``, lines)] of .py files over ``limit``."""
    found = []
    for directory, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith('.py'):
                path = os.path.join(directory, name)
                with open(path, encoding='utf-8') as handle:
                    lines = sum(1 for _line in handle)
                if lines > limit:
                    found.append((os.path.relpath(path, root), lines))
    return sorted(found)


class TestModuleSize(testtools.TestCase):

    def test_no_module_over_the_limit(self):
        self.assertEqual([], oversized())

    def test_the_check_sees_a_long_module(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(tmp, 'long.py'), 'w') as handle:
            handle.write('x = 1\n' * (MAX_LINES + 1))
        with open(os.path.join(tmp, 'short.py'), 'w') as handle:
            handle.write('x = 1\n' * MAX_LINES)
        self.assertEqual([('long.py', MAX_LINES + 1)], oversized(tmp))
