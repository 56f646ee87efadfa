"""Microversions 2.11-2.25: each change before and after its version
(compute API reference, REST API version history)."""
from nova_lite.api import microversion
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes
from tests.unit.api import test_hypervisors
from tests.unit.api import test_services


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


class ServicesForcedDownTest(fakes.APITestCase):
    """2.11: ``forced_down`` in the list; force-down only from 2.11."""

    def setUp(self):
        super().setUp()
        test_services.register_services(self)

    def test_force_down_is_404_before_2_11(self):
        body = {'host': 'node1', 'binary': 'nova-compute',
                'forced_down': True}
        self.assertFault(self.put('/v2.1/os-services/force-down', body,
                                  at('2.10', fakes.ADMIN)), 404,
                         'itemNotFound')
        resp = self.put('/v2.1/os-services/force-down', body,
                        at('2.11', fakes.ADMIN))
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        self.assertEqual({'service': body}, resp.json)

    def test_forced_down_in_the_list_from_2_11(self):
        old = self.get('/v2.1/os-services?host=node1',
                       at('2.10', fakes.ADMIN)).json['services'][0]
        self.assertNotIn('forced_down', old)
        new = self.get('/v2.1/os-services?host=node1',
                       at('2.11', fakes.ADMIN)).json['services'][0]
        self.assertIs(False, new['forced_down'])
        self.put('/v2.1/os-services/force-down', {
            'host': 'node1', 'binary': 'nova-compute', 'forced_down': True},
            at('2.11', fakes.ADMIN))
        new = self.get('/v2.1/os-services?host=node1',
                       at('2.11', fakes.ADMIN)).json['services'][0]
        self.assertEqual((True, 'down'), (new['forced_down'], new['state']))


class ServerGroupOwnerTest(fakes.APITestCase):
    """2.13: ``project_id`` and ``user_id`` of server groups."""

    def test_owner_from_2_13(self):
        body = {'server_group': {'name': 'g', 'policies': ['affinity']}}
        old = self.post('/v2.1/os-server-groups', body, at('2.12')).json[
            'server_group']
        self.assertNotIn('project_id', old)
        self.assertNotIn('user_id', old)
        new = self.get('/v2.1/os-server-groups/' + old['id'],
                       at('2.13')).json['server_group']
        self.assertEqual((fakes.PROJECT, fakes.USER),
                         (new['project_id'], new['user_id']))
        listed = self.get('/v2.1/os-server-groups', at('2.13')).json[
            'server_groups']
        self.assertEqual(fakes.PROJECT, listed[0]['project_id'])
        created = self.post('/v2.1/os-server-groups', {'server_group': {
            'name': 'h', 'policies': ['affinity']}}, at('2.13')).json[
            'server_group']
        self.assertEqual(fakes.USER, created['user_id'])


class SoftPoliciesTest(fakes.APITestCase):
    """2.15: soft-affinity and soft-anti-affinity."""

    def test_soft_policies_from_2_15(self):
        for policy in ('soft-affinity', 'soft-anti-affinity'):
            body = {'server_group': {'name': policy, 'policies': [policy]}}
            self.assertFault(self.post('/v2.1/os-server-groups', body,
                                       at('2.14')), 400, 'badRequest')
            resp = self.post('/v2.1/os-server-groups', body, at('2.15'))
            self.assertEqual(200, resp.status_code, resp.get_data(True))
            self.assertEqual([policy], resp.json['server_group']['policies'])
        resp = self.post('/v2.1/os-server-groups', {'server_group': {
            'name': 'hard', 'policies': ['affinity']}}, at('2.14'))
        self.assertEqual(200, resp.status_code)


