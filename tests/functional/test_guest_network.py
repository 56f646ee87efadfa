"""A real QEMU guest on a guest network inside a network namespace.

The layout of doc/networking.md, built by the ``GuestNetwork`` fixture
(tests/functional/fixtures/guestnet.py) in a namespace of the test's own:
bridge, dnsmasq, a libvirtd in the namespace (the driver reaches it on
``qemu+unix:///system?socket=...`` and looks the bridge up with
``[network] guest_netns``) and the metadata proxy on 169.254.169.254:80,
forwarding to a stand-in metadata service on the namespace's loopback
that checks the proxy's signature and serves the guest's hostname and
SSH key. (tests/functional/test_guest_stack.py does the same through
the whole stack with the real metadata service.)

The tiny guest (doc/guest-image.md) boots through ``LibvirtDriver`` under
TCG without a config drive; the test waits for ``NOVA_LITE_NET_UP <the
expected address>``, ``NOVA_LITE_CONFIG metadata``, ``NOVA_LITE_KEYS 1``
and ``NOVA_LITE_SSH_UP`` on its console, then logs in with the private key
(OpenSSH's client run inside the namespace) and reads ``hostname`` and
``ip addr``.

Skips (with the reason) unless root, ``ip netns``, libvirtd, QEMU,
dnsmasq, socat, ssh and libvirt-python are there. The image is built or reused
as in test_libvirt_real_guest (``$NOVA_LITE_TINY_CACHE``).
"""
import json
import os
import shutil
import sys
import textwrap
import time

from oslo_config import fixture as config_fixture
import testtools

import nova_lite.conf
from nova_lite.objects import instance as instance_obj
from tests.functional import test_libvirt_real_guest as real_guest
from tests.functional.fixtures import guestnet
from tests.functional.fixtures import libvirt_stack

CONF = nova_lite.conf.CONF
BRIDGE = 'br-guest'
NET = '10.253.7'
GATEWAY = NET + '.1'
GUEST_IP = NET + '.5'
GUEST_MAC = 'fa:16:3e:7e:57:05'
HOSTNAME = 'net-guest'
SECRET = 'guest-network-test-secret'
# Seconds: a TCG boot to SSH_UP takes ~25 s of a free core; the machine
# is shared.
CONSOLE_TIMEOUT = 400
SSH_TIMEOUT = 120

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
        reason = guestnet.skip_reason()
        if reason:
            print('test_guest_network skipped: %s' % reason)
            self.skipTest(reason)
        self.kernel, self.initrd, self.disk = real_guest.build_tiny_image()
        self.net = self.useFixture(guestnet.GuestNetwork(
            NET, BRIDGE, SECRET))
        self.addOnException(lambda _exc: self.net.attach_logs(self))
        self.dir, self.hosts = self.net.dir, self.net.hosts
        self.phase('namespace, libvirtd')
        self.key, self.public_key = self.net.make_key('id_ed25519')
        self.md_log = os.path.join(self.dir, 'metadata-requests.log')
        script = os.path.join(self.dir, 'fake_metadata.py')
        with open(script, 'w') as f:
            f.write(FAKE_METADATA)
        doc = {'uuid': 'to-be-set', 'hostname': HOSTNAME + '.novalocal',
               'name': HOSTNAME, 'public_keys': {'k': self.public_key}}
        self.net.spawn('metadata', sys.executable, script,
                       str(guestnet.METADATA_PORT), SECRET, self.md_log,
                       json.dumps(doc))

    def phase(self, name):
        print('guest network: %-26s at %6.1f s' % (
            name, time.monotonic() - self.started))

    # -- the guest --------------------------------------------------------

    def _driver(self):
        from nova_lite.virt.libvirt import driver as libvirt_driver
        flags = self.useFixture(config_fixture.Config(CONF))
        flags.config(state_path=self.dir)
        flags.config(group='libvirt', connection_uri=self.net.uri,
                     virt_type='qemu',
                     instances_path=os.path.join(self.dir, 'instances'),
                     images_path=os.path.join(self.dir, '_base'))
        flags.config(group='network', bridge=BRIDGE, guest_netns=self.net.ns)
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
        xml = guestnet.run('virsh', '-c', self.net.uri, 'dumpxml',
                           'instance-nettest').stdout
        self.assertIn("<source bridge='%s'/>" % BRIDGE, xml)
        # QEMU runs in a session of its own (libvirt daemonizes it), so
        # stopping the libvirtd's process group (the lab's service stop)
        # leaves guests running.
        qemu = guestnet.qemu_pids(uuid)
        self.assertEqual(1, len(qemu), qemu)
        with open('/proc/%d/stat' % qemu[0]) as f:
            pgrp = int(f.read().rsplit(')', 1)[1].split()[2])
        self.assertNotEqual(os.getpgid(self.net.libvirtd.pid), pgrp)
        # The tap (libvirt gives it the guest's MAC with fe: first) is in
        # the namespace, on the bridge, and not in the machine's own.
        tap_mac = 'fe' + GUEST_MAC[2:]
        self.assertIn(tap_mac, self.net.ns_run(
            'ip', '-o', 'link', 'show', 'master', BRIDGE).stdout)
        self.assertNotIn(tap_mac, guestnet.run(
            'ip', '-o', 'link', 'show').stdout)

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
                      self.net.log_of('dnsmasq'))
        with open(self.md_log) as f:
            seen = [json.loads(line) for line in f]
        self.assertIn({'path': '/openstack/latest/meta_data.json',
                       'address': GUEST_IP, 'signed': True}, seen)

        result = self.net.wait_ssh(
            self.key, GUEST_IP, 'hostname; ip -4 -o addr show dev eth0',
            SSH_TIMEOUT)
        self.phase('logged in over SSH')
        print('guest network: ssh output:\n%s' % result.stdout)
        lines = result.stdout.splitlines()
        self.assertEqual(HOSTNAME, lines[0])
        self.assertIn('inet %s/24' % GUEST_IP, lines[1])
        self.assertIn('eth0', lines[1])

