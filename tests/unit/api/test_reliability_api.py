"""Issue 7 at the API: admission control of creates, 503 when the
database is unreachable, /healthcheck and the OpenAPI document."""
import json

import jsonschema

from nova_lite.api import faults
from nova_lite.api import microversion
from nova_lite.api import openapi
from nova_lite.api import openstack
from nova_lite.api import schemas
from nova_lite.api import wsgi
from nova_lite.db import session as db_session
from tests.unit.api import fakes

#: A database nobody listens on (connections are refused at once).
UNREACHABLE_DB = 'mysql+pymysql://nl:nl@127.0.0.1:1/nova_lite'


class AdmissionTest(fakes.APITestCase):
    """``[api] max_pending_builds``: builds in BUILD across the cloud."""

    api_options = {'max_pending_builds': 3,
                   'pending_builds_retry_after': 7}

    def _create(self, **server):
        body = {'name': 'web', 'imageRef': fakes.IMAGE_UUID,
                'flavorRef': '1', 'return_reservation_id': True}
        body.update(server)
        return self.post('/v2.1/servers', {'server': body})

    def _count(self, reservation_id):
        resp = self.get('/v2.1/servers?reservation_id=%s' % reservation_id)
        return len(resp.json['servers'])

    def test_full_cloud_answers_503_with_retry_after(self):
        for _ in range(3):
            self.create_server()
        resp = self._create()
        self.assertFault(resp, 503, 'serviceUnavailable', 'retry later')
        self.assertEqual('7', resp.headers['Retry-After'])
        self.assertEqual(3, self.api.count_instances())

    def test_max_count_is_cut_to_the_room_left(self):
        self.create_server()
        resp = self._create(min_count=1, max_count=5)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(2, self._count(resp.json['reservation_id']))

    def test_min_count_that_does_not_fit_now_is_503(self):
        self.create_server()
        resp = self._create(min_count=3, max_count=3)
        self.assertFault(resp, 503, 'serviceUnavailable')
        self.assertEqual(1, self.api.count_instances())

    def test_min_count_above_the_bound_is_400(self):
        resp = self._create(min_count=4, max_count=4)
        self.assertFault(resp, 400, 'badRequest', 'min_count 4')

    def test_finished_builds_make_room(self):
        ids = [self.create_server() for _ in range(3)]
        self.set_instance(ids[0], vm_state='active', task_state=None)
        self.set_instance(ids[1], vm_state='error', task_state=None)
        resp = self._create(max_count=5)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(2, self._count(resp.json['reservation_id']))

    def test_builds_of_every_project_count(self):
        """The pending builds are the cloud's, counted in the same
        statement as the project's own usage."""
        self.create_server(headers=fakes.OTHER)
        self.create_server(headers=fakes.ADMIN)
        resp = self._create(max_count=5)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(1, self._count(resp.json['reservation_id']))
        self.assertFault(self._create(), 503, 'serviceUnavailable')


class AdmissionDisabledTest(fakes.APITestCase):

    api_options = {'max_pending_builds': 0}

    def test_zero_disables_the_check(self):
        for _ in range(4):
            self.create_server()
        self.assertEqual(4, self.api.count_instances())


class DatabaseUnreachableTest(fakes.APITestCase):
    """The database goes away: 503 ``serviceUnavailable``, no traceback."""

    def setUp(self):
        super().setUp()
        self.api.conf.config(connection=UNREACHABLE_DB, max_retries=0,
                             group='database')
        db_session.reset()

    def test_read_is_503(self):
        resp = self.get('/v2.1/servers/detail')
        message = self.assertFault(resp, 503, 'serviceUnavailable',
                                   'database is unreachable')
        self.assertNotIn('Traceback', message)
        self.assertNotIn('127.0.0.1', message)
        self.assertEqual(str(faults.DB_RETRY_AFTER),
                         resp.headers['Retry-After'])

    def test_create_is_503(self):
        resp = self.post('/v2.1/servers', {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}})
        self.assertFault(resp, 503, 'serviceUnavailable')

    def test_healthcheck_is_503(self):
        resp = self.api.request('GET', '/healthcheck', headers={})
        self.assertEqual(503, resp.status_code)
        self.assertIn('database unreachable', resp.get_data(as_text=True))


class DatabaseErrorClassTest(fakes.APITestCase):

    def test_statement_errors_are_not_connection_errors(self):
        from oslo_db import exception as db_exc
        self.assertTrue(faults.is_db_connection_error(
            db_exc.DBConnectionError(None)))
        self.assertFalse(faults.is_db_connection_error(
            db_exc.DBError(ValueError('syntax'))))


