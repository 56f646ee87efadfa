"""The libvirt compute driver: guests as libvirt domains.

``LibvirtDriver`` implements ``nova_lite.virt.driver.ComputeDriver`` by
delegating to the modules of this package, one per concern:

* ``host``: the shared connection, lifecycle events, host resources
* ``guest``: domain lookup and power operations
* ``disks`` (over ``imagebackend``): the instance directory, root disk
  and boot files
* ``console``: the serial console log
* ``config`` (with ``vif`` for NICs): the domain XML

A guest is the persistent domain named ``instance.name`` (the instance
name the compute API stored, ``[DEFAULT] instance_name_template``), whose
libvirt UUID is the instance's, plus the directory ``<[libvirt]
instances_path>/<uuid>/`` with its files (see ``disks``).
"""
import logging
import os

from oslo_utils import excutils
from oslo_utils import timeutils

from nova_lite.compute import states as task_states
import nova_lite.conf
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.network import firewall_driver
from nova_lite.network import nat_driver
from nova_lite.virt import configdrive
from nova_lite.virt import driver
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import console
from nova_lite.virt.libvirt import diagnostics
from nova_lite.virt.libvirt import disks
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import host as libvirt_host
from nova_lite.virt.libvirt import imagebackend
from nova_lite.virt.libvirt import live_migration as libvirt_live
from nova_lite.virt.libvirt import rescue as libvirt_rescue
from nova_lite.virt.libvirt import snapshot as libvirt_snapshot
from nova_lite.virt.libvirt import resize as libvirt_resize
from nova_lite.virt.libvirt import hotplug
from nova_lite.virt.libvirt import vif
from nova_lite.virt.libvirt import vm_snapshot as libvirt_vm_snapshot
from nova_lite.virt.libvirt import volume as libvirt_volume

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)


