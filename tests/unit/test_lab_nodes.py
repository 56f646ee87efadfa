"""The lab's systemd-container nodes (devstack/lib/nodes, NODE_MODE=nspawn)
without booting anything: the units installed in a node, the node's
config, systemd-nspawn's arguments, the root fs package list and its
stamp, and the scripts' syntax. Booting nodes is
devstack/tools/nodes-check.sh's job (tests/functional/test_lab_nodes.py).
"""
import configparser
import os
import re
import shutil
import subprocess
import sys

import fixtures
import testtools

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEVSTACK = os.path.join(REPO_ROOT, 'devstack')
VENV_DIR = os.path.dirname(os.path.dirname(sys.executable))
RABBIT_PORT, API_PORT, KEYSTONE_PORT = '5672', '18774', '15000'
LIBS = ('services', 'rabbitmq', 'netns', 'nova_lite', 'nodes')


def read_unit(text):
    """A unit file's text as {section: {key: value}} (keys kept as
    written)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read_string(text)
    return {s: dict(parser[s]) for s in parser.sections()}


class LabNodesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.state = os.path.join(self.tmp, 'lab')
        self.rootfs_dir = os.path.join(self.tmp, 'rootfs')
        self.settings = {
            'STATE_DIR': self.state, 'VENV_DIR': VENV_DIR,
            'NODE_ROOTFS_DIR': self.rootfs_dir, 'NODE_MODE': 'nspawn',
            'NETNS_PREFIX': 'nlut-', 'LAB_NET': '10.98.5',
            'RABBIT_PORT': RABBIT_PORT, 'API_PORT': API_PORT,
            'KEYSTONE_PORT': KEYSTONE_PORT, 'NODE_SUITE': 'bookworm',
            'NODE_MIRROR': 'http://deb.example.test/debian',
        }
        self.write_local_conf()

    def write_local_conf(self, **extra):
        path = os.path.join(self.tmp, 'local.conf')
        with open(path, 'w') as conf:
            for key, value in dict(self.settings, **extra).items():
                conf.write('%s=%s\n' % (key, value))
        self.local_conf = path

    def lab(self, script, check=True):
        """Run ``script`` in bash after loading the lab's settings and
        libraries (the library-package scan replaced by a fixed list, so
        no ldd/dpkg run here); its stdout."""
        prologue = (
            'set -euo pipefail; source %s/functions; load_settings; '
            'for l in %s; do source %s/lib/$l; done; '
            'node_library_packages() { printf "libfoo1\\nlibc6\\n"; }; '
            % (DEVSTACK, ' '.join(LIBS), DEVSTACK))
        env = dict(os.environ, NOVA_LITE_LOCAL_CONF=self.local_conf)
        result = subprocess.run(['bash', '-c', prologue + script],
                                capture_output=True, text=True, env=env,
                                timeout=60)
        if check:
            self.assertEqual(0, result.returncode, result.stderr)
        return result

    def test_compute_unit(self):
        text = self.lab('node_unit_compute node3').stdout
        self.assertIsNone(re.search(r'@[A-Z_]+@', text), text)
        unit = read_unit(text)
        service = unit['Service']
        self.assertEqual(
            '%s/bin/nova-lite-compute --config-file '
            '/etc/nova-lite/nova_lite.conf' % VENV_DIR, service['ExecStart'])
        self.assertEqual('on-failure', service['Restart'])
        self.assertIn('PYTHONPATH=%s' % REPO_ROOT, service['Environment'])
        forwards = ['nova-lite-fwd@%s.service' % port
                    for port in (RABBIT_PORT, API_PORT, KEYSTONE_PORT)]
        self.assertEqual(forwards, unit['Unit']['Wants'].split())
        self.assertIn('(lab node node3)', unit['Unit']['Description'])
        self.assertEqual('multi-user.target', unit['Install']['WantedBy'])

    def test_compute_unit_extra_config(self):
        extra = os.path.join(self.tmp, 'extra.conf')
        open(extra, 'w').close()
        self.write_local_conf(EXTRA_NOVA_CONF=extra)
        service = read_unit(self.lab('node_unit_compute node1').stdout)[
            'Service']
        self.assertTrue(service['ExecStart'].endswith(
            ' --config-file /etc/nova-lite/nova_lite.conf'
            ' --config-file /etc/nova-lite/extra.conf'), service)
        args = self.lab('node_prepare 1; node_nspawn_args 1').stdout.split()
        self.assertIn('--bind-ro=%s:/etc/nova-lite/extra.conf' % extra, args)

    def test_forwarder_unit(self):
        path = os.path.join(REPO_ROOT, 'etc', 'systemd',
                            'nova-lite-fwd@.service')
        with open(path) as f:
            service = read_unit(f.read())['Service']
        self.assertEqual(
            '/usr/bin/socat TCP-LISTEN:%i,bind=127.0.0.1,reuseaddr,fork '
            'UNIX-CONNECT:/hostfwd/%i.sock', service['ExecStart'])

    def test_units_verify(self):
        """systemd-analyze verify accepts both units (it fails on a missing
        executable or an unknown directive)."""
        analyze = shutil.which('systemd-analyze')
        if not analyze:
            self.skipTest('systemd-analyze is not installed')
        unit = os.path.join(self.tmp, 'nova-lite-compute.service')
        with open(unit, 'w') as f:
            f.write(self.lab('node_unit_compute node1').stdout)
        fwd = os.path.join(self.tmp, 'nova-lite-fwd@.service')
        shutil.copy(os.path.join(REPO_ROOT, 'etc', 'systemd',
                                 'nova-lite-fwd@.service'), fwd)
        result = subprocess.run([analyze, 'verify', unit, fwd],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual((0, ''), (result.returncode, result.stderr))

    def test_units_install_enables(self):
        wants = os.path.join(self.state, 'nodes', 'node1', 'upper', 'etc',
                             'systemd', 'system', 'multi-user.target.wants')
        os.makedirs(wants)
        os.symlink('../nova-lite-fwd@.service',
                   os.path.join(wants, 'nova-lite-fwd@9999.service'))
        self.lab('node_units_install node1')
        links = {name: os.readlink(os.path.join(wants, name))
                 for name in os.listdir(wants)}
        self.assertEqual({
            'nova-lite-compute.service': '../nova-lite-compute.service',
            'nova-lite-fwd@%s.service' % RABBIT_PORT:
                '../nova-lite-fwd@.service',
            'nova-lite-fwd@%s.service' % API_PORT: '../nova-lite-fwd@.service',
            'nova-lite-fwd@%s.service' % KEYSTONE_PORT:
                '../nova-lite-fwd@.service',
        }, links)
        for name in set(links.values()):
            self.assertTrue(os.path.isfile(os.path.join(wants, name)), name)

    def test_nspawn_args(self):
        args = self.lab('node_prepare 2; node_nspawn_args 2').stdout.split()
        for expected in ('-b', '--register=no', '--keep-unit',
                         '--console=passive',
                         '--network-namespace-path=/run/netns/nlut-node2',
                         '--bind-ro=%s' % REPO_ROOT,
                         '--bind-ro=%s' % VENV_DIR,
                         '--bind-ro=%s/nodes/hostfwd:/hostfwd' % self.state,
                         '--bind-ro=%s/nodes/node2/nova_lite.conf:'
                         '/etc/nova-lite/nova_lite.conf' % self.state):
            self.assertIn(expected, args)
        self.assertEqual('node2', args[args.index('-M') + 1])
        # No link in the host's namespace: nspawn makes none of its own.
        self.assertFalse([a for a in args if a.startswith(
            ('--private-network', '--network-veth', '--network-bridge'))])
        uuid = [a for a in args if a.startswith('--uuid=')]
        self.assertEqual(1, len(uuid))
        self.assertRegex(uuid[0], r'^--uuid=[0-9a-f]{32}$')
        # The machine id stays across boots and differs between nodes.
        again = self.lab('node_prepare 2; node_nspawn_args 2').stdout.split()
        self.assertIn(uuid[0], again)
        other = self.lab('node_prepare 1; node_nspawn_args 1').stdout.split()
        self.assertNotIn(uuid[0], other)
        with open(os.path.join(self.state, 'nodes', 'node2', 'upper', 'etc',
                               'hostname')) as f:
            self.assertEqual('node2\n', f.read())

    def test_node_config(self):
        self.lab('TRANSPORT_URL=rabbit://u:p@127.0.0.1:%s/vh; '
                 'RABBIT_HOST=127.0.0.1; node_nspawn_config 1' % RABBIT_PORT)
        conf = configparser.ConfigParser(interpolation=None)
        conf.read(os.path.join(self.state, 'nodes', 'node1',
                               'nova_lite.conf'))
        self.assertEqual('node1', conf['DEFAULT']['host'])
        self.assertEqual('rabbit://u:p@127.0.0.1:%s/vh' % RABBIT_PORT,
                         conf['DEFAULT']['transport_url'])
        self.assertEqual('/var/lib/nova-lite', conf['DEFAULT']['state_path'])
        self.assertNotIn('database', conf.sections())
        self.assertEqual('http://127.0.0.1:%s/image' % API_PORT,
                         conf['image']['api_endpoint'])
        self.assertEqual('http://127.0.0.1:%s/v3' % KEYSTONE_PORT,
                         conf['service_user']['auth_url'])

    def test_packages_and_stamp(self):
        packages = self.lab('node_packages').stdout.split()
        self.assertEqual(sorted(set(packages)), packages)
        for name in ('systemd', 'systemd-sysv', 'dbus', 'socat', 'iproute2',
                     'libfoo1', 'libc6'):
            self.assertIn(name, packages)
        stamp = self.lab('node_rootfs_stamp').stdout.strip()
        self.assertRegex(stamp, '^[0-9a-f]{16}$')
        self.assertEqual(stamp, self.lab('node_rootfs_stamp').stdout.strip())
        self.assertEqual(os.path.join(self.rootfs_dir, 'rootfs-' + stamp),
                         self.lab('node_rootfs_path').stdout.strip())
        self.write_local_conf(NODE_EXTRA_PACKAGES='libvirt-daemon-system')
        self.assertIn('libvirt-daemon-system',
                      self.lab('node_packages').stdout.split())
        self.assertNotEqual(stamp,
                            self.lab('node_rootfs_stamp').stdout.strip())
        self.write_local_conf(NODE_SUITE='trixie')
        self.assertNotEqual(stamp,
                            self.lab('node_rootfs_stamp').stdout.strip())

    def test_owning_packages(self):
        if not shutil.which('dpkg'):
            self.skipTest('not a Debian system')
        libc = subprocess.run(
            ['bash', '-c', 'ldd /bin/sh | awk \'/libc.so/ {print $3}\''],
            capture_output=True, text=True, check=True).stdout.strip()
        out = self.lab('echo %s | _node_owning_packages' % libc).stdout
        self.assertEqual(['libc6'], out.split())

    def test_unit_names(self):
        out = self.lab('for s in compute fwd@5672 systemd-journald.service; '
                       'do node_unit_name $s; done').stdout.split()
        self.assertEqual(['nova-lite-compute', 'nova-lite-fwd@5672',
                          'systemd-journald.service'], out)

    def test_names(self):
        out = self.lab('node_lan_ns; node_ns 3; node_addr 3; '
                       'node_cgroup node3').stdout.split()
        self.assertEqual(['nlut-nodelan', 'nlut-node3', '10.98.5.13',
                          'nlut-nodenodes/node3'], out)

    def test_node_boot_usage(self):
        result = subprocess.run(
            [os.path.join(DEVSTACK, 'lib', 'node-boot.sh'), 'cg'],
            capture_output=True, text=True, timeout=10)
        self.assertEqual(2, result.returncode)
        self.assertIn('usage', result.stderr)

    def test_scripts_parse(self):
        for path in ('lib/nodes', 'lib/node-rootfs', 'lib/node-boot.sh',
                     'labctl.sh',
                     'stack.sh', 'unstack.sh', 'tools/nodes-check.sh'):
            result = subprocess.run(
                ['bash', '-n', os.path.join(DEVSTACK, path)],
                capture_output=True, text=True, timeout=10)
            self.assertEqual(0, result.returncode, path + result.stderr)
