"""Client side of the compute's shelve methods (RPC API 1.7), mixed
into ``compute.rpcapi.ComputeAPI`` (server side:
``compute.lifecycle.shelve``). All casts: the compute does each step
only while the instance has the step's task state, so a repeated or
late cast does nothing."""
VERSION = '1.7'


class ShelveAPI:
    """Shelve methods of ``ComputeAPI`` (uses its ``_prepare``)."""

    def shelve_instance(self, context, host, instance_uuid, image_id):
        """Cast: power the guest off and upload its root disk into the
        queued image ``image_id`` (task ``shelving`` → SHELVED), then
        offload it when ``[DEFAULT] shelved_offload_time`` is 0."""
        self._prepare(host, VERSION).cast(
            context, 'shelve_instance', instance_uuid=instance_uuid,
            image_id=image_id)

    def shelve_offload_instance(self, context, host, instance_uuid):
        """Cast: remove the guest of a SHELVED instance from ``host``
        (``shelving_offloading`` → SHELVED_OFFLOADED, claim released)."""
        self._prepare(host, VERSION).cast(
            context, 'shelve_offload_instance', instance_uuid=instance_uuid)

    def unshelve_instance(self, context, host, instance_uuid,
                          image_id=None):
        """Cast: a SHELVED instance's kept guest is powered on
        (``image_id`` None), or an offloaded instance placed on ``host``
        is spawned from its shelved image ``image_id``; then → ACTIVE and
        the shelved image is deleted."""
        self._prepare(host, VERSION).cast(
            context, 'unshelve_instance', instance_uuid=instance_uuid,
            image_id=image_id)
