"""The compute's side of a server's volumes through its moves (resize,
cold migration, live migration, evacuate, shelve offload, unshelve,
rebuild; doc/volumes.md, "Moves"), mixed into ``ComputeManager``.

The guest keeps each volume's network disk through a move (the export's
address, port and name do not change); what the steps change, through
the conductor (RPC 1.17, ``volume.server_moves``), is which hosts may
reach each export:

- ``_volumes_here(peer=True)``: this host becomes the owner, the old one
  stays allowed (finish_resize, pre_live_migration);
- ``_volumes_settled()``: the recorded owner only (confirm_resize, a
  live migration done);
- ``_volumes_back()``: this host only (a revert or a rollback: the
  other host is cut off);
- ``_volumes_reopened()``: the exports opened again for this host only
  (evacuate, unshelve; what a dead host still had open is cut);
- ``_volumes_disconnect()``: the exports closed, the attachments kept
  without a host (shelve offload).

Each returns the ``block_device_info`` (``compute.build_volumes``) of
the instance's volumes, or None when it has none.
"""
from oslo_log import log as logging

from nova_lite.compute import block_device
from nova_lite import exception
from nova_lite.objects import instance as instance_obj

LOG = logging.getLogger(__name__)


def block_device_info(mappings):
    """``block_device_info`` of the conductor's ``volume_connections``
    answer; None for no volumes."""
    if not mappings:
        return None
    root = next((m for m in mappings if m.get('boot_index') == 0), None)
    return {'root_device_name': block_device.ROOT_DEVICE if root else None,
            'block_device_mapping': list(mappings),
            'image_id': root.get('image_id') if root else None}


class VolumeMovesMixin:
    """Uses ``conductor``, ``_connector`` (``VolumeMixin``) and
    ``_rebuild_image_api`` (``RebuildMixin``)."""

    def _volumes_here(self, context, instance_uuid, peer=True):
        """This host owns the exports (``peer``: the old owner stays
        allowed until the move ends).

        :raises: the volume service's errors (the step fails)
        """
        return block_device_info(self.conductor.volume_connections(
            context, instance_uuid, self._connector(), peer=peer))

    def _volumes_reopened(self, context, instance_uuid):
        """The exports re-opened for this host only.

        :raises: the volume service's errors
        """
        return block_device_info(self.conductor.volume_connections(
            context, instance_uuid, self._connector(), reopen=True))

    def _volumes_settled(self, context, instance_uuid):
        """The move is over: the recorded owner only (best effort: a
        failure is logged; the owner's restart reconciles it)."""
        try:
            self.conductor.volume_connections(context, instance_uuid)
        except Exception:  # noqa: BLE001 - logged; the guest is fine
            LOG.exception('Export access of the volumes of %s not '
                          'narrowed to their new host', instance_uuid)

    def _volumes_back(self, context, instance_uuid):
        """A revert or rollback: this host only (best effort, logged)."""
        try:
            return self._volumes_here(context, instance_uuid, peer=False)
        except Exception:  # noqa: BLE001 - logged; reconciled at start
            LOG.exception('Export access of the volumes of %s not given '
                          'back to %s', instance_uuid, self.host)
            return None

    def _volumes_disconnect(self, context, instance_uuid):
        """Shelve offload: the exports closed (best effort, logged)."""
        try:
            closed = self.conductor.volume_disconnect(context,
                                                      instance_uuid)
        except Exception:  # noqa: BLE001 - the volume sweeper can't, log
            LOG.exception('Exports of the volumes of %s not closed',
                          instance_uuid)
            return
        if closed:
            LOG.info('Closed %d volume exports of offloaded %s', closed,
                     instance_uuid)

    def _volumes_image(self, context, image_id, volumes):
        """The image a guest starts with: ``image_id``'s; without one
        (a server booted from a volume) the root volume's image, else an
        empty one (the volume boots by itself), as a build does.

        :raises: ImageNotFound (``image_id`` is gone)
        """
        if image_id:
            return self._rebuild_image_api().get(context, image_id)
        root_image = (volumes or {}).get('image_id')
        if root_image:
            try:
                return self._rebuild_image_api().get(context, root_image)
            except exception.ImageNotFound:
                LOG.info('Image %s of a root volume is gone', root_image)
        return instance_obj.ImageMeta(id='', properties={})

    def _spawn_with_volumes(self, context, instance, image_meta,
                            network_info, guest_data, volumes):
        """``driver.spawn`` with ``block_device_info=volumes`` when the
        server has volumes (drivers without volume support keep their
        old signature otherwise)."""
        if volumes is None:
            self.driver.spawn(context, instance, image_meta, network_info,
                              guest_data=guest_data)
        else:
            self.driver.spawn(context, instance, image_meta, network_info,
                              guest_data=guest_data,
                              block_device_info=volumes)
