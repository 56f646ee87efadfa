"""The dashboard's guard rails: no page or fragment without a session,
CSRF on every state-changing request, sessions that end, security
headers, the token never in a page."""
import time

from nova_lite.dashboard import client
from nova_lite.dashboard import keystone
from nova_lite.dashboard import sessions
from nova_lite.dashboard.views import auth
from tests.unit.dashboard import base

SERVERS = {'servers': []}


class SessionRequiredTest(base.DashboardTestCase):

    def test_pages_redirect_to_sign_in(self):
        for path in ('/servers', '/servers/launch', '/keypairs', '/images',
                     '/quotas', '/admin/hosts', '/servers/abc'):
            resp = self.client.get(path)
            self.assertEqual(302, resp.status_code, path)
            self.assertTrue(resp.location.startswith('/auth/login?next='),
                            resp.location)
        self.assertEqual([], self.api.calls)

    def test_fragments_answer_401_with_htmx_redirect(self):
        resp = self.client.get('/servers/table',
                               headers={'HX-Request': 'true'})
        self.assertEqual(401, resp.status_code)
        self.assertEqual('/auth/login', resp.headers['HX-Redirect'])

    def test_unknown_cookie_opens_nothing(self):
        self.client.set_cookie(sessions.COOKIE, 'forged-session-id')
        self.assertEqual(302, self.client.get('/servers').status_code)

    def test_sign_in_page_and_assets_are_public(self):
        resp = self.client.get('/auth/login')
        self.assertEqual(200, resp.status_code)
        self.assertIn(b'id="signin"', resp.data)
        self.assertIn(auth.LOGIN_CSRF_COOKIE,
                      resp.headers.get('Set-Cookie', ''))
        self.assertEqual(200, self.client.get('/healthcheck').status_code)


class CSRFTest(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        self.sign_in()
        self.api.answer('GET', 'compute', '/servers/detail?limit=1000',
                        SERVERS)

    def test_post_without_token_is_403_and_calls_nothing(self):
        resp = self.post('/servers/abc/action/stop', csrf=False)
        self.assertEqual(403, resp.status_code)
        self.assertEqual([], [c for c in self.api.calls if c[0] != 'GET'])

    def test_post_with_wrong_token_is_403(self):
        resp = self.client.post('/servers/abc/action/stop',
                                data={'csrf_token': 'x' * 64})
        self.assertEqual(403, resp.status_code)

    def test_header_token_is_accepted(self):
        resp = self.client.post(
            '/servers/abc/action/stop',
            headers={'X-CSRF-Token': self.session.csrf_token,
                     'HX-Request': 'true'})
        self.assertEqual(200, resp.status_code)
        self.assertIn(('POST', 'compute', '/servers/abc/action',
                       {'os-stop': None}), self.api.calls)

    def test_sign_in_form_needs_its_double_submit_value(self):
        resp = self.client.post('/auth/login', data={
            'username': 'demo', 'password': 'pw', 'project': 'demo',
            'login_csrf': 'guess'})
        self.assertEqual(403, resp.status_code)


class SignInOutTest(base.DashboardTestCase):

    def _form_token(self):
        self.client.get('/auth/login')
        return self.client.get_cookie(auth.LOGIN_CSRF_COOKIE).value

    def _login(self, **kwargs):
        return keystone.Login(
            token='tok-123', expires_at=time.time() + 600, user_id='u1',
            user_name='demo', project_id='p1', project_name='demo',
            roles=['member'], endpoints={'compute': 'http://c'}, **kwargs)

    def test_sign_in_sets_session_and_redirects_to_next(self):
        calls = []

        def sign_in(identity, username, password, project):
            calls.append((identity.auth_url, username, project))
            return self._login()
        self.patch(keystone, 'sign_in', sign_in)
        resp = self.client.post('/auth/login', data={
            'username': 'demo', 'password': 'pw', 'project': 'demo',
            'login_csrf': self._form_token(), 'next': '/keypairs'})
        self.assertEqual(303, resp.status_code)
        self.assertEqual('/keypairs', resp.location)
        self.assertEqual([('http://keystone.test/v3', 'demo', 'demo')],
                         calls)
        cookie = self.client.get_cookie(sessions.COOKIE)
        self.assertTrue(cookie.http_only)
        self.assertEqual('Lax', cookie.same_site)
        self.assertEqual('tok-123',
                         sessions.get(cookie.value, 60, time.time()).token)

    def test_next_never_leaves_the_site(self):
        self.patch(keystone, 'sign_in', lambda *a: self._login())
        resp = self.client.post('/auth/login', data={
            'username': 'demo', 'password': 'pw', 'project': 'demo',
            'login_csrf': self._form_token(),
            'next': '//evil.example/x'})
        self.assertEqual('/servers', resp.location)

    def test_wrong_password_is_401_with_message(self):
        def refuse(*args):
            raise keystone.SignInFailed('The user name, password or '
                                        'project is not right.')
        self.patch(keystone, 'sign_in', refuse)
        resp = self.client.post('/auth/login', data={
            'username': 'demo', 'password': 'bad', 'project': 'demo',
            'login_csrf': self._form_token()})
        self.assertEqual(401, resp.status_code)
        self.assertIn(b'is not right', resp.data)
        self.assertIsNone(self.client.get_cookie(sessions.COOKIE))

    def test_sign_out_revokes_and_the_old_cookie_opens_nothing(self):
        session = self.sign_in()
        revoked = []
        self.patch(keystone, 'sign_out',
                   lambda identity, token: revoked.append(token))
        resp = self.post('/auth/logout')
        self.assertEqual(303, resp.status_code)
        self.assertEqual([session.token], revoked)
        self.client.set_cookie(sessions.COOKIE, session.session_id)
        resp = self.client.get('/servers')
        self.assertEqual(302, resp.status_code)
        self.assertIsNone(sessions.get(session.session_id, 60, time.time()))


class SessionStoreTest(base.DashboardTestCase):

    def test_token_is_stored_encrypted(self):
        session = self.sign_in()
        from nova_lite import context
        from nova_lite.db import login_sessions
        from nova_lite.db import models
        row = login_sessions.LoginSessions(models.DashboardSession).get(
            context.get_admin_context(), sessions.digest(session.session_id))
        self.assertNotIn(session.token, str(row))
        self.assertNotIn(session.session_id, str(row))

    def test_idle_and_expired_sessions_end(self):
        session = self.sign_in()
        now = time.time()
        self.assertIsNotNone(sessions.get(session.session_id, 60, now))
        self.assertIsNone(sessions.get(session.session_id, 60, now + 7200))
        self.assertEqual(0, sessions.count())


class PageTest(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        self.session = self.sign_in()

    def test_security_headers_and_no_token_in_page(self):
        self.api.answer('GET', 'compute', '/servers/detail?limit=1000',
                        SERVERS)
        resp = self.client.get('/servers')
        self.assertEqual(200, resp.status_code)
        csp = resp.headers['Content-Security-Policy']
        self.assertIn("script-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual('no-store', resp.headers['Cache-Control'])
        self.assertNotIn(self.session.token.encode(), resp.data)
        self.assertIn(self.session.csrf_token.encode(), resp.data)

    def test_other_projects_server_is_404(self):
        self.api.answer('GET', 'compute', '/servers/abc', client.APIError(
            404, 'Instance abc could not be found.'))
        resp = self.client.get('/servers/abc')
        self.assertEqual(404, resp.status_code)
        self.assertIn(b'could not be found', resp.data)
