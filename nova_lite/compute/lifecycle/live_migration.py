"""The compute's part of a live migration (RPC API 1.15,
``compute.rpcapi_live_migrate``; the conductor's part and the claims are
``nova_lite.conductor.live_migrate``'s; doc/migrations-servers.md).

Destination check (``check_can_live_migrate_destination``, a call from
the conductor): the driver checks CPU and memory, the source checks the
guest and whether it sees the destination's instance storage; then
``block_migration`` is resolved ('auto': True unless shared; False
without shared storage, or True with it, is a MigrationPreCheckError).

Source (``live_migration``, a cast): the job waits in a bounded
executor (``[compute] max_concurrent_live_migrations``; migration
'queued'), then 'preparing': the destination's ``pre_live_migration``
(NICs plugged, disks made; instance.live_migration_pre.start/end);
'running': the driver moves the guest, reporting progress into the
migration (``conductor.live_migration_update``); 'post-migrating': the
source's leftovers removed (instance.live_migration_post.start), the
destination's ``post_live_migration_at_destination`` records the
instance there (``conductor.live_migration_finished``; its DHCP
entries, security groups and floating IPs follow it), then
instance.live_migration_post.end.

A failure or an abort rolls back (instance.live_migration_rollback.
start/end): the destination removes what it made
(``rollback_live_migration_at_destination``), the conductor drops its
claim and the server stays ACTIVE on its source, the migration 'error'
with a fault, or 'cancelled' after an abort (instance.live_migration_
abort.start/end). ``live_migration_force_complete`` asks the running
driver job to finish (instance.live_migration_force_complete.start/
end). Action events (under the 'live-migration' action):
``compute_check_can_live_migrate_destination``,
``compute_live_migration``, ``compute_post_live_migration_at_destination``
or ``compute_rollback_live_migration``.

Volumes (``lifecycle.volume_moves``; doc/volumes.md, "Moves"): the
destination's ``pre_live_migration`` lets it reach the exports (the
source still allowed: the guest's network disks are the same on both
hosts), the source narrows them to the destination once it recorded the
instance, and a rollback (or the source's restart) gives them back to
the source only.
"""
import threading

from oslo_config import cfg
from oslo_log import log as logging
import futurist
import oslo_messaging as messaging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite import notifications
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import configdrive
from nova_lite.virt import live_migration as virt_live

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
EVENT = 'compute_live_migration'


def resolve_block_migration(requested, shared):
    """``block_migration`` of a checked live migration: 'auto' → not
    ``shared``; True with shared storage or False without it refuse
    (Nova's InvalidSharedStorage / InvalidLocalStorage).

    :raises: MigrationPreCheckError
    """
    if requested == 'auto':
        return not shared
    if requested and shared:
        raise exception.MigrationPreCheckError(
            reason='block migration asked but the instance storage is '
                   'shared between the hosts')
    if not requested and not shared:
        raise exception.MigrationPreCheckError(
            reason='the instance storage is not shared between the '
                   'hosts: a block migration is needed')
    return bool(requested)


