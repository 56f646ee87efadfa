"""The compute's steps of a resize, a confirm and a revert (RPC API 1.6,
``compute.rpcapi_resize``), mixed into ``ComputeManager``.

Each step runs under the per-instance lock, starts only from the task
state the previous step left (a late or repeated cast is a no-op) and
records its outcome with a conductor call (``conductor.resize``):

==========================  ===========  ===============================
step (host)                 task_state   migration status after
==========================  ===========  ===============================
API                         resize_prep  pre-migrating
prep_resize (dest)          resize_prep  pre-migrating
resize_instance (source)    resize_mig-  migrating → post-migrating
                            rating →
                            resize_mig-
                            rated
finish_resize (dest)        resize_fin-  finished (vm_state RESIZED,
                            ish → None   host = dest, new flavor)
confirm_resize (source)     None         confirming → confirmed
revert_resize (dest)        resize_rev-  reverting
                            erting
finish_revert_resize (src)  → None       reverted (old flavor, source)
==========================  ===========  ===============================

A driver failure follows the failure rule of ``conductor.resize``.
The server's volumes follow it (``lifecycle.volume_moves``): the
destination owns their exports from finish_resize on (the source still
allowed), confirm leaves the destination only, a revert (or a failed
finish) the source only; the guests keep their network disks.
The guest's DHCP entries, security group chains and floating IP NAT
follow it (``compute.network_sync``): the source drops them once its
guest is off, the destination applies them before its guest starts (NAT
once the server is recorded there); a revert does the reverse.
Notifications (Nova's): instance.resize_prep.start/end (destination,
InstanceActionResizePrepPayload with ``new_flavor``), instance.resize.
start/end (source), instance.resize_finish.start/end (destination),
instance.resize_confirm.start/end (source), instance.resize_revert.
start/end (destination, then source), and on a failed step
instance.resize.error (with the fault) and compute.exception.
"""
from oslo_concurrency import lockutils
from oslo_log import log as logging

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite import notifications

LOG = logging.getLogger(__name__)
_FLAVOR_FIELDS = (('flavorid', 'flavor_id'), ('name', 'flavor_name'),
                  ('vcpus', 'vcpus'), ('memory_mb', 'memory_mb'),
                  ('root_gb', 'root_gb'), ('ephemeral_gb', 'ephemeral_gb'))


def with_flavor(instance, flavor):
    """A copy of ``instance`` (``objects.Instance``) with the fields of
    ``flavor`` (a migration's flavor dict)."""
    copy = instance.obj_clone()
    for key, field in _FLAVOR_FIELDS:
        setattr(copy, field, flavor[key])
    return copy


def _power_name(power_state):
    """The notification name of ``power_state`` (int)."""
    return states.POWER_STATE_NAMES.get(power_state)


def _settled(power_state):
    """The vm_state a confirm or revert settles on (the conductor's
    ``resize.vm_state_for``): ACTIVE when the guest runs, else
    STOPPED."""
    return states.ACTIVE if power_state == states.RUNNING else \
        states.STOPPED


def _lock(instance_uuid):
    """The per-instance lock (``compute.manager.instance_lock``'s)."""
    return lockutils.lock('instance-%s' % instance_uuid)