class HostStatusTest(fakes.APITestCase):
    """2.16: ``host_status`` for admins in show and detail."""

    def setUp(self):
        super().setUp()
        test_services.register_services(self)
        self.server_id = self.create_server()
        self.path = '/v2.1/servers/' + self.server_id

    def status(self, version='2.16', headers=fakes.ADMIN):
        return self.get(self.path, at(version, headers)).json['server'].get(
            'host_status')

    def test_every_status(self):
        self.assertEqual('', self.status())
        self.set_instance(self.server_id, host='node1')
        self.assertEqual('UP', self.status())
        # node2's last heartbeat is 10 minutes old.
        self.set_instance(self.server_id, host='node2')
        self.assertEqual('UNKNOWN', self.status())
        self.set_instance(self.server_id, host='gone')
        self.assertEqual('', self.status())
        self.set_instance(self.server_id, host='node1')
        service = {'host': 'node1', 'binary': 'nova-compute'}
        self.put('/v2.1/os-services/disable', service, at('2.16',
                                                          fakes.ADMIN))
        self.assertEqual('MAINTENANCE', self.status())
        self.put('/v2.1/os-services/force-down', dict(
            service, forced_down=True), at('2.16', fakes.ADMIN))
        self.assertEqual('DOWN', self.status())
        listed = self.get('/v2.1/servers/detail?all_tenants=1',
                          at('2.16', fakes.ADMIN))
        self.assertEqual(['DOWN'], [s['host_status']
                                    for s in listed.json['servers']])

    def test_before_2_16_and_for_members(self):
        self.set_instance(self.server_id, host='node1')
        self.assertNotIn('host_status', self.get(
            self.path, at('2.15', fakes.ADMIN)).json['server'])
        self.assertNotIn('host_status', self.get(
            self.path, at('2.16')).json['server'])
        listed = self.get('/v2.1/servers/detail?all_tenants=1',
                          at('2.15', fakes.ADMIN))
        self.assertNotIn('host_status', listed.json['servers'][0])
        updated = self.put(self.path, {'server': {'name': 'n'}},
                           at('2.16', fakes.ADMIN)).json['server']
        self.assertNotIn('host_status', updated)


class NoProjectIdTest(fakes.APITestCase):
    """2.18: URLs without a project id (the only form served here)."""

    def test_urls_without_project_id(self):
        for version in ('2.1', '2.17', '2.18'):
            self.assertEqual(200, self.get('/v2.1/servers',
                                           at(version)).status_code)
            self.assertFault(self.get('/v2.1/%s/servers' % fakes.PROJECT,
                                      at(version)), 404, 'itemNotFound')


class DescriptionTest(fakes.APITestCase):
    """2.19: server description on create and update, shown in show,
    detail and the update response."""

    def create(self, version, **server):
        body = {'name': 'web', 'imageRef': fakes.IMAGE_UUID,
                'flavorRef': '1'}
        body.update(server)
        return self.post('/v2.1/servers', {'server': body}, at(version))

    def test_before_2_19(self):
        self.assertFault(self.create('2.18', description='d'), 400,
                         'badRequest')
        server_id = self.create('2.18').json['server']['id']
        path = '/v2.1/servers/' + server_id
        self.assertFault(self.put(path, {'server': {'description': 'd'}},
                                  at('2.18')), 400, 'badRequest')
        self.assertNotIn('description', self.get(path, at('2.18')).json[
            'server'])
        self.assertNotIn('description', self.put(path, {'server': {
            'name': 'n'}}, at('2.18')).json['server'])

    def test_from_2_19(self):
        resp = self.create('2.19', description='my web server')
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        path = '/v2.1/servers/' + resp.json['server']['id']
        self.assertEqual('my web server', self.get(path, at('2.19')).json[
            'server']['description'])
        listed = self.get('/v2.1/servers/detail', at('2.19')).json
        self.assertEqual(['my web server'], [
            s['description'] for s in listed['servers']])
        updated = self.put(path, {'server': {'description': ''}},
                           at('2.19')).json['server']
        self.assertEqual('', updated['description'])
        updated = self.put(path, {'server': {'name': 'renamed'}},
                           at('2.19')).json['server']
        self.assertEqual('', updated['description'])
        updated = self.put(path, {'server': {'description': None}},
                           at('2.19')).json['server']
        self.assertIsNone(updated['description'])
        other = self.create('2.19').json['server']['id']
        self.assertIsNone(self.get('/v2.1/servers/' + other, at(
            '2.19')).json['server']['description'])

    def test_bad_descriptions(self):
        for bad in ('x' * 256, 'a\x00b', 'tab\there', 5):
            self.assertFault(self.create('2.19', description=bad), 400,
                             'badRequest')


