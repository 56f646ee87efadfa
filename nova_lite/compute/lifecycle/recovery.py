"""What a restarted compute does with a rebuild or snapshot it was doing
when it stopped (its cast is lost: the task state says what was going
on); merged into ``nova_lite.compute.recovery.RECOVERY``.

* ``rebuilding`` (the rebuild had not begun: the old guest is intact)
  → the rebuild runs again from the instance's ``image_ref``.
* ``rebuild_block_device_mapping``, ``rebuild_spawning`` (the old guest
  is gone or half replaced) → what is left of the guest is destroyed,
  ERROR with the fault "Rebuild interrupted ..." (claim and fixed IPs
  kept: rebuild it again or delete it).
* ``image_snapshot``, ``image_backup``, ``image_pending_upload``,
  ``image_uploading`` → the task is cleared (vm_state unchanged; power
  state from the hypervisor) with the fault "Snapshot interrupted ...",
  and the instance's snapshot images that never became active (queued
  or saving) are deleted through the image API.
"""
from oslo_log import log as logging

from nova_lite.compute import states

LOG = logging.getLogger(__name__)


def _rerun_rebuild(ctxt, manager, row):
    """The rebuild cast was lost before it began: run it again."""
    manager.rebuild_instance(ctxt, row.uuid)


def _fail_rebuild(ctxt, manager, row):
    """A rebuild was cut in the middle: no guest, ERROR + fault."""
    manager.driver.destroy(ctxt, row, [])
    manager.conductor.instance_action_failed(
        ctxt, row.uuid, {'vm_state': states.ERROR, 'task_state': None,
                         'power_state': states.NOSTATE},
        {'task_state': row.task_state}, manager.host,
        {'code': 500, 'message': 'Rebuild interrupted: compute service on '
         '%s restarted' % manager.host}, None)


def delete_unfinished_images(ctxt, manager, instance_uuid):
    """Delete the snapshot images of the instance that never became
    active (queued or saving), through the image API; errors are
    logged."""
    images = manager._snapshot_images()
    for status in ('queued', 'saving'):
        try:
            found = images.list(ctxt, {'instance_uuid': instance_uuid,
                                       'status': status})
        except Exception:  # noqa: BLE001 - logged, the task is cleared
            LOG.exception('Snapshot images of %s not listed', instance_uuid)
            found = []
        for image in found:
            manager._delete_image(ctxt, image['id'])


def _abort_snapshot(ctxt, manager, row):
    """A snapshot was cut: unfinished images deleted, task cleared."""
    delete_unfinished_images(ctxt, manager, row.uuid)
    manager.conductor.instance_action_failed(
        ctxt, row.uuid, {'task_state': None,
                         'power_state': manager.power._power_state(row)},
        {'task_state': row.task_state}, manager.host,
        {'code': 500, 'message': 'Snapshot interrupted: compute service on '
         '%s restarted' % manager.host}, None)


RECOVERY = {}
for _vm_state in (states.ACTIVE, states.STOPPED, states.ERROR):
    RECOVERY[(_vm_state, states.REBUILDING)] = _rerun_rebuild
    RECOVERY[(_vm_state, states.REBUILD_BLOCK_DEVICE_MAPPING)] = \
        _fail_rebuild
    RECOVERY[(_vm_state, states.REBUILD_SPAWNING)] = _fail_rebuild
for _vm_state in (states.ACTIVE, states.STOPPED, states.VM_PAUSED,
                  states.VM_SUSPENDED):
    for _task in states.SNAPSHOT_TASKS:
        RECOVERY[(_vm_state, _task)] = _abort_snapshot
