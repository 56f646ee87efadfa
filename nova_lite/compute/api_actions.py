"""Server actions of the compute API after create: delete, reboot, stop,
start, lock, reset state, console output, metadata.

``ServerActions`` is the half of ``nova_lite.compute.api.API`` that works
on existing servers (the other half creates, reads and renames them); it
uses ``self.get`` and ``self.compute`` (the compute RPC API) of that
class. State changes are conditional writes (``nova_lite.db.instances``):
an action starts only from the vm_state it allows and with no task in
progress, else InstanceInvalidState (409); then it records an instance
action and casts to the instance's compute.
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import instance_metadata as metadata_db
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite import quota
from nova_lite.scheduler import claims
from nova_lite.volume import server_volumes

LOG = logging.getLogger(__name__)


class ServerActions:
    """Actions on existing servers (mixed into ``compute.api.API``)."""

    # --------------------------------------------------------------- delete

    def delete(self, context, instance_uuid):
        """Delete a server: locally if it has no host yet, else by a cast
        to its compute. Idempotent while the delete is in progress.

        :raises: InstanceNotFound, InstanceIsLocked
        """
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        action_db.action_start(context, instance_uuid, 'delete')
        self._delete_shelved_image(context, instance)
        for _attempt in range(3):
            if instance.host is None:
                if instance_db.instance_destroy(context, instance_uuid,
                                                expected_host=None):
                    claims.unclaim(context, instance_uuid)
                    # Volumes reserved at create (boot from volume).
                    server_volumes.release_instance(
                        context, instance_uuid,
                        getattr(instance, 'block_device_mapping', None))
                    return
            else:
                try:
                    instance_db.instance_update(
                        context, instance_uuid,
                        {'task_state': states.DELETING},
                        expected_host=instance.host)
                except exception.UnexpectedTaskStateError:
                    pass
                else:
                    update_events.server_changed(
                        context, instance, task_state=states.DELETING)
                    self.compute.terminate_instance(context, instance.host,
                                                    instance_uuid)
                    return
            instance = self.get(context, instance_uuid)
        raise exception.Conflict(reason='instance %s keeps changing host; '
                                 'retry the delete' % instance_uuid)

    @staticmethod
    def _check_locked(context, instance):
        if instance.locked and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)

    # -------------------------------------------------------------- actions

    def _start_action(self, context, instance_uuid, action, task_state,
                      vm_states):
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if instance.vm_state not in vm_states or instance.host is None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        try:
            instance_db.instance_update(context, instance_uuid,
                                        {'task_state': task_state},
                                        expected_task_state=None,
                                        expected_vm_state=tuple(vm_states))
        except exception.UnexpectedTaskStateError as exc:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state) from exc
        action_db.action_start(context, instance_uuid, action)
        update_events.server_changed(context, instance, task_state=task_state)
        return instance

    def reboot(self, context, instance_uuid, reboot_type='SOFT'):
        """:raises: InstanceInvalidState (409) unless ACTIVE, no task"""
        task = (states.REBOOTING_HARD if reboot_type == 'HARD'
                else states.REBOOTING)
        vm_states = ((states.ACTIVE, states.STOPPED, states.ERROR)
                     if reboot_type == 'HARD' else (states.ACTIVE,))
        instance = self._start_action(context, instance_uuid, 'reboot', task,
                                      vm_states)
        self.compute.reboot_instance(context, instance.host, instance_uuid,
                                     reboot_type)

    def stop(self, context, instance_uuid):
        instance = self._start_action(context, instance_uuid, 'stop',
                                      states.POWERING_OFF,
                                      (states.ACTIVE, states.ERROR))
        self.compute.stop_instance(context, instance.host, instance_uuid)

    def start(self, context, instance_uuid):
        instance = self._start_action(context, instance_uuid, 'start',
                                      states.POWERING_ON, (states.STOPPED,))
        self.compute.start_instance(context, instance.host, instance_uuid)

    def lock(self, context, instance_uuid, locked, reason=None):
        """Lock or unlock a server (locked servers refuse actions of
        non-admins); ``reason`` (microversion 2.73) is kept while locked,
        unlocking clears it."""
        instance = self.get(context, instance_uuid)
        instance_db.instance_update(context, instance_uuid, {
            'locked': locked,
            'locked_by': ('admin' if context.is_admin else 'owner')
            if locked else None,
            'locked_reason': reason if locked else None})
        action_db.action_start(context, instance_uuid,
                               'lock' if locked else 'unlock')
        update_events.server_changed(
            context, instance, locked=locked,
            locked_reason=reason if locked else None)

    def get_console_output(self, context, instance_uuid, length=None):
        """The guest's console log (RPC call to its compute).

        :raises: InstanceInvalidState when it has no running guest
        """
        instance = self.get(context, instance_uuid)
        if instance.host is None or instance.vm_state not in (
                states.ACTIVE, states.STOPPED, states.RESIZED,
                states.RESCUED):
            raise exception.InstanceInvalidState(
                action='get console output', instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        return self.compute.get_console_output(context, instance.host,
                                               instance_uuid, length)

    def get_diagnostics(self, context, instance, standard=True,
                        timeout=None):
        """The diagnostics of a server's guest (RPC call to its
        compute): standardized (``nova_lite.virt.diagnostics``), or with
        ``standard`` false the driver's legacy flat dict.

        :param instance: the server's row (``self.get``)
        :param timeout: seconds to wait for the compute (default: the
            transport's ``rpc_response_timeout``)
        :raises: InstanceInvalidState (409) unless it is ACTIVE on a host
            (the compute refuses a guest that is not running too),
            NotSupportedByDriver (501)
        """
        if instance.host is None or instance.vm_state != states.ACTIVE:
            raise exception.InstanceInvalidState(
                action='get_diagnostics', instance_uuid=instance.uuid,
                attr='vm_state', state=instance.vm_state)
        return self.compute.get_instance_diagnostics(
            context, instance.host, instance.uuid, standard=standard,
            timeout=timeout)

    def cache_images(self, context, host, image_ids):
        """Cast to ``host``'s compute: download ``image_ids`` into its
        image cache (microversion 2.81)."""
        self.compute.cache_images(context, host, image_ids)

    def get_host_uptime(self, context, host):
        """The ``uptime`` line of ``host`` (RPC call to its compute).

        :raises: NotSupportedByDriver (501) when its driver cannot tell
        """
        return self.compute.get_host_uptime(context, host)

    # ------------------------------------------------------------- metadata

    def update_metadata(self, context, instance_uuid, metadata,
                        delete=False):
        """Merge (or with ``delete`` replace) server metadata.

        :raises: QuotaExceeded (403) past the ``metadata_items`` quota
        """
        instance = self.get(context, instance_uuid)
        items = set(metadata)
        if not delete:
            items.update(m.key for m in instance.metadata_items)
        quota.check(context, 'metadata_items', len(items), used=0)
        result = metadata_db.instance_metadata_update(context, instance_uuid,
                                                      metadata, delete)
        update_events.server_changed(context, instance,
                                     metadata=dict(result))
        return result

    def delete_metadata_item(self, context, instance_uuid, key):
        instance = self.get(context, instance_uuid)
        metadata_db.instance_metadata_delete(context, instance_uuid, key)
        update_events.server_changed(context, instance, metadata={
            m.key: m.value for m in instance.metadata_items
            if m.key != key})

    # ---------------------------------------------------------- reset state

    def reset_state(self, context, instance_uuid, vm_state):
        """Set ``vm_state`` (``active`` or ``error``) and clear
        ``task_state`` whatever they were, the operator's way out of a
        stuck task (compute API reference, "Reset Server State
        (os-resetState Action)"); records a ``resetState`` action.

        :raises: InstanceNotFound
        """
        instance = self.get(context, instance_uuid)
        instance_db.instance_update(context, instance_uuid,
                                    {'vm_state': vm_state,
                                     'task_state': None})
        action_db.action_start(context, instance_uuid, 'resetState')
        update_events.server_changed(context, instance, state=vm_state,
                                     task_state=None)
        LOG.info('Instance %s reset from %s/%s to %s', instance_uuid,
                 instance.vm_state, instance.task_state, vm_state)
