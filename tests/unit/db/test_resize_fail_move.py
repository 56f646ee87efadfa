"""nova_lite.db.resize.fail_move: a failed move's server ERROR (with its
fault), destination claim release and migration status are one
transaction: all written, or (the server not in the expected task
state, or a write failing midway) none."""
from unittest import mock

import testtools

from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records
from nova_lite.db import resize as resize_db
from nova_lite import exception
from tests import db_helpers
from tests.unit.scheduler import fakes

FAULT = {'code': 500, 'message': 'Resize timed out', 'host': None,
         'details': None}


class FailMoveTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        dest = self.db.add_host('dest')
        instance_db.instances_create(self.admin, [{
            'uuid': 'inst-1', 'project_id': 'p1', 'user_id': 'u',
            'vcpus': 1, 'memory_mb': 64, 'root_gb': 1, 'host': 'src',
            'vm_state': 'active', 'task_state': 'resize_migrated'}])
        self.migration = migrations_records.migration_create(self.admin, {
            'instance_uuid': 'inst-1', 'source_compute': 'src',
            'dest_compute': 'dest', 'status': 'post-migrating',
            'migration_type': 'resize'})['uuid']
        self.assertTrue(claim_db.claim(self.admin, dest['id'],
                                       self.migration, 1, 64, 1))

    def state(self):
        row = instance_db.instance_get(self.admin, 'inst-1')
        return (row.vm_state, row.task_state,
                resize_db.migration_get(self.admin,
                                        self.migration)['status'],
                db_helpers.allocation_get(self.admin,
                                          self.migration) is not None,
                len(db_helpers.instance_faults_get(self.admin, 'inst-1')))

    def fail(self, expected_task_state=('resize_migrated',)):
        return resize_db.fail_move(
            self.admin, 'inst-1', self.migration,
            {'vm_state': 'error', 'task_state': None}, FAULT,
            expected_task_state, {'status': 'error'})

    def test_all_written(self):
        self.assertEqual(('active', 'resize_migrated', 'post-migrating',
                          True, 0), self.state())
        self.assertTrue(self.fail())
        self.assertEqual(('error', None, 'error', False, 1), self.state())

    def test_nothing_written_when_the_task_moved_on(self):
        self.assertRaises(exception.UnexpectedTaskStateError, self.fail,
                          ('resize_finish',))
        self.assertEqual(('active', 'resize_migrated', 'post-migrating',
                          True, 0), self.state())

    def test_nothing_written_when_the_migration_write_fails(self):
        with mock.patch.object(resize_db, 'migration_update',
                               side_effect=RuntimeError('db gone')):
            self.assertRaises(RuntimeError, self.fail)
        self.assertEqual(('active', 'resize_migrated', 'post-migrating',
                          True, 0), self.state())
