"""The compute's rebuild (RPC ``rebuild_instance``, 1.5): the guest is
destroyed and spawned again from the new image on the same host, with
the same NICs, flavor and claim, and a config drive made again when the
server has one (the guest data is read anew: a rebuild may change the
admin password, key, user data or host name).

Task states, each a conditional write through the conductor (a delete
or a reset taking the instance over stops the rebuild):
``rebuilding`` (set by the API) → ``rebuild_block_device_mapping`` (the
old guest is destroyed) → ``rebuild_spawning`` (the new one spawns) →
None with vm_state ACTIVE, or STOPPED for a server that was stopped (its
new guest is powered off again, as Nova does), and the power state the
driver reports.
Notifications (Nova's): instance.rebuild.start when the compute takes
the rebuild, instance.rebuild.end when the new guest runs (or is off
again), instance.rebuild.error (with the fault) and compute.exception
on failure; their payload is InstanceActionRebuildPayload, ``image_uuid``
the new image.
On failure the server is ERROR with an instance fault (its claim and
fixed IPs are kept: it can be rebuilt again or deleted) and the action
event ``compute_rebuild_instance`` is an Error.

No driver step is rebuild-specific: destroy then spawn is what a
rebuild is for the fake and libvirt drivers (the libvirt driver's spawn
makes a new qcow2 overlay on the new base image, so the guest sees a new
disk).

Volumes (doc/volumes.md, "Moves"): the new guest gets the server's
volume disks again (their exports stay open for this host); a server
booted from a volume starts again from it: with its root volume's own
image as is, with another (compute API 2.93) once the volume service
wrote that image over the root volume (``_rebuild_volumes``).
"""
from oslo_log import log as logging

from nova_lite.compute import block_device
from nova_lite.compute import lifecycle
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite.image import glance
from nova_lite import notifications
from nova_lite.virt import configdrive

LOG = logging.getLogger(__name__)
EVENT = 'compute_rebuild_instance'


