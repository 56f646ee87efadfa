"""Live migration through the compute API, the conductor's task
(``conductor.live_migrate``), the scheduler and three compute managers
with fake drivers (``resize_harness``), RPC replaced by direct calls
(the calls) and a queue (the casts); the source's job runs when the
test lets it (``Deferred``), so that aborts can land while it is queued
(doc/migrations-servers.md)."""
from nova_lite.api import microversion
from nova_lite.compute.lifecycle import live_migration as lifecycle_live
from nova_lite.compute import recovery
from nova_lite.compute import rpcapi_live_migrate as compute_live_rpc
from nova_lite.compute import states
from nova_lite.conductor import live_migrate
from nova_lite.conductor import rpcapi_live_migrate as conductor_live_rpc
from nova_lite.db import migrations_records as migration_db
from nova_lite import exception
from nova_lite.network import nat
from nova_lite.virt import live_migration as virt_live
from tests.unit.api import fakes
from tests.unit.compute import resize_harness
from tests.unit.compute import test_evacuate

import fixtures
from oslo_messaging.rpc import dispatcher as rpc_dispatcher
import testtools

_CONDUCTOR = ('live_migration_update', 'live_migration_finished',
              'live_migration_rollback')
_COMPUTE_CALLS = ('check_can_live_migrate_destination',
                  'check_can_live_migrate_source', 'pre_live_migration',
                  'post_live_migration_at_destination')
_COMPUTE_CASTS = ('live_migration', 'rollback_live_migration_at_destination',
                  'live_migration_abort', 'live_migration_force_complete')


def at(version):
    return test_evacuate.at(version)


class Deferred:
    """An executor that keeps the submitted jobs until ``run_all``."""

    def __init__(self):
        self.pending = []

    def submit(self, fn, *args):
        self.pending.append((fn, args))

    def run_all(self):
        while self.pending:
            fn, args = self.pending.pop(0)
            fn(*args)

    def shutdown(self, wait=True):
        self.pending = []


class LiveStack(test_evacuate.EvacuateStack):
    """The evacuation stack with the live migration RPC wired."""

    def _setUp(self):
        super()._setUp()
        for name in _COMPUTE_CALLS:
            self.useFixture(fixtures.MockPatchObject(
                compute_live_rpc.LiveMigrateAPI, name, self._caller(name)))
        for name in _COMPUTE_CASTS:
            self.useFixture(fixtures.MockPatchObject(
                compute_live_rpc.LiveMigrateAPI, name,
                self._live_queuer(name)))
        self.useFixture(fixtures.MockPatchObject(
            conductor_live_rpc.LiveMigrateAPI, 'live_migrate_instance',
            lambda api, *args, **kwargs: self._live_migrate_instance(
                api, *args, **kwargs)))

    def new_manager(self, host):
        manager = super().new_manager(host)
        manager.conductor = LiveConductor()
        manager.security_groups.conductor = manager.conductor
        manager.floating_ips.conductor = manager.conductor
        manager._live_jobs()
        manager._live_executor = Deferred()
        return manager

    def _caller(self, name):
        def call(_api, context, host, *args, timeout=None, **kwargs):
            try:
                return getattr(self.managers[host], name)(context, *args,
                                                          **kwargs)
            except rpc_dispatcher.ExpectedException as exc:
                raise exc.exc_info[1] from None
        return call

    def _live_queuer(self, name):
        def cast(_api, context, host, *args, **kwargs):
            self.queue.append((host, name, context, (args, kwargs)))
        return cast

    def _live_migrate_instance(self, _api, context, instance_uuid,
                               migration_uuid, host=None,
                               block_migration='auto', force=False,
                               wait=True):
        flow = live_migrate.LiveMigrateFlow(
            self.scheduler, compute_live_rpc.LiveMigrateAPI())
        try:
            return flow.live_migrate_instance(
                context, instance_uuid, migration_uuid, host,
                block_migration, force)
        except (exception.NoValidHost, exception.MigrationPreCheckError):
            if wait:
                raise
            return None

    def drain(self, stop_before=None):
        """Run the queued casts and the deferred jobs until none is
        left; their names."""
        done = []
        while self.queue or any(m._live_executor.pending
                                for m in self.managers.values()):
            while self.queue:
                target, name, context, (args, kwargs) = \
                    self.queue.popleft()
                done.append(name)
                getattr(self.managers[target], name)(context, *args,
                                                     **kwargs)
            for manager in self.managers.values():
                manager._live_executor.run_all()
        return done


