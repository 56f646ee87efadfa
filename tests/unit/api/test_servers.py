"""``/v2.1/servers``: create, list, show, update, delete, actions and
metadata through the full WSGI pipeline (formats: compute API reference,
"Servers", microversion 2.1)."""
import base64
import datetime
import hashlib
from unittest import mock

import fixtures
from oslo_db import exception as db_exc
import oslo_messaging as messaging
import sqlalchemy as sa
from sqlalchemy import event

from nova_lite.compute import states
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.db import instance_faults as fault_db
from nova_lite.db import instance_metadata as metadata_db
from nova_lite.db import instances as instance_db
from nova_lite.db import network as network_db
from tests.unit.api import fakes

SERVERS = '/v2.1/servers'

CREATE_KEYS = {'id', 'links', 'OS-DCF:diskConfig', 'security_groups',
               'adminPass'}
SHOW_KEYS = {'id', 'name', 'status', 'tenant_id', 'user_id', 'metadata',
             'hostId', 'image', 'flavor', 'created', 'updated', 'addresses',
             'accessIPv4', 'accessIPv6', 'links', 'OS-DCF:diskConfig'}
DETAIL_KEYS = SHOW_KEYS | {
    'OS-EXT-AZ:availability_zone', 'config_drive', 'key_name',
    'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at',
    'OS-EXT-STS:task_state', 'OS-EXT-STS:vm_state', 'OS-EXT-STS:power_state',
    'os-extended-volumes:volumes_attached'}
ADMIN_KEYS = {'OS-EXT-SRV-ATTR:host', 'OS-EXT-SRV-ATTR:hypervisor_hostname',
              'OS-EXT-SRV-ATTR:instance_name'}


class _ServersTestCase(fakes.APITestCase):

    def make_active(self, server_id, host='node1'):
        """What a compute does on a successful build: host, NIC, ACTIVE."""
        self.set_instance(server_id, host=host, node=host + '.node',
                          vm_state=states.ACTIVE, task_state=None,
                          power_state=states.RUNNING,
                          launched_at=datetime.datetime(2026, 1, 2, 3, 4, 5))
        return network_db.fixed_ip_allocate(self.api.admin_context,
                                            self.api.network['id'], server_id)

    def show(self, server_id, headers=None):
        resp = self.get('%s/%s' % (SERVERS, server_id), headers)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        return resp.json['server']


