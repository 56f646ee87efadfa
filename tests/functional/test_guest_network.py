"""A real QEMU guest on a guest network inside a network namespace.

The layout of doc/networking.md, built by the test in a namespace of its
own (nothing in the machine's own namespace, traffic only inside it):

* a bridge with the network's gateway address and 169.254.169.254/32;
* Debian's dnsmasq answering DHCP from the hosts file the compute's
  ``nova_lite.network.dhcp.HostsFile`` writes (``--dhcp-range=NET,static``:
  only listed MACs get an address);
* a libvirtd of its own running in the namespace
  (``devstack/tools/netns-libvirtd.sh``), so QEMU's tap is created there;
  the driver reaches it on ``qemu+unix:///system?socket=...`` and looks
  the bridge up with ``[network] guest_netns``;
* the metadata proxy (``python -m nova_lite.cmd.metadata_proxy``) on
  169.254.169.254:80, forwarding to a stand-in metadata service on the
  namespace's loopback that checks the proxy's signature and serves the
  guest's hostname and SSH key.

The tiny guest (doc/guest-image.md) boots through ``LibvirtDriver`` under
TCG without a config drive; the test waits for ``NOVA_LITE_NET_UP <the
expected address>``, ``NOVA_LITE_CONFIG metadata``, ``NOVA_LITE_KEYS 1``
and ``NOVA_LITE_SSH_UP`` on its console, then logs in with the private key
(OpenSSH's client run inside the namespace) and reads ``hostname`` and
``ip addr``.

Skips (with the reason) unless root, ``ip netns``, libvirtd, QEMU,
dnsmasq, ssh and libvirt-python are there. The image is built or reused
as in test_libvirt_real_guest (``$NOVA_LITE_TINY_CACHE``).
"""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

from oslo_config import fixture as config_fixture
import testtools
import testtools.content

import nova_lite.conf
from nova_lite.network import dhcp
from nova_lite.objects import instance as instance_obj
from tests.functional import test_libvirt_real_guest as real_guest
from tests.functional.fixtures import libvirt_stack
from tests.functional.fixtures import processes

CONF = nova_lite.conf.CONF
TOOLS = os.path.join(processes.REPO_ROOT, 'devstack', 'tools')
BRIDGE = 'br-guest'
NET = '10.253.7'
GATEWAY = NET + '.1'
GUEST_IP = NET + '.5'
GUEST_MAC = 'fa:16:3e:7e:57:05'
HOSTNAME = 'net-guest'
SECRET = 'guest-network-test-secret'
METADATA_PORT = 8775
# Seconds: a TCG boot to SSH_UP takes ~25 s of a free core; the machine
# is shared.
CONSOLE_TIMEOUT = 400
SSH_TIMEOUT = 120
LIBVIRTD_TIMEOUT = 60

# The stand-in metadata service: checks the proxy's address signature and
# answers the guest's meta_data.json; logs each request as a JSON line.
FAKE_METADATA = textwrap.dedent('''
    import hashlib, hmac, http.server, json, sys
    port, secret, log, doc = (int(sys.argv[1]), sys.argv[2], sys.argv[3],
                              json.loads(sys.argv[4]))

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            addr = self.headers.get('X-Forwarded-For', '')
            good = hmac.new(secret.encode(), addr.encode(),
                            hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(
                good, self.headers.get('X-Forwarded-For-Signature', ''))
            with open(log, 'a') as f:
                f.write(json.dumps({'path': self.path, 'address': addr,
                                    'signed': ok}) + '\\n')
            if not ok:
                code, body = 403, b'bad signature'
            elif self.path == '/openstack/latest/meta_data.json':
                code, body = 200, json.dumps(doc).encode()
            else:
                code, body = 404, b'not found'
            self.send_response(code)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()
''')


