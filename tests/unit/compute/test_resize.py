"""Resize, confirmResize and revertResize through the compute API, the
conductor, the scheduler and two compute managers with fake drivers
(``resize_harness``): API codes, policy, states, claims and quota usage
after every step, failures, the sweeper and restart recovery."""
import datetime

from nova_lite.compute import recovery
from nova_lite.compute import states
from nova_lite.conductor import resize_sweep
from nova_lite.db import flavors as flavor_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite import quota
from tests.unit.api import fakes
from tests.unit.compute import resize_harness

TINY = (1, 512, 1)      # flavor '1': vcpus, memory_mb, root_gb
BIG = (2, 1024, 2)      # flavor 'big'


class ResizeTestCase(fakes.APITestCase):

    hosts = ('src', 'dst')

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        flavor_db.flavor_create(self.admin, {
            'flavorid': 'big', 'name': 'm1.big', 'vcpus': 2,
            'memory_mb': 1024, 'root_gb': 2})
        flavor_db.flavor_create(self.admin, {
            'flavorid': 'nodisk', 'name': 'm1.nodisk', 'vcpus': 1,
            'memory_mb': 512, 'root_gb': 0})
        self.stack = self.useFixture(resize_harness.ResizeStack(
            self.admin, self.hosts))
        self.server = self.create_server()
        self.stack.queue.clear()
        self.stack.boot(self.server, self.hosts[0])

    def action(self, body, headers=None, server=None):
        return self.post('/v2.1/servers/%s/action' % (server or
                                                      self.server),
                         body, headers)

    def show(self):
        resp = self.get('/v2.1/servers/%s' % self.server, fakes.ADMIN)
        self.assertEqual(200, resp.status_code)
        return resp.json['server']

    def resize(self, flavor='big', code=202):
        resp = self.action({'resize': {'flavorRef': flavor}})
        self.assertEqual(code, resp.status_code, resp.get_data(True))
        self.stack.drain()
        return resp

    def migration(self):
        (row,) = migration_db.migration_get_all(
            self.admin, {'instance_uuid': self.server})
        return row

    def exact(self):
        return self.stack.check_exact(self, fakes.PROJECT)


class ResizeFlowTest(ResizeTestCase):

    def test_resize_then_confirm(self):
        self.resize()
        server = self.show()
        self.assertEqual('VERIFY_RESIZE', server['status'])
        self.assertEqual('dst', server['OS-EXT-SRV-ATTR:host'])
        migration = self.migration()
        self.assertEqual(('finished', 'resize', 'src', 'dst'), (
            migration['status'], migration['migration_type'],
            migration['source_compute'], migration['dest_compute']))
        allocations = self.exact()
        self.assertEqual({self.server: ('src',) + TINY,
                          migration['uuid']: ('dst',) + BIG}, allocations)
        self.assertEqual((2, 1024), (quota.usages(
            self.admin, fakes.PROJECT)['cores'], quota.usages(
            self.admin, fakes.PROJECT)['ram']))
        guest = self.stack.drivers['dst']._guests[self.server]
        self.assertEqual((2, 1024, states.RUNNING, 2), (
            guest['vcpus'], guest['memory_mb'], guest['state'],
            guest['boot_count']))
        self.assertIn(self.server, self.stack.drivers['src'].resized_away)

        resp = self.action({'confirmResize': None})
        self.assertEqual(204, resp.status_code, resp.get_data(True))
        self.assertEqual(['confirm_resize'], self.stack.drain())
        self.assertEqual('ACTIVE', self.show()['status'])
        self.assertEqual('confirmed', self.migration()['status'])
        self.assertEqual({self.server: ('dst',) + BIG}, self.exact())
        self.assertEqual({}, self.stack.drivers['src'].resized_away)
        self.assertEqual((0, 0, 0), self.stack.node_usage()['src'])

    def test_resize_then_revert(self):
        self.resize()
        resp = self.action({'revertResize': None})
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        self.assertEqual('REVERT_RESIZE', self.show()['status'])
        self.assertEqual(['revert_resize', 'finish_revert_resize'],
                         self.stack.drain())
        server = self.show()
        self.assertEqual(('ACTIVE', 'src', '1'), (
            server['status'], server['OS-EXT-SRV-ATTR:host'],
            server['flavor']['id']))
        self.assertEqual('reverted', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())
        self.assertNotIn(self.server, self.stack.drivers['dst']._guests)
        self.assertEqual(states.RUNNING, self.stack.drivers['src']._guests[
            self.server]['state'])

    def test_instance_actions_and_events(self):
        self.resize()
        self.action({'confirmResize': None})
        self.stack.drain()
        resp = self.get('/v2.1/servers/%s/os-instance-actions' %
                        self.server, fakes.ADMIN)
        actions = [a['action'] for a in resp.json['instanceActions']]
        self.assertEqual(['confirmResize', 'resize', 'create'], actions)
        resize_req = resp.json['instanceActions'][1]['request_id']
        events = self.get('/v2.1/servers/%s/os-instance-actions/%s' % (
            self.server, resize_req), fakes.ADMIN).json[
            'instanceAction']['events']
        self.assertEqual({'conductor_migrate_server', 'compute_prep_resize',
                          'compute_resize_instance',
                          'compute_finish_resize'},
                         {e['event'] for e in events})
        self.assertEqual({'Success'}, {e['result'] for e in events})

    def test_stopped_server_stays_stopped(self):
        instance_db.instance_update(self.admin, self.server, {
            'vm_state': states.STOPPED, 'power_state': states.SHUTDOWN})
        self.stack.drivers['src'].power_off(
            self.stack.managers['src']._instance(self.admin, self.server))
        self.resize()
        self.assertEqual(states.SHUTDOWN, self.stack.drivers['dst']._guests[
            self.server]['state'])
        self.action({'confirmResize': None})
        self.stack.drain()
        self.assertEqual('SHUTOFF', self.show()['status'])

    def test_delete_resized_server_releases_both_claims(self):
        self.resize()
        row = instance_db.instance_get(self.admin, self.server)
        self.stack.managers[row.host].terminate_instance(self.admin,
                                                         self.server)
        self.assertEqual({}, self.stack.allocations())
        self.assertEqual('error', self.migration()['status'])


