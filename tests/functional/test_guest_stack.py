"""Issue 17 acceptance 1 and 2: guests people can use, through the whole
stack, on real QEMU (TCG).

API (HTTP, Keystone tokens), conductor, scheduler and one compute
(``LibvirtDriver``, ``virt_type = qemu``) on RabbitMQ and MariaDB, plus
``nova-lite-metadata`` on the machine's loopback. The compute's libvirtd,
dnsmasq and the metadata proxy run in the test's guest network namespace
(``GuestNetwork``, tests/functional/fixtures/guestnet.py; the proxy
reaches the service through a Unix socket relay, as in the lab).

Two tiny guests (doc/guest-image.md) boot at once:

* ``guest-a`` through the compute API with a key pair, ``user_data`` (a
  shell script writing a marker file) and ``config_drive: true``;
* ``guest-b`` through CloudStack's ``deployVirtualMachine`` with
  ``keypair`` and ``userdata`` and no config drive: it gets the same
  through DHCP and the metadata service.

Both are in the demo project's ``default`` security group, which the
compute enforces with nftables in the namespace (doc/network-api.md,
"Enforcement"): once guest-a's sshd is up, SSH from the namespace is
refused; after an ingress tcp/22 rule is added through the Networking
API, for each, from inside the namespace, SSH with the private key to the
address the API reports succeeds within ``SSH_TIMEOUT`` of the server
being ACTIVE, and ``hostname``, the marker file and ``ip addr`` match the
API's view (compute API and ``listVirtualMachines``). Inside the guests,
requests to 169.254.169.254 forging ``X-Instance-ID`` or
``X-Forwarded-For`` (busybox ``wget --header``) get the guest's own data
or 403, never the other guest's; requests reaching the metadata service
without the proxy's signature get 403. Then ``guest-b`` is stopped, given
a new key pair (``resetSSHKeyForVirtualMachine``) and started: the new key
logs in, the old one is refused.

Skips (with the reason) like test_guest_network; the image is built or
reused as in test_libvirt_real_guest (``$NOVA_LITE_TINY_CACHE``).
"""
import base64
import json
import secrets
import time

from cs import client as cs_client
import requests
import testtools

from nova_lite.api import metadata as metadata_api
from nova_lite.bench import client as compute_client
from tests.functional import test_libvirt_real_guest as real_guest
from tests.functional.fixtures import cloudstack as cs_fixture
from tests.functional.fixtures import guestnet
from tests.functional.fixtures import libvirt_stack
from tests.functional.fixtures import processes

HOST = 'node1'
NET = '10.253.9'
BRIDGE = 'br-guest'
SECRET = 'guest-stack-test-secret'
FLAVOR = '84'         # m1.micro: 1 vCPU, 192 MiB, 1 GiB
OFFERING = 'm1.micro'
MARKER = '/root/user-data-marker'
# Seconds. SSH_TIMEOUT is the acceptance's bound from ACTIVE to a login
# (a TCG boot to SSH_UP takes ~15-25 s of a free core; two guests boot at
# once on a shared 2-core machine). Builds and jobs get more room.
SSH_TIMEOUT = 120
BUILD_TIMEOUT = 240
JOB_TIMEOUT = 240
MD_PATH = '/openstack/latest/meta_data.json'
ANSWER = '=== answer to '
# The identity headers a guest forges, by what they name of the other
# guest: its uuid, its address, or both with made-up signatures.
FORGED = (('X-Instance-ID: {uuid}',),
          ('X-Forwarded-For: {address}',),
          ('X-Instance-ID: {uuid}', 'X-Instance-ID-Signature: {sig}',
           'X-Forwarded-For: {address}', 'X-Forwarded-For-Signature: {sig}',
           'X-Tenant-ID: {project}'))


def user_data_script(token):
    """A shell script writing ``token`` to MARKER, base64 (as both APIs
    take it)."""
    script = '#!/bin/sh\necho %s > %s\n' % (token, MARKER)
    return base64.b64encode(script.encode()).decode()


