"""A fake hypervisor that keeps guests in memory, with failure injection.

Variants: ``FailFirstSpawnDriver`` fails the first spawn on its host,
``FailAlwaysDriver`` fails every spawn and ``SlowSpawnDriver`` spawns in
``[fake] slow_spawn_delay`` seconds. Every driver records the peak number
of spawns that ran at once (``max_concurrent_spawns``) so tests can check
the build semaphore.
"""
import threading
import time

from oslo_config import cfg

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.virt import driver

CONF = cfg.CONF


class FakeDriver(driver.ComputeDriver):
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

    def _spawn_delay(self):
        return getattr(CONF.fake, self.spawn_delay_opt)

    def _check_spawn(self, instance):
        """Hook for failure injection; raise to make a spawn fail."""

    def spawn(self, context, instance, image_meta, network_info):
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
                    'macs': [vif.mac for vif in network_info],
                    'console': ['NOVA_LITE_GUEST_UP %s' % instance.hostname],
                }
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

    def destroy(self, context, instance, network_info):
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def _guest(self, instance):
        try:
            return self._guests[instance.uuid]
        except KeyError:
            raise exception.InstanceNotFound(
                instance_id=instance.uuid) from None

    def reboot(self, context, instance, network_info, reboot_type):
        guest = self._guest(instance)
        guest['state'] = states.RUNNING
        guest['console'].append('NOVA_LITE_GUEST_UP %s' % instance.hostname)

    def power_off(self, instance, timeout=0):
        self._guest(instance)['state'] = states.SHUTDOWN
        self.emit_event(driver.LifecycleEvent(instance.uuid,
                                              driver.EVENT_STOPPED))

    def power_on(self, context, instance, network_info):
        guest = self._guest(instance)
        guest['state'] = states.RUNNING
        guest['console'].append('NOVA_LITE_GUEST_UP %s' % instance.hostname)

    def get_info(self, instance):
        return driver.InstanceInfo(state=self._guest(instance)['state'])

    def list_instances(self):
        with self._lock:
            return list(self._guests)

    def get_console_output(self, context, instance):
        return '\n'.join(self._guest(instance)['console']) + '\n'

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
