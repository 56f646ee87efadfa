"""Pause, unpause, suspend, resume, soft delete, restore and force
delete in the compute API's service layer (doc/lifecycle.md), for both
the compute API (server actions) and CloudStack's command API.

``LifecyclePowerActions`` is mixed into ``nova_lite.compute.api.API``
next to ``api_actions.ServerActions`` (whose ``_start_action``,
``_check_locked`` and ``delete`` it uses). As every action there: a
locked server refuses non-admins (409), an action starts only from the
vm_states it allows and with no task in progress (409, compute API
reference "Servers - run an action"), by one conditional write that
sets its task_state; then an instance action is recorded, instance.update
sent and the server's compute is cast to (compute RPC API 1.4).

Soft delete keeps the instance, its claim, fixed IPs and guest (powered
off) until ``reclaim_at``; SOFT_DELETED instances do not count against
the quota (Nova's counting), so restoring one checks the quota again.
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.compute import utils as compute_utils
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite import quota

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: vm_states a server can be soft-deleted from (Nova soft-deletes any
#: launched server with no task in progress).
SOFT_DELETABLE = (states.ACTIVE, states.STOPPED, states.ERROR,
                  states.VM_PAUSED, states.VM_SUSPENDED)


class LifecyclePowerActions:
    """Pause/suspend/soft-delete actions (mixed into ``compute.api.API``)."""

    # ------------------------------------------------------ pause, suspend

    def pause(self, context, instance_uuid):
        """Pause an ACTIVE server (→ PAUSED).

        :raises: InstanceNotFound (404), InstanceIsLocked (409),
            InstanceInvalidState (409) unless ACTIVE with no task
        """
        instance = self._start_action(context, instance_uuid, 'pause',
                                      states.PAUSING, (states.ACTIVE,))
        self.compute.pause_instance(context, instance.host, instance_uuid)

    def unpause(self, context, instance_uuid):
        """Unpause a PAUSED server (→ ACTIVE); raises as ``pause``."""
        instance = self._start_action(context, instance_uuid, 'unpause',
                                      states.UNPAUSING, (states.VM_PAUSED,))
        self.compute.unpause_instance(context, instance.host, instance_uuid)

    def suspend(self, context, instance_uuid):
        """Suspend an ACTIVE server to disk (→ SUSPENDED); raises as
        ``pause``."""
        instance = self._start_action(context, instance_uuid, 'suspend',
                                      states.SUSPENDING, (states.ACTIVE,))
        self.compute.suspend_instance(context, instance.host, instance_uuid)

    def resume(self, context, instance_uuid):
        """Resume a SUSPENDED server (→ ACTIVE); raises as ``pause``."""
        instance = self._start_action(context, instance_uuid, 'resume',
                                      states.RESUMING,
                                      (states.VM_SUSPENDED,))
        self.compute.resume_instance(context, instance.host, instance_uuid)

    # --------------------------------------------------------- soft delete

    def delete_server(self, context, instance_uuid):
        """``DELETE /servers/{id}``: soft delete with ``[DEFAULT]
        reclaim_instance_interval`` > 0 (when the server can be: see
        ``soft_delete``), else (and for a SOFT_DELETED server) delete.

        :raises: InstanceNotFound, InstanceIsLocked
        """
        interval = CONF.reclaim_instance_interval
        if interval > 0 and self.soft_delete(context, instance_uuid,
                                             interval):
            return
        self.delete(context, instance_uuid)

    def soft_delete(self, context, instance_uuid, keep_seconds):
        """Power the server off and keep it SOFT_DELETED for
        ``keep_seconds`` (then a compute deletes it): only a launched
        server on a host with no task in progress, in one of
        ``SOFT_DELETABLE`` (Nova deletes the others at once, and so
        does the caller).

        :returns: True when the soft delete started, False when the
            server cannot be soft-deleted (the caller deletes it)
        :raises: InstanceNotFound, InstanceIsLocked
        """
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if (instance.host is None or instance.launched_at is None
                or instance.task_state is not None
                or instance.vm_state not in SOFT_DELETABLE):
            return False
        reclaim_at = compute_utils.utcnow() + datetime.timedelta(
            seconds=keep_seconds)
        try:
            instance_db.instance_update(
                context, instance_uuid,
                {'task_state': states.SOFT_DELETING,
                 'reclaim_at': reclaim_at},
                expected_task_state=None, expected_host=instance.host,
                expected_vm_state=SOFT_DELETABLE)
        except exception.UnexpectedTaskStateError:
            return False
        action_db.action_start(context, instance_uuid, 'delete')
        update_events.server_changed(context, instance,
                                     task_state=states.SOFT_DELETING)
        self.compute.soft_delete_instance(context, instance.host,
                                          instance_uuid)
        LOG.info('Soft-deleting %s until %s', instance_uuid, reclaim_at)
        return True

    def _check_restore_quota(self, context, instance):
        """The owner's quota must have room for the server again (it
        stopped counting when it was soft-deleted).

        :raises: QuotaExceeded (403)
        """
        for resource, delta in (('instances', 1), ('cores', instance.vcpus),
                                ('ram', instance.memory_mb)):
            quota.check(context, resource, delta,
                        project_id=instance.project_id,
                        user_id=instance.user_id)

    def _leave_soft_delete(self, context, instance_uuid, action, values):
        """Conditional write SOFT_DELETED/no task → ``values`` (with
        ``reclaim_at`` cleared) after the lock and quota checks; records
        ``action``. Returns the instance as read before.

        :raises: InstanceNotFound, InstanceIsLocked, QuotaExceeded,
            InstanceInvalidState (409) unless SOFT_DELETED with no task
        """
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if instance.vm_state != states.SOFT_DELETED:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        self._check_restore_quota(context, instance)
        try:
            instance_db.instance_update(
                context, instance_uuid, dict(values, reclaim_at=None),
                expected_task_state=None,
                expected_vm_state=states.SOFT_DELETED)
        except exception.UnexpectedTaskStateError as exc:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state) from exc
        action_db.action_start(context, instance_uuid, action)
        return instance

    def restore(self, context, instance_uuid):
        """Restore a SOFT_DELETED server: its compute powers it on (→
        ACTIVE; the guest boots). Compute API reference, "Restore
        Soft-Deleted Instance (restore Action)".

        :raises: InstanceNotFound (404), InstanceIsLocked (409),
            InstanceInvalidState (409) unless SOFT_DELETED with no task,
            QuotaExceeded (403)
        """
        instance = self._leave_soft_delete(
            context, instance_uuid, 'restore',
            {'task_state': states.RESTORING})
        update_events.server_changed(context, instance,
                                     task_state=states.RESTORING)
        self.compute.restore_instance(context, instance.host, instance_uuid)

    def recover(self, context, instance_uuid):
        """CloudStack's recoverVirtualMachine: a SOFT_DELETED (Destroyed)
        server becomes STOPPED at once, with no call to its compute (its
        guest is powered off already). Raises as ``restore``."""
        instance = self._leave_soft_delete(
            context, instance_uuid, 'recover', {'vm_state': states.STOPPED})
        action_db.action_event_record(context, instance_uuid,
                                      'api_recover_instance', 'Success',
                                      None, None, finish_action=True)
        update_events.server_changed(context, instance, state=states.STOPPED,
                                     task_state=None)
        return self.get(context, instance_uuid)

    def force_delete(self, context, instance_uuid):
        """Delete a server at once, soft-deleted or not (compute API
        reference, "Force-Delete Server (forceDelete Action)"): as
        ``delete``.

        :raises: InstanceNotFound, InstanceIsLocked
        """
        self.delete(context, instance_uuid)
