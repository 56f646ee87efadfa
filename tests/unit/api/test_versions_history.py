"""The microversion history walked version by version: every version's
request schemas and response schemas are those of its OpenAPI document
(``GET /v2.1/openapi.json?microversion=X``), and the bodies the views
render at that version validate against the document."""
import base64
import json

import jsonschema
import testtools

from nova_lite.api import microversion
from nova_lite.api import openapi
from nova_lite.api import schemas
from nova_lite.api.schemas import responses
from nova_lite.api import versions_history
from nova_lite.api import wsgi
from tests.unit.api import fakes


class HistoryTableTest(testtools.TestCase):

    def test_contiguous_from_2_1_to_the_maximum(self):
        versions = [row.version for row in versions_history.HISTORY]
        self.assertEqual(['2.%d' % n for n in range(1, len(versions) + 1)],
                         versions)
        self.assertEqual(versions[-1], str(microversion.MAX_VERSION))
        self.assertEqual(len(versions), len(microversion.all_versions()))

    def test_rows_describe_their_change(self):
        for row in versions_history.HISTORY:
            self.assertTrue(row.description.strip(), row.version)
            self.assertNotIn('\n', row.description)
            self.assertTrue(row.handlers, row.version)

    def test_routes_bounds_are_known_versions(self):
        # A last bound may be a version past the maximum whose row is
        # still to come (os-hosts ends at 2.42); first bounds are rows.
        known = {row.version for row in versions_history.HISTORY}
        for (_method, rule), (first, last) in \
                versions_history.ROUTES.items():
            self.assertIn(first, known, rule)
            if last is not None and last not in known:
                self.assertGreater(microversion.APIVersion.parse(last),
                                   microversion.MAX_VERSION, rule)


def _json_schema(operation, status):
    return operation['responses'][str(status)]['content'][
        'application/json']['schema']


class DocumentPerVersionTest(testtools.TestCase):
    """Each version's document carries that version's schemas."""

    def setUp(self):
        super().setUp()
        self.app = wsgi.create_flask_app(fakes.CONF)
        self.registry = schemas.route_schemas()

    def test_each_version(self):
        for version in microversion.all_versions():
            doc = openapi.document(self.app, version=version)
            self.assertEqual(str(version), doc['info']['version'])
            for (method, rule), entry in self.registry.items():
                path = openapi.openapi_path(rule)
                available = microversion.route_available(method, rule,
                                                         version)
                operation = doc['paths'].get(path, {}).get(method.lower())
                if not available:
                    self.assertIsNone(operation, (version, rule))
                    continue
                schema = schemas.for_version(entry, version)
                self.assertEqual(
                    openapi.ecma_schema(schema),
                    operation['requestBody']['content'][
                        'application/json']['schema'], (version, rule))
                header = [p for p in operation['parameters']
                          if p['in'] == 'header']
                self.assertEqual(['compute %s' % str(version)],
                                 header[0]['schema']['enum'])
            for (method, rule) in responses.RESPONSES:
                if not microversion.route_available(method, rule, version):
                    continue
                operation = doc['paths'][openapi.openapi_path(rule)][
                    method.lower()]
                success = [int(s) for s in operation['responses']
                           if s.startswith('2')]
                self.assertEqual(1, len(success), (version, rule))
                schema = responses.schema(method, rule, success[0],
                                          version)
                if schema is not None:
                    jsonschema.Draft7Validator.check_schema(schema)
                    self.assertEqual(openapi.ecma_schema(schema),
                                     _json_schema(operation, success[0]))


