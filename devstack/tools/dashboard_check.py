"""Lab check of the web dashboard (doc/dashboard.md): headless Chromium
(Selenium, Debian's chromium-driver) against a running lab's
nova-lite-dashboard.

    python devstack/tools/dashboard_check.py --url http://127.0.0.1:8790 \\
        --password "$OS_PASSWORD" [--server demo1] [--out DIR]

Steps, each printed PASS/FAIL with its time (issue 24's walk): admin
sees a vCPU bar for every host; demo sees the server ``--server``
ACTIVE, the table refreshes in place (a page marker survives), launches
a server from the form and watches it turn ACTIVE without a reload,
finds ``NOVA_LITE_GUEST_UP <name>`` in its console log, stops and starts
it; admin sees the vCPUs used rise; demo deletes it; demo_reader has no
launch button and gets the API's 403 when posting the form; the servers
page fits a 390 px wide window. Screenshots go to ``--out``.
Ends with ``N passed, N failed``; exit status 1 on a failure.
"""
import argparse
import os
import sys
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, REPO)

from tests.functional.fixtures import browser as browser_fixture  # noqa: E402


def _sign_in(b, url, user, password, project):
    b.driver.delete_all_cookies()
    b.open(url + '/auth/login')
    b.fill('#username', user)
    b.fill('#password', password)
    b.fill('#project', project)
    b.click('#signin-submit')
    b.wait_text('nav', 'Sign out %s' % user)


def _vcpus_used(b, url):
    b.open(url + '/admin/hosts')
    b.wait_for('tr[data-host]')
    return sum(int(e.get_attribute('data-vcpus-used')) for e in
               b.driver.find_elements('css selector', 'tr[data-host]'))


def _wait_gone(b, css, timeout):
    deadline = time.monotonic() + timeout
    while b.driver.find_elements('css selector', css):
        if time.monotonic() > deadline:
            raise AssertionError('%s still in the page' % css)
        time.sleep(1)