class CreateTest(_ServersTestCase):

    def statements_of_create(self):
        """SQL statements of one single-server create (SQLite's BEGIN
        IMMEDIATE not counted)."""
        statements = []

        def _count(_conn, _cursor, statement, *_args):
            if not statement.startswith('BEGIN'):
                statements.append(statement)
        self.create_server()    # warm caches (network, policy)
        event.listen(sa.engine.Engine, 'before_cursor_execute', _count)
        try:
            self.create_server()
        finally:
            event.remove(sa.engine.Engine, 'before_cursor_execute', _count)
        return statements

    def test_create_statements(self):
        """flavor with its extra specs (one SELECT; copied into the
        server: the embedded flavor of microversion 2.47), image, limits
        with usage and pending builds, the project's own networks (none:
        the flat network), the project's default security group,
        instance, action, its group membership, usage again (the
        recheck); no recheck when instances, cores and ram are
        unlimited."""
        self.assertEqual(9, len(self.statements_of_create()))
        self.api.conf.config(instances=-1, cores=-1, ram=-1, group='quota')
        self.assertEqual(8, len(self.statements_of_create()))

    def test_create_response(self):
        resp = self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'metadata': {'role': 'db'}}})
        self.assertEqual(202, resp.status_code)
        server = resp.json['server']
        self.assertEqual(CREATE_KEYS, set(server))
        self.assertEqual([{'name': 'default'}], server['security_groups'])
        self.assertEqual('http://localhost/v2.1/servers/%s' % server['id'],
                         resp.headers['Location'])
        self.assertEqual(
            [{'rel': 'self', 'href': resp.headers['Location']},
             {'rel': 'bookmark',
              'href': 'http://localhost/servers/%s' % server['id']}],
            server['links'])
        self.assertGreaterEqual(len(server['adminPass']), 8)
        self.assertEqual(1, self.api.count_instances())
        shown = self.show(server['id'])
        self.assertEqual('BUILD', shown['status'])
        self.assertEqual({'role': 'db'}, shown['metadata'])
        self.assertEqual(fakes.PROJECT, shown['tenant_id'])
        self.assertEqual(fakes.USER, shown['user_id'])

    def test_given_admin_pass_is_returned(self):
        resp = self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'adminPass': 'Sw0rdfish!'}})
        self.assertEqual('Sw0rdfish!', resp.json['server']['adminPass'])

    def test_secrets_never_logged(self):
        user_data = base64.b64encode(b'#!/bin/sh\necho TOPSECRET').decode()
        self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'adminPass': 'Sw0rdfish!', 'user_data': user_data}})
        for server in ({'adminPass': 'Sw0rdfish!' * 30},
                       {'adminPass': 'Sw0rdfish!', 'colour': 'blue'},
                       {'adminPass': 'Sw0rdfish!', 'name': ''}):
            body = {'server': dict({'adminPass': 'Sw0rdfish!',
                                    'user_data': user_data, 'name': 'web',
                                    'flavorRef': '1'}, **server)}
            resp = self.post(SERVERS, body)
            self.assertEqual(400, resp.status_code)
            self.assertNotIn('Sw0rdfish', resp.get_data(as_text=True))
            self.assertNotIn(user_data[:20], resp.get_data(as_text=True))
        resp = self.post(SERVERS, {'server': {'adminPass': 'Sw0rdfish!'},
                                   'extra': 1})
        self.assertIn("'adminPass': '***'", resp.json['badRequest'][
            'message'])
        self.assertTrue(self.log.output)
        for secret in ('Sw0rdfish', user_data, 'TOPSECRET'):
            self.assertNotIn(secret, self.log.output)

    def test_counts_and_reservation_id(self):
        resp = self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'min_count': '2', 'max_count': 3,
            'return_reservation_id': 'True'}})
        self.assertEqual(202, resp.status_code)
        self.assertEqual(['reservation_id'], list(resp.json))
        reservation_id = resp.json['reservation_id']
        self.assertTrue(reservation_id.startswith('r-'))
        listed = self.get(SERVERS + '?reservation_id=' + reservation_id)
        self.assertEqual(['web-1', 'web-2', 'web-3'],
                         sorted(s['name'] for s in listed.json['servers']))

    def test_min_count_alone_sets_max_count(self):
        self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'min_count': 2}})
        self.assertEqual(2, self.api.count_instances())

    def test_what_the_openstack_cli_sends(self):
        resp = self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID,
            'flavorRef': 'http://localhost/flavors/2',
            'min_count': 1, 'max_count': 1, 'networks': 'auto',
            'block_device_mapping_v2': [{
                'uuid': fakes.IMAGE_UUID, 'boot_index': 0,
                'source_type': 'image', 'destination_type': 'local',
                'delete_on_termination': True}]}})
        self.assertEqual(202, resp.status_code, resp.json)
        shown = self.show(resp.json['server']['id'])
        self.assertEqual('2', shown['flavor']['id'])

    def test_image_from_block_device_mapping_only(self):
        server_id = self.create_server(imageRef='', block_device_mapping_v2=[
            {'uuid': fakes.IMAGE_UUID, 'boot_index': '0',
             'source_type': 'image', 'destination_type': 'local'}])
        self.assertEqual(fakes.IMAGE_UUID, self.show(server_id)['image']['id'])

    def test_flat_network_by_uuid_and_default_group(self):
        resp = self.post(SERVERS, {
            'server': {'name': 'web', 'imageRef': fakes.IMAGE_UUID,
                       'flavorRef': '1',
                       'networks': [{'uuid': self.api.network['uuid']}],
                       'security_groups': [{'name': 'default'}]},
            'os:scheduler_hints': {'same_host': [], 'custom': 'x'}})
        self.assertEqual(202, resp.status_code, resp.json)

    def test_no_instance_password(self):
        self.api.conf.config(enable_instance_password=False, group='api')
        resp = self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'adminPass': 'Sw0rdfish!'}})
        self.assertEqual(CREATE_KEYS - {'adminPass'},
                         set(resp.json['server']))

    def test_reader_cannot_create(self):
        resp = self.post(SERVERS, {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}},
            headers=fakes.READER)
        self.assertFault(resp, 403, 'forbidden', 'servers:create')
        self.assertEqual(0, self.api.count_instances())


