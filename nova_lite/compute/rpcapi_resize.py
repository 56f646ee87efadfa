"""Client side of the compute's resize methods (RPC API 1.6), mixed into
``compute.rpcapi.ComputeAPI`` (server side:
``compute.lifecycle.resize.ResizeManager``). All casts: each step
records its outcome through the conductor.

Order of a resize: conductor → ``prep_resize`` (destination) →
``resize_instance`` (source) → ``finish_resize`` (destination). A
confirm: API → ``confirm_resize`` (source). A revert: API →
``revert_resize`` (destination) → ``finish_revert_resize`` (source).
"""
VERSION = '1.6'


class ResizeAPI:
    """Resize methods of ``ComputeAPI`` (uses its ``client``)."""

    def _resize_cast(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version=VERSION).cast(
            context, method, **kwargs)

    def prep_resize(self, context, host, instance_uuid, migration_uuid):
        """Cast to the destination: check it can take the new flavor,
        then ask the source to move the guest."""
        self._resize_cast(context, host, 'prep_resize',
                          instance_uuid=instance_uuid,
                          migration_uuid=migration_uuid)

    def resize_instance(self, context, host, instance_uuid,
                        migration_uuid):
        """Cast to the source: power off and hand the disk over."""
        self._resize_cast(context, host, 'resize_instance',
                          instance_uuid=instance_uuid,
                          migration_uuid=migration_uuid)

    def finish_resize(self, context, host, instance_uuid, migration_uuid,
                      disk_info):
        """Cast to the destination: make the guest of the new flavor
        from ``disk_info`` (the source driver's dict)."""
        self._resize_cast(context, host, 'finish_resize',
                          instance_uuid=instance_uuid,
                          migration_uuid=migration_uuid,
                          disk_info=disk_info)

    def confirm_resize(self, context, host, instance_uuid, migration_uuid):
        """Cast to the source: remove the old guest and confirm."""
        self._resize_cast(context, host, 'confirm_resize',
                          instance_uuid=instance_uuid,
                          migration_uuid=migration_uuid)

    def revert_resize(self, context, host, instance_uuid, migration_uuid):
        """Cast to the destination: remove the new guest, then hand over
        to the source."""
        self._resize_cast(context, host, 'revert_resize',
                          instance_uuid=instance_uuid,
                          migration_uuid=migration_uuid)

    def finish_revert_resize(self, context, host, instance_uuid,
                             migration_uuid, failed=None):
        """Cast to the source: restore the old guest; ``failed`` (a
        message) when the resize failed on the destination instead of
        being reverted."""
        self._resize_cast(context, host, 'finish_revert_resize',
                          instance_uuid=instance_uuid,
                          migration_uuid=migration_uuid, failed=failed)
