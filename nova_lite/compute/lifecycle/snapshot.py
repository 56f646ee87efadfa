"""The compute's snapshots (RPC ``snapshot_instance``, 1.5): createImage,
createBackup and CloudStack's createTemplate.

The API created the image ``queued`` and set the task state
``image_snapshot`` (``image_backup`` for a backup). Here, under the
instance lock: ``image_pending_upload`` (the driver copies the disk) →
``image_uploading`` (the driver uploads the copy through the image API
over HTTP, as computes download images: the image becomes ``saving``
then ``active``) → no task, vm_state unchanged. For a backup the
instance's backups of the same ``backup_type`` beyond the newest
``rotation`` are then deleted (listed and deleted through the image
API).

Notifications (Nova's, for a snapshot and a backup alike):
instance.snapshot.start when the compute takes the snapshot and
instance.snapshot.end when the image is uploaded, their payload
InstanceActionSnapshotPayload (``snapshot_image_id``); a failure sends
compute.exception (Nova has no instance.snapshot.error).

On failure the image is deleted, the task cleared (the server keeps its
vm_state) and an instance fault records why; the action event
``compute_snapshot_instance`` is an Error. A snapshot whose instance
left its task state meanwhile (deleted, reset) deletes its image and
stops. A snapshot whose image was deleted meanwhile (its owner may
delete it while ``queued`` or ``saving``) clears the task with no fault,
as Nova's compute does.
"""
from oslo_log import log as logging

from nova_lite.compute import lifecycle
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite.image import glance
from nova_lite import notifications

LOG = logging.getLogger(__name__)
EVENT = 'compute_snapshot_instance'


class SnapshotMixin:
    """``snapshot_instance`` of ``ComputeManager``."""

    def _snapshot_images(self):
        """The image API client of snapshots (made on first use)."""
        api = getattr(self, '_snapshot_image_api', None)
        if api is None:
            api = self._snapshot_image_api = glance.API()
        return api

    def snapshot_instance(self, context, instance_uuid, image_id,
                          backup=None):
        """Cast target: snapshot the guest's root disk into the queued
        image ``image_id``; never raises.

        :param backup: None, or dict ``backup_type`` (str) and
            ``rotation`` (int) of a createBackup
        """
        start = compute_utils.utcnow()
        first_task = states.IMAGE_BACKUP if backup else states.IMAGE_SNAPSHOT
        with lifecycle.instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                self._delete_image(context, image_id)
                return
            instance, network_info = found['instance'], \
                found['network_info']
            if instance.task_state == first_task:
                notifications.instance_action(
                    context, instance, 'instance.snapshot.start', self.host,
                    network_info=network_info, snapshot_image_id=image_id)
            try:
                self._snapshot(context, instance, image_id, first_task,
                               start)
            except lifecycle.TaskLost:
                LOG.info('Snapshot of %s stopped: the instance changed',
                         instance_uuid)
                self._delete_image(context, image_id)
                return
            except exception.ImageNotFound:
                self._image_gone(context, instance, image_id, start)
                return
            except Exception as exc:  # noqa: BLE001 - recorded as a fault
                LOG.exception('Snapshot of %s failed', instance_uuid)
                self._snapshot_failed(context, instance, image_id, exc,
                                      start)
                return
            notifications.instance_action(
                context, instance, 'instance.snapshot.end', self.host,
                network_info=network_info, snapshot_image_id=image_id,
                task_state=None)
        if backup:
            self._rotate_backups(context, instance, image_id, backup)

    def _snapshot_task(self, context, instance, task_state, expected):
        """:raises: lifecycle.TaskLost unless the task was ``expected``"""
        if not self.conductor.instance_update(
                context, instance.uuid, {'task_state': task_state},
                expected={'task_state': expected}, wait=True):
            raise lifecycle.TaskLost(instance.uuid)

    def _snapshot(self, context, instance, image_id, first_task, start):
        self._snapshot_task(context, instance, states.IMAGE_PENDING_UPLOAD,
                            first_task)

        def update_task_state(task_state, expected_state):
            self._snapshot_task(context, instance, task_state,
                                expected_state)

        self.driver.snapshot(context, instance, image_id, update_task_state)
        if not self.conductor.instance_update(
                context, instance.uuid, {'task_state': None},
                expected={'task_state': states.IMAGE_UPLOADING},
                host=self.host, event=self._event(EVENT, start), wait=True):
            raise lifecycle.TaskLost(instance.uuid)
        LOG.info('Snapshot of %s is image %s', instance.uuid, image_id)

    def _delete_image(self, context, image_id):
        """Delete a snapshot's image; errors are logged (the snapshot's
        own outcome is what matters)."""
        try:
            self._snapshot_images().delete(context, image_id)
        except Exception:  # noqa: BLE001 - logged, best effort
            LOG.exception('Image %s of a failed snapshot not deleted',
                          image_id)

    def _image_gone(self, context, instance, image_id, start):
        """The image was deleted while the snapshot ran (its owner may
        delete a ``queued`` or ``saving`` image): the task is cleared,
        with no fault, as Nova's compute does."""
        LOG.warning('Image %s deleted during the snapshot of %s',
                    image_id, instance.uuid)
        self.conductor.instance_update(
            context, instance.uuid, {'task_state': None},
            expected={'task_state': states.SNAPSHOT_TASKS}, host=self.host,
            event=self._event(EVENT, start), wait=True)

    def _snapshot_failed(self, context, instance, image_id, exc, start):
        notifications.compute_exception(context, exc, self.host)
        self._delete_image(context, image_id)
        message = 'Snapshot on host %s failed: %s' % (self.host, exc)
        self.conductor.instance_action_failed(
            context, instance.uuid, {'task_state': None},
            {'task_state': states.SNAPSHOT_TASKS}, self.host,
            {'code': compute_utils.fault_code(exc), 'message': message},
            self._event(EVENT, start, 'Error', message))

    def _rotate_backups(self, context, instance, image_id, backup):
        """Delete the instance's backups of ``backup_type`` beyond the
        newest ``rotation`` (Nova's createBackup rotation; ``image_id``,
        the backup just made, is the newest even when another has the
        same ``created_at`` second); errors are logged."""
        try:
            images = self._snapshot_images().list(context, {
                'instance_uuid': instance.uuid, 'image_type': 'backup',
                'backup_type': backup['backup_type']})
        except Exception:  # noqa: BLE001 - logged, the backup is done
            LOG.exception('Backups of %s not listed for rotation',
                          instance.uuid)
            return
        images.sort(key=lambda i: (i['id'] == image_id,
                                   i.get('created_at') or ''), reverse=True)
        for image in images[max(0, int(backup['rotation'])):]:
            LOG.info('Rotating out backup %s of %s', image['id'],
                     instance.uuid)
            self._delete_image(context, image['id'])
