"""Live migration on the in-process stack: two fake-driver computes and
the API over HTTP (doc/migrations-servers.md, "Live migration"), with
claims and quota usage exact after every step (``assertExact`` of
test_claims_exact):

* a live migration watched through GET /servers/{id}/migrations (its
  progress), ending ACTIVE on the other host with the guest moved, the
  notifications of doc/notification_samples;
* an abort (2.24) while running: cancelled, the server ACTIVE on its
  source; a force_complete (2.22) that ends the copy early;
* a destination that fails: rolled back (ACTIVE on the source, the
  migration error, a fault); a failed check before 2.34 (400) and from
  2.34 (202, migration error, action event Error).
"""
from nova_lite.compute import states
from nova_lite.db import actions as action_db
from nova_lite.db import instance_faults as fault_db
from nova_lite.db import session as db_session
from tests.functional.fixtures import inprocess
from tests.functional import test_claims_exact
from tests.functional import test_notifications

ADMIN = {'X-Roles': 'admin,member'}


def admin_at(version):
    return dict(ADMIN, **{'OpenStack-API-Version': 'compute %s' % version})


LIVE = {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}


class LiveMigrationTestCase(test_claims_exact.StackTestCase):

    OVERRIDES = {('fake', 'live_migration_duration'): 0.0,
                 ('fake', 'live_migration_steps'): 20}

    def setUp(self):
        super().setUp()
        self.captured = self.useFixture(test_notifications.Captured(
            self.stack.conf))

    def server_migrations(self, uuid, version='2.23'):
        resp = self.api.request('GET', '/servers/%s/migrations' % uuid,
                                headers=admin_at(version))
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['migrations']

    def running(self, uuid):
        """The in-progress live migration once it reports progress."""
        def progressed():
            found = self.server_migrations(uuid)
            return found and found[0]['status'] == 'running' and \
                (found[0]['memory_processed_bytes'] or 0) > 0 and found[0]
        return inprocess.wait_for(progressed, timeout=30,
                                  message='live migration progress')

    def fault(self, uuid):
        with db_session.reader(self.admin) as session:
            return fault_db.latest_faults(session, [uuid])[uuid]

    def completed(self, uuid):
        return inprocess.wait_for(
            lambda: self.migration(uuid)['status'] == 'completed' and
            self.migration(uuid), message='migration completed')

    def notified(self, uuid, event_type):
        inprocess.wait_for(
            lambda: event_type in [
                e[0] for e in self.captured.instance_events(uuid)],
            message=event_type)

    def hosts(self, uuid):
        src = self.row(uuid).host
        return src, next(h for h in self.HOSTS if h != src)

    def driver(self, host):
        return self.stack.computes[host].driver