class DeletedServerActionsTest(fakes.APITestCase):
    """2.21: actions of deleted servers."""

    def test_actions_of_a_deleted_server(self):
        server_id = self.create_server()
        path = '/v2.1/servers/%s/os-instance-actions' % server_id
        self.assertEqual(204, self.delete('/v2.1/servers/' + server_id)
                         .status_code)
        instance_db.instance_destroy(self.api.admin_context, server_id)
        self.assertFault(self.get('/v2.1/servers/' + server_id, at('2.21')),
                         404, 'itemNotFound')
        self.assertFault(self.get(path, at('2.20')), 404, 'itemNotFound')
        actions = self.get(path, at('2.21')).json['instanceActions']
        self.assertEqual(['delete', 'create'],
                         [a['action'] for a in actions])
        request_id = actions[-1]['request_id']
        self.assertFault(self.get(path + '/' + request_id, at('2.20')), 404,
                         'itemNotFound')
        shown = self.get(path + '/' + request_id, at('2.21'))
        self.assertEqual('create', shown.json['instanceAction']['action'])
        self.assertFault(self.get(path, at('2.21', fakes.OTHER)), 404,
                         'itemNotFound')


class HeaderFormsTest(fakes.APITestCase):
    """2.27: the OpenStack-API-Version header (accepted, with the legacy
    one, at every version)."""

    def test_both_headers(self):
        for version in ('2.1', '2.26', '2.27'):
            resp = self.get('/v2.1/servers', at(version))
            self.assertEqual('compute ' + version,
                             resp.headers[microversion.HEADER])
            resp = self.get('/v2.1/servers', dict(fakes.MEMBER, **{
                microversion.LEGACY_HEADER: version}))
            self.assertEqual(version,
                             resp.headers[microversion.LEGACY_HEADER])


class HypervisorCpuInfoTest(test_hypervisors._HypervisorsTestCase):
    """2.28: ``cpu_info`` an object."""

    def test_cpu_info(self):
        path = '/v2.1/os-hypervisors/%s' % self.nodes['node1']['id']
        self.assertEqual('{}', self.get(path, at('2.27', fakes.ADMIN)).json[
            'hypervisor']['cpu_info'])
        self.assertEqual({}, self.get(path, at('2.28', fakes.ADMIN)).json[
            'hypervisor']['cpu_info'])
        listed = self.get('/v2.1/os-hypervisors/detail',
                          at('2.28', fakes.ADMIN)).json['hypervisors']
        self.assertEqual({}, listed[0]['cpu_info'])


class HypervisorPagingTest(test_hypervisors._HypervisorsTestCase):
    """2.33: limit and marker on the hypervisor list and detail."""

    def page(self, path, version='2.33'):
        resp = self.get('/v2.1/os-hypervisors' + path,
                        at(version, fakes.ADMIN))
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        return resp.json

    def test_paging(self):
        node1, node2 = self.nodes['node1']['id'], self.nodes['node2']['id']
        for path in ('', '/detail'):
            self.assertEqual([node1, node2], [h['id'] for h in self.page(
                path + '?limit=1', '2.32')['hypervisors']])
            first = self.page(path + '?limit=1')
            self.assertEqual([node1], [h['id'] for h in first[
                'hypervisors']])
            self.assertIn('marker=%d' % node1,
                          first['hypervisors_links'][0]['href'])
            second = self.page(path + '?limit=1&marker=%d' % node1)
            self.assertEqual([node2], [h['id'] for h in second[
                'hypervisors']])
            self.assertEqual([], self.page(path + '?marker=%d' % node2)[
                'hypervisors'])
            self.assertNotIn('hypervisors_links', self.page(path))
            self.assertFault(self.get(
                '/v2.1/os-hypervisors%s?marker=999' % path,
                at('2.33', fakes.ADMIN)), 400, 'badRequest')
            self.assertFault(self.get(
                '/v2.1/os-hypervisors%s?limit=-1' % path,
                at('2.33', fakes.ADMIN)), 400, 'badRequest')


