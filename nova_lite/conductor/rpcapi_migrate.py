"""Client side of the conductor's server moves (RPC API 1.10), mixed
into ``conductor.rpcapi.ConductorAPI`` (server side:
``conductor.migrate`` for cold migrations, ``conductor.evacuate`` for
evacuations)."""
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

    def evacuate_server(self, context, instance_uuid, migration_uuid,
                        host=None, target_state=None):
        """Cast: claim the destination of an evacuation the API recorded
        (only ``host`` when given) and cast it ``evacuate_instance``
        (``target_state`` 'stopped' from microversion 2.95, else None)."""
        self.client.prepare(version=VERSION).cast(
            context, 'evacuate_server', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, host=host,
            target_state=target_state)

    def _move_call(self, context, method, **kwargs):
        return self.client.prepare(version=VERSION).call(context, method,
                                                         **kwargs)

    def evacuate_finished(self, context, instance_uuid, migration_uuid,
                          host, node, vm_state, power_state, event):
        """Call from the destination: the guest runs (or is off as asked):
        host, state, claims swapped, migration 'done'; True when the
        instance was still being evacuated."""
        return self._move_call(
            context, 'evacuate_finished', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, host=host, node=node,
            vm_state=vm_state, power_state=power_state, event=event)

    def evacuate_failed(self, context, instance_uuid, migration_uuid,
                        message, host, event):
        """Call from the destination: its rebuild failed: ERROR on the
        source with a fault, destination claim released, migration
        'failed'; True when it matched."""
        return self._move_call(
            context, 'evacuate_failed', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, message=message, host=host,
            event=event)

    def evacuations_to_clean(self, context, host):
        """Call from a starting compute: the evacuations away from
        ``host`` whose local guests it removes (migration dicts)."""
        return self._move_call(context, 'evacuations_to_clean', host=host)

    def evacuation_cleaned(self, context, migration_uuid):
        """Call: the source guest of a 'done' evacuation is removed
        ('completed'); True when it was 'done'."""
        return self._move_call(context, 'evacuation_cleaned',
                               migration_uuid=migration_uuid)
