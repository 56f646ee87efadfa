"""CloudStack listResourceLimits and updateResourceLimit over the
compute API's quotas: an account's limits are its project's quotas
(types 0 instances, 8 CPUs, 9 memory MiB), shown and set through either
API; updates need an admin."""
import fixtures

from nova_lite.api.cloudstack import errors
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

QUOTAS = '/v2.1/os-quota-sets/'
OTHER = {'id': fakes.OTHER_PROJECT, 'name': 'project-b',
         'domain_id': 'default', 'domain_name': 'Default'}


class FakeKeystone(test_endpoint.FakeKeystone):
    """Knows fakes.PROJECT and fakes.OTHER_PROJECT by name and id."""

    projects = {'project-a': fakes.PROJECT, 'project-b': fakes.OTHER_PROJECT}

    def find(self, collection, name_or_id, domain='Default'):
        if name_or_id in self.projects.values():
            return name_or_id
        if name_or_id not in self.projects:
            raise errors.InvalidParameter('project %s not found in domain '
                                          '%s' % (name_or_id, domain))
        return self.projects[name_or_id]

    def project(self, project_id):
        if project_id != fakes.OTHER_PROJECT:
            raise errors.InvalidParameter('project %s not found'
                                          % project_id)
        return dict(OTHER)


class ResourceLimitsTestCase(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.keystone.get_client',
            lambda conf: FakeKeystone(self.roles)))

    def limits(self, **params):
        status, body = self.json('listResourceLimits', **params)
        self.assertEqual(200, status, body)
        return {int(item['resourcetype']): item for item in
                body['listresourcelimitsresponse'].get('resourcelimit', [])}

    def update(self, **params):
        return self.json('updateResourceLimit', **params)


class MemberResourceLimitsTest(ResourceLimitsTestCase):

    def test_own_account_limits_are_the_projects_quotas(self):
        limits = self.limits()
        self.assertEqual({0, 8, 9}, set(limits))
        self.assertEqual({'account': 'project-a', 'domainid': 'default',
                          'domain': 'Default', 'projectid': fakes.PROJECT,
                          'resourcetype': '0', 'resourcetypename': 'user_vm',
                          'max': 10}, limits[0])
        self.assertEqual((20, 'cpu', 51200, 'memory'), (
            limits[8]['max'], limits[8]['resourcetypename'],
            limits[9]['max'], limits[9]['resourcetypename']))
        self.api.request('PUT', QUOTAS + fakes.PROJECT,
                         {'quota_set': {'cores': 3}}, headers=fakes.ADMIN)
        self.assertEqual({8: 3}, {n: item['max'] for n, item in
                                  self.limits(resourcetype='8').items()})
        self.assertEqual({9}, set(self.limits(resourcetypename='memory')))
        self.assertEqual({}, self.limits(resourcetype='2'))

    def test_bad_types_are_431(self):
        for params in ({'resourcetype': '12'},
                       {'resourcetypename': 'bogus'},
                       {'resourcetype': '0', 'resourcetypename': 'cpu'}):
            status, body = self.json('listResourceLimits', **params)
            self.assertEqual(431, status, body)

    def test_other_account_needs_admin(self):
        status, body = self.json('listResourceLimits', account='project-b')
        self.assertEqual(531, status, body)

    def test_update_is_for_admins(self):
        status, body = self.update(resourcetype='0', max='1')
        self.assertEqual(432, status, body)
        self.assertEqual(10, self.limits()[0]['max'])


class AdminResourceLimitsTest(ResourceLimitsTestCase):

    roles = ['admin', 'member', 'reader']

    def test_update_sets_the_projects_quota(self):
        status, body = self.update(resourcetype='9', max='4096',
                                   account='project-b')
        self.assertEqual(200, status, body)
        limit = body['updateresourcelimitresponse']['resourcelimit']
        self.assertEqual(('project-b', fakes.OTHER_PROJECT, '9', 4096), (
            limit['account'], limit['projectid'], limit['resourcetype'],
            limit['max']))
        quota_set = self.api.request(
            'GET', QUOTAS + fakes.OTHER_PROJECT,
            headers=fakes.ADMIN).json['quota_set']
        self.assertEqual(4096, quota_set['ram'])
        self.assertEqual(4096, self.limits(projectid=fakes.OTHER_PROJECT)[
            9]['max'])

    def test_update_enforced_at_deploy(self):
        status, body = self.update(resourcetype='0', max='0')
        self.assertEqual(200, status, body)
        resp = self.api.request('POST', '/v2.1/servers', {'server': {
            'name': 'w', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}})
        self.assertEqual(403, resp.status_code, resp.json)
        status, body = self.update(resourcetype='0')
        self.assertEqual(-1, body['updateresourcelimitresponse'][
            'resourcelimit']['max'])

    def test_bad_updates_are_431(self):
        for params in ({'resourcetype': '2', 'max': '5'},
                       {'resourcetype': '0', 'max': '-2'},
                       {'resourcetype': '0', 'max': str(2 ** 31)},
                       {'max': '5'},
                       {'resourcetype': '0', 'account': 'nobody'},
                       {'resourcetype': '0', 'projectid': 'nope'}):
            status, body = self.update(**params)
            self.assertEqual(431, status, (params, body))
        self.assertEqual(10, self.limits()[0]['max'])
