"""Client side of the conductor's live migration methods (RPC API 1.12),
mixed into ``conductor.rpcapi.ConductorAPI`` (server side:
``conductor.live_migrate``)."""
VERSION = '1.12'


class LiveMigrateAPI:
    """Live migration methods of ``ConductorAPI`` (uses its ``client``)."""

    def live_migrate_instance(self, context, instance_uuid, migration_uuid,
                              host=None, block_migration='auto',
                              force=False, wait=True):
        """Claim and check a destination for the live migration the API
        recorded, then cast ``live_migration`` to the source.

        With ``wait`` (before microversion 2.34) a call that answers
        once the checks passed; else a cast (a failure is recorded on
        the migration and the instance action).

        :returns: the destination host (``wait``), else None
        :raises: NoValidHost, MigrationPreCheckError (``wait`` only)
        """
        cctxt = self.client.prepare(version=VERSION)
        kwargs = dict(instance_uuid=instance_uuid,
                      migration_uuid=migration_uuid, host=host,
                      block_migration=block_migration, force=force)
        if wait:
            return cctxt.call(context, 'live_migrate_instance', **kwargs)
        cctxt.cast(context, 'live_migrate_instance', **kwargs)
        return None

    def live_migration_update(self, context, migration_uuid, values,
                              expected_status=None, wait=False):
        """Write a live migration's status (``values['status']``, from
        its previous step's unless ``expected_status``, a str or list) or
        progress (``memory_total`` ... ``disk_remaining``, bytes): a cast,
        or with ``wait`` a call answering True when it matched."""
        cctxt = self.client.prepare(version=VERSION)
        kwargs = dict(migration_uuid=migration_uuid, values=values,
                      expected_status=expected_status)
        if wait:
            return cctxt.call(context, 'live_migration_update', **kwargs)
        cctxt.cast(context, 'live_migration_update', **kwargs)
        return None

    def live_migration_finished(self, context, instance_uuid,
                                migration_uuid, host, node, power_state,
                                event):
        """Call from the destination: the guest runs here: host/node,
        task cleared, claims swapped, migration 'completed'; True when
        the instance was still migrating."""
        return self.client.prepare(version=VERSION).call(
            context, 'live_migration_finished', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, host=host, node=node,
            power_state=power_state, event=event)

    def live_migration_rollback(self, context, instance_uuid,
                                migration_uuid, status, message, host,
                                event):
        """Call from the source: the guest stays there: task cleared
        (fault ``message`` unless None), destination claim dropped,
        migration ``status`` ('error', 'failed' or 'cancelled'); True
        when the instance was still migrating."""
        return self.client.prepare(version=VERSION).call(
            context, 'live_migration_rollback', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, status=status, message=message,
            host=host, event=event)
