"""Shelve, shelveOffload and unshelve in the compute API's service layer
(compute API reference, "Shelve Server (shelve Action)", "Shelf-Offload
(Remove) Server (shelveOffload Action)", "Unshelve (Restore) Shelved
Server (unshelve Action)"; doc/lifecycle-shelve.md).

``ShelveActions`` is mixed into ``nova_lite.compute.api.API`` (it uses
``get``, ``_check_locked``, ``_create_snapshot_image``, ``images``,
``compute`` and ``conductor``). Each action: a locked server refuses
non-admins (409); the server must be in the action's vm_state with no
task (409); one conditional write sets the task state; an instance
action is recorded, instance.update sent, and the work cast.

* shelve: ACTIVE, STOPPED, PAUSED or SUSPENDED → the image
  ``<name>-shelved`` is created ``queued`` (a snapshot: ``image_type``
  snapshot, ``instance_uuid``) and its id kept in
  ``instances.shelved_image_id``; the server's compute powers it off
  and uploads its disk. A server booted from a volume gets no image
  (Nova's volume-backed shelve): it is offloaded at once (doc/volumes.md,
  "Moves").
* shelveOffload: SHELVED → its compute removes the guest.
* unshelve: SHELVED → its compute powers the kept guest on;
  SHELVED_OFFLOADED → the conductor schedules it again (a claim, as a
  build). ``availability_zone`` (2.77) and ``host`` (2.91, admins)
  apply to offloaded servers only.

Quota: a shelved or offloaded server keeps counting (instances, cores,
ram), as with Nova's default quota counting from the database, so
unshelve checks no quota.
"""
from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite import availability_zones
from nova_lite.compute import states
from nova_lite.compute import topology
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite import exception

LOG = logging.getLogger(__name__)

#: vm_states a server can be shelved from (compute API reference).
SHELVE_VM_STATES = (states.ACTIVE, states.STOPPED, states.VM_PAUSED,
                    states.VM_SUSPENDED)
#: ``availability_zone`` left out of an unshelve (not "null").
UNSET = object()


