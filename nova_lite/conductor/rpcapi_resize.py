"""Client side of the conductor's resize methods (RPC API 1.6), mixed
into ``conductor.rpcapi.ConductorAPI`` (server side:
``conductor.resize``).

The API casts ``resize_instance``; the computes read the migration and
write each step's outcome with calls (each is a conditional write that
answers whether it matched: a step whose instance moved on meanwhile
stops there). Migrations cross RPC as dicts (``conductor.resize.
migration_view``: no datetimes, flavors as dicts).
"""
VERSION = '1.6'


class ResizeAPI:
    """Resize methods of ``ConductorAPI`` (uses its ``client``)."""

    def _resize_call(self, context, method, **kwargs):
        return self.client.prepare(version=VERSION).call(context, method,
                                                         **kwargs)

    def resize_instance(self, context, instance_uuid, migration_uuid):
        """Cast: schedule and claim the destination of a resize the API
        recorded, then cast its first step to the destination compute."""
        self.client.prepare(version=VERSION).cast(
            context, 'resize_instance', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid)

    def migration_get(self, context, migration_uuid=None,
                      instance_uuid=None):
        """Call: the migration dict (or, without ``migration_uuid``, the
        open resize of ``instance_uuid``), or None when there is none."""
        return self._resize_call(context, 'migration_get',
                                 migration_uuid=migration_uuid,
                                 instance_uuid=instance_uuid)

    def resize_update(self, context, instance_uuid, migration_uuid, values,
                      migration_values, expected_task_state, host,
                      event=None):
        """Call: a resize step: instance ``values`` if its task_state is
        ``expected_task_state``, then ``migration_values`` and ``event``;
        True when it matched."""
        return self._resize_call(
            context, 'resize_update', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, values=values,
            migration_values=migration_values,
            expected_task_state=expected_task_state, host=host, event=event)

    def resize_finished(self, context, instance_uuid, migration_uuid, host,
                        node, power_state, event):
        """Call: the destination runs the new guest: new flavor, host
        ``host``/``node``, RESIZED, migration 'finished'; True when the
        instance was still finishing."""
        return self._resize_call(
            context, 'resize_finished', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, host=host, node=node,
            power_state=power_state, event=event)

    def resize_confirmed(self, context, instance_uuid, migration_uuid,
                         host, event):
        """Call: the source guest is gone: release the source claim, hand
        the destination claim to the instance, ACTIVE or STOPPED,
        migration 'confirmed'; True when it matched."""
        return self._resize_call(
            context, 'resize_confirmed', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, host=host, event=event)

    def resize_reverted(self, context, instance_uuid, migration_uuid,
                        power_state, host, event):
        """Call: the source guest runs again with the old flavor: release
        the destination claim, old flavor, source host, ACTIVE or STOPPED,
        migration 'reverted'; True when it matched."""
        return self._resize_call(
            context, 'resize_reverted', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, power_state=power_state,
            host=host, event=event)

    def resize_failed(self, context, instance_uuid, migration_uuid,
                      message, host, event, restored=True):
        """Call: a resize step failed (``conductor.resize.fail``): with
        ``restored`` the source guest is as before the resize, else the
        server goes to ERROR; True when it matched."""
        return self._resize_call(
            context, 'resize_failed', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, message=message, host=host,
            event=event, restored=restored)
