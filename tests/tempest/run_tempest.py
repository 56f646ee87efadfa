#!/usr/bin/env python3
"""Run a selection of Tempest's compute API tests against nova_lite.

Brings up a multi-process nova_lite (RabbitMQ, MariaDB, two fake-driver
computes) behind a real Keystone with the functional test fixtures
(``MultiProcessStack(keystone=True)``), creates a Tempest workspace
(``tempest init``) in a temporary directory, writes ``etc/tempest.conf``
from ``tests/tempest/tempest.conf`` and runs::

    tempest run --include-list tests/tempest/include-list.txt \\
        --exclude-list tests/tempest/exclude-list.txt --concurrency N

(``--concurrency``, default 1: Tempest's own stestr workers, each class
on one of them; Tempest runs its ``@serial`` classes alone.  A run is
mostly waiting, Tempest polling at its 1 s ``build_interval``: with 4
workers the selection takes 230 s instead of 490 s, for the same CPU.)

Credentials (``--credentials``): ``dynamic`` (default) gives Tempest the
Keystone admin account of the stack (``[auth] admin_*``,
``use_dynamic_credentials = true``), so it creates a project and users
per test class, as the admin quota tests require (they force tenant
isolation); ``preprovisioned`` writes an accounts file (demo and
alt_demo as members, demo_reader, admin) instead.  The stack's catalog
has nova_lite's Networking API as the ``network`` service
(doc/network-api.md): Tempest's clean-up of each dynamic project
deletes its ``default`` security group there.

Prints Tempest's own summary, then ``N passed, N failed, N skipped``.
Exit status 0 only when Tempest succeeded, no selected test failed or was
skipped, every regex of the include list selected a test, and at least
``--min-tests`` passed.

    python tests/tempest/run_tempest.py [--backend mysql] \\
        [--credentials dynamic|preprovisioned] [--concurrency N] \\
        [--json-summary PATH] \\
        [--artifacts DIR] [--regex R | --filter R]

``--artifacts DIR`` keeps tempest.conf (no secrets: the admin password
is masked), tempest.log and every service log for a post-mortem;
``--regex`` runs other tests (exploration); ``--filter R`` keeps only the
include list's lines that select a test matching ``R`` (the checks of the
include list then apply to those lines).
Tempest runs with ``HOME`` set to the workspace, so that ``tempest init``
leaves nothing in the caller's home directory.
"""
import argparse
import io
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from nova_lite.bench import client as compute_client  # noqa: E402
from tests.functional.fixtures import processes  # noqa: E402

TEMPLATE = os.path.join(HERE, 'tempest.conf')
INCLUDE_LIST = os.path.join(HERE, 'include-list.txt')
EXCLUDE_LIST = os.path.join(HERE, 'exclude-list.txt')
#: Users of the accounts file: (user, role list), in the order Tempest
#: tries them.  Compute classes take their primary credentials from a
#: ``member`` account (demo), a ``reader`` of the same project
#: (demo_reader) and the alternate from the first free non-admin account:
#: alt_demo must come before demo_reader, or the "other tenant" tests get
#: a reader of the primary project.
ACCOUNTS = (('demo', ['member']), ('alt_demo', ['member']),
            ('demo_reader', ['reader']), ('admin', ['admin']))
#: The Keystone admin account Tempest creates projects and users with
#: (dynamic credentials).
ADMIN_USER = 'admin'
#: The external network of floating IPs ([network] public_network_id),
#: in a private test range.
PUBLIC_NETWORK = 'public'
PUBLIC_CIDR = '172.24.4.0/24'
PUBLIC_POOL = '172.24.4.100-172.24.4.199'
#: nova_lite flavors used as flavor_ref / flavor_ref_alt (bootstrap).
FLAVOR_REF = 'm1.nano'
FLAVOR_REF_ALT = 'm1.micro'
#: Images: the bootstrap image and a second one created for image_ref_alt
#: (the list-filter tests need two distinct images).
IMAGE_REF = 'tiny'
IMAGE_REF_ALT = 'tiny-alt'


def log(message):
    print('[run_tempest %s] %s' % (time.strftime('%H:%M:%S'), message),
          flush=True)


def tempest_command():
    """argv prefix of the ``tempest`` console script of this venv."""
    path = shutil.which('tempest', path=os.path.dirname(sys.executable))
    if not path:
        raise SystemExit('tempest is not installed in %s (see '
                         'test-requirements.txt)' % sys.prefix)
    return [path]


