"""Server side of the conductor's volume attachment methods (RPC API
1.13, 1.16, 1.17 and 1.18, ``conductor.rpcapi_volume``): the compute's
record of what it did to a volume, and what a restarted compute reconciles its
guests with, over ``nova_lite.volume.server_volumes``; and of the boot
volume methods (1.15) over ``nova_lite.volume.boot_volumes``."""
from nova_lite.conductor import compute_proxy
from nova_lite.volume import boot_volumes
from nova_lite.volume import server_moves
from nova_lite.volume import server_volumes


class VolumeAttachEndpoint:
    """Mixed into ``ConductorManager``."""

    def volume_connect(self, context, attachment_id, connector):
        return server_volumes.connect(context, attachment_id, connector)

    def volume_attached(self, context, instance_uuid, attachment_id,
                        mountpoint, host, event):
        server_volumes.attached(context, attachment_id, mountpoint, host)
        compute_proxy.record_event(context, instance_uuid, host, event)

    def volume_attach_failed(self, context, instance_uuid, attachment_id,
                             host, event):
        server_volumes.release(context, attachment_id)
        compute_proxy.record_event(context, instance_uuid, host, event)

    def volume_detached(self, context, instance_uuid, attachment_id, host,
                        event):
        server_volumes.release(context, attachment_id)
        compute_proxy.record_event(context, instance_uuid, host, event)

    def volume_detach_failed(self, context, instance_uuid, attachment_id,
                             host, event):
        server_volumes.roll_detaching(context, attachment_id)
        compute_proxy.record_event(context, instance_uuid, host, event)

    def volume_attachments_of_instances(self, context, instance_uuids):
        return server_volumes.attachments_of_instances(context,
                                                       instance_uuids)

    def volume_export_ensure(self, context, attachment_id):
        return server_volumes.ensure_export(context, attachment_id)

    def boot_volumes_prepare(self, context, instance_uuid, host):
        return boot_volumes.prepare(context, instance_uuid, host)

    def boot_volumes_attached(self, context, instance_uuid, host,
                              attachments):
        for att in attachments:
            server_volumes.attached(context, att['attachment_id'],
                                    att.get('mountpoint'), host)

    def volume_connections(self, context, instance_uuid, connector=None,
                           peer=False, reopen=False):
        return server_moves.connections(context, instance_uuid, connector,
                                        peer=peer, reopen=reopen)

    def volume_disconnect(self, context, instance_uuid):
        return server_moves.disconnect(context, instance_uuid)

    def volume_reimage(self, context, instance_uuid, image_id):
        return server_moves.reimage_root(context, instance_uuid, image_id)
