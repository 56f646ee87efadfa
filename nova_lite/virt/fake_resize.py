"""Resize steps of the fake driver (``FakeDriver`` mixes this in).

A fake guest set aside by ``migrate_disk_and_power_off`` leaves the
driver's guests (as a libvirt guest's domain is undefined) for
``resized_away`` until it is confirmed or brought back. ``disk_info``
carries what a disk would: its id (stable across resizes, as the tiny
guest's ``NOVA_LITE_DISK_ID``), size (GiB), boot count, NIC MACs, the
config drive listing and the guest's volume disks (``volumes``,
``root_volume``: as a libvirt guest's saved domain XML keeps its network
disks). ``fail_resize`` (a set of step names) injects
failures for tests.
"""
import time

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.virt import driver


def volume_lines(volumes):
    """Console lines ``NOVA_LITE_DISK <dev> <export_name>`` of a guest's
    ``volumes`` (``{dev: connection_info}``), by device."""
    return ['NOVA_LITE_DISK %s %s' % (dev, (info.get('data') or {}).get(
        'export_name')) for dev, info in sorted((volumes or {}).items())]


class FakeResizeMixin:
    """Resize steps over ``self._guests`` (see ``FakeDriver``)."""

    def _resize_state(self):
        if not hasattr(self, 'resized_away'):
            self.resized_away = {}
            self.fail_resize = set()
        return self.resized_away

    def _maybe_fail(self, step, instance):
        self._resize_state()
        if step in self.fail_resize:
            raise exception.ResizeError(
                instance_uuid=instance.uuid,
                reason='injected %s failure on %s' % (step, self.host))

    def migrate_disk_and_power_off(self, context, instance, dest_host,
                                   flavor, network_info):
        """Power off and set the guest aside; refuse a smaller disk."""
        away = self._resize_state()
        guest = self._guest(instance)
        if flavor['root_gb'] < instance.root_gb:
            raise exception.ResizeError(
                instance_uuid=instance.uuid,
                reason='unable to resize disk down')
        self._maybe_fail('migrate', instance)
        with self._lock:
            guest['state'] = states.SHUTDOWN
            away[instance.uuid] = self._guests.pop(instance.uuid)
        self.emit_event(driver.LifecycleEvent(instance.uuid,
                                              driver.EVENT_STOPPED))
        return {'source_host': self.host,
                'disk_id': guest.get('disk_id', instance.uuid),
                'root_gb': instance.root_gb,
                'boot_count': guest.get('boot_count', 1),
                'macs': guest['macs'],
                'config_drive': guest.get('config_drive'),
                'volumes': dict(guest.get('volumes') or {}),
                'root_volume': guest.get('root_volume')}

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, power_on=True):
        """The guest of the new flavor; its boot count goes up when it
        starts."""
        self._maybe_fail('finish', instance)
        boots = disk_info['boot_count'] + (1 if power_on else 0)
        with self._lock:
            self._guests[instance.uuid] = {
                'state': states.RUNNING if power_on else states.SHUTDOWN,
                'macs': list(disk_info['macs']),
                'console': ['NOVA_LITE_DISK_ID %s BOOT %d' % (
                    disk_info['disk_id'], boots)] + volume_lines(
                        disk_info.get('volumes')),
                'started': time.monotonic(),
                'config_drive': disk_info.get('config_drive'),
                'disk_id': disk_info['disk_id'], 'boot_count': boots,
                'vcpus': instance.vcpus, 'memory_mb': instance.memory_mb,
                'root_gb': max(instance.root_gb, disk_info['root_gb']),
                'volumes': dict(disk_info.get('volumes') or {}),
                'root_volume': disk_info.get('root_volume'),
            }

    def confirm_migration(self, context, migration, instance):
        uuid = migration['instance_uuid']
        with self._lock:
            self._resize_state().pop(uuid, None)

    def cleanup_migration_dest(self, context, instance, migration):
        """Remove the new guest unless it is the source's own (a
        same-host resize whose source was never set aside)."""
        with self._lock:
            set_aside = instance.uuid in self._resize_state()
            if set_aside or migration['source_compute'] != self.host:
                self._guests.pop(instance.uuid, None)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, power_on=True):
        self._maybe_fail('revert', instance)
        with self._lock:
            guest = self._resize_state().pop(instance.uuid, None)
            if guest is not None:
                self._guests[instance.uuid] = guest
        guest = self._guest(instance)
        if power_on and guest['state'] != states.RUNNING:
            guest['boot_count'] = guest.get('boot_count', 1) + 1
            guest['started'] = time.monotonic()
        guest['state'] = states.RUNNING if power_on else states.SHUTDOWN