class RebuildMixin:
    """``rebuild_instance`` of ``ComputeManager``."""

    def rebuild_instance(self, context, instance_uuid, image_id=None,
                         preserve_ephemeral=False, reimage_boot_volume=False):
        """Cast target: rebuild the guest from ``image_id`` (None: the
        instance's ``image_ref``, which the API set to the new image;
        the sweeper's re-sent cast) when the instance is still
        ``rebuilding``; never raises. A re-sent cast for a server booted
        from a volume (whose ``image_ref`` the API leaves alone: the
        image asked for went with the lost cast) ends the rebuild
        untouched (``_rebuild_lost``).

        :param preserve_ephemeral: accepted; the drivers keep no
            ephemeral disk apart from the root disk
        :param reimage_boot_volume: (1.18) a volume-backed server's root
            volume gets the image written over it, whichever image it
            was made of (compute API 2.93)
        """
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                return
            instance = found['instance']
            if instance.task_state != states.REBUILDING:
                LOG.info('Skipping the rebuild of %s: task_state is %s',
                         instance_uuid, instance.task_state)
                return
            if image_id is None and block_device.is_volume_backed(
                    instance.block_device_mapping):
                self._rebuild_lost(context, instance, start)
                return
            self._rebuild(context, instance, found['network_info'],
                          image_id or instance.image_ref, start,
                          reimage_boot_volume)

    def _rebuild_lost(self, context, instance, start):
        """The sweeper's re-sent rebuild of a volume-backed server: the
        image asked for, and whether to write it over the root volume
        (2.93), were in the lost cast alone. Nothing is touched: the
        rebuild ends (task_state None, vm_state kept) with an instance
        fault and an Error event saying so; the user rebuilds again."""
        message = ('The rebuild was lost before host %s took it (its '
                   'request is not kept for a server booted from a '
                   'volume): the guest and its root volume are unchanged; '
                   'rebuild it again' % self.host)
        LOG.warning('%s: %s', instance.uuid, message)
        self.conductor.instance_action_failed(
            context, instance.uuid, {'task_state': None},
            {'task_state': states.REBUILDING}, self.host,
            {'code': 500, 'message': message},
            self._event(EVENT, start, 'Error', message))

    def _rebuild_task(self, context, instance, task_state, expected):
        """Move the rebuild on to ``task_state``.

        :raises: lifecycle.TaskLost when the instance is no longer in
            ``expected``
        """
        if not self.conductor.instance_update(
                context, instance.uuid, {'task_state': task_state},
                expected={'task_state': expected}, wait=True):
            raise lifecycle.TaskLost(instance.uuid)
        return task_state

    def _rebuild(self, context, instance, network_info, image_id, start,
                 reimage_boot_volume=False):
        task = states.REBUILDING
        was_stopped = instance.vm_state == states.STOPPED
        notifications.instance_action(
            context, instance, 'instance.rebuild.start', self.host,
            network_info=network_info, image_uuid=image_id)
        try:
            task = self._rebuild_task(context, instance,
                                      states.REBUILD_BLOCK_DEVICE_MAPPING,
                                      task)
            self.driver.destroy(context, instance, network_info)
            volumes = self._rebuild_volumes(context, instance, image_id,
                                            reimage_boot_volume)
            task = self._rebuild_task(context, instance,
                                      states.REBUILD_SPAWNING, task)
            image_meta = self._rebuild_image_api().get(context, image_id)
            guest_data = None
            if configdrive.wanted(instance):
                guest_data = self.conductor.guest_data_get(context,
                                                           instance.uuid)
            self._spawn_with_volumes(context, instance, image_meta,
                                     network_info, guest_data, volumes)
            if was_stopped:
                self.driver.power_off(instance)
        except lifecycle.TaskLost:
            LOG.info('Rebuild of %s stopped: the instance changed',
                     instance.uuid)
            return
        except Exception as exc:  # noqa: BLE001 - recorded as a fault
            LOG.exception('Rebuild of %s failed', instance.uuid)
            self._rebuild_failed(context, instance, task, exc, start,
                                 network_info, image_id)
            return
        vm_state = states.STOPPED if was_stopped else states.ACTIVE
        power_state = self.power.record(
            context, instance, states.REBUILD_SPAWNING, vm_state,
            event=self._event(EVENT, start))
        notifications.instance_action(
            context, instance, 'instance.rebuild.end', self.host,
            network_info=network_info, image_uuid=image_id,
            state=vm_state, task_state=None,
            power_state=states.POWER_STATE_NAMES.get(power_state))
        LOG.info('Rebuilt %s from image %s', instance.uuid, image_id)

    def _rebuild_volumes(self, context, instance, image_id, reimage):
        """The rebuilt guest's ``block_device_info`` (None without
        volumes): the exports for this host; a server booted from a
        volume gets ``image_id`` written over its root volume first when
        ``reimage`` (compute API 2.93) or when the volume was made of
        another image (the volume service closes its exports; they are
        opened again here).

        :raises: the volume service's errors (the rebuild fails: ERROR
            with a fault, the root volume keeps its old data)
        """
        volumes = self._volumes_here(context, instance.uuid, peer=False)
        if not (volumes and volumes.get('root_device_name') and (
                reimage or volumes.get('image_id') != image_id)):
            return volumes
        LOG.info('Re-imaging the root volume of %s with image %s',
                 instance.uuid, image_id)
        self.conductor.volume_reimage(context, instance.uuid, image_id)
        return self._volumes_reopened(context, instance.uuid)

    def _rebuild_image_api(self):
        """The image API client (the build flow's, else a new one)."""
        flow = getattr(self, 'build_flow', None)
        if flow is not None:
            return flow.image_api
        return glance.API()

    def _rebuild_failed(self, context, instance, task, exc, start,
                        network_info, image_id):
        """ERROR with a fault; what the failed spawn left is removed;
        instance.rebuild.error and compute.exception."""
        try:
            self.driver.destroy(context, instance, [])
        except Exception:  # noqa: BLE001 - cleanup is best effort
            LOG.exception('Cleanup of %s failed', instance.uuid)
        message = 'Rebuild on host %s failed: %s' % (self.host, exc)
        self.conductor.instance_action_failed(
            context, instance.uuid,
            {'vm_state': states.ERROR, 'task_state': None,
             'power_state': states.NOSTATE},
            {'task_state': task}, self.host,
            {'code': compute_utils.fault_code(exc), 'message': message},
            self._event(EVENT, start, 'Error', message))
        notifications.compute_exception(context, exc, self.host)
        notifications.instance_action(
            context, instance, 'instance.rebuild.error', self.host,
            network_info=network_info, fault=exc, image_uuid=image_id,
            state=states.ERROR, task_state=None,
            power_state=states.POWER_STATE_NAMES.get(states.NOSTATE))
