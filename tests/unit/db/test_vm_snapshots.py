"""nova_lite.db.vm_snapshots: conditional state writes, one current
snapshot per instance, children re-parented on delete, visibility by
project, and the instance's deletion taking its snapshots."""
import testtools

from nova_lite import context as nl_context
from nova_lite.db import instances as instance_db
from nova_lite.db import vm_snapshots as db
from nova_lite import exception
from tests.unit.scheduler import fakes


class VMSnapshotDBTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        instance_db.instances_create(self.admin, [{
            'uuid': 'inst-1', 'project_id': 'p1', 'user_id': 'u',
            'vcpus': 1, 'memory_mb': 64, 'root_gb': 1, 'host': 'node1',
            'vm_state': 'active'}])
        self.user = nl_context.RequestContext(user_id='u', project_id='p1',
                                              roles=['member'])
        self.other = nl_context.RequestContext(user_id='x', project_id='p2',
                                               roles=['member'])

    def add(self, uuid, parent=None, state='Ready', name=None):
        return db.vm_snapshot_create(self.admin, {
            'uuid': uuid, 'instance_uuid': 'inst-1', 'project_id': 'p1',
            'user_id': 'u', 'display_name': name or uuid, 'name': uuid,
            'type': 'Disk', 'state': state, 'current': False,
            'parent_uuid': parent})

    def test_conditional_update_and_current(self):
        self.add('s1')
        self.add('s2', parent='s1')
        self.assertFalse(db.vm_snapshot_update(
            self.admin, 's1', {'state': 'Reverting'},
            expected_state='Error'))
        self.assertTrue(db.vm_snapshot_update(
            self.admin, 's1', {'state': 'Reverting'},
            expected_state=('Ready', 'Error')))
        db.vm_snapshot_make_current(self.admin, 'inst-1', 's1',
                                    {'state': 'Ready'})
        db.vm_snapshot_make_current(self.admin, 'inst-1', 's2', {})
        rows, total = db.vm_snapshot_get_all(self.admin,
                                             {'instance_uuid': 'inst-1'})
        self.assertEqual((2, {'s1': False, 's2': True}),
                         (total, {r['uuid']: r['current'] for r in rows}))

    def test_filters_paging_and_projects(self):
        for n in range(3):
            self.add('s%d' % n, name='snap-%d' % n)
        page, total = db.vm_snapshot_get_all(self.admin, {}, offset=1,
                                             limit=1)
        self.assertEqual((['s1'], 3), ([r['uuid'] for r in page], total))
        self.assertEqual(1, db.vm_snapshot_get_all(
            self.admin, {'keyword': 'p-2'})[1])
        self.assertEqual('s0', db.vm_snapshot_get(self.user, 's0')['uuid'])
        self.assertRaises(exception.VMSnapshotNotFound, db.vm_snapshot_get,
                          self.other, 's0')

    def test_destroy_reparents_children(self):
        self.add('s1')
        self.add('s2', parent='s1')
        self.add('s3', parent='s2')
        self.assertFalse(db.vm_snapshot_destroy(self.admin, 's2',
                                                expected_state='Expunging'))
        self.assertTrue(db.vm_snapshot_destroy(self.admin, 's2'))
        self.assertFalse(db.vm_snapshot_destroy(self.admin, 's2'))
        self.assertEqual('s1', db.vm_snapshot_get(self.admin,
                                                  's3')['parent_uuid'])
        self.assertEqual(2, db.vm_snapshot_count(self.admin, 'inst-1'))

    def test_instance_destroy_deletes_its_snapshots(self):
        self.add('s1')
        self.assertTrue(instance_db.instance_destroy(self.admin, 'inst-1'))
        self.assertEqual(0, db.vm_snapshot_count(self.admin, 'inst-1'))
        self.assertRaises(exception.VMSnapshotNotFound, db.vm_snapshot_get,
                          self.admin, 's1')
