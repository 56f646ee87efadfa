"""Shelve, shelveOffload and unshelve through the compute API, the
conductor, the scheduler and compute managers with fake drivers
(``shelve_harness``): API codes per microversion, policies, states,
the shelved image, claims and quota usage, the unshelve's scheduling
and its failures."""
import fixtures

from nova_lite.compute import states
from nova_lite.db import images as image_db
from nova_lite.db import instance_faults as fault_db
from nova_lite.db import instances as instance_db
from nova_lite.db import session as db_session
from nova_lite import exception
from nova_lite import quota
from tests.unit.api import fakes
from tests.unit.compute import shelve_harness

HOSTS = ('src', 'dst')


def at(version):
    return dict(fakes.MEMBER, **{'OpenStack-API-Version':
                                 'compute %s' % version})


def admin_at(version):
    return dict(fakes.ADMIN, **{'OpenStack-API-Version':
                                'compute %s' % version})


class ShelveTestCase(fakes.APITestCase):

    offload_time = 0

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        store = self.useFixture(fixtures.TempDir()).path
        self.api.conf.config(group='image', store_path=store)
        self.api.conf.config(shelved_offload_time=self.offload_time)
        self.stack = self.useFixture(shelve_harness.ShelveStack(
            self.admin, HOSTS))
        self.server = self.create_server()
        self.stack.queue.clear()
        self.stack.boot(self.server, 'src')

    def action(self, body, headers=None, code=202, drain=True):
        resp = self.post('/v2.1/servers/%s/action' % self.server, body,
                         headers)
        self.assertEqual(code, resp.status_code, resp.get_data(True))
        if drain:
            self.stack.drain()
        return resp

    def show(self):
        resp = self.get('/v2.1/servers/%s' % self.server, fakes.ADMIN)
        self.assertEqual(200, resp.status_code)
        return resp.json['server']

    def row(self):
        return instance_db.instance_get(self.admin, self.server)

    def state(self):
        server = self.show()
        return (server['status'], server['OS-EXT-STS:task_state'],
                server['OS-EXT-SRV-ATTR:host'])

    def fault(self):
        """The message of the server's latest instance fault."""
        with db_session.reader(self.admin) as session:
            faults = fault_db.latest_faults(session, [self.server])
        return faults[self.server].message

    def guest(self, host):
        return self.stack.drivers[host]._guests.get(self.server)

    def image(self, image_id):
        return image_db.image_get(self.admin, image_id)

    def events(self, action):
        url = '/v2.1/servers/%s/os-instance-actions' % self.server
        acts = self.get(url, fakes.ADMIN).json['instanceActions']
        request_id = [a for a in acts if a['action'] == action][0][
            'request_id']
        found = self.get('%s/%s' % (url, request_id), fakes.ADMIN).json
        return sorted((e['event'], e['result'])
                      for e in found['instanceAction']['events'])


