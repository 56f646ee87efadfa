"""The compute side of pause, unpause, suspend, resume, soft delete and
restore, and the periodic reclaim of soft-deleted instances
(doc/lifecycle.md).

``PowerOpsMixin`` is mixed into ``nova_lite.compute.manager.
ComputeManager`` (compute RPC API 1.4). Each action runs through the
manager's ``_power_action``: under the per-instance lock, only while the
instance still has the action's task_state (a duplicate or late cast is
skipped), with the instance.<action>.start/.end notifications,
instance.update, and the action event ``compute_<action>_instance``; on
success the vm_state below is written with the power state the driver
reports, on failure only the task is cleared (the vm_state stays).

=================  ===============  ==============  ==================
action             task_state       vm_state after  power_state after
=================  ===============  ==============  ==================
pause              pausing          PAUSED          paused (3)
unpause            unpausing        ACTIVE          running (1)
suspend            suspending       SUSPENDED       shutdown (4)
resume             resuming         ACTIVE          running (1)
soft delete        soft-deleting    SOFT_DELETED    shutdown (4)
restore            restoring        ACTIVE          running (1)
=================  ===============  ==============  ==================

A suspended guest reports shutdown, as in Nova (libvirt's managed save
leaves the domain shut off). Every driver call is repeat-safe (pausing a
paused guest does nothing, ...), so recovery (``compute.recovery``) and
the conductor's sweeper may run an interrupted action again.
"""
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite import context as nl_context
from nova_lite import exception

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class PowerOpsMixin:
    """Pause/suspend/soft-delete RPC methods of the compute manager (it
    provides ``driver``, ``conductor``, ``host``, ``_power_action`` and
    ``terminate_instance``)."""

    def pause_instance(self, context, instance_uuid):
        """Cast target (1.4): pause the guest → PAUSED."""
        self._power_action(context, instance_uuid, states.PAUSING,
                           'compute_pause_instance', states.VM_PAUSED,
                           'pause',
                           lambda inst, nw: self.driver.pause(inst))

    def unpause_instance(self, context, instance_uuid):
        """Cast target (1.4): unpause the guest → ACTIVE."""
        self._power_action(context, instance_uuid, states.UNPAUSING,
                           'compute_unpause_instance', states.ACTIVE,
                           'unpause',
                           lambda inst, nw: self.driver.unpause(inst))

    def suspend_instance(self, context, instance_uuid):
        """Cast target (1.4): save the guest to disk → SUSPENDED."""
        self._power_action(context, instance_uuid, states.SUSPENDING,
                           'compute_suspend_instance', states.VM_SUSPENDED,
                           'suspend',
                           lambda inst, nw: self.driver.suspend(context,
                                                                inst))

    def resume_instance(self, context, instance_uuid):
        """Cast target (1.4): start a suspended guest → ACTIVE."""
        self._power_action(context, instance_uuid, states.RESUMING,
                           'compute_resume_instance', states.ACTIVE,
                           'resume',
                           lambda inst, nw: self.driver.resume(
                               context, inst, nw))

    def soft_delete_instance(self, context, instance_uuid):
        """Cast target (1.4): power the guest off, keep it and what it
        holds → SOFT_DELETED (a missing guest is no error: there is
        nothing to power off)."""
        self._power_action(context, instance_uuid, states.SOFT_DELETING,
                           'compute_soft_delete_instance',
                           states.SOFT_DELETED, 'soft_delete',
                           lambda inst, nw: self._power_off_if_any(inst))

    def restore_instance(self, context, instance_uuid):
        """Cast target (1.4): power a soft-deleted guest on → ACTIVE (it
        boots: soft delete dropped any saved memory)."""
        self._power_action(context, instance_uuid, states.RESTORING,
                           'compute_restore_instance', states.ACTIVE,
                           'restore',
                           lambda inst, nw: self.driver.power_on(
                               context, inst, nw))

    def _power_off_if_any(self, instance):
        try:
            self.driver.power_off(instance)
        except exception.InstanceNotFound:
            LOG.warning('Soft delete of %s: no guest on %s to power off',
                        instance.uuid, self.host)

    # ------------------------------------------------------------- reclaim

    def reclaim_queued_deletes(self):
        """Periodic (``[compute] reclaim_poll_interval``): delete for good
        the SOFT_DELETED instances of this host whose reclaim time has
        come (Nova's ``_reclaim_queued_deletes``). Each is first moved
        SOFT_DELETED/no task → deleting by a conditional write, so a
        restore that started meanwhile wins and the instance is kept.

        :returns: how many instances were deleted (int)
        """
        ctxt = nl_context.get_admin_context()
        count = 0
        for uuid in self.conductor.instances_to_reclaim(ctxt, self.host):
            claimed = self.conductor.instance_update(
                ctxt, uuid, {'task_state': states.DELETING},
                expected={'vm_state': states.SOFT_DELETED,
                          'task_state': None, 'host': self.host},
                wait=True)
            if not claimed:
                continue
            LOG.info('Reclaiming soft-deleted instance %s', uuid)
            try:
                self.terminate_instance(ctxt, uuid)
            except Exception:  # noqa: BLE001 - recovery/sweeper redo it
                LOG.exception('Reclaim of %s failed', uuid)
                continue
            count += 1
        return count


# ------------------------------------------------------------- recovery

def _redo(method):
    """A recovery action running ``method`` of the manager again: every
    action here is repeat-safe and ends in a defined vm_state."""
    def redo(ctxt, manager, row):
        getattr(manager, method)(ctxt, row.uuid)
    redo.__doc__ = 'Run %s again.' % method
    return redo


def _finish_delete(ctxt, manager, row):
    """A delete (forceDelete, a reclaim) was interrupted: do it again."""
    manager.terminate_instance(ctxt, row.uuid)


#: (vm_state, task_state) → action at compute start-up (merged into
#: ``compute.recovery.RECOVERY``; doc/admin/recovery.md): an
#: interrupted action is run again, so it ends where it would have.
RECOVERY = {
    (states.ACTIVE, states.PAUSING): _redo('pause_instance'),
    (states.VM_PAUSED, states.UNPAUSING): _redo('unpause_instance'),
    (states.ACTIVE, states.SUSPENDING): _redo('suspend_instance'),
    (states.VM_SUSPENDED, states.RESUMING): _redo('resume_instance'),
    (states.SOFT_DELETED, states.RESTORING): _redo('restore_instance'),
    (states.SOFT_DELETED, states.DELETING): _finish_delete,
    (states.VM_PAUSED, states.DELETING): _finish_delete,
    (states.VM_SUSPENDED, states.DELETING): _finish_delete,
}
RECOVERY.update({
    (vm_state, states.SOFT_DELETING): _redo('soft_delete_instance')
    for vm_state in (states.ACTIVE, states.STOPPED, states.ERROR,
                     states.VM_PAUSED, states.VM_SUSPENDED)})

#: task_state → the compute RPC cast that does it (merged into the
#: conductor sweeper's re-drive table).
_CAST_METHODS = {
    states.PAUSING: 'pause_instance',
    states.UNPAUSING: 'unpause_instance',
    states.SUSPENDING: 'suspend_instance',
    states.RESUMING: 'resume_instance',
    states.SOFT_DELETING: 'soft_delete_instance',
    states.RESTORING: 'restore_instance',
}


def _cast(method):
    def cast(api, ctxt, host, uuid):
        getattr(api, method)(ctxt, host, uuid)
    return cast


ACTION_CASTS = {task: _cast(method)
                for task, method in _CAST_METHODS.items()}