class RenderedBodiesTest(fakes.APITestCase):
    """Bodies the API answers at each version fit that version's
    document."""

    def setUp(self):
        super().setUp()
        #: Response schemas already checked against their metaschema (as
        #: canonical JSON): most are the same at every version, and the
        #: metaschema check costs ten times the validation itself.
        self.checked_schemas = set()

    def _validate(self, body, schema):
        """``jsonschema.validate`` with each distinct schema's
        metaschema check done once."""
        validator_class = jsonschema.validators.validator_for(schema)
        key = json.dumps(schema, sort_keys=True)
        if key not in self.checked_schemas:
            validator_class.check_schema(schema)
            self.checked_schemas.add(key)
        validator_class(schema).validate(body)

    def _doc(self, version):
        resp = self.get('/v2.1/openapi.json?microversion=%s' % str(version),
                        headers=fakes.ADMIN)
        self.assertEqual(200, resp.status_code)
        return resp.json

    def _check(self, doc, version, method, path, rule, resp):
        operation = doc['paths'][openapi.openapi_path(rule)][method.lower()]
        status = str(resp.status_code)
        self.assertIn(status, operation['responses'],
                      (version, path, resp.get_data(as_text=True)))
        self.assertTrue(status.startswith('2'),
                        (version, path, resp.get_data(as_text=True)))
        content = operation['responses'][status].get('content')
        if content is None:
            self.assertEqual(b'', resp.get_data())
            return
        self._validate(resp.json, content['application/json']['schema'])

    def test_walk(self):
        for version in microversion.all_versions():
            doc = self._doc(version)
            headers = dict(fakes.ADMIN, **{
                microversion.HEADER: 'compute %s' % str(version)})
            name = 'k-%d' % version[1]
            for method, path, rule, body in self._requests(name, version):
                if not microversion.route_available(method, rule, version):
                    continue
                resp = self.api.request(method, path, body, headers)
                self._check(doc, version, method, path, rule, resp)

    @staticmethod
    def _requests(name, version):
        keypair = '/v2.1/os-keypairs/<keypair_name>'
        flavor = '/v2.1/flavors/<flavor_id>'
        new_keypair = {'name': name}
        if version >= (2, 92):
            # 2.92: no generated pairs; an ed25519 public key blob.
            blob = (b'\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20'
                    + bytes([version[1]]) * 32)
            new_keypair['public_key'] = ('ssh-ed25519 '
                                         + base64.b64encode(blob).decode())
        return [
            ('POST', '/v2.1/os-keypairs', '/v2.1/os-keypairs',
             {'keypair': new_keypair}),
            ('GET', '/v2.1/os-keypairs', '/v2.1/os-keypairs', None),
            ('GET', '/v2.1/os-keypairs/' + name, keypair, None),
            ('DELETE', '/v2.1/os-keypairs/' + name, keypair, None),
            ('GET', '/v2.1/flavors/1', flavor, None),
            ('GET', '/v2.1/flavors/detail', '/v2.1/flavors/detail', None),
            ('POST', '/v2.1/os-server-groups', '/v2.1/os-server-groups',
             {'server_group': {'name': name, 'policies': ['affinity']}}
             if version < (2, 64) else
             {'server_group': {'name': name, 'policy': 'anti-affinity',
                               'rules': {'max_server_per_host': 2}}}),
            ('GET', '/v2.1/os-server-groups', '/v2.1/os-server-groups',
             None),
            ('GET', '/v2.1/os-services', '/v2.1/os-services', None),
            ('GET', '/v2.1/os-simple-tenant-usage?detailed=1',
             '/v2.1/os-simple-tenant-usage', None),
            ('GET', '/v2.1/os-simple-tenant-usage/admin-project',
             '/v2.1/os-simple-tenant-usage/<tenant_id>', None),
            ('GET', '/v2.1/os-hosts', '/v2.1/os-hosts', None),
            ('GET', '/v2.1/os-instance_usage_audit_log',
             '/v2.1/os-instance_usage_audit_log', None),
            ('GET', '/v2.1/limits', '/v2.1/limits', None),
            ('POST', '/v2.1/os-aggregates', '/v2.1/os-aggregates',
             {'aggregate': {'name': name}}),
            ('GET', '/v2.1/os-aggregates', '/v2.1/os-aggregates', None),
        ]


class DocPageTest(testtools.TestCase):

    def test_doc_lists_the_history(self):
        import os
        path = os.path.join(os.path.dirname(__file__), '..', '..', '..',
                            'doc', 'microversions.md')
        with open(path) as page:
            self.assertIn(versions_history.markdown_table(), page.read())
