"""Issue 4 acceptance 2: a real QEMU guest through the whole stack.

Separate API, conductor, scheduler and one compute (RabbitMQ, MariaDB),
the compute running ``LibvirtDriver`` on ``qemu:///system`` with
``virt_type = qemu`` (TCG: no KVM is needed). The guest is the tiny guest
of ``devstack/tools/make-tiny-image.sh`` (doc/guest-image.md): its
uncompressed ``tiny-vmlinux`` (half the TCG CPU time of the bzImage), its
initramfs and its ext4 root disk, registered as three images (kernel
``aki``, ramdisk ``ari``, and the qcow2 root disk naming them in its
``kernel_id``/``ramdisk_id`` properties; the driver boots it with its
default ``root=/dev/vda console=ttyS0``). The test reads the guest's
console through ``os-getConsoleOutput``: ``NOVA_LITE_DISK_ID <id> BOOT 1``
then, after a hard reboot (the driver's destroy and create), the same id
with ``BOOT 2``, which proves the root filesystem lives on the instance's
disk; ``NOVA_LITE_GUEST_UP <hostname>`` ends each boot.

Runs when ``qemu-system-x86_64`` and ``libvirtd`` are installed (starting
libvirtd with ``devstack/tools/libvirt-setup.sh`` when it does not
answer); skips with the reason otherwise. The built image is kept in
``$NOVA_LITE_TINY_CACHE`` (default ``~/.cache/nova_lite/tiny``) between
runs (the script rebuilds the initrd and disk only when it or the guest's
files change). Guest files live under /var/tmp in a 0755 directory,
because QEMU runs as libvirt-qemu and must traverse the path to its disk
and kernel.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

import testtools

from nova_lite.compute import states
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import guestnet
from tests.functional.fixtures import libvirt_stack
from tests.functional.fixtures import processes

URI = 'qemu:///system'
# m1.micro of ``nova-lite-manage bootstrap``: 1 vCPU, 192 MiB, 1 GiB disk
# (the guest needs ~100 MiB).
FLAVOR = '84'
HOST = 'node1'
GUEST_UP = 'NOVA_LITE_GUEST_UP'
DISK_ID = 'NOVA_LITE_DISK_ID'
# The guest's markers before GUEST_UP, in the order its boot script
# prints them (doc/guest-image.md); the values vary with the network.
BOOT_STEPS = ('NOVA_LITE_DISK_ID', 'NOVA_LITE_NET_', 'NOVA_LITE_CONFIG',
              'NOVA_LITE_HOSTNAME', 'NOVA_LITE_KEYS', 'NOVA_LITE_PASSWORD',
              'NOVA_LITE_USERDATA', 'NOVA_LITE_SSH_', GUEST_UP)
TOOLS = os.path.join(processes.REPO_ROOT, 'devstack', 'tools')
TINY_CACHE = os.environ.get('NOVA_LITE_TINY_CACHE', os.path.join(
    os.path.expanduser('~'), '.cache', 'nova_lite', 'tiny'))
# Seconds. A TCG boot of the tiny guest to its last marker takes ~25 s of
# a free core (kernel ~5 s, then modules, disk, DHCP, SSH host keys); the
# machine is shared, so the bounds leave room.
CONSOLE_TIMEOUT = 300
BUILD_TIMEOUT = 120
GONE_TIMEOUT = 30


def virsh(*args, check=True):
    """Run ``virsh -c qemu:///system ARGS``; its stdout.

    :raises: subprocess.CalledProcessError when ``check`` and it fails
    """
    return subprocess.run(('virsh', '-c', URI) + args, capture_output=True,
                          text=True, timeout=60, check=check).stdout


def libvirt_answers():
    """True when qemu:///system accepts connections."""
    try:
        virsh('version')
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return False
    return True


