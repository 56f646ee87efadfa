"""What a compute does at start-up with the instances it owns.

A cast being processed when a compute dies is lost (oslo.messaging
acknowledges before dispatching), so on start-up the database says what
was in progress. ``RECOVERY`` maps (vm_state, task_state) to the action
for instances of this host; doc/admin/recovery.md holds the same table.
The compute reads the instances with conductor calls and writes with
conductor casts (``manager.conductor``); it has no database access.
"""
from oslo_log import log as logging

from nova_lite.compute.lifecycle import recovery as lifecycle_recovery
from nova_lite.compute.lifecycle import power_ops
from nova_lite.compute.lifecycle import rescue as lifecycle_rescue
from nova_lite.compute.lifecycle import shelve as lifecycle_shelve
from nova_lite.compute.lifecycle import vm_snapshot
from nova_lite.compute.lifecycle import volume_recovery
from nova_lite.compute import states

LOG = logging.getLogger(__name__)


def _fail_build(ctxt, manager, row):
    """A build was interrupted: remove any partial guest, ERROR + fault."""
    manager.driver.destroy(ctxt, row, [])
    manager.conductor.instance_set_error(
        ctxt, row.uuid, 'Build interrupted: compute service on %s restarted'
        % manager.host, manager.host, 'compute_init_host',
        expected={'task_state': row.task_state,
                  'vm_state': states.BUILDING})


def _finish_delete(ctxt, manager, row):
    """A delete was requested: do it again (idempotent)."""
    manager.terminate_instance(ctxt, row.uuid)


def _reset_task(ctxt, manager, row):
    """A power action was interrupted: clear the task and take the power
    state from the hypervisor."""
    manager.power.record(ctxt, row, row.task_state, None)


def _sync_power(ctxt, manager, row):
    """Stable states: only reconcile the power state."""
    manager.power._sync_one(ctxt, row, manager.power._power_state(row))


def _recover_live_migration(ctxt, manager, row):
    """A live migration's job died with the compute
    (``lifecycle.live_migration``)."""
    manager.recover_live_migration(ctxt, row)


def _recover_resize(ctxt, manager, row):
    """A resize or its revert was cut short (``lifecycle.resize``)."""
    manager.recover_resize(ctxt, row)


# (vm_state, task_state) → action; a missing pair is left alone.
RECOVERY = {
    (states.BUILDING, None): _fail_build,
    (states.BUILDING, states.SPAWNING): _fail_build,
    (states.BUILDING, states.BLOCK_DEVICE_MAPPING): _fail_build,
    (states.ACTIVE, states.DELETING): _finish_delete,
    (states.STOPPED, states.DELETING): _finish_delete,
    (states.ERROR, states.DELETING): _finish_delete,
    (states.BUILDING, states.DELETING): _finish_delete,
    (states.ACTIVE, states.REBOOTING): _reset_task,
    (states.ACTIVE, states.REBOOTING_HARD): _reset_task,
    (states.ACTIVE, states.POWERING_OFF): _reset_task,
    (states.STOPPED, states.POWERING_ON): _reset_task,
    (states.ACTIVE, None): _sync_power,
    (states.STOPPED, None): _sync_power,
    (states.RESIZED, states.RESIZE_REVERTING): _recover_resize,
}
# Rebuilds and snapshots (see compute.lifecycle.recovery).
RECOVERY.update(lifecycle_recovery.RECOVERY)
RECOVERY.update({(vm_state, task): _recover_resize
                 for vm_state in (states.ACTIVE, states.STOPPED)
                 for task in states.RESIZE_TASKS})
# Pause, suspend, soft delete and restore (doc/lifecycle.md).
RECOVERY.update(power_ops.RECOVERY)
# Rescue and unrescue (doc/lifecycle-rescue.md).
RECOVERY.update(lifecycle_rescue.RECOVERY)
# Shelve, offload and unshelve (doc/lifecycle-shelve.md).
RECOVERY.update(lifecycle_shelve.RECOVERY)
# Live migrations whose source restarted (doc/migrations-servers.md).
RECOVERY.update({(vm_state, states.MIGRATING): _recover_live_migration
                 for vm_state in (states.ACTIVE, states.VM_PAUSED)})
# CloudStack VM snapshots: task cleared, the snapshot becomes Error.
RECOVERY.update(vm_snapshot.RECOVERY)


def recover_host(ctxt, manager):
    """Remove the guests of instances evacuated away, apply ``RECOVERY``
    to every other live instance of the host, remove guests the
    database no longer knows (deleted while we were down), then
    reconcile the volume attachments of the instances with their guests
    (``lifecycle.volume_recovery``)."""
    # Guests evacuated away while this compute was down go first; their
    # evacuations are not this host's to recover, a delete asked meanwhile
    # is (doc/migrations-servers.md).
    evacuated = manager.cleanup_evacuated(ctxt)
    rows = manager.conductor.instances_on_host(ctxt, manager.host)
    for row in rows:
        if row.uuid in evacuated and row.task_state in states.REBUILD_TASKS:
            continue
        action = RECOVERY.get((row.vm_state, row.task_state))
        if action is None:
            continue
        try:
            action(ctxt, manager, row)
        except Exception:  # noqa: BLE001 - one instance must not stop others
            LOG.exception('Recovery of %s failed', row.uuid)
    _remove_orphans(ctxt, manager, {row.uuid for row in rows} | evacuated)
    # Volume attachments against the guests (doc/volumes.md).
    volume_recovery.reconcile(ctxt, manager, [
        row for row in rows if row.task_state != states.DELETING])


def _remove_orphans(ctxt, manager, known):
    """Destroy guests of deleted instances. Guests the database does not
    know, or of live instances of other hosts (a hypervisor shared by
    several computes), are left alone."""
    for uuid in manager.driver.list_instances():
        if uuid in known:
            continue
        row = manager.conductor.instance_get(ctxt, uuid, read_deleted=True)
        if row is None or row.vm_state != states.DELETED:
            continue
        LOG.warning('Destroying guest %s: its instance is deleted', uuid)
        manager.driver.destroy(ctxt, row, [])
        manager.conductor.instance_release_resources(ctxt, uuid,
                                                     network_only=True)
