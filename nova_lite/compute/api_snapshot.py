"""Snapshots of a server's root disk: the createImage and createBackup
actions of the compute API (compute API reference, "Create Image
(createImage Action)", "Create Server Back Up (createBackup Action)")
and CloudStack's createTemplate.

``SnapshotActions`` is mixed into ``nova_lite.compute.api.API`` (it uses
``self.get``, ``self.images`` and ``self.compute``). The API checks the
server (not locked for non-admins: 409; ACTIVE, STOPPED, PAUSED or
SUSPENDED with no task: 409), creates the image record ``queued`` in the
image service, sets the server's task_state (``image_snapshot``,
``image_backup``) with a conditional write, records an instance action
(``createImage``, ``createBackup``) and casts the snapshot to the
server's compute (``compute.lifecycle.snapshot``), which uploads the
data through the image API (``queued`` → ``saving`` → ``active``) and,
for a backup, deletes the instance's older backups of the same type
beyond ``rotation``.

The image: private, owned by the caller's project, ``qcow2``/``bare``,
``min_disk`` the server's root disk (GiB) and ``min_ram`` the base
image's, with the base image's properties (a kernel-booted image keeps
its ``kernel_id``/``ramdisk_id``, so the snapshot boots like it) minus
those describing another image, then ``image_type`` (``snapshot`` or
``backup``), ``instance_uuid``, ``base_image_ref``, ``user_id``,
``owner_id``, then the request's metadata (which wins over those, as
the extra properties of Nova's snapshot and backup do: createImage
with ``image_type: test`` makes an image of that type), then, for a
backup, ``backup_type``. Images are not counted against compute quotas
(as in Nova).
"""
from oslo_log import log as logging

from nova_lite.compute import api_snapshot_volume
from nova_lite.compute import block_device
from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite import exception

LOG = logging.getLogger(__name__)

#: vm_states a server may be snapshotted or backed up from (as Nova's
#: compute API ``snapshot``/``backup``; the vm_state is unchanged).
SNAPSHOT_VM_STATES = (states.ACTIVE, states.STOPPED, states.VM_PAUSED,
                      states.VM_SUSPENDED)

#: Base image properties a snapshot does not inherit: they describe the
#: base image itself (its type, origin, signature, tags, hiddenness).
NOT_INHERITED = frozenset((
    'image_type', 'instance_uuid', 'base_image_ref', 'user_id',
    'owner_id', 'backup_type', 'img_signature', 'img_signature_hash_method',
    'img_signature_key_type', 'img_signature_certificate_uuid',
    'os_glance_tags', 'os_hidden'))


def snapshot_properties(base_properties, instance, context, image_type,
                        backup_type=None, metadata=None):
    """The ``properties`` of a snapshot image of ``instance`` (see the
    module doc): inherited, then the snapshot's own, then ``metadata``
    (dict str → str; the request's), then a backup's ``backup_type``."""
    props = {k: v for k, v in (base_properties or {}).items()
             if k not in NOT_INHERITED and not k.startswith('os_glance')}
    props.update({'image_type': image_type, 'instance_uuid': instance.uuid,
                  'base_image_ref': instance.image_ref,
                  'user_id': context.user_id,
                  'owner_id': context.project_id})
    props.update(metadata or {})
    if backup_type is not None:
        props['backup_type'] = backup_type
    return props


class SnapshotActions:
    """createImage, createBackup (mixed into ``compute.api.API``)."""

    def snapshot(self, context, instance_uuid, name, metadata=None):
        """Snapshot a server's root disk into a new image.

        :returns: the new image dict (status ``queued``)
        :raises: InstanceNotFound (404), InstanceIsLocked and
            InstanceInvalidState (409)
        """
        return self._snapshot(context, instance_uuid, name, metadata,
                              'createImage', states.IMAGE_SNAPSHOT, None)

    def backup(self, context, instance_uuid, name, backup_type, rotation,
               metadata=None):
        """A backup: a snapshot with ``image_type=backup`` and
        ``backup_type``, after which the server's backups of that type
        beyond the newest ``rotation`` are deleted (``rotation`` 0 keeps
        none, so the new backup is deleted too, as in Nova).

        :raises: as ``snapshot``
        """
        return self._snapshot(
            context, instance_uuid, name, metadata, 'createBackup',
            states.IMAGE_BACKUP,
            {'backup_type': backup_type, 'rotation': int(rotation)})

    def _snapshot(self, context, instance_uuid, name, metadata, action,
                  task_state, backup):
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        self._check_snapshot_state(instance, action)
        if block_device.is_volume_backed(instance.block_device_mapping):
            # Volume snapshots and an image of mappings (doc/volumes.md).
            if backup is not None:
                raise exception.Invalid(reason='Backup is not supported '
                                        'for volume-backed instances.')
            return api_snapshot_volume.snapshot_volume_backed(
                self, context, instance, name, metadata)
        image = self._create_snapshot_image(context, instance, name,
                                            metadata, backup)
        try:
            instance_db.instance_update(
                context, instance_uuid, {'task_state': task_state},
                expected_task_state=None,
                expected_vm_state=SNAPSHOT_VM_STATES)
        except exception.UnexpectedTaskStateError as exc:
            self.images.delete(context, image['uuid'])
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state) from exc
        action_db.action_start(context, instance_uuid, action)
        update_events.server_changed(context, instance,
                                     task_state=task_state)
        self.compute.snapshot_instance(context, instance.host,
                                       instance_uuid, image['uuid'],
                                       backup=backup)
        LOG.info('%s of %s into image %s', action, instance_uuid,
                 image['uuid'])
        return image

    @staticmethod
    def _check_snapshot_state(instance, action):
        """:raises: InstanceInvalidState (409) unless the server is on a
        host, in ``SNAPSHOT_VM_STATES``, with no task"""
        if instance.vm_state not in SNAPSHOT_VM_STATES or \
                instance.host is None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr='vm_state', state=instance.vm_state)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr='task_state', state=instance.task_state)

    def _create_snapshot_image(self, context, instance, name, metadata,
                               backup):
        """The queued image record of a snapshot (see the module doc)."""
        try:
            base = self.images.get_record(context, instance.image_ref)
        except exception.ImageNotFound:
            base = {'properties': {}, 'min_ram': 0}
        props = snapshot_properties(
            base.get('properties'), instance, context,
            'backup' if backup else 'snapshot',
            backup_type=(backup or {}).get('backup_type'),
            metadata=metadata)
        return self.images.create_record(context, {
            'name': name, 'status': 'queued', 'disk_format': 'qcow2',
            'container_format': 'bare', 'visibility': 'private',
            'owner': context.project_id,
            'min_disk': instance.root_gb or 0,
            'min_ram': base.get('min_ram') or 0, 'properties': props})
