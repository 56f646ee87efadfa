"""Evacuation (the ``evacuate`` action) through the compute API, the
conductor's evacuate flow, the scheduler and three compute managers
with fake drivers (``resize_harness``): the source compute down (forced
down through os-services), policy, microversions, errors, claims and
quota usage, the destination's failure, and the source's clean-up of
evacuated guests when it comes back."""
import datetime

from nova_lite.api import microversion
from nova_lite.compute import recovery
from nova_lite.compute import states
from nova_lite.conductor import resize_sweep
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import models
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite import exception
from nova_lite import quota
from tests.unit.api import fakes
from tests.unit.compute import resize_harness
from tests.unit.compute import test_lifecycle

TINY = (1, 512, 1)      # flavor '1': vcpus, memory_mb, root_gb


def at(version, headers=fakes.ADMIN):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


class EvacuateStack(resize_harness.ResizeStack):
    """The resize stack with the image API of this process."""

    def _setUp(self):
        self.images = test_lifecycle.LocalImages(self.admin)
        super()._setUp()

    def new_manager(self, host):
        manager = super().new_manager(host)
        manager.build_flow.image_api = self.images
        return manager


class EvacuateTestCase(fakes.APITestCase):

    hosts = ('src', 'dst', 'dst2')

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        self.stack = self.useFixture(EvacuateStack(self.admin, self.hosts))
        self.server = self.create_server()
        self.stack.queue.clear()
        self.stack.boot(self.server, 'src')

    def action(self, body, headers=None):
        return self.post('/v2.1/servers/%s/action' % self.server, body,
                         headers or at('2.14'))

    def evacuate(self, body=None, headers=None, code=200):
        resp = self.action({'evacuate': body or {}}, headers)
        self.assertEqual(code, resp.status_code, resp.get_data(True))
        return resp

    def force_down(self, host, down=True):
        resp = self.put('/v2.1/os-services/force-down', {
            'host': host, 'binary': 'nova-compute', 'forced_down': down},
            at('2.11'))
        self.assertEqual(200, resp.status_code, resp.get_data(True))

    def show(self):
        return self.get('/v2.1/servers/%s' % self.server,
                        fakes.ADMIN).json['server']

    def migration(self):
        (row,) = migration_db.migration_get_all(
            self.admin, {'instance_uuid': self.server})
        return row

    def exact(self):
        return self.stack.check_exact(self, fakes.PROJECT)

    def usage(self):
        used = quota.usages(self.admin, fakes.PROJECT)
        return used['cores'], used['ram'], used['instances']

    def disable(self, host):
        (service,) = service_db.service_get_all(
            self.admin, binary='nova-lite-compute', host=host)
        service_db.service_update(self.admin, service['id'],
                                  {'disabled': True})