class SameHostTest(ResizeTestCase):

    hosts = ('only',)

    def test_refused_unless_allowed(self):
        self.resize()
        server = self.show()
        self.assertEqual('ACTIVE', server['status'])
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: ('only',) + TINY}, self.exact())

    def test_same_host_when_allowed(self):
        self.api.conf.config(allow_resize_to_same_host=True)
        self.resize()
        allocations = self.exact()
        self.assertEqual({'only'}, {a[0] for a in allocations.values()})
        self.assertEqual(2, len(allocations))
        self.action({'revertResize': None})
        self.stack.drain()
        self.assertEqual({self.server: ('only',) + TINY}, self.exact())
        self.assertEqual(states.RUNNING, self.stack.drivers['only']._guests[
            self.server]['state'])

    def test_delete_resized_server_on_one_host_removes_both_guests(self):
        self.api.conf.config(allow_resize_to_same_host=True)
        self.resize()
        self.stack.managers['only'].terminate_instance(self.admin,
                                                       self.server)
        self.assertEqual({}, self.stack.allocations())
        driver = self.stack.drivers['only']
        self.assertEqual(({}, {}), (driver._guests, driver.resized_away))


class ResizeErrorsTest(ResizeTestCase):

    def test_bad_requests(self):
        for flavor, text in (('1', 'must change flavor'),
                             ('nope', 'Unable to find flavor'),
                             ('nodisk', 'zero disk')):
            resp = self.action({'resize': {'flavorRef': flavor}})
            self.assertEqual(400, resp.status_code)
            self.assertIn(text, resp.json['badRequest']['message'])
        instance_db.instance_update(self.admin, self.server,
                                    {'root_gb': 5})
        resp = self.action({'resize': {'flavorRef': 'big'}})
        self.assertEqual(400, resp.status_code)
        self.assertIn('resize disk down', resp.json['badRequest'][
            'message'])
        resp = self.action({'resize': {'flavorRef': 'big',
                                       'OS-DCF:diskConfig': 'bad'}})
        self.assertEqual(400, resp.status_code)
        self.assertEqual([], migration_db.migration_get_all(self.admin))

    def test_confirm_or_revert_without_resize(self):
        for action in ('confirmResize', 'revertResize'):
            self.assertEqual(409, self.action({action: None}).status_code)

    def test_quota_for_the_delta(self):
        quota.update(self.admin, fakes.PROJECT, {'cores': 1})
        resp = self.action({'resize': {'flavorRef': 'big'}})
        self.assertEqual(403, resp.status_code)
        self.assertIn('cores', resp.json['forbidden']['message'])
        quota.update(self.admin, fakes.PROJECT, {'cores': 2})
        self.resize()
        self.assertEqual('VERIFY_RESIZE', self.show()['status'])

    def test_state_lock_and_policy(self):
        self.assertEqual(403, self.action(
            {'resize': {'flavorRef': 'big'}}, fakes.READER).status_code)
        self.assertEqual(404, self.action(
            {'resize': {'flavorRef': 'big'}}, fakes.OTHER).status_code)
        self.action({'lock': None})
        self.assertEqual(409, self.action(
            {'resize': {'flavorRef': 'big'}}).status_code)
        self.action({'unlock': None})
        self.resize()
        self.assertEqual(409, self.action(
            {'resize': {'flavorRef': '2'}}).status_code)

    def test_driver_failure_restores_the_source(self):
        self.stack.drivers['dst']._resize_state()
        self.stack.drivers['dst'].fail_resize.add('finish')
        self.resize()
        server = self.show()
        self.assertEqual(('ACTIVE', 'src', '1'), (
            server['status'], server['OS-EXT-SRV-ATTR:host'],
            server['flavor']['id']))
        with db_session.reader(self.admin) as session:
            (fault,) = session.query(models.InstanceFault).filter_by(
                instance_uuid=self.server).all()
        self.assertIn('injected finish failure', fault.message)
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())
        self.assertEqual(states.RUNNING, self.stack.drivers['src']._guests[
            self.server]['state'])


