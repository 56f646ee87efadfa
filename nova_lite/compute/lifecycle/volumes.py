"""The compute's volume hot-plug (RPC 1.16 ``attach_volume``,
``detach_volume``; doc/volumes.md, "Compute side"; compute API
reference, "Servers with volume attachments").

``VolumeMixin`` is mixed into ``nova_lite.compute.manager.
ComputeManager``. Both run under the per-instance lock, with
instance.volume_attach.start/.end (.error on a failure) or
instance.volume_detach.start/.end, and the action event
``compute_attach_volume`` / ``compute_detach_volume`` of the API's
``attach_volume`` / ``detach_volume`` action.

- attach (a call: the API answers once the guest has the disk): the
  API reserved the volume (an attachment); the compute asks the
  conductor to open the export for its connector (``{"ip": [volume]
  connector_ip, "host": host}``: the volume service's
  ``initialize_connection``), the driver plugs the NBD disk in, the
  conductor records it in-use. A failure closes the export and drops
  the attachment (the volume is available again) and raises
  VolumeAttachFailed.
- detach (a cast): the driver unplugs the disk, the conductor closes
  the export and drops the attachment; a driver failure puts the volume
  back in-use and records the event as an Error.
"""
from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite.compute import lifecycle
from nova_lite.compute import utils as compute_utils
from nova_lite import exception
from nova_lite import notifications

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
ATTACH_EVENT = 'compute_attach_volume'
DETACH_EVENT = 'compute_detach_volume'


class VolumeMixin:
    """``attach_volume`` and ``detach_volume`` of ``ComputeManager`` (it
    provides ``driver``, ``conductor``, ``host``, ``_instance`` and
    ``_event``)."""

    def _connector(self):
        return {'ip': CONF.volume.connector_ip, 'host': self.host}

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.VolumeAttachFailed,
                                   exception.NotSupportedByDriver)
    def attach_volume(self, context, instance_uuid, volume_id,
                      attachment_id, mountpoint=None):
        """RPC call (1.16): plug the reserved volume ``volume_id``
        (attachment ``attachment_id``) into the guest, as ``mountpoint``
        when given.

        :returns: the device path (``/dev/vdb``)
        :raises: InstanceNotFound; VolumeAttachFailed (nothing is left
            plugged, the volume is available again); NotSupportedByDriver
        """
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            instance = self._instance(context, instance_uuid)
            notifications.instance_action(
                context, instance, 'instance.volume_attach.start',
                self.host, volume_id=volume_id)
            try:
                info = self.conductor.volume_connect(
                    context, attachment_id, self._connector())
                info.setdefault('data', {}).setdefault('volume_id',
                                                       volume_id)
                device = self.driver.attach_volume(context, instance, info,
                                                   mountpoint)
            except Exception as exc:
                self._volume_attach_failed(context, instance, volume_id,
                                           attachment_id, exc, start)
                if isinstance(exc, NotImplementedError):
                    raise exception.NotSupportedByDriver(
                        operation='volume attach', host=self.host) from None
                raise exception.VolumeAttachFailed(
                    volume_id=volume_id, instance_uuid=instance_uuid) from exc
            self.conductor.volume_attached(
                context, instance_uuid, attachment_id, device, self.host,
                self._event(ATTACH_EVENT, start))
            notifications.instance_action(
                context, instance, 'instance.volume_attach.end', self.host,
                volume_id=volume_id)
        LOG.info('Volume %s attached to %s as %s', volume_id, instance_uuid,
                 device)
        return device

    def _volume_attach_failed(self, context, instance, volume_id,
                              attachment_id, exc, start):
        LOG.warning('Attaching volume %s to %s failed: %s', volume_id,
                    instance.uuid, exc)
        notifications.instance_action(
            context, instance, 'instance.volume_attach.error', self.host,
            volume_id=volume_id, fault=exc)
        self.conductor.volume_attach_failed(
            context, instance.uuid, attachment_id, self.host,
            self._event(ATTACH_EVENT, start, 'Error', str(exc)))

    def detach_volume(self, context, instance_uuid, volume_id,
                      attachment_id, mountpoint):
        """Cast target (1.16): unplug the disk ``mountpoint`` of volume
        ``volume_id`` and release its attachment; never raises (a
        failure is the action event's Error and a log line)."""
        start = compute_utils.utcnow()
        with lifecycle.instance_lock(instance_uuid):
            try:
                instance = self._instance(context, instance_uuid)
            except exception.InstanceNotFound:
                return
            notifications.instance_action(
                context, instance, 'instance.volume_detach.start',
                self.host, volume_id=volume_id)
            try:
                if mountpoint:
                    self.driver.detach_volume(context, instance, mountpoint)
            except Exception as exc:  # noqa: BLE001 - reported as event
                LOG.exception('Detaching volume %s from %s failed',
                              volume_id, instance_uuid)
                self.conductor.volume_detach_failed(
                    context, instance_uuid, attachment_id, self.host,
                    self._event(DETACH_EVENT, start, 'Error', str(exc)))
                return
            self.conductor.volume_detached(
                context, instance_uuid, attachment_id, self.host,
                self._event(DETACH_EVENT, start))
            notifications.instance_action(
                context, instance, 'instance.volume_detach.end', self.host,
                volume_id=volume_id)
        LOG.info('Volume %s detached from %s', volume_id, instance_uuid)
