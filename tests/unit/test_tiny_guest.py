"""The tiny guest's helper scripts (devstack/tools/tiny-guest), run on
the host: json.awk (the guest's JSON reader, under busybox awk as in the
guest, and the host's awk), the root-only sudo, and a syntax check of the
shell scripts. Booting the guest is tests/functional/
test_libvirt_real_guest.py's job."""
import json
import os
import shutil
import subprocess

import fixtures
import testtools

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
GUEST_DIR = os.path.join(REPO_ROOT, 'devstack', 'tools', 'tiny-guest')
JSON_AWK = os.path.join(GUEST_DIR, 'json.awk')
BUSYBOX = shutil.which('busybox')

# Shapes of the config drive's openstack/latest files (OpenStack metadata
# service documentation).
META_DATA = {
    'uuid': '9d1c4b30-6bd4-4f55-9d3e-2d5b8c2e7f00',
    'hostname': 'vm-1.novalocal', 'name': 'vm-1', 'launch_index': 0,
    'public_keys': {'mykey': 'ssh-ed25519 AAAAC3Nz me@host\n',
                    'other key': 'ssh-rsa AAAAB3 you@host'},
    'keys': [{'name': 'mykey', 'type': 'ssh',
              'data': 'ssh-ed25519 AAAAC3Nz me@host'}],
    'admin_pass': 'pa"ss\\w/rd \u00e9A',
    'meta': {}, 'devices': [], 'project_id': None, 'random_seed': 'x' * 64,
}
NETWORK_DATA = {
    'links': [{'id': 'tap0', 'type': 'phy',
               'ethernet_mac_address': 'fa:16:3e:00:00:01', 'mtu': 1500}],
    'networks': [{'id': 'network0', 'type': 'ipv4', 'link': 'tap0',
                  'ip_address': '10.0.0.5', 'netmask': '255.255.255.0',
                  'routes': [{'network': '0.0.0.0', 'netmask': '0.0.0.0',
                              'gateway': '10.0.0.1'}]}],
    'services': [{'type': 'dns', 'address': '10.0.0.2'}],
}


def flatten(text, awk):
    """json.awk's output for ``text`` under ``awk`` (argv list), as a
    list of (path, value)."""
    out = subprocess.run(awk + ['-f', JSON_AWK], input=text,
                         capture_output=True, text=True, timeout=10,
                         check=True).stdout
    return [tuple(line.split('\t', 1)) for line in out.splitlines()]


class JsonAwkMixin:
    awk = None

    def test_meta_data(self):
        flat = dict(flatten(json.dumps(META_DATA, indent=2), self.awk))
        self.assertEqual('vm-1.novalocal', flat['hostname'])
        self.assertEqual('0', flat['launch_index'])
        # Newlines stay escaped: one value per line.
        self.assertEqual('ssh-ed25519 AAAAC3Nz me@host\\n',
                         flat['public_keys/mykey'])
        self.assertEqual('ssh-rsa AAAAB3 you@host',
                         flat['public_keys/other key'])
        self.assertEqual('mykey', flat['keys/0/name'])
        # Escapes undone; a non-ASCII \\u escape becomes '?'.
        self.assertEqual('pa"ss\\w/rd ?A', flat['admin_pass'])
        self.assertEqual('null', flat['project_id'])
        self.assertNotIn('meta', flat)
        self.assertNotIn('devices', flat)

    def test_network_data(self):
        flat = dict(flatten(json.dumps(NETWORK_DATA), self.awk))
        self.assertEqual('ipv4', flat['networks/0/type'])
        self.assertEqual('10.0.0.5', flat['networks/0/ip_address'])
        self.assertEqual('10.0.0.1', flat['networks/0/routes/0/gateway'])
        self.assertEqual('10.0.0.2', flat['services/0/address'])
        self.assertEqual('1500', flat['links/0/mtu'])
        self.assertNotIn('networks/1/type', flat)

    def test_order_kept(self):
        self.assertEqual([('b', '1'), ('a/0', 'x'), ('a/1/c', 'true')],
                         flatten('{"b": 1, "a": ["x", {"c": true}]}',
                                 self.awk))

    def test_malformed_input_ends(self):
        for text in ('', '{', '{"a": ', '{"a": [1, 2', '[,,,]', '{"a" 1}',
                     '{"a": "unterminated', 'garbage', '}}}'):
            flatten(text, self.awk)  # returns (no hang, no error)
        self.assertEqual([('a', '1')], flatten('{"a": 1, "b"', self.awk))


