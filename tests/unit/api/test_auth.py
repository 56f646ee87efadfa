"""nova_lite.api.auth: noauth strategy, version-path bypass, KeystoneContext.

KeystoneContext is fed the headers keystonemiddleware's auth_token sets
(X-Identity-Status etc.); the real auth_token against a real Keystone is
covered by tests/functional/test_auth_keystone.py.
"""
import json
import logging

import fixtures
from keystonemiddleware import auth_token
from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_middleware import request_id
import testtools
from werkzeug import test as werkzeug_test

from nova_lite.api import auth
from nova_lite import context


def context_app(environ, start_response):
    """WSGI app answering the RequestContext it received, as JSON."""
    ctx = environ[auth.CONTEXT_KEY]
    assert isinstance(ctx, context.RequestContext)
    body = json.dumps({'user_id': ctx.user_id, 'project_id': ctx.project_id,
                       'roles': ctx.roles, 'is_admin': ctx.is_admin,
                       'request_id': ctx.request_id}).encode()
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [body]


class _AuthTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cfg = self.useFixture(config_fixture.Config(cfg.CONF))
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.INFO))

    def client(self, app):
        return werkzeug_test.Client(request_id.RequestId(app))

    def assertUnauthorized(self, resp):
        self.assertEqual(401, resp.status_code)
        self.assertEqual('application/json', resp.headers['Content-Type'])
        self.assertEqual({'unauthorized': {
            'code': 401, 'message': 'Authentication required.'}}, resp.json)


class NoAuthTest(_AuthTestCase):

    def setUp(self):
        super().setUp()
        self.cfg.config(auth_strategy='noauth', group='api')
        self.http = self.client(auth.pipeline_factory(context_app, cfg.CONF))

    def test_factory_picks_noauth(self):
        self.assertIsInstance(auth.pipeline_factory(context_app, cfg.CONF),
                              auth.NoAuthContext)
        self.assertIn('auth_strategy = noauth', self.log.output)

    def test_headers_give_the_context(self):
        resp = self.http.get('/v2.1/servers', headers={
            'X-User-Id': 'u1', 'X-Project-Id': 'p1',
            'X-Roles': 'reader, member'})
        self.assertEqual(200, resp.status_code)
        self.assertEqual('u1', resp.json['user_id'])
        self.assertEqual('p1', resp.json['project_id'])
        self.assertEqual(['reader', 'member'], resp.json['roles'])
        self.assertFalse(resp.json['is_admin'])

    def test_project_header_alone_uses_defaults(self):
        resp = self.http.get('/v2.1/flavors', headers={'X-Project-Id': 'p1'})
        self.assertEqual(200, resp.status_code)
        self.assertEqual('fake_user', resp.json['user_id'])
        self.assertEqual(['member'], resp.json['roles'])

    def test_token_user_project(self):
        resp = self.http.get('/v2.1/servers',
                             headers={'X-Auth-Token': 'alice:proj9'})
        self.assertEqual(200, resp.status_code)
        self.assertEqual('alice', resp.json['user_id'])
        self.assertEqual('proj9', resp.json['project_id'])

    def test_headers_win_over_token(self):
        resp = self.http.get('/v2.1/servers', headers={
            'X-Auth-Token': 'alice:proj9', 'X-Project-Id': 'p1'})
        self.assertEqual(('alice', 'p1'), (resp.json['user_id'],
                                           resp.json['project_id']))

    def test_empty_token_parts_take_defaults(self):
        resp = self.http.get('/v2.1/servers', headers={'X-Auth-Token': ':'})
        self.assertEqual(('fake_user', 'fake_project'),
                         (resp.json['user_id'], resp.json['project_id']))

    def test_admin_role_makes_admin_context(self):
        resp = self.http.get('/v2.1/servers', headers={
            'X-Project-Id': 'p1', 'X-Roles': 'admin'})
        self.assertTrue(resp.json['is_admin'])

    def test_no_credentials_is_401(self):
        self.assertUnauthorized(self.http.get('/v2.1/servers'))

    def test_user_without_project_is_401(self):
        self.assertUnauthorized(self.http.get(
            '/v2.1/servers', headers={'X-User-Id': 'u1'}))

    def test_token_without_colon_is_401(self):
        self.assertUnauthorized(self.http.get(
            '/v2.1/servers', headers={'X-Auth-Token': 'sometoken'}))

    def test_request_id_reaches_context(self):
        resp = self.http.get('/v2.1/servers', headers={'X-Project-Id': 'p'})
        self.assertEqual(resp.headers['x-openstack-request-id'],
                         resp.json['request_id'])


