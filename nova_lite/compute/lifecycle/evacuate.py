"""The compute's part of an evacuation (RPC ``evacuate_instance``, 1.13;
doc/migrations-servers.md; the conductor's part and the claims are
``nova_lite.conductor.evacuate``'s).

Destination (``evacuate_instance``): the scheduler claimed this host;
task_state ``rebuilding`` → ``rebuild_spawning`` (a conditional write: a
delete or a reset taking the instance over stops it), the guest is
spawned from the instance's image with its NICs (and a new config drive
when it has one), powered off when the server was STOPPED or the
request asked for a stopped server (microversion 2.95), then
``evacuate_finished`` moves the instance here. On failure the partial
guest is removed and ``evacuate_failed`` sets ERROR on the source.
Notifications: instance.evacuate (Nova's), with instance.rebuild.start
and .end around the spawn (.error and compute.exception on failure).
Action event ``compute_rebuild_instance``.

Source (``cleanup_evacuated``, at start-up): the guests of instances
evacuated away while this compute was down are removed
(``driver.destroy_evacuated``); the instance records are not touched;
'done' evacuations become 'completed'.

Volumes (doc/volumes.md, "Moves"): before the spawn the exports of the
server's volumes are opened again for this host only (the dead source
is cut off: whatever it still had open is closed), and the guest gets
them (a server booted from a volume starts from it).
"""
from oslo_log import log as logging

from nova_lite.compute import lifecycle
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite import notifications
from nova_lite.virt import configdrive

LOG = logging.getLogger(__name__)
EVENT = 'compute_rebuild_instance'
#: ``target_state`` of microversion 2.95.
STOPPED_TARGET = 'stopped'


class EvacuateMixin:
    """``evacuate_instance`` and ``cleanup_evacuated`` of
    ``ComputeManager`` (uses ``_instance``, ``_event``,
    ``_rebuild_image_api``, ``power`` and ``compute.network_sync``'s
    ``_network_plug``/``_network_unplug``/``_network_nat``)."""

    def evacuate_instance(self, context, instance_uuid, migration_uuid,
                          target_state=None):
        """Cast target (destination): see the module doc; never raises."""
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            try:
                found = self._instance(context, instance_uuid,
                                       with_network=True)
            except exception.InstanceNotFound:
                return
            instance, network_info = found['instance'], \
                found['network_info']
            if instance.task_state != states.REBUILDING or \
                    not self.conductor.instance_update(
                        context, instance_uuid,
                        {'task_state': states.REBUILD_SPAWNING},
                        expected={'task_state': states.REBUILDING},
                        wait=True):
                LOG.info('Skipping the evacuation of %s: task_state is %s',
                         instance_uuid, instance.task_state)
                return
            stopped = target_state == STOPPED_TARGET or \
                instance.vm_state == states.STOPPED
            self._evacuate(context, instance, network_info, migration_uuid,
                           stopped, start)

    def _evacuate(self, context, instance, network_info, migration_uuid,
                  stopped, start):
        notifications.instance_action(
            context, instance, 'instance.rebuild.start', self.host,
            network_info=network_info, image_uuid=instance.image_ref)
        try:
            self._evacuate_spawn(context, instance, network_info, stopped)
        except Exception as exc:  # noqa: BLE001 - recorded as a fault
            LOG.exception('Evacuation of %s to %s failed', instance.uuid,
                          self.host)
            self._evacuate_failed(context, instance, network_info,
                                  migration_uuid, exc, start)
            return
        vm_state = states.STOPPED if stopped else states.ACTIVE
        power_state = self.power._power_state(instance)
        if not self.conductor.evacuate_finished(
                context, instance.uuid, migration_uuid, self.host,
                self.host, vm_state, power_state,
                self._event(EVENT, start)):
            LOG.info('Evacuation of %s stopped: the instance changed; '
                     'removing the new guest', instance.uuid)
            self.driver.destroy(context, instance, [])
            self._network_unplug(instance.uuid, network_info)
            return
        self._network_nat(context, instance.uuid)
        settled = {'state': vm_state, 'task_state': None, 'host': self.host,
                   'node': self.host, 'power_state':
                   states.POWER_STATE_NAMES.get(power_state)}
        notifications.instance_action(
            context, instance, 'instance.rebuild.end', self.host,
            network_info=network_info, image_uuid=instance.image_ref,
            **settled)
        notifications.instance_action(
            context, instance, 'instance.evacuate', self.host,
            network_info=network_info, **settled)

    def _evacuate_spawn(self, context, instance, network_info, stopped):
        volumes = self._volumes_reopened(context, instance.uuid)
        image_meta = self._volumes_image(context, instance.image_ref,
                                         volumes)
        guest_data = None
        if configdrive.wanted(instance):
            guest_data = self.conductor.guest_data_get(context,
                                                       instance.uuid)
        self._network_plug(context, instance, network_info)
        self._spawn_with_volumes(context, instance, image_meta, network_info,
                               guest_data, volumes)
        if stopped:
            self.driver.power_off(instance)

    def _evacuate_failed(self, context, instance, network_info,
                         migration_uuid, exc, start):
        try:
            self.driver.destroy(context, instance, [])
        except Exception:  # noqa: BLE001 - cleanup is best effort
            LOG.exception('Cleanup of %s failed', instance.uuid)
        self._network_unplug(instance.uuid, network_info)
        message = 'Evacuation to host %s failed: %s' % (self.host, exc)
        self.conductor.evacuate_failed(
            context, instance.uuid, migration_uuid, message, self.host,
            self._event(EVENT, start, 'Error', message))
        notifications.compute_exception(context, exc, self.host)
        notifications.instance_action(
            context, instance, 'instance.rebuild.error', self.host,
            network_info=network_info, fault=exc,
            image_uuid=instance.image_ref, state=states.ERROR,
            task_state=None,
            power_state=states.POWER_STATE_NAMES.get(states.NOSTATE))

    def cleanup_evacuated(self, context):
        """Source, at start-up: remove the local guests of instances
        evacuated away from this host (see the module doc).

        :returns: the uuids of the evacuated instances (their recovery
            is not this host's)
        """
        evacuated = set()
        for migration in self.conductor.evacuations_to_clean(context,
                                                             self.host):
            uuid = migration['instance_uuid']
            evacuated.add(uuid)
            instance = self.conductor.instance_get(context, uuid,
                                                   read_deleted=True)
            if instance is None:
                continue
            try:
                self.driver.destroy_evacuated(context, instance)
            except Exception:  # noqa: BLE001 - one must not stop others
                LOG.exception('Removing the evacuated guest of %s failed',
                              uuid)
                continue
            if migration['status'] == 'done':
                self.conductor.evacuation_cleaned(context, migration['uuid'])
            LOG.info('Removed the local guest of %s, evacuated to %s',
                     uuid, migration['dest_compute'])
        return evacuated
