"""Issue 19: a QEMU guest on a project network, through the whole stack
(the stack and guest network of test_guest_stack, on real QEMU, TCG).

The demo project creates a network and a subnet through the Networking
API (``/network/v2.0``); ``guest-p`` boots on it, ``guest-f`` on the flat
network. Then:

* the compute made the network's bridge with the subnet's gateway and a
  dnsmasq in the guest namespace (``nova_lite.network.linux_net``):
  guest-p got its address by DHCP (console ``NOVA_LITE_NET_UP``), its
  user data through the metadata service at 169.254.169.254 (no config
  drive: reached through its gateway), and SSH from the namespace logs
  in;
* from guest-p, guest-f (which the namespace reaches) does not answer a
  ping: separate bridges, nothing forwarded (both are in the demo
  project's default group, whose rules let its members in: the security
  groups would let the ping through);
* deleting guest-p removes the network's bridge and dnsmasq from the
  namespace.

Env-gated: runs only with ``NOVA_LITE_PROJECT_NET_GUEST=1`` (two TCG
guests, minutes), and skips like test_guest_stack otherwise.
"""
import os
import secrets
import subprocess
import time

import requests

from tests.functional.fixtures import libvirt_stack
from tests.functional import test_guest_stack as guest_stack

ENV = 'NOVA_LITE_PROJECT_NET_GUEST'
CIDR = '10.77.0.0/24'


def load_tests(loader, tests, pattern):
    """Only this module's test (not the inherited one of
    test_guest_stack)."""
    return loader.suiteClass([ProjectNetworkGuestTest(
        'test_guest_on_a_project_network')])


class ProjectNetworkGuestTest(guest_stack.TestGuestsThroughTheStack):

    def setUp(self):
        if os.environ.get(ENV) != '1':
            self.skipTest('set %s=1 to boot QEMU guests on a project '
                          'network' % ENV)
        super().setUp()

    def network_api(self, method, path, **kwargs):
        resp = requests.request(
            method, self.stack.api_url + '/network/v2.0' + path,
            headers={'X-Auth-Token': self.stack.token('demo')}, timeout=60,
            **kwargs)
        self.assertLess(resp.status_code, 300, resp.text)
        return resp.json() if resp.content else None

    def boot(self, name, network_id, key_name, token):
        resp = self.client.create_server(
            name=name, flavor=guest_stack.FLAVOR, image=self.image,
            key_name=key_name, networks=[{'uuid': network_id}],
            user_data=guest_stack.user_data_script(token))
        self.assertEqual(202, resp.status_code, resp.text)
        return resp.json()['server']['id']

    def address(self, server_id, network):
        server = self.admin_view(server_id)
        return server['addresses'][network][0]['addr']

    def test_guest_on_a_project_network(self):
        key, public = self.net.make_key('key-p')
        resp = self.client.request('POST', '/os-keypairs', json={
            'keypair': {'name': 'key-p', 'public_key': public}})
        self.assertEqual(200, resp.status_code, resp.text)
        net = self.network_api('POST', '/networks', json={
            'network': {'name': 'proj'}})['network']
        self.network_api('POST', '/subnets', json={'subnet': {
            'network_id': net['id'], 'cidr': CIDR, 'ip_version': 4}})
        (flat,) = self.network_api('GET', '/networks?shared=true')[
            'networks']
        # SSH from the namespace (not a member of the default group, which
        # lets in its members only: guest-p may ping guest-f as far as
        # the security groups go, so only the networks keep them apart).
        (group,) = self.network_api('GET', '/security-groups?name=default')[
            'security_groups']
        self.network_api('POST', '/security-group-rules', json={
            'security_group_rule': {
                'security_group_id': group['id'], 'direction': 'ingress',
                'protocol': 'tcp', 'port_range_min': 22,
                'port_range_max': 22}})
        tokens = {n: 'marker-%s-%s' % (n, secrets.token_hex(6))
                  for n in ('p', 'f')}
        p_id = self.boot('guest-p', net['id'], 'key-p', tokens['p'])
        f_id = self.boot('guest-f', flat['id'], 'key-p', tokens['f'])
        self.wait_active(p_id)
        self.wait_active(f_id)
        self.active_at = time.monotonic()
        self.phase('both ACTIVE')
        p_addr, f_addr = self.address(p_id, 'proj'), self.address(
            f_id, flat['name'])
        bridge = 'brq' + net['id'][:11]
        links = self.net.ns_run('ip', '-o', 'addr', 'show', 'dev', bridge,
                                check=False).stdout
        self.assertIn('10.77.0.1/24', links)
        self.net.wait_ssh(key, f_addr, 'true', self.ssh_window(
            self.active_at))
        self.phase('guest-f answers SSH from the namespace')
        result = self.net.wait_ssh(
            key, p_addr, 'hostname; cat %s; ip -o addr show dev eth0; '
            'ping -c 2 -W 2 %s >/dev/null 2>&1; echo ping=$?'
            % (guest_stack.MARKER, f_addr), self.ssh_window(self.active_at))
        self.phase('logged in to guest-p')
        print('project network guest:\n  %s' % result.stdout.strip()
              .replace('\n', '\n  '))
        lines = result.stdout.splitlines()
        self.assertEqual(tokens['p'], lines[1], result.stdout)
        self.assertIn(' inet %s/24 ' % p_addr, result.stdout)
        self.assertIn('ping=1', result.stdout)
        markers = self.console_markers(p_id)
        print('  console: %s' % markers)
        self.assertIn('NOVA_LITE_NET_UP %s' % p_addr, markers)
        self.assertIn('NOVA_LITE_CONFIG metadata', markers)

        self.assertEqual(204, self.client.delete_server(p_id).status_code)
        self.assertEqual(204, self.client.delete_server(f_id).status_code)
        self.client.wait_for_deleted([p_id, f_id], timeout=120)
        libvirt_stack.wait_for(
            lambda: self.net.ns_run('ip', 'link', 'show', bridge,
                                    check=False).returncode != 0, 30,
            'bridge %s removed' % bridge)
        dnsmasqs = subprocess.run(['pgrep', '-f', 'interface=' + bridge],
                                  capture_output=True, text=True).stdout
        self.assertEqual('', dnsmasqs.strip())
        self.phase('bridge and dnsmasq gone with guest-p')