class ShelveOffloadAtOnceTest(ShelveTestCase):
    """``[DEFAULT] shelved_offload_time`` 0 (the default)."""

    def test_shelve_offloads_and_unshelve_schedules(self):
        addresses = self.show()['addresses']
        self.action({'shelve': None})
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())
        row = self.row()
        image = self.image(row.shelved_image_id)
        self.assertEqual(('web-shelved', 'active', 'snapshot', self.server),
                         (image['name'], image['status'],
                          image['properties']['image_type'],
                          image['properties']['instance_uuid']))
        self.assertEqual('src', row.shelved_host)
        self.assertIsNotNone(row.shelved_at)
        self.assertIsNone(self.guest('src'))
        # The claim is released; fixed IP and quota usage are kept.
        self.assertNotIn(self.server, self.stack.check_exact(
            self, fakes.PROJECT))
        self.assertEqual(addresses, self.show()['addresses'])
        self.assertEqual(1, quota.usages(self.admin, fakes.PROJECT)[
            'instances'])
        self.assertEqual(
            [('compute_shelve_instance', 'Success'),
             ('compute_shelve_offload_instance', 'Success')],
            self.events('shelve'))

        self.action({'unshelve': None})
        server = self.show()
        self.assertEqual('ACTIVE', server['status'])
        host = server['OS-EXT-SRV-ATTR:host']
        self.assertIn(host, HOSTS)
        self.assertEqual(states.RUNNING, self.guest(host)['state'])
        self.assertEqual(addresses, server['addresses'])
        self.assertEqual(host, self.stack.check_exact(
            self, fakes.PROJECT)[self.server][0])
        self.assertRaises(exception.ImageNotFound, self.image,
                          row.shelved_image_id)
        row = self.row()
        self.assertEqual((None, None, None), (
            row.shelved_image_id, row.shelved_at, row.shelved_host))
        self.assertEqual(
            [('compute_unshelve_instance', 'Success'),
             ('conductor_unshelve_instance', 'Success')],
            self.events('unshelve'))

    def test_shelve_from_paused_suspended_stopped(self):
        for action in ({'pause': None}, {'suspend': None}):
            self.set_instance(self.server, vm_state={
                'pause': states.VM_PAUSED,
                'suspend': states.VM_SUSPENDED}[next(iter(action))])
            self.action({'shelve': {}})
            self.assertEqual('SHELVED_OFFLOADED', self.state()[0])
            self.action({'unshelve': {}})
            self.assertEqual('ACTIVE', self.state()[0])
        self.set_instance(self.server, vm_state=states.STOPPED)
        self.action({'shelve': None})
        self.assertEqual('SHELVED_OFFLOADED', self.state()[0])

    def test_wrong_states_and_lock(self):
        self.action({'unshelve': None}, code=409)
        self.action({'shelveOffload': None}, fakes.ADMIN, code=409)
        self.action({'lock': None})
        self.action({'shelve': None}, code=409)
        self.action({'unlock': None})
        self.set_instance(self.server, task_state=states.REBOOTING)
        self.action({'shelve': None}, code=409)
        self.set_instance(self.server, task_state=None,
                          vm_state=states.ERROR)
        self.action({'shelve': None}, code=409)
        self.assertEqual([], self.stack.images.api.list(
            self.admin, name='web-shelved'))

    def test_status_filter_and_bodies(self):
        self.action({'shelve': None})
        found = self.get('/v2.1/servers?status=SHELVED_OFFLOADED').json
        self.assertEqual([self.server], [s['id'] for s in found['servers']])
        self.assertEqual([], self.get(
            '/v2.1/servers?status=SHELVED').json['servers'])
        self.action({'shelve': {'x': 1}}, code=400)
        self.action({'unshelve': {'availability_zone': 'nova'}},
                    at('2.76'), code=400)
        self.action({'unshelve': {'host': 'dst'}}, admin_at('2.90'),
                    code=400)
        self.action({'unshelve': {'availability_zone': None}}, at('2.90'),
                    code=400)

    def test_unshelve_zone_2_77(self):
        self.action({'shelve': None})
        self.action({'unshelve': {'availability_zone': 'nowhere'}},
                    at('2.77'), code=400)
        self.action({'unshelve': {'availability_zone': 'nova'}},
                    at('2.77'))
        self.assertEqual(('ACTIVE', 'nova'), (self.state()[0],
                                              self.row().availability_zone))

    def test_unshelve_host_2_91(self):
        self.set_instance(self.server, availability_zone='nova')
        self.action({'shelve': None})
        self.action({'unshelve': {'host': 'dst'}}, at('2.91'), code=403)
        self.action({'unshelve': {'host': 'nohost'}}, admin_at('2.91'),
                    code=400)
        self.action({'unshelve': {'host': 'dst', 'availability_zone': None}},
                    admin_at('2.91'))
        self.assertEqual(('ACTIVE', None, 'dst'), self.state())
        self.assertIsNone(self.row().availability_zone)
        self.assertEqual(states.RUNNING, self.guest('dst')['state'])

    def test_offload_policy_is_admin(self):
        self.api.conf.config(shelved_offload_time=-1)
        self.action({'shelve': None})
        self.action({'shelveOffload': None}, code=403)
        self.action({'shelveOffload': None}, fakes.ADMIN)
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())

    def test_no_valid_host_keeps_it_offloaded(self):
        self.action({'shelve': None})
        self.useFixture(fixtures.MockPatchObject(
            self.stack.scheduler, 'select_destinations',
            side_effect=exception.NoValidHost(reason='all full')))
        self.action({'unshelve': None})
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())
        self.assertIn('all full', self.fault())
        self.assertIsNotNone(self.image(self.row().shelved_image_id))
        self.assertNotIn(self.server, self.stack.allocations())

    def test_spawn_failure_goes_back_offloaded(self):
        self.action({'shelve': None})
        for driver in self.stack.drivers.values():
            self.useFixture(fixtures.MockPatchObject(
                driver, '_check_spawn',
                side_effect=RuntimeError('disk on fire')))
        self.action({'unshelve': None})
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())
        self.assertIn('disk on fire', self.fault())
        self.assertNotIn(self.server, self.stack.allocations())
        self.assertIsNotNone(self.image(self.row().shelved_image_id))

    def test_shelve_upload_failure_restores_the_server(self):
        self.stack.images.fail_upload = RuntimeError('store full')
        self.action({'shelve': None})
        self.assertEqual(('ACTIVE', None, 'src'), self.state())
        self.assertEqual(states.RUNNING, self.guest('src')['state'])
        self.assertIn('store full', self.fault())
        self.assertEqual([], self.stack.images.api.list(
            self.admin, name='web-shelved'))
        self.assertIsNone(self.row().shelved_image_id)
        self.assertIn(self.server, self.stack.allocations())