def tempest_env(workspace):
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env['HOME'] = workspace
    env.pop('PYTHONDONTWRITEBYTECODE', None)
    return env


def stack_values(stack):
    """Values of the template placeholders that come from the stack."""
    client = compute_client.ComputeClient(stack.api_url,
                                          token=stack.token('admin'))
    resp = client.request('GET', '/flavors')
    resp.raise_for_status()
    flavors = {f['name']: f['id'] for f in resp.json()['flavors']}
    stack.manage('image', 'create', IMAGE_REF_ALT)
    public = stack.manage('network', 'create-external', PUBLIC_NETWORK,
                          PUBLIC_CIDR, '--pool', PUBLIC_POOL,
                          '--route-flat')
    return {
        'public_network_id': public.split()[-1],
        'auth_url': stack.auth_url,
        'image_ref': client.image_id(IMAGE_REF),
        'image_ref_alt': client.image_id(IMAGE_REF_ALT),
        'flavor_ref': flavors[FLAVOR_REF],
        'flavor_ref_alt': flavors[FLAVOR_REF_ALT],
        'compute_nodes': len(stack.hosts),
    }


def write_accounts(stack, path):
    """The pre-provisioned accounts file (YAML; JSON is valid YAML)."""
    accounts = [{'username': user, 'project_name': stack.projects[user],
                 'password': stack.passwords[user],
                 'user_domain_name': 'Default',
                 'project_domain_name': 'Default', 'roles': roles}
                for user, roles in ACCOUNTS]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as out:
        json.dump(accounts, out, indent=2)


def auth_section(stack, credentials, accounts_file):
    """The ``[auth]`` options of ``credentials`` (dynamic or
    preprovisioned), without the section header."""
    common = ['default_credentials_domain_name = Default',
              'create_isolated_networks = false',
              'admin_domain_scope = false']
    if credentials == 'preprovisioned':
        write_accounts(stack, accounts_file)
        return '\n'.join(['use_dynamic_credentials = false',
                          'test_accounts_file = %s' % accounts_file]
                         + common)
    return '\n'.join([
        'use_dynamic_credentials = true',
        'admin_username = %s' % ADMIN_USER,
        'admin_password = %s' % stack.passwords[ADMIN_USER],
        'admin_project_name = %s' % stack.projects[ADMIN_USER],
        'admin_domain_name = Default'] + common)


def render_config(values):
    """The template with ``values`` substituted (KeyError when one is
    missing, ValueError on a malformed placeholder)."""
    with open(TEMPLATE) as template:
        return string.Template(template.read()).substitute(values)


def check_template():
    """Fail before the (slow) stack start if the template is broken."""
    with open(TEMPLATE) as template:
        text = template.read()
    # findall gives (escaped, named, braced, invalid) tuples.
    names = {m[1] or m[2] for m in string.Template.pattern.findall(text)
             if m[1] or m[2]}
    render_config({name: 'x' for name in names})


def scheduler_filters():
    """nova_lite's default ``[scheduler] enabled_filters``."""
    from nova_lite.conf import scheduler

    for opts in scheduler.list_opts().values():
        for opt in opts:
            if opt.name == 'enabled_filters':
                return ','.join(opt.default)
    raise RuntimeError('no [scheduler] enabled_filters option')


def init_workspace(root):
    """``tempest init`` in ``root/ws``; returns the workspace path."""
    workspace = os.path.join(root, 'ws')
    subprocess.run(tempest_command() + [
        'init', '--workspace-path', os.path.join(root, 'workspace.yaml'),
        workspace], check=True, capture_output=True, text=True,
        timeout=120, env=tempest_env(root))
    return workspace


def configure(stack, workspace, build_timeout, credentials='dynamic'):
    accounts = os.path.join(workspace, 'etc', 'accounts.yaml')
    values = stack_values(stack)
    values.update({
        'log_file': os.path.join(workspace, 'tempest.log'),
        'lock_path': os.path.join(workspace, 'tempest_lock'),
        'auth_options': auth_section(stack, credentials, accounts),
        'build_timeout': build_timeout,
        'scheduler_filters': scheduler_filters(),
        'validation_options': 'run_validation = false',
    })
    conf = os.path.join(workspace, 'etc', 'tempest.conf')
    with open(conf, 'w') as out:
        out.write(render_config(values))
    return conf