class TestGuestsThroughTheStack(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.started = time.monotonic()
        reason = guestnet.skip_reason()
        if reason:
            print('test_guest_stack skipped: %s' % reason)
            self.skipTest(reason)
        kernel, initrd, disk = real_guest.build_tiny_image()
        self.net = self.useFixture(guestnet.GuestNetwork(NET, BRIDGE,
                                                         SECRET))
        self.addOnException(lambda _exc: self.net.attach_logs(self))
        self.md_port = processes.free_port()
        self.stack = self.useFixture(libvirt_stack.LibvirtStack(
            'mysql', hosts=(HOST,), connection_uri=self.net.uri,
            files_dir=self.net.dir, keystone=True, conf=self._options()))
        self.stack.start_process('metadata', 'nova-lite-metadata',
                                 'controller')
        self.net.relay_metadata(self.md_port)
        self.client = compute_client.ComputeClient(
            self.stack.api_url, token=self.stack.token('demo'))
        self.admin = compute_client.ComputeClient(
            self.stack.api_url, token=self.stack.token('admin'))
        self.image = real_guest.register_guest_image(
            self.stack, self.client.image_id, kernel, initrd, disk)
        apikey, secret = cs_fixture.register_keys(
            self.stack, 'demo', self.stack.projects['demo'])
        self.cs = cs_client.CloudStack(self.stack.api_url + '/client/api',
                                       key=apikey, secret=secret, timeout=60)
        self.phase('stack, guest network, metadata up')

    def _options(self):
        return {
            ('libvirt', 'virt_type'): 'qemu',
            ('network', 'fixed_range'): self.net.cidr,
            ('network', 'bridge'): BRIDGE,
            ('network', 'guest_netns'): self.net.ns,
            ('network', 'dhcp_hostsfile'): self.net.hosts.path,
            ('network', 'dhcp_pidfile'): self.net.hosts.pidfile,
            ('metadata', 'metadata_listen'): '127.0.0.1',
            ('metadata', 'metadata_listen_port'): self.md_port,
            ('metadata', 'metadata_proxy_shared_secret'): SECRET,
            # The user expunges guest-b at the end (doc/lifecycle.md).
            ('cloudstack', 'allow_user_expunge_recover_vm'): True,
        }

    def phase(self, name):
        """Print the seconds since setUp began (figures, not asserted)."""
        print('guest stack: %-34s at %6.1f s' % (
            name, time.monotonic() - self.started))

    # -- the APIs' views --------------------------------------------------

    def admin_view(self, server_id):
        """The admin's view at 2.3 (with OS-EXT-SRV-ATTR:hostname)."""
        resp = self.admin.request(
            'GET', '/servers/%s' % server_id,
            headers={'OpenStack-API-Version': 'compute 2.3'})
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['server']

    def api_guest(self, server_id):
        """{uuid, hostname, address, mac} of a server, from the compute
        API."""
        server = self.admin_view(server_id)
        (nic,) = server['addresses']['private']
        return {'uuid': server_id, 'project': server['tenant_id'],
                'hostname': server['OS-EXT-SRV-ATTR:hostname'],
                'address': nic['addr'],
                'mac': nic['OS-EXT-IPS-MAC:mac_addr']}

    def cs_vm(self, vm_id):
        (vm,) = self.cs.listVirtualMachines(id=vm_id)['virtualmachine']
        return vm

    def wait_active(self, server_id):
        def active():
            server = self.client.get_server(server_id).json()['server']
            if server['status'] in ('ACTIVE', 'ERROR') and \
                    server['OS-EXT-STS:task_state'] is None:
                return server
            return None
        server = libvirt_stack.wait_for(active, BUILD_TIMEOUT,
                                        '%s ACTIVE' % server_id, interval=1)
        self.assertEqual('ACTIVE', server['status'], server.get('fault'))

    def wait_job(self, jobid):
        job = cs_fixture.wait_job(self.cs, jobid, JOB_TIMEOUT)
        self.assertEqual(1, job['jobstatus'], job)
        return job

    def console_markers(self, server_id):
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json={'os-getConsoleOutput': {}})
        self.assertEqual(200, resp.status_code, resp.text)
        return [line.strip() for line in resp.json()['output'].splitlines()
                if line.startswith('NOVA_LITE_')]

    # -- checks -----------------------------------------------------------

    def ssh_refused_until_rule(self, guest, key):
        """Once the guest's sshd is up (its console says so), SSH from
        the namespace fails: the default group lets in its members
        only. Then add ingress tcp/22 to the demo project's default
        group through the Networking API."""
        libvirt_stack.wait_for(
            lambda: 'NOVA_LITE_SSH_UP' in self.console_markers(
                guest['uuid']), BUILD_TIMEOUT, 'sshd of %s'
            % guest['hostname'], interval=2)
        refused = self.net.ssh(key, guest['address'], 'hostname',
                               timeout=30)
        print('guest stack: ssh before the rule: exit %d, %s' % (
            refused.returncode, refused.stderr.strip()))
        self.assertNotEqual(0, refused.returncode, refused.stdout)
        network = self.stack.api_url + '/network/v2.0'
        headers = {'X-Auth-Token': self.stack.token('demo')}
        resp = requests.get(network + '/security-groups?name=default',
                            headers=headers, timeout=30)
        self.assertEqual(200, resp.status_code, resp.text)
        (group,) = resp.json()['security_groups']
        resp = requests.post(network + '/security-group-rules', json={
            'security_group_rule': {
                'security_group_id': group['id'], 'direction': 'ingress',
                'protocol': 'tcp', 'port_range_min': 22,
                'port_range_max': 22}}, headers=headers, timeout=30)
        self.assertEqual(201, resp.status_code, resp.text)
        self.phase('ssh refused; tcp/22 rule added')

    def ssh_window(self, since):
        """Seconds left of SSH_TIMEOUT counted from ``since``
        (``time.monotonic()`` when the server was ACTIVE)."""
        return max(1, SSH_TIMEOUT - (time.monotonic() - since))

    def check_guest(self, guest, key, token, config):
        """Log in within SSH_TIMEOUT of ACTIVE; hostname, marker file,
        eth0's address and MAC are the API's; the console names where
        the configuration came from."""
        result = self.net.wait_ssh(
            key, guest['address'], 'hostname; cat %s; ip -o addr show dev '
            'eth0; ip -o link show dev eth0' % MARKER,
            self.ssh_window(self.active_at))
        self.phase('logged in to %s' % guest['hostname'])
        lines = result.stdout.splitlines()
        self.assertEqual(guest['hostname'], lines[0], result.stdout)
        self.assertEqual(token, lines[1], result.stdout)
        self.assertIn(' inet %s/24 ' % guest['address'], result.stdout)
        self.assertIn('link/ether %s ' % guest['mac'], result.stdout)
        markers = self.console_markers(guest['uuid'])
        print('guest stack: %s console:\n  %s\n  ssh:\n  %s' % (
            guest['hostname'], '\n  '.join(markers),
            result.stdout.strip().replace('\n', '\n  ')))
        self.assertIn('NOVA_LITE_CONFIG %s' % config, markers)
        self.assertIn('NOVA_LITE_NET_UP %s' % guest['address'], markers)
        self.assertIn('NOVA_LITE_USERDATA 0', markers)
        self.assertIn('DHCPACK(%s) %s %s' % (BRIDGE, guest['address'],
                                             guest['mac']),
                      self.net.log_of('dnsmasq'))

    def forged_requests(self, guest, key, other):
        """From inside ``guest``, each FORGED header set naming ``other``
        on meta_data.json and user_data: the answer is ``guest``'s own
        data or 403, never ``other``'s."""
        commands = []
        for headers in FORGED:
            args = ' '.join("--header '%s'" % h.format(sig='0' * 64, **other)
                            for h in headers)
            for path in (MD_PATH, '/openstack/latest/user_data'):
                commands.append(
                    'echo "%s%s"; timeout 10 wget -q -O - %s '
                    'http://169.254.169.254%s 2>&1; echo'
                    % (ANSWER, path, args, path))
        result = self.net.ssh(key, guest['address'], '; '.join(commands),
                              timeout=120)
        self.assertEqual(0, result.returncode, result.stderr)
        answers = result.stdout.split(ANSWER)[1:]
        print('guest stack: %s forging %s, first answers: %s' % (
            guest['hostname'], other['hostname'],
            [a[:120] for a in answers[:2]]))
        self.assertEqual(2 * len(FORGED), len(answers), result.stdout)
        for answer in answers:
            self.assertNotIn(other['uuid'], answer)
            self.assertNotIn(other['token'], answer)
            if answer.startswith(MD_PATH):
                body = answer[len(MD_PATH):].strip()
                if '403' not in body:
                    self.assertEqual(guest['uuid'], json.loads(body)['uuid'])
            elif '403' not in answer:
                self.assertIn(guest['token'], answer)

    def unsigned_requests(self, guest):
        """Requests naming ``guest`` straight to the service (no proxy):
        403 without or with a wrong signature; the right one is
        answered (so the 403s are the signature's)."""
        url = 'http://127.0.0.1:%d%s' % (self.md_port, MD_PATH)
        good = metadata_api.sign(SECRET, guest['address'])
        for headers in ({'X-Forwarded-For': guest['address']},
                        {'X-Instance-ID': guest['uuid'],
                         'X-Tenant-ID': guest['project']},
                        {'X-Instance-ID': guest['uuid'],
                         'X-Tenant-ID': guest['project'],
                         'X-Instance-ID-Signature': good},
                        {'X-Forwarded-For': guest['address'],
                         'X-Forwarded-For-Signature': '0' * 64}):
            resp = requests.get(url, headers=headers, timeout=30)
            self.assertEqual(403, resp.status_code, (headers, resp.text))
            self.assertNotIn(guest['uuid'], resp.text)
        resp = requests.get(url, timeout=30, headers={
            'X-Forwarded-For': guest['address'],
            'X-Forwarded-For-Signature': good})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(guest['uuid'], resp.json()['uuid'])

    # -- the test ---------------------------------------------------------

    def boot_two(self, keys, tokens):
        """guest-a (compute API, config drive) and guest-b (CloudStack,
        metadata service), submitted together; returns their ids once
        both are ACTIVE."""
        resp = self.client.request('POST', '/os-keypairs', json={
            'keypair': {'name': 'key-a', 'public_key': keys['a'][1]}})
        self.assertEqual(200, resp.status_code, resp.text)
        for name in ('b', 'new'):
            self.cs.registerSSHKeyPair(name='key-' + name,
                                       publickey=keys[name][1])
        resp = self.client.create_server(
            name='guest-a', flavor=FLAVOR, image=self.image,
            key_name='key-a', config_drive=True,
            user_data=user_data_script(tokens['a']))
        self.assertEqual(202, resp.status_code, resp.text)
        a_id = resp.json()['server']['id']
        zone = self.cs.listZones()['zone'][0]
        offering = next(o for o in self.cs.listServiceOfferings()[
            'serviceoffering'] if o['name'] == OFFERING)
        template = next(t for t in self.cs.listTemplates(
            templatefilter='executable')['template']
            if t['name'] == 'tiny-guest')
        deployed = self.cs.deployVirtualMachine(
            zoneid=zone['id'], serviceofferingid=offering['id'],
            templateid=template['id'], name='guest-b', keypair='key-b',
            userdata=user_data_script(tokens['b']))
        self.wait_active(a_id)
        self.wait_job(deployed['jobid'])
        self.wait_active(deployed['id'])
        self.active_at = time.monotonic()
        self.phase('both ACTIVE')
        return a_id, deployed['id']

    def test_ssh_metadata_and_key_reset(self):
        keys = {name: self.net.make_key('key-' + name)
                for name in ('a', 'b', 'new')}
        tokens = {name: 'marker-%s-%s' % (name, secrets.token_hex(6))
                  for name in ('a', 'b')}
        a_id, b_id = self.boot_two(keys, tokens)
        guests = {'a': self.api_guest(a_id), 'b': self.api_guest(b_id)}
        vm = self.cs_vm(b_id)
        self.assertEqual(guests['b']['address'], vm['nic'][0]['ipaddress'])
        self.assertEqual(guests['b']['hostname'], vm['name'])
        self.assertEqual('key-b', vm['keypair'])
        for name, guest in guests.items():
            guest['token'] = tokens[name]
        self.ssh_refused_until_rule(guests['a'], keys['a'][0])
        self.check_guest(guests['a'], keys['a'][0], tokens['a'],
                         'config-drive')
        self.check_guest(guests['b'], keys['b'][0], tokens['b'], 'metadata')

        self.forged_requests(guests['b'], keys['b'][0], guests['a'])
        self.forged_requests(guests['a'], keys['a'][0], guests['b'])
        self.unsigned_requests(guests['a'])
        self.phase('metadata checks done')
        self.assertEqual(204, self.client.delete_server(a_id).status_code)

        self.reset_key(guests['b'], keys)
        self.wait_job(self.cs.destroyVirtualMachine(id=b_id,
                                                    expunge=True)['jobid'])
        self.client.wait_for_deleted([a_id, b_id], timeout=60)
        libvirt_stack.wait_for(
            lambda: open(self.net.hosts.path).read() == '', 30,
            'an empty DHCP hosts file')

    def reset_key(self, guest, keys):
        """Stop, reset to key-new, start: the new key logs in (within
        SSH_TIMEOUT of Running), the old one is refused."""
        vm_id = guest['uuid']
        self.wait_job(self.cs.stopVirtualMachine(id=vm_id)['jobid'])
        self.wait_job(self.cs.resetSSHKeyForVirtualMachine(
            id=vm_id, keypair='key-new')['jobid'])
        self.wait_job(self.cs.startVirtualMachine(id=vm_id)['jobid'])
        running_at = time.monotonic()
        vm = self.cs_vm(vm_id)
        self.assertEqual(('Running', 'key-new', guest['address']),
                         (vm['state'], vm['keypair'],
                          vm['nic'][0]['ipaddress']))
        self.phase('guest-b started with key-new')
        result = self.net.wait_ssh(keys['new'][0], guest['address'],
                                   'hostname; cat %s' % MARKER,
                                   self.ssh_window(running_at))
        self.phase('logged in with key-new')
        self.assertEqual([guest['hostname'], guest['token']],
                         result.stdout.splitlines())
        old = self.net.ssh(keys['b'][0], guest['address'], 'hostname')
        self.assertNotEqual(0, old.returncode, old.stdout)
        self.assertIn('Permission denied', old.stderr)
        markers = self.console_markers(vm_id)
        self.assertIn('NOVA_LITE_USERDATA done', markers)
