"""Helpers of tests/tempest/run_tempest.py that need no stack: the
``--filter`` narrowing of the include list, the ``[auth]`` section of
each credentials mode, the masked tempest.conf of the artifacts, and the
include list itself (one anchored regex per line, the quota tests in);
and of run_tempest_lab.py: the [validation] and accounts it writes and
the validation list."""
import importlib.util
import json
import os

import fixtures
import testtools

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, os.pardir, 'tempest', 'run_tempest.py')
LAB_RUNNER = os.path.join(HERE, os.pardir, 'tempest', 'run_tempest_lab.py')


def load_runner(path=RUNNER, name='nl_run_tempest'):
    spec = importlib.util.spec_from_file_location(name, path)
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

    def test_network_extensions_are_the_implemented_ones(self):
        """tempest.conf's [network-feature-enabled] api_extensions is
        what GET /network/v2.0/extensions lists (Tempest expects each
        listed one, e.g. in test_extensions)."""
        from nova_lite.api.network import versions

        with open(self.runner.TEMPLATE) as template:
            line = [li for li in template if li.startswith(
                'api_extensions =')][0]
        listed = line.split('=', 1)[1].strip().split(',')
        self.assertEqual([e[0] for e in versions.EXTENSIONS], listed)

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
                                   'scheduler_filters',
                                   'public_network_id')}
            | {'auth_options': dynamic,
               'validation_options': 'run_validation = false'})
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
        self.assertIn('tempest.scenario.test_server_multinode.'
                      'TestServerMultinode.test_schedule_to_all_nodes', ids)
        self.assertTrue(all(r.startswith('^') for r in regexes))
        self.assertEqual(len(regexes), len(set(regexes)))

    def test_include_list_has_the_compute_volume_tests(self):
        """os-volumes and os-snapshots below 2.36, volume attachments
        (shelved servers' of 2.20 too) and admin.test_volumes_negative
        (doc/volumes.md): every test Tempest does not skip; and the
        volume tests of test_server_actions."""
        ids = [self.runner.regex_text(r) for r in
               self.runner.selection_regexes(self.runner.INCLUDE_LIST)]
        compute = [i for i in ids if i.startswith((
            'tempest.api.compute.volumes.',
            'tempest.api.compute.admin.test_volumes_negative.'))]
        self.assertEqual(24, len(compute))
        for name in (
                'volumes.test_volumes_get.VolumesGetTestJSON.test_volume_'
                'create_get_delete',
                'volumes.test_volume_snapshots.VolumesSnapshotsTestJSON.test_'
                'volume_snapshot_create_get_list_delete',
                'volumes.test_attach_volume.AttachVolumeTestJSON.test_attach_'
                'detach_volume',
                'admin.test_volumes_negative.VolumesAdminNegativeTest.test_'
                'update_attached_volume_with_nonexistent_volume_in_uri'):
            self.assertIn('tempest.api.compute.' + name, ids)
        self.assertEqual(2, len([i for i in compute if 'Shelve' in i]))
        self.assertFalse([i for i in compute if 'MultiAttach' in i])
        for name in ('ServerActionsTestOtherA.test_rebuild_server_with_'
                     'volume_attached',
                     'ServerActionsTestOtherA.test_resize_volume_backed_'
                     'server_confirm',
                     'ServerActionsTestOtherB.test_resize_server_revert_'
                     'with_volume_attached'):
            self.assertIn('tempest.api.compute.servers.test_server_actions.'
                          + name, ids)

    def test_include_list_has_the_boot_from_volume_tests(self):
        # doc/volumes.md, "Boot from volume".
        ids = [self.runner.regex_text(r) for r in
               self.runner.selection_regexes(self.runner.INCLUDE_LIST)]
        for name in (
                'api.compute.servers.test_create_server.ServersTestBoot'
                'FromVolume.test_verify_server_details',
                'api.compute.servers.test_servers_negative.ServersNegative'
                'TestJSON.test_create_server_from_non_bootable_volume',
                'scenario.test_volume_boot_pattern.TestVolumeBootPattern.'
                'test_create_server_from_volume_snapshot',
                'scenario.test_volume_boot_pattern.TestVolumeBootPattern.'
                'test_image_defined_boot_from_volume'):
            self.assertIn('tempest.' + name, ids)
        self.assertNotIn('tempest.scenario.test_volume_boot_pattern.'
                         'TestVolumeBootPattern.test_volume_boot_pattern',
                         ids)



class RunTempestLabTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.lab = load_runner(LAB_RUNNER, 'nl_run_tempest_lab')
        self.tmp = self.useFixture(fixtures.TempDir()).path

    def _section(self, method):
        conf = self.lab.base.render_config({
            name: 'x' for name in ('log_file', 'lock_path', 'auth_url',
                                   'image_ref', 'image_ref_alt',
                                   'flavor_ref', 'flavor_ref_alt',
                                   'build_timeout', 'compute_nodes',
                                   'scheduler_filters', 'auth_options',
                                   'public_network_id')}
            | {'validation_options': self.lab.VALIDATION.format(
                connect_method=method)})
        return conf.split('[validation]\n', 1)[1].split('\n[', 1)[0]

    def test_validation_section(self):
        for method in ('fixed', 'floating'):
            section = self._section(method)
            for line in ('run_validation = true',
                         'connect_method = ' + method,
                         'auth_method = keypair', 'security_group = true',
                         'image_ssh_user = root',
                         'network_for_ssh = private'):
                self.assertIn(line + '\n', section)
        self.assertIn('\n[scenario]\ntarget_dir = /root\n',
                      self.lab.SCENARIO)
        self.assertIn('\n[compute]\nfixed_network_name = private\n',
                      self.lab.FLOATING_COMPUTE)

    def test_connect_method_picks_the_list(self):
        auth = ['--auth-url', 'http://k/v3']
        self.assertEqual(self.lab.VALIDATION_LIST,
                         self.lab.parse_args(auth).include_list)
        args = self.lab.parse_args(auth + ['--connect-method', 'floating'])
        self.assertEqual(('floating', self.lab.FLOATING_LIST),
                         (args.connect_method, args.include_list))
        args = self.lab.parse_args(auth + ['--connect-method', 'floating',
                                           '--include-list', 'x.txt'])
        self.assertEqual('x.txt', args.include_list)

    def test_floating_list(self):
        regexes = self.lab.base.selection_regexes(self.lab.FLOATING_LIST)
        ids = [self.lab.base.regex_text(r) for r in regexes]
        self.assertEqual([
            'tempest.scenario.test_server_basic_ops.TestServerBasicOps.'
            'test_server_basic_ops',
            'tempest.scenario.test_snapshot_pattern.TestSnapshotPattern.'
            'test_snapshot_pattern',
            'tempest.scenario.test_shelve_instance.TestShelveInstance.'
            'test_shelve_instance',
            'tempest.scenario.test_network_basic_ops.TestNetworkBasicOps.'
            'test_network_basic_ops',
            'tempest.api.compute.servers.test_attach_interfaces.'
            'AttachInterfacesTestJSON.'
            'test_create_list_show_delete_interfaces_by_network_port',
            'tempest.api.compute.servers.test_attach_interfaces.'
            'AttachInterfacesTestJSON.test_reassign_port_between_servers',
            'tempest.api.compute.servers.test_attach_interfaces.'
            'AttachInterfacesV270Test.test_create_get_list_interfaces',
            'tempest.scenario.test_volume_boot_pattern.TestVolumeBootPattern.'
            'test_volume_boot_pattern',
            'tempest.scenario.test_stamp_pattern.TestStampPattern.'
            'test_stamp_pattern',
            'tempest.scenario.test_shelve_instance.TestShelveInstance.'
            'test_shelve_volume_backed_instance',
            'tempest.api.compute.volumes.test_attach_volume.'
            'AttachVolumeShelveTestJSON.'
            'test_attach_volume_shelved_or_offload_server',
            'tempest.api.compute.volumes.test_attach_volume.'
            'AttachVolumeShelveTestJSON.'
            'test_detach_volume_shelved_or_offload_server',
            'tempest.api.compute.servers.test_server_actions.'
            'ServerActionsV293TestJSON.test_rebuild_volume_backed_server'],
            ids)
        self.assertTrue(all(r.startswith('^') and r.endswith('\\b')
                            for r in regexes))

    def test_credentials_pick_the_list_and_the_auth_section(self):
        auth = ['--auth-url', 'http://k/v3', '--password', 'pw']
        args = self.lab.parse_args(auth + ['--connect-method', 'floating',
                                           '--credentials', 'dynamic'])
        self.assertEqual(self.lab.ISOLATED_LIST, args.include_list)
        accounts = os.path.join(self.tmp, 'accounts.yaml')
        dynamic = self.lab.auth_options(args, accounts)
        for line in ('use_dynamic_credentials = true',
                     'create_isolated_networks = true',
                     'admin_username = admin', 'admin_password = pw',
                     'admin_project_name = admin',
                     'admin_domain_name = Default'):
            self.assertIn(line, dynamic.split('\n'))
        self.assertFalse(os.path.exists(accounts))
        args = self.lab.parse_args(auth + ['--connect-method', 'floating'])
        self.assertEqual('preprovisioned', args.credentials)
        static = self.lab.auth_options(args, accounts).split('\n')
        for line in ('use_dynamic_credentials = false',
                     'test_accounts_file = ' + accounts,
                     'create_isolated_networks = false'):
            self.assertIn(line, static)
        self.assertTrue(os.path.exists(accounts))

    def test_isolated_list_is_the_attach_interfaces_module(self):
        regexes = self.lab.base.selection_regexes(self.lab.ISOLATED_LIST)
        ids = [self.lab.base.regex_text(r) for r in regexes]
        prefix = 'tempest.api.compute.servers.test_attach_interfaces.'
        self.assertEqual([prefix + name for name in (
            'AttachInterfacesTestJSON.'
            'test_create_list_show_delete_interfaces_by_network_port',
            'AttachInterfacesTestJSON.'
            'test_create_list_show_delete_interfaces_by_fixed_ip',
            'AttachInterfacesTestJSON.test_reassign_port_between_servers',
            'AttachInterfacesUnderV243Test.test_add_remove_fixed_ip',
            'AttachInterfacesV270Test.test_create_get_list_interfaces')],
            ids)
        self.assertTrue(all(r.startswith('^') and r.endswith('\\b')
                            for r in regexes))

    def test_accounts_of_the_lab_users(self):
        path = os.path.join(self.tmp, 'accounts.yaml')
        self.lab.write_accounts(path, 'pw')
        with open(path) as f:
            accounts = json.load(f)
        self.assertEqual(
            [('demo', 'demo', ['member']), ('alt_demo', 'alt_demo',
                                            ['member']),
             ('demo_reader', 'demo', ['reader']),
             ('demo_manager', 'demo', ['manager']),
             ('admin', 'admin', ['admin'])],
            [(a['username'], a['project_name'], a['roles'])
             for a in accounts])
        self.assertEqual({'pw'}, {a['password'] for a in accounts})
        self.assertEqual(0o600, os.stat(path).st_mode & 0o777)

    def test_validation_list(self):
        regexes = self.lab.base.selection_regexes(self.lab.VALIDATION_LIST)
        ids = [self.lab.base.regex_text(r) for r in regexes]
        prefix = 'tempest.api.compute.servers.test_create_server.'
        for name in ('test_verify_server_details',
                     'test_host_name_is_same_as_server_name',
                     'test_verify_created_server_vcpus',
                     'test_list_servers'):
            self.assertIn(prefix + 'ServersTestJSON.' + name, ids)
        self.assertTrue(all(r.startswith('^') and r.endswith('\\b')
                            for r in regexes))
        self.assertEqual(len(regexes), len(set(regexes)))

    def test_min_compute_nodes_picks_the_multinode_list_and_features(self):
        auth = ['--auth-url', 'http://k/v3', '--connect-method', 'floating']
        args = self.lab.parse_args(auth + ['--min-compute-nodes', '2'])
        self.assertEqual(self.lab.MULTINODE_LIST, args.include_list)
        self.assertTrue(os.path.exists(self.lab.MULTINODE_LIST))
        self.assertEqual(self.lab.FLOATING_LIST,
                         self.lab.parse_args(auth).include_list)
        for line in ('live_migration = true',
                     'block_migration_for_live_migration = true',
                     'shelve_migrate = true'):
            self.assertIn(line + '\n', self.lab.MULTINODE_FEATURES)

    def test_multinode_list(self):
        # Acceptance 3 of issue 20: these modules, block migration, the
        # unshelved server's cold migration (doc/lab-nodes.md).
        regexes = self.lab.base.selection_regexes(self.lab.MULTINODE_LIST)
        ids = [self.lab.base.regex_text(r) for r in regexes]
        admin = 'tempest.api.compute.admin.'
        for module, count in (
                (admin + 'test_live_migration.', 6),
                (admin + 'test_migrations.MigrationsAdminTest.', 6),
                (admin + 'test_servers_on_multinodes.', 6),
                ('tempest.scenario.test_server_multinode.', 1),
                ('tempest.scenario.test_shelve_instance.', 1)):
            self.assertEqual(count, len([i for i in ids
                                         if i.startswith(module)]), module)
        self.assertEqual(20, len(ids))
        live = [i for i in ids if 'test_live_migration.' in i]
        self.assertTrue(all('test_live_block_migration' in i for i in live))
        self.assertIn('tempest.scenario.test_shelve_instance.'
                      'TestShelveInstance.test_cold_migrate_unshelved_'
                      'instance', ids)
        self.assertFalse([i for i in ids if 'volume' in i])
        self.assertTrue(all(r.startswith('^') and r.endswith('\\b')
                            for r in regexes))
        self.assertEqual(len(regexes), len(set(regexes)))
