"""Issue 19, acceptance 3 through the ``cs`` CLI (the reference client
from PyPI, ``python -m cs``) on the fake driver: createSecurityGroup →
createNetwork → deployVirtualMachine into it with the group →
associateIpAddress + enableStaticNat → tcp/22 is denied by the ruleset
the compute applies for the VM's port → authorizeSecurityGroupIngress
→ tcp/22 is allowed; the rule is the Networking API's rule, listEvents
has SG.CREATE and SG.AUTH.INGRESS.

The engine runs in process (fake bus, SQLite, the fake driver recording
the nftables ruleset it would apply, ``MemoryApplier``), the API is
served over HTTP on loopback and the ``cs`` CLI runs as a separate
process with an API key. Keystone (a process boundary) is replaced by a
stand-in knowing that key, as in the unit tests of the CloudStack API.

With root, ``ip netns``, ``nft`` and ``socat``, the two rulesets the
compute produced (before and after the authorize) are also applied with
nft in a test-made node namespace whose bridge carries the guest
network's gateway, with a "guest" namespace behind the VM's tap name,
address and MAC answering on tcp/22: a connection from the node side
fails before and succeeds after. The public address's NAT is not in
that data path here (the fake driver records NAT mappings, and
tests/functional/test_fip_nat.py checks the NAT applier on its own);
tests/functional/test_cloudstack_sg_real_guest.py (env-gated, real QEMU)
SSHes to the public address from a public namespace.
"""
import json
import os
import secrets
import subprocess
import sys

import fixtures
import testtools
from testtools import content

from nova_lite.api.cloudstack import keystone
from nova_lite.db import api_keys as api_key_db
from nova_lite.network import firewall
from nova_lite.network import api as network_api
from nova_lite.network import firewall_driver
from nova_lite.network import networks as network_service
from tests.functional.fixtures import inprocess
from tests.functional import test_sg_nftables as nft_test

API_KEY, SECRET = 'cs-sg-key', 'cs-sg-secret'
SSH_RULE = 'meta nfproto ipv4 meta l4proto 6 th dport 22 accept'
GUEST_NET = '10.%d.%d' % (200 + secrets.randbelow(40),
                          secrets.randbelow(250))


class _Keystone:
    """The Keystone calls of the CloudStack API for one API key."""

    def __init__(self):
        self.identity = keystone.Identity(
            'demo-user', 'demo', 'demo', 'demo', 'default', 'Default',
            ['member', 'reader'], expires_at=None)

    def api_key_identity(self, row):
        return SECRET, self.identity


