"""Interface attach and detach through the HTTP compute and Networking
APIs of an in-process stack (fake bus, conductor, scheduler and a
fake-driver compute; doc/interfaces.md): the compute RPC 1.14 call and
cast and the conductor's 1.11 release run for real; the guest's NIC
list, the port firewall, the DHCP hosts file, the server's addresses,
the ports of ``device_id`` and the instance actions follow."""
import os

import fixtures
import testtools

from nova_lite import exception
from nova_lite.network import firewall
from tests.functional.fixtures import inprocess

NET = '/network/v2.0'


class InterfacesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        hosts = self.useFixture(fixtures.TempDir()).path
        self.hostsfile = os.path.join(hosts, 'dhcp-hosts')
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}, overrides={
                ('network', 'dhcp_hostsfile'): self.hostsfile}))
        self.http = self.useFixture(inprocess.HTTPAPI(self.stack, '2.70'))
        self.compute = self.stack.computes['node1']
        net = self.request('POST', NET + '/networks',
                           json={'network': {'name': 'blue'}})
        self.assertEqual(201, net.status_code, net.text)
        self.net_id = net.json()['network']['id']
        subnet = self.request('POST', NET + '/subnets', json={'subnet': {
            'network_id': self.net_id, 'cidr': '10.1.0.0/28',
            'ip_version': 4}})
        self.assertEqual(201, subnet.status_code, subnet.text)
        flat = self.request('GET', '/os-networks', headers={
            'OpenStack-API-Version': 'compute 2.1'}).json()['networks']
        resp = self.request('POST', '/servers', json={'server': {
            'name': 'web', 'imageRef': self.stack.image['uuid'],
            'flavorRef': '1', 'networks': [{'uuid': flat[0]['id']}]}})
        self.assertEqual(202, resp.status_code, resp.text)
        self.server_id = resp.json()['server']['id']
        inprocess.wait_for(lambda: self.server()['status'] == 'ACTIVE',
                           message='server ACTIVE')
        self.url = '/servers/%s/os-interface' % self.server_id

    def request(self, method, path, **kwargs):
        if path.startswith(NET):
            return self.http.session.request(
                method, self.http.url + path,
                headers=self.http.HEADERS, timeout=30, **kwargs)
        return self.http.request(method, path, **kwargs)

    def server(self):
        return self.request('GET', '/servers/' + self.server_id).json()[
            'server']

    def guest_macs(self):
        guest = self.compute.driver._guests[self.server_id]
        return list(guest['macs'])

    def dhcp_hosts(self):
        if not os.path.exists(self.hostsfile):
            return ''
        with open(self.hostsfile) as hosts:
            return hosts.read()

    def test_attach_detach_by_network_and_port(self):
        first = self.guest_macs()
        resp = self.request('POST', self.url, json={'interfaceAttachment': {
            'net_id': self.net_id, 'tag': 'data'}})
        self.assertEqual(200, resp.status_code, resp.text)
        made = resp.json()['interfaceAttachment']
        self.assertEqual('data', made['tag'])
        self.assertEqual(first + [made['mac_addr']], self.guest_macs())
        self.assertIn(made['mac_addr'], self.dhcp_hosts())
        self.assertIn(made['fixed_ips'][0]['ip_address'], [
            a['addr'] for a in self.server()['addresses']['blue']])
        if self.compute.security_groups.enabled:
            self.assertIn(firewall.device_name(made['port_id']),
                          self.compute.driver.firewall.script)

        port = self.request('POST', NET + '/ports', json={'port': {
            'network_id': self.net_id}}).json()['port']
        resp = self.request('POST', self.url, json={'interfaceAttachment': {
            'port_id': port['id']}})
        self.assertEqual(200, resp.status_code, resp.text)
        ports = self.request('GET', NET + '/ports?device_id='
                             + self.server_id).json()['ports']
        self.assertEqual(3, len(ports))
        self.assertEqual(3, len(self.request('GET', self.url).json()[
            'interfaceAttachments']))

        for port_id in (made['port_id'], port['id']):
            resp = self.request('DELETE', self.url + '/' + port_id)
            self.assertEqual(202, resp.status_code, resp.text)
        inprocess.wait_for(lambda: len(self.request('GET', self.url).json()[
            'interfaceAttachments']) == 1, message='both NICs detached')
        self.assertEqual(first, self.guest_macs())
        self.assertNotIn(made['mac_addr'], self.dhcp_hosts())
        self.assertNotIn('blue', self.server()['addresses'])
        # The port made for the server is gone, the user's is unbound.
        self.assertEqual(404, self.request(
            'GET', NET + '/ports/' + made['port_id']).status_code)
        kept = self.request('GET', NET + '/ports/' + port['id']).json()[
            'port']
        self.assertEqual(('', ''), (kept['device_id'], kept['device_owner']))
        actions = [a['action'] for a in self.request(
            'GET', '/servers/%s/os-instance-actions' % self.server_id
        ).json()['instanceActions']]
        self.assertEqual(['detach_interface', 'detach_interface',
                          'attach_interface', 'attach_interface'],
                         actions[:4])

    def test_failed_hot_plug_and_the_server_delete(self):
        self.compute.driver.interface_attach_fault = exception.\
            NovaLiteException('injected')
        resp = self.request('POST', self.url, json={'interfaceAttachment': {
            'net_id': self.net_id}})
        self.assertEqual(500, resp.status_code, resp.text)
        self.assertEqual([], self.request(
            'GET', NET + '/ports?network_id=' + self.net_id).json()['ports'])
        resp = self.request('POST', self.url, json={'interfaceAttachment': {
            'net_id': self.net_id}})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(204, self.request(
            'DELETE', '/servers/' + self.server_id).status_code)
        inprocess.wait_for(lambda: self.request(
            'GET', '/servers/' + self.server_id).status_code == 404,
            message='server deleted')
        # The attached port went with the server.
        self.assertEqual([], self.request(
            'GET', NET + '/ports?network_id=' + self.net_id).json()['ports'])
