"""The ComputeDriver contract every hypervisor driver implements.

Drivers never touch the database: the compute manager passes them the
instance (``objects.Instance``), its image (``objects.ImageMeta``) and its
NICs (list of ``objects.VIF``), and records what they report.
"""
import abc
import collections
import importlib

from nova_lite import exception
from nova_lite.virt import live_migration

# A hypervisor's view of one guest: power_state is a
# ``nova_lite.compute.states`` power state integer.
InstanceInfo = collections.namedtuple('InstanceInfo', ['state'])

# A lifecycle event: transition is one of the EVENT_* constants.
LifecycleEvent = collections.namedtuple('LifecycleEvent',
                                        ['uuid', 'transition'])
EVENT_STARTED = 'started'
EVENT_STOPPED = 'stopped'
EVENT_CRASHED = 'crashed'

# Where a console proxy connects to a guest's console (VNC server or
# interactive serial port): ``path``, a Unix socket the proxy opens, or,
# when ``path`` is None, TCP ``host``:``port``. The compute returns it
# as a dict (``_asdict()``) over RPC; see doc/consoles.md.
ConsoleConnectInfo = collections.namedtuple('ConsoleConnectInfo',
                                            ['host', 'port', 'path'])


class ComputeDriver(live_migration.LiveMigrationDriver, abc.ABC):
    """A hypervisor driver.

    Contracts:

    * ``spawn`` either leaves a running guest or raises after removing
      everything it created (disks, domain, files).
    * ``destroy`` is idempotent: destroying a missing guest is not an error.
    * Methods are called under the compute's per-instance lock, so one
      instance never sees two calls at once; different instances may.
    """

    def __init__(self, host):
        self.host = host
        self._event_callback = None

    def init_host(self, host):
        """Prepare the hypervisor connection when the compute starts."""

    def cleanup_host(self, host):
        """Release the hypervisor connection when the compute stops."""

    def firewall_applier(self):
        """What applies the security group ruleset of this host's ports
        (an object with ``apply(script)``, see
        ``network.firewall_driver``), or None when the driver's guests
        are not filtered (the default)."""
        return None

    def nat_applier(self):
        """What applies the 1:1 NAT of this host's floating IPs (an
        object with ``apply([(floating, fixed)])``, see
        ``network.nat_driver``), or None when the driver's guests have
        none (the default)."""
        return None

    @abc.abstractmethod
    def spawn(self, context, instance, image_meta, network_info,
              guest_data=None, block_device_info=None):
        """Create and start the guest of ``instance``.

        :param image_meta: ``objects.ImageMeta`` of ``instance.image_ref``
        :param network_info: list of ``objects.VIF``
        :param guest_data: what the guest is told about itself (the dict
            of ``nova_lite.metadata.content``; secrets: never log it), or
            None; when ``virt.configdrive.required(guest_data)`` the guest
            gets a config drive made of it
        :param block_device_info: the guest's volumes (``compute.
            build_volumes``: ``root_device_name`` set when it boots from
            the first, which is then its only root disk), or None
        :raises: InstanceDeployFailure (or any exception) after cleaning up
        """

    def cache_image(self, context, image_id):
        """Download image ``image_id`` into the host's base image cache
        ahead of the builds that use it (compute API microversion 2.81).

        :returns: True when downloaded now, False when it was cached
        :raises: NotImplementedError when the driver keeps no cache;
            ImageNotFound
        """
        raise NotImplementedError()

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload a consistent copy of the guest's root disk as the data
        of the queued image ``image_id`` (through the image API's HTTP
        upload, as images are downloaded); the guest is left as it was
        (a running guest may be paused meanwhile).

        :param update_task_state: ``update_task_state(task_state,
            expected_state)``, called with ``image_uploading`` (expected
            ``image_pending_upload``) once the copy is made, before the
            upload
        :raises: NotImplementedError when the driver cannot; InstanceNotFound;
            any error of the copy or the upload (the caller deletes the
            image)
        """
        raise NotImplementedError()

    @abc.abstractmethod
    def destroy(self, context, instance, network_info):
        """Stop the guest and remove its domain and disks. Idempotent."""

    def destroy_evacuated(self, context, instance):
        """Remove this host's guest of ``instance``, evacuated to another
        host while this compute was down (doc/migrations-servers.md),
        leaving what the destination's guest uses: a hypervisor shared
        by several computes may hold the destination's guest. The
        database record is not touched. Idempotent. By default
        ``destroy`` (guests of one driver instance are its own)."""
        self.destroy(context, instance, [])

    @abc.abstractmethod
    def reboot(self, context, instance, network_info, reboot_type):
        """Reboot: ``reboot_type`` 'SOFT' (ACPI, falling back to hard) or
        'HARD' (power cycle)."""

    @abc.abstractmethod
    def power_off(self, instance, timeout=0):
        """Stop the guest; ``timeout`` seconds of clean shutdown first.
        A suspended guest's saved memory is dropped: its next start is
        a boot."""

    @abc.abstractmethod
    def power_on(self, context, instance, network_info):
        """Start a stopped guest."""

    def vm_snapshot_create(self, instance, snapshot_id, memory):
        """Take the VM snapshot ``snapshot_id`` of the guest, kept by the
        hypervisor (CloudStack createVMSnapshot): with ``memory`` of a
        running guest (it runs on), else of a stopped guest's disk.

        :raises: InstanceNotFound; InstanceInvalidState when the guest is
            not in the power state the kind needs; NotImplementedError
        """
        raise NotImplementedError()

    def vm_snapshot_revert(self, instance, snapshot_id, memory):
        """Bring the guest back to VM snapshot ``snapshot_id``: running
        from its memory when ``memory``, else a stopped guest with the
        snapshot's disk.

        :raises: InstanceNotFound; VMSnapshotNotFound; NotImplementedError
        """
        raise NotImplementedError()

    def vm_snapshot_delete(self, instance, snapshot_id):
        """Remove VM snapshot ``snapshot_id`` of the guest; a missing one
        (or a missing guest) is not an error.

        :raises: NotImplementedError
        """
        raise NotImplementedError()

    def attach_interface(self, context, instance, vif):
        """Hot-plug the NIC ``vif`` (objects.VIF) into the guest: live
        into a running guest and into its persistent definition (the
        next boot keeps it), into the definition only of a stopped one
        (compute API reference, "Create Interface").

        :raises: InstanceNotFound; InterfaceAttachFailed;
            NotImplementedError when the driver cannot
        """
        raise NotImplementedError()

    def detach_interface(self, context, instance, vif):
        """Unplug the NIC ``vif`` (objects.VIF) from the guest, live and
        from its definition as ``attach_interface``. A NIC the guest no
        longer has is not an error (idempotent).

        :raises: InstanceNotFound; InterfaceDetachFailed;
            NotImplementedError
        """
        raise NotImplementedError()

    def attach_volume(self, context, instance, connection_info,
                      mountpoint=None):
        """Hot-plug a volume (``connection_info``: ``{"driver_volume_type":
        "nbd", "data": {"host", "port", "export_name", "format"}}``, the
        volume service's export) as the guest's next free virtio disk
        (``mountpoint`` such as ``/dev/vdc`` when the caller chose one):
        live and persistent into a running guest, persistent only into a
        stopped one (compute API reference, "Attach a volume to an
        instance").

        :returns: the device path, e.g. ``/dev/vdb``
        :raises: InstanceNotFound; VolumeAttachFailed;
            NotImplementedError when the driver cannot
        """
        raise NotImplementedError()

    def detach_volume(self, context, instance, mountpoint):
        """Unplug the volume disk at ``mountpoint`` (``/dev/vdX``), live
        and from the definition; a disk the guest no longer has is not
        an error (idempotent).

        :raises: InstanceNotFound; VolumeDetachFailed; NotImplementedError
        """
        raise NotImplementedError()

    def volume_devices(self, instance):
        """The volume disks the guest has (live or in its definition):
        ``{dev: export_name}`` (``{"vdb": "attachment-<uuid>"}``), what a
        restarted compute compares with the database's attachments.

        :raises: InstanceNotFound; NotImplementedError
        """
        raise NotImplementedError()

    def pause(self, instance):
        """Freeze the running guest in memory (power_state paused); a
        paused guest is left as is.

        :raises: InstanceNotFound; NotImplementedError when the driver
            cannot pause
        """
        raise NotImplementedError()

    def unpause(self, instance):
        """Let a paused guest run on; a running one is left as is.

        :raises: InstanceNotFound; NotImplementedError
        """
        raise NotImplementedError()

    def suspend(self, context, instance):
        """Save the guest's memory to disk and stop it (power_state
        shutdown, as Nova reports a suspended guest); a guest already
        saved, or stopped, is left as is. ``resume`` brings it back
        where it was, with no boot.

        :raises: InstanceNotFound; NotImplementedError
        """
        raise NotImplementedError()

    def resume(self, context, instance, network_info):
        """Start a suspended guest from its saved memory (a stopped
        guest without any boots); a running one is left as is.

        :raises: InstanceNotFound; NotImplementedError
        """
        raise NotImplementedError()

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password, guest_data=None):
        """Boot the guest from a new rescue disk made from ``image_meta``
        (its first disk) with its own root disk attached second, so that
        its user can repair that disk; the original guest's definition
        is kept for ``unrescue``. A running guest is powered off first;
        the rescue guest is left running (doc/lifecycle-rescue.md).

        :param image_meta: ``objects.ImageMeta`` of the rescue image
        :param rescue_password: the rescue guest's admin password (goes
            to it through ``guest_data``; secret, never logged)
        :param guest_data: the rescue guest's config drive data (see
            ``spawn``), or None
        :raises: InstanceNotFound (no guest); NotImplementedError; any
            other error after putting the original guest back, powered
            off
        """
        raise NotImplementedError()

    def unrescue(self, context, instance, network_info, power_on=True):
        """Put the original guest back (the rescue guest and its disk
        removed), started when ``power_on``, else left powered off.
        Repeat-safe: a guest that is not rescued is only powered as
        asked.

        :raises: InstanceNotFound; NotImplementedError
        """
        raise NotImplementedError()

    @abc.abstractmethod
    def get_info(self, instance):
        """Return ``InstanceInfo``; raise InstanceNotFound if no guest."""

    @abc.abstractmethod
    def list_instances(self):
        """Return the uuids of the guests on this host."""

    @abc.abstractmethod
    def get_available_resource(self, nodename):
        """Return this node's totals.

        :returns: dict with ``vcpus`` (int), ``memory_mb`` (MiB),
            ``local_gb`` (GiB), ``hypervisor_type`` (str),
            ``hypervisor_version`` (int), ``hypervisor_hostname`` (str)
        """

    def get_console_output(self, context, instance):
        """Return the tail of the guest's serial console log (str)."""
        raise NotImplementedError()

    def get_vnc_console(self, context, instance):
        """Where the guest's VNC server (its screen) is reached.

        :returns: ``ConsoleConnectInfo``
        :raises: InstanceNotFound; ConsoleTypeUnavailable when VNC is
            disabled (``[vnc] enabled``) or the guest has none;
            ConsoleNotAvailable when the guest is not running;
            NotImplementedError when the driver has no consoles
        """
        raise NotImplementedError()

    def get_serial_console(self, context, instance):
        """Where the guest's interactive serial console is reached
        (raw bytes both ways).

        :returns: ``ConsoleConnectInfo``
        :raises: as ``get_vnc_console`` (``[serial_console] enabled``)
        """
        raise NotImplementedError()

    def get_host_uptime(self):
        """Return the host's ``uptime`` line (str), e.g. `` 08:32:11 up 93
        days, 18:25,  1 user,  load average: 0.20, 0.12, 0.14`` (the text
        of procps' ``uptime``, as the compute API's hypervisor uptime shows
        it).

        :raises: NotImplementedError when the driver has no host
        """
        raise NotImplementedError()

    def get_diagnostics(self, instance):
        """Return the legacy diagnostics of the guest (the compute API's
        server diagnostics before microversion 2.48): a flat dict of the
        hypervisor's own counters, named by the driver.

        :raises: InstanceNotFound; NotImplementedError when the driver
            has none
        """
        raise NotImplementedError()

    def get_instance_diagnostics(self, instance):
        """Return the standardized diagnostics of the guest (microversion
        2.48): the dict of ``nova_lite.virt.diagnostics.standard``.

        :raises: InstanceNotFound; NotImplementedError when the driver
            has none
        """
        raise NotImplementedError()

    # -- resize (nova_lite.compute.lifecycle.resize) ---------------------

    def migrate_disk_and_power_off(self, context, instance, dest_host,
                                   flavor, network_info):
        """Source side of a resize: power the guest off and set its
        files aside for ``dest_host`` (the guest stays restorable by
        ``finish_revert_migration`` until ``confirm_migration``).

        :param flavor: the new flavor (dict vcpus, memory_mb, root_gb,
            ephemeral_gb, ...)
        :returns: ``disk_info``, a JSON-safe dict for ``finish_migration``
        :raises: any exception after putting the guest back as it was
        """
        raise NotImplementedError()

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, power_on=True):
        """Destination side: the guest of ``instance`` (its new flavor)
        from ``disk_info``, disks grown to the flavor, started when
        ``power_on``.

        :raises: any exception after removing what it made here
        """
        raise NotImplementedError()

    def confirm_migration(self, context, migration, instance):
        """Source side of a confirm: remove the guest set aside by
        ``migrate_disk_and_power_off``. Idempotent; ``instance`` may be
        None (deleted meanwhile)."""
        raise NotImplementedError()

    def cleanup_migration_dest(self, context, instance, migration):
        """Destination side of a revert (or failure): remove the guest
        ``finish_migration`` made, never the source's files (same-host
        resizes). Idempotent."""
        raise NotImplementedError()

    def finish_revert_migration(self, context, instance, network_info,
                                migration, power_on=True):
        """Source side of a revert: the guest set aside again, with its
        old flavor (``instance``), started when ``power_on``. Idempotent:
        a guest that was never set aside is only powered as asked."""
        raise NotImplementedError()

    def get_available_nodes(self):
        """Names of the nodes this driver manages (one: the host)."""
        return [self.host]

    def register_event_listener(self, callback):
        """Deliver ``LifecycleEvent`` objects to ``callback(event)``."""
        self._event_callback = callback

    def emit_event(self, event):
        """Hand a lifecycle event to the registered listener, if any."""
        if self._event_callback is not None:
            self._event_callback(event)


