"""What a compute does at start-up with the instances it owns.

A cast being processed when a compute dies is lost (oslo.messaging
acknowledges before dispatching), so on start-up the database says what
was in progress. ``RECOVERY`` maps (vm_state, task_state) to the action
for instances of this host; doc/admin/recovery.rst holds the same table.
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.objects import instance as instance_obj

LOG = logging.getLogger(__name__)


def _fail_build(ctxt, manager, row):
    """A build was interrupted: remove any partial guest, ERROR + fault."""
    instance = instance_obj.Instance.from_db(row)
    manager.driver.destroy(ctxt, instance, [])
    compute_utils.set_error(
        ctxt, row.uuid, 'Build interrupted: compute service on %s restarted'
        % manager.host, host=manager.host, event='compute_init_host',
        expected_task_state=row.task_state,
        expected_vm_state=states.BUILDING)


def _finish_delete(ctxt, manager, row):
    """A delete was requested: do it again (idempotent)."""
    manager.terminate_instance(ctxt, row.uuid)


def _reset_task(ctxt, manager, row):
    """A power action was interrupted: clear the task and take the power
    state from the hypervisor."""
    instance = instance_obj.Instance.from_db(row)
    manager.power.record(ctxt, instance, row.task_state, None)


def _sync_power(ctxt, manager, row):
    """Stable states: only reconcile the power state."""
    manager.power._sync_one(ctxt, row,
                            manager.power._power_state(
                                instance_obj.Instance.from_db(row)))


# (vm_state, task_state) → action; a missing pair is left alone.
RECOVERY = {
    (states.BUILDING, None): _fail_build,
    (states.BUILDING, states.SPAWNING): _fail_build,
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
}


def recover_host(ctxt, manager):
    """Apply ``RECOVERY`` to every live instance of the host, then remove
    guests the database no longer knows (deleted while we were down)."""
    rows = instance_db.instances_on_host(ctxt, manager.host)
    for row in rows:
        action = RECOVERY.get((row.vm_state, row.task_state))
        if action is None:
            continue
        try:
            action(ctxt, manager, row)
        except Exception:  # noqa: BLE001 - one instance must not stop others
            LOG.exception('Recovery of %s failed', row.uuid)
    _remove_orphans(ctxt, manager, {row.uuid for row in rows})


def _remove_orphans(ctxt, manager, known):
    """Destroy guests of deleted instances. Guests the database does not
    know, or of live instances of other hosts (a hypervisor shared by
    several computes), are left alone."""
    for uuid in manager.driver.list_instances():
        if uuid in known:
            continue
        try:
            row = instance_db.instance_get(_read_deleted(ctxt), uuid)
        except exception.InstanceNotFound:
            continue
        if not row.deleted:
            continue
        LOG.warning('Destroying guest %s: its instance is deleted', uuid)
        manager.driver.destroy(ctxt, instance_obj.Instance.from_db(row), [])
        network_api.deallocate_for_instance(ctxt, uuid)


def _read_deleted(ctxt):
    ctxt = ctxt.elevated()
    ctxt.read_deleted = 'yes'
    return ctxt
