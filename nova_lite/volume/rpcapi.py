"""Client side of the volume service's RPC API (topic ``volume``,
server = the volume service's host, the ``host`` of a volume).

History:
    1.0 - create_volume(volume_id, image_id, snapshot_id),
          delete_volume(volume_id), extend_volume(volume_id, new_size),
          create_snapshot(snapshot_id), delete_snapshot(snapshot_id)
          (casts); initialize_connection(volume_id, attachment_id,
          connector), terminate_connection(volume_id, attachment_id)
          (calls)
    1.1 - not used (reserved while boot from volume was built; it needed
          no volume service method)
    1.2 - ensure_export(volume_id, attachment_id) (call): re-open a live
          attachment's export when its qemu-nbd is gone (a compute
          restart reconciling its attachments; doc/volumes.md,
          "Sweeper and restarts")
    1.3 - export_access(volume_id, attachment_id, connector, peers)
          (call): who may reach a live attachment's export while its
          server moves between hosts (resize, migrations, live migration,
          unshelve; doc/volumes.md, "Moves"), its qemu-nbd kept
    1.4 - reimage_volume(volume_id, image_id) (call): write an image over
          a volume, its exports closed (Block Storage API 3.68
          ``os-reimage``; a volume-backed server's rebuild, compute API
          2.93)
"""
from oslo_config import cfg
import oslo_messaging as messaging

from nova_lite import rpc

CONF = cfg.CONF
TOPIC = 'volume'


class VolumeAPI:
    VERSION = '1.4'

    def __init__(self):
        self.client = rpc.get_client(messaging.Target(topic=TOPIC,
                                                      version=self.VERSION))

    def _prepare(self, host, version='1.0', **kwargs):
        return self.client.prepare(server=host, version=version, **kwargs)

    def create_volume(self, context, host, volume_id, image_id=None,
                      snapshot_id=None):
        """Cast: make the storage of a ``creating`` volume."""
        self._prepare(host).cast(context, 'create_volume',
                                 volume_id=volume_id, image_id=image_id,
                                 snapshot_id=snapshot_id)

    def delete_volume(self, context, host, volume_id):
        """Cast: remove a ``deleting`` volume's storage and its row."""
        self._prepare(host).cast(context, 'delete_volume',
                                 volume_id=volume_id)

    def extend_volume(self, context, host, volume_id, new_size):
        """Cast: grow an ``extending`` volume to ``new_size`` GiB."""
        self._prepare(host).cast(context, 'extend_volume',
                                 volume_id=volume_id, new_size=new_size)

    def create_snapshot(self, context, host, snapshot_id):
        """Cast: copy the volume of a ``creating`` snapshot."""
        self._prepare(host).cast(context, 'create_snapshot',
                                 snapshot_id=snapshot_id)

    def delete_snapshot(self, context, host, snapshot_id):
        """Cast: remove a ``deleting`` snapshot."""
        self._prepare(host).cast(context, 'delete_snapshot',
                                 snapshot_id=snapshot_id)

    def initialize_connection(self, context, host, volume_id, attachment_id,
                              connector):
        """Call: open the attachment's NBD export for ``connector``
        (``{"ip": str, "host": str, ...}``).

        :returns: the connection info (``nova_lite.volume.export``)
        :raises: MessagingTimeout; the manager's Invalid/DriverError
        """
        return self._prepare(host).call(
            context, 'initialize_connection', volume_id=volume_id,
            attachment_id=attachment_id, connector=connector)

    def terminate_connection(self, context, host, volume_id, attachment_id):
        """Call: close the attachment's export (a no-op when closed)."""
        return self._prepare(host).call(
            context, 'terminate_connection', volume_id=volume_id,
            attachment_id=attachment_id)

    def ensure_export(self, context, host, volume_id, attachment_id):
        """Call (1.2): the attachment's export, re-opened (same port and
        connector) when its qemu-nbd is gone.

        :returns: the connection info
        :raises: MessagingTimeout; the manager's AttachmentNotFound,
            Invalid (no connector) or DriverError
        """
        return self._prepare(host, '1.2').call(
            context, 'ensure_export', volume_id=volume_id,
            attachment_id=attachment_id)

    def export_access(self, context, host, volume_id, attachment_id,
                      connector, peers=None):
        """Call (1.3): let ``connector`` (recorded as the attachment's)
        and ``peers`` (``[connector]``) reach the attachment's export,
        its qemu-nbd kept when it runs, else opened.

        :returns: the connection info
        :raises: MessagingTimeout; the manager's AttachmentNotFound,
            Invalid or DriverError
        """
        return self._prepare(host, '1.3').call(
            context, 'export_access', volume_id=volume_id,
            attachment_id=attachment_id, connector=connector,
            peers=peers or [])

    def reimage_volume(self, context, host, volume_id, image_id):
        """Call (1.4): write image ``image_id`` over the volume (its
        exports closed first); answers once done, within ``[volume]
        image_fetch_timeout`` seconds.

        :raises: MessagingTimeout; the manager's DriverError,
            InvalidVolume
        """
        return self._prepare(
            host, '1.4', timeout=CONF.volume.image_fetch_timeout).call(
                context, 'reimage_volume', volume_id=volume_id,
                image_id=image_id)

    def reimage_volume_cast(self, context, host, volume_id, image_id):
        """Cast (1.4): ``reimage_volume`` of a ``downloading`` (or
        reserved) volume for the Block Storage API's ``os-reimage``."""
        self._prepare(host, '1.4').cast(context, 'reimage_volume',
                                        volume_id=volume_id,
                                        image_id=image_id)
