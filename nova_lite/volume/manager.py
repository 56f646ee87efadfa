"""Volume service (``nova-lite-volume``): the RPC endpoint of topic
``volume`` on one storage host.

It makes, grows and removes the storage of its volumes and snapshots
with its driver (``nova_lite.volume.driver``), opens and closes the
attachments' NBD exports (``nova_lite.volume.export``), sweeps its
volumes stuck in a transitional status (``nova_lite.volume.sweeper``)
and, at start, closes the exports whose attachment is gone.

Database access: the manager reads and writes the volume tables
through ``nova_lite.volume.store`` only, a thin module over
``nova_lite.db.volumes``/``volume_attachments``; so the writes can later
go through the conductor (as a compute's do) by swapping that module,
and a storage node that is not the controller then needs no database
credentials. Today the service holds them (doc/volumes.md).
"""
import threading

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite import service
from nova_lite.volume import driver as driver_mod
from nova_lite.volume import errors
from nova_lite.volume import export as export_mod
from nova_lite.volume import states
from nova_lite.volume import store
from nova_lite.volume import sweeper

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class VolumeManager(service.Manager):
    """RPC endpoint of the ``volume`` topic (version 1.4; history in
    ``nova_lite.volume.rpcapi``)."""

    target = messaging.Target(version='1.4')

    def __init__(self, host, driver=None, exporter=None):
        super().__init__(host)
        self.driver = driver or driver_mod.FileDriver()
        self.exporter = exporter or export_mod.NBDExporter()
        self._port_lock = threading.Lock()

    def init_host(self):
        """Close the exports whose attachment is gone; re-open those of
        live attachments whose qemu-nbd died with the host."""
        from nova_lite import context as nl_context
        sweeper.reconcile_exports(nl_context.get_admin_context(), self)

    def periodic_tasks(self):
        from nova_lite import context as nl_context
        return [(lambda: sweeper.sweep(nl_context.get_admin_context(),
                                       self.host, self.exporter),
                 CONF.volume.sweep_interval)]

    def create_volume(self, context, volume_id, image_id=None,
                      snapshot_id=None):
        """Make the storage of a ``creating`` volume (in its storage
        pool's directory when it has one); it becomes ``available``
        (``bootable`` when made from an image), or ``error`` on a driver
        failure."""
        volume = store.volume_get(context, volume_id)
        if volume['status'] != states.CREATING:
            LOG.info('Volume %s is %s, not creating: nothing to do',
                     volume_id, volume['status'])
            return
        try:
            if volume.get('pool_uuid'):
                volume = dict(volume, pool_path=store.pool_get(
                    context, volume['pool_uuid'])['path'])
            if snapshot_id:
                snap = store.snapshot_get(context, snapshot_id)
                made = self.driver.create_volume_from_snapshot(volume, snap)
            elif image_id:
                made = self.driver.create_volume_from_image(
                    context, volume, image_id)
            else:
                made = self.driver.create_volume(volume)
        except errors.VolumeError as exc:
            LOG.error('Creating volume %s failed: %s', volume_id,
                      exc.format_message())
            store.volume_update(context, volume_id,
                                {'status': states.ERROR}, states.CREATING)
            return
        store.volume_update(context, volume_id, dict(
            made, status=states.AVAILABLE, bootable=bool(image_id)
            or volume['bootable']), states.CREATING)
        LOG.info('Volume %s created (%d GiB)', volume_id, volume['size'])

    def delete_volume(self, context, volume_id):
        """Remove a ``deleting`` volume's storage, then its row (quota
        released); ``error_deleting`` on a driver failure."""
        volume = store.volume_get(context, volume_id)
        try:
            self.driver.delete_volume(volume)
        except errors.VolumeError as exc:
            LOG.error('Deleting volume %s failed: %s', volume_id,
                      exc.format_message())
            store.volume_update(context, volume_id,
                                {'status': states.ERROR_DELETING})
            return
        store.volume_destroy(context, volume_id)
        LOG.info('Volume %s deleted', volume_id)

    def extend_volume(self, context, volume_id, new_size):
        """Grow an ``extending`` volume; ``available`` at ``new_size``,
        or ``error`` (the claimed GiB given back)."""
        volume = store.volume_get(context, volume_id)
        try:
            self.driver.extend_volume(volume, new_size)
        except errors.VolumeError as exc:
            LOG.error('Extending volume %s failed: %s', volume_id,
                      exc.format_message())
            store.volume_extend_failed(context, volume_id, volume['size'],
                                       new_size)
            return
        store.volume_update(context, volume_id, {
            'status': states.AVAILABLE, 'size': new_size},
            states.EXTENDING)

    @messaging.expected_exceptions(errors.VolumeError)
    def reimage_volume(self, context, volume_id, image_id):
        """(1.4) Write image ``image_id`` over the volume (its size kept):
        every export of the volume is closed first (its attachments keep
        their rows; their holders open them again: a rebuilt guest's
        host through ``initialize_connection``), then the driver writes
        the image and the volume records it (``volume_image_metadata``,
        ``bootable``). An ``available`` or ``error`` volume (Block
        Storage API ``os-reimage``) is ``downloading`` meanwhile and
        ``available`` after (``error`` on a failure); an ``in-use`` or
        ``reserved`` one (a rebuild) keeps its status.

        :raises: DriverError (the volume keeps its old data; an
            ``os-reimage`` leaves it ``error``); InvalidVolume (no
            storage)
        """
        volume = store.volume_get(context, volume_id)
        if not volume.get('provider_location'):
            raise errors.InvalidVolume(reason='volume %s has no storage'
                                       % volume_id)
        for att in store.attachments_of_volume(context, volume_id):
            if self.exporter.pid(att['uuid']) or att.get('export_port'):
                self.terminate_connection(context, volume_id, att['uuid'])
        downloading = volume['status'] == states.DOWNLOADING
        try:
            made = self.driver.reimage_volume(context, volume, image_id)
        except errors.VolumeError as exc:
            LOG.error('Re-imaging volume %s with image %s failed: %s',
                      volume_id, image_id, exc.format_message())
            if downloading:
                store.volume_update(context, volume_id,
                                    {'status': states.ERROR},
                                    states.DOWNLOADING)
            raise
        values = dict(made, source_image_id=image_id, bootable=True)
        if downloading:
            values['status'] = states.AVAILABLE
        store.volume_update(context, volume_id, values)
        LOG.info('Volume %s re-imaged with image %s', volume_id, image_id)
        return True

    def create_snapshot(self, context, snapshot_id):
        """Copy the volume of a ``creating`` snapshot; ``available`` or
        ``error``."""
        snap = store.snapshot_get(context, snapshot_id)
        volume = store.volume_get(context, snap['volume_uuid'])
        try:
            made = self.driver.create_snapshot(snap, volume)
        except errors.VolumeError as exc:
            LOG.error('Snapshot %s failed: %s', snapshot_id,
                      exc.format_message())
            store.snapshot_update(context, snapshot_id,
                                  {'status': states.ERROR})
            return
        store.snapshot_update(context, snapshot_id, dict(
            made, status=states.AVAILABLE), [states.CREATING])

    def delete_snapshot(self, context, snapshot_id):
        """Remove a ``deleting`` snapshot and its row."""
        snap = store.snapshot_get(context, snapshot_id)
        try:
            self.driver.delete_snapshot(snap)
        except errors.VolumeError as exc:
            LOG.error('Deleting snapshot %s failed: %s', snapshot_id,
                      exc.format_message())
            store.snapshot_update(context, snapshot_id,
                                  {'status': states.ERROR_DELETING})
            return
        store.snapshot_destroy(context, snapshot_id)

    @messaging.expected_exceptions(errors.VolumeError)
    def initialize_connection(self, context, volume_id, attachment_id,
                              connector):
        """Open the attachment's export (closing an earlier one of the
        same attachment) for ``connector['ip']``; record its port and
        connection info on the attachment.

        :returns: the connection info (``nova_lite.volume.export``)
        :raises: Invalid (no connector ip), DriverError
        """
        volume = store.volume_get(context, volume_id)
        if not volume.get('provider_location'):
            raise errors.InvalidVolume(reason='volume %s has no storage'
                                       % volume_id)
        attachment = store.attachment_get(context, attachment_id)
        with self._port_lock:
            port = attachment.get('export_port') or self._free_port(context)
            info = self.exporter.open(
                volume, attachment_id, (connector or {}).get('ip'), port,
                read_only=attachment.get('attach_mode') == 'ro')
            store.attachment_update(context, attachment_id, {
                'export_port': port, 'connection_info': info,
                'connector': connector})
        LOG.info('Export of volume %s for attachment %s open on port %d '
                 'for %s', volume_id, attachment_id, port,
                 connector.get('ip'))
        return info

    def _free_port(self, context):
        used = {a['export_port'] for a in store.attachments_of_host(
            context, self.host) if a.get('export_port')}
        for port in range(CONF.volume.export_port_min,
                          CONF.volume.export_port_max + 1):
            if port not in used:
                return port
        raise errors.DriverError(reason='no free export port in %d-%d' % (
            CONF.volume.export_port_min, CONF.volume.export_port_max))

    @messaging.expected_exceptions(errors.VolumeError)
    def terminate_connection(self, context, volume_id, attachment_id):
        """Close the attachment's export and forget its port."""
        self.exporter.close(attachment_id)
        try:
            store.attachment_update(context, attachment_id,
                                    {'export_port': None})
        except errors.AttachmentNotFound:
            pass
        LOG.info('Export of volume %s for attachment %s closed',
                 volume_id, attachment_id)
        return True

    @messaging.expected_exceptions(errors.VolumeError)
    def ensure_export(self, context, volume_id, attachment_id):
        """The attachment's export: re-opened on its port for its
        connector when its qemu-nbd is gone, left alone when it runs (a
        guest may be reading it).

        :returns: the connection info
        :raises: AttachmentNotFound; Invalid (the attachment never had a
            connector); DriverError
        """
        attachment = store.attachment_get(context, attachment_id)
        if self.exporter.pid(attachment_id) and \
                attachment.get('connection_info'):
            return attachment['connection_info']
        if not (attachment.get('connector') or {}).get('ip'):
            raise errors.Invalid(reason='attachment %s has no connector'
                                 % attachment_id)
        LOG.warning('Export of attachment %s is gone: opening it again',
                    attachment_id)
        return self.initialize_connection(context, volume_id, attachment_id,
                                          attachment['connector'])

    @messaging.expected_exceptions(errors.VolumeError)
    def export_access(self, context, volume_id, attachment_id, connector,
                      peers=None):
        """(1.3) Let ``connector`` (``{"ip", "host"}``, recorded as the
        attachment's) and ``peers`` (connectors of the other side of a
        server's move) reach the attachment's export. A running export
        keeps its qemu-nbd, port and connection info (only its filter
        changes: a guest moving between hosts keeps its disk; a peer
        dropped is cut off); an export that does not run is opened
        (doc/volumes.md, "Moves").

        :returns: the connection info
        :raises: AttachmentNotFound; Invalid (no or bad connector ip);
            InvalidVolume (no storage); DriverError
        """
        if not (connector or {}).get('ip'):
            raise errors.Invalid(reason='connector with an "ip" is '
                                 'required')
        peer_ips = [p['ip'] for p in peers or () if p.get('ip')]
        attachment = store.attachment_get(context, attachment_id)
        if not (self.exporter.pid(attachment_id)
                and attachment.get('export_port')
                and attachment.get('connection_info')):
            return self._open(context, volume_id, attachment, connector,
                              peer_ips)
        self.exporter.allow(attachment_id, attachment['export_port'],
                            [connector['ip'], *peer_ips])
        store.attachment_update(context, attachment_id,
                                {'connector': connector})
        LOG.info('Export of attachment %s reachable from %s', attachment_id,
                 ', '.join([connector['ip'], *peer_ips]))
        return attachment['connection_info']

    def _open(self, context, volume_id, attachment, connector, peer_ips):
        volume = store.volume_get(context, volume_id)
        if not volume.get('provider_location'):
            raise errors.InvalidVolume(reason='volume %s has no storage'
                                       % volume_id)
        with self._port_lock:
            port = attachment.get('export_port') or self._free_port(context)
            info = self.exporter.open(
                volume, attachment['uuid'], connector['ip'], port,
                read_only=attachment.get('attach_mode') == 'ro',
                peer_ips=peer_ips)
            store.attachment_update(context, attachment['uuid'], {
                'export_port': port, 'connection_info': info,
                'connector': connector})
        LOG.info('Export of volume %s for attachment %s open on port %d '
                 'for %s', volume_id, attachment['uuid'], port,
                 ', '.join([connector['ip'], *peer_ips]))
        return info