class LiveConductor(resize_harness.LocalResizeConductor):
    """And the live migration methods of the conductor (1.12)."""

    def floating_ips_get(self, context, host):
        return nat.host_mappings(context, host)

    def __getattr__(self, name):
        if name in _CONDUCTOR:
            func = getattr(live_migrate, name)

            def _run(context, *args, wait=False, **kwargs):
                return func(context, *args, **kwargs)
            return _run
        return super().__getattr__(name)


class LiveMigrationTestCase(test_evacuate.EvacuateTestCase):

    def setUp(self):
        fakes.APITestCase.setUp(self)
        self.admin = self.api.admin_context
        self.stack = self.useFixture(LiveStack(self.admin, self.hosts))
        self.server = self.create_server()
        self.stack.queue.clear()
        self.stack.boot(self.server, 'src')

    def live(self, body=None, version='2.25', code=202):
        body = body or {'host': None, 'block_migration': 'auto'}
        resp = self.action({'os-migrateLive': body}, at(version))
        self.assertEqual(code, resp.status_code, resp.get_data(True))
        return resp

    def row(self):
        from nova_lite.db import instances as instance_db
        return instance_db.instance_get(self.admin, self.server)

    def claims(self):
        return {consumer: host for consumer, (host, *_r) in
                self.stack.allocations().items()}


class TestLiveMigrationFlow(LiveMigrationTestCase):

    def test_success_moves_guest_and_claims(self):
        self.live({'host': 'dst', 'block_migration': 'auto'})
        mig = self.migration()
        self.assertEqual(('queued', 'dst'), (mig['status'],
                                             mig['dest_compute']))
        self.assertEqual({self.server: 'src', mig['uuid']: 'dst'},
                         self.claims())
        self.assertEqual(states.MIGRATING, self.row().task_state)
        self.assertEqual(['live_migration'], self.stack.drain())
        row = self.row()
        self.assertEqual(('dst', states.ACTIVE, None),
                         (row.host, row.vm_state, row.task_state))
        self.assertEqual('completed', self.migration()['status'])
        self.assertEqual({self.server: 'dst'}, self.claims())
        self.assertNotIn(self.server, self.stack.drivers['src']._guests)
        self.assertIn(self.server, self.stack.drivers['dst']._guests)

    def test_refused_destination_is_replaced(self):
        self.stack.drivers['dst']._live_state()
        self.stack.drivers['dst'].fail_live_migration.add(
            'check_destination')
        self.live()
        self.assertEqual('dst2', self.migration()['dest_compute'])
        self.stack.drain()
        self.assertEqual('dst2', self.row().host)
        self.assertEqual({self.server: 'dst2'}, self.claims())

    def test_named_host_refused_sync_then_async(self):
        self.stack.drivers['dst']._live_state()
        self.stack.drivers['dst'].fail_live_migration.add('check_source')
        self.stack.drivers['src']._live_state()
        self.stack.drivers['src'].fail_live_migration.add('check_source')
        self.live({'host': 'dst', 'block_migration': 'auto'}, code=400)
        self.assertEqual((None, states.ACTIVE), (self.row().task_state,
                                                 self.row().vm_state))
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: 'src'}, self.claims())
        self.live({'host': 'dst', 'block_migration': 'auto'}, '2.34')
        rows = migration_db.migration_get_all(self.admin)
        self.assertEqual(['error', 'error'], [r['status'] for r in rows])
        self.assertIsNone(self.row().task_state)

    def test_driver_failure_rolls_back(self):
        self.stack.drivers['src']._live_state()
        self.stack.drivers['src'].fail_live_migration.add('migrate')
        self.live()
        dest = self.migration()['dest_compute']
        self.assertEqual(['live_migration',
                          'rollback_live_migration_at_destination'],
                         self.stack.drain())
        row = self.row()
        self.assertEqual(('src', states.ACTIVE, None),
                         (row.host, row.vm_state, row.task_state))
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: 'src'}, self.claims())
        self.assertEqual({}, self.stack.drivers[dest].incoming)
        self.assertIn(self.server, self.stack.drivers['src']._guests)

    def test_abort_while_queued_needs_2_65(self):
        self.live()
        self.stack.queue.popleft()      # deliver live_migration by hand
        src = self.stack.managers['src']
        src.live_migration(self.admin, self.server, self.migration()['uuid'],
                           {'block_migration': True,
                            'is_shared_instance_path': False})
        mid = self.migration()['id']
        path = '/v2.1/servers/%s/migrations/%s' % (self.server, mid)
        self.assertFault(self.delete(path, at('2.24')), 409,
                         'conflictingRequest', 'queued')
        self.assertEqual(202, self.delete(path, at('2.65')).status_code)
        self.assertEqual(['live_migration_abort'], self.stack.drain())
        self.assertEqual('cancelled', self.migration()['status'])
        self.assertEqual(('src', None), (self.row().host,
                                         self.row().task_state))
        self.assertEqual({self.server: 'src'}, self.claims())

    def test_source_restart_rolls_back(self):
        self.live()
        self.stack.queue.popleft()      # the job dies with the compute
        self.stack.managers['src'] = self.stack.new_manager('src')
        recovery.recover_host(self.admin, self.stack.managers['src'])
        row = self.row()
        self.assertEqual(('src', states.ACTIVE, None),
                         (row.host, row.vm_state, row.task_state))
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: 'src'}, self.claims())

    def test_source_restart_without_the_guest_waits(self):
        self.live()
        self.stack.queue.popleft()
        self.stack.drivers['src']._guests.clear()   # moved by the daemon?
        self.stack.managers['src'] = self.stack.new_manager('src')
        recovery.recover_host(self.admin, self.stack.managers['src'])
        self.assertEqual(states.MIGRATING, self.row().task_state)
        self.assertEqual('queued', self.migration()['status'])

    def test_force_complete_needs_running(self):
        self.live()
        mid = self.migration()['id']
        resp = self.post('/v2.1/servers/%s/migrations/%s/action' % (
            self.server, mid), {'force_complete': None}, at('2.22'))
        self.assertFault(resp, 409, 'conflictingRequest', 'queued')
        self.stack.drain()          # completed: no longer in progress
        self.assertFault(self.post(
            '/v2.1/servers/%s/migrations/%s/action' % (self.server, mid),
            {'force_complete': None}, at('2.22')), 404, 'itemNotFound')

    def test_member_and_states(self):
        self.assertEqual(403, self.action(
            {'os-migrateLive': {'host': None, 'block_migration': 'auto'}},
            dict(fakes.MEMBER, **{microversion.HEADER: 'compute 2.25'})
        ).status_code)
        self.set_instance(self.server, vm_state=states.STOPPED)
        self.live(code=409)


