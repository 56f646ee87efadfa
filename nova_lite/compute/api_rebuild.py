"""The rebuild action of the compute API (compute API reference,
"Rebuild Server (rebuild Action)"): a new root disk from an image for an
existing server, which keeps its uuid, fixed IPs, flavor, claim and
(unless the request replaces it) metadata.

``RebuildActions`` is mixed into ``nova_lite.compute.api.API`` (it uses
``self.get``, ``self.images``, ``self.compute`` and the helpers of
``api_actions.ServerActions``). Everything is checked before anything
changes: a bad image is a 400, a locked server (for non-admins) or a
server in another state a 409. Then one conditional write (no task, an
allowed vm_state) sets task_state ``rebuilding`` with the request's
changes, an instance action ``rebuild`` is recorded and the rebuild is
cast to the server's compute (``compute.lifecycle.rebuild``).

Volumes (doc/volumes.md, "Moves"): the server's attached volumes stay
attached through the rebuild. A server booted from a volume is rebuilt
before 2.93 only with the image its root volume was made of (another
image is a 400, "Unable to rebuild with a different image for a
volume-backed server."); from 2.93 with any image that fits the root
volume, which the compute has the volume service re-image
(``compute.lifecycle.rebuild``), the same image too, as Nova does. Its
guest starts again from the same volume, its ``image_ref`` stays
empty.
"""
from oslo_log import log as logging

from nova_lite.compute import keypairs
from nova_lite.compute import states
from nova_lite.compute import update_events
from nova_lite.db import actions as action_db
from nova_lite.db import console_auth_tokens as console_token_db
from nova_lite.db import instance_metadata as metadata_db
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite import quota
from nova_lite.volume import api as volume_api

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3

#: vm_states a server may be rebuilt from: Nova's rebuild allows ACTIVE,
#: STOPPED and ERROR to every caller the policy allows (nova.compute.api
#: ``rebuild``'s ``check_instance_state``); a rebuilt ERROR server
#: becomes ACTIVE, a STOPPED one stays STOPPED.
REBUILD_VM_STATES = (states.ACTIVE, states.STOPPED, states.ERROR)

#: ``rebuild``'s default for a field the request leaves as it is.
UNCHANGED = object()