def run(workspace, selection, timeout, output_path, concurrency=1):
    """``tempest run`` in ``workspace`` with ``concurrency`` workers;
    output to ``output_path``. Returns the exit status (124 on
    timeout)."""
    argv = tempest_command() + ['run', '--concurrency',
                                str(concurrency)] + selection
    log('running: %s' % ' '.join(argv[1:]))
    with open(output_path, 'w') as output:
        proc = subprocess.Popen(argv, cwd=workspace, stdout=output,
                                stderr=subprocess.STDOUT,
                                env=tempest_env(workspace),
                                start_new_session=True)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log('tempest run exceeded %d s: killing it' % timeout)
            os.killpg(proc.pid, 9)
            proc.wait(30)
            return 124


def results(workspace):
    """{test id: (status, details text)} of the last run, from stestr's
    subunit stream (setUpClass failures appear under their class id)."""
    import subunit
    import testtools

    stream = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), 'stestr'), 'last',
         '--subunit'], cwd=workspace, capture_output=True, timeout=120,
        env=tempest_env(workspace)).stdout
    found = {}

    def on_test(test):
        details = '\n'.join(
            '%s: %s' % (name, b''.join(d.iter_bytes()).decode(
                'utf-8', 'replace')) for name, d in test['details'].items()
            if name in ('traceback', 'reason'))
        found[test['id'].split('[')[0]] = (test['status'], details)

    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    subunit.ByteStreamToStreamResult(
        io.BytesIO(stream),
        non_subunit_name='stdout').run(result)
    result.stopTestRun()
    return found


def selection_regexes(path):
    """The regexes of an include/exclude list (comments and blank lines
    left out)."""
    with open(path) as selection:
        return [line.strip() for line in selection
                if line.strip() and not line.lstrip().startswith('#')]


def regex_text(regex):
    """The test id a line of the include list spells: ``^a\\.b\\b`` →
    ``a.b`` (anchors and escapes removed)."""
    text = regex.strip()
    text = text[1:] if text.startswith('^') else text
    for end in ('\\b', '$'):
        if text.endswith(end):
            text = text[:-len(end)]
    return re.sub(r'\\(.)', r'\1', text)


def filtered_list(path, pattern, out_path):
    """Write to ``out_path`` the lines of the include list ``path`` whose
    test id (``regex_text``) matches ``pattern``; returns their regexes.

    :raises: SystemExit when none does
    """
    kept = [r for r in selection_regexes(path)
            if re.search(pattern, regex_text(r))]
    if not kept:
        raise SystemExit('--filter %r selects no line of %s'
                         % (pattern, path))
    with open(out_path, 'w') as out:
        out.write('\n'.join(kept) + '\n')
    return kept


def unmatched(regexes, test_ids):
    """The regexes that selected no test (a renamed or removed Tempest
    test would otherwise silently drop out of the run)."""
    return [r for r in regexes
            if not any(re.search(r, test_id) for test_id in test_ids)]


def summarize(found, rc, min_tests, regexes=()):
    by_status = {}
    for test_id, (status, _details) in sorted(found.items()):
        by_status.setdefault(status, []).append(test_id)
    passed = by_status.get('success', [])
    failed = by_status.get('fail', []) + by_status.get('uxsuccess', [])
    skipped = by_status.get('skip', [])
    summary = {
        'tempest_rc': rc,
        'passed': passed,
        'failed': {t: found[t][1][-6000:] for t in failed},
        'skipped': {t: found[t][1][-500:] for t in skipped},
        'min_tests': min_tests,
    }
    summary['unmatched'] = unmatched(regexes, list(found))
    summary['ok'] = (rc == 0 and not failed and not skipped
                     and not summary['unmatched']
                     and len(passed) >= min_tests)
    return summary


def headline(details, lines=6, width=400):
    """The exception lines of a failure's traceback (the unindented
    lines after the last frame), shortened for the console; the JSON
    summary keeps the whole traceback."""
    text = details.split('Traceback (most recent call last):')[-1]
    found = [line[:width] for line in text.splitlines()
             if line and not line.startswith((' ', 'traceback:'))]
    return '\n'.join(found[:lines]) or details[-1500:]


def masked_config(text):
    """tempest.conf with the value of ``admin_password`` masked."""
    return re.sub(r'(?m)^(admin_password\s*=).*$', r'\1 ***', text)


def copy_workspace_artifacts(workspace, artifacts):
    """tempest.log, the run's output and tempest.conf (admin password
    masked) into the directory ``artifacts``."""
    os.makedirs(artifacts, exist_ok=True)
    for name in ('tempest.log', 'tempest-run.txt'):
        path = os.path.join(workspace, name)
        if os.path.exists(path):
            shutil.copy(path, os.path.join(artifacts, name))
    conf = os.path.join(workspace, 'etc', 'tempest.conf')
    if os.path.exists(conf):
        with open(conf) as source, open(os.path.join(
                artifacts, 'tempest.conf'), 'w') as out:
            out.write(masked_config(source.read()))


