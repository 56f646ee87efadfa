"""Client side of the conductor's server moves (RPC API 1.10), mixed
into ``conductor.rpcapi.ConductorAPI`` (server side:
``conductor.migrate``)."""
VERSION = '1.10'


class MigrateAPI:
    """Move methods of ``ConductorAPI`` (uses its ``client``)."""

    def migrate_server(self, context, instance_uuid, migration_uuid,
                       host=None):
        """Call: claim the destination of a cold migration the API
        recorded (only ``host`` when given) and cast its first step.

        :returns: the destination host (str) or None
        :raises: NoValidHost
        """
        return self.client.prepare(version=VERSION).call(
            context, 'migrate_server', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, host=host)
