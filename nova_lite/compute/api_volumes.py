"""Volume attach and detach in the compute API's service layer
(compute API reference, "Servers with volume attachments";
doc/volumes.md, "Compute side").

``VolumeAttachActions`` is mixed into ``nova_lite.compute.api.API`` (it
uses ``get``, ``_check_locked``, ``_interface_instance`` and
``compute``). Nova's rules: attach and detach from ACTIVE, PAUSED or
STOPPED with no task in progress, and from 2.20 SHELVED and
SHELVED_OFFLOADED (409 otherwise, and for a locked server); the
instance actions ``attach_volume`` and ``detach_volume`` record them.
A SHELVED server's compute still keeps its powered-off guest and plugs
the disk into its definition; a SHELVED_OFFLOADED server has no host:
the attachment is recorded here only and the unshelve's host connects
it (``server_volumes.attach_offloaded``/``detach_offloaded``).

- attach: the caller's volume is reserved here for the server (an
  attachment, ``nova_lite.volume.server_volumes.reserve``), then the
  compute opens its export, plugs it in and reports it (RPC call,
  1.16). When the compute fails the attachment is dropped again (the
  volume is available) and the answer is 500.
- detach: the volume goes ``detaching``, the compute unplugs it and
  the conductor releases the attachment (RPC cast, 1.16): 202 at once.
- update (2.85): ``delete_on_termination`` of the attachment; a swap
  for another volume is refused (400) after Nova's lookups.
"""
from oslo_log import log as logging

from nova_lite.compute import states
from nova_lite.db import actions as action_db
from nova_lite import exception
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors as volume_errors
from nova_lite.volume import server_volumes

LOG = logging.getLogger(__name__)


