"""VM snapshots of the fake driver (``FakeDriver`` mixes this in).

A fake guest's VM snapshots are kept in memory, by instance, in
``vm_snapshots`` (``{instance uuid: {snapshot id: {'memory': bool,
'console': int}}}``, ``console`` being how many console lines the guest
had). A revert brings the console back to that many lines (what the
guest had written since is gone, as a disk's writes are) and then adds
``NOVA_LITE_VM_SNAPSHOT_REVERTED <snapshot id>``; a DiskAndMemory
snapshot leaves the guest running (no boot), a Disk one stopped.
``fail_vm_snapshot`` (a set of 'create', 'revert', 'delete') injects
failures for tests. The rules of libvirt hold: memory only of a running
guest, a disk-only snapshot only of a stopped one.
"""
from nova_lite.compute import states
from nova_lite import exception
from nova_lite.virt import driver

REVERTED = 'NOVA_LITE_VM_SNAPSHOT_REVERTED'


class FakeVMSnapshotMixin:
    """VM snapshot methods over ``self._guests`` (see ``FakeDriver``)."""

    def _vm_snapshot_state(self):
        if not hasattr(self, 'vm_snapshots'):
            self.vm_snapshots = {}
            self.fail_vm_snapshot = set()
        return self.vm_snapshots

    def _vm_snapshot_fail(self, step, instance):
        self._vm_snapshot_state()
        if step in self.fail_vm_snapshot:
            raise exception.NovaLiteException(
                'injected VM snapshot %s failure of %s on %s'
                % (step, instance.uuid, self.host))

    def vm_snapshot_create(self, instance, snapshot_id, memory):
        """Record the snapshot (see the module doc).

        :raises: InstanceNotFound, InstanceInvalidState (memory of a
            guest that is not running, or disk only of a running one)
        """
        guest = self._guest(instance)
        running = guest['state'] == states.RUNNING
        if memory != running:
            raise exception.InstanceInvalidState(
                action='vm_snapshot_create', instance_uuid=instance.uuid,
                attr='power_state',
                state=states.POWER_STATE_NAMES.get(guest['state']))
        self._vm_snapshot_fail('create', instance)
        self._vm_snapshot_state().setdefault(instance.uuid, {})[
            snapshot_id] = {'memory': memory,
                            'console': len(guest['console'])}

    def vm_snapshot_revert(self, instance, snapshot_id, memory):
        """Bring the guest back to the snapshot (see the module doc).

        :raises: InstanceNotFound, VMSnapshotNotFound
        """
        guest = self._guest(instance)
        snap = self._vm_snapshot_state().get(instance.uuid, {}).get(
            snapshot_id)
        if snap is None:
            raise exception.VMSnapshotNotFound(vm_snapshot_id=snapshot_id)
        self._vm_snapshot_fail('revert', instance)
        del guest['console'][snap['console']:]
        guest['console'].append('%s %s' % (REVERTED, snapshot_id))
        guest['state'] = states.RUNNING if snap['memory'] else \
            states.SHUTDOWN
        guest.pop('saved', None)
        self.emit_event(driver.LifecycleEvent(
            instance.uuid, driver.EVENT_STARTED if snap['memory']
            else driver.EVENT_STOPPED))

    def vm_snapshot_delete(self, instance, snapshot_id):
        """Forget the snapshot (a missing one is fine)."""
        self._vm_snapshot_fail('delete', instance)
        self._vm_snapshot_state().get(instance.uuid, {}).pop(snapshot_id,
                                                             None)
