"""Issue 3 acceptance: real OpenStack clients against a multi-process
nova_lite (RabbitMQ + MariaDB) behind a real Keystone.

The ``openstack`` CLI (python-openstackclient), openstacksdk and
python-novaclient find the compute and image endpoints in Keystone's
catalog, exactly as they would against Nova.  Each CLI call costs 2-3 s
of CPU, so the calls are few and use ``-f json`` to check content.
"""
import json
import os
import subprocess
import time
import uuid

import testtools

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes

#: Seconds a single CLI/SDK call may take (the machine is shared).
CALL_TIMEOUT = 180
#: Seconds to wait for a server to become ACTIVE or to disappear.
WAIT_TIMEOUT = 120


def client_env(stack, user):
    """os.environ without inherited OS_* settings, plus the stack's
    ``OS_*`` variables for ``user``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(stack.openstack_env(user))
    return env


def run_openstack(stack, user, *args, timeout=CALL_TIMEOUT):
    """Run ``openstack ARGS`` as ``user``; returns the CompletedProcess.
    The command line never holds a secret (credentials come from the
    environment)."""
    return subprocess.run(
        processes.command('openstack') + list(args), capture_output=True,
        text=True, timeout=timeout, env=client_env(stack, user),
        cwd=stack.state_dir)


class KeystoneStackTestCase(testtools.TestCase):
    """Shares one Keystone-backed MultiProcessStack between the tests of
    a class (stestr groups tests by class)."""

    backend = 'mysql'
    hosts = ('node1',)
    extra_conf = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stack = processes.MultiProcessStack(
            cls.backend, hosts=cls.hosts, keystone=True, conf=cls.extra_conf)
        # On failure fixtures cleans up and raises with the details (log
        # tails of every process, Keystone's progress).
        cls.stack.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.addOnException(self._attach_logs)

    def _attach_logs(self, _exc_info):
        for name, detail in self.stack.getDetails().items():
            self.addDetail(name, detail)

    def api(self, user='demo', project=None):
        """ComputeClient with a fresh Keystone token of ``user``."""
        return compute_client.ComputeClient(
            self.stack.api_url, token=self.stack.token(user, project))

    def openstack(self, user, *args):
        """Run the CLI as ``user``, assert exit status 0, return stdout."""
        result = run_openstack(self.stack, user, *args)
        self.assertEqual(
            0, result.returncode,
            'openstack %s (as %s) exited %d\nstdout:\n%s\nstderr:\n%s' % (
                ' '.join(args), user, result.returncode, result.stdout,
                result.stderr))
        return result.stdout

    def openstack_json(self, user, *args):
        """Run the CLI with ``-f json``; the parsed output."""
        out = self.openstack(user, *args, '-f', 'json')
        try:
            return json.loads(out)
        except ValueError:
            self.fail('openstack %s printed no JSON:\n%s' % (
                ' '.join(args), out))

    def assertGone(self, server_id, user='demo'):
        """GET /servers/{id} answers 404 (within WAIT_TIMEOUT)."""
        self.api(user).wait_for_deleted([server_id], timeout=WAIT_TIMEOUT)


class RealClientsTest(KeystoneStackTestCase):
    """python-openstackclient (``openstack``) as demo and admin,
    openstacksdk's compute and image proxies and python-novaclient on a
    keystoneauth session, sharing one stack (one compute, which may take
    a resize of its own servers)."""

    extra_conf = {('DEFAULT', 'allow_resize_to_same_host'): True}

    # ------------------------------------------------- openstack CLI

    def test_cli_server_create_list_show_delete(self):
        created = self.openstack_json(
            'demo', 'server', 'create', '--flavor', 'm1.tiny', '--image',
            'tiny', '--network', 'private', '--wait', 'vm1')
        self.assertEqual('ACTIVE', created['status'], created)
        self.assertEqual('vm1', created['name'])
        server_id = created['id']
        self.addCleanup(self.api('demo').delete_server, server_id)

        listed = self.openstack_json('demo', 'server', 'list')
        rows = {row['ID']: row for row in listed}
        self.assertIn(server_id, rows, listed)
        self.assertEqual('vm1', rows[server_id]['Name'])
        self.assertEqual('ACTIVE', rows[server_id]['Status'])
        self.assertEqual('tiny', rows[server_id]['Image'])
        self.assertEqual('m1.tiny', rows[server_id]['Flavor'])
        self.assertIn('private', json.dumps(rows[server_id]['Networks']))

        shown = self.openstack_json('demo', 'server', 'show', 'vm1')
        self.assertEqual(server_id, shown['id'])
        self.assertEqual('ACTIVE', shown['status'])
        self.assertIn('private', json.dumps(shown['addresses']))
        self.assertIn('m1.tiny', json.dumps(shown['flavor']))

        self.openstack('demo', 'server', 'delete', '--wait', 'vm1')
        resp = self.api('demo').get_server(server_id)
        self.assertEqual(404, resp.status_code, resp.text)

    def test_cli_flavor_and_image_list(self):
        flavors = {f['Name']: f for f in
                   self.openstack_json('demo', 'flavor', 'list')}
        self.assertIn('m1.tiny', flavors, flavors)
        self.assertEqual(512, flavors['m1.tiny']['RAM'])
        images = {i['Name']: i for i in
                  self.openstack_json('demo', 'image', 'list')}
        self.assertIn('tiny', images, images)
        self.assertEqual('active', images['tiny']['Status'])

    def test_cli_keypair_create(self):
        out = self.openstack('demo', 'keypair', 'create', 'k1')
        self.addCleanup(self.api('demo').request, 'DELETE',
                        '/os-keypairs/k1')
        self.assertIn('PRIVATE KEY-----', out)
        resp = self.api('demo').request('GET', '/os-keypairs/k1')
        self.assertEqual(200, resp.status_code, resp.text)
        keypair = resp.json()['keypair']
        self.assertEqual('k1', keypair['name'])
        self.assertTrue(keypair['public_key'].startswith('ssh-'))
        self.assertNotIn('private_key', keypair)
        # The key belongs to demo only.
        resp = self.api('alt_demo').request('GET', '/os-keypairs/k1')
        self.assertEqual(404, resp.status_code, resp.text)

    def test_cli_flavor_show_properties_and_private_access(self):
        # openstacksdk (under the CLI) reads os-extra_specs below 2.61.
        shown = self.openstack_json('demo', 'flavor', 'show', 'm1.tiny')
        self.assertEqual(512, shown['ram'], shown)
        name = 'mv-%s' % uuid.uuid4().hex[:8]
        created = self.openstack_json(
            'admin', 'flavor', 'create', '--ram', '64', '--vcpus', '1',
            '--disk', '0', '--private', name)
        self.addCleanup(self.api('admin').request, 'DELETE',
                        '/flavors/%s' % created['id'])
        self.assertFalse(created['os-flavor-access:is_public'], created)
        self.openstack('admin', 'flavor', 'set', '--property',
                       'hw:cpu_policy=shared', name)
        resp = self.api('demo').request('GET', '/flavors/%s' % created['id'])
        self.assertEqual(404, resp.status_code, resp.text)
        project = self.stack.openstack_env('demo')['OS_PROJECT_NAME']
        self.openstack('admin', 'flavor', 'set', '--project', project, name)
        shown = self.openstack_json('demo', 'flavor', 'show', created['id'])
        self.assertEqual(name, shown['name'])
        self.assertIn('hw:cpu_policy', json.dumps(shown['properties']))

    def test_cli_admin_compute_service_and_hypervisor_list(self):
        services = self.openstack_json('admin', 'compute', 'service',
                                       'list')
        by_binary = {}
        for row in services:
            by_binary.setdefault(row['Binary'], []).append(row)
        computes = [row for binary, rows in by_binary.items()
                    if 'compute' in binary for row in rows]
        self.assertEqual(['node1'], [row['Host'] for row in computes],
                         services)
        self.assertEqual('up', computes[0]['State'])
        self.assertEqual('enabled', computes[0]['Status'])
        self.assertTrue(any('scheduler' in b for b in by_binary), services)
        self.assertTrue(any('conductor' in b for b in by_binary), services)

        hypervisors = self.openstack_json('admin', 'hypervisor', 'list')
        self.assertEqual(['node1'], [h['Hypervisor Hostname']
                                     for h in hypervisors], hypervisors)
        self.assertEqual('up', hypervisors[0]['State'])

    def test_cli_usage_list_and_show(self):
        # os-simple-tenant-usage: the admin's list of every project and a
        # member's own project (both default to the last four weeks).
        listed = self.openstack_json('admin', 'usage', 'list')
        self.assertIsInstance(listed, list)
        for row in listed:
            self.assertIn('CPU Hours', row)
        shown = self.openstack_json('demo', 'usage', 'show')
        self.assertIn('CPU Hours', shown, shown)

    def test_cli_member_cannot_list_services(self):
        result = run_openstack(self.stack, 'demo', 'compute', 'service',
                               'list')
        self.assertNotEqual(0, result.returncode, result.stdout)
        self.assertIn('403', result.stderr)

    # ------------------------------------ microversions 2.11-2.26

    def test_cli_compute_service_set_down_2_11(self):
        def set_state(flag):
            self.openstack('admin', '--os-compute-api-version', '2.11',
                           'compute', 'service', 'set', flag, 'node1',
                           'nova-compute')

        set_state('--down')
        self.addCleanup(set_state, '--up')
        services = self.openstack_json(
            'admin', '--os-compute-api-version', '2.11', 'compute',
            'service', 'list', '--long', '--service', 'nova-compute')
        self.assertEqual([('node1', 'down', True)], [
            (row['Host'], row['State'], row['Forced Down'])
            for row in services], services)
        set_state('--up')
        services = self.openstack_json(
            'admin', '--os-compute-api-version', '2.11', 'compute',
            'service', 'list', '--long', '--service', 'nova-compute')
        self.assertEqual([False], [row['Forced Down'] for row in services])

    def test_cli_server_group_soft_anti_affinity_2_15(self):
        name = 'soft-%s' % uuid.uuid4().hex[:8]
        created = self.openstack_json(
            'demo', '--os-compute-api-version', '2.15', 'server', 'group',
            'create', '--policy', 'soft-anti-affinity', name)
        self.addCleanup(self.openstack, 'demo', 'server', 'group', 'delete',
                        created['id'])
        self.assertIn('soft-anti-affinity', json.dumps(created), created)

    def test_cli_server_description_2_19_and_tags_2_26_2_52(self):
        name = 'mv-%s' % uuid.uuid4().hex[:8]
        created = self.openstack_json(
            'demo', '--os-compute-api-version', '2.52', 'server', 'create',
            '--flavor', 'm1.tiny', '--image', 'tiny', '--network', 'private',
            '--description', 'first', '--tag', 'web', '--wait', name)
        self.addCleanup(self.api('demo').delete_server, created['id'])
        self.openstack('demo', '--os-compute-api-version', '2.19', 'server',
                       'set', '--description', 'a web server', name)
        shown = self.openstack_json('demo', '--os-compute-api-version',
                                    '2.19', 'server', 'show', name)
        self.assertEqual('a web server', shown['description'], shown)
        self.openstack('demo', '--os-compute-api-version', '2.26', 'server',
                       'set', '--tag', 'blue', name)
        shown = self.openstack_json('demo', '--os-compute-api-version',
                                    '2.26', 'server', 'show', name)
        self.assertEqual(['blue', 'web'], sorted(shown['tags']), shown)
        listed = self.openstack_json('demo', '--os-compute-api-version',
                                     '2.26', 'server', 'list', '--tags',
                                     'web')
        self.assertEqual([name], [row['Name'] for row in listed])
        listed = self.openstack_json('demo', '--os-compute-api-version',
                                     '2.26', 'server', 'list', '--tags',
                                     'absent')
        self.assertEqual([], listed)

    def test_cli_lock_reason_2_73_resize_and_migrations_2_23(self):
        name = 'rs-%s' % uuid.uuid4().hex[:8]
        created = self.openstack_json(
            'demo', 'server', 'create', '--flavor', 'm1.tiny', '--image',
            'tiny', '--network', 'private', '--wait', name)
        self.addCleanup(self.api('demo').delete_server, created['id'])
        self.openstack('demo', '--os-compute-api-version', '2.73', 'server',
                       'lock', '--reason', 'maintenance', name)
        shown = self.openstack_json('demo', '--os-compute-api-version',
                                    '2.73', 'server', 'show', name)
        self.assertEqual((True, 'maintenance'),
                         (shown['locked'], shown['locked_reason']), shown)
        self.openstack('demo', 'server', 'unlock', name)
        # One compute: this class allows a resize to the same host.
        self.openstack('demo', 'server', 'resize', '--flavor', 'm1.small',
                       '--wait', name)
        shown = self.openstack_json('demo', 'server', 'show', name)
        self.assertEqual('VERIFY_RESIZE', shown['status'], shown)
        self.openstack('demo', 'server', 'resize', 'confirm', name)
        self.api('demo').wait_for_servers([created['id']], ('ACTIVE',),
                                          timeout=WAIT_TIMEOUT)
        shown = self.openstack_json('demo', 'server', 'show', name)
        self.assertIn('m1.small', json.dumps(shown['flavor']), shown)
        migrations = self.openstack_json(
            'admin', '--os-compute-api-version', '2.23', 'server',
            'migration', 'list', '--server', created['id'])
        self.assertEqual(1, len(migrations), migrations)
        values = set(map(str, migrations[0].values()))
        self.assertLessEqual({'resize', 'confirmed'}, values, migrations)

    # ------------------------------------------------- openstacksdk

    def connect(self, user='demo', **options):
        import openstack

        env = self.stack.openstack_env(user)
        conn = openstack.connect(**options,
            auth_url=env['OS_AUTH_URL'], username=user,
            password=env['OS_PASSWORD'], project_name=env['OS_PROJECT_NAME'],
            user_domain_id='default', project_domain_id='default',
            region_name='RegionOne', interface='public',
            identity_api_version='3', load_yaml_config=False,
            load_envvars=False)
        self.addCleanup(conn.close)
        return conn

    def test_sdk_create_wait_delete(self):
        conn = self.connect()
        image = conn.image.find_image('tiny', ignore_missing=False)
        flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
        name = 'sdk-%s' % uuid.uuid4().hex[:8]
        # The SDK's compute proxy negotiates the highest common
        # microversion: from 2.37 ``networks`` is required, as in Nova.
        server = conn.compute.create_server(
            name=name, image_id=image.id, flavor_id=flavor.id,
            networks='auto')
        self.addCleanup(self.api('demo').delete_server, server.id)
        server = conn.compute.wait_for_server(server, status='ACTIVE',
                                              interval=1,
                                              wait=WAIT_TIMEOUT)
        self.assertEqual('ACTIVE', server.status)
        self.assertEqual(name, server.name)
        self.assertIn('private', server.addresses)
        self.assertIn(server.id, [s.id for s in conn.compute.servers()])

        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, interval=1, wait=WAIT_TIMEOUT)
        self.assertIsNone(conn.compute.find_server(server.id))

    def test_sdk_latest_microversion(self):
        # The advertised maximum, negotiated by openstacksdk.
        conn = self.connect(compute_api_version='2.latest')
        image = conn.image.find_image('tiny', ignore_missing=False)
        flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
        name = 'sdk-latest-%s' % uuid.uuid4().hex[:8]
        server = conn.compute.create_server(
            name=name, image_id=image.id, flavor_id=flavor.id,
            networks='auto')
        self.addCleanup(self.api('demo').delete_server, server.id)
        server = conn.compute.wait_for_server(server, status='ACTIVE',
                                              interval=1,
                                              wait=WAIT_TIMEOUT)
        shown = conn.compute.get_server(server.id)
        self.assertEqual(name, shown.name)
        self.assertFalse(shown.is_locked)
        self.assertIn(server.id, [s.id for s in conn.compute.servers()])
        keypair = conn.compute.create_keypair(name=name)
        self.addCleanup(conn.compute.delete_keypair, keypair,
                        ignore_missing=True)
        self.assertEqual('ssh', conn.compute.get_keypair(name).type)
        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, interval=1, wait=WAIT_TIMEOUT)
        self.assertIsNone(conn.compute.find_server(server.id))

    # ------------------------------------------------- novaclient

    def nova(self, user='demo'):
        from keystoneauth1.identity import v3
        from keystoneauth1 import session
        from novaclient import client

        env = self.stack.openstack_env(user)
        auth = v3.Password(
            auth_url=env['OS_AUTH_URL'], username=user,
            password=env['OS_PASSWORD'], project_name=env['OS_PROJECT_NAME'],
            user_domain_id='default', project_domain_id='default')
        sess = session.Session(auth=auth, timeout=60)
        return client.Client('2.1', session=sess, region_name='RegionOne',
                             endpoint_type='public')

    def test_novaclient_boot_list_delete(self):
        from novaclient import exceptions

        nova = self.nova()
        flavor = nova.flavors.find(name='m1.tiny')
        image_id = self.api('demo').image_id('tiny')
        name = 'nc-%s' % uuid.uuid4().hex[:8]
        server = nova.servers.create(name, image_id, flavor)
        self.addCleanup(self.api('demo').delete_server, server.id)

        deadline = time.monotonic() + WAIT_TIMEOUT
        while True:
            server = nova.servers.get(server.id)
            if server.status in ('ACTIVE', 'ERROR') or \
                    time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertEqual('ACTIVE', server.status, server.to_dict())
        listed = {s.id: s.name for s in nova.servers.list()}
        self.assertEqual(name, listed.get(server.id), listed)
        self.assertEqual([server.id], [
            s.id for s in nova.servers.list(search_opts={'name': name})])

        nova.servers.delete(server)
        deadline = time.monotonic() + WAIT_TIMEOUT
        while True:
            try:
                nova.servers.get(server.id)
            except exceptions.NotFound:
                break
            if time.monotonic() > deadline:
                self.fail('server %s not gone after %d s' % (
                    server.id, WAIT_TIMEOUT))
            time.sleep(1)
        self.assertNotIn(server.id, [s.id for s in nova.servers.list()])
