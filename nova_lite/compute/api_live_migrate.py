"""Live migration on the compute API's side: the ``os-migrateLive``
server action (compute API reference, "Live-Migrate Server
(os-migrateLive Action)") and the server migrations' force complete
(microversion 2.22) and abort (2.24; 2.65 also while queued or
preparing) (compute API reference, "Server migrations").

``LiveMigrateActions`` is mixed into ``nova_lite.compute.api.API`` (it
uses the helpers of ``api_resize.ResizeActions`` and
``api_migrate.MigrateActions``). The API records the migration (type
'live-migration', status 'accepted'), sets task_state ``migrating``
(status MIGRATING), starts the instance action 'live-migration' and
hands over to the conductor (``nova_lite.conductor.live_migrate``):
a call that answers after the destination checks before 2.34 (their
failure is a 400), a cast from 2.34. doc/migrations-servers.md has the
rules.
"""
from oslo_log import log as logging

from nova_lite.compute import migrations as migration_api
from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import resize as resize_db
from nova_lite.db import topology as topology_db
from nova_lite import exception

LOG = logging.getLogger(__name__)
ACTION = 'live-migration'
#: vm_states a live migration starts from (Nova's: a running or paused
#: guest).
LIVE_MIGRATABLE = (states.ACTIVE, states.VM_PAUSED)
#: Statuses an abort applies to: 'running' from 2.24, also these from
#: 2.65 (compute API reference, "Delete (Abort) Migration").
ABORTABLE_EARLY = ('queued', 'preparing')


class LiveMigrateActions:
    """``os-migrateLive``, force complete and abort (mixed into the
    compute API)."""

    def live_migrate(self, context, instance_uuid, host=None,
                     block_migration='auto', force=False, wait=True):
        """Live-migrate a running (or paused) server to ``host`` (None:
        the scheduler's choice). ``block_migration`` True, False or
        'auto' (2.25); ``force`` (2.30-2.67, with a ``host``) skips the
        scheduler's filters but not the claim; ``wait`` (before 2.34):
        answer after the destination checks.

        :returns: the migration dict
        :raises: InstanceNotFound (404), InstanceIsLocked,
            InstanceInvalidState (409: not ACTIVE/PAUSED on a host, or a
            task in progress), Invalid (400: ``host`` unknown, the
            server's own, or outside its cluster without block migration;
            with ``wait``: no valid host, a failed check)
        """
        instance = self.get(context, instance_uuid)
        self._check_resizable(context, instance, 'os-migrateLive',
                              LIVE_MIGRATABLE)
        if host is not None:
            self._check_live_host(context, instance, host)
            self._check_same_cluster(context, instance, host,
                                     block_migration)
        self._set_task(context, instance, 'os-migrateLive',
                       states.MIGRATING, LIVE_MIGRATABLE, None)
        migration = self._move_record(context, instance,
                                      resize_db.LIVE_MIGRATION, 'accepted')
        action_db.action_start(context, instance_uuid, ACTION)
        update_events.server_changed(context, instance,
                                     task_state=states.MIGRATING)
        try:
            dest = self.conductor.live_migrate_instance(
                context, instance_uuid, migration['uuid'], host=host,
                block_migration=block_migration, force=bool(force),
                wait=wait)
        except (exception.NoValidHost,
                exception.MigrationPreCheckError) as exc:
            raise exception.Invalid(reason=exc.format_message()) from exc
        LOG.info('Live migration of %s from %s to %s accepted (migration '
                 '%s)', instance_uuid, instance.host, dest or '(checking)',
                 migration['uuid'])
        return migration

    @staticmethod
    def _check_live_host(context, instance, host):
        """:raises: Invalid (400: the server's own or an unknown host;
            Nova's ComputeHostNotFound is a 400 for this action)"""
        if host == instance.host:
            raise exception.Invalid(
                reason='The target host %s is the server\'s own host: a '
                       'live migration needs another host.' % host)
        if not node_db.compute_node_get_all(context.elevated(), host=host):
            raise exception.Invalid(
                reason='Compute host %s could not be found.' % host[:255])

    @staticmethod
    def _check_same_cluster(context, instance, host, block_migration):
        """A live migration that is not a block migration
        (``block_migration`` False or 'auto') stays in the CloudStack
        cluster of the server's host, whose hosts share its storage
        (doc/cloudstack.md); a block migration, or one from a host in no
        cluster, may cross. One SELECT.

        :raises: Invalid (400) for a ``host`` outside the cluster
        """
        if block_migration is True:
            return
        clusters = topology_db.host_clusters(context.elevated())
        source = clusters.get(instance.host)
        dest = clusters.get(host)
        if source is None or (dest and dest['uuid'] == source['uuid']):
            return
        raise exception.Invalid(
            reason='The target host %s is not in cluster %s of the '
                   'server\'s host %s: a live migration without block '
                   'migration stays inside a cluster (its hosts share '
                   'primary storage); ask for a block migration to cross '
                   'clusters.' % (host[:255], source['name'], instance.host))

    def _live_migration(self, context, instance_uuid, migration_id,
                        method, statuses):
        """(instance, migration) of an in-progress live migration of a
        MIGRATING server whose status is in ``statuses``.

        :raises: InstanceNotFound, MigrationNotFoundForInstance (404),
            InstanceInvalidState, InvalidMigrationState (409)
        """
        instance = self.get(context, instance_uuid)
        migration = migration_api.in_progress_live_migration(
            context, instance_uuid, migration_id)
        if instance.task_state != states.MIGRATING:
            raise self._invalid(instance, method, 'task_state')
        if migration['status'] not in statuses:
            raise exception.InvalidMigrationState(
                migration_id=migration['id'], instance_uuid=instance_uuid,
                state=migration['status'], method=method)
        return instance, migration

    def live_migrate_force_complete(self, context, instance_uuid,
                                    migration_id):
        """Make a running live migration finish (the source's driver
        switches to post-copy or pauses the guest).

        :raises: as ``_live_migration`` (409 unless 'running')
        """
        instance, migration = self._live_migration(
            context, instance_uuid, migration_id, 'force complete',
            ('running',))
        action_db.action_start(context, instance_uuid,
                               'live_migration_force_complete')
        self.compute.live_migration_force_complete(
            context, migration['source_compute'], instance_uuid)

    def live_migrate_abort(self, context, instance_uuid, migration_id,
                           early=False):
        """Abort a live migration: 'running', and with ``early``
        (2.65) also 'queued' or 'preparing'; it is rolled back with the
        status 'cancelled'.

        :raises: as ``_live_migration`` (409 in another status)
        """
        statuses = ('running',) + (ABORTABLE_EARLY if early else ())
        instance, migration = self._live_migration(
            context, instance_uuid, migration_id, 'abort live migration',
            statuses)
        action_db.action_start(context, instance_uuid,
                               'live_migration_abort')
        self.compute.live_migration_abort(
            context, migration['source_compute'], instance_uuid,
            migration['id'])
