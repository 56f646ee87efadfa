"""Meta-tests of the request schemas: every body-taking route of the app
has one, each is strict (``additionalProperties: false``) and bounded, and
the app really validates with it."""
import re

import jsonschema
import testtools

from nova_lite.api import microversion
from nova_lite.api.openstack.compute import server_actions as actions_api
from nova_lite.api import schemas
from nova_lite.api import versions_history
from nova_lite.api.schemas import remote_consoles as console_schemas
from nova_lite.api.schemas import server_actions
from nova_lite.api import wsgi
from tests.unit.api import fakes

BODY_METHODS = {'POST', 'PUT', 'PATCH'}


def _subschemas(schema, path='#'):
    """Yield (path, subschema) for every schema nested in ``schema``."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key in ('properties', 'patternProperties'):
        for name, sub in schema.get(key, {}).items():
            yield from _subschemas(sub, '%s/%s/%s' % (path, key, name))
    for key in ('items', 'additionalProperties'):
        if isinstance(schema.get(key), dict):
            yield from _subschemas(schema[key], '%s/%s' % (path, key))
    for key in ('oneOf', 'anyOf', 'allOf'):
        for index, sub in enumerate(schema.get(key, [])):
            yield from _subschemas(sub, '%s/%s/%d' % (path, key, index))


def _types(schema):
    kind = schema.get('type', [])
    return {kind} if isinstance(kind, str) else set(kind)


class SchemaRegistryTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.app = wsgi.create_flask_app()
        self.registry = schemas.route_schemas()

    def test_every_body_route_has_a_schema(self):
        routes = {(method, rule.rule) for rule in self.app.url_map.iter_rules()
                  for method in rule.methods & BODY_METHODS}
        self.assertTrue(routes)
        self.assertEqual(set(), routes - set(self.registry)
                         - schemas.BODYLESS)

    def test_no_schema_for_a_missing_route(self):
        routes = {(method, rule.rule) for rule in self.app.url_map.iter_rules()
                  for method in rule.methods}
        self.assertEqual(set(), set(self.registry) - routes)

    def _schemas(self):
        for route, entry in self.registry.items():
            for schema in schemas.all_schemas(entry):
                yield route, schema

    def test_schemas_are_valid_and_strict(self):
        for route, schema in self._schemas():
            jsonschema.Draft7Validator.check_schema(schema)
            self.assertEqual('object', schema['type'], route)
            self.assertIs(False, schema['additionalProperties'], route)
            for path, sub in _subschemas(schema):
                if 'object' in _types(sub) or 'properties' in sub:
                    self.assertIn('additionalProperties', sub, (route, path))
                    self.assertIsNot(True, sub['additionalProperties'],
                                     (route, path))

    def test_strings_are_bounded(self):
        for route, schema in self._schemas():
            for path, sub in _subschemas(schema):
                if 'string' in _types(sub):
                    self.assertTrue('maxLength' in sub or 'enum' in sub,
                                    (route, path))

    def test_each_action_has_a_schema_and_a_handler(self):
        self.assertEqual(server_actions.ACTIONS,
                         server_actions.action['properties'])
        # Every version's action schema (the rebuild, createImage and
        # createBackup of server_image_actions included) names exactly
        # the actions that have a handler.
        entry = schemas.route_schemas()[
            ('POST', '/v2.1/servers/<server_id>/action')]
        consoles = set(console_schemas.ACTIONS)
        for first, last, schema in entry.ranges:
            expected = set(actions_api.ACTIONS)
            if microversion.APIVersion.parse(first) > \
                    microversion.APIVersion.parse('2.5'):
                expected -= consoles    # the get*Console actions end at 2.5
            self.assertEqual(expected, set(schema['properties']),
                             (first, last))


class SchemaEnforcedTest(fakes.APITestCase):

    def test_every_body_route_refuses_unknown_properties(self):
        server_id = self.create_server()
        for (method, rule) in schemas.route_schemas():
            path = re.sub(r'<[^>]+>', '1', rule.replace('<server_id>',
                                                          server_id))
            # At the maximum (some routes exist only from a version), or
            # at the last version of a route that ends before it.
            last = versions_history.ROUTES.get((method, rule),
                                               (None, None))[1]
            version = 'latest'
            if last is not None and microversion.parse(last) < \
                    microversion.MAX_VERSION:
                version = last
            resp = self.api.request(method, path, {'bogus': 1},
                                    headers=dict(fakes.ADMIN, **{
                                        microversion.HEADER: 'compute '
                                        + version}))
            self.assertFault(resp, 400, 'badRequest', 'bogus')
