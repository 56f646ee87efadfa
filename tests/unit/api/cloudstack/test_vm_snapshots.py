"""createVMSnapshot, listVMSnapshot, revertToVMSnapshot and
deleteVMSnapshot through the CloudStack endpoint, with a real
ComputeManager on the fake driver running the compute casts in this
thread (as test_vm_images): jobs and their results, the records' states,
the rules (431/530), recovery, and the VM's deletion taking its
snapshots along."""
import fixtures

from nova_lite.compute.lifecycle import vm_snapshot as lifecycle_vm_snapshot
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite.db import vm_snapshots as vm_snapshot_db
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake_vm_snapshot
from tests.unit.api.cloudstack import test_vm_images

CASTS = ('vm_snapshot_create', 'vm_snapshot_revert', 'vm_snapshot_delete',
         'terminate_instance')


class VMSnapshotsTest(test_vm_images.VMImagesTest):
    """Reuses VMImagesTest's stack (a deployed Running VM ``self.vm`` on
    a fake driver behind a real manager); its own tests are not run
    again here."""

    def setUp(self):
        super().setUp()
        for name in CASTS:
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))

    # ---------------------------------------------------------------- helpers

    def create(self, status=200, **params):
        params.setdefault('virtualmachineid', self.vm)
        code, body = self.json('createVMSnapshot', **params)
        self.assertEqual(status, code, body)
        return body

    def snapshots(self, **params):
        code, body = self.json('listVMSnapshot', **params)
        self.assertEqual(200, code, body)
        return body['listvmsnapshotresponse'].get('vmSnapshot', [])

    def guest(self):
        return self.driver._guests[self.vm]

    def really_stop(self):
        self.stop()
        self.guest()['state'] = states.SHUTDOWN

    def vm_state(self):
        return instance_db.instance_get(self.api.admin_context, self.vm)

    # ------------------------------------------------------------------ tests

    def test_memory_snapshot_revert_delete(self):
        body = self.create(name='before', description='first',
                           snapshotmemory='true')
        snap_id = body['createvmsnapshotresponse']['id']
        job = self.job(body)
        self.assertEqual(1, job['jobstatus'], job)
        snap = job['jobresult']['vmsnapshot']
        self.assertEqual(
            (snap_id, 'before', 'first', 'Ready', 'DiskAndMemory', True,
             self.vm, None),
            (snap['id'], snap['displayname'], snap['description'],
             snap['state'], snap['type'], snap['current'],
             snap['virtualmachineid'], snap.get('parent')))
        self.assertRegex(snap['name'], r'_VS_\d{14}$')
        for key in ('created', 'account', 'domain', 'domainid', 'project',
                    'projectid', 'zoneid'):
            self.assertIn(key, snap)
        # The guest writes on; the revert brings it back.
        self.guest()['console'].append('written after the snapshot')
        code, body = self.json('revertToVMSnapshot', vmsnapshotid=snap_id)
        self.assertEqual(200, code, body)
        job = self.job(body)
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual('Running',
                         job['jobresult']['virtualmachine']['state'])
        self.assertEqual('%s %s' % (fake_vm_snapshot.REVERTED, snap_id),
                         self.guest()['console'][-1])
        self.assertNotIn('written after the snapshot',
                         self.guest()['console'])
        actions = [a.action for a in action_db.actions_get(
            self.api.admin_context, self.vm)]
        self.assertIn('createVMSnapshot', actions)
        self.assertIn('revertToVMSnapshot', actions)
        code, body = self.json('deleteVMSnapshot', vmsnapshotid=snap_id)
        self.assertEqual(200, code, body)
        job = self.job(body)
        self.assertEqual((1, {'success': True}),
                         (job['jobstatus'], job['jobresult']))
        self.assertEqual([], self.snapshots())
        self.assertEqual({}, self.driver.vm_snapshots[self.vm])

    def test_disk_snapshot_of_stopped_vm_and_parent(self):
        self.really_stop()
        first = self.create(name='one')['createvmsnapshotresponse']
        self.assertEqual(1, self.job({'r': first})['jobstatus'])
        second = self.create(name='two')['createvmsnapshotresponse']
        job = self.job({'r': second})
        snap = job['jobresult']['vmsnapshot']
        self.assertEqual(('Disk', first['id'], 'one', True),
                         (snap['type'], snap['parent'], snap['parentName'],
                          snap['current']))
        listed = {s['displayname']: s for s in self.snapshots(
            virtualmachineid=self.vm)}
        self.assertEqual({'one': False, 'two': True},
                         {k: v['current'] for k, v in listed.items()})
        self.assertEqual(['two'], [s['displayname'] for s in self.snapshots(
            name='two')])
        self.assertEqual(2, len(self.snapshots(state='ready')))
        # A stopped VM reverts to a Disk snapshot and stays Stopped.
        code, body = self.json('revertToVMSnapshot',
                               vmsnapshotid=first['id'])
        job = self.job(body)
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual('Stopped',
                         job['jobresult']['virtualmachine']['state'])
        listed = {s['displayname']: s['current'] for s in self.snapshots()}
        self.assertEqual({'one': True, 'two': False}, listed)

    def test_rules_of_create_431(self):
        # A Running KVM VM needs its memory in the snapshot.
        body = self.create(status=431)
        self.assertIn('disk-only', body['createvmsnapshotresponse'][
            'errortext'])
        self.assertEqual(431, self.json(
            'createVMSnapshot', virtualmachineid='0b9a1f27-2a41-4c8e-9f57-'
            '0d1a3a5b8c99', snapshotmemory='true')[0])
        self.job(self.create(name='x', snapshotmemory='true'))
        body = self.create(status=431, name='x', snapshotmemory='true')
        self.assertIn('already has', body['createvmsnapshotresponse'][
            'errortext'])
        self.really_stop()
        body = self.create(status=431, snapshotmemory='true')
        self.assertIn('not Running', body['createvmsnapshotresponse'][
            'errortext'])

    def test_limit_per_vm_431(self):
        self.api.conf.config(group='cloudstack', vm_snapshot_max=1)
        self.job(self.create(snapshotmemory='true', name='a'))
        body = self.create(status=431, snapshotmemory='true', name='b')
        self.assertIn('vmsnapshot.max', body['createvmsnapshotresponse'][
            'errortext'])

    def test_busy_vm_530_and_other_task_431(self):
        self.hold = True
        body = self.create(name='a', snapshotmemory='true')
        body = self.create(status=530, name='b', snapshotmemory='true')
        self.assertIn('another active VM snapshot task',
                      body['createvmsnapshotresponse']['errortext'])
        # Still Creating: the job is pending.
        self.assertEqual('Creating', self.snapshots()[0]['state'])
        instance_db.instance_update(self.api.admin_context, self.vm,
                                    {'task_state': states.REBOOTING})
        self.assertEqual(431, self.create(status=431, name='c',
                                          snapshotmemory='true')[
            'createvmsnapshotresponse']['errorcode'])

    def test_revert_rules_431(self):
        body = self.create(name='mem', snapshotmemory='true')
        mem_id = body['createvmsnapshotresponse']['id']
        self.job(body)
        self.really_stop()
        code, body = self.json('revertToVMSnapshot', vmsnapshotid=mem_id)
        self.assertEqual(431, code, body)
        self.assertIn('would change its state',
                      body['reverttovmsnapshotresponse']['errortext'])
        code, body = self.json('revertToVMSnapshot', vmsnapshotid='0b9a1f27-'
                               '2a41-4c8e-9f57-0d1a3a5b8c99')
        self.assertEqual(431, code, body)

    def test_driver_failure_makes_error_and_vm_steady(self):
        self.driver._vm_snapshot_state()
        self.driver.fail_vm_snapshot.add('create')
        body = self.create(name='bad', snapshotmemory='true')
        job = self.job(body)
        self.assertEqual(2, job['jobstatus'], job)
        self.assertIn('injected VM snapshot create failure',
                      job['jobresult']['errortext'])
        self.assertEqual('Error', self.snapshots()[0]['state'])
        instance = self.vm_state()
        self.assertEqual((states.ACTIVE, None),
                         (instance.vm_state, instance.task_state))
        # An Error snapshot can be deleted.
        self.driver.fail_vm_snapshot.clear()
        code, body = self.json('deleteVMSnapshot',
                               vmsnapshotid=self.snapshots()[0]['id'])
        self.assertEqual(1, self.job(body)['jobstatus'])
        self.assertEqual([], self.snapshots())

    def test_compute_restart_leaves_error_and_steady_vm(self):
        self.hold = True
        body = self.create(name='cut', snapshotmemory='true')
        row = instance_db.instance_get(self.api.admin_context, self.vm)
        self.assertEqual(states.VM_SNAPSHOTTING, row.task_state)
        action = self.manager_recovery(row)
        self.assertIsNotNone(action)
        job = self.job(body)
        self.assertEqual(2, job['jobstatus'], job)
        self.assertIn('interrupted', job['jobresult']['errortext'])
        self.assertEqual('Error', self.snapshots()[0]['state'])
        instance = self.vm_state()
        self.assertEqual((states.ACTIVE, None),
                         (instance.vm_state, instance.task_state))

    def test_task_reset_without_event_errors_after_grace(self):
        self.hold = True
        self.create(name='lost', snapshotmemory='true')
        instance_db.instance_update(self.api.admin_context, self.vm,
                                    {'task_state': None})
        self.assertEqual('Creating', self.snapshots()[0]['state'])
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.compute.vm_snapshots.LOST_ACTION_GRACE', -1))
        self.assertEqual('Error', self.snapshots()[0]['state'])

    def manager_recovery(self, row):
        from nova_lite.compute import recovery
        action = recovery.RECOVERY.get((row.vm_state, row.task_state))
        self.assertIs(lifecycle_vm_snapshot._abort, action)
        recovery.recover_host(self.api.admin_context, self.manager)
        return action

    def test_scale_and_restore_refused_with_snapshots(self):
        self.job(self.create(name='s', snapshotmemory='true'))
        code, body = self.json('restoreVirtualMachine',
                               virtualmachineid=self.vm)
        self.assertEqual(431, code, body)
        self.assertIn('VM snapshots', body['restorevirtualmachineresponse'][
            'errortext'])
        code, body = self.json('scaleVirtualMachine', id=self.vm,
                               serviceofferingid='2')
        self.assertEqual(431, code, body)

    def test_expunge_removes_snapshots(self):
        self.job(self.create(name='s', snapshotmemory='true'))
        self.assertEqual(1, vm_snapshot_db.vm_snapshot_count(
            self.api.admin_context, self.vm))
        instance = instance_obj.Instance.from_db(self.vm_state())
        self.manager.terminate_instance(self.api.admin_context,
                                        instance.uuid)
        self.assertEqual(0, vm_snapshot_db.vm_snapshot_count(
            self.api.admin_context, self.vm))
        self.assertEqual([], self.snapshots())
        self.assertNotIn(self.vm, self.driver.vm_snapshots)


# The inherited tests of VMImagesTest run in their own module.
for _name in [n for n in dir(test_vm_images.VMImagesTest)
              if n.startswith('test_')]:
    setattr(VMSnapshotsTest, _name, None)
