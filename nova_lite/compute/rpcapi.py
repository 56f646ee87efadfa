"""Client side of the compute RPC API (topic ``compute``, server = host).

History:
    1.0 - build_and_run_instance, terminate_instance, reboot_instance,
          stop_instance, start_instance, get_console_output
    1.1 - get_host_uptime
    1.2 - get_instance_diagnostics
    1.3 - cache_images
    1.4 - pause_instance, unpause_instance, suspend_instance,
          resume_instance, soft_delete_instance, restore_instance
    1.5 - rebuild_instance, snapshot_instance (rebuild and snapshots,
          ``compute.lifecycle``)
    1.6 - prep_resize, resize_instance, finish_resize, confirm_resize,
          revert_resize, finish_revert_resize (``rpcapi_resize``)
    1.7 - shelve_instance, shelve_offload_instance, unshelve_instance
          (``rpcapi_shelve``)
    1.8 - rescue_instance, unrescue_instance (``compute.lifecycle.rescue``)
    1.9 - get_vnc_console, get_serial_console (remote consoles,
          doc/consoles.md)
    1.10 - vm_snapshot_create, vm_snapshot_revert, vm_snapshot_delete
           (CloudStack VM snapshots, ``compute.lifecycle.vm_snapshot``)
    1.11 - refresh_security_groups, security_group_members_changed
           (security group enforcement, doc/network-api.md)
    1.12 - set_floating_ips (the 1:1 NAT of floating IPs,
           doc/networking.md)
    1.13 - evacuate_instance (``compute.lifecycle.evacuate``,
           doc/migrations-servers.md)
    1.14 - attach_interface (call), detach_interface (cast): NIC
           hot-plug (``compute.lifecycle.interfaces``, doc/interfaces.md)
    1.15 - check_can_live_migrate_destination,
           check_can_live_migrate_source, live_migration,
           pre_live_migration, post_live_migration_at_destination,
           rollback_live_migration_at_destination, live_migration_abort,
           live_migration_force_complete (live migration,
           ``rpcapi_live_migrate``, doc/migrations-servers.md)
    1.16 - attach_volume (call), detach_volume (cast): volume hot-plug
           (``compute.lifecycle.volumes``, doc/volumes.md)
    1.17 - add_fixed_ip_to_instance, remove_fixed_ip_from_instance
           (casts): a NIC's changed fixed IPs applied
           (``compute.lifecycle.fixed_ips``, doc/interfaces.md)
    1.18 - rebuild_instance(reimage_boot_volume): the root volume of a
           volume-backed server re-imaged (compute API 2.93, CloudStack
           restoreVirtualMachine; doc/volumes.md)
"""
import oslo_messaging as messaging

from nova_lite.compute import rpcapi_live_migrate
from nova_lite.compute import rpcapi_resize
from nova_lite.compute import rpcapi_shelve
from nova_lite import rpc

TOPIC = 'compute'