class EvacuateFlowTest(EvacuateTestCase):

    def test_evacuate_then_the_source_comes_back(self):
        before = self.usage()
        self.force_down('src')
        resp = self.evacuate()
        self.assertEqual('', resp.get_data(True))
        self.assertEqual('REBUILD', self.show()['status'])
        self.assertEqual(['evacuate_server', 'evacuate_instance'],
                         self.stack.drain())
        server = self.show()
        dest = server['OS-EXT-SRV-ATTR:host']
        self.assertIn(dest, ('dst', 'dst2'))
        self.assertEqual(('ACTIVE', None), (
            server['status'], server['OS-EXT-STS:task_state']))
        migration = self.migration()
        self.assertEqual(('done', 'evacuation', 'src', dest), (
            migration['status'], migration['migration_type'],
            migration['source_compute'], migration['dest_compute']))
        self.assertEqual({self.server: (dest,) + TINY}, self.exact())
        self.assertEqual(before, self.usage())
        self.assertEqual(states.RUNNING, self.stack.drivers[dest]._guests[
            self.server]['state'])
        # The source still has its guest until it comes back.
        self.assertIn(self.server, self.stack.drivers['src']._guests)
        self.force_down('src', False)
        restarted = self.stack.new_manager('src')
        recovery.recover_host(self.admin, restarted)
        self.assertNotIn(self.server, self.stack.drivers['src']._guests)
        self.assertIn(self.server, self.stack.drivers[dest]._guests)
        self.assertEqual('completed', self.migration()['status'])
        row = instance_db.instance_get(self.admin, self.server)
        self.assertEqual((dest, states.ACTIVE), (row.host, row.vm_state))
        self.assertEqual({self.server: (dest,) + TINY}, self.exact())

    def test_named_host(self):
        self.force_down('src')
        self.evacuate({'host': 'dst2'})
        self.stack.drain()
        self.assertEqual('dst2', self.show()['OS-EXT-SRV-ATTR:host'])

    def test_stopped_and_error_servers(self):
        instance_db.instance_update(self.admin, self.server, {
            'vm_state': states.STOPPED, 'power_state': states.SHUTDOWN})
        self.force_down('src')
        self.evacuate()
        self.stack.drain()
        dest = self.show()['OS-EXT-SRV-ATTR:host']
        self.assertEqual('SHUTOFF', self.show()['status'])
        self.assertEqual(states.SHUTDOWN, self.stack.drivers[dest]._guests[
            self.server]['state'])
        # An ERROR server is evacuable and comes back ACTIVE.
        instance_db.instance_update(self.admin, self.server,
                                    {'vm_state': states.ERROR})
        self.force_down(dest)
        self.evacuate()
        self.stack.drain()
        self.assertEqual('ACTIVE', self.show()['status'])

    def test_stopped_at_the_destination_from_2_95(self):
        self.force_down('src')
        self.evacuate(headers=at('2.95'))
        self.stack.drain()
        self.assertEqual('SHUTOFF', self.show()['status'])

    def test_instance_action_and_events(self):
        self.force_down('src')
        self.evacuate()
        self.stack.drain()
        actions = self.get('/v2.1/servers/%s/os-instance-actions' %
                           self.server, fakes.ADMIN).json['instanceActions']
        self.assertEqual(['evacuate', 'create'],
                         [a['action'] for a in actions])
        events = self.get('/v2.1/servers/%s/os-instance-actions/%s' % (
            self.server, actions[0]['request_id']), fakes.ADMIN).json[
            'instanceAction']['events']
        self.assertEqual({('conductor_rebuild_server', 'Success'),
                          ('compute_rebuild_instance', 'Success')},
                         {(e['event'], e['result']) for e in events})


class EvacuateMicroversionsTest(EvacuateTestCase):

    def test_before_2_14(self):
        self.force_down('src')
        self.evacuate({}, at('2.13'), 400)     # onSharedStorage required
        resp = self.evacuate({'onSharedStorage': True}, at('2.13'), 400)
        self.assertIn('shared', resp.json['badRequest']['message'])
        resp = self.evacuate({'onSharedStorage': False, 'adminPass': 'pw'},
                             at('2.13'))
        self.assertEqual({'adminPass': 'pw'}, resp.json)
        self.assertEqual('pw', instance_db.instance_get(
            self.admin, self.server).admin_pass)

    def test_on_shared_storage_refused_from_2_14(self):
        self.force_down('src')
        self.evacuate({'onSharedStorage': False}, at('2.14'), 400)

    def test_force_from_2_29_to_2_67(self):
        self.force_down('src')
        self.evacuate({'force': True}, at('2.28'), 400)
        resp = self.evacuate({'force': True}, at('2.29'), 400)
        self.assertIn('without a host', resp.json['badRequest']['message'])
        self.evacuate({'force': True, 'host': 'dst'}, at('2.68'), 400)
        self.evacuate({'force': True, 'host': 'dst'}, at('2.67'))
        self.stack.drain()
        self.assertEqual('dst', self.show()['OS-EXT-SRV-ATTR:host'])


