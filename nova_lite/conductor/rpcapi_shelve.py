"""Client side of the conductor's shelve methods (RPC API 1.7), mixed
into ``conductor.rpcapi.ConductorAPI`` (server side:
``conductor.shelve``).

The API casts ``unshelve_instance`` for an offloaded server; the
computes write each step's outcome with calls (conditional writes that
answer whether they matched) and ask for their SHELVED servers due for
offload.
"""
VERSION = '1.7'


class ShelveAPI:
    """Shelve methods of ``ConductorAPI`` (uses its ``client``)."""

    def _shelve_call(self, context, method, **kwargs):
        return self.client.prepare(version=VERSION).call(context, method,
                                                         **kwargs)

    def unshelve_instance(self, context, instance_uuid,
                          requested_host=None):
        """Cast: schedule an offloaded instance whose task is
        ``unshelving`` (claim a host, restricted to ``requested_host``
        when given) and cast its unshelve to that compute."""
        self.client.prepare(version=VERSION).cast(
            context, 'unshelve_instance', instance_uuid=instance_uuid,
            requested_host=requested_host)

    def instances_to_offload(self, context, host):
        """Call: uuids (list of str) of the SHELVED instances of
        ``host`` (no task) kept past ``[DEFAULT] shelved_offload_time``."""
        return self._shelve_call(context, 'instances_to_offload', host=host)

    def instance_shelved(self, context, instance_uuid, host, image_id,
                         power_state, event):
        """Call: shelving_image_uploading → SHELVED with the shelved
        image, time and host, then ``event``; True when it matched."""
        return self._shelve_call(
            context, 'instance_shelved', instance_uuid=instance_uuid,
            host=host, image_id=image_id, power_state=power_state,
            event=event)

    def instance_offloaded(self, context, instance_uuid, host,
                           expected_task_state, fault=None, event=None):
        """Call: the guest is gone from ``host``: SHELVED_OFFLOADED, no
        host, claim released, fixed IPs kept; ``fault`` (dict code,
        message) for a failed unshelve; True when the task was still
        ``expected_task_state`` (str or list of str)."""
        return self._shelve_call(
            context, 'instance_offloaded', instance_uuid=instance_uuid,
            host=host, expected_task_state=expected_task_state,
            fault=fault, event=event)