class LibvirtDriver(libvirt_live.LiveMigrationMixin,
                    libvirt_volume.LibvirtVolumeMixin, driver.ComputeDriver):
    """Guests as libvirt domains on ``[libvirt] connection_uri``."""

    def __init__(self, host):
        super().__init__(host)
        self.image_api = None   # set on first use, see _image_cache()
        self._host = libvirt_host.Host(host, self.emit_event)

    # -- connection and events -------------------------------------------

    def init_host(self, host):
        """Connect, and start delivering lifecycle events to the listener.

        :raises: HypervisorUnavailable when libvirt cannot be reached
        """
        for path in (CONF.libvirt.instances_path, CONF.libvirt.images_path):
            os.makedirs(path, exist_ok=True)
        self._host.start_events()
        self._host.get_connection()

    def cleanup_host(self, host):
        """Stop event delivery and close the connection."""
        self._host.cleanup()

    def firewall_applier(self):
        """nft in ``[network] guest_netns``, where the taps are (None
        without it, or with ``[network] enforce_security_groups`` off)."""
        if not (CONF.network.guest_netns
                and CONF.network.enforce_security_groups):
            return None
        return firewall_driver.NftApplier(CONF.network.guest_netns,
                                          CONF.network.bridge)

    def nat_applier(self):
        """nft and ip in ``[network] guest_netns`` with the floating
        addresses on ``[network] external_interface`` (None without
        either: no floating IP reaches this host's guests)."""
        if not (CONF.network.guest_netns
                and CONF.network.external_interface):
            return None
        return nat_driver.NatApplier(CONF.network.guest_netns,
                                     CONF.network.external_interface)

    # -- helpers -----------------------------------------------------------

    def _lookup(self, instance):
        """Return the domain of ``instance``.

        :raises: InstanceNotFound, HypervisorUnavailable
        """
        return libvirt_guest.lookup(self._host.get_connection(), instance,
                                    CONF.instance_name_template)

    def _instance_dir(self, instance):
        return disks.instance_dir(CONF.libvirt.instances_path, instance)

    def _image_cache(self):
        """The host's base image cache, filled over the image API's HTTP
        download (``image.glance``; tests may set ``image_api``)."""
        if self.image_api is None:
            self.image_api = glance.API()
        return imagebackend.ImageCache(CONF.libvirt.images_path,
                                       self.image_api)

    def cache_image(self, context, image_id):
        """Download ``image_id`` into the host's base image cache
        (``[libvirt] images_path``) unless it is there (2.81)."""
        cache = self._image_cache()
        cached = os.path.exists(cache.path(image_id))
        cache.fetch(context, image_id)
        return not cached

    def _remove_guest(self, instance):
        """Stop and undefine the domain, remove the instance directory.

        Missing pieces are skipped, so this is idempotent.
        """
        libvirt_guest.remove(self._host.get_connection(), instance,
                             CONF.instance_name_template)
        disks.remove_instance_dir(self._instance_dir(instance))

    # -- spawn and destroy -------------------------------------------------

    def spawn(self, context, instance, image_meta, network_info,
              guest_data=None, block_device_info=None):
        """Create the guest's files, define its domain and start it.

        The volumes of ``block_device_info`` (``compute.build_volumes``)
        are NBD network disks of the domain (``libvirt.volume``); with a
        root volume no local root disk is made: the guest boots from
        ``vda``, the volume (doc/volumes.md, "Boot from volume").

        Leftovers of an earlier attempt for the same instance on this host
        are removed first. On any failure everything is removed again.

        :raises: ImageNotFound (an image or its file is missing),
            ImageUnacceptable (see imagebackend), InstanceDeployFailure
            (libvirt or qemu-img failed), HypervisorUnavailable
        """
        self._remove_guest(instance)
        try:
            self._create_and_start(context, instance, image_meta,
                                   network_info, guest_data,
                                   block_device_info)
        except exception.NovaLiteException:
            with excutils.save_and_reraise_exception():
                self._cleanup_failed_spawn(instance)
        except Exception as exc:
            self._cleanup_failed_spawn(instance)
            raise exception.InstanceDeployFailure(
                instance_uuid=instance.uuid, reason=str(exc)) from exc
        LOG.info('Spawned %s as %s', instance.uuid, instance.name)

    def _create_and_start(self, context, instance, image_meta,
                          network_info, guest_data=None,
                          block_device_info=None):
        """The steps of spawn: files, config drive, domain definition,
        start."""
        volumes = (block_device_info or {}).get('block_device_mapping') or []
        root_volume = bool((block_device_info or {}).get(
            'root_device_name'))
        paths = disks.create_guest_files(
            context, instance, image_meta, self._instance_dir(instance),
            self._image_cache(), root_volume=root_volume)
        drive = self._config_drive(instance, guest_data)
        consoles = self._guest_consoles(instance)
        console.prepare_socket_dir(consoles, console.qemu_owner(
            self._host.get_connection().getCapabilities()))
        xml = vconfig.domain_xml(instance, image_meta, network_info, paths,
                                 virt_type=CONF.libvirt.virt_type,
                                 default_bridge=CONF.network.bridge,
                                 bridge_exists=vif.bridge_check(
                                     CONF.network.guest_netns),
                                 config_drive=drive,
                                 consoles=consoles,
                                 rng_dev_path=CONF.libvirt.rng_dev_path,
                                 volume_disks=libvirt_volume.spawn_disks(
                                     volumes),
                                 root_volume=root_volume)
        dom = libvirt_guest.define_and_start(self._host.get_connection(),
                                             xml)
        libvirt_guest.set_owner(dom, self.host)

    def _guest_consoles(self, instance):
        """The VNC server and serial socket of a new guest, from
        ``[vnc]`` and ``[serial_console]`` (doc/consoles.md)."""
        return console.guest_consoles(
            self._instance_dir(instance), CONF.vnc.enabled,
            CONF.vnc.server_listen, CONF.serial_console.enabled)

    def _config_drive(self, instance, guest_data):
        """Make the guest's config drive (``disk.config`` in its instance
        directory) when ``configdrive.required``; its path, or None.

        :raises: InstanceDeployFailure (genisoimage missing or failing)
        """
        if not configdrive.required(guest_data):
            return None
        path, files = configdrive.build(self._instance_dir(instance),
                                        guest_data)
        LOG.info('Config drive of %s: %d files', instance.uuid, len(files))
        return path

    def _cleanup_failed_spawn(self, instance):
        """Remove what a failed spawn made; log (not raise) errors so the
        spawn's own error reaches the caller."""
        LOG.warning('Spawn of %s failed; removing its domain and files',
                    instance.uuid)
        try:
            self._remove_guest(instance)
        except Exception:
            LOG.exception('Cleanup after failed spawn of %s failed',
                          instance.uuid)

    def destroy(self, context, instance, network_info):
        """Power off, undefine, and remove the instance directory.

        Idempotent: a missing domain or directory is skipped. The files
        a resize set aside on this host (``<uuid>_resize``) go too.
        """
        self._remove_guest(instance)
        disks.remove_instance_dir(libvirt_resize.resize_dir(
            self._instance_dir(instance)))
        LOG.info('Destroyed %s', instance.uuid)

    def destroy_evacuated(self, context, instance):
        """Remove the domain of ``instance`` unless another compute owns
        it (``guest.owner``: a libvirt daemon shared with the evacuation's
        destination), and this host's instance directory unless that
        domain's disks are in it (an ``instances_path`` shared too)."""
        conn = self._host.get_connection()
        inst_dir = self._instance_dir(instance)
        try:
            dom = self._lookup(instance)
        except exception.InstanceNotFound:
            dom = None
        if dom is not None and libvirt_guest.owner(dom) not in (
                None, self.host):
            if not libvirt_guest.uses_dir(dom, inst_dir):
                disks.remove_instance_dir(inst_dir)
            LOG.info('Left the guest of evacuated %s to %s', instance.uuid,
                     libvirt_guest.owner(dom))
            return
        libvirt_guest.remove(conn, instance, CONF.instance_name_template)
        disks.remove_instance_dir(inst_dir)
        LOG.info('Removed the guest of evacuated %s', instance.uuid)

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload a standalone qcow2 copy of the guest's root disk (made
        while a running guest is paused: ``libvirt.snapshot``) as the
        data of image ``image_id``; the copy is removed afterwards.

        :raises: InstanceNotFound, ProcessExecutionError (qemu-img), the
            image API's errors
        """
        dom = self._lookup(instance)
        inst_dir = self._instance_dir(instance)
        disk = os.path.join(inst_dir, disks.ROOT_DISK_NAME)
        copy = libvirt_snapshot.snapshot_path(inst_dir, image_id)
        try:
            libvirt_snapshot.copy_guest_disk(dom, disk, copy)
            update_task_state(task_states.IMAGE_UPLOADING,
                              task_states.IMAGE_PENDING_UPLOAD)
            if self.image_api is None:
                self.image_api = glance.API()
            self.image_api.upload(context, image_id, copy)
        finally:
            libvirt_snapshot.remove(copy)
        LOG.info('Snapshot of %s uploaded into image %s', instance.uuid,
                 image_id)

    # -- VM snapshots (see the ``vm_snapshot`` module) ---------------------

    def vm_snapshot_create(self, instance, snapshot_id, memory):
        """An internal snapshot of the guest's qcow2 root disk (with its
        memory when ``memory``).

        :raises: InstanceNotFound, InstanceInvalidState, libvirtError
        """
        libvirt_vm_snapshot.create(self._lookup(instance), snapshot_id,
                                   memory)

    def vm_snapshot_revert(self, instance, snapshot_id, memory):
        """Revert the guest to its internal snapshot ``snapshot_id``.

        :raises: InstanceNotFound, VMSnapshotNotFound, libvirtError
        """
        libvirt_vm_snapshot.revert(self._lookup(instance), snapshot_id,
                                   memory)

    def vm_snapshot_delete(self, instance, snapshot_id):
        """Remove the internal snapshot (a missing one, or guest, is
        fine).

        :raises: libvirtError
        """
        try:
            dom = self._lookup(instance)
        except exception.InstanceNotFound:
            return
        libvirt_vm_snapshot.delete(dom, snapshot_id)

    # -- guest operations --------------------------------------------------

    def reboot(self, context, instance, network_info, reboot_type):
        """'SOFT': ACPI shutdown, wait up to ``[libvirt]
        soft_reboot_timeout`` seconds, start again; a guest that does not
        stop in time (or 'HARD') is powered off and started.

        :raises: InstanceNotFound
        """
        done = libvirt_guest.reboot(self._lookup(instance), reboot_type,
                                    CONF.libvirt.soft_reboot_timeout)
        LOG.info('%s rebooted %s', done.capitalize(), instance.uuid)

    def power_off(self, instance, timeout=0):
        """Stop the guest: ACPI shutdown for up to ``timeout`` seconds
        when ``timeout`` > 0, then power off. A stopped guest is left as
        is.

        :raises: InstanceNotFound
        """
        libvirt_guest.power_off(self._lookup(instance), timeout)

    def power_on(self, context, instance, network_info):
        """Start a stopped guest; a running one is left as is.

        :raises: InstanceNotFound
        """
        libvirt_guest.power_on(self._lookup(instance))

    def attach_interface(self, context, instance, vif_obj):
        """Hot-plug the build's ``<interface>`` of ``vif_obj``
        (``hotplug.attach_interface``: live and persistent when running).

        :raises: InstanceNotFound, InterfaceAttachFailed
        """
        hotplug.attach_interface(
            self._lookup(instance), instance.uuid, hotplug.interface_xml(
                vif_obj, CONF.network.bridge,
                vif.bridge_check(CONF.network.guest_netns)))

    def detach_interface(self, context, instance, vif_obj):
        """Unplug the NIC of ``vif_obj.mac`` (``hotplug.detach_interface``,
        waiting ``[libvirt] device_detach_timeout`` seconds for a running
        guest).

        :raises: InstanceNotFound, InterfaceDetachFailed
        """
        hotplug.detach_interface(self._lookup(instance), instance.uuid,
                                 vif_obj.mac,
                                 CONF.libvirt.device_detach_timeout)

    def pause(self, instance):
        """Pause the guest (virDomainSuspend); see ``guest.pause``.

        :raises: InstanceNotFound, libvirtError
        """
        libvirt_guest.pause(self._lookup(instance))

    def unpause(self, instance):
        """Unpause the guest (virDomainResume).

        :raises: InstanceNotFound
        """
        libvirt_guest.unpause(self._lookup(instance))

    def suspend(self, context, instance):
        """Suspend the guest to its managed save image
        (virDomainManagedSave, under ``/var/lib/libvirt/qemu/save`` of
        the libvirt daemon); the domain is then shut off (power_state
        shutdown).

        :raises: InstanceNotFound, libvirtError
        """
        libvirt_guest.suspend(self._lookup(instance))
        LOG.info('Suspended %s', instance.uuid)

    def resume(self, context, instance, network_info):
        """Start the guest from its managed save image (no boot).

        :raises: InstanceNotFound, libvirtError
        """
        libvirt_guest.resume(self._lookup(instance))
        LOG.info('Resumed %s', instance.uuid)

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password, guest_data=None):
        """Boot the guest from ``disk.rescue`` (an overlay on the rescue
        image's base) with its own disk as ``vdb``; the original domain
        is saved to ``unrescue.xml`` and defined again (powered off) when
        the rescue fails (``libvirt.rescue``). ``rescue_password``
        reaches the guest in ``guest_data`` (its config drive).

        :raises: InstanceNotFound, ImageNotFound, ImageUnacceptable,
            ProcessExecutionError, InstanceDeployFailure, libvirtError
        """
        dom = self._lookup(instance)
        inst_dir = self._instance_dir(instance)

        def make_xml():
            paths, drive = libvirt_rescue.create_rescue_files(
                context, instance, image_meta, inst_dir, self._image_cache(),
                guest_data)
            return libvirt_rescue.rescue_xml(
                instance, image_meta, network_info, paths,
                libvirt_rescue.original_disk(inst_dir),
                virt_type=CONF.libvirt.virt_type,
                default_bridge=CONF.network.bridge,
                bridge_exists=vif.bridge_check(CONF.network.guest_netns),
                config_drive=drive,
                rng_dev_path=CONF.libvirt.rng_dev_path)
        libvirt_rescue.start_rescue(self._host.get_connection(), dom,
                                    inst_dir, make_xml)
        LOG.info('Rescued %s from image %s', instance.uuid, image_meta.id)

    def unrescue(self, context, instance, network_info, power_on=True):
        """Define the original domain again (``unrescue.xml``), remove
        the rescue files, start it when ``power_on`` (else power it off).

        :raises: InstanceNotFound, libvirtError
        """
        libvirt_rescue.unrescue(self._host.get_connection(),
                                lambda: self._lookup(instance),
                                self._instance_dir(instance), power_on)
        LOG.info('Unrescued %s', instance.uuid)

    def get_info(self, instance):
        """Return ``InstanceInfo(state=<power_state>)``.

        :raises: InstanceNotFound
        """
        return driver.InstanceInfo(
            state=libvirt_guest.power_state(self._lookup(instance)))

    def list_instances(self):
        """Return the uuids of our guests (running or not); other domains
        on the hypervisor are ignored."""
        return libvirt_guest.list_instance_uuids(
            self._host.get_connection(), CONF.instance_name_template)

    def get_console_output(self, context, instance):
        """Return the last ``console.CONSOLE_LOG_MAX_BYTES`` of
        console.log as text (undecodable bytes replaced); '' when no log
        was written.

        :raises: InstanceNotFound
        """
        self._lookup(instance)
        return console.read_tail(
            console.console_log_path(self._instance_dir(instance)))

    def _running_xml(self, instance):
        """The live XML of the guest, which must be running.

        :raises: InstanceNotFound, ConsoleNotAvailable
        """
        dom = self._lookup(instance)
        if libvirt_guest.power_state(dom) != task_states.RUNNING:
            raise exception.ConsoleNotAvailable()
        return dom.XMLDesc(0)

    def get_vnc_console(self, context, instance):
        """The guest's VNC server: its Unix socket, or ``[vnc]
        server_proxyclient_address`` and the port libvirt chose.

        :raises: InstanceNotFound, ConsoleNotAvailable (not running),
            ConsoleTypeUnavailable (VNC disabled or the guest has none)
        """
        if not CONF.vnc.enabled:
            raise exception.ConsoleTypeUnavailable(console_type='novnc')
        return console.vnc_connect_info(
            self._running_xml(instance),
            CONF.vnc.server_proxyclient_address)

    def get_serial_console(self, context, instance):
        """The Unix socket of the guest's serial port 0.

        :raises: InstanceNotFound, ConsoleNotAvailable,
            ConsoleTypeUnavailable (disabled, or the guest has none)
        """
        if not CONF.serial_console.enabled:
            raise exception.ConsoleTypeUnavailable(console_type='serial')
        return console.serial_connect_info(
            self._running_xml(instance))

    def get_diagnostics(self, instance):
        """Return the legacy diagnostics dict of the guest (names as
        Nova's libvirt driver: ``cpu0_time``, ``vda_read``, ``vnet0_rx``,
        ``memory``, ``memory-rss``, ...; see ``diagnostics.legacy``).

        :raises: InstanceNotFound
        """
        return diagnostics.legacy(self._lookup(instance))

    def get_instance_diagnostics(self, instance):
        """Return the standardized diagnostics of the guest; ``uptime``
        is the seconds since the instance's ``launched_at`` (None when it
        has none), as Nova's libvirt driver counts it.

        :raises: InstanceNotFound
        """
        launched_at = instance.launched_at if instance.obj_attr_is_set(
            'launched_at') else None
        uptime = None
        if launched_at is not None:
            now = timeutils.utcnow()
            uptime = max(0, int((now - timeutils.normalize_time(
                launched_at)).total_seconds()))
        return diagnostics.standard(self._lookup(instance), uptime=uptime)

    # -- resize (see the ``resize`` module) ---------------------------------

    def migrate_disk_and_power_off(self, context, instance, dest_host,
                                   flavor, network_info):
        """Shut down (ACPI for up to ``[libvirt] soft_reboot_timeout``
        s), set the files aside in ``<uuid>_resize``, undefine; the
        ``disk_info`` names that directory, the old root_gb and this host
        (where the destination fetches the files from)."""
        if flavor['root_gb'] < instance.root_gb:
            raise exception.ResizeError(instance_uuid=instance.uuid,
                                        reason='unable to resize disk down')
        source = libvirt_resize.set_aside(
            self._host.get_connection(), self._lookup(instance),
            self._instance_dir(instance), CONF.libvirt.soft_reboot_timeout)
        return {'source_dir': source, 'root_gb': instance.root_gb,
                'source_host': self.host}

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, power_on=True):
        """Copy, rebase, grow and define the guest of the new flavor."""
        libvirt_resize.make_dest(
            context, self._host.get_connection(), instance, disk_info,
            self._instance_dir(instance), self._image_cache(), power_on,
            transport=CONF.libvirt.remote_filesystem_transport)
        LOG.info('Resized %s to %d vCPUs, %d MiB, %d GiB', instance.uuid,
                 instance.vcpus, instance.memory_mb, instance.root_gb)

    def confirm_migration(self, context, migration, instance):
        """Remove ``<uuid>_resize`` (idempotent)."""
        disks.remove_instance_dir(libvirt_resize.resize_dir(os.path.join(
            CONF.libvirt.instances_path, migration['instance_uuid'])))

    def cleanup_migration_dest(self, context, instance, migration):
        """Remove the destination's domain and directory, unless they are
        the source's own (same host, nothing set aside)."""
        inst_dir = self._instance_dir(instance)
        if (migration['source_compute'] == self.host and not os.path.isdir(
                libvirt_resize.resize_dir(inst_dir))):
            return
        self._remove_guest(instance)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, power_on=True):
        """The guest set aside again (or, never set aside, powered as
        asked)."""
        conn = self._host.get_connection()
        if libvirt_resize.restore_source(
                conn, self._instance_dir(instance), power_on) is not None:
            return
        dom = self._lookup(instance)
        if power_on:
            libvirt_guest.power_on(dom)
        else:
            libvirt_guest.power_off(dom)

    # -- host --------------------------------------------------------------

    def get_host_uptime(self):
        """Return procps' ``uptime`` line of this host (LANG=C).

        :raises: oslo_concurrency.processutils.ProcessExecutionError
        """
        return libvirt_host.uptime()

    def get_available_resource(self, nodename):
        """Totals of this node (see ``ComputeDriver``): vcpus from
        libvirt, memory_mb (MiB) from /proc/meminfo, local_gb (GiB) of
        the file system of ``[libvirt] instances_path``.

        :raises: HypervisorUnavailable
        """
        return libvirt_host.available_resource(
            self._host.get_connection(), nodename,
            CONF.libvirt.instances_path)
