"""Lab check of the web dashboard (doc/dashboard.md): headless Chromium
(Selenium, Debian's chromium-driver) against a running lab's
nova-lite-dashboard.

    python devstack/tools/dashboard_check.py --url http://127.0.0.1:8790 \\
        --password "$OS_PASSWORD" [--server demo1] [--out DIR]

Steps, each printed PASS/FAIL with its time: demo signs in and sees the
server ``--server`` ACTIVE in the table; the table refreshes without a
reload (a page marker survives two refreshes); the server's console log
opens in the page; demo_reader has no launch button; admin sees the
hosts page with a vCPU bar for every host. Screenshots go to ``--out``.
Ends with ``N passed, N failed``; exit status 1 on a failure.
"""
import argparse
import os
import sys
import time

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


def _steps(b, args):
    row = 'tr[data-server-name="%s"]' % args.server

    def demo_sees_server():
        _sign_in(b, args.url, 'demo', args.password, 'demo')
        b.wait_for(row + '[data-status="ACTIVE"]', timeout=120)
        b.screenshot('lab-dashboard-servers')
        return '%s ACTIVE in the table' % args.server

    def refresh_without_reload():
        b.driver.execute_script(
            'window.novaLiteNoReload = 1; document.getElementById('
            '"servers-table").novaLiteOld = 1;')
        time.sleep(2.5 * args.refresh)
        marker, replaced = b.driver.execute_script(
            'return [window.novaLiteNoReload, document.getElementById('
            '"servers-table").novaLiteOld === undefined];')
        assert marker == 1 and replaced, (marker, replaced)
        return 'table element replaced in place, page kept'

    def console_log():
        b.click(row + ' th a')
        b.click('#console-log-button')
        text = b.wait_for('#console-log').text
        deadline = time.monotonic() + 30
        while not text.strip() and time.monotonic() < deadline:
            time.sleep(1)
            text = b.find('#console-log').text
        assert text.strip(), 'empty console log'
        b.screenshot('lab-dashboard-console-log')
        return 'last line: %r' % text.strip().splitlines()[-1][:60]

    def reader_cannot_launch():
        _sign_in(b, args.url, 'demo_reader', args.password, 'demo')
        found = b.driver.find_elements('css selector', '#launch-button')
        assert not found, 'launch button shown to demo_reader'
        return 'no launch button'

    def admin_hosts():
        _sign_in(b, args.url, 'admin', args.password, 'admin')
        b.open(args.url + '/admin/hosts')
        hosts = [e.get_attribute('data-host') for e in
                 b.driver.find_elements('css selector', 'tr[data-host]')]
        bars = b.driver.find_elements('css selector', 'tr[data-host] progress')
        assert hosts and len(bars) >= len(hosts), (hosts, len(bars))
        b.screenshot('lab-dashboard-admin-hosts')
        return 'hosts %s, %d bars' % (', '.join(hosts), len(bars))

    return [demo_sees_server, refresh_without_reload, console_log,
            reader_cannot_launch, admin_hosts]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', default='http://127.0.0.1:8790')
    parser.add_argument('--password', required=True)
    parser.add_argument('--server', default='demo1')
    parser.add_argument('--refresh', type=float, default=3.0,
                        help='[dashboard] refresh_seconds of the lab')
    parser.add_argument('--out', default=os.path.join(REPO, '.test-output'))
    args = parser.parse_args()
    args.url = args.url.rstrip('/')
    os.environ['NOVA_LITE_TEST_OUTPUT'] = args.out
    b = browser_fixture.Browser()
    b.setUp()
    passed = failed = 0
    try:
        for index, step in enumerate(_steps(b, args), 1):
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
