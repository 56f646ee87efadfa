"""VM snapshots of an instance (CloudStack's createVMSnapshot,
listVMSnapshot, revertToVMSnapshot, deleteVMSnapshot; doc/cloudstack.md
"VM snapshots") in the compute API's service layer.

``VMSnapshotActions`` is mixed into ``nova_lite.compute.api.API`` (it
uses ``get``, ``_check_locked`` and ``compute``). Each operation checks
the rules CloudStack's VM snapshot manager applies on KVM, moves the
snapshot record (``db.vm_snapshots``) and the instance's task_state by
conditional writes, records an instance action (``createVMSnapshot``,
``revertToVMSnapshot``, ``deleteVMSnapshot``) and casts to the
instance's compute (``compute.lifecycle.vm_snapshot``, RPC 1.10), which
ends the action with its event (Success or Error).

The compute has no database access and the conductor no VM snapshot
method: a record in Creating, Reverting or Expunging is brought up to
date from its instance action when it is read (``refresh``): the
action of the record's ``request_id`` finished well → Ready (made
current) or, for a delete, gone; finished with an error (a driver
failure, or recovery after a compute restart) → Error; never finished
while the instance left the task ``LOST_ACTION_GRACE`` seconds ago (an
admin reset it) → Error. Every read of a record goes through ``refresh``, so
no reader sees a stale state.

Rules (CloudStack VMSnapshotManagerImpl, KVM): a VM snapshot is taken of
a Running VM with its memory (type DiskAndMemory) or of a Stopped VM
(Disk); a disk-only snapshot of a Running VM is refused (libvirt: "an
internal snapshot of a running VM must include the memory state"), as
is memory of a Stopped VM. Display names are unique per VM; at most
``max_count`` snapshots per VM. Revert: a Running VM to a DiskAndMemory
snapshot, a Stopped VM to a Disk one (anything else would change the
VM's state), the snapshot Ready. Delete: a snapshot Ready, Error or
Expunging. Every operation needs the VM with no task in progress.
"""
import datetime

from oslo_log import log as logging
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite.db import vm_snapshots as vm_snapshot_db
from nova_lite import exception

LOG = logging.getLogger(__name__)

DISK, DISK_AND_MEMORY = 'Disk', 'DiskAndMemory'
ALLOCATED, CREATING, READY = 'Allocated', 'Creating', 'Ready'
REVERTING, EXPUNGING, ERROR = 'Reverting', 'Expunging', 'Error'
STATES = (ALLOCATED, CREATING, READY, REVERTING, EXPUNGING, ERROR)
#: state of an operation in progress → (instance task_state, action).
IN_PROGRESS = {
    CREATING: (states.VM_SNAPSHOTTING, 'createVMSnapshot'),
    REVERTING: (states.VM_SNAPSHOT_REVERTING, 'revertToVMSnapshot'),
    EXPUNGING: (states.VM_SNAPSHOT_DELETING, 'deleteVMSnapshot'),
}
#: Seconds a record waits for the event of its action once its
#: instance left the task; past it, an action never finished (the task
#: was reset) makes the record Error.
LOST_ACTION_GRACE = 60
#: vm_states a VM snapshot can be taken or reverted in.
STEADY = (states.ACTIVE, states.STOPPED)
#: vm_states a VM snapshot can be deleted in.
DELETABLE_IN = (states.ACTIVE, states.STOPPED, states.ERROR)


class VMSnapshotBusy(exception.NovaLiteException):
    """Another VM snapshot operation of the VM is running (CloudStack
    answers 530 for it)."""
    msg_fmt = ('There is another active VM snapshot task on virtual '
               'machine %(instance_uuid)s; try again later.')
    code = 500


def snapshot_name(instance_name, now=None):
    """The internal name of a new VM snapshot: ``<instance name>_VS_
    <UTC yyyymmddHHMMSS>`` (CloudStack names them after the VM's
    instance name and the time); the default display name."""
    now = now or timeutils.utcnow()
    return '%s_VS_%s' % (instance_name, now.strftime('%Y%m%d%H%M%S'))