class TestLiveMigration(LiveMigrationTestCase):

    def test_live_migrate_to_the_other_host(self):
        uuid = self.boot('walker')
        src, dst = self.hosts(uuid)
        before = dict(self.driver(src)._guests[uuid])
        self.act(uuid, LIVE, headers=admin_at('2.25'))
        row = self.settled(uuid, states.ACTIVE, host=dst,
                           power_state=states.RUNNING)
        self.assertEqual(dst, row.node)
        mig = self.completed(uuid)
        self.assertEqual(('live-migration', 'completed', src, dst), (
            mig['migration_type'], mig['status'], mig['source_compute'],
            mig['dest_compute']))
        self.assertEqual((512 * 1024 * 1024, 0), (
            mig['memory_total'], mig['memory_remaining']))
        self.assertExact({uuid: (dst, '1')}, ['1'], 'live-migrated')
        self.assertNotIn(uuid, self.driver(src)._guests)
        moved = self.driver(dst)._guests[uuid]
        self.assertEqual((before['macs'], before['console'], 1), (
            moved['macs'], moved['console'], moved['state']))
        self.assertEqual([], self.server_migrations(uuid))
        resp = self.api.request('GET', '/os-migrations',
                                headers=admin_at('2.23'))
        listed = resp.json()['migrations'][0]
        self.assertEqual(('live-migration', 'completed'), (
            listed['migration_type'], listed['status']))
        action = action_db.actions_get(self.admin, uuid)[0]
        self.assertEqual('live-migration', action.action)
        self.assertEqual(
            ['conductor_live_migrate_instance',
             'compute_post_live_migration_at_destination'],
            [e.event for e in action.events])
        self.notified(uuid, 'instance.live_migration_post.end')
        self.assertEqual(
            ['instance.live_migration_pre.start',
             'instance.live_migration_pre.end',
             'instance.live_migration_post.start',
             'instance.live_migration_post.end'],
            [e[0] for e in self.captured.instance_events(uuid)
             if 'live_migration' in e[0]])
        self._check_samples(uuid)
        # And back, named (2.30: forced; the claim still counts).
        self.act(uuid, {'os-migrateLive': {
            'host': src, 'block_migration': 'auto', 'force': True}},
            headers=admin_at('2.30'))
        self.settled(uuid, states.ACTIVE, host=src)
        self.completed(uuid)
        self.assertExact({uuid: (src, '1')}, ['1'], 'back, forced')

    def _check_samples(self, uuid):
        for event_type, priority, _pub, payload in \
                self.captured.instance_events(uuid):
            if 'live_migration' not in event_type:
                continue
            expected = test_notifications.sample(event_type)
            self.assertEqual(expected['priority'], priority, event_type)
            self.assertEqual(test_notifications.shape(expected['payload']),
                             test_notifications.shape(payload), event_type)

    def test_bodies_by_microversion(self):
        uuid = self.boot('picky')
        old = {'host': None, 'block_migration': False,
               'disk_over_commit': False}
        # 2.1: block_migration must be a boolean, disk_over_commit given.
        self.act(uuid, {'os-migrateLive': dict(old, block_migration='auto')},
                 code=400, headers=ADMIN)
        self.act(uuid, {'os-migrateLive': {'host': None,
                                           'block_migration': True}},
                 code=400, headers=ADMIN)
        # Fake hosts share no storage: block_migration false fails the
        # (synchronous) checks: 400, the server stays ACTIVE.
        resp = self.act(uuid, {'os-migrateLive': old}, code=400,
                        headers=ADMIN)
        self.assertIn('not shared', resp.text)
        self.settled(uuid, states.ACTIVE)
        self.assertEqual('error', self.migration(uuid)['status'])
        # 2.25 has no disk_over_commit; force only 2.30-2.67.
        self.act(uuid, {'os-migrateLive': old}, code=400,
                 headers=admin_at('2.25'))
        forced = {'host': None, 'block_migration': 'auto', 'force': False}
        self.act(uuid, {'os-migrateLive': forced}, code=400,
                 headers=admin_at('2.29'))
        self.act(uuid, {'os-migrateLive': forced}, code=400,
                 headers=admin_at('2.68'))
        # Its own host, an unknown one: 400; a member: 403.
        own = {'host': self.row(uuid).host, 'block_migration': 'auto'}
        self.act(uuid, {'os-migrateLive': own}, code=400,
                 headers=admin_at('2.25'))
        self.act(uuid, {'os-migrateLive': dict(own, host='nowhere')},
                 code=400, headers=admin_at('2.25'))
        self.act(uuid, LIVE, code=403,
                 headers={'OpenStack-API-Version': 'compute 2.25'})
        # A server migrations action before 2.22 / abort before 2.24: 404.
        mid = self.migration(uuid)['id']
        for method, path, version in (
                ('POST', '/%s/action' % mid, '2.21'),
                ('DELETE', '/%s' % mid, '2.23')):
            resp = self.api.request(
                method, '/servers/%s/migrations%s' % (uuid, path),
                json={'force_complete': None} if method == 'POST' else None,
                headers=admin_at(version))
            self.assertEqual(404, resp.status_code, (method, version))

    def test_failed_check_2_34_is_asynchronous(self):
        uuid = self.boot('checked')
        src, dst = self.hosts(uuid)
        self.driver(dst)._live_state()
        self.driver(dst).fail_live_migration.add('check_destination')
        self.act(uuid, LIVE, headers=admin_at('2.34'))
        inprocess.wait_for(lambda: self.migration(uuid)['status'] == 'error',
                           message='migration error')
        self.settled(uuid, states.ACTIVE, host=src)
        action = action_db.actions_get(self.admin, uuid)[0]
        self.assertEqual('live-migration', action.action)
        self.assertEqual([('conductor_live_migrate_instance', 'Error')],
                         [(e.event, e.result) for e in action.events])
        self.assertExact({uuid: (src, '1')}, ['1'], 'check failed')

    def test_destination_failure_rolls_back(self):
        uuid = self.boot('unlucky')
        src, dst = self.hosts(uuid)
        self.driver(dst)._live_state()
        self.driver(dst).fail_live_migration.add('pre')
        self.act(uuid, LIVE, headers=admin_at('2.25'))
        inprocess.wait_for(lambda: self.migration(uuid)['status'] == 'error',
                           message='rolled back')
        self.settled(uuid, states.ACTIVE, host=src)
        self.assertIn(uuid, self.driver(src)._guests)
        self.assertNotIn(uuid, self.driver(dst)._guests)
        self.assertNotIn(uuid, self.driver(dst).incoming)
        self.assertExact({uuid: (src, '1')}, ['1'], 'rolled back')
        self.assertIn('injected pre failure', self.fault(uuid).message)
        self.notified(uuid, 'instance.live_migration_rollback.end')