class ShowTest(_ServersTestCase):

    def test_building_server(self):
        server = self.show(self.create_server())
        self.assertEqual(DETAIL_KEYS | {'progress'}, set(server))
        self.assertEqual('BUILD', server['status'])
        self.assertEqual(0, server['progress'])
        self.assertEqual('', server['hostId'])
        self.assertEqual({}, server['addresses'])
        self.assertEqual('scheduling', server['OS-EXT-STS:task_state'])
        self.assertEqual('building', server['OS-EXT-STS:vm_state'])
        self.assertEqual(0, server['OS-EXT-STS:power_state'])
        self.assertEqual([], server['os-extended-volumes:volumes_attached'])
        self.assertRegex(server['created'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
        self.assertEqual(
            {'id': '1', 'links': [{'rel': 'bookmark',
                                   'href': 'http://localhost/flavors/1'}]},
            server['flavor'])
        self.assertEqual('http://localhost/images/' + fakes.IMAGE_UUID,
                         server['image']['links'][0]['href'])

    def test_active_server(self):
        self.post('/v2.1/os-keypairs', {'keypair': {'name': 'mykey'}})
        server_id = self.create_server(key_name='mykey')
        fixed = self.make_active(server_id)
        server = self.show(server_id)
        self.assertEqual(DETAIL_KEYS | {'progress', 'security_groups'},
                         set(server))
        self.assertEqual('ACTIVE', server['status'])
        self.assertEqual(100, server['progress'])
        self.assertEqual(hashlib.sha224(
            (fakes.PROJECT + 'node1').encode()).hexdigest(),
            server['hostId'])
        self.assertEqual({fakes.NETWORK_LABEL: [{
            'version': 4, 'addr': fixed['address'],
            'OS-EXT-IPS:type': 'fixed',
            'OS-EXT-IPS-MAC:mac_addr': fixed['mac']}]}, server['addresses'])
        self.assertEqual([{'name': 'default'}], server['security_groups'])
        self.assertEqual('nova', server['OS-EXT-AZ:availability_zone'])
        self.assertEqual('mykey', server['key_name'])
        self.assertEqual('2026-01-02T03:04:05',
                         server['OS-SRV-USG:launched_at'])
        self.assertEqual(1, server['OS-EXT-STS:power_state'])

    def test_addresses_by_network_name_follow_a_rename(self):
        first = self.create_server()
        self.make_active(first)
        self.assertEqual([fakes.NETWORK_LABEL],
                         list(self.show(first)['addresses']))
        other = network_db.network_add(self.api.admin_context, {
            'label': 'other', 'project_id': fakes.PROJECT})
        network_db.subnet_add(self.api.admin_context, {
            'network_id': other['id'], 'network_uuid': other['uuid'],
            'cidr': '10.9.0.0/29', 'gateway_ip': '10.9.0.1',
            'allocation_pools': [{'start': '10.9.0.2', 'end': '10.9.0.6'}],
            'dns_nameservers': [], 'host_routes': [], 'project_id': ''})
        second = self.create_server()
        fixed = network_db.fixed_ip_allocate(self.api.admin_context,
                                             other['id'], second)
        self.assertEqual({'other': [fixed['address']]}, {
            k: [a['addr'] for a in v]
            for k, v in self.show(second)['addresses'].items()})
        network_db.network_update(self.api.admin_context, other['id'],
                                  {'label': 'renamed'})
        self.assertEqual(['renamed'], list(self.show(second)['addresses']))

    def test_admin_sees_extended_attributes(self):
        server_id = self.create_server()
        self.make_active(server_id)
        server = self.show(server_id, fakes.ADMIN)
        self.assertTrue(ADMIN_KEYS <= set(server))
        self.assertEqual('node1', server['OS-EXT-SRV-ATTR:host'])
        self.assertEqual('node1.node',
                         server['OS-EXT-SRV-ATTR:hypervisor_hostname'])
        self.assertEqual('instance-%s' % server_id,
                         server['OS-EXT-SRV-ATTR:instance_name'])
        self.assertFalse(ADMIN_KEYS & set(self.show(server_id)))

    def test_error_server_fault(self):
        server_id = self.create_server()
        self.set_instance(server_id, vm_state=states.ERROR, task_state=None)
        fault_db.instance_fault_create(
            self.api.admin_context, server_id, 500, 'No valid host was found.',
            details='node1: RamFilter rejected', host='ctl')
        server = self.show(server_id)
        self.assertEqual('ERROR', server['status'])
        self.assertNotIn('progress', server)
        self.assertEqual({'code', 'created', 'message'}, set(server['fault']))
        self.assertEqual(500, server['fault']['code'])
        self.assertEqual('No valid host was found.',
                         server['fault']['message'])
        admin_view = self.show(server_id, fakes.ADMIN)
        self.assertEqual('node1: RamFilter rejected',
                         admin_view['fault']['details'])

    def test_not_found(self):
        other = self.create_server(headers=fakes.OTHER)
        for server_id in ('not-a-uuid', fakes.IMAGE_UUID, other, 'x' * 300,
                          '%00'):
            resp = self.get('%s/%s' % (SERVERS, server_id))
            self.assertFault(resp, 404, 'itemNotFound')


class ListTest(_ServersTestCase):

    def setUp(self):
        super().setUp()
        self.ids = [self.create_server(name='web%d' % i) for i in range(3)]

    def test_index_summary(self):
        resp = self.get(SERVERS)
        self.assertEqual(200, resp.status_code)
        self.assertEqual(['servers'], list(resp.json))
        self.assertEqual(list(reversed(self.ids)),
                         [s['id'] for s in resp.json['servers']])
        for server in resp.json['servers']:
            self.assertEqual({'id', 'name', 'links'}, set(server))

    def test_index_reads_the_instances_alone(self):
        self.make_active(self.ids[0])
        metadata_db.instance_metadata_update(
            self.api.admin_context, self.ids[1], {'a': '1'}, delete=False)
        statements = []

        def _count(_conn, _cursor, statement, *_args):
            if not statement.startswith('BEGIN'):
                statements.append(statement)
        event.listen(sa.engine.Engine, 'before_cursor_execute', _count)
        try:
            resp = self.get(SERVERS)
        finally:
            event.remove(sa.engine.Engine, 'before_cursor_execute', _count)
        self.assertEqual(3, len(resp.json['servers']))
        self.assertEqual(1, len(statements), statements)

    def test_detail(self):
        resp = self.get(SERVERS + '/detail?deleted=False')
        self.assertEqual(200, resp.status_code)
        self.assertEqual(3, len(resp.json['servers']))
        for server in resp.json['servers']:
            self.assertEqual(DETAIL_KEYS | {'progress'}, set(server))

    def test_listed_rows_are_plain_and_complete(self):
        """``instance_get_all`` reads Core rows: every column but the
        secrets, metadata, fixed IPs and an ERROR server's last fault."""
        fip = self.make_active(self.ids[0])
        metadata_db.instance_metadata_update(
            self.api.admin_context, self.ids[0], {'a': '1'}, delete=False)
        self.set_instance(self.ids[1], vm_state=states.ERROR)
        fault_db.instance_fault_create(self.api.admin_context, self.ids[1],
                                       500, 'boom')
        rows = {r.uuid: r for r in instance_db.instance_get_all(
            self.api.admin_context, {'project_id': fakes.PROJECT})}
        first, failed = rows[self.ids[0]], rows[self.ids[1]]
        self.assertEqual([('a', '1')], [(m.key, m.value)
                                        for m in first.metadata_items])
        self.assertEqual([fip['address']],
                         [f.address for f in first.fixed_ips])
        self.assertIs(False, first.locked)
        self.assertEqual('node1', first.host)
        self.assertIsNone(first.fault)
        self.assertEqual('boom', failed.fault.message)
        for secret in ('user_data', 'key_data'):
            self.assertRaises(AttributeError, getattr, first, secret)

    def test_pagination(self):
        resp = self.get(SERVERS + '?limit=2&name=web')
        page = resp.json['servers']
        self.assertEqual([self.ids[2], self.ids[1]], [s['id'] for s in page])
        self.assertEqual(
            [{'rel': 'next', 'href': 'http://localhost/v2.1/servers?'
              'name=web&limit=2&marker=%s' % self.ids[1]}],
            resp.json['servers_links'])
        resp = self.get(SERVERS + '?limit=2&marker=%s' % self.ids[1])
        self.assertEqual([self.ids[0]],
                         [s['id'] for s in resp.json['servers']])
        self.assertNotIn('servers_links', resp.json)

    def test_limit_capped_at_max_limit(self):
        self.api.conf.config(max_limit=2, group='api')
        resp = self.get(SERVERS + '/detail?limit=50')
        self.assertEqual(2, len(resp.json['servers']))
        self.assertIn('limit=2', resp.json['servers_links'][0]['href'])
        self.assertEqual(2, len(self.get(SERVERS).json['servers']))

    def test_bad_limit_and_marker(self):
        for query in ('limit=-1', 'limit=abc', 'limit=1.5'):
            self.assertFault(self.get(SERVERS + '?' + query), 400,
                             'badRequest', 'limit')
        self.assertFault(self.get(SERVERS + '?marker=nope'), 400,
                         'badRequest', 'marker')
        self.assertEqual([], self.get(SERVERS + '?limit=0').json['servers'])

    def test_filters(self):
        self.make_active(self.ids[0])
        def ids(query):
            resp = self.get(SERVERS + '?' + query)
            self.assertEqual(200, resp.status_code, resp.json)
            return sorted(s['id'] for s in resp.json['servers'])
        self.assertEqual([self.ids[1]], ids('name=^web1$'))
        self.assertEqual([self.ids[0]], ids('status=ACTIVE'))
        self.assertEqual(sorted(self.ids[1:]), ids('status=build'))
        self.assertEqual([], ids('status=NOT_A_STATUS'))
        self.assertEqual(sorted(self.ids), ids('image=' + fakes.IMAGE_UUID))
        self.assertEqual(sorted(self.ids), ids('flavor=1'))
        self.assertEqual([], ids('flavor=2'))
        self.assertEqual(sorted(self.ids),
                         ids('changes-since=2000-01-01T00:00:00Z'))
        self.assertEqual([], ids('changes-since=2999-01-01T00:00:00'))

    def test_bad_filters(self):
        for query in ('name=web(', 'changes-since=yesterday',
                      'deleted=maybe', 'all_tenants=maybe'):
            self.assertFault(self.get(SERVERS + '?' + query), 400,
                             'badRequest')

    def test_reboot_status(self):
        self.make_active(self.ids[0])
        self.set_instance(self.ids[0], task_state=states.REBOOTING)
        resp = self.get(SERVERS + '/detail?status=REBOOT')
        self.assertEqual([self.ids[0]],
                         [s['id'] for s in resp.json['servers']])
        self.assertEqual('REBOOT', resp.json['servers'][0]['status'])
        self.assertEqual([], self.get(SERVERS + '?status=HARD_REBOOT')
                         .json['servers'])

    def test_other_projects_need_admin(self):
        other = self.create_server(headers=fakes.OTHER)
        self.assertNotIn(other, [s['id'] for s in
                                 self.get(SERVERS).json['servers']])
        for query in ('all_tenants=1', 'all_tenants', 'deleted=True',
                      'status=DELETED'):
            self.assertFault(self.get(SERVERS + '?' + query), 403,
                             'forbidden')
        resp = self.get(SERVERS + '/detail?all_tenants=True',
                        headers=fakes.ADMIN)
        self.assertEqual(set(self.ids + [other]),
                         {s['id'] for s in resp.json['servers']})

    def test_admin_lists_deleted(self):
        self.assertEqual(204, self.delete(SERVERS + '/' + self.ids[0])
                         .status_code)
        for query in ('status=DELETED&all_tenants=1',
                      'deleted=True&all_tenants=1'):
            resp = self.get(SERVERS + '/detail?' + query,
                            headers=fakes.ADMIN)
            self.assertEqual([self.ids[0]],
                             [s['id'] for s in resp.json['servers']])
            self.assertEqual('DELETED', resp.json['servers'][0]['status'])


class UpdateDeleteTest(_ServersTestCase):

    def test_rename(self):
        server_id = self.create_server()
        resp = self.put('%s/%s' % (SERVERS, server_id),
                        {'server': {'name': 'renamed'}})
        self.assertEqual(200, resp.status_code)
        self.assertEqual(SHOW_KEYS | {'progress'}, set(resp.json['server']))
        self.assertEqual('renamed', resp.json['server']['name'])
        self.assertEqual('renamed', self.show(server_id)['name'])

    def test_rename_of_active_server_has_plain_addresses(self):
        server_id = self.create_server()
        fixed = self.make_active(server_id)
        resp = self.put('%s/%s' % (SERVERS, server_id),
                        {'server': {'name': 'x'}})
        self.assertEqual({fakes.NETWORK_LABEL: [
            {'version': 4, 'addr': fixed['address']}]},
            resp.json['server']['addresses'])

    def test_bad_rename(self):
        server_id = self.create_server()
        for server in ({'name': ''}, {'name': ' '}, {'name': 'a' * 256},
                       {'accessIPv4': 'x'}, {'hostname': 'h'}, {'name': None}):
            resp = self.put('%s/%s' % (SERVERS, server_id),
                            {'server': server})
            self.assertFault(resp, 400, 'badRequest')
        self.assertEqual('web', self.show(server_id)['name'])
        self.assertFault(self.put(SERVERS + '/nope', {'server': {
            'name': 'x'}}), 404, 'itemNotFound')

    def test_delete_unscheduled_server(self):
        server_id = self.create_server()
        resp = self.delete('%s/%s' % (SERVERS, server_id))
        self.assertEqual(204, resp.status_code)
        self.assertEqual(b'', resp.data)
        self.assertFault(self.get('%s/%s' % (SERVERS, server_id)), 404,
                         'itemNotFound')
        self.assertFault(self.delete('%s/%s' % (SERVERS, server_id)), 404,
                         'itemNotFound')

    def test_delete_scheduled_server_casts_to_compute(self):
        server_id = self.create_server()
        self.make_active(server_id)
        self.assertEqual(204, self.delete('%s/%s' % (SERVERS, server_id))
                         .status_code)
        self.assertEqual('deleting',
                         self.show(server_id)['OS-EXT-STS:task_state'])

    def test_wrong_method(self):
        resp = self.api.request('PATCH', SERVERS)
        self.assertFault(resp, 405, 'badMethod')
        self.assertIn('POST', resp.headers['Allow'])


class AccessIPTest(_ServersTestCase):
    """accessIPv4/accessIPv6 are stored at create and update and shown."""

    def test_create_and_update_access_ips(self):
        server_id = self.create_server(accessIPv4='192.0.2.10')
        shown = self.get('%s/%s' % (SERVERS, server_id)).json['server']
        self.assertEqual(('192.0.2.10', ''),
                         (shown['accessIPv4'], shown['accessIPv6']))
        resp = self.put('%s/%s' % (SERVERS, server_id),
                        {'server': {'accessIPv6': '2001:db8::5'}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(('192.0.2.10', '2001:db8::5'),
                         (resp.json['server']['accessIPv4'],
                          resp.json['server']['accessIPv6']))
        self.assertEqual('web', resp.json['server']['name'])

    def test_ipv6_is_stored_in_canonical_form(self):
        # RFC 5952: zeros compressed, embedded IPv4 written as hex groups.
        server_id = self.create_server(
            accessIPv6='0000:0000:0000:0000:0000:babe:220.12.22.2')
        shown = self.get('%s/%s' % (SERVERS, server_id)).json['server']
        self.assertEqual('::babe:dc0c:1602', shown['accessIPv6'])
        resp = self.put('%s/%s' % (SERVERS, server_id),
                        {'server': {'accessIPv6': '2001:DB8:0:0::1'}})
        self.assertEqual('2001:db8::1', resp.json['server']['accessIPv6'])

    def test_bad_access_ip_is_400(self):
        resp = self.post(SERVERS, {'server': {
            'name': 'x', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'accessIPv4': 'not-an-ip'}})
        self.assertFault(resp, 400, 'badRequest', 'accessIPv4')
        server_id = self.create_server()
        resp = self.put('%s/%s' % (SERVERS, server_id),
                        {'server': {'accessIPv6': '1.2.3.4.5'}})
        self.assertFault(resp, 400, 'badRequest', 'accessIPv6')


class ActionTest(_ServersTestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.create_server()
        self.path = '%s/%s/action' % (SERVERS, self.server_id)

    def test_reboot(self):
        self.make_active(self.server_id)
        resp = self.post(self.path, {'reboot': {'type': 'soft'}})
        self.assertEqual(202, resp.status_code)
        server = self.show(self.server_id)
        self.assertEqual('REBOOT', server['status'])
        self.assertFault(self.post(self.path, {'reboot': {'type': 'HARD'}}),
                         409, 'conflictingRequest', 'task_state')

    def test_actions_on_building_server_conflict(self):
        for body in ({'reboot': {'type': 'HARD'}}, {'os-stop': None},
                     {'os-start': None}, {'os-getConsoleOutput': {}}):
            self.assertFault(self.post(self.path, body), 409,
                             'conflictingRequest', 'building')

    def test_stop_start(self):
        self.make_active(self.server_id)
        self.assertFault(self.post(self.path, {'os-start': None}), 409,
                         'conflictingRequest')
        self.assertEqual(202, self.post(self.path, {'os-stop': None})
                         .status_code)
        self.assertEqual('powering-off',
                         self.show(self.server_id)['OS-EXT-STS:task_state'])
        self.set_instance(self.server_id, vm_state=states.STOPPED,
                          task_state=None)
        self.assertEqual(202, self.post(self.path, {'os-start': {}})
                         .status_code)

    def test_lock_unlock(self):
        self.make_active(self.server_id)
        self.assertEqual(202, self.post(self.path, {'lock': None})
                         .status_code)
        self.assertFault(self.post(self.path, {'os-stop': None}), 409,
                         'conflictingRequest', 'locked')
        self.assertEqual(202, self.post(self.path, {'os-stop': None},
                                        headers=fakes.ADMIN).status_code)
        self.assertEqual(202, self.post(self.path, {'unlock': None})
                         .status_code)

    def test_console_output(self):
        self.make_active(self.server_id)
        rpc = self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.rpcapi.ComputeAPI.get_console_output',
            return_value='line1\nline2\n')).mock
        resp = self.post(self.path, {'os-getConsoleOutput': {'length': '5'}})
        self.assertEqual(200, resp.status_code)
        self.assertEqual({'output': 'line1\nline2\n'}, resp.json)
        self.assertEqual(('node1', self.server_id, 5), rpc.call_args[0][1:])
        self.post(self.path, {'os-getConsoleOutput': {'length': -1}})
        self.assertIsNone(rpc.call_args[0][3])

    def test_console_output_timeout_is_503(self):
        self.make_active(self.server_id)
        self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.rpcapi.ComputeAPI.get_console_output',
            side_effect=messaging.MessagingTimeout('no reply')))
        resp = self.post(self.path, {'os-getConsoleOutput': {}})
        self.assertFault(resp, 503, 'serviceUnavailable')
        self.assertEqual('30', resp.headers['Retry-After'])

    def test_bad_action_bodies(self):
        self.make_active(self.server_id)
        for body in ({}, {'reboot': {}}, {'reboot': {'type': 'WARM'}},
                     {'reboot': {'type': 'SOFT', 'force': True}},
                     {'os-stop': None, 'os-start': None},
                     {'no-such-action': None}, {'lock': True},
                     {'os-getConsoleOutput': {'length': 'ten'}},
                     {'os-getConsoleOutput': {'length': -2}}, []):
            self.assertFault(self.post(self.path, body), 400, 'badRequest')
        self.assertEqual('ACTIVE', self.show(self.server_id)['status'])

    def test_unknown_server(self):
        self.assertFault(self.post(SERVERS + '/nope/action',
                                   {'os-stop': None}), 404, 'itemNotFound')


class MetadataTest(_ServersTestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.create_server(metadata={'a': '1', 'b': '2'})
        self.path = '%s/%s/metadata' % (SERVERS, self.server_id)

    def test_list_merge_replace(self):
        self.assertEqual({'metadata': {'a': '1', 'b': '2'}},
                         self.get(self.path).json)
        resp = self.post(self.path, {'metadata': {'b': 'x', 'c': '3'}})
        self.assertEqual(200, resp.status_code)
        self.assertEqual({'metadata': {'a': '1', 'b': 'x', 'c': '3'}},
                         resp.json)
        resp = self.put(self.path, {'metadata': {'z': '26'}})
        self.assertEqual({'metadata': {'z': '26'}}, resp.json)
        self.assertEqual({'metadata': {'z': '26'}}, self.get(self.path).json)

    def test_items(self):
        self.assertEqual({'meta': {'a': '1'}}, self.get(self.path + '/a').json)
        self.assertFault(self.get(self.path + '/nope'), 404, 'itemNotFound')
        resp = self.put(self.path + '/c', {'meta': {'c': '3'}})
        self.assertEqual((200, {'meta': {'c': '3'}}),
                         (resp.status_code, resp.json))
        self.assertFault(self.put(self.path + '/c', {'meta': {'d': '4'}}),
                         400, 'badRequest', 'mismatch')
        self.assertFault(self.put(self.path + '/c', {'meta': {
            'c': '3', 'd': '4'}}), 400, 'badRequest')
        self.assertEqual(204, self.delete(self.path + '/a').status_code)
        self.assertFault(self.delete(self.path + '/a'), 404, 'itemNotFound')
        self.assertEqual({'metadata': {'b': '2', 'c': '3'}},
                         self.get(self.path).json)

    def test_bad_metadata(self):
        for body in ({'metadata': {'k': 'v' * 256}}, {'metadata': {'': 'v'}},
                     {'metadata': {'k/x': 'v'}}, {'metadata': {'k': 1}},
                     {'metadata': ['k']}, {'meta': {'a': 'b'}}, {}):
            self.assertFault(self.post(self.path, body), 400, 'badRequest')
        self.assertEqual({'metadata': {'a': '1', 'b': '2'}},
                         self.get(self.path).json)

    def test_other_project_cannot_see_it(self):
        self.assertFault(self.get(self.path, headers=fakes.OTHER), 404,
                         'itemNotFound')
        self.assertFault(self.post(self.path, {'metadata': {'x': 'y'}},
                                   headers=fakes.OTHER), 404, 'itemNotFound')


class DatabaseSafetyTest(_ServersTestCase):
    """Input every database refuses (NUL) or some refuse (regular
    expressions of another dialect) is a 4xx, never a 500."""

    def test_nul_in_path_is_404(self):
        server_id = self.create_server()
        for path in (SERVERS + '/%00', '/v2.1/flavors/1%00',
                     '/v2.1/images/%00', '%s/%s/metadata/%%00' % (
                         SERVERS, server_id)):
            self.assertFault(self.get(path), 404, 'itemNotFound')

    def test_nul_in_query_is_400(self):
        for query in ('name=%00', 'marker=%00', 'image=a%00b', '%00=1'):
            self.assertFault(self.get(SERVERS + '?' + query), 400,
                             'badRequest', 'NUL')

    def test_name_regex_refused_by_database_is_400(self):
        self.useFixture(fixtures.MockPatch(
            'nova_lite.db.instances.instance_get_all',
            side_effect=db_exc.DBError('invalid regular expression')))
        self.assertFault(self.get(SERVERS + '?name=(?P<a>x)'), 400,
                         'badRequest', 'regular expression')
        self.assertFault(self.get(SERVERS), 500, 'computeFault')


class UnexpectedErrorTest(_ServersTestCase):

    def test_internal_error_is_generic_500(self):
        self.useFixture(fixtures.MockPatch(
            'nova_lite.db.instances.instance_get_all',
            side_effect=RuntimeError('password=hunter2 at db.internal')))
        resp = self.get(SERVERS)
        message = self.assertFault(resp, 500, 'computeFault')
        self.assertNotIn('hunter2', message)
        self.assertIn(resp.headers['x-openstack-request-id'], message)
        self.assertIn('RuntimeError', self.log.output)


class InstanceNameTest(_ServersTestCase):
    """OS-EXT-SRV-ATTR:instance_name is the name the compute gives the
    guest (``objects.Instance.name``, the libvirt domain name) of the
    instance cast to the conductor, for any instance_name_template."""

    def create_and_cast(self, **server):
        """Create a server; return (its admin view, the instance object
        cast to the conductor)."""
        with mock.patch.object(conductor_rpcapi.ConductorAPI,
                               'build_instances') as build:
            server_id = self.create_server(**server)
        (instance,), _spec = build.call_args[0][1:]
        self.assertEqual(server_id, instance.uuid)
        return self.show(server_id, fakes.ADMIN), instance

    def test_default_template_is_the_uuid_name(self):
        server, instance = self.create_and_cast()
        self.assertEqual('instance-%s' % server['id'], instance.name)
        self.assertEqual(instance.name,
                         server['OS-EXT-SRV-ATTR:instance_name'])

    def test_template_with_uuid(self):
        self.api.conf.config(instance_name_template='vm-%(uuid).8s')
        server, instance = self.create_and_cast()
        self.assertEqual('vm-%s' % server['id'][:8], instance.name)
        self.assertEqual(instance.name,
                         server['OS-EXT-SRV-ATTR:instance_name'])

    def test_nova_template_with_id(self):
        self.api.conf.config(instance_name_template='instance-%08x')
        server, instance = self.create_and_cast()
        row_id = instance_db.instance_get(self.api.admin_context,
                                          server['id']).id
        self.assertEqual('instance-%08x' % row_id, instance.name)
        self.assertEqual(instance.name,
                         server['OS-EXT-SRV-ATTR:instance_name'])

    def test_name_is_stored_at_create(self):
        server, _instance = self.create_and_cast()
        self.api.conf.config(instance_name_template='other-%(uuid)s')
        self.assertEqual('instance-%s' % server['id'],
                         self.show(server['id'], fakes.ADMIN)[
                             'OS-EXT-SRV-ATTR:instance_name'])