class KeypairPagingTest(fakes.APITestCase):
    """2.35: limit and marker on the key pair list."""

    def names(self, query, version='2.35'):
        resp = self.get('/v2.1/os-keypairs' + query, at(version))
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        return ([k['keypair']['name'] for k in resp.json['keypairs']],
                resp.json.get('keypairs_links'))

    def test_paging(self):
        for name in ('c', 'a', 'b'):
            self.post('/v2.1/os-keypairs', {'keypair': {'name': name}},
                      at('2.35'))
        self.assertEqual((['a', 'b', 'c'], None),
                         self.names('?limit=1', '2.34'))
        names, links = self.names('?limit=2')
        self.assertEqual(['a', 'b'], names)
        self.assertIn('marker=b', links[0]['href'])
        self.assertEqual((['c'], None), self.names('?limit=2&marker=b'))
        self.assertEqual((['a', 'b', 'c'], None), self.names(''))
        self.assertFault(self.get('/v2.1/os-keypairs?marker=zz',
                                  at('2.35')), 400, 'badRequest')


class ProxyAPIsGoneTest(fakes.APITestCase):
    """2.36: /images and /os-networks 404, no network quotas or limits."""

    NETWORK_QUOTAS = {'fixed_ips', 'floating_ips', 'security_groups',
                      'security_group_rules'}

    def test_proxy_routes(self):
        for path in ('/v2.1/images', '/v2.1/images/detail',
                     '/v2.1/images/' + fakes.IMAGE_UUID, '/v2.1/os-networks'):
            self.assertEqual(200, self.get(path, at('2.35')).status_code,
                             path)
            self.assertFault(self.get(path, at('2.36')), 404,
                             'itemNotFound')

    def test_quota_sets(self):
        path = '/v2.1/os-quota-sets/%s' % fakes.PROJECT
        for suffix in ('', '/detail', '/defaults'):
            old = self.get(path + suffix, at('2.35', fakes.ADMIN)).json
            self.assertLessEqual(self.NETWORK_QUOTAS, set(old['quota_set']))
            new = self.get(path + suffix, at('2.36', fakes.ADMIN)).json
            self.assertEqual(set(), self.NETWORK_QUOTAS & set(
                new['quota_set']))
            self.assertIn('instances', new['quota_set'])
        body = {'quota_set': {'floating_ips': 20}}
        self.assertEqual(200, self.put(path, body, at(
            '2.35', fakes.ADMIN)).status_code)
        self.assertFault(self.put(path, body, at('2.36', fakes.ADMIN)), 400,
                         'badRequest')
        resp = self.put(path, {'quota_set': {'instances': 20}},
                        at('2.36', fakes.ADMIN))
        self.assertEqual(20, resp.json['quota_set']['instances'])
        self.assertNotIn('floating_ips', resp.json['quota_set'])

    def test_limits(self):
        gone = {'maxSecurityGroupRules', 'maxSecurityGroups',
                'maxTotalFloatingIps', 'totalFloatingIpsUsed',
                'totalSecurityGroupsUsed'}
        old = self.get('/v2.1/limits', at('2.35')).json['limits']['absolute']
        self.assertLessEqual(gone, set(old))
        new = self.get('/v2.1/limits', at('2.36')).json['limits']['absolute']
        self.assertEqual(set(), gone & set(new))
        self.assertEqual(len(old) - len(gone), len(new))