class TestJsonAwkBusybox(JsonAwkMixin, testtools.TestCase):
    awk = [BUSYBOX or 'busybox', 'awk']

    def setUp(self):
        super().setUp()
        if BUSYBOX is None:
            self.skipTest('busybox is not installed')


class TestJsonAwkHost(JsonAwkMixin, testtools.TestCase):
    awk = ['awk']


class TestSudo(testtools.TestCase):

    def sudo(self, *args):
        return subprocess.run(['sh', os.path.join(GUEST_DIR, 'sudo')]
                              + list(args), capture_output=True, text=True,
                              timeout=10)

    def setUp(self):
        super().setUp()
        if os.geteuid() != 0:
            self.skipTest('the guest sudo runs only as root')

    def test_runs_the_command(self):
        for args in (['echo', 'a b'], ['-n', 'echo', 'a b'],
                     ['-u', 'root', '--', 'echo', 'a b'],
                     ['-E', '-H', '-uroot', 'echo', 'a b'],
                     ['-s', 'echo a b'], ['-i', 'echo a b']):
            result = self.sudo(*args)
            self.assertEqual((0, 'a b\n'), (result.returncode,
                                            result.stdout), args)

    def test_exit_status_kept(self):
        self.assertEqual(3, self.sudo('sh', '-c', 'exit 3').returncode)

    def test_refuses_other_users_and_options(self):
        for args in (['-u', 'nobody', 'true'], ['-unobody', 'true'],
                     ['-l'], []):
            result = self.sudo(*args)
            self.assertEqual(1, result.returncode, args)
            self.assertIn('sudo', result.stderr)


class TestMkfsVfat(testtools.TestCase):

    def test_makes_a_vfat_file_system(self):
        # The guest's mkfs.vfat (util-linux mkfs -t vfat runs it) is
        # busybox mkdosfs at /bin/busybox, as in the guest.
        if not os.access('/bin/busybox', os.X_OK) or not shutil.which(
                'blkid'):
            self.skipTest('needs /bin/busybox and blkid')
        disk = os.path.join(self.useFixture(
            fixtures.TempDir()).path, 'disk')
        with open(disk, 'wb') as f:
            f.truncate(64 * 1024 * 1024)
        result = subprocess.run(['sh', os.path.join(GUEST_DIR, 'mkfs.vfat'),
                                 disk], capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(0, result.returncode, result.stderr)
        found = subprocess.run(['blkid', '-o', 'value', '-s', 'TYPE', disk],
                               capture_output=True, text=True, timeout=10)
        self.assertEqual('vfat', found.stdout.strip())


class TestScriptsParse(testtools.TestCase):

    def test_shell_syntax(self):
        shell = [BUSYBOX, 'sh'] if BUSYBOX else ['sh']
        for name in ('initramfs-init', 'rcS', 'rcK', 'sudo',
                     'udhcpc.script', 'mkfs.vfat'):
            result = subprocess.run(
                shell + ['-n', os.path.join(GUEST_DIR, name)],
                capture_output=True, text=True, timeout=10)
            self.assertEqual(0, result.returncode, (name, result.stderr))
        script = os.path.join(GUEST_DIR, os.pardir, 'make-tiny-image.sh')
        result = subprocess.run(['bash', '-n', script], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(0, result.returncode, result.stderr)
