"""nova-lite-manage db purge and service check against a real database."""
import datetime
import os
import subprocess

import sqlalchemy as sa
import testtools

from nova_lite.compute import api as compute_api
from nova_lite.db import actions as action_db
from nova_lite.db import purge as purge_db
from nova_lite.db import session as db_session
from nova_lite.db import models
from tests.functional.fixtures import inprocess
from tests.functional.fixtures import processes


class TestDbPurge(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}))
        self.api = compute_api.API()
        self.ctxt = self.stack.context()

    def _count(self, model):
        with db_session.reader(self.stack.admin) as session:
            return session.scalar(sa.select(sa.func.count()).select_from(
                model))

    def test_purge_removes_deleted_rows_and_keeps_live_ones(self):
        rows, _ = self.api.create(self.ctxt, 'vm', self.stack.image['uuid'],
                                  '1', min_count=3, max_count=3,
                                  metadata={'k': 'v'})
        uuids = [r.uuid for r in rows]
        inprocess.wait_for(lambda: all(
            self.api.get(self.ctxt, u).vm_state == 'active' for u in uuids))
        for uuid in uuids[:2]:
            self.api.delete(self.ctxt, uuid)
        inprocess.wait_for(lambda: len(self.api.get_all(self.ctxt)) == 1,
                           message='two deleted')
        before = datetime.datetime.now(datetime.timezone.utc).replace(
            tzinfo=None) + datetime.timedelta(seconds=1)
        self.assertEqual(2, purge_db.purge_count(self.stack.admin, before))
        self.assertEqual(1, purge_db.purge_batch(self.stack.admin, before, 1))
        self.assertEqual(1, purge_db.purge_batch(self.stack.admin, before, 1))
        self.assertEqual(0, purge_db.purge_batch(self.stack.admin, before, 1))
        self.assertEqual(1, self._count(models.Instance))
        self.assertEqual(1, self._count(models.InstanceMetadata))
        self.assertEqual({uuids[2]}, {a.instance_uuid for a in
                                      action_db.actions_get(self.stack.admin,
                                                            uuids[2])})
        with db_session.reader(self.stack.admin) as session:
            left = session.scalar(sa.select(sa.func.count()).select_from(
                models.InstanceAction).where(
                models.InstanceAction.instance_uuid.in_(uuids[:2])))
        self.assertEqual(0, left)


class TestManageCommands(testtools.TestCase):

    def test_purge_and_service_check_cli(self):
        stack = self.useFixture(processes.MultiProcessStack(
            'sqlite', hosts=('node1',), all_in_one=True))
        out = stack.manage('db', 'purge', '--before', '2000-01-01')
        self.assertIn('Purged 0 deleted instance(s)', out)
        out = stack.manage('service', 'check', '--binary',
                           'nova-lite-compute', '--host', 'controller')
        self.assertIn('up', out)
        result = subprocess.run(
            processes.command('nova-lite-manage')
            + ['--config-file', stack.config_file, 'service', 'check',
               '--binary', 'nova-lite-compute', '--host', 'nowhere'],
            capture_output=True, text=True, env=processes.process_env(),
            timeout=60)
        self.assertEqual(1, result.returncode, result.stderr)
        self.assertIn('no heartbeat', result.stderr)
        self.assertFalse(os.path.exists(os.path.join(stack.state_dir,
                                                     'nowhere')))
