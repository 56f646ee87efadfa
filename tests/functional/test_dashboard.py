"""Issue 24 acceptance: the web dashboard in headless Chromium (Selenium
with Debian's chromium-driver) and over plain HTTP, against a
multi-process nova_lite (RabbitMQ, MariaDB, one fake compute) behind a
real Keystone, with ``nova-lite-dashboard`` as its own process.

Each browser test saves screenshots under the test run's output
(``$NOVA_LITE_TEST_OUTPUT`` or ``.test-output/screenshots``).
"""
import os
import re
import time
import urllib.parse
import uuid

import requests

from nova_lite.bench import processes as bench_processes
from tests.functional.fixtures import browser as browser_fixture
from tests.functional import test_clients

#: Seconds to wait for a server to change state in the page.
STATE_TIMEOUT = 120
#: Seconds a plain HTTP call to the dashboard may take.
HTTP_TIMEOUT = 60


class DashboardStackTestCase(test_clients.KeystoneStackTestCase):
    """A Keystone-backed stack plus ``nova-lite-dashboard`` on a free
    port of localhost (``cls.dashboard_url``)."""

    extra_conf = {('dashboard', 'refresh_seconds'): 1}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls._start_dashboard()
        except Exception:
            cls.stack.cleanUp()
            raise

    @classmethod
    def _start_dashboard(cls):
        stack = cls.stack
        port = bench_processes.free_port()
        path = os.path.join(stack.state_dir, 'dashboard.conf')
        with open(path, 'w') as conf:
            conf.write('[dashboard]\nlisten = 127.0.0.1\nport = %d\n'
                       'auth_url = %s\n' % (port, stack.auth_url))
        stack.start_process('dashboard', 'nova-lite-dashboard',
                            'controller', '--config-file', path)
        # localhost: a secure context, where browsers keep Secure cookies
        # over plain HTTP.
        cls.dashboard_url = 'http://localhost:%d' % port
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(cls.dashboard_url + '/healthcheck',
                                timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError('nova-lite-dashboard did not start')
            time.sleep(0.5)

    def dashboard_log(self):
        with open(self.stack.processes['dashboard'].log_path) as log:
            return log.read()


class DashboardTest(DashboardStackTestCase):
    """In the browser: demo launches, watches, reads the console of,
    stops, starts and deletes a server; demo_reader cannot launch; admin
    sees the host's capacity bars move. Over HTTP: sessions, CSRF,
    project isolation, no token anywhere (one stack for both)."""

    def setUp(self):
        super().setUp()
        self.browser = self.useFixture(browser_fixture.Browser())

    def sign_in(self, user):
        b = self.browser
        b.open(self.dashboard_url + '/')
        b.fill('#username', user)
        b.fill('#password', self.stack.passwords[user])
        b.fill('#project', self.stack.projects[user])
        b.click('#signin-submit')
        b.wait_text('nav', 'Sign out %s' % user)

    def row(self, name):
        return 'tr[data-server-name="%s"]' % name

    def wait_status(self, name, status):
        self.browser.wait_for('%s[data-status="%s"]' % (self.row(name),
                                                       status),
                              timeout=STATE_TIMEOUT)

    def test_demo_launch_watch_console_stop_start_delete(self):
        b = self.browser
        self.sign_in('demo')
        b.screenshot('dashboard-demo-servers-empty')
        b.click('#launch-button')
        name = 'dash-%s' % uuid.uuid4().hex[:6]
        b.fill('#name', name)
        b.screenshot('dashboard-demo-launch-form')
        b.click('#launch-submit')
        b.wait_for(self.row(name))
        # A marker that a reload would wipe: the row turns ACTIVE through
        # htmx's refresh of the table alone.
        b.driver.execute_script('window.novaLiteNoReload = 1;')
        self.wait_status(name, 'ACTIVE')
        self.assertEqual(1, b.driver.execute_script(
            'return window.novaLiteNoReload;'))
        b.screenshot('dashboard-demo-server-active')
        b.click(self.row(name) + ' th a')
        b.click('#console-log-button')
        b.wait_text('#console-log', 'NOVA_LITE_GUEST_UP')
        b.screenshot('dashboard-demo-console-log')
        b.click('button[data-action="stop"]')
        b.wait_for('#server-status-value[data-status="SHUTOFF"]',
                   timeout=STATE_TIMEOUT)
        b.click('button[data-action="start"]')
        b.wait_for('#server-status-value[data-status="ACTIVE"]',
                   timeout=STATE_TIMEOUT)
        b.screenshot('dashboard-demo-restarted')
        b.click('button[data-action="delete"]')
        b.wait_for('#servers-table')
        deadline = time.monotonic() + STATE_TIMEOUT
        while b.driver.find_elements('css selector', self.row(name)):
            self.assertLess(time.monotonic(), deadline, 'not deleted')
            time.sleep(1)
        b.screenshot('dashboard-demo-deleted')

    def test_reader_has_no_launch_and_sees_the_api_403(self):
        b = self.browser
        self.sign_in('demo_reader')
        self.assertEqual([], b.driver.find_elements('css selector',
                                                    '#launch-button'))
        b.screenshot('dashboard-reader-servers')
        # The form posted by hand, with the session's own CSRF token.
        b.open(self.dashboard_url + '/servers/launch')
        b.fill('#name', 'reader-vm')
        b.click('#launch-submit')
        error = b.wait_for('#form-error')
        self.assertIn('403', b.find('#form-status').text)
        self.assertRegex(error.text, r'(?i)polic|not allowed|forbidden')
        b.screenshot('dashboard-reader-403')

    def test_admin_sees_host_capacity_change_after_a_boot(self):
        b = self.browser
        self.sign_in('admin')
        b.open(self.dashboard_url + '/admin/hosts')
        host = b.wait_for('tr[data-host]')
        before = int(host.get_attribute('data-vcpus-used'))
        b.screenshot('dashboard-admin-hosts-before')
        api = self.api('demo')
        resp = api.create_server('dash-admin-%s' % uuid.uuid4().hex[:6],
                                 image=api.image_id(), networks='auto')
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.addCleanup(api.delete_server, server_id)
        servers = api.wait_for_servers([server_id], timeout=STATE_TIMEOUT)
        self.assertEqual('ACTIVE', servers[server_id]['status'])
        deadline = time.monotonic() + STATE_TIMEOUT
        while True:
            used = int(b.find('tr[data-host]').get_attribute(
                'data-vcpus-used'))
            if used > before:
                break
            self.assertLess(time.monotonic(), deadline,
                            'vCPU bar stayed at %d' % used)
            time.sleep(1)
        b.screenshot('dashboard-admin-hosts-after')

    # ------------------------------------------------------------ security
    # Plain HTTP (requests) against the same dashboard: what a browser
    # would not try.

    def http_sign_in(self, user):
        """The session cookie of a sign-in as ``user`` (the cookies are
        Secure: requests would not send them back over HTTP by itself)."""
        url = self.dashboard_url + '/auth/login'
        token = requests.get(url, timeout=HTTP_TIMEOUT).cookies[
            'nova_lite_signin']
        resp = requests.post(
            url, timeout=HTTP_TIMEOUT, allow_redirects=False,
            cookies={'nova_lite_signin': token},
            data={'username': user, 'login_csrf': token,
                  'password': self.stack.passwords[user],
                  'project': self.stack.projects[user]})
        self.assertEqual(303, resp.status_code, resp.text)
        return resp.cookies['nova_lite_session']

    def http(self, method, path, cookie, **kwargs):
        """One request to the dashboard with session ``cookie``."""
        kwargs.setdefault('allow_redirects', False)
        return requests.request(method, self.dashboard_url + path,
                                cookies={'nova_lite_session': cookie},
                                timeout=HTTP_TIMEOUT, **kwargs)

    def csrf_of(self, cookie):
        page = self.http('GET', '/servers', cookie).text
        return re.search(r'name="csrf_token" value="([0-9a-f]+)"',
                         page).group(1)

    def test_no_page_or_fragment_without_a_session(self):
        for path in ('/servers', '/servers/table', '/servers/launch',
                     '/keypairs', '/images', '/quotas', '/admin/hosts',
                     '/admin/hosts/table', '/admin/failures'):
            resp = requests.get(self.dashboard_url + path,
                                timeout=HTTP_TIMEOUT, allow_redirects=False)
            self.assertEqual(302, resp.status_code, path)
            self.assertIn('/auth/login', resp.headers['Location'])
            resp = requests.get(self.dashboard_url + path,
                                timeout=HTTP_TIMEOUT, allow_redirects=False,
                                headers={'HX-Request': 'true'})
            self.assertEqual(401, resp.status_code, path)

    def test_state_change_without_csrf_token_is_403(self):
        cookie = self.http_sign_in('demo')
        before = self.api('demo').list_servers()
        resp = self.http('POST', '/servers/launch', cookie,
                         data={'name': 'no-csrf', 'flavor': '1',
                               'image': self.api('demo').image_id()})
        self.assertEqual(403, resp.status_code)
        self.assertEqual(len(before), len(self.api('demo').list_servers()))

    def test_another_projects_server_is_404(self):
        api = self.api('alt_demo')
        resp = api.create_server('alt-%s' % uuid.uuid4().hex[:6],
                                 image=api.image_id(), networks='auto')
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.addCleanup(api.delete_server, server_id)
        cookie = self.http_sign_in('demo')
        for path in ('/servers/%s', '/servers/%s/status'):
            resp = self.http('GET', path % server_id, cookie)
            self.assertEqual(404, resp.status_code, path)
        resp = self.http('POST', '/servers/%s/action/stop' % server_id,
                         cookie, data={'csrf_token': self.csrf_of(cookie)})
        self.assertEqual(404, resp.status_code)

    def test_token_never_in_a_page_url_or_log_and_sign_out_ends_it(self):
        cookie = self.http_sign_in('demo')
        csrf = self.csrf_of(cookie)
        seen = []
        for path in ('/servers', '/servers/table', '/servers/launch',
                     '/keypairs', '/images', '/quotas'):
            resp = self.http('GET', path, cookie)
            self.assertEqual(200, resp.status_code, path)
            seen.append(resp.url + resp.text + str(resp.headers))
        tokens = re.findall(r'gAAAA[\w-]{20,}', ''.join(seen))
        self.assertEqual([], tokens, 'Fernet token in a page')
        resp = self.http('POST', '/auth/logout', cookie,
                         data={'csrf_token': csrf})
        self.assertEqual(303, resp.status_code)
        old = self.http('GET', '/servers', cookie, allow_redirects=True)
        self.assertIn('id="signin"', old.text)
        self.assertTrue(urllib.parse.urlparse(old.url).path.endswith(
            '/auth/login'))
        log = self.dashboard_log()
        self.assertNotIn('Token revocation at sign-out failed', log)
        self.assertNotIn(cookie, log)
        self.assertNotIn(self.stack.passwords['demo'], log)
        self.assertEqual([], re.findall(r'gAAAA[\w-]{20,}', log))