class VersionPathTest(_AuthTestCase):
    """Version documents pass without credentials under both strategies
    (KeystoneContext is given auth_token's verdict for a missing token)."""

    def apps(self):
        no_token = {'HTTP_X_IDENTITY_STATUS': 'Invalid'}

        def keystone_verdict(environ, start_response):
            environ.update(no_token)
            return auth.KeystoneContext(context_app)(environ, start_response)

        return {'noauth': self.client(auth.NoAuthContext(context_app)),
                'keystone': self.client(keystone_verdict)}

    def test_version_paths_are_anonymous(self):
        for name, http in self.apps().items():
            for path in sorted(auth.VERSION_PATHS):
                resp = http.get(path)
                self.assertEqual(200, resp.status_code, (name, path))
                self.assertIsNone(resp.json['user_id'])
                self.assertIsNone(resp.json['project_id'])
                self.assertEqual([], resp.json['roles'])
                self.assertFalse(resp.json['is_admin'])
                self.assertEqual(resp.headers['x-openstack-request-id'],
                                 resp.json['request_id'])

    def test_head_of_version_path_passes(self):
        for http in self.apps().values():
            self.assertEqual(200, http.head('/v2.1').status_code)

    def test_other_paths_and_methods_are_401(self):
        for http in self.apps().values():
            for path in ('/v2.1/servers', '/v2.1/flavors/1', '/v2.1//',
                         '/image/v2/images', '/client/api', '/v3', '//'):
                self.assertUnauthorized(http.get(path))
            self.assertUnauthorized(http.post('/v2.1/'))
            self.assertUnauthorized(http.delete('/'))

    def test_noauth_credentials_on_version_path_give_context(self):
        http = self.apps()['noauth']
        resp = http.get('/', headers={'X-Project-Id': 'p1'})
        self.assertEqual('p1', resp.json['project_id'])


class KeystoneContextTest(_AuthTestCase):
    """KeystoneContext given the headers auth_token would set."""

    def call(self, path='/v2.1/servers', **headers):
        http = self.client(auth.KeystoneContext(context_app))
        return http.get(path, environ_base={
            'HTTP_' + k.upper(): v for k, v in headers.items()})

    def test_confirmed_identity_gives_context(self):
        resp = self.call(x_identity_status='Confirmed', x_user_id='u1',
                         x_project_id='p1', x_roles='admin,reader')
        self.assertEqual(200, resp.status_code)
        self.assertEqual(('u1', 'p1'), (resp.json['user_id'],
                                        resp.json['project_id']))
        self.assertEqual(['admin', 'reader'], resp.json['roles'])
        self.assertTrue(resp.json['is_admin'])
        self.assertEqual(resp.headers['x-openstack-request-id'],
                         resp.json['request_id'])

    def test_invalid_identity_is_401(self):
        self.assertUnauthorized(self.call(
            x_identity_status='Invalid', x_user_id='u1', x_project_id='p1'))

    def test_missing_status_is_401(self):
        self.assertUnauthorized(self.call(x_user_id='u1', x_project_id='p1'))

    def test_invalid_service_token_is_401(self):
        self.assertUnauthorized(self.call(
            x_identity_status='Confirmed', x_user_id='u1', x_project_id='p1',
            x_service_identity_status='Invalid'))


class KeystonePipelineTest(_AuthTestCase):

    def test_factory_builds_auth_token_with_delayed_decision(self):
        self.cfg.config(auth_strategy='keystone', group='api')
        app = auth.pipeline_factory(context_app, cfg.CONF)
        self.assertIsInstance(app, auth_token.AuthProtocol)
        self.assertTrue(app._delay_auth_decision)
        self.assertIsInstance(app._app, auth.KeystoneContext)

    def test_own_config_object_gets_authtoken_options(self):
        conf = cfg.ConfigOpts()
        auth.register_keystone_authtoken_opts(conf)
        conf([], project='nova_lite')
        self.assertEqual('internal', conf.keystone_authtoken.interface)