def _invalid(reason):
    return exception.Invalid(reason)


class VMSnapshotActions:
    """createVMSnapshot, revertToVMSnapshot, deleteVMSnapshot and their
    reads (mixed into ``compute.api.API``)."""

    # ---------------------------------------------------------------- reads

    def vm_snapshot_get(self, context, uuid):
        """The VM snapshot ``uuid`` (dict of ``db.vm_snapshots``), brought
        up to date.

        :raises: VMSnapshotNotFound (404; another project's too)
        """
        return self._refresh(context, vm_snapshot_db.vm_snapshot_get(
            context, uuid))

    def vm_snapshot_list(self, context, filters, offset=0, limit=None,
                         all_projects=False):
        """``(page, total)`` of the VM snapshots matching ``filters``
        (``db.vm_snapshots._filtered``) of the caller's project (every
        project with ``all_projects``), each brought up to date."""
        filters = dict(filters)
        if not all_projects:
            filters['project_id'] = context.project_id
        page, total = vm_snapshot_db.vm_snapshot_get_all(
            context, filters, offset, limit)
        return [self._refresh(context, row) for row in page], total

    def vm_snapshot_count(self, context, instance_uuid):
        """How many VM snapshots the instance has (scale and restore
        refuse a VM that has any, as CloudStack does)."""
        return vm_snapshot_db.vm_snapshot_count(context, instance_uuid)

    def _refresh(self, context, row):
        """``row`` with the outcome of its operation written, when it
        has ended (see the module doc); the row as it is otherwise."""
        if row['state'] not in IN_PROGRESS or not row['request_id']:
            return row
        task, action = IN_PROGRESS[row['state']]
        outcome = self._outcome(context, row, task, action)
        if outcome is None:
            return row
        ctx = context.elevated()
        if outcome == 'Success' and row['state'] == EXPUNGING:
            vm_snapshot_db.vm_snapshot_destroy(ctx, row['uuid'], EXPUNGING)
            return dict(row, state=EXPUNGING, deleted=row['id'])
        new_state = READY if outcome == 'Success' else ERROR
        # An Error record keeps the request of its failure (its event
        # says why: ``vm_snapshot_failure``).
        values = {'state': new_state}
        if new_state == READY:
            values['request_id'] = None
        if vm_snapshot_db.vm_snapshot_update(
                ctx, row['uuid'], values,
                expected_state=row['state']) and new_state == READY:
            vm_snapshot_db.vm_snapshot_make_current(
                ctx, row['instance_uuid'], row['uuid'], {})
        return vm_snapshot_db.vm_snapshot_get(ctx, row['uuid'])

    @staticmethod
    def vm_snapshot_failure(context, row):
        """Why the last operation of an Error record failed: the
        details of the Error event of its instance action, or None."""
        if not row.get('request_id'):
            return None
        for act in action_db.actions_get(context.elevated(),
                                         row['instance_uuid']):
            if act.request_id != row['request_id']:
                continue
            for event in act.events:
                if event.result == 'Error' and event.details:
                    return event.details
        return None

    @staticmethod
    def _outcome(context, row, task, action):
        """'Success', 'Error' or None (still running) of the operation
        of ``row``: its instance action, else the instance's task."""
        ctx = context.elevated()
        for act in action_db.actions_get(ctx, row['instance_uuid']):
            if act.request_id == row['request_id'] and act.action == action:
                if act.finish_time is not None:
                    return 'Error' if act.message == 'Error' else 'Success'
                break
        try:
            instance = instance_db.instance_get(ctx, row['instance_uuid'])
        except exception.InstanceNotFound:
            return 'Error'
        if instance.task_state == task:
            return None
        # The conductor clears the task before it records the event that
        # finishes the action (two writes): wait a while for it.
        changed = row['updated_at'] or row['created_at']
        if timeutils.utcnow() - changed < datetime.timedelta(
                seconds=LOST_ACTION_GRACE):
            return None
        return 'Error'

    # --------------------------------------------------------------- checks

    def _snapshot_instance(self, context, instance_uuid, allowed, action):
        """The instance, on a host, not locked, in ``allowed`` with no
        task.

        :raises: InstanceNotFound, InstanceIsLocked, VMSnapshotBusy (a
            VM snapshot task), InstanceInvalidState (another task or
            another vm_state)
        """
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if instance.task_state in states.VM_SNAPSHOT_TASKS:
            raise VMSnapshotBusy(instance_uuid=instance_uuid)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state)
        if instance.vm_state not in allowed or instance.host is None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        return instance

    def _start_task(self, context, instance, task, allowed, action):
        """Conditional write no task → ``task``; records ``action``.

        :raises: VMSnapshotBusy, InstanceInvalidState when another task
            started meanwhile
        """
        try:
            instance_db.instance_update(
                context, instance.uuid, {'task_state': task},
                expected_task_state=None, expected_vm_state=tuple(allowed))
        except exception.UnexpectedTaskStateError as exc:
            current = self.get(context, instance.uuid)
            if current.task_state in states.VM_SNAPSHOT_TASKS:
                raise VMSnapshotBusy(instance_uuid=instance.uuid) from exc
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr='task_state', state=current.task_state) from exc
        action_db.action_start(context, instance.uuid, action)
        update_events.server_changed(context, instance, task_state=task)

    # --------------------------------------------------------------- create

    def _check_create(self, context, instance, display_name, memory,
                      max_count):
        running = instance.vm_state == states.ACTIVE
        if memory and not running:
            raise _invalid('Can not snapshot the memory of virtual machine '
                           '%s: it is not Running' % instance.uuid)
        if running and not memory:
            raise _invalid('A disk-only VM snapshot of a Running KVM '
                           'virtual machine is not possible (libvirt keeps '
                           'the memory with an internal snapshot of a '
                           'running guest): set snapshotmemory=true or '
                           'stop the VM')
        found, total = vm_snapshot_db.vm_snapshot_get_all(
            context.elevated(), {'instance_uuid': instance.uuid})
        if any(r['display_name'] == display_name for r in found):
            raise _invalid('Virtual machine %s already has a VM snapshot '
                           'named %s' % (instance.uuid, display_name))
        if total >= max_count:
            raise _invalid('Virtual machine %s has %d VM snapshots, the '
                           'most allowed (vmsnapshot.max); delete old '
                           'ones' % (instance.uuid, total))

    def vm_snapshot_create(self, context, instance_uuid, display_name=None,
                           description=None, memory=False, max_count=10):
        """Take a VM snapshot (see the module doc for the rules).

        :param display_name: unique among the VM's snapshots (default:
            the internal name, ``snapshot_name``)
        :param memory: with the memory of a Running VM (DiskAndMemory)
        :param max_count: most snapshots per VM
        :returns: the new record (dict), state Creating
        :raises: InstanceNotFound, InstanceIsLocked, InstanceInvalidState,
            VMSnapshotBusy, Invalid (a rule above)
        """
        instance = self._snapshot_instance(context, instance_uuid, STEADY,
                                           'createVMSnapshot')
        name = snapshot_name(instance.instance_name or instance.uuid)
        display_name = display_name or name
        self._check_create(context, instance, display_name, memory,
                           max_count)
        row = vm_snapshot_db.vm_snapshot_create(context, {
            'uuid': uuidutils.generate_uuid(), 'instance_uuid': instance_uuid,
            'project_id': instance.project_id, 'user_id': context.user_id,
            'display_name': display_name, 'name': name,
            'description': description,
            'type': DISK_AND_MEMORY if memory else DISK, 'state': ALLOCATED,
            'current': False, 'parent_uuid': self._current_uuid(
                context, instance_uuid)})
        try:
            self._start_task(context, instance, states.VM_SNAPSHOTTING,
                             STEADY, 'createVMSnapshot')
        except exception.NovaLiteException:
            vm_snapshot_db.vm_snapshot_destroy(context, row['uuid'])
            raise
        vm_snapshot_db.vm_snapshot_update(
            context, row['uuid'], {'state': CREATING,
                                   'request_id': context.request_id})
        self.compute.vm_snapshot_create(context, instance.host, instance_uuid,
                                        row['uuid'], memory)
        LOG.info('VM snapshot %s of %s (%s) started', row['uuid'],
                 instance_uuid, row['type'])
        return self.vm_snapshot_get(context, row['uuid'])

    @staticmethod
    def _current_uuid(context, instance_uuid):
        rows, _total = vm_snapshot_db.vm_snapshot_get_all(
            context.elevated(), {'instance_uuid': instance_uuid})
        return next((r['uuid'] for r in rows if r['current']), None)

    # --------------------------------------------------------------- revert

    def vm_snapshot_revert(self, context, uuid):
        """Revert the VM of snapshot ``uuid`` to it (see the module doc).

        :returns: the instance (as read before the revert)
        :raises: VMSnapshotNotFound, InstanceNotFound, InstanceIsLocked,
            InstanceInvalidState, VMSnapshotBusy, Invalid
        """
        row = self.vm_snapshot_get(context, uuid)
        instance = self._snapshot_instance(context, row['instance_uuid'],
                                           STEADY, 'revertToVMSnapshot')
        running = instance.vm_state == states.ACTIVE
        if running != (row['type'] == DISK_AND_MEMORY):
            raise _invalid(
                'Reverting virtual machine %s (%s) to %s snapshot %s would '
                'change its state: a Running VM reverts to a DiskAndMemory '
                'snapshot, a Stopped VM to a Disk snapshot' % (
                    instance.uuid, 'Running' if running else 'Stopped',
                    row['type'], uuid))
        if row['state'] != READY:
            raise _invalid('VM snapshot %s is %s, not Ready' % (
                uuid, row['state']))
        if not vm_snapshot_db.vm_snapshot_update(
                context, uuid, {'state': REVERTING,
                                'request_id': context.request_id},
                expected_state=READY):
            raise _invalid('VM snapshot %s is no longer Ready' % uuid)
        try:
            self._start_task(context, instance, states.VM_SNAPSHOT_REVERTING,
                             STEADY, 'revertToVMSnapshot')
        except exception.NovaLiteException:
            vm_snapshot_db.vm_snapshot_update(
                context, uuid, {'state': READY, 'request_id': None})
            raise
        self.compute.vm_snapshot_revert(context, instance.host, instance.uuid,
                                        uuid, row['type'] == DISK_AND_MEMORY)
        return instance

    # --------------------------------------------------------------- delete

    def vm_snapshot_delete(self, context, uuid):
        """Delete VM snapshot ``uuid`` (its record goes when its compute
        has removed it).

        :raises: VMSnapshotNotFound, InstanceNotFound, InstanceIsLocked,
            InstanceInvalidState, VMSnapshotBusy, Invalid (not Ready,
            Error or Expunging)
        """
        row = self.vm_snapshot_get(context, uuid)
        if row['state'] not in (READY, ERROR, EXPUNGING):
            raise _invalid('VM snapshot %s is %s: only a Ready, Error or '
                           'Expunging one can be deleted' % (uuid,
                                                              row['state']))
        instance = self._snapshot_instance(context, row['instance_uuid'],
                                           DELETABLE_IN, 'deleteVMSnapshot')
        if not vm_snapshot_db.vm_snapshot_update(
                context, uuid, {'state': EXPUNGING,
                                'request_id': context.request_id},
                expected_state=row['state']):
            raise _invalid('VM snapshot %s changed state meanwhile' % uuid)
        try:
            self._start_task(context, instance, states.VM_SNAPSHOT_DELETING,
                             DELETABLE_IN, 'deleteVMSnapshot')
        except exception.NovaLiteException:
            vm_snapshot_db.vm_snapshot_update(
                context, uuid, {'state': row['state'], 'request_id': None})
            raise
        self.compute.vm_snapshot_delete(context, instance.host, instance.uuid,
                                        uuid)
