"""Issue 19, acceptance 3 on a real QEMU (TCG) guest, through the ``cs``
CLI: createSecurityGroup → createNetwork → deployVirtualMachine into it
with the group and a key pair → associateIpAddress + enableStaticNat →
SSH to the public address from a "public" namespace fails → after
authorizeSecurityGroupIngress tcp/22 it logs in.

The stack and guest network are test_guest_stack's (separate services
on RabbitMQ and MariaDB, Keystone, one libvirt compute whose libvirtd,
bridges, dnsmasq and nftables live in the test's guest namespace). The
external network is a veth pair made by the test: ``EXT_DEV`` in the
guest namespace (``[network] external_interface``, address
``PUBLIC.2/24``) and ``eth0`` of a "public" namespace (``PUBLIC.1``),
with ``router:external`` network ``PUBLIC.0/24`` of the Networking API.
The compute puts the floating address on ``EXT_DEV`` with its 1:1 NAT
(doc/networking.md), and the security group's rules on the VM's port
(doc/network-api.md, "Enforcement").

Minutes of TCG: runs only with ``NOVA_LITE_CLOUDSTACK_SG_GUEST=1`` (and
skips like test_guest_stack without root, QEMU or libvirtd)::

    NOVA_LITE_CLOUDSTACK_SG_GUEST=1 python -m testtools.run \\
        tests.functional.test_cloudstack_sg_real_guest
"""
import json
import os
import secrets
import subprocess
import sys

import requests

from tests.functional.fixtures import guestnet
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_guest_stack as guest_stack

ENV = 'NOVA_LITE_CLOUDSTACK_SG_GUEST'
PUBLIC = '172.24.%d' % (100 + secrets.randbelow(100))
EXT_DEV = 'nlext0'
GUEST_NET = '10.78.0'
JOB_TIMEOUT = guest_stack.JOB_TIMEOUT


def load_tests(loader, tests, pattern):
    """Only this module's test (not the inherited one)."""
    return loader.suiteClass([CloudStackSecurityGroupGuestTest(
        'test_ssh_to_public_ip_after_authorize')])