class RefusedTest(fakes.APITestCase):
    """Versions whose resource or action does not exist here: the
    documented error at every version."""

    def _versions(self):
        return ('2.1', str(microversion.MAX_VERSION))

    def test_2_12_virtual_interfaces(self):
        server_id = self.create_server()
        for version in self._versions():
            self.assertFault(self.get(
                '/v2.1/servers/%s/os-virtual-interfaces' % server_id,
                at(version)), 404, 'itemNotFound')

    def test_2_14_evacuate_body(self):
        """Evacuate exists (tests/unit/compute/test_evacuate.py): its
        body needs onSharedStorage until 2.13 and refuses it from 2.14."""
        server_id = self.create_server()
        for version, body in (('2.13', {'host': 'node2'}),
                              ('2.14', {'host': 'node2',
                                        'onSharedStorage': False})):
            self.assertFault(self.post(
                '/v2.1/servers/%s/action' % server_id,
                {'evacuate': body}, at(version, fakes.ADMIN)),
                400, 'badRequest')

    def test_2_17_trigger_crash_dump(self):
        server_id = self.create_server()
        for version in self._versions():
            self.assertFault(self.post(
                '/v2.1/servers/%s/action' % server_id,
                {'trigger_crash_dump': None}, at(version)), 400,
                'badRequest')

    def test_2_20_volume_attachments(self):
        """Volume attachments exist at every version (an empty list
        here); attaching to a shelved server is refused (a server still
        building cannot be shelved either, 409; tests/unit/compute/
        test_shelve.py, tests/unit/compute/test_volume_attach.py)."""
        server_id = self.create_server()
        for version in self._versions():
            resp = self.get('/v2.1/servers/%s/os-volume_attachments'
                            % server_id, at(version))
            self.assertEqual(200, resp.status_code)
            self.assertEqual([], resp.json['volumeAttachments'])
            self.assertFault(self.post(
                '/v2.1/servers/%s/action' % server_id, {'shelve': None},
                at(version)), 409, 'conflictingRequest')

    def test_2_22_to_2_25_migrations(self):
        """Forcing (2.22) and aborting (2.24) a live migration need a
        live migration in progress (404 without one; before 2.24 the
        DELETE route does not exist: 404); os-migrateLive takes 'auto'
        only from 2.25; the server migrations list and show exist from
        2.23 (tests/unit/api/test_migrations.py; the working flows are
        tests/functional/test_live_migration.py's)."""
        server_id = self.create_server()
        base = '/v2.1/servers/%s/migrations' % server_id
        for version in self._versions():
            admin = at(version, fakes.ADMIN)
            self.assertFault(self.post(base + '/1/action', {
                'force_complete': None}, admin), 404, 'itemNotFound')
            self.assertFault(self.get(base + '/1', admin), 404,
                             'itemNotFound')
            self.assertFault(self.delete(base + '/1', admin), 404,
                             'itemNotFound')
        self.assertFault(self.post(
            '/v2.1/servers/%s/action' % server_id, {'os-migrateLive': {
                'host': None, 'block_migration': 'auto'}},
            at('2.24', fakes.ADMIN)), 400, 'badRequest')
        self.assertFault(self.get(base, at('2.22', fakes.ADMIN)), 404,
                         'itemNotFound')

    def test_2_29_to_2_31_evacuate_live_migrate_console_tokens(self):
        server_id = self.create_server()
        for version in self._versions():
            admin = at(version, fakes.ADMIN)
            for action in ({'evacuate': {'force': True}},
                           {'os-migrateLive': {'host': None,
                                               'block_migration': 'auto',
                                               'force': True}}):
                self.assertFault(self.post(
                    '/v2.1/servers/%s/action' % server_id, action, admin),
                    400, 'badRequest')
            self.assertFault(self.get('/v2.1/os-console-auth-tokens/x',
                                      admin), 404, 'itemNotFound')

    def test_2_32_device_tags(self):
        # networks[].tag and block_device_mapping_v2[].tag exist at 2.32
        # and from 2.42 (test_attach_interfaces, compute/
        # test_boot_from_volume).
        for version, server in (
                ('2.31', {'networks': [{'uuid': fakes.IMAGE_UUID,
                                        'tag': 'nic1'}]}),
                ('2.33', {'networks': [{'uuid': fakes.IMAGE_UUID,
                                        'tag': 'nic1'}]}),
                ('2.33', {'block_device_mapping_v2': [{
                    'source_type': 'image', 'uuid': fakes.IMAGE_UUID,
                    'destination_type': 'local', 'boot_index': 0,
                    'tag': 'disk1'}]})):
            body = dict({'name': 'tagged', 'imageRef': fakes.IMAGE_UUID,
                         'flavorRef': '1', 'networks': 'auto'}, **server)
            self.assertFault(self.post('/v2.1/servers', {
                'server': body}, at(version)), 400, 'badRequest',
                "'tag' was unexpected")
