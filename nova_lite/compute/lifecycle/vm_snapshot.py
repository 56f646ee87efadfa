"""The compute side of CloudStack VM snapshots (RPC 1.10:
``vm_snapshot_create``, ``vm_snapshot_revert``, ``vm_snapshot_delete``;
the API side and the snapshot records: ``compute.vm_snapshots``).

Each runs under the per-instance lock, only while the instance has the
task_state the API set (``vm_snapshotting``, ``vm_snapshot_reverting``,
``vm_snapshot_deleting``; a duplicate or late cast is skipped), calls
the driver, then clears the task and ends the instance action with the
event ``compute_vm_snapshot_<create|revert|delete>`` (Success, or Error
with an instance fault). A revert also writes the vm_state the snapshot
gives (ACTIVE for DiskAndMemory, STOPPED for Disk) and the power state
the driver reports. The API side reads the action's outcome into the
snapshot record.

Recovery: a compute restarted in the middle of one of them clears the
task (vm_state kept, power state from the hypervisor) and ends the
action with an Error event and the fault "VM snapshot operation
interrupted ...": the snapshot record becomes Error (it can be deleted)
and the VM is steady again.
"""
from oslo_log import log as logging

from nova_lite.compute import lifecycle
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception

LOG = logging.getLogger(__name__)
EVENTS = {states.VM_SNAPSHOTTING: 'compute_vm_snapshot_create',
          states.VM_SNAPSHOT_REVERTING: 'compute_vm_snapshot_revert',
          states.VM_SNAPSHOT_DELETING: 'compute_vm_snapshot_delete'}


class VMSnapshotMixin:
    """VM snapshot RPC methods of ``ComputeManager`` (it provides
    ``driver``, ``conductor``, ``power``, ``host``, ``_instance`` and
    ``_event``)."""

    def vm_snapshot_create(self, context, instance_uuid, snapshot_id,
                           memory):
        """Cast target (1.10): take VM snapshot ``snapshot_id``."""
        self._vm_snapshot_op(
            context, instance_uuid, states.VM_SNAPSHOTTING, None,
            lambda inst: self.driver.vm_snapshot_create(inst, snapshot_id,
                                                        memory))

    def vm_snapshot_revert(self, context, instance_uuid, snapshot_id,
                           memory):
        """Cast target (1.10): revert the guest to ``snapshot_id`` →
        ACTIVE (``memory``) or STOPPED."""
        self._vm_snapshot_op(
            context, instance_uuid, states.VM_SNAPSHOT_REVERTING,
            states.ACTIVE if memory else states.STOPPED,
            lambda inst: self.driver.vm_snapshot_revert(inst, snapshot_id,
                                                        memory))

    def vm_snapshot_delete(self, context, instance_uuid, snapshot_id):
        """Cast target (1.10): remove VM snapshot ``snapshot_id``."""
        self._vm_snapshot_op(
            context, instance_uuid, states.VM_SNAPSHOT_DELETING, None,
            lambda inst: self.driver.vm_snapshot_delete(inst, snapshot_id))

    def _vm_snapshot_op(self, context, instance_uuid, task, vm_state, work):
        """Run ``work(instance)`` under the lock while the instance has
        ``task``; end the task and the action (see the module doc);
        never raises."""
        start = compute_utils.utcnow()
        event = EVENTS[task]
        with lifecycle.instance_lock(instance_uuid):
            try:
                instance = self._instance(context, instance_uuid)
            except exception.InstanceNotFound:
                return
            if instance.task_state != task:
                LOG.info('Skipping %s of %s: task_state is %s', event,
                         instance_uuid, instance.task_state)
                return
            try:
                work(instance)
            except Exception as exc:  # noqa: BLE001 - recorded as a fault
                LOG.exception('%s of %s failed', event, instance_uuid)
                message = '%s on host %s failed: %s' % (event, self.host,
                                                        exc)
                self._vm_snapshot_failed(context, instance, task, message,
                                         self._event(event, start, 'Error',
                                                     message),
                                         compute_utils.fault_code(exc))
                return
            self.power.record(context, instance, task, vm_state,
                              event=self._event(event, start))
        LOG.info('%s of %s done', event, instance_uuid)

    def _vm_snapshot_failed(self, context, instance, task, message, event,
                            code=500):
        """Clear ``task`` (vm_state kept, power state from the driver)
        with an instance fault and the Error ``event``."""
        self.conductor.instance_action_failed(
            context, instance.uuid,
            {'task_state': None,
             'power_state': self.power._power_state(instance)},
            {'task_state': task}, self.host,
            {'code': code, 'message': message}, event)


def _abort(ctxt, manager, row):
    """A VM snapshot operation was cut by a restart (see module doc)."""
    message = ('VM snapshot operation interrupted: compute service on %s '
               'restarted' % manager.host)
    manager._vm_snapshot_failed(
        ctxt, row, row.task_state, message,
        manager._event(EVENTS[row.task_state], compute_utils.utcnow(),
                       'Error', message))


#: (vm_state, task_state) → recovery action (merged into
#: ``compute.recovery.RECOVERY``).
RECOVERY = {(vm_state, task): _abort
            for vm_state in (states.ACTIVE, states.STOPPED, states.ERROR)
            for task in states.VM_SNAPSHOT_TASKS}
