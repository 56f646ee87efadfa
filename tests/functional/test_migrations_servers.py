"""Cold migration and evacuation on the in-process stack (computes with
the fake driver, the API over HTTP; doc/migrations-servers.md), with
claims and quota usage exact after every step (``assertExact`` of
test_claims_exact):

* migrate + confirm, then migrate to a named host (2.56) + revert;
* evacuate after the source compute was killed (and forced down), then
  the source's restart removes its evacuated guest without touching the
  server's record.
"""
from nova_lite.compute import states
from tests.functional.fixtures import inprocess
from tests.functional import test_claims_exact
from tests.functional import test_notifications

ADMIN = {'X-Roles': 'admin,member'}


def admin_at(version):
    return dict(ADMIN, **{'OpenStack-API-Version': 'compute %s' % version})


class TestColdMigration(test_claims_exact.StackTestCase):

    def test_migrate_confirm_then_named_host_and_revert(self):
        walker, other = self.boot('walker'), self.boot('other')
        home = {other: self.row(other).host}
        src = self.row(walker).host
        dst = next(h for h in self.HOSTS if h != src)

        self.act(walker, {'migrate': None}, headers=ADMIN)
        self.settled(walker, states.RESIZED)
        mig = self.migration(walker)
        self.assertEqual(('migration', src, dst), (
            mig['migration_type'], mig['source_compute'],
            mig['dest_compute']))
        self.assertExact({other: (home[other], '1'), walker: (src, '1'),
                          mig['uuid']: (dst, '1')}, ['1', '1'],
                         'migrate (VERIFY_RESIZE)')
        self.act(walker, {'confirmResize': None}, code=204)
        self.settled(walker, states.ACTIVE, host=dst)
        inprocess.wait_for(lambda: self.migration(walker)['status'] ==
                           'confirmed', message='confirmed')
        self.assertExact({other: (home[other], '1'), walker: (dst, '1')},
                         ['1', '1'], 'confirm')
        self.assertNotIn(walker, self.stack.computes[src].driver._guests)

        # Back to the named source host (2.56), then reverted.
        self.act(walker, {'migrate': {'host': dst}}, code=400,
                 headers=admin_at('2.56'))
        self.act(walker, {'migrate': {'host': src}},
                 headers=admin_at('2.56'))
        self.settled(walker, states.RESIZED, host=src)
        mig = self.migration(walker)
        self.assertExact({other: (home[other], '1'), walker: (dst, '1'),
                          mig['uuid']: (src, '1')}, ['1', '1'],
                         'migrate to a named host (VERIFY_RESIZE)')
        self.act(walker, {'revertResize': None})
        self.settled(walker, states.ACTIVE, host=dst)
        inprocess.wait_for(lambda: self.migration(walker)['status'] ==
                           'reverted', message='reverted')
        self.assertExact({other: (home[other], '1'), walker: (dst, '1')},
                         ['1', '1'], 'revert')
        self.assertEqual(
            states.RUNNING,
            self.stack.computes[dst].driver._guests[walker]['state'])

    def test_member_may_not_migrate(self):
        uuid = self.boot('mine')
        self.act(uuid, {'migrate': None}, code=403)


class TestEvacuate(test_claims_exact.StackTestCase):

    def setUp(self):
        super().setUp()
        self.captured = self.useFixture(test_notifications.Captured(
            self.stack.conf))

    def force_down(self, host, down):
        resp = self.api.request('PUT', '/os-services/force-down', json={
            'host': host, 'binary': 'nova-compute', 'forced_down': down},
            headers=admin_at('2.11'))
        self.assertEqual(200, resp.status_code, resp.text)

    def test_evacuate_after_a_kill_and_the_source_back(self):
        uuid = self.boot('evacuee')
        src = self.row(uuid).host
        dst = next(h for h in self.HOSTS if h != src)
        self.act(uuid, {'evacuate': {}}, code=400, headers=admin_at('2.14'))

        driver = self.stack.computes[src].driver
        self.stack.kill_compute(src)
        self.force_down(src, True)
        resp = self.act(uuid, {'evacuate': {}}, code=200,
                        headers=admin_at('2.14'))
        self.assertEqual('', resp.text)
        row = self.settled(uuid, states.ACTIVE, host=dst,
                           power_state=states.RUNNING)
        mig = self.migration(uuid)
        self.assertEqual(('evacuation', 'done', src, dst), (
            mig['migration_type'], mig['status'], mig['source_compute'],
            mig['dest_compute']))
        self.assertExact({uuid: (dst, '1')}, ['1'], 'evacuated')
        self.assertIn(uuid, driver._guests)     # the source is down
        # instance.evacuate is sent after the database write the server
        # was seen settled by: wait for it.
        inprocess.wait_for(lambda: 'instance.evacuate' in [
            e[0] for e in self.captured.instance_events(uuid)],
            message='instance.evacuate sent')
        events = [e for e in self.captured.instance_events(uuid)
                  if e[0] != 'instance.create.start' and
                  e[0] != 'instance.create.end']
        self.assertEqual(['instance.rebuild.start', 'instance.rebuild.end',
                          'instance.evacuate'], [e[0] for e in events])
        evacuated = events[-1][3]['nova_object.data']
        self.assertEqual((dst, 'active', None), (
            evacuated['host'], evacuated['state'],
            evacuated['task_state']))
        for event_type, priority, _publisher, payload in events:
            expected = test_notifications.sample(event_type)
            self.assertEqual(expected['priority'], priority, event_type)
            self.assertEqual(test_notifications.shape(expected['payload']),
                             test_notifications.shape(payload), event_type)

        self.force_down(src, False)
        self.stack.start_compute(src, driver=driver)
        inprocess.wait_for(lambda: self.migration(uuid)['status'] ==
                           'completed', message='source cleaned up')
        self.assertNotIn(uuid, driver._guests)
        self.assertIn(uuid, self.stack.computes[dst].driver._guests)
        after = self.row(uuid)
        self.assertEqual((dst, states.ACTIVE, None, row.updated_at), (
            after.host, after.vm_state, after.task_state, after.updated_at))
        self.assertExact({uuid: (dst, '1')}, ['1'], 'source back')