class TestLiveMigrationControl(LiveMigrationTestCase):
    """Slow copies (``[fake] live_migration_duration``) to act on."""

    OVERRIDES = {('fake', 'live_migration_duration'): 20.0,
                 ('fake', 'live_migration_steps'): 20}

    def test_abort_then_force_complete(self):
        uuid = self.boot('steered')
        src, dst = self.hosts(uuid)
        self.act(uuid, LIVE, headers=admin_at('2.25'))
        resp = self.api.request('GET', '/servers/%s' % uuid, headers=ADMIN)
        self.assertEqual('MIGRATING', resp.json()['server']['status'])
        found = self.running(uuid)
        self.assertEqual(512 * 1024 * 1024, found['memory_total_bytes'])
        self.assertEqual(found['memory_total_bytes'],
                         found['memory_processed_bytes'] +
                         found['memory_remaining_bytes'])
        # block_migration auto: no shared storage, the disk is copied.
        self.assertEqual(1024 ** 3, found['disk_total_bytes'])
        mig = self.migration(uuid)
        self.assertExact({uuid: (src, '1'), mig['uuid']: (dst, '1')},
                         ['1'], 'running: both claimed')
        path = '/servers/%s/migrations/%s' % (uuid, found['id'])
        resp = self.api.request('DELETE', path, headers=admin_at('2.24'))
        self.assertEqual(202, resp.status_code, resp.text)
        inprocess.wait_for(
            lambda: self.migration(uuid)['status'] == 'cancelled',
            message='cancelled')
        self.settled(uuid, states.ACTIVE, host=src)
        self.assertExact({uuid: (src, '1')}, ['1'], 'aborted')
        inprocess.wait_for(lambda: uuid not in self.driver(dst).incoming,
                           message='the incoming guest removed')
        self.notified(uuid, 'instance.live_migration_abort.start')
        self.notified(uuid, 'instance.live_migration_abort.end')
        resp = self.api.request('DELETE', path, headers=admin_at('2.24'))
        self.assertEqual(404, resp.status_code)    # no longer in progress

        # Again, forced to complete long before the 20 s copy ends.
        self.act(uuid, LIVE, headers=admin_at('2.25'))
        found = self.running(uuid)
        resp = self.api.request(
            'POST', '/servers/%s/migrations/%s/action' % (uuid, found['id']),
            json={'force_complete': None}, headers=admin_at('2.22'))
        self.assertEqual(202, resp.status_code, resp.text)
        self.settled(uuid, states.ACTIVE, host=dst, timeout=10)
        self.completed(uuid)
        self.assertExact({uuid: (dst, '1')}, ['1'], 'forced')
        self.notified(uuid, 'instance.live_migration_force_complete.end')

    def test_force_complete_and_abort_refused_when_not_running(self):
        uuid = self.boot('early')
        self.act(uuid, LIVE, headers=admin_at('2.25'))
        found = self.running(uuid)
        path = '/servers/%s/migrations/%s' % (uuid, found['id'])
        resp = self.api.request('POST', path + '/action',
                                json={'force_complete': 1},
                                headers=admin_at('2.22'))
        self.assertEqual(400, resp.status_code, resp.text)
        resp = self.api.request('DELETE', path, headers=ADMIN)
        self.assertEqual(404, resp.status_code)     # 2.1: no DELETE
        resp = self.api.request('DELETE', path, headers=admin_at('2.65'))
        self.assertEqual(202, resp.status_code, resp.text)
        inprocess.wait_for(
            lambda: self.migration(uuid)['status'] == 'cancelled',
            message='cancelled')
        resp = self.api.request('POST', path + '/action',
                                json={'force_complete': None},
                                headers=admin_at('2.22'))
        self.assertEqual(404, resp.status_code, resp.text)


class TestLiveMigrationSwept(LiveMigrationTestCase):
    """A lost ``live_migration`` cast: the sweeper rolls the migration
    back after ``[conductor] live_migration_timeout`` (the server is
    never left MIGRATING; ``conductor.live_migrate_sweep``)."""

    OVERRIDES = {('conductor', 'live_migration_timeout'): 2}

    def test_lost_cast_is_rolled_back(self):
        uuid = self.boot('lost')
        src, dst = self.hosts(uuid)
        self.patch(self.stack.computes[src], 'live_migration',
                   lambda *args, **kwargs: None)
        self.act(uuid, LIVE, headers=admin_at('2.25'))
        inprocess.wait_for(
            lambda: self.migration(uuid)['status'] == 'queued',
            message='queued')
        mig = self.migration(uuid)
        self.assertExact({uuid: (src, '1'), mig['uuid']: (dst, '1')},
                         ['1'], 'claimed, never started')
        inprocess.wait_for(
            lambda: self.migration(uuid)['status'] == 'error',
            timeout=60, message='swept')
        self.settled(uuid, states.ACTIVE, host=src)
        self.assertIn('no progress', self.fault(uuid).message)
        self.assertExact({uuid: (src, '1')}, ['1'], 'swept')