class ShelveActions:
    """shelve, shelveOffload, unshelve (mixed into ``compute.api.API``)."""

    def _shelve_write(self, context, instance, action, values, vm_states):
        """Conditional write no task + ``vm_states`` → ``values``, then
        the instance action and instance.update.

        :raises: InstanceInvalidState (409) when it did not match
        """
        try:
            instance_db.instance_update(
                context, instance.uuid, values, expected_task_state=None,
                expected_vm_state=tuple(vm_states),
                expected_host=instance.host)
        except exception.UnexpectedTaskStateError as exc:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr='task_state', state=instance.task_state) from exc
        action_db.action_start(context, instance.uuid, action)
        update_events.server_changed(context, instance,
                                     task_state=values['task_state'])

    def _check_shelve_state(self, context, instance_uuid, action,
                            vm_states, needs_host=True):
        """The server, unlocked (or the caller an admin), in one of
        ``vm_states`` with no task (and on a host).

        :raises: InstanceNotFound (404), InstanceIsLocked (409),
            InstanceInvalidState (409)
        """
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        if instance.vm_state not in vm_states or (
                needs_host and instance.host is None):
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='vm_state', state=instance.vm_state)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state)
        return instance

    def shelve(self, context, instance_uuid):
        """Shelve a server (see the module doc).

        :returns: the id of the shelved image (str), None for a server
            booted from a volume
        :raises: InstanceNotFound (404), InstanceIsLocked and
            InstanceInvalidState (409)
        """
        instance = self._check_shelve_state(context, instance_uuid,
                                            'shelve', SHELVE_VM_STATES)
        if self.root_volume(context, instance_uuid) is not None:
            return self._shelve_volume_backed(context, instance)
        image = self._create_snapshot_image(
            context, instance, '%s-shelved' % instance.display_name, None,
            None)
        try:
            self._shelve_write(context, instance, 'shelve',
                               {'task_state': states.SHELVING,
                                'shelved_image_id': image['uuid']},
                               SHELVE_VM_STATES)
        except exception.InstanceInvalidState:
            self.images.delete(context, image['uuid'])
            raise
        self.compute.shelve_instance(context, instance.host, instance_uuid,
                                     image['uuid'])
        LOG.info('Shelving %s into image %s', instance_uuid, image['uuid'])
        return image['uuid']

    def _shelve_volume_backed(self, context, instance):
        """Nova's volume-backed shelve: no image (the root stays on its
        volume); the server is offloaded at once (task
        ``shelving_offloading`` from its own vm_state).

        :returns: None (no shelved image)
        :raises: InstanceInvalidState (409)
        """
        self._shelve_write(context, instance, 'shelve',
                           {'task_state': states.SHELVING_OFFLOADING,
                            'shelved_at': timeutils.utcnow(),
                            'shelved_image_id': None},
                           SHELVE_VM_STATES)
        self.compute.shelve_offload_instance(context, instance.host,
                                             instance.uuid)
        LOG.info('Shelving volume-backed %s: offloaded without an image',
                 instance.uuid)

    def shelve_offload(self, context, instance_uuid):
        """Offload a SHELVED server: its compute removes the guest and
        the host's resources are freed (→ SHELVED_OFFLOADED).

        :raises: as ``shelve``
        """
        instance = self._check_shelve_state(
            context, instance_uuid, 'shelveOffload', (states.SHELVED,))
        self._shelve_write(context, instance, 'shelveOffload',
                           {'task_state': states.SHELVING_OFFLOADING},
                           (states.SHELVED,))
        self.compute.shelve_offload_instance(context, instance.host,
                                             instance_uuid)

    def unshelve(self, context, instance_uuid, availability_zone=UNSET,
                 host=None):
        """Unshelve a SHELVED or SHELVED_OFFLOADED server (→ ACTIVE).

        :param availability_zone: UNSET, a zone to pin the server to and
            place it in (2.77), or None to unpin it (2.91); offloaded
            servers only
        :param host: the compute host to place it on (2.91; the caller
            checked the policy); offloaded servers only
        :raises: InstanceNotFound (404), InstanceIsLocked (409),
            InstanceInvalidState (409), Conflict (409: a zone or host for
            a server that is not offloaded; a host outside the zone),
            Invalid (400: unknown zone or host)
        """
        instance = self._check_shelve_state(
            context, instance_uuid, 'unshelve',
            (states.SHELVED, states.SHELVED_OFFLOADED), needs_host=False)
        offloaded = instance.vm_state == states.SHELVED_OFFLOADED
        if not offloaded and (availability_zone is not UNSET or host):
            raise exception.Conflict(
                'The unshelve action on a server with status SHELVED '
                'takes no availability_zone or host: only a '
                'SHELVED_OFFLOADED server can be placed.')
        values = {'task_state': states.UNSHELVING}
        if offloaded:
            values.update(self._placement(context, instance,
                                          availability_zone, host))
        self._shelve_write(context, instance, 'unshelve', values,
                           (instance.vm_state,))
        if offloaded:
            self.conductor.unshelve_instance(context, instance_uuid,
                                             requested_host=host)
        else:
            self.compute.unshelve_instance(context, instance.host,
                                           instance_uuid,
                                           instance.shelved_image_id)

    def _delete_shelved_image(self, context, instance):
        """A SHELVED or SHELVED_OFFLOADED server being deleted takes its
        shelved image with it (as Nova's delete); a missing image is no
        error."""
        image_id = getattr(instance, 'shelved_image_id', None)
        if not image_id or instance.vm_state not in (
                states.SHELVED, states.SHELVED_OFFLOADED):
            return
        try:
            self.images.delete(context.elevated(), image_id)
        except exception.ImageNotFound:
            return
        LOG.info('Deleted the shelved image %s of %s', image_id,
                 instance.uuid)

    @staticmethod
    def _placement(context, instance, availability_zone, host):
        """The ``instances`` values of an unshelve's zone (the pinned
        zone changes with it: Nova's 2.77/2.91 rules) after checking the
        zone and host.

        :raises: Invalid (400), Conflict (409)
        """
        admin = context.elevated()
        if availability_zone not in (UNSET, None):
            topology.check_availability_zone(admin, availability_zone)
        if host:
            if not node_db.compute_node_get_all(admin, host=host):
                raise exception.Invalid(
                    reason='Compute host %s could not be found.' % host)
            zone = availability_zone if availability_zone is not UNSET \
                else instance.availability_zone
            host_zone = availability_zones.host_zone(
                host, aggregate_db.host_zones(admin))
            if zone and zone != host_zone:
                raise exception.Conflict(
                    'Host %s is not in availability zone %s.' % (host, zone))
        if availability_zone is UNSET:
            return {}
        return {'availability_zone': availability_zone}