class SweeperAndRecoveryTest(ResizeTestCase):

    def test_auto_confirm_after_the_window(self):
        self.resize()
        compute = self.stack.managers['src'].compute_api
        self.assertEqual(0, resize_sweep.auto_confirm(self.admin, compute))
        self.api.conf.config(resize_confirm_window=1)
        self._age()
        self.assertEqual(1, resize_sweep.auto_confirm(self.admin, compute))
        self.stack.drain()
        self.assertEqual('ACTIVE', self.show()['status'])
        self.assertEqual({self.server: ('dst',) + BIG}, self.exact())

    def _age(self):
        """Make the server and its migration look idle since 2020."""
        old = datetime.datetime(2020, 1, 1)
        with db_session.writer(self.admin) as session:
            session.query(models.Migration).filter_by(
                instance_uuid=self.server).update({'updated_at': old})
            session.query(models.Instance).filter_by(
                uuid=self.server).update({'updated_at': old})

    def test_stuck_resize_goes_to_error_on_the_source(self):
        self.action({'resize': {'flavorRef': 'big'}})
        # The source moved the guest; the cast to finish is lost.
        self.stack.drain(stop_before='finish_resize')
        self.stack.queue.clear()
        self._age()
        compute = self.stack.managers['src'].compute_api
        self.assertEqual(1, resize_sweep.fail_stuck(self.admin, compute))
        server = self.show()
        self.assertEqual(('ERROR', 'src'), (server['status'],
                                            server['OS-EXT-SRV-ATTR:host']))
        self.assertIn('timed out', server['fault']['message'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())
        # The source (up) is asked to put the old guest back.
        self.assertEqual(['finish_revert_resize'], self.stack.drain())
        self.assertIn(self.server, self.stack.drivers['src']._guests)

    def test_source_restart_mid_resize(self):
        self.action({'resize': {'flavorRef': 'big'}})
        self.stack.drain(stop_before='finish_resize')
        self.stack.queue.clear()
        self.assertEqual(states.RESIZE_MIGRATED, instance_db.instance_get(
            self.admin, self.server).task_state)
        restarted = self.stack.new_manager('src')
        recovery.recover_host(self.admin, restarted)
        server = self.show()
        self.assertEqual(('ERROR', 'src', '1'), (
            server['status'], server['OS-EXT-SRV-ATTR:host'],
            server['flavor']['id']))
        self.assertIn('interrupted', server['fault']['message'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())
        self.assertEqual(states.SHUTDOWN, self.stack.drivers['src']._guests[
            self.server]['state'])
        # reset-state, then a hard reboot, run it again.
        resp = self.action({'os-resetState': {'state': 'active'}},
                           fakes.ADMIN)
        self.assertEqual(202, resp.status_code)
