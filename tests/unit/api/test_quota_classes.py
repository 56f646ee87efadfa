"""``/v2.1/os-quota-class-sets/{id}`` (compute API reference, "Quota
class sets (os-quota-class-sets)"): admins show and update a class; the
``default`` class supplies the default quotas (os-quota-sets defaults,
projects without overrides, enforcement); the bodies' resources by
microversion (2.50, 2.57), for quota sets and limits too."""
import flask

from nova_lite.api import microversion
from nova_lite.api.openstack.compute.views import limits as limits_views
from nova_lite.api.openstack.compute.views import quota_sets as views
from nova_lite.api import schemas
from nova_lite.api.schemas import quota_sets as quota_schemas
from nova_lite.api.schemas import responses
from nova_lite import exception
from nova_lite import quota
from tests.unit.api import fakes

CLASSES = '/v2.1/os-quota-class-sets/'
#: Resources of a class at 2.1: no server group ones.
CLASS_RESOURCES_21 = {
    'cores', 'fixed_ips', 'floating_ips', 'injected_file_content_bytes',
    'injected_file_path_bytes', 'injected_files', 'instances', 'key_pairs',
    'metadata_items', 'ram', 'security_group_rules', 'security_groups'}
NETWORK = {'fixed_ips', 'floating_ips', 'security_group_rules',
           'security_groups'}
INJECTED = {'injected_file_content_bytes', 'injected_file_path_bytes',
            'injected_files'}
GROUPS = {'server_groups', 'server_group_members'}