_DRIVERS = {
    'fake': 'nova_lite.virt.fake.FakeDriver',
    'fake_fail_first': 'nova_lite.virt.fake.FailFirstSpawnDriver',
    'fake_fail_always': 'nova_lite.virt.fake.FailAlwaysDriver',
    'fake_slow': 'nova_lite.virt.fake.SlowSpawnDriver',
    'libvirt': 'nova_lite.virt.libvirt.driver.LibvirtDriver',
}


#: Python modules a driver imports that are not in nova_lite's base
#: requirements: {driver: (module, package, how to install it)}.
_OPTIONAL_MODULES = {
    'libvirt': ('libvirt', 'libvirt-python',
                "pip install -c upper-constraints.txt 'nova_lite[libvirt]' "
                "(builds against the host's libvirt: on Debian, apt-get "
                "install libvirt-dev pkg-config first)"),
}


def load_compute_driver(name, host):
    """Instantiate the driver called ``name`` (see ``[virt] driver``).

    :raises: VirtDriverDependencyMissing when the driver's optional Python
        package (e.g. libvirt-python for ``libvirt``) is not installed;
        VirtDriverNotFound for an unknown or broken driver
    """
    path = _DRIVERS.get(name, name)
    module_name, _, cls_name = path.rpartition('.')
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
    except ModuleNotFoundError as exc:
        optional = _OPTIONAL_MODULES.get(name)
        if optional and exc.name == optional[0]:
            raise exception.VirtDriverDependencyMissing(
                driver=name, module=optional[0], package=optional[1],
                hint=optional[2]) from exc
        raise exception.VirtDriverNotFound(name=name) from exc
    except (ImportError, AttributeError, ValueError) as exc:
        raise exception.VirtDriverNotFound(name=name) from exc
    return cls(host)