class ResizeManager:
    """Resize steps of ``ComputeManager`` (uses its ``host``, ``driver``,
    ``conductor``, ``_instance`` and ``_event``)."""

    _compute_api = None

    @property
    def compute_api(self):
        """Compute RPC client for the casts to the other host of a
        resize."""
        if self._compute_api is None:
            self._compute_api = compute_rpcapi.ComputeAPI()
        return self._compute_api

    def _resize_context(self, context, instance_uuid, migration_uuid,
                        task_states):
        """(instance, network_info, migration) when the instance is in
        one of ``task_states`` and the migration exists; else None."""
        try:
            found = self._instance(context, instance_uuid,
                                   with_network=True)
        except exception.InstanceNotFound:
            return None
        instance = found['instance']
        migration = self.conductor.migration_get(context, migration_uuid)
        if instance.task_state not in task_states or migration is None:
            LOG.info('Skipping resize step of %s on %s: task_state %s',
                     instance_uuid, self.host, instance.task_state)
            return None
        return instance, found['network_info'], migration

    def _notify(self, context, instance, name, network_info, **changes):
        notifications.instance_action(context, instance, name, self.host,
                                      network_info=network_info, **changes)

    def _error(self, context, instance, exc, network_info=None):
        """compute.exception and instance.resize.error of ``exc``."""
        notifications.compute_exception(context, exc, self.host)
        notifications.instance_action(
            context, instance, 'instance.resize.error', self.host,
            network_info=network_info, fault=exc, task_state=None)

    def _failed(self, context, instance, migration, event, start, exc,
                restored=True, network_info=None):
        LOG.exception('%s of %s failed on %s', event, instance.uuid,
                      self.host)
        self._error(context, instance, exc, network_info)
        message = 'Resize failed on %s: %s' % (self.host, exc)
        self.conductor.resize_failed(
            context, instance.uuid, migration['uuid'], message, self.host,
            self._event(event, start, 'Error', str(exc)), restored=restored)

    # ---------------------------------------------------------- resize

    def prep_resize(self, context, instance_uuid, migration_uuid):
        """Destination: the scheduler claimed this host; hand over to the
        source."""
        start = compute_utils.utcnow()
        with _lock(instance_uuid):
            found = self._resize_context(context, instance_uuid,
                                         migration_uuid,
                                         (states.RESIZE_PREP,))
            if found is None:
                return
            instance, network_info, migration = found
            self._notify(context, instance, 'instance.resize_prep.start',
                         network_info, new_flavor=migration['new_flavor'])
            event = dict(self._event('compute_prep_resize', start),
                         finish_action=False)
            if not self.conductor.resize_update(
                    context, instance_uuid, migration_uuid, {}, None,
                    states.RESIZE_PREP, self.host, event):
                return
            self._notify(context, instance, 'instance.resize_prep.end',
                         network_info, new_flavor=migration['new_flavor'])
        self.compute_api.resize_instance(
            context, migration['source_compute'], instance_uuid,
            migration_uuid)

    def resize_instance(self, context, instance_uuid, migration_uuid):
        """Source: power off and hand the disk to the destination."""
        start = compute_utils.utcnow()
        with _lock(instance_uuid):
            found = self._resize_context(context, instance_uuid,
                                         migration_uuid,
                                         (states.RESIZE_PREP,))
            if found is None or not self.conductor.resize_update(
                    context, instance_uuid, migration_uuid,
                    {'task_state': states.RESIZE_MIGRATING},
                    {'status': 'migrating'}, states.RESIZE_PREP,
                    self.host):
                return
            instance, network_info, migration = found
            self._notify(context, instance, 'instance.resize.start',
                         network_info)
            try:
                disk_info = self.driver.migrate_disk_and_power_off(
                    context, instance, migration['dest_compute'],
                    migration['new_flavor'], network_info)
            except Exception as exc:  # noqa: BLE001 - failure rule
                self._failed(context, instance, migration,
                             'compute_resize_instance', start, exc,
                             network_info=network_info)
                return
            event = dict(self._event('compute_resize_instance', start),
                         finish_action=False)
            if not self.conductor.resize_update(
                    context, instance_uuid, migration_uuid,
                    {'task_state': states.RESIZE_MIGRATED,
                     'power_state': states.SHUTDOWN},
                    {'status': 'post-migrating'}, states.RESIZE_MIGRATING,
                    self.host, event):
                return
            # The guest is off and leaves: the destination takes its
            # DHCP entries, chains and floating IPs (a revert brings
            # them back here).
            self._network_unplug(instance_uuid, network_info)
            self._notify(context, instance, 'instance.resize.end',
                         network_info, task_state=states.RESIZE_MIGRATED,
                         power_state=_power_name(states.SHUTDOWN))
        self.compute_api.finish_resize(context, migration['dest_compute'],
                                       instance_uuid, migration_uuid,
                                       disk_info)

    def finish_resize(self, context, instance_uuid, migration_uuid,
                      disk_info):
        """Destination: the guest of the new flavor from ``disk_info``;
        RESIZED."""
        start = compute_utils.utcnow()
        with _lock(instance_uuid):
            found = self._resize_context(context, instance_uuid,
                                         migration_uuid,
                                         (states.RESIZE_MIGRATED,))
            if found is None or not self.conductor.resize_update(
                    context, instance_uuid, migration_uuid,
                    {'task_state': states.RESIZE_FINISH}, None,
                    states.RESIZE_MIGRATED, self.host):
                return
            instance, network_info, migration = found
            resized = with_flavor(instance, migration['new_flavor'])
            self._notify(context, resized, 'instance.resize_finish.start',
                         network_info)
            try:
                self._network_plug(context, resized, network_info)
                self._volumes_here(context, instance_uuid)
                self.driver.finish_migration(
                    context, migration, resized, disk_info, network_info,
                    power_on=instance.vm_state == states.ACTIVE)
                power_state = self.driver.get_info(resized).state
            except Exception as exc:  # noqa: BLE001 - failure rule
                LOG.exception('Finishing the resize of %s failed on %s',
                              instance_uuid, self.host)
                self._network_unplug(instance_uuid, network_info)
                self._error(context, resized, exc, network_info)
                failed = 'Resize failed on %s: %s' % (self.host, exc)
            else:
                failed = None
                self._resize_done(context, resized, network_info,
                                  migration, power_state, start)
        if failed:
            # Outside the lock: on a same-host resize the source step
            # takes the same lock.
            self.compute_api.finish_revert_resize(
                context, migration['source_compute'], instance_uuid,
                migration_uuid, failed=failed)

    def _resize_done(self, context, resized, network_info, migration,
                     power_state, start):
        """Record a finished resize (RESIZED), or remove the new guest
        when the instance moved on meanwhile (deleted)."""
        instance_uuid, migration_uuid = resized.uuid, migration['uuid']
        if not self.conductor.resize_finished(
                context, instance_uuid, migration_uuid, self.host,
                migration['dest_node'] or self.host, power_state,
                self._event('compute_finish_resize', start)):
            self.driver.cleanup_migration_dest(context, resized, migration)
            self._network_unplug(instance_uuid, network_info)
            return
        self._network_nat(context, instance_uuid)
        self._notify(context, resized, 'instance.resize_finish.end',
                     network_info, state=states.RESIZED, task_state=None,
                     host=self.host,
                     node=migration['dest_node'] or self.host,
                     power_state=_power_name(power_state))

    # --------------------------------------------------------- confirm

    def confirm_resize(self, context, instance_uuid, migration_uuid):
        """Source: remove the old guest; then the conductor confirms."""
        start = compute_utils.utcnow()
        with _lock(instance_uuid):
            migration = self.conductor.migration_get(context,
                                                     migration_uuid)
            if migration is None or migration['status'] != 'confirming':
                return
            instance = self.conductor.instance_get(context, instance_uuid)
            old = None if instance is None else with_flavor(
                instance, migration['old_flavor'])
            result, details = 'Success', None
            if old is not None:
                self._notify(context, instance,
                             'instance.resize_confirm.start', None)
            try:
                self.driver.confirm_migration(context, migration, old)
            except Exception as exc:  # noqa: BLE001 - leftovers only
                LOG.exception('Removing the old guest of %s failed',
                              instance_uuid)
                result, details = 'Error', str(exc)
            if old is not None:
                self._volumes_settled(context, instance_uuid)
            self.conductor.resize_confirmed(
                context, instance_uuid, migration_uuid, self.host,
                self._event('compute_confirm_resize', start, result,
                            details))
            if old is not None:
                self._notify(context, instance,
                             'instance.resize_confirm.end', None,
                             task_state=None,
                             state=_settled(instance.power_state))

    # ---------------------------------------------------------- revert

    def revert_resize(self, context, instance_uuid, migration_uuid):
        """Destination: remove the new guest, then hand over to the
        source."""
        start = compute_utils.utcnow()
        with _lock(instance_uuid):
            found = self._resize_context(context, instance_uuid,
                                         migration_uuid,
                                         (states.RESIZE_REVERTING,))
            if found is None:
                return
            instance, network_info, migration = found
            self._notify(context, instance, 'instance.resize_revert.start',
                         network_info)
            result, details = 'Success', None
            try:
                self.driver.cleanup_migration_dest(context, instance,
                                                   migration)
            except Exception as exc:  # noqa: BLE001 - the source goes on
                LOG.exception('Removing the new guest of %s failed',
                              instance_uuid)
                result, details = 'Error', str(exc)
            self._network_unplug(instance_uuid, network_info)
            self.conductor.resize_update(
                context, instance_uuid, migration_uuid, {}, None,
                states.RESIZE_REVERTING, self.host,
                dict(self._event('compute_revert_resize', start, result,
                                 details), finish_action=False))
        self.compute_api.finish_revert_resize(
            context, migration['source_compute'], instance_uuid,
            migration_uuid)

    def finish_revert_resize(self, context, instance_uuid, migration_uuid,
                             failed=None):
        """Source: the old guest again (a revert, or with ``failed`` a
        resize the destination could not finish)."""
        start = compute_utils.utcnow()
        tasks = (states.RESIZE_FINISH, None) if failed else (
            states.RESIZE_REVERTING,)
        with _lock(instance_uuid):
            found = self._resize_context(context, instance_uuid,
                                         migration_uuid, tasks)
            if found is None or (found[0].task_state is None and not (
                    found[0].vm_state == states.ERROR
                    and found[2]['status'] == 'error')):
                # Without a task only a resize the sweeper failed (ERROR,
                # migration 'error') gets its old guest back.
                return
            instance, network_info, migration = found
            old = with_flavor(instance, migration['old_flavor'])
            power_on = (instance.vm_state == states.ACTIVE if failed
                        else instance.power_state == states.RUNNING)
            try:
                self._network_plug(context, old, network_info)
                self._volumes_back(context, instance_uuid)
                self.driver.finish_revert_migration(
                    context, old, network_info, migration, power_on)
                power_state = self.driver.get_info(old).state
            except Exception as exc:  # noqa: BLE001 - failure rule
                self._failed(context, instance, migration,
                             'compute_finish_revert_resize', start, exc,
                             restored=False, network_info=network_info)
                return
            event = self._event('compute_finish_revert_resize', start)
            if failed:
                self.conductor.resize_failed(
                    context, instance_uuid, migration_uuid, failed,
                    self.host, dict(event, result='Error', details=failed))
                self._network_nat(context, instance_uuid)
                return
            self.conductor.resize_reverted(context, instance_uuid,
                                           migration_uuid, power_state,
                                           self.host, event)
            self._network_nat(context, instance_uuid)
            self._notify(context, old, 'instance.resize_revert.end',
                         network_info, task_state=None, host=self.host,
                         node=migration['source_node'] or self.host,
                         state=_settled(power_state),
                         power_state=_power_name(power_state))

    # -------------------------------------------------------- recovery

    def recover_resize(self, context, instance):
        """At start-up, an instance of this host whose resize (or revert)
        was cut short: a revert is done again; otherwise the source guest
        is restored (powered off) and the server set to ERROR with a
        fault (the failure rule of ``conductor.resize``)."""
        migration = self.conductor.migration_get(
            context, instance_uuid=instance.uuid)
        if migration is None:
            self.conductor.instance_update(context, instance.uuid,
                                           {'task_state': None},
                                           {'task_state':
                                            instance.task_state})
            return
        if instance.task_state == states.RESIZE_REVERTING:
            self.revert_resize(context, instance.uuid, migration['uuid'])
            return
        if migration['dest_compute'] == self.host and \
                instance.task_state != states.RESIZE_PREP:
            self.driver.cleanup_migration_dest(
                context, with_flavor(instance, migration['new_flavor']),
                migration)
        self._volumes_back(context, instance.uuid)
        self.driver.finish_revert_migration(
            context, with_flavor(instance, migration['old_flavor']), [],
            migration, power_on=False)
        self.conductor.resize_failed(
            context, instance.uuid, migration['uuid'],
            'Resize interrupted: compute service on %s restarted; the '
            'guest is back on its source host, powered off (reset-state '
            'and hard reboot to run it).' % self.host, self.host,
            self._event('compute_init_host', compute_utils.utcnow(),
                        'Error'), restored=False)