class Walk:
    """The steps, in order, sharing one browser and what they found."""

    def __init__(self, b, args):
        self.b = b
        self.args = args
        self.name = 'dash-%s' % uuid.uuid4().hex[:6]
        self.vcpus_before = None

    def row(self, name):
        return 'tr[data-server-name="%s"]' % name

    def sign_in(self, user, project):
        _sign_in(self.b, self.args.url, user, self.args.password, project)

    def admin_hosts(self):
        self.sign_in('admin', 'admin')
        self.vcpus_before = _vcpus_used(self.b, self.args.url)
        bars = self.b.driver.find_elements('css selector',
                                           'tr[data-host] progress')
        hosts = [e.get_attribute('data-host') for e in
                 self.b.driver.find_elements('css selector', 'tr[data-host]')]
        assert hosts and len(bars) >= len(hosts), (hosts, len(bars))
        self.b.screenshot('lab-dashboard-admin-hosts-before')
        return 'hosts %s, %d bars, %d vCPUs used' % (
            ', '.join(hosts), len(bars), self.vcpus_before)

    def demo_sees_server(self):
        self.sign_in('demo', 'demo')
        self.b.wait_for(self.row(self.args.server) + '[data-status="ACTIVE"]',
                        timeout=120)
        self.b.screenshot('lab-dashboard-servers')
        return '%s ACTIVE in the table' % self.args.server

    def refresh_without_reload(self):
        b = self.b
        b.driver.execute_script(
            'window.novaLiteNoReload = 1; document.getElementById('
            '"servers-table").novaLiteOld = 1;')
        time.sleep(2.5 * self.args.refresh)
        marker, replaced = b.driver.execute_script(
            'return [window.novaLiteNoReload, document.getElementById('
            '"servers-table").novaLiteOld === undefined];')
        assert marker == 1 and replaced, (marker, replaced)
        return 'table element replaced in place, page kept'

    def launch_from_form(self):
        b = self.b
        b.click('#launch-button')
        b.fill('#name', self.name)
        b.click('#launch-submit')
        b.wait_for(self.row(self.name))
        b.driver.execute_script('window.novaLiteNoReload = 1;')
        started = time.monotonic()
        b.wait_for(self.row(self.name) + '[data-status="ACTIVE"]',
                   timeout=self.args.boot_timeout)
        assert b.driver.execute_script(
            'return window.novaLiteNoReload;') == 1, 'page reloaded'
        b.screenshot('lab-dashboard-launched')
        return '%s ACTIVE %.1f s after the table showed it, no reload' % (
            self.name, time.monotonic() - started)

    def console_log(self):
        b = self.b
        b.click(self.row(self.name) + ' th a')
        marker = 'NOVA_LITE_GUEST_UP %s' % self.name
        deadline = time.monotonic() + self.args.boot_timeout
        while True:
            b.click('#console-log-button')
            time.sleep(2)
            if marker in b.find('#console-log').text:
                break
            assert time.monotonic() < deadline, 'no %r in the log' % marker
            time.sleep(3)
        b.screenshot('lab-dashboard-console-log')
        return '%r in the console log' % marker

    def stop_start(self):
        b = self.b
        b.click('button[data-action="stop"]')
        b.wait_for('#server-status-value[data-status="SHUTOFF"]',
                   timeout=self.args.boot_timeout)
        b.click('button[data-action="start"]')
        b.wait_for('#server-status-value[data-status="ACTIVE"]',
                   timeout=self.args.boot_timeout)
        return 'SHUTOFF, then ACTIVE again'

    def admin_bar_rises(self):
        self.sign_in('admin', 'admin')
        after = _vcpus_used(self.b, self.args.url)
        assert after > self.vcpus_before, (self.vcpus_before, after)
        self.b.screenshot('lab-dashboard-admin-hosts-after')
        return 'vCPUs used %d -> %d' % (self.vcpus_before, after)

    def delete(self):
        b = self.b
        self.sign_in('demo', 'demo')
        b.wait_for(self.row(self.name))
        b.driver.execute_script(
            'window.confirm = function () { return true; };')
        b.click(self.row(self.name) + ' button[data-action="delete"]')
        _wait_gone(b, self.row(self.name), self.args.boot_timeout)
        return '%s gone from the table' % self.name

    def reader_gets_403(self):
        b = self.b
        self.sign_in('demo_reader', 'demo')
        found = b.driver.find_elements('css selector', '#launch-button')
        assert not found, 'launch button shown to demo_reader'
        b.open(self.args.url + '/servers/launch')
        b.fill('#name', 'reader-vm')
        b.click('#launch-submit')
        status = b.wait_for('#form-status').text
        assert '403' in status, status
        b.screenshot('lab-dashboard-reader-403')
        return 'no launch button; posted form: %s %s' % (
            status, b.find('#form-error').text[:60])

    def other_pages(self):
        """Every other page loads with its heading (admin's and demo's)."""
        b = self.b
        seen = []
        for user, project, paths in (
                ('admin', 'admin', ('/admin/zones', '/admin/failures',
                                    '/admin/activity')),
                ('demo', 'demo', ('/keypairs', '/images', '/quotas'))):
            self.sign_in(user, project)
            for path in paths:
                b.open(self.args.url + path)
                heading = b.wait_for('main h1').text
                assert 'Error' not in b.driver.title, (path, heading)
                b.screenshot('lab-dashboard-%s' % path.strip('/').replace(
                    '/', '-'))
                seen.append('%s "%s"' % (path, heading))
        return ', '.join(seen)

    def phone_width(self):
        b = self.b
        b.driver.set_window_size(390, 844)
        self.sign_in('demo', 'demo')
        overflow = b.driver.execute_script(
            'return document.documentElement.scrollWidth - window.innerWidth;')
        b.screenshot('lab-dashboard-phone')
        b.driver.set_window_size(1280, 900)
        assert overflow <= 0, 'page %d px wider than the window' % overflow
        return 'no horizontal overflow at 390 px (the table scrolls alone)'

    def steps(self):
        return [self.admin_hosts, self.demo_sees_server,
                self.refresh_without_reload, self.launch_from_form,
                self.console_log, self.stop_start, self.admin_bar_rises,
                self.delete, self.reader_gets_403, self.other_pages,
                self.phone_width]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', default='http://127.0.0.1:8790')
    parser.add_argument('--password', required=True)
    parser.add_argument('--server', default='demo1')
    parser.add_argument('--refresh', type=float, default=3.0,
                        help='[dashboard] refresh_seconds of the lab')
    parser.add_argument('--boot-timeout', type=float, default=300,
                        help='seconds a real guest may take to boot')
    parser.add_argument('--out', default=os.path.join(REPO, '.test-output'))
    args = parser.parse_args()
    args.url = args.url.rstrip('/')
    os.environ['NOVA_LITE_TEST_OUTPUT'] = args.out
    b = browser_fixture.Browser()
    b.setUp()
    passed = failed = 0
    try:
        for index, step in enumerate(Walk(b, args).steps(), 1):
            started = time.monotonic()
            try:
                detail = step()
                passed += 1
                verdict = 'PASS'
            except Exception as exc:  # noqa: BLE001 - reported per step
                detail = '%s: %s' % (type(exc).__name__, exc)
                failed += 1
                verdict = 'FAIL'
            print('%2d %-24s %s (%.1f s): %s' % (
                index, step.__name__, verdict, time.monotonic() - started,
                detail), flush=True)
    finally:
        b.cleanUp()
    print('screenshots in %s/screenshots' % args.out)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