class QuotaClassesTest(fakes.APITestCase):

    def put_class(self, name, values, headers=fakes.ADMIN):
        return self.put(CLASSES + name, {'quota_class_set': values},
                        headers)

    def test_show_default_is_the_config(self):
        resp = self.get(CLASSES + 'default', fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        body = resp.json['quota_class_set']
        self.assertEqual(CLASS_RESOURCES_21 | {'id'}, set(body))
        self.assertEqual(('default', 10, 51200),
                         (body['id'], body['instances'], body['ram']))
        self.api.conf.config(instances=4, group='quota')
        self.assertEqual(4, self.get(CLASSES + 'default', fakes.ADMIN).json[
            'quota_class_set']['instances'])

    def test_update_default_changes_the_defaults(self):
        resp = self.put_class('default', {'instances': 1, 'ram': '4096',
                                          'server_groups': 3})
        self.assertEqual(200, resp.status_code, resp.json)
        body = resp.json['quota_class_set']
        self.assertEqual(CLASS_RESOURCES_21, set(body))
        self.assertEqual((1, 4096), (body['instances'], body['ram']))
        shown = self.get(CLASSES + 'default', fakes.ADMIN).json[
            'quota_class_set']
        self.assertEqual((1, 4096, 20),
                         (shown['instances'], shown['ram'], shown['cores']))
        for path in ('/defaults', ''):
            quota_set = self.get('/v2.1/os-quota-sets/' + fakes.PROJECT +
                                 path).json['quota_set']
            self.assertEqual((1, 4096, 3, 20), (
                quota_set['instances'], quota_set['ram'],
                quota_set['server_groups'], quota_set['cores']))
        limits = self.get('/v2.1/limits').json['limits']['absolute']
        self.assertEqual(1, limits['maxTotalInstances'])

    def test_default_class_is_enforced_below_project_overrides(self):
        self.put_class('default', {'instances': 1})
        self.create_server()
        self.assertFault(self.post('/v2.1/servers', {'server': {
            'name': 'w', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}}),
            403, 'forbidden', 'already used 1 of 1 instances')
        self.put('/v2.1/os-quota-sets/' + fakes.PROJECT,
                 {'quota_set': {'instances': 2}}, fakes.ADMIN)
        self.create_server()

    def test_other_classes_are_stored_not_applied(self):
        resp = self.put_class('gold', {'cores': 99})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(99, self.get(CLASSES + 'gold', fakes.ADMIN).json[
            'quota_class_set']['cores'])
        self.assertEqual(20, self.get('/v2.1/os-quota-sets/' + fakes.PROJECT
                                      ).json['quota_set']['cores'])

    def test_admin_only(self):
        for headers in (fakes.MEMBER, fakes.READER):
            self.assertFault(self.get(CLASSES + 'default', headers), 403,
                             'forbidden')
            self.assertFault(self.put_class('default', {'cores': 1},
                                            headers), 403, 'forbidden')

    def test_bad_updates_are_400(self):
        for values in ({'cores': -2}, {'cores': 'x'}, {'volumes': 1},
                       {'force': True}, {'cores': 2 ** 31}):
            self.assertFault(self.put_class('default', values), 400,
                             'badRequest')
        self.assertFault(self.put(CLASSES + 'default', {'cores': 1},
                                  fakes.ADMIN), 400, 'badRequest')
        self.assertFault(self.put_class('c' * 256, {'cores': 1}), 400,
                         'badRequest', 'quota_class_name')
        self.assertEqual(20, quota.class_limits(
            self.api.admin_context, 'default')['cores'])


class MicroversionBodiesTest(fakes.APITestCase):
    """The resources of quota set, quota class set and limits bodies at
    2.36, 2.50 and 2.57 (the views branch on ``at_least``; versions above
    the advertised maximum are set on the request context directly)."""

    def at(self, version, function, *args):
        app = flask.Flask(__name__)
        with app.test_request_context('/'):
            flask.g.api_version = microversion.parse(version)
            return function(*args)

    def test_class_resources(self):
        all_ = set(quota.RESOURCES)
        self.assertEqual(all_ - GROUPS,
                         set(self.at('2.49', views.class_resources)))
        self.assertEqual(all_ - NETWORK,
                         set(self.at('2.50', views.class_resources)))
        self.assertEqual(all_ - NETWORK - INJECTED,
                         set(self.at('2.57', views.class_resources)))

    def test_quota_set_resources(self):
        all_ = set(quota.RESOURCES)
        self.assertEqual(all_ - NETWORK,
                         set(self.at('2.56', views.resources)))
        self.assertEqual(all_ - NETWORK - INJECTED,
                         set(self.at('2.57', views.resources)))

    def test_limits_lose_personality_at_257(self):
        limits = quota.config_defaults()
        used = dict.fromkeys(quota.RESOURCES, 0)
        before = self.at('2.56', limits_views.limits, limits, used)
        after = self.at('2.57', limits_views.limits, limits, used)
        gone = {'maxPersonality', 'maxPersonalitySize'}
        self.assertTrue(gone <= set(before['limits']['absolute']))
        self.assertEqual(set(before['limits']['absolute']) - gone,
                         set(after['limits']['absolute']))

    def test_update_schemas(self):
        def refused(entry, version, key, name):
            schema = schemas.for_version(entry, microversion.parse(version))
            try:
                schemas.validate(schema, {key: {name: 1}})
            except exception.ValidationError:
                return True
            return False
        sets, classes = quota_schemas.update, quota_schemas.update_class
        self.assertFalse(refused(sets, '2.56', 'quota_set', 'injected_files'))
        self.assertTrue(refused(sets, '2.57', 'quota_set', 'injected_files'))
        self.assertFalse(refused(classes, '2.49', 'quota_class_set',
                                 'fixed_ips'))
        self.assertTrue(refused(classes, '2.50', 'quota_class_set',
                                'fixed_ips'))
        self.assertFalse(refused(classes, '2.56', 'quota_class_set',
                                 'injected_files'))
        self.assertTrue(refused(classes, '2.57', 'quota_class_set',
                                'injected_files'))

    def test_response_schemas_match_the_views(self):
        rule = '/v2.1/os-quota-class-sets/<class_name>'
        for version in ('2.1', '2.50', '2.57'):
            parsed = microversion.parse(version)
            schema = responses.schema('GET', rule, 200, parsed)
            names = set(self.at(version, views.class_resources))
            self.assertEqual(names | {'id'}, set(
                schema['properties']['quota_class_set']['properties']))
            schema = responses.schema(
                'GET', '/v2.1/os-quota-sets/<project_id>', 200, parsed)
            names = set(self.at(version, views.resources))
            self.assertEqual(names | {'id'}, set(
                schema['properties']['quota_set']['properties']))