class VolumeAttachActions:
    """os-volume_attachments (mixed into ``compute.api.API``)."""

    def root_volume(self, context, instance_uuid):
        """The volume the server boots from (its attachment of boot index
        0, the volume's dict), or None when it boots from an image."""
        for att in server_volumes.list_for_instance(context, instance_uuid):
            if att.get('boot_index') == 0:
                return volume_api.get(context.elevated(), att['volume_uuid'])
        return None

    def check_rescuable(self, context, instance_uuid):
        """Refuse the rescue of a server booted from a volume, as Nova
        does without 2.87's stable device rescue (which nova_lite lacks).
        A server with data volumes is rescued: the rescue guest has its
        rescue disk and the server's root disk, not the volumes (Nova's
        legacy rescue), which stay attached and come back with the
        unrescue (doc/lifecycle-rescue.md).

        :raises: InstanceNotFound (404); InstanceNotRescuable (400)
        """
        self.get(context, instance_uuid)
        if self.root_volume(context, instance_uuid) is not None:
            raise exception.InstanceNotRescuable(
                instance_id=instance_uuid,
                reason='Cannot rescue a volume-backed instance')

    def list_volume_attachments(self, context, instance_uuid):
        """The server's attachments (dicts, oldest first).

        :raises: InstanceNotFound (404)
        """
        self.get(context, instance_uuid)
        return server_volumes.list_for_instance(context, instance_uuid)

    def show_volume_attachment(self, context, instance_uuid, volume_id):
        """The server's attachment of ``volume_id``.

        :raises: InstanceNotFound, VolumeAttachmentNotFound (404)
        """
        self.get(context, instance_uuid)
        att = server_volumes.find(context, instance_uuid, volume_id)
        if att is None:
            raise exception.VolumeAttachmentNotFound(
                volume_id=volume_id, instance_uuid=instance_uuid)
        return att

    def _volume_instance(self, context, instance_uuid, action, shelved):
        """The server, once ``action`` may change its volumes: as
        ``_interface_instance``; with ``shelved`` (2.20) a SHELVED or
        SHELVED_OFFLOADED server without a task too.

        :raises: InstanceNotFound (404); InstanceIsLocked,
            InstanceInvalidState (409)
        """
        if shelved:
            instance = self.get(context, instance_uuid)
            if instance.vm_state == states.SHELVED_OFFLOADED or (
                    instance.vm_state == states.SHELVED and instance.host):
                self._check_locked(context, instance)
                if instance.task_state is not None:
                    raise exception.InstanceInvalidState(
                        action=action, instance_uuid=instance_uuid,
                        attr='task_state', state=instance.task_state)
                return instance
        return self._interface_instance(context, instance_uuid, action)

    def attach_volume(self, context, instance_uuid, volume_id, device=None,
                      tag=None, delete_on_termination=False, shelved=False):
        """Attach the caller's volume ``volume_id`` to the server (as
        ``device`` when given, else the next free disk); ``shelved``
        (2.20) allows SHELVED and SHELVED_OFFLOADED servers.

        :returns: the attachment dict once the guest has the disk (an
            offloaded server: once recorded)
        :raises: InstanceNotFound, VolumeNotFound (404); InvalidVolume
            (400); InstanceIsLocked, InstanceInvalidState (409);
            VolumeAttachFailed (500); NotSupportedByDriver (501)
        """
        instance = self._volume_instance(context, instance_uuid,
                                         'attach_volume', shelved)
        if instance.vm_state == states.SHELVED_OFFLOADED:
            att = server_volumes.attach_offloaded(
                context, instance, volume_id, device=device, tag=tag,
                delete_on_termination=delete_on_termination)
            action_db.action_start(context, instance_uuid, 'attach_volume')
            LOG.info('Volume %s attached to shelved offloaded server %s as '
                     '%s', volume_id, instance_uuid, att['mountpoint'])
            return att
        att = server_volumes.reserve(
            context, instance_uuid, volume_id, device=device, tag=tag,
            delete_on_termination=delete_on_termination)
        action_db.action_start(context, instance_uuid, 'attach_volume')
        try:
            self.compute.attach_volume(context, instance.host,
                                       instance_uuid, volume_id,
                                       att['uuid'], mountpoint=device)
        except Exception as exc:
            LOG.warning('Attaching volume %s to %s failed: %s', volume_id,
                        instance_uuid, exc)
            # The compute released it on its failures; not on a timeout.
            server_volumes.release(context, att['uuid'])
            if isinstance(exc, (exception.NotSupportedByDriver,
                                exception.InstanceNotFound)):
                raise
            raise exception.VolumeAttachFailed(
                volume_id=volume_id, instance_uuid=instance_uuid) from exc
        return server_volumes.find(context, instance_uuid, volume_id)

    def update_volume_attachment(self, context, instance_uuid, volume_id,
                                 changes, swap):
        """PUT os-volume_attachments/{volume_id} (compute API reference,
        "Update a volume attachment"): ``changes`` the volumeAttachment
        body. ``swap`` (another ``volumeId``, or any PUT before 2.85):
        the volumes and the attachment are looked up as Nova does, then
        refused. Otherwise ``delete_on_termination`` is set; ``id``,
        ``serverId``, ``device`` and ``tag`` must keep their values.

        :raises: InstanceNotFound, VolumeNotFound (of the path),
            VolumeAttachmentNotFound (404); InvalidVolume (400: unknown
            new volume), ValidationError (400: an immutable field
            changed), VolumeSwapNotSupported (400)
        """
        self.get(context, instance_uuid)
        if swap:
            self._refuse_swap(context, instance_uuid, volume_id,
                              changes['volumeId'])
        att = self.show_volume_attachment(context, instance_uuid, volume_id)
        current = {'id': volume_id, 'serverId': instance_uuid,
                   'device': att.get('mountpoint'), 'tag': att.get('tag')}
        for name, value in current.items():
            if name in changes and changes[name] != value:
                raise exception.ValidationError(
                    attribute=name, reason='the %s property is not '
                    'mutable' % name)
        if 'delete_on_termination' in changes:
            server_volumes.set_delete_on_termination(
                context, att['uuid'], changes['delete_on_termination'])

    def _refuse_swap(self, context, instance_uuid, volume_id, new_volume_id):
        volume_api.get(context.elevated(), volume_id)
        try:
            volume_api.get(context.elevated(), new_volume_id)
        except volume_errors.VolumeNotFound as exc:
            # A missing resource of the body is a 400 (API-WG rule).
            raise volume_errors.InvalidVolume(
                reason=exc.format_message()) from None
        self.show_volume_attachment(context, instance_uuid, volume_id)
        raise exception.VolumeSwapNotSupported(volume_id=volume_id,
                                               instance_uuid=instance_uuid)

    def detach_volume(self, context, instance_uuid, volume_id,
                      shelved=False):
        """Detach ``volume_id`` from the server (the compute's cast:
        done soon after the answer; at once for a SHELVED_OFFLOADED
        server, allowed with ``shelved``, 2.20, as SHELVED is).

        :raises: InstanceNotFound, VolumeAttachmentNotFound (404);
            InstanceIsLocked, InstanceInvalidState (409); InvalidVolume
            (400: the volume is not in-use, or is the server's root
            volume)
        """
        instance = self._volume_instance(context, instance_uuid,
                                         'detach_volume', shelved)
        att = self.show_volume_attachment(context, instance_uuid,
                                          volume_id)
        if att.get('boot_index') == 0:
            # Nova's answer: the guest boots from it.
            raise volume_errors.InvalidVolume(
                reason="Can't detach root device volume")
        if instance.vm_state == states.SHELVED_OFFLOADED:
            server_volumes.detach_offloaded(context, att)
            action_db.action_start(context, instance_uuid, 'detach_volume')
            LOG.info('Volume %s detached from shelved offloaded server %s',
                     volume_id, instance_uuid)
            return
        server_volumes.begin_detaching(context, att)
        action_db.action_start(context, instance_uuid, 'detach_volume')
        self.compute.detach_volume(context, instance.host, instance_uuid,
                                   volume_id, att['uuid'],
                                   att.get('mountpoint'))
        LOG.info('Detaching volume %s from %s', volume_id, instance_uuid)
