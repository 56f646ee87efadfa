"""The service modules both APIs call instead of nova_lite.db: one rule
each, whoever asks (visibility of private flavors, groups of a create
hint, networks, instance actions, zones, CloudStack jobs and keys), and
the compute API's paging in SQL."""
import fixtures

from nova_lite.cloudstack import api_keys
from nova_lite.cloudstack import async_jobs
from nova_lite.compute import api as compute_api
from nova_lite.compute import flavors
from nova_lite.compute import instance_actions
from nova_lite.compute import server_groups
from nova_lite.compute import topology
from nova_lite import context as nl_context
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import instances as instance_db
from nova_lite import exception
from nova_lite.network import api as network_api
from tests.unit.api import fakes


def _member(project=fakes.PROJECT, user=fakes.USER):
    return nl_context.RequestContext(user_id=user, project_id=project,
                                     roles=['member'])


class ServiceModulesTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        self.member = _member()

    def test_private_flavor_is_the_admins_only(self):
        flavors.create(self.admin, {'flavorid': 'p', 'name': 'private',
                                    'memory_mb': 64, 'vcpus': 1,
                                    'root_gb': 0, 'is_public': False})
        self.assertEqual('private', flavors.get(self.admin, 'p')['name'])
        self.assertRaises(exception.FlavorNotFound, flavors.get,
                          self.member, 'p')
        self.assertNotIn('p', [f['flavorid'] for f in flavors.get_all(
            self.member, is_public=None)])
        self.assertIn('p', [f['flavorid'] for f in flavors.get_all(
            self.admin, is_public=None)])
        flavors.delete(self.admin, 'p')
        self.assertRaises(exception.FlavorNotFound, flavors.get,
                          self.admin, 'p')

    def test_server_groups_find_and_create_hint(self):
        group = server_groups.create(self.member, 'g1', 'affinity')
        self.assertEqual(group['uuid'], server_groups.find(
            self.member, name='g1')['uuid'])
        self.assertEqual('g1', server_groups.find(
            self.member, group['uuid'], name='other')['name'])
        self.assertIsNone(server_groups.find(_member('project-b'),
                                             name='g1'))
        self.assertEqual(group['uuid'], server_groups.group_for_create(
            self.member, {'group': [group['uuid']]})['uuid'])
        self.assertIsNone(server_groups.group_for_create(self.member, {}))
        self.assertRaises(exception.Invalid, server_groups.group_for_create,
                          _member('project-b'), {'group': group['uuid']})
        self.assertRaises(exception.Invalid, server_groups.group_for_create,
                          self.member, {'group': [group['uuid']] * 2})

    def test_check_networks(self):
        network_api.check_networks(self.member, [self.api.network['uuid']])
        network_api.check_networks(self.member, None)
        exc = self.assertRaises(exception.NetworkNotFound,
                                network_api.check_networks, self.member,
                                [self.api.network['uuid'], 'nope'])
        self.assertEqual('nope', exc.kwargs['network_id'])

    def test_instance_actions_of_visible_servers_only(self):
        uuid = self.create_server()
        actions = instance_actions.get_all(self.member, uuid)
        self.assertEqual(['create'], [a.action for a in actions])
        self.assertEqual('create', instance_actions.get(
            self.member, uuid, actions[0].request_id).action)
        self.assertRaises(exception.NotFound, instance_actions.get,
                          self.member, uuid, 'req-unknown')
        self.assertRaises(exception.InstanceNotFound,
                          instance_actions.get_all, _member('project-b'),
                          uuid)
        self.assertIsNone(instance_actions.latest(
            self.member, uuid, 'create', actions[0].start_time.replace(
                year=2000)))

    def test_zones(self):
        self.assertEqual(['nova'], topology.availability_zone_names(
            self.admin))
        aggregate_db.aggregate_create(self.admin, 'a', 'az1')
        self.assertEqual(['nova', 'az1'], topology.availability_zone_names(
            self.admin))
        topology.check_availability_zone(self.member, 'az1')
        topology.check_availability_zone(self.member, 'nova')
        topology.check_availability_zone(self.member, None)
        self.assertRaises(exception.Invalid,
                          topology.check_availability_zone, self.member,
                          'az9')

    def test_async_jobs_and_api_keys(self):
        job = async_jobs.create(self.member, 'stopVirtualMachine', 'vm-1',
                                'Stopped')
        self.assertEqual((async_jobs.PENDING, fakes.PROJECT),
                         (job['status'], job['project_id']))
        self.assertTrue(async_jobs.finish(self.member, job['uuid'],
                                          async_jobs.SUCCEEDED, 0, {}))
        self.assertFalse(async_jobs.finish(self.member, job['uuid'],
                                           async_jobs.FAILED, 530, {}))
        self.assertEqual(async_jobs.SUCCEEDED, async_jobs.get(
            self.member, job['uuid'])['status'])
        self.assertRaises(exception.NotFound, async_jobs.get,
                          _member('project-b'), job['uuid'])
        done = async_jobs.create(self.member, 'createAffinityGroup',
                                 result={'success': True})
        self.assertEqual(async_jobs.SUCCEEDED, done['status'])
        self.assertEqual(2, async_jobs.get_all(self.member)[1])
        api_keys.replace(self.admin, 'k1', 'cred-1', fakes.USER,
                         fakes.PROJECT)
        _row, retired = api_keys.replace(self.admin, 'k2', 'cred-2',
                                         fakes.USER, fakes.PROJECT)
        self.assertEqual(['cred-1'], retired)
        self.assertEqual('cred-2', api_keys.get('k2')['credential_id'])
        self.assertRaises(exception.NotFound, api_keys.get, 'k1')


class GetPageTest(fakes.APITestCase):
    """``compute.api.API.get_page``: a page in SQL, and a count only
    when the page does not tell the total."""

    def setUp(self):
        super().setUp()
        self.uuids = [self.create_server() for _ in range(3)]
        self.counts = []
        real = instance_db.instance_count
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.db.instances.instance_count',
            lambda *a, **k: self.counts.append(1) or real(*a, **k)))
        self.compute_api = compute_api.API()

    def page(self, offset, limit, **filters):
        rows, total = self.compute_api.get_page(_member(), filters,
                                                offset=offset, limit=limit)
        return [r.uuid for r in rows], total, len(self.counts)

    def test_pages(self):
        newest = list(reversed(self.uuids))
        self.assertEqual((newest, 3, 0), self.page(0, None))
        self.assertEqual((newest, 3, 0), self.page(0, 5))
        self.assertEqual((newest[:2], 3, 1), self.page(0, 2))
        self.assertEqual((newest[2:], 3, 1), self.page(2, 2))
        self.assertEqual(([], 3, 2), self.page(4, 2))
        self.assertEqual(([], 0, 2), self.page(0, 2, uuids=['x']))
        self.assertEqual(([], 0, 2), self.page(0, 2, name_contains=['zz']))
        # A member's list stays in its project whatever the filters say.
        self.assertEqual((newest[:2], 3, 3), self.page(
            0, 2, project_id='other'))