def why_no_qemu():
    """The reason this machine cannot run the test, or None; starts
    libvirtd (libvirt-setup.sh, as root) when it is installed but down."""
    for binary in ('qemu-system-x86_64', 'libvirtd', 'virsh', 'qemu-img'):
        if shutil.which(binary) is None:
            return '%s is not installed (tools/install-system-deps.sh)' % (
                binary)
    if libvirt_answers():
        return None
    if os.geteuid() != 0:
        return '%s does not answer and only root can start libvirtd' % URI
    result = subprocess.run([os.path.join(TOOLS, 'libvirt-setup.sh')],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not libvirt_answers():
        return 'libvirt-setup.sh could not start libvirtd: %s' % (
            result.stderr.strip()[-500:])
    return None


def build_tiny_image():
    """Build (or reuse) the tiny guest; returns (kernel, initrd, root
    disk) paths, the kernel being the uncompressed ELF QEMU boots by its
    PVH entry, the disk a qcow2 image.

    :raises: AssertionError with the script's output when it fails
    """
    result = subprocess.run(
        [os.path.join(TOOLS, 'make-tiny-image.sh'), TINY_CACHE],
        capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise AssertionError('make-tiny-image.sh failed:\n%s%s' % (
            result.stdout, result.stderr))
    return (os.path.join(TINY_CACHE, 'tiny-vmlinux'),
            os.path.join(TINY_CACHE, 'tiny-initrd.img'),
            os.path.join(TINY_CACHE, 'tiny-disk.qcow2'))


def register_guest_image(stack, image_id, kernel, initrd, disk,
                         name='tiny-guest'):
    """Register the tiny guest with ``nova-lite-manage image create``:
    kernel (``aki``), ramdisk (``ari``) and the qcow2 root disk naming
    them in its ``kernel_id``/``ramdisk_id`` properties; returns the root
    disk image's id. ``image_id(name)`` looks an image's id up."""
    stack.manage('image', 'create', name + '-kernel', '--file', kernel,
                 '--disk-format', 'aki')
    stack.manage('image', 'create', name + '-ramdisk', '--file', initrd,
                 '--disk-format', 'ari')
    stack.manage('image', 'create', name, '--file', disk,
                 '--disk-format', 'qcow2',
                 '--property', 'kernel_id=%s' % image_id(name + '-kernel'),
                 '--property', 'ramdisk_id=%s' % image_id(name + '-ramdisk'))
    return image_id(name)


def remove_domain(name):
    """Destroy and undefine a domain left by a failed test (errors of an
    absent domain are ignored)."""
    virsh('destroy', name, check=False)
    virsh('undefine', name, '--managed-save', check=False)


class TestRealGuest(testtools.TestCase):
    """One tiny guest under QEMU: boot from its root disk, console, hard
    reboot (the disk persists), delete."""

    #: Options of the stack besides virt_type ({(group, name): value}).
    extra_conf = {}
    #: Other keyword arguments of the stack (e.g. console_proxy).
    stack_kwargs = {}

    def setUp(self):
        super().setUp()
        self.started = time.monotonic()
        reason = why_no_qemu()
        if reason:
            print('test_libvirt_real_guest skipped: %s' % reason)
            self.skipTest(reason)
        self.kernel, self.initrd, self.disk = build_tiny_image()
        files_dir = tempfile.mkdtemp(prefix='nova-lite-guest-',
                                     dir='/var/tmp')
        self.addCleanup(shutil.rmtree, files_dir, ignore_errors=True)
        os.chmod(files_dir, 0o755)
        # Registered before the stack: runs after its processes stopped.
        self.booted = []
        self.addCleanup(self._remove_leftover_domains)
        self.stack = self.useFixture(libvirt_stack.LibvirtStack(
            'mysql', hosts=(HOST,), connection_uri=URI, files_dir=files_dir,
            conf={('libvirt', 'virt_type'): 'qemu', **self.extra_conf},
            **self.stack_kwargs))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.phase('stack up')

    def register_guest_image(self, name='tiny-guest'):
        """Register the tiny guest in this stack (the module's
        ``register_guest_image``); returns the root disk image's id."""
        return register_guest_image(self.stack, self.client.image_id,
                                    self.kernel, self.initrd, self.disk,
                                    name=name)

    def phase(self, name):
        """Print the seconds since setUp began (figures, not asserted)."""
        print('real guest: %-22s at %6.1f s' % (
            name, time.monotonic() - self.started))

    def _remove_leftover_domains(self):
        for server_id in self.booted:
            remove_domain('instance-%s' % server_id)

    def console_lines(self, server_id, marker=GUEST_UP):
        """Lines of the console output with ``marker``, stripped."""
        resp = self.client.request(
            'POST', '/servers/%s/action' % server_id,
            json={'os-getConsoleOutput': {}})
        self.assertEqual(200, resp.status_code, resp.text)
        return [line.strip() for line in resp.json()['output'].splitlines()
                if marker in line]

    def wait_guest_up(self, server_id, times):
        """Wait until the console shows ``times`` up lines; returns them."""
        return libvirt_stack.wait_for(
            lambda: (lines if len(lines := self.console_lines(server_id))
                     >= times else None),
            CONSOLE_TIMEOUT, '%d x %s on the console' % (times, GUEST_UP),
            interval=2)

    def wait_active(self, server_id):
        def _active():
            server = self.client.get_server(server_id).json()['server']
            if (server['status'] in ('ACTIVE', 'ERROR')
                    and server['OS-EXT-STS:task_state'] is None):
                return server
            return None
        server = libvirt_stack.wait_for(_active, BUILD_TIMEOUT,
                                        '%s ACTIVE' % server_id)
        self.assertEqual('ACTIVE', server['status'], server.get('fault'))
        self.assertEqual(states.RUNNING, server['OS-EXT-STS:power_state'])
        return server

    def boot_markers(self, server_id):
        """The guest's NOVA_LITE_* console lines, in order."""
        return self.console_lines(server_id, 'NOVA_LITE_')

    def test_boot_console_reboot_delete(self):
        image = register_guest_image(self.stack, self.client.image_id,
                                     self.kernel, self.initrd, self.disk)
        self.phase('images registered')
        resp = self.client.create_server(name='guest-1', flavor=FLAVOR,
                                         image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.booted.append(server_id)
        self.wait_active(server_id)
        self.phase('ACTIVE')
        self.assertEqual(['%s guest-1' % GUEST_UP],
                         self.wait_guest_up(server_id, 1))
        self.phase('guest up')
        markers = self.boot_markers(server_id)
        print('real guest: first boot console:\n  %s' % '\n  '.join(
            markers))
        # One line per step, in order, the up marker last.
        self.assertEqual(len(BOOT_STEPS), len(markers), markers)
        for step, line in zip(BOOT_STEPS, markers, strict=True):
            self.assertTrue(line.startswith(step), (step, markers))
        match = re.fullmatch(r'%s ([0-9a-f]{32}) BOOT 1' % DISK_ID,
                             markers[0])
        self.assertIsNotNone(match, markers[0])
        disk_id = match.group(1)
        self.assertIn('NOVA_LITE_HOSTNAME guest-1', markers)
        self.assertIn('NOVA_LITE_SSH_UP', markers)

        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'reboot': {'type': 'HARD'}})
        self.assertEqual(202, resp.status_code, resp.text)
        self.wait_active(server_id)
        self.assertEqual(2, len(self.wait_guest_up(server_id, 2)))
        self.phase('up after hard reboot')
        # The same disk: its id, and the boot count it keeps, survived.
        self.assertEqual(['%s %s BOOT 1' % (DISK_ID, disk_id),
                          '%s %s BOOT 2' % (DISK_ID, disk_id)],
                         self.console_lines(server_id, DISK_ID))

        self.check_delete(server_id)

    def check_delete(self, server_id):
        """Delete: the QEMU process, the domain and the disk go."""
        # The name the API reports is the domain's (virsh dominfo <it>).
        admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')
        domain = admin.get_server(server_id).json()['server'][
            'OS-EXT-SRV-ATTR:instance_name']
        self.assertEqual(server_id, virsh('domuuid', domain).strip())
        disk = os.path.join(self.stack.instances_path(HOST), server_id,
                            'disk')
        self.assertIn(domain, virsh('list', '--all', '--name').split())
        self.assertTrue(os.path.isfile(disk), disk)
        self.assertNotEqual([], guestnet.qemu_pids(server_id))

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.client.wait_for_deleted([server_id], timeout=GONE_TIMEOUT)
        libvirt_stack.wait_for(lambda: not guestnet.qemu_pids(server_id),
                               GONE_TIMEOUT, 'QEMU of %s to exit' % server_id)
        self.assertNotIn(domain, virsh('list', '--all', '--name').split())
        self.assertFalse(os.path.exists(disk), disk)
        self.assertEqual([], self.stack.instance_dirs(HOST))
        self.assertEqual([], self.stack.allocations())
        self.assertEqual([], self.stack.allocated_fixed_ips())
        self.phase('deleted')