class ComputeAPI(rpcapi_resize.ResizeAPI, rpcapi_shelve.ShelveAPI,
                 rpcapi_live_migrate.LiveMigrateAPI):
    VERSION = '1.18'

    def __init__(self):
        self.client = rpc.get_client(messaging.Target(topic=TOPIC,
                                                      version=self.VERSION))

    def _prepare(self, host, version='1.0', timeout=None):
        if timeout is not None:
            return self.client.prepare(server=host, version=version,
                                       timeout=timeout)
        return self.client.prepare(server=host, version=version)

    def build_and_run_instance(self, context, host, instance, request_spec,
                               alternates):
        """Cast: build ``instance`` on ``host``; ``alternates`` is the list
        of unclaimed Selections left for reschedules."""
        self._prepare(host).cast(context, 'build_and_run_instance',
                                 instance=instance, request_spec=request_spec,
                                 alternates=alternates)

    def terminate_instance(self, context, host, instance_uuid):
        """Cast: destroy the guest and delete the instance."""
        self._prepare(host).cast(context, 'terminate_instance',
                                 instance_uuid=instance_uuid)

    def reboot_instance(self, context, host, instance_uuid, reboot_type):
        self._prepare(host).cast(context, 'reboot_instance',
                                 instance_uuid=instance_uuid,
                                 reboot_type=reboot_type)

    def stop_instance(self, context, host, instance_uuid):
        self._prepare(host).cast(context, 'stop_instance',
                                 instance_uuid=instance_uuid)

    def start_instance(self, context, host, instance_uuid):
        self._prepare(host).cast(context, 'start_instance',
                                 instance_uuid=instance_uuid)

    def _cast_1_4(self, context, host, method, instance_uuid):
        self._prepare(host, '1.4').cast(context, method,
                                        instance_uuid=instance_uuid)

    def pause_instance(self, context, host, instance_uuid):
        """Cast: pause the guest (task_state pausing → PAUSED)."""
        self._cast_1_4(context, host, 'pause_instance', instance_uuid)

    def unpause_instance(self, context, host, instance_uuid):
        """Cast: unpause the guest (unpausing → ACTIVE)."""
        self._cast_1_4(context, host, 'unpause_instance', instance_uuid)

    def suspend_instance(self, context, host, instance_uuid):
        """Cast: suspend the guest to disk (suspending → SUSPENDED)."""
        self._cast_1_4(context, host, 'suspend_instance', instance_uuid)

    def resume_instance(self, context, host, instance_uuid):
        """Cast: resume a suspended guest (resuming → ACTIVE)."""
        self._cast_1_4(context, host, 'resume_instance', instance_uuid)

    def soft_delete_instance(self, context, host, instance_uuid):
        """Cast: power the guest off and keep it (soft-deleting →
        SOFT_DELETED)."""
        self._cast_1_4(context, host, 'soft_delete_instance', instance_uuid)

    def restore_instance(self, context, host, instance_uuid):
        """Cast: power a soft-deleted guest on (restoring → ACTIVE)."""
        self._cast_1_4(context, host, 'restore_instance', instance_uuid)

    def get_host_uptime(self, context, host):
        """Call: the ``uptime`` line of ``host``."""
        return self._prepare(host, '1.1').call(context, 'get_host_uptime')

    def get_instance_diagnostics(self, context, host, instance_uuid,
                                 standard=True, timeout=None):
        """Call: the diagnostics of the guest, standardized
        (``nova_lite.virt.diagnostics``) or, with ``standard`` false, the
        driver's legacy flat dict; ``timeout`` seconds (default: the
        transport's ``rpc_response_timeout``).

        :raises: InstanceInvalidState (its guest is not running),
            InstanceNotFound, NotSupportedByDriver
        """
        return self._prepare(host, '1.2', timeout).call(
            context, 'get_instance_diagnostics', instance_uuid=instance_uuid,
            standard=standard)

    def cache_images(self, context, host, image_ids):
        """Cast: download ``image_ids`` into ``host``'s image cache
        (compute API microversion 2.81)."""
        self._prepare(host, '1.3').cast(context, 'cache_images',
                                        image_ids=list(image_ids))

    def get_console_output(self, context, host, instance_uuid, tail_length):
        """Call: the last ``tail_length`` lines (all when None) of the
        guest's console."""
        return self._prepare(host).call(context, 'get_console_output',
                                        instance_uuid=instance_uuid,
                                        tail_length=tail_length)

    def rebuild_instance(self, context, host, instance_uuid, image_id,
                         preserve_ephemeral=False, reimage_boot_volume=False):
        """Cast (1.5; 1.18 with ``reimage_boot_volume``): rebuild the
        guest of ``instance_uuid`` from ``image_id`` (its task_state is
        ``rebuilding`` already); ``reimage_boot_volume``: write the image
        over the root volume of a volume-backed server."""
        kwargs = {'instance_uuid': instance_uuid, 'image_id': image_id,
                  'preserve_ephemeral': preserve_ephemeral}
        version = '1.5'
        if reimage_boot_volume:
            kwargs['reimage_boot_volume'] = True
            version = '1.18'
        self._prepare(host, version).cast(context, 'rebuild_instance',
                                          **kwargs)

    def snapshot_instance(self, context, host, instance_uuid, image_id,
                          backup=None):
        """Cast (1.5): upload a snapshot of the guest's root disk into the
        queued image ``image_id``; ``backup`` is None for createImage or
        ``{'backup_type': str, 'rotation': int}`` for createBackup."""
        self._prepare(host, '1.5').cast(
            context, 'snapshot_instance', instance_uuid=instance_uuid,
            image_id=image_id, backup=backup)

    def rescue_instance(self, context, host, instance_uuid, rescue_password,
                        rescue_image_ref=None):
        """Cast (1.8): boot the guest from the rescue image
        ``rescue_image_ref`` (None: the instance's own) with its root
        disk second, the rescue guest's password ``rescue_password``
        (task_state rescuing → RESCUED)."""
        self._prepare(host, '1.8').cast(
            context, 'rescue_instance', instance_uuid=instance_uuid,
            rescue_password=rescue_password,
            rescue_image_ref=rescue_image_ref)

    def unrescue_instance(self, context, host, instance_uuid):
        """Cast (1.8): boot the guest from its own disk again (unrescuing
        → ACTIVE)."""
        self._prepare(host, '1.8').cast(context, 'unrescue_instance',
                                        instance_uuid=instance_uuid)

    def evacuate_instance(self, context, host, instance_uuid,
                          migration_uuid, target_state=None):
        """Cast (1.13) to the destination of an evacuation (its claim is
        made): spawn the guest from the instance's image, powered off
        when ``target_state`` is 'stopped' or the server was STOPPED."""
        self._prepare(host, '1.13').cast(
            context, 'evacuate_instance', instance_uuid=instance_uuid,
            migration_uuid=migration_uuid, target_state=target_state)

    def _vm_snapshot_cast(self, context, host, method, **kwargs):
        self._prepare(host, '1.10').cast(context, method, **kwargs)

    def vm_snapshot_create(self, context, host, instance_uuid, snapshot_id,
                           memory):
        """Cast (1.10): take the VM snapshot ``snapshot_id`` of the guest,
        with its memory when ``memory`` (the instance's task_state is
        ``vm_snapshotting`` already)."""
        self._vm_snapshot_cast(context, host, 'vm_snapshot_create',
                               instance_uuid=instance_uuid,
                               snapshot_id=snapshot_id, memory=memory)

    def vm_snapshot_revert(self, context, host, instance_uuid, snapshot_id,
                           memory):
        """Cast (1.10): revert the guest to VM snapshot ``snapshot_id``
        (``memory``: a DiskAndMemory snapshot, the guest runs after)."""
        self._vm_snapshot_cast(context, host, 'vm_snapshot_revert',
                               instance_uuid=instance_uuid,
                               snapshot_id=snapshot_id, memory=memory)

    def vm_snapshot_delete(self, context, host, instance_uuid, snapshot_id):
        """Cast (1.10): remove VM snapshot ``snapshot_id`` of the guest."""
        self._vm_snapshot_cast(context, host, 'vm_snapshot_delete',
                               instance_uuid=instance_uuid,
                               snapshot_id=snapshot_id)

    def get_vnc_console(self, context, host, instance_uuid):
        """Call (1.9): ``{'host', 'port', 'path'}`` of the guest's VNC
        server (a Unix socket ``path``, or TCP ``host``:``port``).

        :raises: InstanceNotFound, ConsoleTypeUnavailable,
            ConsoleNotAvailable, NotSupportedByDriver
        """
        return self._prepare(host, '1.9').call(
            context, 'get_vnc_console', instance_uuid=instance_uuid)

    def get_serial_console(self, context, host, instance_uuid):
        """Call (1.9): as ``get_vnc_console``, of serial port 0."""
        return self._prepare(host, '1.9').call(
            context, 'get_serial_console', instance_uuid=instance_uuid)

    def refresh_security_groups(self, context, host, instance_uuids):
        """Cast (1.11): the security groups of the ports of
        ``instance_uuids`` on ``host`` changed (rules, members or the
        instance's groups); the compute asks the conductor for their
        current port specs and applies them."""
        self._prepare(host, '1.11').cast(
            context, 'refresh_security_groups',
            instance_uuids=list(instance_uuids))

    def security_group_members_changed(self, context, host, group_ids,
                                       instance_uuid, addresses):
        """Cast (1.11): the ports of ``instance_uuid``, a member of the
        groups ``group_ids`` (uuids), are now at ``addresses`` ([] when
        freed); ``host`` updates the rules naming those groups as remote
        group from what it holds."""
        self._prepare(host, '1.11').cast(
            context, 'security_group_members_changed',
            group_ids=list(group_ids), instance_uuid=instance_uuid,
            addresses=list(addresses))

    def set_floating_ips(self, context, host, instance_uuid, mappings):
        """Cast (1.12): the floating IPs of ``instance_uuid`` on ``host``
        are now ``mappings`` ([{"floating_ip_address",
        "fixed_ip_address"}], [] for none); the compute replaces the
        server's 1:1 NAT with them."""
        self._prepare(host, '1.12').cast(
            context, 'set_floating_ips', instance_uuid=instance_uuid,
            mappings=[dict(m) for m in mappings])

    def attach_interface(self, context, host, instance_uuid, port_id):
        """Call (1.14): plug the NIC of port ``port_id`` (already the
        server's in the database) into the guest on ``host``; answers
        once it is plugged (``[DEFAULT] rpc_response_timeout``).

        :raises: InstanceNotFound, PortNotAttached, InterfaceAttachFailed,
            NotSupportedByDriver
        """
        return self._prepare(host, '1.14').call(
            context, 'attach_interface', instance_uuid=instance_uuid,
            port_id=port_id)

    def detach_interface(self, context, host, instance_uuid, port_id):
        """Cast (1.14): unplug the NIC of port ``port_id`` from the guest
        on ``host``, then release the port (conductor
        ``interface_detached``)."""
        self._prepare(host, '1.14').cast(
            context, 'detach_interface', instance_uuid=instance_uuid,
            port_id=port_id)

    def attach_volume(self, context, host, instance_uuid, volume_id,
                      attachment_id, mountpoint=None):
        """Call (1.16): plug the reserved volume ``volume_id`` (attachment
        ``attachment_id``) into the guest on ``host`` (as ``mountpoint``
        when given); answers the device path once plugged.

        :raises: InstanceNotFound, VolumeAttachFailed,
            NotSupportedByDriver
        """
        return self._prepare(host, '1.16').call(
            context, 'attach_volume', instance_uuid=instance_uuid,
            volume_id=volume_id, attachment_id=attachment_id,
            mountpoint=mountpoint)

    def detach_volume(self, context, host, instance_uuid, volume_id,
                      attachment_id, mountpoint):
        """Cast (1.16): unplug the disk ``mountpoint`` of ``volume_id``
        from the guest on ``host``, then release the attachment
        (conductor ``volume_detached``)."""
        self._prepare(host, '1.16').cast(
            context, 'detach_volume', instance_uuid=instance_uuid,
            volume_id=volume_id, attachment_id=attachment_id,
            mountpoint=mountpoint)

    def add_fixed_ip_to_instance(self, context, host, instance_uuid,
                                 address):
        """Cast (1.17): the server's port on ``host`` has the new fixed
        IP ``address`` (already in the database): apply its DHCP entry
        and security group chains."""
        self._prepare(host, '1.17').cast(
            context, 'add_fixed_ip_to_instance',
            instance_uuid=instance_uuid, address=address)

    def remove_fixed_ip_from_instance(self, context, host, instance_uuid,
                                      address):
        """Cast (1.17): the server on ``host`` lost its fixed IP
        ``address`` (already freed in the database): apply as
        ``add_fixed_ip_to_instance``."""
        self._prepare(host, '1.17').cast(
            context, 'remove_fixed_ip_from_instance',
            instance_uuid=instance_uuid, address=address)