class HealthcheckTest(fakes.APITestCase):

    def test_healthy_without_credentials(self):
        resp = self.api.request('GET', '/healthcheck', headers={})
        self.assertEqual(200, resp.status_code)
        self.assertEqual('database OK', resp.get_data(as_text=True))

    def test_head(self):
        resp = self.api.request('HEAD', '/healthcheck', headers={})
        self.assertEqual(204, resp.status_code)


class OpenAPITest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        resp = self.get('/v2.1/openapi.json')
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.doc = resp.json

    def test_needs_credentials(self):
        resp = self.api.request('GET', '/v2.1/openapi.json', headers={})
        self.assertFault(resp, 401, 'unauthorized')

    def _doc_where(self, method, rule):
        """The document of the first version serving the route (some
        exist only from a version: versions_history.ROUTES)."""
        for version in microversion.all_versions():
            if microversion.route_available(method, rule, version):
                if version == microversion.MIN_VERSION:
                    return version, self.doc
                return version, self.get(
                    '/v2.1/openapi.json?microversion=%s' % str(version)).json
        self.fail('%s %s is served at no version' % (method, rule))

    def test_every_route_and_method_is_documented(self):
        app = wsgi.create_flask_app(fakes.CONF)
        for rule in app.url_map.iter_rules():
            if rule.endpoint == 'static':
                continue
            path = openapi.openapi_path(rule.rule)
            for method in rule.methods - {'HEAD', 'OPTIONS'}:
                _version, doc = self._doc_where(method, rule.rule)
                self.assertIn(path, doc['paths'])
                self.assertIn(method.lower(), doc['paths'][path])

    def test_request_bodies_are_the_route_schemas(self):
        for (method, rule), entry in schemas.route_schemas().items():
            version, doc = self._doc_where(method, rule)
            schema = schemas.for_version(entry, version)
            operation = doc['paths'][openapi.openapi_path(rule)][
                method.lower()]
            self.assertEqual(openapi.ecma_schema(schema),
                             operation['requestBody']['content'][
                                 'application/json']['schema'])

    def test_patterns_are_ecma_262(self):
        self.assertNotIn('\\\\Z', json.dumps(self.doc))
        self.assertEqual('^[a-z]{1,3}$',
                         openapi.ecma_pattern(r'^[a-z]{1,3}\Z'))
        self.assertEqual(r'^a\\Z$', openapi.ecma_pattern(r'^a\\Z\Z'))
        metadata = self.doc['paths']['/v2.1/servers/{server_id}/metadata'][
            'post']['requestBody']['content']['application/json']['schema']
        self.assertIn(r'^[a-zA-Z0-9-_:. ]{1,255}$', metadata['properties'][
            'metadata']['patternProperties'])

    def test_path_parameters_match_placeholders(self):
        operation = self.doc['paths'][
            '/v2.1/servers/{server_id}/metadata/{key}']['put']
        names = [p['name'] for p in operation['parameters']
                 if p['in'] == 'path']
        self.assertEqual(['server_id', 'key'], names)

    def test_success_statuses_come_from_the_handlers(self):
        paths = self.doc['paths']
        self.assertEqual({'202'}, _success(paths['/v2.1/servers']['post']))
        self.assertEqual({'204'}, _success(
            paths['/v2.1/servers/{server_id}']['delete']))
        self.assertNotIn('content', paths['/v2.1/servers/{server_id}'][
            'delete']['responses']['204'])
        self.assertEqual({'200', '202', '204'}, _success(
            paths['/v2.1/servers/{server_id}/action']['post']))

    def test_fault_schema_describes_faults(self):
        schema = self.doc['components']['schemas']['Fault']
        jsonschema.validate(openstack.fault_body(404, 'gone'), schema)
        self.assertRaises(jsonschema.ValidationError, jsonschema.validate,
                          {'itemNotFound': {'code': 404}}, schema)
        responses = self.doc['paths']['/v2.1/servers']['get']['responses']
        self.assertIn('503', responses)
        self.assertNotIn('500', responses)

    def test_server_list_query_parameters(self):
        names = {p['name'] for p in self.doc['paths']['/v2.1/servers'][
            'get']['parameters']}
        self.assertLessEqual({'limit', 'marker', 'status', 'name',
                              'changes-since'}, names)


def _success(operation):
    return {code for code in operation['responses'] if code.startswith('2')}