class EvacuateErrorsTest(EvacuateTestCase):

    def test_source_up_is_400(self):
        resp = self.evacuate(code=400)
        self.assertIn('still in use', resp.json['badRequest']['message'])
        self.assertEqual([], migration_db.migration_get_all(self.admin))

    def test_policy_admin_only(self):
        self.force_down('src')
        self.evacuate({}, at('2.14', fakes.MEMBER), 403)

    def test_bad_hosts(self):
        self.force_down('src')
        self.evacuate({'host': 'nowhere'}, code=404)
        resp = self.evacuate({'host': 'src'}, code=400)
        self.assertIn('own host', resp.json['badRequest']['message'])
        self.assertEqual([], migration_db.migration_get_all(self.admin))

    def test_task_in_progress_is_409(self):
        self.force_down('src')
        instance_db.instance_update(self.admin, self.server,
                                    {'task_state': states.REBOOTING})
        self.evacuate(code=409)

    def test_no_valid_host_keeps_the_server(self):
        self.force_down('src')
        self.disable('dst')
        self.disable('dst2')
        self.evacuate()
        self.stack.drain()
        server = self.show()
        self.assertEqual(('ACTIVE', None, 'src'), (
            server['status'], server['OS-EXT-STS:task_state'],
            server['OS-EXT-SRV-ATTR:host']))
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())

    def test_destination_failure_is_error_on_the_source(self):
        self.force_down('src')

        def fail(instance):
            raise exception.InstanceDeployFailure(
                instance_uuid=instance.uuid, reason='injected')
        for host in ('dst', 'dst2'):
            self.stack.drivers[host]._check_spawn = fail
        self.evacuate()
        self.stack.drain()
        server = self.show()
        self.assertEqual(('ERROR', 'src'), (
            server['status'], server['OS-EXT-SRV-ATTR:host']))
        self.assertIn('injected', server['fault']['message'])
        self.assertEqual('failed', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())
        dest = self.migration()['dest_compute']
        self.assertNotIn(self.server, self.stack.drivers[dest]._guests)

    def test_delete_during_evacuation_releases_the_claims(self):
        self.force_down('src')
        self.evacuate()
        self.stack.drain(stop_before='evacuate_instance')
        self.assertEqual(2, len(self.stack.allocations()))
        resp = self.delete('/v2.1/servers/%s' % self.server, fakes.ADMIN)
        self.assertEqual(204, resp.status_code, resp.get_data(True))
        # The destination sees the delete and does nothing.
        self.assertEqual(['evacuate_instance'], self.stack.drain())
        self.assertEqual({}, self.stack.drivers['dst']._guests)
        self.assertEqual({}, self.stack.drivers['dst2']._guests)
        # The source, back, removes its guest and finishes the delete.
        self.force_down('src', False)
        recovery.recover_host(self.admin, self.stack.new_manager('src'))
        self.assertEqual({}, self.stack.allocations())
        self.assertEqual({}, self.stack.drivers['src']._guests)
        self.assertEqual('error', self.migration()['status'])
        self.assertRaises(exception.InstanceNotFound,
                          instance_db.instance_get, self.admin, self.server)


class EvacuateSweeperTest(EvacuateTestCase):

    def _age(self):
        old = datetime.datetime(2020, 1, 1)
        with db_session.writer(self.admin) as session:
            session.query(models.Migration).filter_by(
                instance_uuid=self.server).update({'updated_at': old})

    def test_lost_destination_cast_is_error_on_the_source(self):
        self.force_down('src')
        self.evacuate()
        self.stack.drain(stop_before='evacuate_instance')
        self.stack.queue.clear()
        self.assertEqual(0, resize_sweep.fail_stuck_evacuations(self.admin))
        self._age()
        self.assertEqual(1, resize_sweep.fail_stuck_evacuations(self.admin))
        server = self.show()
        self.assertEqual(('ERROR', 'src'), (
            server['status'], server['OS-EXT-SRV-ATTR:host']))
        self.assertIn('timed out', server['fault']['message'])
        self.assertEqual('failed', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())

    def test_lost_conductor_cast_keeps_the_state(self):
        self.force_down('src')
        self.evacuate()
        self.stack.queue.clear()
        self._age()
        self.assertEqual(1, resize_sweep.fail_stuck_evacuations(self.admin))
        self.assertEqual(('ACTIVE', None), (
            self.show()['status'], self.show()['OS-EXT-STS:task_state']))
        self.assertEqual('error', self.migration()['status'])
