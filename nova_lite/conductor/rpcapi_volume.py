"""Client side of the conductor's volume attachment methods (RPC API
1.13), boot volume methods (1.15) and what a restarted compute
reconciles its guests with (1.16), what its moves do to the
volumes' exports (1.17) and the re-image of a root volume (1.18), mixed
into
``conductor.rpcapi.ConductorAPI``; server side ``conductor.volume_proxy``
over ``nova_lite.volume.server_volumes`` and ``volume.boot_volumes``.
The compute has no database: these record what it did to a volume
(doc/volumes.md, "Compute side" and "Boot from volume"). All are
calls; a repeat is harmless.
"""
from oslo_config import cfg

VERSION = '1.13'
BOOT_VERSION = '1.15'
RECONCILE_VERSION = '1.16'
MOVES_VERSION = '1.17'
REIMAGE_VERSION = '1.18'


class VolumeAttachAPI:
    """Volume methods of ``ConductorAPI`` (uses its ``client``)."""

    def _volume_call(self, context, method, **kwargs):
        return self.client.prepare(version=VERSION).call(context, method,
                                                         **kwargs)

    def volume_connect(self, context, attachment_id, connector):
        """Open the attachment's export for ``connector`` (``{"ip",
        "host"}``, the compute's).

        :returns: the connection info (``{"driver_volume_type": "nbd",
            "data": {...}}``)
        :raises: RemoteError of AttachmentNotFound, InvalidVolume or the
            volume service's errors
        """
        return self._volume_call(context, 'volume_connect',
                                 attachment_id=attachment_id,
                                 connector=connector)

    def volume_attached(self, context, instance_uuid, attachment_id,
                        mountpoint, host, event):
        """The guest of ``host`` has the volume as ``mountpoint``: the
        volume is in-use; ``event`` recorded (as ``instance_update``
        takes it)."""
        return self._volume_call(context, 'volume_attached',
                                 instance_uuid=instance_uuid,
                                 attachment_id=attachment_id,
                                 mountpoint=mountpoint, host=host,
                                 event=event)

    def volume_attach_failed(self, context, instance_uuid, attachment_id,
                             host, event):
        """The attach failed: close the export, delete the attachment
        (the volume is available again), record ``event``."""
        return self._volume_call(context, 'volume_attach_failed',
                                 instance_uuid=instance_uuid,
                                 attachment_id=attachment_id, host=host,
                                 event=event)

    def volume_detached(self, context, instance_uuid, attachment_id, host,
                        event):
        """The guest of ``host`` no longer has the volume: close the
        export, delete the attachment, record ``event``."""
        return self._volume_call(context, 'volume_detached',
                                 instance_uuid=instance_uuid,
                                 attachment_id=attachment_id, host=host,
                                 event=event)

    def volume_detach_failed(self, context, instance_uuid, attachment_id,
                             host, event):
        """The unplug failed: the volume is in-use again; ``event``
        recorded."""
        return self._volume_call(context, 'volume_detach_failed',
                                 instance_uuid=instance_uuid,
                                 attachment_id=attachment_id, host=host,
                                 event=event)

    def _reconcile_call(self, context, method, **kwargs):
        return self.client.prepare(version=RECONCILE_VERSION).call(
            context, method, **kwargs)

    def volume_attachments_of_instances(self, context, instance_uuids):
        """Call (1.16): ``{instance_uuid: [attachment]}`` of the
        instances (``uuid``, ``volume_uuid``, ``instance_uuid``,
        ``attach_status``, ``mountpoint``, ``connection_info``,
        ``volume_status``)."""
        return self._reconcile_call(context,
                                    'volume_attachments_of_instances',
                                    instance_uuids=instance_uuids)

    def volume_export_ensure(self, context, attachment_id):
        """Call (1.16): the attachment's export, re-opened when its
        qemu-nbd is gone; the connection info.

        :raises: RemoteError of AttachmentNotFound or the volume
            service's errors (MessagingTimeout when it is down)
        """
        return self._reconcile_call(context, 'volume_export_ensure',
                                    attachment_id=attachment_id)

    # -- boot from volume (1.15) --------------------------------------

    def boot_volumes_prepare(self, context, instance_uuid, host):
        """One step of getting the volumes of the build of
        ``instance_uuid`` on ``host`` (``volume.boot_volumes.prepare``:
        create the missing ones, reserve the available ones).

        :returns: ``{"status": "ready" | "waiting" | "failed" | "gone",
            "reason", "mappings": [...]}`` in boot order
        """
        return self.client.prepare(version=BOOT_VERSION).call(
            context, 'boot_volumes_prepare', instance_uuid=instance_uuid,
            host=host)

    def boot_volumes_attached(self, context, instance_uuid, host,
                              attachments):
        """The guest built on ``host`` has its volumes: each attachment
        of ``attachments`` (``[{"attachment_id", "mountpoint"}]``) is
        ``attached``, its volume ``in-use``."""
        return self.client.prepare(version=BOOT_VERSION).call(
            context, 'boot_volumes_attached', instance_uuid=instance_uuid,
            host=host, attachments=attachments)

    # -- moves (1.17) --------------------------------------------------

    def volume_connections(self, context, instance_uuid, connector=None,
                           peer=False, reopen=False):
        """Call (1.17): who reaches the exports of the instance's volumes
        (``volume.server_moves.connections``: ``connector`` the new owner,
        None to keep the recorded one; ``peer`` to also allow the
        recorded owner; ``reopen`` to re-open the exports for
        ``connector`` only).

        :returns: ``[mapping]`` as ``block_device_info``'s
            ``block_device_mapping``
        :raises: RemoteError of the volume service's errors
        """
        return self.client.prepare(version=MOVES_VERSION).call(
            context, 'volume_connections', instance_uuid=instance_uuid,
            connector=connector, peer=peer, reopen=reopen)

    def volume_disconnect(self, context, instance_uuid):
        """Call (1.17): close the exports of the instance's volumes, the
        attachments kept host-less (shelve offload); how many closed."""
        return self.client.prepare(version=MOVES_VERSION).call(
            context, 'volume_disconnect', instance_uuid=instance_uuid)

    def volume_reimage(self, context, instance_uuid, image_id):
        """Call (1.18): write image ``image_id`` over the instance's root
        volume (``volume.server_moves.reimage_root``; a rebuild at 2.93),
        its exports closed: re-open them with ``volume_connections(...,
        reopen=True)``. Answers within ``[volume] image_fetch_timeout``
        + 60 seconds.

        :returns: the root volume's id
        :raises: RemoteError of the volume service's errors;
            MessagingTimeout
        """
        timeout = cfg.CONF.volume.image_fetch_timeout + 60
        return self.client.prepare(version=REIMAGE_VERSION,
                                   timeout=timeout).call(
            context, 'volume_reimage', instance_uuid=instance_uuid,
            image_id=image_id)