class ShelveKeptTest(ShelveTestCase):
    """``[DEFAULT] shelved_offload_time`` -1: the guest stays."""

    offload_time = -1

    def test_shelve_then_unshelve_on_the_same_host(self):
        self.action({'shelve': None})
        self.assertEqual(('SHELVED', None, 'src'), self.state())
        self.assertEqual(states.SHUTDOWN, self.guest('src')['state'])
        self.assertIn(self.server, self.stack.allocations())
        image_id = self.row().shelved_image_id
        self.action({'unshelve': {'availability_zone': 'nova'}},
                    at('2.77'), code=409)
        self.action({'unshelve': {'host': 'src'}}, admin_at('2.91'),
                    code=409)
        self.action({'unshelve': None}, at('2.91'))
        self.assertEqual(('ACTIVE', None, 'src'), self.state())
        guest = self.guest('src')
        self.assertEqual(states.RUNNING, guest['state'])
        self.assertEqual(2, len(guest['console']))   # booted again
        self.assertRaises(exception.ImageNotFound, self.image, image_id)
        self.assertEqual([('compute_unshelve_instance', 'Success')],
                         self.events('unshelve'))

    def test_delete_shelved_and_offloaded(self):
        self.action({'shelve': None})
        image_id = self.row().shelved_image_id
        self.assertEqual(204, self.delete(
            '/v2.1/servers/%s' % self.server).status_code)
        self.stack.drain()
        self.assertIsNone(self.guest('src'))
        self.assertEqual({}, self.stack.allocations())
        self.assertRaises(exception.ImageNotFound, self.image, image_id)

    def test_offloaded_server_deleted_without_compute(self):
        self.action({'shelve': None})
        self.action({'shelveOffload': None}, fakes.ADMIN)
        image_id = self.row().shelved_image_id
        self.assertEqual(204, self.delete(
            '/v2.1/servers/%s' % self.server).status_code)
        self.assertEqual([], self.stack.drain())
        self.assertRaises(exception.ImageNotFound, self.image, image_id)
        self.assertEqual(404, self.get(
            '/v2.1/servers/%s' % self.server).status_code)


class ShelveQuotaTest(ShelveTestCase):
    """An offloaded server keeps counting against the quota."""

    def test_offloaded_server_still_counts(self):
        self.action({'shelve': None})
        used = quota.usages(self.admin, fakes.PROJECT)
        self.assertEqual((1, self.row().vcpus, self.row().memory_mb),
                         (used['instances'], used['cores'], used['ram']))
