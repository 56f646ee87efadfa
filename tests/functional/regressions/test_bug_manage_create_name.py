"""Regression: ``nova-lite-manage image create NAME`` and ``flavor create
NAME`` named the new image "image" and the flavor "flavor".

The positional argument's dest was ``name``, which oslo.config's
SubCommandOpt uses for the name of the chosen sub-command, so the
sub-command's name overwrote the one given.
"""
import os
import subprocess

import fixtures
import sqlalchemy as sa
import testtools

from nova_lite.db import models
from tests.functional.fixtures import processes


class TestManageCreateName(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.state = self.useFixture(fixtures.TempDir()).path
        self.db_url = 'sqlite:///%s' % os.path.join(self.state, 'nl.sqlite')
        self.conf = os.path.join(self.state, 'nova_lite.conf')
        with open(self.conf, 'w') as conf:
            conf.write('[DEFAULT]\nstate_path = %s\n[database]\n'
                       'connection = %s\n' % (self.state, self.db_url))
        self.manage('db', 'sync')

    def manage(self, *args):
        result = subprocess.run(
            processes.command('nova-lite-manage')
            + ['--config-file', self.conf] + list(args),
            capture_output=True, text=True, timeout=120,
            env=processes.process_env())
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        return result.stdout

    def names(self, model):
        engine = sa.create_engine(self.db_url)
        self.addCleanup(engine.dispose)
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.select(model.name))]

    def test_image_create_keeps_name(self):
        out = self.manage('image', 'create', 'cirros-ish',
                          '--property', 'os_command_line=console=ttyS0')
        self.assertIn('Image cirros-ish:', out)
        self.assertEqual(['cirros-ish'], self.names(models.Image))

    def test_flavor_create_keeps_name(self):
        self.manage('flavor', 'create', 'g1.guest', '--vcpus', '1',
                    '--ram', '256', '--disk', '1', '--id', 'g1')
        self.assertEqual(['g1.guest'], self.names(models.Flavor))