class CloudStackSecurityGroupGuestTest(guest_stack.TestGuestsThroughTheStack):

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('set %s=1 to boot a QEMU guest behind a public '
                          'address' % ENV)
        super().setUp()
        self.public_ns = '%s-pub' % self.net.ns
        run = guestnet.run
        run('ip', 'netns', 'add', self.public_ns)
        self.addCleanup(run, 'ip', 'netns', 'del', self.public_ns,
                        check=False)
        run('ip', '-n', self.net.ns, 'link', 'add', EXT_DEV, 'type', 'veth',
            'peer', 'name', 'eth0', 'netns', self.public_ns)
        for ns, cmds in ((self.net.ns, (
                ('addr', 'add', PUBLIC + '.2/24', 'dev', EXT_DEV),
                ('link', 'set', EXT_DEV, 'up'))), (self.public_ns, (
                ('addr', 'add', PUBLIC + '.1/24', 'dev', 'eth0'),
                ('link', 'set', 'eth0', 'up'), ('link', 'set', 'lo', 'up')))):
            for cmd in cmds:
                run('ip', '-n', ns, *cmd)

    def _options(self):
        options = super()._options()
        options[('network', 'external_interface')] = EXT_DEV
        return options

    def cli(self, *args):
        """``python -m cs args`` as demo (jobs polled by the CLI): its
        JSON answer; fails the test on a non-zero exit."""
        env = dict(os.environ, CLOUDSTACK_ENDPOINT=self.cs.endpoint,
                   CLOUDSTACK_KEY=self.cs.key,
                   CLOUDSTACK_SECRET=self.cs.secret,
                   CLOUDSTACK_POLL_INTERVAL='1',
                   CLOUDSTACK_JOB_TIMEOUT=str(JOB_TIMEOUT))
        env.pop('CLOUDSTACK_CONFIG', None)
        result = subprocess.run([sys.executable, '-m', 'cs'] + list(args),
                                env=env, capture_output=True, text=True,
                                timeout=JOB_TIMEOUT + 60)
        self.assertEqual(0, result.returncode, (args, result.stdout,
                                                result.stderr))
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def public_network(self):
        """The external network, made by the admin (Networking API)."""
        headers = {'X-Auth-Token': self.stack.token('admin')}
        network = self.stack.api_url + '/network/v2.0'
        resp = requests.post(network + '/networks', headers=headers,
                             timeout=60, json={'network': {
                                 'name': 'public', 'router:external': True}})
        self.assertEqual(201, resp.status_code, resp.text)
        resp = requests.post(network + '/subnets', headers=headers,
                             timeout=60, json={'subnet': {
                                 'network_id': resp.json()['network']['id'],
                                 'cidr': PUBLIC + '.0/24', 'ip_version': 4,
                                 'allocation_pools': [{
                                     'start': PUBLIC + '.10',
                                     'end': PUBLIC + '.99'}]}})
        self.assertEqual(201, resp.status_code, resp.text)

    def wait_nat(self, floating, fixed):
        """Until the compute has applied the static NAT: the floating
        address on EXT_DEV and its DNAT to the fixed one (so that a
        refused SSH is the security group's doing)."""
        def applied():
            addresses = self.net.ns_run('ip', '-4', '-o', 'addr', 'show',
                                        'dev', EXT_DEV).stdout
            table = self.net.ns_run('nft', 'list', 'table', 'ip',
                                    'nova_lite_nat', check=False).stdout
            return (' %s/32 ' % floating) in addresses and \
                ('%s : %s' % (floating, fixed)) in table
        libvirt_stack.wait_for(applied, 60, 'NAT of %s' % floating)

    def ssh_public(self, key, address, command='hostname'):
        return guestnet.run('ip', 'netns', 'exec', self.public_ns, 'ssh',
                            '-i', key, *guestnet.SSH_OPTIONS,
                            'root@' + address, command, check=False,
                            timeout=60)

    def test_ssh_to_public_ip_after_authorize(self):
        self.public_network()
        key, public_key = self.net.make_key('key-sg')
        self.cli('registerSSHKeyPair', 'name=key-sg',
                 'publickey=%s' % public_key)
        zone = self.cli('listZones')['zone'][0]['id']
        offering = next(o for o in self.cli('listServiceOfferings')[
            'serviceoffering'] if o['name'] == guest_stack.OFFERING)
        group = self.cli('createSecurityGroup', 'name=ssh-in')[
            'securitygroup']
        net_offering = self.cli('listNetworkOfferings')[
            'networkoffering'][0]
        net = self.cli('createNetwork', 'name=app', 'zoneid=%s' % zone,
                       'networkofferingid=%s' % net_offering['id'],
                       'gateway=%s.1' % GUEST_NET,
                       'netmask=255.255.255.0')['network']
        vm = self.cli('deployVirtualMachine', 'name=sg-guest',
                      'serviceofferingid=%s' % offering['id'],
                      'templateid=%s' % self.image, 'zoneid=%s' % zone,
                      'keypair=key-sg', 'networkids=%s' % net['id'],
                      'securitygroupids=%s' % group['id'])[
            'virtualmachine']
        self.phase('VM Running')
        ip = self.cli('associateIpAddress', 'zoneid=%s' % zone)['ipaddress']
        self.cli('enableStaticNat', 'ipaddressid=%s' % ip['id'],
                 'virtualmachineid=%s' % vm['id'])
        self.wait_nat(ip['ipaddress'], vm['nic'][0]['ipaddress'])
        libvirt_stack.wait_for(
            lambda: 'NOVA_LITE_SSH_UP' in self.console_markers(vm['id']),
            guest_stack.BUILD_TIMEOUT, 'sshd of the VM', interval=2)
        self.phase('sshd up in the guest')
        refused = self.ssh_public(key, ip['ipaddress'])
        print('cloudstack sg guest: ssh before authorize: exit %d, %s' % (
            refused.returncode, refused.stderr.strip()))
        self.assertNotEqual(0, refused.returncode, refused.stdout)

        self.cli('authorizeSecurityGroupIngress',
                 'securitygroupid=%s' % group['id'], 'protocol=tcp',
                 'startport=22', 'endport=22', 'cidrlist=0.0.0.0/0')
        self.phase('tcp/22 authorized')
        result = libvirt_stack.wait_for(
            lambda: (lambda r: r if r.returncode == 0 else None)(
                self.ssh_public(key, ip['ipaddress'])),
            guest_stack.SSH_TIMEOUT, 'ssh root@%s from the public side'
            % ip['ipaddress'], interval=3)
        self.assertEqual('sg-guest', result.stdout.strip())
        self.phase('logged in through the public address')
        self.cli('destroyVirtualMachine', 'id=%s' % vm['id'],
                 'expunge=true')
