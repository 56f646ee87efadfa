"""The lint is part of the test run: ``ruff check nova_lite tests tools``
with the repository's ruff.toml files (``nova_lite/api/ruff.toml`` bans
``nova_lite.db`` in the API layer)."""
import os
import subprocess
import sys

import testtools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
#: The ruff of the environment running the tests.
RUFF = os.path.join(os.path.dirname(sys.executable), 'ruff')


def _ruff(*args, stdin=None):
    return subprocess.run(
        [RUFF, 'check', '--no-cache', '--output-format', 'concise', *args],
        cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120,
        check=False)


class StyleTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if not os.path.exists(RUFF):
            self.skipTest('ruff is not installed next to %s'
                          % sys.executable)

    def test_ruff_check(self):
        result = _ruff('nova_lite', 'tests', 'tools')
        self.assertEqual(0, result.returncode,
                         'ruff check nova_lite tests tools:\n'
                         + result.stdout + result.stderr)

    def test_api_handlers_may_not_import_the_database(self):
        """Every form of importing nova_lite.db in an API module is
        flagged (TID251), not only ``import nova_lite.db``."""
        forms = ('from nova_lite.db import instances',
                 'import nova_lite.db.instances',
                 'from nova_lite.db.instances import instance_get',
                 'from nova_lite import db',
                 'import nova_lite.db')
        for form in forms:
            result = _ruff('--stdin-filename',
                           'nova_lite/api/cloudstack/commands/probe.py', '-',
                           stdin=form + '  # noqa: F401\n')
            self.assertIn('TID251', result.stdout, form)