def why_not():
    """The reason the test cannot run here, or None."""
    if os.geteuid() != 0:
        return 'network namespaces and libvirtd need root'
    for binary in ('ip', 'libvirtd', 'virsh', 'qemu-system-x86_64',
                   'qemu-img', 'dnsmasq', 'ssh', 'ssh-keygen'):
        if shutil.which(binary) is None:
            return '%s is not installed (tools/install-system-deps.sh)' % (
                binary)
    try:
        import libvirt  # noqa: F401
    except ImportError:
        return 'libvirt-python is not installed'
    probe = 'nltest-probe-%d' % os.getpid()
    if subprocess.run(['ip', 'netns', 'add', probe],
                      capture_output=True).returncode != 0:
        return 'ip netns add fails here'
    subprocess.run(['ip', 'netns', 'del', probe], capture_output=True)
    return None


def run(*argv, **kwargs):
    kwargs.setdefault('check', True)
    return subprocess.run(argv, capture_output=True, text=True, timeout=60,
                          **kwargs)


class _ImageFiles:
    """The image API stand-in: image id → local file."""

    def __init__(self, files):
        self.files = files

    def download(self, context, image_id, dest_path):
        shutil.copyfile(self.files[image_id], dest_path)


class TestGuestNetwork(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.started = time.monotonic()
        reason = why_not()
        if reason:
            print('test_guest_network skipped: %s' % reason)
            self.skipTest(reason)
        self.kernel, self.initrd, self.disk = real_guest.build_tiny_image()
        # QEMU runs as libvirt-qemu: it must traverse to the guest's files.
        self.dir = tempfile.mkdtemp(prefix='nova-lite-net-', dir='/var/tmp')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        os.chmod(self.dir, 0o755)
        self.ns = 'nltest-net-%d' % os.getpid()
        self.procs = []
        self.addOnException(self._attach_logs)
        self.addCleanup(self._teardown_namespace)
        self._namespace()
        self.phase('namespace, dnsmasq, proxy')
        self.uri = self._libvirtd()
        self.phase('libvirtd answers')

    def phase(self, name):
        print('guest network: %-26s at %6.1f s' % (
            name, time.monotonic() - self.started))

    def ns_run(self, *argv, **kwargs):
        return run('ip', 'netns', 'exec', self.ns, *argv, **kwargs)

    def spawn(self, name, *argv, netns=True):
        """A process of the test, inside the namespace when ``netns``
        (own session, log in the test's directory); stopped at cleanup."""
        log = open(os.path.join(self.dir, name + '.log'), 'w')
        prefix = ('ip', 'netns', 'exec', self.ns) if netns else ()
        proc = subprocess.Popen(prefix + argv,
                                stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()
        self.procs.append((name, proc))
        return proc

    def _attach_logs(self, exc_info):
        """On failure: the logs of the namespace's processes and the
        console, as test details."""
        for name in ('dnsmasq', 'proxy', 'metadata', 'libvirtd',
                     'metadata-requests'):
            try:
                self.addDetail(name + '.log', testtools.content.text_content(
                    self.log_of(name)[-6000:]))
            except OSError:
                pass
        for path in glob.glob(os.path.join(self.dir, 'instances', '*',
                                           'console.log')):
            with open(path, errors='replace') as f:
                self.addDetail('console.log', testtools.content.text_content(
                    f.read()[-6000:]))

    def log_of(self, name):
        with open(os.path.join(self.dir, name + '.log')) as f:
            return f.read()

    # -- the guest network ------------------------------------------------

    def _namespace(self):
        run('ip', 'netns', 'add', self.ns)
        self.ns_run('ip', 'link', 'set', 'lo', 'up')
        self.ns_run('ip', 'link', 'add', BRIDGE, 'type', 'bridge')
        self.ns_run('ip', 'addr', 'add', GATEWAY + '/24', 'dev', BRIDGE)
        self.ns_run('ip', 'addr', 'add', '169.254.169.254/32', 'dev', BRIDGE)
        self.ns_run('ip', 'link', 'set', BRIDGE, 'up')
        self.hosts = dhcp.HostsFile(os.path.join(self.dir, 'dhcp-hosts'),
                                    os.path.join(self.dir, 'dnsmasq.pid'))
        self.hosts.replace_all([])
        self.spawn('dnsmasq', 'dnsmasq', '--keep-in-foreground',
                   '--conf-file=/dev/null', '--no-hosts', '--no-resolv',
                   '--port=0', '--bind-interfaces', '--interface=' + BRIDGE,
                   '--except-interface=lo',
                   '--pid-file=' + self.hosts.pidfile,
                   '--dhcp-hostsfile=' + self.hosts.path,
                   '--dhcp-leasefile=' + os.path.join(self.dir, 'leases'),
                   '--dhcp-range=%s.0,static,255.255.255.0,1h' % NET,
                   '--log-dhcp', '--log-facility=-')
        key = os.path.join(self.dir, 'id_ed25519')
        run('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', key)
        with open(key + '.pub') as f:
            self.key, self.public_key = key, f.read().strip()
        self.md_log = os.path.join(self.dir, 'metadata-requests.log')
        script = os.path.join(self.dir, 'fake_metadata.py')
        with open(script, 'w') as f:
            f.write(FAKE_METADATA)
        doc = {'uuid': 'to-be-set', 'hostname': HOSTNAME + '.novalocal',
               'name': HOSTNAME, 'public_keys': {'k': self.public_key}}
        self.spawn('metadata', sys.executable, script, str(METADATA_PORT),
                   SECRET, self.md_log, json.dumps(doc))
        conf = os.path.join(self.dir, 'proxy.conf')
        with open(conf, 'w') as f:
            f.write('[metadata]\nmetadata_proxy_shared_secret = %s\n'
                    'metadata_url = http://127.0.0.1:%d\n' % (
                        SECRET, METADATA_PORT))
        env_path = processes.REPO_ROOT
        self.spawn('proxy', 'env', 'PYTHONPATH=' + env_path, sys.executable,
                   '-m', 'nova_lite.cmd.metadata_proxy', '--config-file',
                   conf)
        libvirt_stack.wait_for(
            lambda: self.hosts.dnsmasq_pid(), 30, 'dnsmasq pid file')

    def _libvirtd(self):
        state = os.path.join(self.dir, 'libvirt')
        self.libvirtd = self.spawn(
            'libvirtd', os.path.join(TOOLS, 'netns-libvirtd.sh'), self.ns,
            state, netns=False)
        uri = 'qemu+unix:///system?socket=%s/run/libvirt-sock' % state

        def answers():
            if self.libvirtd.poll() is not None:
                self.fail('libvirtd exited: %s' % self.log_of('libvirtd'))
            return run('virsh', '-c', uri, 'version',
                       check=False).returncode == 0
        libvirt_stack.wait_for(answers, LIBVIRTD_TIMEOUT,
                                          'libvirtd in %s' % self.ns)
        return uri

    def _teardown_namespace(self):
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)
        # A QEMU left behind (a failed destroy) would keep the netns busy.
        for pid in real_guest.qemu_pids(self.dir):
            os.kill(pid, signal.SIGKILL)
        subprocess.run(['ip', 'netns', 'del', self.ns], capture_output=True)

    # -- the guest --------------------------------------------------------

    def _driver(self):
        from nova_lite.virt.libvirt import driver as libvirt_driver
        flags = self.useFixture(config_fixture.Config(CONF))
        flags.config(state_path=self.dir)
        flags.config(group='libvirt', connection_uri=self.uri,
                     virt_type='qemu',
                     instances_path=os.path.join(self.dir, 'instances'),
                     images_path=os.path.join(self.dir, '_base'))
        flags.config(group='network', bridge=BRIDGE, guest_netns=self.ns)
        driver = libvirt_driver.LibvirtDriver('net-test')
        driver.image_api = _ImageFiles({'tiny-kernel': self.kernel,
                                        'tiny-ramdisk': self.initrd,
                                        'tiny-disk': self.disk})
        driver.init_host('net-test')
        self.addCleanup(driver.cleanup_host, 'net-test')
        return driver

    def console(self, instance):
        path = os.path.join(self.dir, 'instances', instance.uuid,
                            'console.log')
        try:
            with open(path, errors='replace') as f:
                return [line.strip() for line in f
                        if line.startswith('NOVA_LITE_')]
        except FileNotFoundError:
            return []

    def ssh(self, command):
        return self.ns_run(
            'ssh', '-i', self.key, '-o', 'BatchMode=yes',
            '-o', 'StrictHostKeyChecking=no',
            '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=20',
            '-o', 'LogLevel=ERROR', 'root@' + GUEST_IP, command, check=False)

    def test_dhcp_metadata_and_ssh(self):
        driver = self._driver()
        uuid = '6f1c2d3e-0000-4000-8000-00000000a105'
        instance = instance_obj.Instance(
            uuid=uuid, hostname=HOSTNAME, vcpus=1, memory_mb=192, root_gb=1,
            image_ref='tiny-disk', instance_name='instance-nettest')
        vif = instance_obj.VIF(address=GUEST_IP, mac=GUEST_MAC,
                               network_label='private', network_id=1,
                               cidr=NET + '.0/24', gateway=GATEWAY,
                               bridge=BRIDGE)
        image = instance_obj.ImageMeta(
            id='tiny-disk', disk_format='qcow2',
            properties={'kernel_id': 'tiny-kernel',
                        'ramdisk_id': 'tiny-ramdisk'})
        self.assertTrue(self.hosts.add([vif], instance.hostname))
        self.assertEqual('%s,%s,%s\n' % (GUEST_MAC, GUEST_IP, HOSTNAME),
                         open(self.hosts.path).read())
        driver.spawn(None, instance, image, [vif])
        self.addCleanup(driver.destroy, None, instance, [vif])
        self.phase('spawned')
        xml = run('virsh', '-c', self.uri, 'dumpxml',
                  'instance-nettest').stdout
        self.assertIn("<source bridge='%s'/>" % BRIDGE, xml)
        # QEMU runs in a session of its own (libvirt daemonizes it), so
        # stopping the libvirtd's process group (the lab's service stop)
        # leaves guests running.
        qemu = real_guest.qemu_pids(uuid)
        self.assertEqual(1, len(qemu), qemu)
        with open('/proc/%d/stat' % qemu[0]) as f:
            pgrp = int(f.read().rsplit(')', 1)[1].split()[2])
        self.assertNotEqual(os.getpgid(self.libvirtd.pid), pgrp)
        # The tap (libvirt gives it the guest's MAC with fe: first) is in
        # the namespace, on the bridge, and not in the machine's own.
        tap_mac = 'fe' + GUEST_MAC[2:]
        self.assertIn(tap_mac, self.ns_run('ip', '-o', 'link', 'show',
                                           'master', BRIDGE).stdout)
        self.assertNotIn(tap_mac, run('ip', '-o', 'link', 'show').stdout)

        def up():
            lines = self.console(instance)
            return lines if any(line.startswith('NOVA_LITE_GUEST_UP')
                                for line in lines) else None
        markers = libvirt_stack.wait_for(
            up, CONSOLE_TIMEOUT, 'NOVA_LITE_GUEST_UP', interval=2)
        self.phase('guest up')
        print('guest network: console:\n  %s' % '\n  '.join(markers))
        self.assertIn('NOVA_LITE_NET_UP %s' % GUEST_IP, markers)
        self.assertIn('NOVA_LITE_CONFIG metadata', markers)
        self.assertIn('NOVA_LITE_HOSTNAME %s' % HOSTNAME, markers)
        self.assertIn('NOVA_LITE_KEYS 1', markers)
        self.assertIn('NOVA_LITE_SSH_UP', markers)
        self.assertIn('DHCPACK(%s) %s %s' % (BRIDGE, GUEST_IP, GUEST_MAC),
                      self.log_of('dnsmasq'))
        with open(self.md_log) as f:
            seen = [json.loads(line) for line in f]
        self.assertIn({'path': '/openstack/latest/meta_data.json',
                       'address': GUEST_IP, 'signed': True}, seen)

        def logged_in():
            result = self.ssh('hostname; ip -4 -o addr show dev eth0')
            return result if result.returncode == 0 else None
        result = libvirt_stack.wait_for(
            logged_in, SSH_TIMEOUT, 'ssh root@%s' % GUEST_IP, interval=3)
        self.phase('logged in over SSH')
        print('guest network: ssh output:\n%s' % result.stdout)
        lines = result.stdout.splitlines()
        self.assertEqual(HOSTNAME, lines[0])
        self.assertIn('inet %s/24' % GUEST_IP, lines[1])
        self.assertIn('eth0', lines[1])

