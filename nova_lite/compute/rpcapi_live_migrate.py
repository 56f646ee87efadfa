"""Client side of the compute's live migration methods (RPC API 1.15),
mixed into ``compute.rpcapi.ComputeAPI`` (server side:
``compute.lifecycle.live_migration.LiveMigrationMixin``).

Order of a live migration (doc/migrations-servers.md):

* conductor → destination ``check_can_live_migrate_destination``
  (call), which calls the source's ``check_can_live_migrate_source``;
* conductor → source ``live_migration`` (cast): the source calls the
  destination's ``pre_live_migration``, runs the driver's migration,
  then calls the destination's ``post_live_migration_at_destination``,
  or on failure casts ``rollback_live_migration_at_destination``;
* API → source ``live_migration_abort`` and
  ``live_migration_force_complete`` (casts).

``migrate_data`` is a dict of plain values (see
``virt.driver.ComputeDriver.check_can_live_migrate_destination``).
"""
VERSION = '1.15'


class LiveMigrateAPI:
    """Live migration methods of ``ComputeAPI`` (uses its ``client``)."""

    def _live(self, host, timeout=None):
        if timeout is None:
            return self.client.prepare(server=host, version=VERSION)
        return self.client.prepare(server=host, version=VERSION,
                                   timeout=timeout)

    def check_can_live_migrate_destination(self, context, host,
                                           instance_uuid, block_migration,
                                           source_host):
        """Call the destination: can it take the guest (CPU, memory,
        storage)? ``block_migration`` True, False or 'auto'.

        :returns: the migrate_data dict (``block_migration`` resolved)
        :raises: MigrationPreCheckError
        """
        return self._live(host).call(
            context, 'check_can_live_migrate_destination',
            instance_uuid=instance_uuid, block_migration=block_migration,
            source_host=source_host)

    def check_can_live_migrate_source(self, context, host, instance_uuid,
                                      migrate_data):
        """Call the source (from the destination's check): does it see
        the destination's shared storage marker, can the guest go?

        :returns: migrate_data with ``is_shared_instance_path``
        :raises: MigrationPreCheckError
        """
        return self._live(host).call(
            context, 'check_can_live_migrate_source',
            instance_uuid=instance_uuid, migrate_data=migrate_data)

    def live_migration(self, context, host, instance_uuid, migration_uuid,
                       migrate_data):
        """Cast to the source: run the live migration (its destination
        is claimed and checked)."""
        self._live(host).cast(context, 'live_migration',
                              instance_uuid=instance_uuid,
                              migration_uuid=migration_uuid,
                              migrate_data=migrate_data)

    def pre_live_migration(self, context, host, instance_uuid,
                           migration_uuid, migrate_data, timeout=None):
        """Call the destination: plug the NICs, make the disks.

        :returns: migrate_data with what the destination adds
        """
        return self._live(host, timeout).call(
            context, 'pre_live_migration', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, migrate_data=migrate_data)

    def post_live_migration_at_destination(self, context, host,
                                           instance_uuid, migration_uuid,
                                           migrate_data, timeout=None):
        """Call the destination: the guest runs there; it records the
        instance's new host through the conductor. True when it did."""
        return self._live(host, timeout).call(
            context, 'post_live_migration_at_destination',
            instance_uuid=instance_uuid, migration_uuid=migration_uuid,
            migrate_data=migrate_data)

    def rollback_live_migration_at_destination(self, context, host,
                                               instance_uuid,
                                               migrate_data):
        """Cast to the destination: remove what ``pre_live_migration``
        made (the incoming guest, its NICs and disks)."""
        self._live(host).cast(
            context, 'rollback_live_migration_at_destination',
            instance_uuid=instance_uuid, migrate_data=migrate_data)

    def live_migration_abort(self, context, host, instance_uuid,
                             migration_id):
        """Cast to the source: abort the live migration (migration id,
        an int) if it is still queued, preparing or running."""
        self._live(host).cast(context, 'live_migration_abort',
                              instance_uuid=instance_uuid,
                              migration_id=migration_id)

    def live_migration_force_complete(self, context, host, instance_uuid):
        """Cast to the source: make the running live migration finish
        (post-copy or a paused guest)."""
        self._live(host).cast(context, 'live_migration_force_complete',
                              instance_uuid=instance_uuid)
