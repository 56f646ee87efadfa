"""Helpers of tests/tempest/run_tempest.py that need no stack: the
``--filter`` narrowing of the include list, the ``[auth]`` section of
each credentials mode, the masked tempest.conf of the artifacts, and the
include list itself (one anchored regex per line, the quota tests in)."""
import importlib.util
import os

import fixtures
import testtools

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, os.pardir, 'tempest', 'run_tempest.py')


def load_runner():
    spec = importlib.util.spec_from_file_location('nl_run_tempest', RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeStack:
    passwords = {'admin': 's3cret', 'demo': 'p1', 'alt_demo': 'p2',
                 'demo_reader': 'p3'}
    projects = {'admin': 'admin', 'demo': 'demo', 'alt_demo': 'alt_demo',
                'demo_reader': 'demo'}


class RunTempestTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.runner = load_runner()
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def test_regex_text(self):
        self.assertEqual(
            'tempest.api.compute.test_quotas.QuotasTestJSON.test_get_quotas',
            self.runner.regex_text(
                r'^tempest\.api\.compute\.test_quotas\.QuotasTestJSON'
                r'\.test_get_quotas\b'))

    def test_filter_narrows_the_include_list(self):
        out = os.path.join(self.tmp, 'list.txt')
        kept = self.runner.filtered_list(self.runner.INCLUDE_LIST,
                                         r'admin\.test_quotas', out)
        self.assertTrue(kept)
        self.assertTrue(all('admin\\.test_quotas' in r for r in kept))
        with open(out) as narrowed:
            self.assertEqual(kept, narrowed.read().split())
        self.assertRaises(SystemExit, self.runner.filtered_list,
                          self.runner.INCLUDE_LIST, 'no-such-test', out)

    def test_auth_sections(self):
        accounts = os.path.join(self.tmp, 'accounts.yaml')
        dynamic = self.runner.auth_section(FakeStack(), 'dynamic', accounts)
        self.assertIn('use_dynamic_credentials = true', dynamic)
        self.assertIn('admin_username = admin', dynamic)
        self.assertIn('admin_password = s3cret', dynamic)
        self.assertIn('admin_project_name = admin', dynamic)
        self.assertIn('admin_domain_name = Default', dynamic)
        self.assertFalse(os.path.exists(accounts))
        static = self.runner.auth_section(FakeStack(), 'preprovisioned',
                                          accounts)
        self.assertIn('use_dynamic_credentials = false', static)
        self.assertIn('test_accounts_file = ' + accounts, static)
        self.assertTrue(os.path.exists(accounts))
        conf = self.runner.render_config({
            name: 'x' for name in ('log_file', 'lock_path', 'auth_url',
                                   'image_ref', 'image_ref_alt',
                                   'flavor_ref', 'flavor_ref_alt',
                                   'build_timeout', 'compute_nodes',
                                   'scheduler_filters')}
            | {'auth_options': dynamic})
        self.assertIn('[auth]\nuse_dynamic_credentials = true', conf)
        masked = self.runner.masked_config(conf)
        self.assertNotIn('s3cret', masked)
        self.assertIn('admin_password = ***', masked)

    def test_include_list_has_the_quota_tests(self):
        regexes = self.runner.selection_regexes(self.runner.INCLUDE_LIST)
        ids = [self.runner.regex_text(r) for r in regexes]
        for name in (
                'admin.test_quotas.QuotasAdminTestJSON.test_get_updated_'
                'quotas',
                'admin.test_quotas.QuotaClassesAdminTestJSON.test_update_'
                'default_quotas',
                'admin.test_quotas_negative.QuotasAdminNegativeTest.test_'
                'create_server_when_cpu_quota_is_full'):
            self.assertIn('tempest.api.compute.' + name, ids)
        self.assertTrue(all(r.startswith('^') for r in regexes))
        self.assertEqual(len(regexes), len(set(regexes)))

