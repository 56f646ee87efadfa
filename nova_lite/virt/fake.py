"""A fake hypervisor that keeps guests in memory, with failure injection.

Variants: ``FailFirstSpawnDriver`` fails the first spawn on its host,
``FailAlwaysDriver`` fails every spawn and ``SlowSpawnDriver`` spawns in
``[fake] slow_spawn_delay`` seconds. Every driver records the peak number
of spawns that ran at once (``max_concurrent_spawns``) so tests can check
the build semaphore.
"""
import os
import tempfile
import threading
import time

from oslo_config import cfg

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.metadata import content
from nova_lite.network import firewall_driver
from nova_lite.network import nat_driver
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import configdrive
from nova_lite.virt import diagnostics
from nova_lite.virt import driver
from nova_lite.virt import fake_rescue
from nova_lite.virt import fake_console
from nova_lite.virt import fake_live_migration
from nova_lite.virt import fake_resize
from nova_lite.virt import fake_vm_snapshot

CONF = cfg.CONF


class FakeDriver(fake_console.FakeConsoleMixin, fake_resize.FakeResizeMixin,
                 fake_rescue.FakeRescueMixin,
                 fake_live_migration.FakeLiveMigrationMixin,
                 fake_vm_snapshot.FakeVMSnapshotMixin, driver.ComputeDriver):
    """In-memory guests; capacity from the ``[fake]`` options."""

    spawn_delay_opt = 'spawn_delay'

    def __init__(self, host):
        super().__init__(host)
        self._guests = {}
        self._lock = threading.Lock()
        self._spawning = 0
        self.max_concurrent_spawns = 0
        self.spawn_count = 0
        self._started = time.monotonic()
        # The image API client of snapshots (tests may set their own).
        self.image_api = None
        self.snapshot_count = 0
        # The security group rulesets the compute applied, in memory.
        self.firewall = firewall_driver.MemoryApplier()
        # The floating IP mappings the compute applied, in memory.
        self.nat = nat_driver.MemoryNat()
        # An exception the next attach_interface raises (failure
        # injection for the attach rollback).
        self.interface_attach_fault = None

    def firewall_applier(self):
        """The ``MemoryApplier`` of this driver (``firewall``), unless
        ``[network] enforce_security_groups`` is off."""
        if not CONF.network.enforce_security_groups:
            return None
        return self.firewall

    def nat_applier(self):
        """The ``MemoryNat`` of this driver (``nat``)."""
        return self.nat

    def _spawn_delay(self):
        return getattr(CONF.fake, self.spawn_delay_opt)

    def _check_spawn(self, instance):
        """Hook for failure injection; raise to make a spawn fail."""

    def spawn(self, context, instance, image_meta, network_info,
              guest_data=None, block_device_info=None):
        """Record a running guest; its config drive (when
        ``configdrive.required``) as the sorted list of its files under
        the guest's ``config_drive`` (else None), without making the
        ISO; the volumes of ``block_device_info`` (``compute.
        build_volumes``) as its ``volumes`` (``{dev: connection_info}``,
        ``vda`` the root volume of a server booted from one, named in
        ``root_volume``), each printed on its console as ``NOVA_LITE_DISK
        <dev> <export_name>`` (as a booting guest lists its disks)."""
        with self._lock:
            self._spawning += 1
            self.spawn_count += 1
            self.max_concurrent_spawns = max(self.max_concurrent_spawns,
                                             self._spawning)
        try:
            delay = self._spawn_delay()
            if delay:
                time.sleep(delay)
            self._check_spawn(instance)
            with self._lock:
                self._guests[instance.uuid] = {
                    'state': states.RUNNING,
                    'macs': [vif.mac for vif in
                             instance_obj.nics(network_info)],
                    'console': ['NOVA_LITE_GUEST_UP %s' % instance.hostname],
                    'started': time.monotonic(),
                    'config_drive': (sorted(content.config_drive_files(
                        guest_data)) if configdrive.required(guest_data)
                        else None),
                }
                self._guests[instance.uuid].update(
                    _spawn_volumes(block_device_info))
                self._guests[instance.uuid]['console'].extend(fake_resize.volume_lines(
                    self._guests[instance.uuid].get('volumes')))
        finally:
            with self._lock:
                self._spawning -= 1
        self.emit_event(driver.LifecycleEvent(instance.uuid,
                                              driver.EVENT_STARTED))

    def cache_image(self, context, image_id):
        """Record ``image_id`` in the host's (simulated) image cache;
        ``cached_images`` lists them."""
        with self._lock:
            cached = getattr(self, 'cached_images', None)
            if cached is None:
                cached = self.cached_images = set()
            if image_id in cached:
                return False
            cached.add(image_id)
            return True

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload a small text file naming the guest, its image and the
        snapshot as the image's data (a fake guest has no disk); a
        running guest is paused meanwhile, as the libvirt driver does.

        :raises: InstanceNotFound; the image API's errors
        """
        guest = self._guest(instance)
        was = guest['state']
        if was == states.RUNNING:
            guest['state'] = states.PAUSED
        fd, path = tempfile.mkstemp(prefix='nova-lite-fake-snapshot-')
        try:
            with os.fdopen(fd, 'w') as out:
                out.write('nova_lite fake snapshot %s of %s from image %s\n'
                          % (image_id, instance.uuid, instance.image_ref))
            guest['state'] = was
            update_task_state(states.IMAGE_UPLOADING,
                              states.IMAGE_PENDING_UPLOAD)
            if self.image_api is None:
                self.image_api = glance.API()
            self.image_api.upload(context, image_id, path)
        finally:
            guest['state'] = was
            os.unlink(path)
        with self._lock:
            self.snapshot_count += 1

    def destroy(self, context, instance, network_info):
        with self._lock:
            self._guests.pop(instance.uuid, None)
            self._resize_state().pop(instance.uuid, None)
            self._vm_snapshot_state().pop(instance.uuid, None)
        self.stop_consoles(instance.uuid)

    def _guest(self, instance):
        try:
            return self._guests[instance.uuid]
        except KeyError:
            raise exception.InstanceNotFound(
                instance_id=instance.uuid) from None

    def reboot(self, context, instance, network_info, reboot_type):
        guest = self._guest(instance)
        guest['state'] = states.RUNNING
        guest['started'] = time.monotonic()
        guest['console'].append('NOVA_LITE_GUEST_UP %s' % instance.hostname)

    def power_off(self, instance, timeout=0):
        guest = self._guest(instance)
        guest['state'] = states.SHUTDOWN
        guest.pop('saved', None)
        self.emit_event(driver.LifecycleEvent(instance.uuid,
                                              driver.EVENT_STOPPED))

    def power_on(self, context, instance, network_info):
        guest = self._guest(instance)
        if guest.pop('saved', False):
            guest['state'] = states.RUNNING
            return
        guest['state'] = states.RUNNING
        guest['started'] = time.monotonic()
        guest['console'].append('NOVA_LITE_GUEST_UP %s' % instance.hostname)

    def attach_interface(self, context, instance, vif):
        """The guest's NIC list (``macs``: diagnostics show it) gains
        ``vif.mac``; ``interface_attach_fault`` is raised instead when
        set (once).

        :raises: InstanceNotFound; the injected fault
        """
        guest = self._guest(instance)
        fault, self.interface_attach_fault = self.interface_attach_fault, None
        if fault is not None:
            raise fault
        with self._lock:
            if vif.mac not in guest['macs']:
                guest['macs'].append(vif.mac)

    def detach_interface(self, context, instance, vif):
        """The guest's NIC list loses ``vif.mac`` (idempotent).

        :raises: InstanceNotFound
        """
        guest = self._guest(instance)
        with self._lock:
            if vif.mac in guest['macs']:
                guest['macs'].remove(vif.mac)

    def attach_volume(self, context, instance, connection_info,
                      mountpoint=None):
        """The guest's ``volumes`` (``{dev: connection_info}``) gain the
        volume as ``mountpoint``'s device, else the first free ``vdX``
        after its own disks; its console prints ``NOVA_LITE_DISK <dev>
        <export_name>`` as the tiny guest reports a hot-plugged disk;
        ``volume_attach_fault`` is raised instead when set (once); it
        takes ``[fake] volume_attach_delay`` seconds.

        :returns: the device path (``/dev/vdc``)
        :raises: InstanceNotFound; VolumeAttachFailed (the device is
            taken); the injected fault
        """
        guest = self._guest(instance)
        fault = getattr(self, 'volume_attach_fault', None)
        self.volume_attach_fault = None
        if fault is not None:
            raise fault
        if CONF.fake.volume_attach_delay:
            time.sleep(CONF.fake.volume_attach_delay)
        data = connection_info.get('data') or {}
        with self._lock:
            volumes = guest.setdefault('volumes', {})
            used = set(self._disk_names(instance)) | set(volumes)
            dev = mountpoint.rsplit('/', 1)[-1] if mountpoint else next(
                'vd' + c for c in 'bcdefghijklmnopqrstuvwxyz'
                if 'vd' + c not in used)
            if dev in used:
                raise exception.VolumeAttachFailed(
                    volume_id=data.get('volume_id'),
                    instance_uuid=instance.uuid)
            volumes[dev] = connection_info
            guest['console'].append('NOVA_LITE_DISK %s %s' % (
                dev, data.get('export_name')))
        return '/dev/' + dev

    def detach_volume(self, context, instance, mountpoint):
        """The guest's ``volumes`` lose ``mountpoint``'s device
        (idempotent).

        :raises: InstanceNotFound
        """
        guest = self._guest(instance)
        with self._lock:
            guest.setdefault('volumes', {}).pop(
                mountpoint.rsplit('/', 1)[-1], None)

    def volume_devices(self, instance):
        """``{dev: export_name}`` of the guest's ``volumes``.

        :raises: InstanceNotFound
        """
        guest = self._guest(instance)
        with self._lock:
            return {dev: (info.get('data') or {}).get('export_name')
                    for dev, info in guest.get('volumes', {}).items()}

    def pause(self, instance):
        """A running guest becomes paused (a paused one stays so).

        :raises: InstanceNotFound; InstanceInvalidState when it is not
            running
        """
        guest = self._guest(instance)
        if guest['state'] == states.PAUSED:
            return
        self._check_running(instance, guest, 'pause')
        guest['state'] = states.PAUSED

    def unpause(self, instance):
        """A paused guest runs again, with no boot."""
        guest = self._guest(instance)
        if guest['state'] == states.PAUSED:
            guest['state'] = states.RUNNING

    def suspend(self, context, instance):
        """A running or paused guest is saved and shut down (``saved``
        marks it, as libvirt's managed save image); a shut-down guest
        is left as is."""
        guest = self._guest(instance)
        if guest['state'] in (states.RUNNING, states.PAUSED):
            guest['state'] = states.SHUTDOWN
            guest['saved'] = True
            self.emit_event(driver.LifecycleEvent(instance.uuid,
                                                  driver.EVENT_STOPPED))

    def resume(self, context, instance, network_info):
        """A saved guest runs again where it was (no boot: no console
        line); a shut-down guest without a save boots; a running one is
        left as is."""
        if self._guest(instance)['state'] != states.RUNNING:
            self.power_on(context, instance, network_info)

    @staticmethod
    def _check_running(instance, guest, action):
        if guest['state'] != states.RUNNING:
            raise exception.InstanceInvalidState(
                action=action, instance_uuid=instance.uuid,
                attr='power_state',
                state=states.POWER_STATE_NAMES.get(guest['state']))

    def config_drive_files(self, instance_uuid):
        """The sorted file list of a guest's config drive, or None when
        it has none.

        :raises: InstanceNotFound
        """
        with self._lock:
            guest = self._guests.get(instance_uuid)
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return guest['config_drive']

    def get_info(self, instance):
        return driver.InstanceInfo(state=self._guest(instance)['state'])

    def list_instances(self):
        with self._lock:
            return list(self._guests)

    def get_console_output(self, context, instance):
        return '\n'.join(self._guest(instance)['console']) + '\n'

    def _uptime(self, guest):
        """Whole seconds since the guest last started; 0 when stopped."""
        if guest['state'] != states.RUNNING:
            return 0
        return int(time.monotonic() - guest['started'])

    @staticmethod
    def _disk_names(instance):
        """The disks a real guest of the flavor would have: ``vda``
        (root) and ``vdb`` (ephemeral) when their size is not 0."""
        names = []
        if instance.root_gb:
            names.append('vda')
        if instance.obj_attr_is_set('ephemeral_gb') and instance.ephemeral_gb:
            names.append('vdb')
        return names

    def get_diagnostics(self, instance):
        """The legacy diagnostics of a fake guest, named as libvirt's
        (``cpu<N>_time``, ``vda_read``..., ``nic<N>_rx``..., ``memory``
        in KiB, ``uptime`` in seconds): a fake guest runs no code and
        does no I/O, so every counter is 0; ``memory`` is its flavor's.

        :raises: InstanceNotFound
        """
        guest = self._guest(instance)
        output = {'cpu%d_time' % n: 0 for n in range(instance.vcpus)}
        for name in self._disk_names(instance):
            output.update(('%s_%s' % (name, key), 0) for key in (
                'read_req', 'read', 'write_req', 'write', 'errors'))
        for n in range(len(guest['macs'])):
            output.update(('nic%d_%s' % (n, key), 0) for key in (
                'rx', 'rx_packets', 'rx_errors', 'rx_drop', 'tx',
                'tx_packets', 'tx_errors', 'tx_drop'))
        output['memory'] = instance.memory_mb * 1024
        output['uptime'] = self._uptime(guest)
        return output

    def get_instance_diagnostics(self, instance):
        """The standardized diagnostics of a fake guest: its power
        state, uptime since it last started, one CPU item per vCPU and
        one NIC per MAC with zero counters (it runs nothing and sends
        nothing), one disk per flavor disk with zero I/O, and its
        flavor's memory as both maximum and used (no balloon: the free
        memory inside the guest is unknown).

        :raises: InstanceNotFound
        """
        guest = self._guest(instance)
        zeros = dict.fromkeys(diagnostics.NIC_KEYS[1:], 0)
        return diagnostics.standard(
            guest['state'], 'fake', hypervisor='fake', hypervisor_os='fake',
            uptime=self._uptime(guest),
            config_drive=guest.get('config_drive') is not None,
            cpu_details=[diagnostics.cpu(id=n, time=0, utilisation=0)
                         for n in range(instance.vcpus)],
            nic_details=[diagnostics.nic(mac_address=mac, **zeros)
                         for mac in guest['macs']],
            disk_details=[diagnostics.disk(**dict.fromkeys(
                diagnostics.DISK_KEYS, 0))
                for _name in self._disk_names(instance)],
            memory_maximum=instance.memory_mb, memory_used=instance.memory_mb)

    def get_host_uptime(self):
        """The fake host's ``uptime`` line: up since this driver was
        made, no users, no load."""
        up = int(time.monotonic() - self._started)
        days, rest = divmod(up, 86400)
        hours, minutes = rest // 3600, rest % 3600 // 60
        since = ('%d days, ' % days if days else '') + (
            '%2d:%02d' % (hours, minutes) if hours else '%d min' % minutes)
        return ' %s up %s,  0 users,  load average: 0.00, 0.00, 0.00' % (
            time.strftime('%H:%M:%S'), since)

    def get_available_resource(self, nodename):
        return {'vcpus': CONF.fake.vcpus, 'memory_mb': CONF.fake.memory_mb,
                'local_gb': CONF.fake.local_gb, 'hypervisor_type': 'fake',
                'hypervisor_version': 1000, 'hypervisor_hostname': nodename}


class FailFirstSpawnDriver(FakeDriver):
    """Fails the first spawn on this host, then behaves like FakeDriver."""

    def _check_spawn(self, instance):
        with self._lock:
            first = self.spawn_count == 1
        if first:
            raise exception.InstanceDeployFailure(
                instance_uuid=instance.uuid,
                reason='injected failure of the first spawn on %s'
                % self.host)


class FailAlwaysDriver(FakeDriver):
    """Every spawn fails."""

    def _check_spawn(self, instance):
        raise exception.InstanceDeployFailure(
            instance_uuid=instance.uuid,
            reason='injected spawn failure on %s' % self.host)


class SlowSpawnDriver(FakeDriver):
    """Spawns take ``[fake] slow_spawn_delay`` seconds."""

    spawn_delay_opt = 'slow_spawn_delay'


def _spawn_volumes(block_device_info):
    """``volumes`` and ``root_volume`` of a guest spawned with
    ``block_device_info``; {} without volumes."""
    if not block_device_info:
        return {}
    volumes, root = {}, None
    for bdm in block_device_info.get('block_device_mapping') or ():
        dev = bdm['mount_device'].rsplit('/', 1)[-1]
        volumes[dev] = bdm['connection_info']
        if bdm.get('boot_index') == 0:
            root = bdm['volume_id']
    return {'volumes': volumes, 'root_volume': root}
