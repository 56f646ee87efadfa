"""Issue 18 acceptance 1: the server lifecycle through the unmodified
``openstack`` CLI, by the lab check ``devstack/tools/lifecycle_cli_check.py``
run against a stack of the test's own (separate services on RabbitMQ and
MariaDB behind a real Keystone, soft delete on, resize to the same host
allowed).

The check (see its docstring) boots a server, snapshots it with ``server
image create --wait`` and boots a clone from the snapshot, rebuilds,
resizes and confirms, resizes and reverts, pauses/unpauses,
suspends/resumes, shelves/unshelves, rescues/unrescues, deletes (soft)
and restores, and asks ``console url show --novnc``; each step must end
in the status the compute API reference gives.

* ``TestLifecycleCLI`` (in CI): the whole list on the fake driver, where
  only the API's states can be checked (``--no-guest``).
* ``TestLifecycleCLIRealGuest`` (``NOVA_LITE_LIFECYCLE_CLI=1``, several
  minutes of TCG): the whole list on real QEMU with the tiny guest of
  doc/guest-image.md, checking its ``NOVA_LITE_DISK_ID <id> BOOT <n>``
  line after every action, and, when Debian's chromium and tesseract are
  installed, the noVNC page in headless Chromium showing that line.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import testtools

from tests.functional.fixtures import libvirt_stack
from tests.functional.fixtures import processes
from tests.functional import test_clients
from tests.functional import test_libvirt_real_guest as real

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CHECK = os.path.join(REPO, 'devstack', 'tools', 'lifecycle_cli_check.py')
ENV = 'NOVA_LITE_LIFECYCLE_CLI'
CONF = {('DEFAULT', 'reclaim_instance_interval'): 3600,
        ('DEFAULT', 'allow_resize_to_same_host'): True}
#: Seconds the whole check may take (a TCG boot per booting step).
CHECK_TIMEOUT = 1800
KEY = 'lifecycle-key'


def run_check(stack, *args):
    """Run the lab check as the stack's demo user; returns (exit
    status, output). Credentials come from the environment."""
    env = test_clients.client_env(stack, 'demo')
    env['OPENSTACK'] = ' '.join(processes.command('openstack'))
    result = subprocess.run(
        [sys.executable, CHECK, '--key-name', KEY] + list(args),
        capture_output=True, text=True, timeout=CHECK_TIMEOUT, env=env,
        cwd=stack.state_dir)
    output = result.stdout + result.stderr
    print(output)
    return result.returncode, output


def make_key(stack):
    result = test_clients.run_openstack(stack, 'demo', 'keypair', 'create',
                                        KEY)
    assert result.returncode == 0, result.stderr


class TestLifecycleCLI(test_clients.KeystoneStackTestCase):
    """Every step on the fake driver: the API's states only."""

    extra_conf = CONF

    def test_every_action_through_the_cli(self):
        make_key(self.stack)
        status, output = run_check(self.stack, '--no-guest', '--image',
                                   'tiny')
        self.assertEqual(0, status, output)
        self.assertIn('11 passed, 0 failed', output)


class TestLifecycleCLIRealGuest(testtools.TestCase):
    """Every step on real QEMU, with the guest's boot lines."""

    def setUp(self):
        super().setUp()
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of minutes of TCG)'
                          % ENV)
        reason = real.why_no_qemu()
        if reason:
            self.skipTest(reason)
        kernel, initrd, disk = real.build_tiny_image()
        files_dir = tempfile.mkdtemp(prefix='nova-lite-cli-',
                                     dir='/var/tmp')
        self.addCleanup(shutil.rmtree, files_dir, ignore_errors=True)
        os.chmod(files_dir, 0o755)
        self.stack = self.useFixture(libvirt_stack.LibvirtStack(
            'mysql', hosts=(real.HOST,), connection_uri=real.URI,
            files_dir=files_dir, keystone=True, console_proxy=True,
            conf={('libvirt', 'virt_type'): 'qemu', **CONF}))
        self.image = real.register_guest_image(
            self.stack, self._image_id, kernel, initrd, disk)

    def _image_id(self, name):
        result = test_clients.run_openstack(self.stack, 'admin', 'image',
                                            'show', '-f', 'value', '-c',
                                            'id', name)
        self.assertEqual(0, result.returncode, result.stderr)
        return result.stdout.strip()

    def test_every_action_with_the_guest(self):
        make_key(self.stack)
        args = ['--image', self.image, '--flavor', real.FLAVOR,
                '--bigger-flavor', '1']
        if shutil.which('chromium') and shutil.which('tesseract'):
            args.append('--browser')
        status, output = run_check(self.stack, *args)
        self.assertEqual(0, status, output)
        self.assertIn('11 passed, 0 failed', output)
