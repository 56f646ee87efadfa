"""What the computes enforce (network.port_security.port_specs) and the
refresh casts sent when rules, servers' groups or group members change,
through the APIs that change them."""
from unittest import mock

import fixtures

from nova_lite.network import api as network_api
from nova_lite.network import port_security
from nova_lite.objects import instance as instance_obj
from tests.unit.api import fakes
from tests.unit.api import network_fakes

SERVERS = '/v2.1/servers'


class PortSecurityTest(network_fakes.NetworkAPITestCase):

    def setUp(self):
        super().setUp()
        self.cast = self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.rpcapi.ComputeAPI.refresh_security_groups'
        )).mock
        self.members = self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.rpcapi.ComputeAPI.'
            'security_group_members_changed')).mock
        self.ctxt = self.api.admin_context
        self.web = self.create_group('web')
        self.db = self.create_group('db')
        # db lets in PostgreSQL from web's members.
        self.create_rule(self.db['id'], protocol='tcp', port_range_min=5432,
                         port_range_max=5432,
                         remote_group_id=self.web['id'])
        self.web1, self.web1_ip = self.boot_in('web', 'node1')
        self.web2, self.web2_ip = self.boot_in('web', 'node2')
        self.db1, self.db1_ip = self.boot_in('db', 'node1')
        self.cast.reset_mock()

    def boot_in(self, group, host):
        server_id, fixed = self.boot(host=host,
                                     security_groups=[{'name': group}])
        return server_id, fixed['address']

    def casts(self):
        """{host: [instance uuid]} of the refresh casts made."""
        found = {}
        for call in self.cast.call_args_list:
            _ctxt, host, uuids = call.args
            found.setdefault(host, []).extend(uuids)
        return {host: sorted(uuids) for host, uuids in found.items()}

    def spec_of(self, server_id):
        (spec,) = port_security.port_specs(self.ctxt,
                                           instance_uuids=[server_id])
        return spec

    def test_port_spec_resolves_remote_groups(self):
        spec = self.spec_of(self.db1)
        self.assertEqual([self.db1_ip], spec['fixed_ips'])
        self.assertEqual(self.db1, spec['instance_uuid'])
        (remote,) = [r for r in spec['rules']
                     if r['remote_group_id'] == self.web['id']]
        self.assertEqual({self.web1: [self.web1_ip],
                          self.web2: [self.web2_ip]},
                         remote['remote_members'])
        self.assertEqual(('ingress', 'tcp', 5432, 5432),
                         (remote['direction'], remote['protocol'],
                          remote['port_range_min'],
                          remote['port_range_max']))
        self.assertEqual({('egress', 'IPv4'), ('egress', 'IPv6')},
                         {(r['direction'], r['ethertype'])
                          for r in spec['rules']
                          if r['remote_group_id'] is None})

    def test_port_specs_of_a_host(self):
        specs = port_security.port_specs(self.ctxt, host='node1')
        self.assertEqual(sorted([self.web1, self.db1]),
                         sorted(s['instance_uuid'] for s in specs))

    def port_of(self, server_id):
        (port,) = self.get('/network/v2.0/ports?device_id=' + server_id,
                           fakes.ADMIN).json['ports']
        return port

    def test_port_with_two_addresses_is_one_spec(self):
        # A Networking API port update gives web1's port a second address
        # (addFixedIp does the same): its compute re-applies its chains,
        # db1's host learns web1's addresses, and the specs have both.
        port = self.port_of(self.web1)
        self.members.reset_mock()
        resp = self.put('/network/v2.0/ports/' + port['id'], {'port': {
            'fixed_ips': port['fixed_ips'] + [
                {'subnet_id': port['fixed_ips'][0]['subnet_id']}]}},
            fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        addresses = [f['ip_address'] for f in resp.json['port']['fixed_ips']]
        self.assertEqual(2, len(addresses))
        self.assertEqual(self.web1_ip, addresses[0])
        self.assertEqual({'node1': [self.web1]}, self.casts())
        self.members.assert_called_once_with(
            mock.ANY, 'node1', [self.web['id']], self.web1, addresses)
        self.assertEqual(addresses, self.spec_of(self.web1)['fixed_ips'])
        (remote,) = [r for r in self.spec_of(self.db1)['rules']
                     if r['remote_group_id']]
        self.assertEqual(addresses, remote['remote_members'][self.web1])

    def test_rule_added_and_deleted_refreshes_the_members(self):
        rule = self.create_rule(self.web['id'], protocol='tcp',
                                port_range_min=80, port_range_max=80)
        self.assertEqual({'node1': [self.web1], 'node2': [self.web2]},
                         self.casts())
        self.cast.reset_mock()
        self.assertEqual(204, self.delete(network_fakes.RULES + '/'
                                          + rule['id']).status_code)
        self.assertEqual({'node1': [self.web1], 'node2': [self.web2]},
                         self.casts())

    def test_server_joining_a_remote_group_refreshes_its_users(self):
        resp = self.post('%s/%s/action' % (SERVERS, self.web1),
                         {'addSecurityGroup': {'name': 'db'}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        # web1 itself; nothing names db as remote group.
        self.assertEqual({'node1': [self.web1]}, self.casts())
        self.cast.reset_mock()
        resp = self.post('%s/%s/action' % (SERVERS, self.web1),
                         {'removeSecurityGroup': {'name': 'web'}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        # web1 and db1, whose rule names web.
        self.assertEqual({'node1': sorted([self.web1, self.db1])},
                         self.casts())
        spec = self.spec_of(self.db1)
        (remote,) = [r for r in spec['rules'] if r['remote_group_id']]
        self.assertEqual({self.web2: [self.web2_ip]},
                         remote['remote_members'])

    def test_member_port_allocated_and_freed(self):
        server_id = self.create_server(security_groups=[{'name': 'web'}])
        self.set_instance(server_id, host='node2')
        self.cast.reset_mock()
        (vif,) = network_api.allocate_for_instance(
            self.ctxt, instance_obj.Instance(uuid=server_id))
        self.assertTrue(vif.port_id)
        # db1's rule names web: node1 is told the new member's address
        # (no refresh: nothing to read on the boot path).
        self.assertEqual({}, self.casts())
        self.members.assert_called_once_with(
            mock.ANY, 'node1', [self.web['id']], server_id, [vif.address])
        self.assertEqual([vif.address], [r for r in self.spec_of(
            self.db1)['rules'] if r['remote_group_id']][0][
            'remote_members'][server_id])
        self.members.reset_mock()
        network_api.deallocate_for_instance(self.ctxt, server_id)
        self.members.assert_called_once_with(
            mock.ANY, 'node1', [self.web['id']], server_id, [])
        self.members.reset_mock()
        network_api.deallocate_for_instance(self.ctxt, server_id)
        self.members.assert_not_called()

    def test_member_of_a_group_nobody_names_is_no_cast(self):
        server_id = self.create_server(security_groups=[{'name': 'db'}])
        self.set_instance(server_id, host='node2')
        network_api.allocate_for_instance(
            self.ctxt, instance_obj.Instance(uuid=server_id))
        self.members.assert_not_called()

    def test_failed_cast_is_logged(self):
        self.cast.side_effect = RuntimeError('bus down')
        self.create_rule(self.web['id'], protocol='udp', port_range_min=53,
                         port_range_max=53)
        self.assertIn('Security group refresh of', self.log.output)


class CastTest(network_fakes.NetworkAPITestCase):

    def test_members_cast_is_1_11_to_the_host(self):
        client = mock.Mock()
        with mock.patch('nova_lite.rpc.get_client', return_value=client):
            from nova_lite.compute import rpcapi
            rpcapi.ComputeAPI().security_group_members_changed(
                mock.sentinel.ctxt, 'node1', ['g'], 'i', ['10.0.0.5'])
        client.prepare.assert_called_once_with(server='node1',
                                               version='1.11')
        client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctxt, 'security_group_members_changed',
            group_ids=['g'], instance_uuid='i', addresses=['10.0.0.5'])

    def test_cast_is_1_11_to_the_host(self):
        client = mock.Mock()
        with mock.patch('nova_lite.rpc.get_client', return_value=client):
            from nova_lite.compute import rpcapi
            rpcapi.ComputeAPI().refresh_security_groups(
                mock.sentinel.ctxt, 'node1', ['a', 'b'])
        client.prepare.assert_called_once_with(server='node1',
                                               version='1.11')
        client.prepare.return_value.cast.assert_called_once_with(
            mock.sentinel.ctxt, 'refresh_security_groups',
            instance_uuids=['a', 'b'])
