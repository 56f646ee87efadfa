"""Rescue and unrescue in the compute API's service layer
(doc/lifecycle-rescue.md; compute API reference, "Rescue Server (rescue
Action)", "Unrescue Server (unrescue Action)").

``RescueActions`` is mixed into ``nova_lite.compute.api.API`` next to
``api_actions.ServerActions`` (whose ``_start_action`` and
``_check_locked`` it uses). A rescue boots the server from a rescue
image (the request's ``rescue_image_ref``, else the server's own image)
with its own root disk attached second, so that its user can repair that
disk; unrescue boots it from its own disk again.

Nova's rules: rescue from ACTIVE, STOPPED or ERROR with no task in
progress (``nova.compute.api.API.rescue``'s ``check_instance_state``),
unrescue from RESCUED; a locked server refuses non-admins (409). The
claim, fixed IPs and quotas are unchanged: the rescue guest runs in the
server's flavor on the same host.
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite import exception

LOG = logging.getLogger(__name__)

#: vm_states a server may be rescued from (as Nova's rescue).
RESCUE_VM_STATES = (states.ACTIVE, states.STOPPED, states.ERROR)


class RescueActions:
    """Rescue and unrescue (mixed into ``compute.api.API``)."""

    def rescue(self, context, instance_uuid, rescue_password,
               rescue_image_ref=None):
        """Rescue a server: its compute boots it from the rescue image,
        its root disk attached second (→ RESCUED, status RESCUE).

        :param rescue_password: the password the rescue guest gets (the
            caller generates one when the request has none); crosses the
            bus in the cast, never stored
        :param rescue_image_ref: the image to boot (an id or a URL ending
            in one), None for the server's own image
        :raises: InstanceNotFound (404); Invalid (400: the rescue image
            is unknown, invisible to the caller, not active or too big
            for the flavor); InstanceNotRescuable (400: booted from a
            volume); InstanceIsLocked, InstanceInvalidState (409)
        """
        self.check_rescuable(context, instance_uuid)
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if instance.vm_state not in RESCUE_VM_STATES or \
                instance.host is None:
            raise exception.InstanceInvalidState(
                action='rescue', instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        image_id = None
        if rescue_image_ref:
            flavor = {'memory_mb': instance.memory_mb,
                      'root_gb': instance.root_gb}
            image_id = self._image_for_create(context, rescue_image_ref,
                                              flavor)['uuid']
        instance = self._start_action(context, instance_uuid, 'rescue',
                                      states.RESCUING, RESCUE_VM_STATES)
        self.compute.rescue_instance(context, instance.host, instance_uuid,
                                     rescue_password, image_id)
        LOG.info('Rescuing %s from image %s', instance_uuid,
                 image_id or instance.image_ref)

    def unrescue(self, context, instance_uuid):
        """Boot a RESCUED server from its own disk again (→ ACTIVE).

        :raises: InstanceNotFound (404), InstanceIsLocked (409),
            InstanceInvalidState (409) unless RESCUED with no task
        """
        instance = self._start_action(context, instance_uuid, 'unrescue',
                                      states.UNRESCUING, (states.RESCUED,))
        self.compute.unrescue_instance(context, instance.host, instance_uuid)