class LiveMigrationMixin:
    """Live migration methods of ``ComputeManager`` (uses its ``host``,
    ``driver``, ``conductor``, ``compute_api``, ``dhcp``,
    ``security_groups``, ``floating_ips``, ``_instance`` and
    ``_event``)."""

    _live_executor = None

    def _live_jobs(self):
        """{instance uuid: LiveMigrationJob} of this source host."""
        if self._live_executor is None:
            self._live_jobs_by_uuid = {}
            self._live_lock = threading.Lock()
            self._live_executor = futurist.ThreadPoolExecutor(
                max_workers=CONF.compute.max_concurrent_live_migrations)
        return self._live_jobs_by_uuid

    def _live_notify(self, context, instance, name, network_info=None,
                     **changes):
        notifications.instance_action(context, instance, name, self.host,
                                      network_info=network_info, **changes)

    # ------------------------------------------------------------ checks

    @messaging.expected_exceptions(exception.MigrationPreCheckError)
    def check_can_live_migrate_destination(self, context, instance_uuid,
                                           block_migration, source_host):
        """Destination: see the module doc; returns migrate_data."""
        instance = self._instance(context, instance_uuid)
        data = self.driver.check_can_live_migrate_destination(
            context, instance, block_migration, source_host)
        try:
            data = self.compute_api.check_can_live_migrate_source(
                context, source_host, instance_uuid, data)
        finally:
            self.driver.cleanup_live_migration_destination_check(context,
                                                                 data)
        self.driver.check_live_migration_compatibility(context, instance,
                                                       data)
        data['block_migration'] = resolve_block_migration(
            block_migration, data.get('is_shared_instance_path', False))
        return data

    @messaging.expected_exceptions(exception.MigrationPreCheckError)
    def check_can_live_migrate_source(self, context, instance_uuid,
                                      migrate_data):
        """Source: the driver's check; returns migrate_data."""
        instance = self._instance(context, instance_uuid)
        if instance.host != self.host:
            raise exception.MigrationPreCheckError(
                reason='%s is not on %s' % (instance_uuid, self.host))
        return self.driver.check_can_live_migrate_source(context, instance,
                                                         migrate_data)

    # ------------------------------------------------------------ source

    def live_migration(self, context, instance_uuid, migration_uuid,
                       migrate_data):
        """Cast target (source): queue the job; never raises."""
        migration = self.conductor.migration_get(context, migration_uuid)
        if migration is None:
            return
        job = virt_live.LiveMigrationJob(
            migration['id'], report=lambda values:
            self.conductor.live_migration_update(context, migration_uuid,
                                                 values))
        jobs = self._live_jobs()
        with self._live_lock:
            if instance_uuid in jobs:
                LOG.info('Live migration of %s already runs here',
                         instance_uuid)
                return
            jobs[instance_uuid] = job
        self._live_executor.submit(self._live_migrate, context,
                                   instance_uuid, migration, migrate_data,
                                   job)

    def _live_migrate(self, context, instance_uuid, migration, migrate_data,
                      job):
        start = compute_utils.utcnow()
        try:
            self._live_migrate_job(context, instance_uuid, migration,
                                   migrate_data, job, start)
        except Exception:  # noqa: BLE001 - a worker must not die silently
            LOG.exception('Live migration of %s failed unexpectedly',
                          instance_uuid)
        finally:
            with self._live_lock:
                self._live_jobs_by_uuid.pop(instance_uuid, None)

    def _set_status(self, context, migration, status, **progress):
        """True when the migration moved to ``status`` (a call: the
        steps' order matters), with the final ``progress`` (bytes)."""
        return self.conductor.live_migration_update(
            context, migration['uuid'], dict(progress, status=status),
            wait=True)

    def _live_migrate_job(self, context, instance_uuid, migration,
                          migrate_data, job, start):
        try:
            found = self._instance(context, instance_uuid, with_network=True)
        except exception.InstanceNotFound:
            return
        instance, network_info = found['instance'], found['network_info']
        if instance.task_state != states.MIGRATING:
            LOG.info('Skipping the live migration of %s: task_state is %s',
                     instance_uuid, instance.task_state)
            return
        dest = migration['dest_compute']
        prepared = False
        try:
            job.check_abort(instance_uuid)
            self._set_status(context, migration, 'preparing')
            migrate_data = self.compute_api.pre_live_migration(
                context, dest, instance_uuid, migration['uuid'],
                migrate_data)
            prepared = True
            job.check_abort(instance_uuid)
            self._set_status(context, migration, 'running')
            moved = self.driver.live_migration(context, instance, dest,
                                               migrate_data, job)
            migrate_data = dict(migrate_data, **(moved or {}))
        except Exception as exc:  # noqa: BLE001 - rolled back
            self._live_rollback(context, instance, network_info, migration,
                                migrate_data, exc, prepared, start)
            return
        self._set_status(context, migration, 'post-migrating',
                         **job.last_progress)
        self._post_live_migration(context, instance, network_info,
                                  migration, migrate_data, start)

    def _post_live_migration(self, context, instance, network_info,
                             migration, migrate_data, start):
        dest = migration['dest_compute']
        self._live_notify(context, instance,
                          'instance.live_migration_post.start',
                          network_info)
        try:
            self.driver.post_live_migration(context, instance, network_info,
                                            migrate_data)
        except Exception:  # noqa: BLE001 - leftovers only
            LOG.exception('Removing the source leftovers of %s failed',
                          instance.uuid)
        self._live_network_left(instance.uuid, network_info)
        done = self.compute_api.post_live_migration_at_destination(
            context, dest, instance.uuid, migration['uuid'], migrate_data)
        if not done:
            LOG.warning('Live migration of %s: the destination did not '
                        'record it', instance.uuid)
            return
        self._volumes_settled(context, instance.uuid)
        self._live_notify(context, instance,
                          'instance.live_migration_post.end', network_info,
                          host=dest, node=migration['dest_node'] or dest,
                          task_state=None)
        LOG.info('Live migration of %s to %s done', instance.uuid, dest)

    def _live_network_left(self, instance_uuid, network_info):
        """The guest left this host: its DHCP entries, security group
        rules and floating IPs go (best effort)."""
        self._dhcp_remove(instance_uuid, network_info)
        try:
            self.security_groups.remove(instance_uuid)
            self.floating_ips.set(instance_uuid, [])
        except Exception:  # noqa: BLE001 - reapplied at start-up
            LOG.exception('Network leftovers of %s not removed',
                          instance_uuid)

    def _live_rollback(self, context, instance, network_info, migration,
                       migrate_data, exc, prepared, start):
        aborted = isinstance(exc, exception.LiveMigrationAborted)
        if not aborted:
            LOG.exception('Live migration of %s to %s failed',
                          instance.uuid, migration['dest_compute'])
        self._live_notify(context, instance,
                          'instance.live_migration_rollback.start',
                          network_info)
        if prepared:
            self.compute_api.rollback_live_migration_at_destination(
                context, migration['dest_compute'], instance.uuid,
                migrate_data)
        self._volumes_back(context, instance.uuid)
        message = None if aborted else 'Live migration to %s failed: %s' \
            % (migration['dest_compute'], exc)
        self.conductor.live_migration_rollback(
            context, instance.uuid, migration['uuid'],
            'cancelled' if aborted else 'error', message, self.host,
            self._event(EVENT, start, 'Error',
                        'aborted' if aborted else str(exc)))
        if not aborted:
            notifications.compute_exception(context, exc, self.host)
        self._live_notify(context, instance,
                          'instance.live_migration_rollback.end',
                          network_info, task_state=None)
        if aborted:
            self._live_notify(context, instance,
                              'instance.live_migration_abort.end',
                              network_info, task_state=None)

    def live_migration_abort(self, context, instance_uuid, migration_id):
        """Cast target (source): ask the job to stop (it rolls back with
        the migration 'cancelled')."""
        job = self._live_jobs().get(instance_uuid)
        if job is None or job.migration_id != migration_id:
            LOG.info('No live migration %s of %s to abort on %s',
                     migration_id, instance_uuid, self.host)
            return
        instance = self.conductor.instance_get(context, instance_uuid)
        if instance is not None:
            self._live_notify(context, instance,
                              'instance.live_migration_abort.start')
        job.abort_requested.set()

    def live_migration_force_complete(self, context, instance_uuid):
        """Cast target (source): ask the running job to finish now."""
        job = self._live_jobs().get(instance_uuid)
        if job is None:
            LOG.info('No live migration of %s to force on %s',
                     instance_uuid, self.host)
            return
        instance = self.conductor.instance_get(context, instance_uuid)
        if instance is not None:
            self._live_notify(context, instance,
                              'instance.live_migration_force_complete.start')
        job.force_requested.set()
        if instance is not None:
            self._live_notify(context, instance,
                              'instance.live_migration_force_complete.end')

    def recover_live_migration(self, context, instance):
        """At start-up, an instance of this host still MIGRATING: its job
        died with the previous process. When its guest still runs here
        the live migration is rolled back (ACTIVE/PAUSED here, fault,
        migration 'error'); otherwise (the hypervisor may have finished
        the move, or it is 'post-migrating') it is left to the
        sweeper's rule."""
        try:
            here = self.driver.get_info(instance).state in (
                states.RUNNING, states.PAUSED)
        except exception.InstanceNotFound:
            here = False
        if not here:
            LOG.warning('Live migration of %s interrupted and its guest '
                        'is not on %s: left to the sweeper', instance.uuid,
                        self.host)
            return
        message = ('Live migration interrupted: compute service on %s '
                   'restarted; the guest stays here' % self.host)
        self._volumes_back(context, instance.uuid)
        self.conductor.live_migration_rollback(
            context, instance.uuid, None, 'error', message, self.host,
            self._event('compute_init_host', compute_utils.utcnow(),
                        'Error', message))

    # ------------------------------------------------------- destination

    def pre_live_migration(self, context, instance_uuid, migration_uuid,
                           migrate_data):
        """Destination (a call): NICs plugged, disks made; returns
        migrate_data.

        :raises: the driver's errors (the source rolls back)
        """
        found = self._instance(context, instance_uuid, with_network=True)
        instance, network_info = found['instance'], found['network_info']
        self._live_notify(context, instance,
                          'instance.live_migration_pre.start', network_info)
        image_meta = self._rebuild_image_api().get(
            context, instance.image_ref) if instance.image_ref else \
            instance_obj.ImageMeta(id='', properties={})
        guest_data = None
        if configdrive.wanted(instance):
            guest_data = self.conductor.guest_data_get(context,
                                                       instance_uuid)
        self._volumes_here(context, instance_uuid)
        data = self.driver.pre_live_migration(context, instance,
                                              network_info, image_meta,
                                              migrate_data,
                                              guest_data=guest_data)
        self._live_notify(context, instance,
                          'instance.live_migration_pre.end', network_info)
        return data

    def post_live_migration_at_destination(self, context, instance_uuid,
                                           migration_uuid, migrate_data):
        """Destination (a call): the guest is here; record it (see the
        module doc). True when the conductor recorded it."""
        start = compute_utils.utcnow()
        found = self._instance(context, instance_uuid, with_network=True)
        instance, network_info = found['instance'], found['network_info']
        migration = self.conductor.migration_get(context, migration_uuid)
        try:
            power_state = self.driver.post_live_migration_at_destination(
                context, instance, network_info, migrate_data)
            result = 'Success'
        except Exception:  # noqa: BLE001 - the guest runs here anyway
            LOG.exception('Finishing the live migration of %s here failed',
                          instance_uuid)
            power_state, result = states.NOSTATE, 'Error'
        node = (migration or {}).get('dest_node') or self.host
        recorded = self.conductor.live_migration_finished(
            context, instance_uuid, migration_uuid, self.host, node,
            power_state, self._event(
                'compute_post_live_migration_at_destination', start,
                result))
        if recorded:
            self._live_network_arrived(context, instance, network_info)
        return recorded

    def _live_network_arrived(self, context, instance, network_info):
        """The guest arrived: its DHCP entries, security groups and
        floating IPs here (best effort; the periodic syncs catch up)."""
        try:
            if self.dhcp is not None and network_info:
                self.dhcp.add(network_info, instance.hostname)
            self.security_groups.refresh(context, [instance.uuid])
            self.floating_ips.sync_all(context)
        except Exception:  # noqa: BLE001 - caught up later
            LOG.exception('Network of %s not set up on %s', instance.uuid,
                          self.host)

    def rollback_live_migration_at_destination(self, context, instance_uuid,
                                               migrate_data):
        """Cast target (destination): remove the incoming guest."""
        found = self.conductor.instance_get(context, instance_uuid,
                                            with_network=True)
        if found is None:
            return
        try:
            self.driver.rollback_live_migration_at_destination(
                context, found['instance'], found['network_info'],
                migrate_data or {})
        except Exception:  # noqa: BLE001 - leftovers only
            LOG.exception('Rollback of the live migration of %s on %s '
                          'failed', instance_uuid, self.host)