class CloudStackSecurityGroupCLITest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.keystone.get_client',
            lambda conf: _Keystone()))
        self.http = self.useFixture(inprocess.HTTPAPI(self.stack))
        admin = self.stack.admin
        api_key_db.api_key_replace(admin, API_KEY, 'cred-sg', 'demo-user',
                                   'demo')
        public = network_service.create_network(admin, '', {
            'name': 'public', 'router:external': True})
        network_service.create_subnet(admin, public, '', {
            'cidr': '172.24.4.0/24', 'ip_version': 4})
        self.driver = self.stack.computes['node1'].driver

    def cs(self, *args):
        """``python -m cs args`` (async jobs polled by the CLI): its
        JSON answer. Fails the test on a non-zero exit."""
        env = dict(os.environ, CLOUDSTACK_ENDPOINT=self.http.url +
                   '/client/api', CLOUDSTACK_KEY=API_KEY,
                   CLOUDSTACK_SECRET=SECRET, CLOUDSTACK_POLL_INTERVAL='0.2',
                   CLOUDSTACK_JOB_TIMEOUT='60')
        env.pop('CLOUDSTACK_CONFIG', None)
        result = subprocess.run([sys.executable, '-m', 'cs'] + list(args),
                                env=env, capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(0, result.returncode, (args, result.stdout,
                                                result.stderr))
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def ingress(self, port_id):
        """Statements of the port's ingress chain in the last ruleset."""
        lines = self.driver.firewall.script.splitlines()
        start = lines.index('  chain in_%s {' % firewall.device_name(port_id))
        return [line.strip() for line in
                lines[start + 1:lines.index('  }', start)]]

    def test_ssh_only_after_authorize(self):
        zone = self.cs('listZones')['zone'][0]['id']
        group = self.cs('createSecurityGroup', 'name=ssh-in',
                        'description=ssh from anywhere')['securitygroup']
        offering = self.cs('listNetworkOfferings')['networkoffering'][0]
        net = self.cs('createNetwork', 'name=app', 'zoneid=%s' % zone,
                      'networkofferingid=%s' % offering['id'],
                      'gateway=%s.1' % GUEST_NET,
                      'netmask=255.255.255.0')['network']
        vm = self.cs('deployVirtualMachine', 'name=sgvm',
                     'serviceofferingid=1',
                     'templateid=%s' % self.stack.image['uuid'],
                     'zoneid=%s' % zone, 'networkids=%s' % net['id'],
                     'securitygroupids=%s' % group['id'])['virtualmachine']
        self.assertEqual(('Running', ['ssh-in']), (
            vm['state'], [g['name'] for g in vm['securitygroup']]))
        (nic,) = vm['nic']
        self.assertEqual(net['id'], nic['networkid'])
        ip = self.cs('associateIpAddress', 'zoneid=%s' % zone)[
            'ipaddress']
        self.cs('enableStaticNat', 'ipaddressid=%s' % ip['id'],
                'virtualmachineid=%s' % vm['id'])
        (public,) = self.cs('listPublicIpAddresses', 'isstaticnat=true')[
            'publicipaddress']
        self.assertEqual((vm['id'], nic['ipaddress']), (
            public['virtualmachineid'], public['vmipaddress']))
        inprocess.wait_for(lambda: any(
            m for m in self.driver.nat.mappings
            if public['ipaddress'] in str(m)), message='NAT applied')

        port_id = self._port_of(vm['id'])
        before = self.driver.firewall.script
        self.assertNotIn(SSH_RULE, self.ingress(port_id))

        group = self.cs('authorizeSecurityGroupIngress',
                        'securitygroupid=%s' % group['id'], 'protocol=tcp',
                        'startport=22', 'endport=22',
                        'cidrlist=0.0.0.0/0')['securitygroup']
        (rule,) = group['ingressrule']
        self.assertEqual(('tcp', 22, 22, '0.0.0.0/0'), (
            rule['protocol'], rule['startport'], rule['endport'],
            rule['cidr']))
        inprocess.wait_for(lambda: SSH_RULE in self.ingress(port_id),
                           message='tcp/22 allowed on the VM port')
        after = self.driver.firewall.script

        # One store: the Networking API serves the same rule.
        found = self.http.session.get(
            self.http.url + '/network/v2.0/security-group-rules/%s'
            % rule['ruleid'], headers=self.http.HEADERS, timeout=30)
        self.assertEqual(200, found.status_code, found.text)
        self.assertEqual(22, found.json()['security_group_rule'][
            'port_range_min'])
        types = [e['type'] for e in self.cs('listEvents')['event']]
        self.assertIn('SG.CREATE', types)
        self.assertIn('SG.AUTH.INGRESS', types)

        self._check_in_namespaces(port_id, nic, before, after)

        self.cs('revokeSecurityGroupIngress', 'id=%s' % rule['ruleid'])
        inprocess.wait_for(lambda: SSH_RULE not in self.ingress(port_id),
                           message='tcp/22 revoked on the VM port')

    def _port_of(self, vm_id):
        (vif,) = network_api.get_instance_nw_info(self.stack.admin, vm_id)
        return vif.port_id

    def _check_in_namespaces(self, port_id, nic, before, after):
        reason = nft_test._skip_reason()
        if reason:
            self.addDetail('namespaces', content.text_content(
                'ruleset not applied with nft: %s' % reason))
            return
        node = 'nlcs-%s' % secrets.token_hex(3)
        nft_test._run('ip', 'netns', 'add', node)
        self.addCleanup(nft_test._run, 'ip', 'netns', 'del', node,
                        check=False)
        for cmd in (('link', 'add', nft_test.BRIDGE, 'type', 'bridge'),
                    ('addr', 'add', GUEST_NET + '.1/24', 'dev',
                     nft_test.BRIDGE),
                    ('link', 'set', nft_test.BRIDGE, 'up'),
                    ('link', 'set', 'lo', 'up')):
            nft_test._run('ip', '-n', node, *cmd)
        guest = _VMGuest(self, node, port_id, nic)
        applier = firewall_driver.NftApplier(node, nft_test.BRIDGE)
        applier.apply(before)
        self.assertFalse(guest.ssh_reachable_from(node))
        applier.apply(after)
        self.assertTrue(guest.ssh_reachable_from(node))


class _VMGuest:
    """A namespace standing for the VM: behind a veth whose node end
    has the VM's tap name, with the VM's address and MAC, answering on
    tcp/22 with ``socat``."""

    def __init__(self, test, node, port_id, nic):
        self.ns = '%s-vm' % node
        self.ip = nic['ipaddress']
        tap = firewall.device_name(port_id)
        run = nft_test._run
        run('ip', 'netns', 'add', self.ns)
        test.addCleanup(run, 'ip', 'netns', 'del', self.ns, check=False)
        run('ip', '-n', node, 'link', 'add', tap, 'type', 'veth', 'peer',
            'name', 'eth0', 'netns', self.ns)
        run('ip', '-n', node, 'link', 'set', tap, 'master',
            nft_test.BRIDGE, 'up')
        for cmd in (('link', 'set', 'eth0', 'address', nic['macaddress']),
                    ('addr', 'add', self.ip + '/24', 'dev', 'eth0'),
                    ('link', 'set', 'eth0', 'up'),
                    ('link', 'set', 'lo', 'up')):
            run('ip', '-n', self.ns, *cmd)
        proc = subprocess.Popen(
            ['ip', 'netns', 'exec', self.ns, 'socat',
             'TCP-LISTEN:22,reuseaddr,fork', 'SYSTEM:echo sshd'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        test.addCleanup(nft_test._stop, proc)
        inprocess.wait_for(lambda: run(
            'ip', 'netns', 'exec', self.ns, 'ss', '-Hltn', 'sport = :22',
            check=False).stdout.strip(), timeout=5, message='socat up')

    def ssh_reachable_from(self, ns):
        return nft_test.connects(ns, self.ip, 22)
