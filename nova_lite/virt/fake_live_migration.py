"""Live migration of the fake driver (``FakeDriver`` mixes this in;
the contract is ``virt.live_migration``'s).

The destination records an incoming guest in ``pre_live_migration``;
the source's ``live_migration`` "copies" the guest in ``[fake]
live_migration_steps`` steps over ``[fake] live_migration_duration``
seconds, reporting progress (the flavor's memory, and its disk for a
block migration, in bytes) and honouring abort and force-complete
between steps; the guest's state travels in migrate_data
(``fake_guest``) to ``post_live_migration_at_destination``. Fake hosts
never share instance storage. ``fail_live_migration`` (a set of
'check_destination', 'check_source', 'pre', 'migrate', 'post_dest')
injects failures for tests.
"""
import time

from oslo_config import cfg

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF
MIB = 1024 * 1024
GIB = 1024 * MIB


class FakeLiveMigrationMixin:
    """Live migration over ``self._guests`` (see ``FakeDriver``)."""

    def _live_state(self):
        if not hasattr(self, 'incoming'):
            self.incoming = {}
            self.fail_live_migration = set()
        return self.incoming

    def _live_fail(self, step, instance, precheck=False):
        self._live_state()
        if step not in self.fail_live_migration:
            return
        reason = 'injected %s failure on %s' % (step, self.host)
        if precheck:
            raise exception.MigrationPreCheckError(reason=reason)
        raise exception.LiveMigrationFailed(instance_uuid=instance.uuid,
                                            reason=reason)

    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration, source_host):
        """Room for the guest's memory on this fake host; no shared
        storage."""
        self._live_fail('check_destination', instance, precheck=True)
        if instance.memory_mb > CONF.fake.memory_mb:
            raise exception.MigrationPreCheckError(
                reason='%s has %d MiB of memory, the server needs %d'
                % (self.host, CONF.fake.memory_mb, instance.memory_mb))
        return {'dest_host': self.host, 'dest_address': self.host,
                'block_migration': block_migration}

    def check_can_live_migrate_source(self, context, instance,
                                      migrate_data):
        """The guest must run or be paused here."""
        self._live_fail('check_source', instance, precheck=True)
        state = self._guest(instance)['state']
        if state not in (states.RUNNING, states.PAUSED):
            raise exception.MigrationPreCheckError(
                reason='the guest of %s is not running' % instance.uuid)
        return dict(migrate_data, is_shared_instance_path=False)

    def pre_live_migration(self, context, instance, network_info,
                           image_meta, migrate_data, guest_data=None):
        self._live_fail('pre', instance)
        with self._lock:
            self._live_state()[instance.uuid] = {
                'macs': [vif.mac for vif in
                         instance_obj.nics(network_info)]}
        return migrate_data

    def live_migration(self, context, instance, dest, migrate_data, job):
        """See the module doc; returns ``{'fake_guest': {...}}``."""
        steps = CONF.fake.live_migration_steps
        pause = CONF.fake.live_migration_duration / steps
        memory = instance.memory_mb * MIB
        disk = instance.root_gb * GIB if migrate_data.get(
            'block_migration') else 0
        for step in range(1, steps + 1):
            job.check_abort(instance.uuid)
            if job.force_requested.is_set():
                job.forced = True
                break
            if pause:
                time.sleep(pause)
            job.check_abort(instance.uuid)
            done = step / steps
            job.progress(memory_total=memory,
                         memory_processed=int(memory * done),
                         memory_remaining=memory - int(memory * done),
                         disk_total=disk, disk_processed=int(disk * done),
                         disk_remaining=disk - int(disk * done))
        self._live_fail('migrate', instance)
        guest = self._guest(instance)
        job.progress(memory_total=memory, memory_processed=memory,
                     memory_remaining=0, disk_total=disk,
                     disk_processed=disk, disk_remaining=0)
        return {'fake_guest': {key: value for key, value in guest.items()
                               if key != 'started'}}

    def post_live_migration(self, context, instance, network_info,
                            migrate_data):
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def post_live_migration_at_destination(self, context, instance,
                                           network_info, migrate_data):
        """The guest as it was on the source, running here."""
        self._live_fail('post_dest', instance)
        moved = dict(migrate_data.get('fake_guest') or {})
        with self._lock:
            self._live_state().pop(instance.uuid, None)
            self._guests[instance.uuid] = dict(
                moved, state=moved.get('state', states.RUNNING),
                started=time.monotonic(),
                macs=moved.get('macs') or [
                    v.mac for v in instance_obj.nics(network_info)],
                console=moved.get('console') or [])
        return self._guests[instance.uuid]['state']

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info, migrate_data):
        with self._lock:
            self._live_state().pop(instance.uuid, None)