class TestResolveBlockMigration(testtools.TestCase):

    def test_rules(self):
        resolve = lifecycle_live.resolve_block_migration
        self.assertTrue(resolve('auto', False))
        self.assertFalse(resolve('auto', True))
        self.assertTrue(resolve(True, False))
        self.assertFalse(resolve(False, True))
        self.assertRaises(exception.MigrationPreCheckError, resolve, True,
                          True)
        self.assertRaises(exception.MigrationPreCheckError, resolve, False,
                          False)


class TestFakeDriverJob(testtools.TestCase):

    def setUp(self):
        super().setUp()
        from nova_lite.objects import instance as instance_obj
        from nova_lite.virt import fake
        self.driver = fake.FakeDriver('src')
        self.instance = instance_obj.Instance(
            uuid='c0ffee00-0000-4000-8000-000000000002', hostname='vm',
            memory_mb=64, root_gb=1, vcpus=1)
        self.driver.spawn(None, self.instance, None, [])
        self.reports = []
        self.job = virt_live.LiveMigrationJob(1, self.reports.append)

    def test_steps_report_progress(self):
        moved = self.driver.live_migration(None, self.instance, 'dst', {
            'block_migration': True}, self.job)
        self.assertEqual(4, len(self.reports) - 1)      # + the final one
        self.assertEqual(64 * 1024 * 1024, self.reports[-1]['memory_total'])
        self.assertEqual(1024 ** 3, self.reports[-1]['disk_processed'])
        self.assertEqual(1, moved['fake_guest']['state'])
        self.assertIn(self.instance.uuid, self.driver._guests)

    def test_abort_and_force(self):
        self.job.abort_requested.set()
        self.assertRaises(exception.LiveMigrationAborted,
                          self.driver.live_migration, None, self.instance,
                          'dst', {}, self.job)
        job = virt_live.LiveMigrationJob(2, self.reports.append)
        job.force_requested.set()
        self.driver.live_migration(None, self.instance, 'dst', {}, job)
        self.assertTrue(job.forced)
