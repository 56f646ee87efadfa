"""nova_lite.api.auth's keystone pipeline against a real Keystone.

keystonemiddleware's auth_token validates the tokens over HTTP with the
service user ``nova_lite`` seeded by keystone_lab; the wrapped app is a
trivial WSGI app that answers the RequestContext it was given.
"""
import json
import logging

import fixtures
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_middleware import request_id
import testtools
from werkzeug import test as werkzeug_test

from nova_lite.api import auth
from tests.functional.fixtures import keystone as keystone_fixture


def context_app(environ, start_response):
    """WSGI app answering the RequestContext it received, as JSON."""
    ctx = environ[auth.CONTEXT_KEY]
    body = json.dumps({
        'user_id': ctx.user_id, 'project_id': ctx.project_id,
        'user_name': ctx.user_name, 'project_name': ctx.project_name,
        'roles': sorted(ctx.roles), 'is_admin': ctx.is_admin,
        'request_id': ctx.request_id}).encode()
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [body]


class KeystoneAuthPipelineTest(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ks = keystone_fixture.KeystoneFixture(
            'http://127.0.0.1:8774/v2.1', 'http://127.0.0.1:8774/image')
        cls.ks.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.ks.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.cfg = self.useFixture(config_fixture.Config(cfg.CONF))
        self.configure_authtoken()
        app = auth.pipeline_factory(context_app, cfg.CONF)
        self.http = werkzeug_test.Client(request_id.RequestId(app))

    def configure_authtoken(self):
        """[keystone_authtoken] as an operator writes it for the lab."""
        group = 'keystone_authtoken'
        self.cfg.register_opts(
            ks_loading.get_auth_plugin_conf_options('password'), group=group)
        self.cfg.config(auth_strategy='keystone', group='api')
        self.cfg.config(
            group=group, auth_type='password', auth_url=self.ks.auth_url,
            username=self.ks.service_user,
            password=self.ks.service_password,
            project_name=self.ks.service_project,
            user_domain_name='Default', project_domain_name='Default',
            www_authenticate_uri=self.ks.auth_url, interface='internal',
            region_name='RegionOne', service_token_roles_required=True,
            http_connect_timeout=10)

    def get(self, path='/v2.1/servers', token=None, **headers):
        if token:
            headers['X-Auth-Token'] = token
        return self.http.get(path, headers=headers)

    def assertUnauthorized(self, resp):
        self.assertEqual(401, resp.status_code)
        self.assertEqual('application/json', resp.headers['Content-Type'])
        self.assertEqual(401, resp.json['unauthorized']['code'])
        self.assertEqual(f'Keystone uri="{self.ks.auth_url}"',
                         resp.headers['WWW-Authenticate'])

    def test_no_token_is_401_fault(self):
        self.assertUnauthorized(self.get())

    def test_bad_token_is_401(self):
        self.assertUnauthorized(self.get(token='not-a-valid-token'))

    def test_spoofed_identity_headers_are_ignored(self):
        self.assertUnauthorized(self.get(
            **{'X-Identity-Status': 'Confirmed', 'X-Roles': 'admin',
               'X-User-Id': self.ks.ids['users']['admin'],
               'X-Project-Id': self.ks.ids['projects']['demo']}))

    def test_demo_token_gives_demo_context(self):
        resp = self.get(token=self.ks.token('demo'))
        self.assertEqual(200, resp.status_code)
        ctx = resp.json
        self.assertEqual(self.ks.ids['projects']['demo'], ctx['project_id'])
        self.assertEqual(self.ks.ids['users']['demo'], ctx['user_id'])
        self.assertEqual(('demo', 'demo'),
                         (ctx['user_name'], ctx['project_name']))
        self.assertIn('member', ctx['roles'])
        self.assertNotIn('admin', ctx['roles'])
        self.assertFalse(ctx['is_admin'])
        self.assertEqual(resp.headers['x-openstack-request-id'],
                         ctx['request_id'])

    def test_reader_token_has_reader_role_only(self):
        resp = self.get(token=self.ks.token('demo_reader'))
        self.assertEqual(['reader'], resp.json['roles'])

    def test_admin_token_gives_admin_context(self):
        resp = self.get(token=self.ks.token('admin'))
        self.assertEqual(200, resp.status_code)
        self.assertIn('admin', resp.json['roles'])
        self.assertTrue(resp.json['is_admin'])
        self.assertEqual(self.ks.ids['projects']['admin'],
                         resp.json['project_id'])

    def test_version_path_needs_no_token(self):
        resp = self.get('/v2.1/')
        self.assertEqual(200, resp.status_code)
        self.assertIsNone(resp.json['project_id'])
        self.assertEqual([], resp.json['roles'])

    def test_version_path_with_token_gets_its_context(self):
        resp = self.get('/', token=self.ks.token('alt_demo'))
        self.assertEqual(self.ks.ids['projects']['alt_demo'],
                         resp.json['project_id'])