def copy_artifacts(stack, workspace, artifacts):
    copy_workspace_artifacts(workspace, artifacts)
    for proc in stack.processes.values():
        if os.path.exists(proc.log_path):
            shutil.copy(proc.log_path, artifacts)


def report(workspace, rc, min_tests, regexes, started):
    """Print Tempest's totals, then each failure, unmatched line and skip,
    then ``N passed, N failed, N skipped``; returns the summary
    (``summarize``) with ``seconds`` since ``started``."""
    with open(os.path.join(workspace, 'tempest-run.txt'),
              errors='replace') as output:
        text = output.read()
    tail = text[text.rfind('\n======\nTotals'):] if \
        '\n======\nTotals' in text else text[-4000:]
    print(tail, flush=True)
    summary = summarize(results(workspace), rc, min_tests, regexes)
    summary['seconds'] = round(time.monotonic() - started)
    for test_id, details in summary['failed'].items():
        print('FAILED %s\n%s\n' % (test_id, headline(details)))
    for regex in summary['unmatched']:
        print('UNMATCHED (selected no test): %s' % regex)
    for test_id, reason in summary['skipped'].items():
        print('SKIPPED %s: %s' % (test_id, reason[:300]))
    print('%d passed, %d failed, %d skipped (tempest exit %d, %d s)' % (
        len(summary['passed']), len(summary['failed']),
        len(summary['skipped']), rc, summary['seconds']), flush=True)
    return summary


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--backend', default='mysql',
                        choices=('mysql', 'postgresql', 'sqlite'))
    parser.add_argument('--include-list', default=INCLUDE_LIST)
    parser.add_argument('--exclude-list', default=EXCLUDE_LIST)
    parser.add_argument('--regex', help='run tests matching this regex '
                        'instead of the include list (exploration)')
    parser.add_argument('--filter', help='run only the include list\'s '
                        'tests whose id matches this regex')
    parser.add_argument('--credentials', default='dynamic',
                        choices=('dynamic', 'preprovisioned'),
                        help='dynamic: Tempest creates projects and users '
                        'with the Keystone admin account; '
                        'preprovisioned: an accounts file of the seeded '
                        'users')
    parser.add_argument('--min-tests', type=int, default=1,
                        help='fail unless at least this many passed')
    parser.add_argument('--timeout', type=int, default=900,
                        help='seconds the tempest run may take')
    parser.add_argument('--concurrency', type=int, default=1,
                        help='Tempest workers (stestr groups tests by '
                        'class; Tempest serializes its @serial classes)')
    parser.add_argument('--build-timeout', type=int, default=60,
                        help="Tempest's [compute] build_timeout")
    parser.add_argument('--json-summary', help='write results here')
    parser.add_argument('--artifacts', help='copy logs and config here')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    check_template()
    started = time.monotonic()
    root = tempfile.mkdtemp(prefix='nova-lite-tempest-')
    stack = processes.MultiProcessStack(args.backend,
                                        hosts=('node1', 'node2'),
                                        keystone=True, console_proxy=True,
                                        volume=True)
    try:
        log('starting nova_lite (%s) and Keystone' % args.backend)
        stack.setUp()
        log('stack up at %s in %.0f s' % (stack.api_url,
                                         time.monotonic() - started))
        workspace = init_workspace(root)
        configure(stack, workspace, args.build_timeout, args.credentials)
        include_list = args.include_list
        if args.filter:
            include_list = os.path.join(workspace, 'include-list.txt')
            filtered_list(args.include_list, args.filter, include_list)
        if args.regex:
            selection = ['--regex', args.regex]
        else:
            selection = ['--include-list', include_list]
        if args.exclude_list and os.path.exists(args.exclude_list):
            selection += ['--exclude-list', args.exclude_list]
        rc = run(workspace, selection, args.timeout,
                 os.path.join(workspace, 'tempest-run.txt'),
                 args.concurrency)
        regexes = [] if args.regex else selection_regexes(include_list)
        summary = report(workspace, rc, args.min_tests, regexes, started)
        if args.artifacts:
            copy_artifacts(stack, workspace, args.artifacts)
        if args.json_summary:
            with open(args.json_summary, 'w') as out:
                json.dump(summary, out, indent=1)
        return 0 if summary['ok'] else 1
    finally:
        stack.cleanUp()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