class RebuildActions:
    """The rebuild action (mixed into ``compute.api.API``)."""

    def rebuild(self, context, instance_uuid, image_ref, admin_pass=None,
                name=None, metadata=None, access_ips=None,
                preserve_ephemeral=False, key_name=UNCHANGED,
                user_data=UNCHANGED, hostname=None, description=UNCHANGED,
                reimage_boot_volume=False):
        """Rebuild a server from ``image_ref`` (an id or a URL ending in
        one).

        :param admin_pass: the password the guest gets at its next boot
            (stored as at create); None keeps the stored one
        :param metadata: replaces the server's metadata when not None
        :param access_ips: dict ``access_ip_v4``/``access_ip_v6`` to set
        :param key_name: a key pair of the user (2.54), None to unset it
        :param user_data: base64 text (2.57), None to unset it
        :param hostname: the guest's new host name (2.90; the schema
            checked it is one)
        :param description: the server description (2.19), None clears
        :param preserve_ephemeral: accepted; nova_lite's drivers keep no
            ephemeral disk apart from the root disk
        :param reimage_boot_volume: a server booted from a volume may be
            rebuilt with another image, written over its root volume
            (compute API 2.93; CloudStack's restoreVirtualMachine)
        :returns: the server's row after the change
        :raises: InstanceNotFound (404); Invalid (400: image unknown,
            not active, too big for the flavor, or not the root volume's
            of a volume-backed server); InstanceIsLocked,
            InstanceInvalidState (409); QuotaExceeded (403: metadata)
        """
        instance = self.get(context, instance_uuid)
        self._check_locked(context, instance)
        self._check_rebuild_state(instance)
        root = self.root_volume(context, instance_uuid)
        image = self._image_for_rebuild(context, image_ref, instance,
                                        volume_backed=root is not None)
        if root is not None and root.get('source_image_id') != image['uuid']:
            self._check_reimage(root, image, reimage_boot_volume)
        if metadata is not None:
            quota.check(context, 'metadata_items', len(metadata), used=0)
        values = self._rebuild_values(context, image, admin_pass, name,
                                      access_ips, key_name, user_data,
                                      hostname, description)
        if root is not None:
            values['image_ref'] = instance.image_ref
        try:
            instance_db.instance_update(
                context, instance_uuid, values, expected_task_state=None,
                expected_vm_state=REBUILD_VM_STATES)
        except exception.UnexpectedTaskStateError as exc:
            raise exception.InstanceInvalidState(
                action='rebuild', instance_uuid=instance_uuid,
                attr='task_state', state=instance.task_state) from exc
        if metadata is not None:
            metadata_db.instance_metadata_update(context, instance_uuid,
                                                 metadata, True)
        action_db.action_start(context, instance_uuid, 'rebuild')
        # The guest is made anew: its console tokens are revoked.
        console_token_db.revoke_for_instance(context, instance_uuid)
        after = self.get(context, instance_uuid)
        update_events.server_changed(context, instance, after)
        self.compute.rebuild_instance(
            context, instance.host, instance_uuid, image['uuid'],
            preserve_ephemeral,
            reimage_boot_volume=root is not None and reimage_boot_volume)
        LOG.info('Rebuilding %s from image %s', instance_uuid,
                 image['uuid'])
        return after

    @staticmethod
    def _check_reimage(root, image, allowed):
        """Another image for a volume-backed server: only with
        ``allowed`` (2.93), and only one that fits the root volume (its
        data and ``min_disk`` within the volume's GiB).

        :raises: Invalid (400; volume's Invalid for an image too large)
        """
        if not allowed:
            raise exception.Invalid(
                reason='Unable to rebuild with a different image for a '
                'volume-backed server.')
        volume_api.check_image_fits(root, image)

    @staticmethod
    def _check_rebuild_state(instance):
        """:raises: InstanceInvalidState (409) unless the server is on a
        host in a vm_state of REBUILD_VM_STATES with no task"""
        if instance.vm_state not in REBUILD_VM_STATES or \
                instance.host is None:
            raise exception.InstanceInvalidState(
                action='rebuild', instance_uuid=instance.uuid,
                attr='vm_state', state=instance.vm_state)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                action='rebuild', instance_uuid=instance.uuid,
                attr='task_state', state=instance.task_state)

    def _image_for_rebuild(self, context, image_ref, instance,
                           volume_backed=False):
        """The image dict of a rebuild, checked against the server's
        flavor as at create (``_image_for_create``), and its size (bytes
        of data) against the root disk as Nova's rebuild checks it (a
        volume-backed server's root disk is its volume: checked by
        ``_check_reimage``, not against the flavor).

        :raises: Invalid (400)
        """
        flavor = {'memory_mb': instance.memory_mb,
                  'root_gb': instance.root_gb}
        image = self._image_for_create(context, image_ref, flavor,
                                       check_disk=not volume_backed)
        size = image.get('size') or 0
        if not volume_backed and instance.root_gb and \
                size > instance.root_gb * GiB:
            raise exception.Invalid(
                reason='Flavor\'s disk is too small for requested image. '
                'Flavor disk is %d bytes, image is %d bytes.'
                % (instance.root_gb * GiB, size))
        return image

    @staticmethod
    def _rebuild_values(context, image, admin_pass, name, access_ips,
                        key_name, user_data, hostname, description):
        """The instance columns a rebuild sets with its task state.

        :raises: Invalid (400) for an unknown key pair
        """
        values = {'task_state': states.REBUILDING,
                  'image_ref': image['uuid']}
        values.update(access_ips or {})
        if admin_pass is not None:
            values['admin_pass'] = admin_pass
        if name is not None:
            values['display_name'] = name
        if hostname is not None:
            values['hostname'] = hostname
        if description is not UNCHANGED:
            values['display_description'] = description
        if key_name is not UNCHANGED:
            values['key_name'] = key_name
            values['key_data'] = (keypairs.public_key_for_server(
                context, key_name) if key_name else None)
        if user_data is not UNCHANGED:
            values['user_data'] = user_data
        return values
