"""Microversions 2.37 to 2.60: each change before and after its version
(compute API reference, REST API version history; 2.61 and later in
test_microversions_wave4)."""

from oslo_policy import policy as oslo_policy
from oslo_utils import uuidutils

from nova_lite.api import microversion
from nova_lite import policy
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes
from tests.unit.api import test_hypervisors
from tests.unit.api import test_services

SERVERS = '/v2.1/servers'


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


def server(**fields):
    body = {'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}
    body.update(fields)
    return {'server': body}


class NetworksAtCreateTest(fakes.APITestCase):
    """2.37: ``networks`` required; a list, ``auto`` or ``none``."""

    def _request(self, server_id):
        row = instance_db.instance_get(self.api.admin_context, server_id,
                                       project_only=False)
        return row.network_request

    def test_networks_may_be_omitted_before_2_37(self):
        resp = self.post(SERVERS, server(), at('2.36'))
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        self.assertIsNone(self._request(resp.json['server']['id']))

    def test_networks_required_from_2_37(self):
        self.assertFault(self.post(SERVERS, server(), at('2.37')), 400,
                         'badRequest', "'networks' is a required property")

    def test_auto_none_and_a_list_from_2_37(self):
        net = self.api.network['uuid']
        for networks, expected in (('auto', None), ('none', 'none'),
                                   ([{'uuid': net}], None), ([], None)):
            resp = self.post(SERVERS, server(networks=networks), at('2.37'))
            self.assertEqual(202, resp.status_code, resp.get_data(True))
            self.assertEqual(expected,
                             self._request(resp.json['server']['id']))

    def test_none_also_before_2_37(self):
        # Clients send the 2.37 strings at older versions too.
        resp = self.post(SERVERS, server(networks='none'), at('2.1'))
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        self.assertEqual('none', self._request(resp.json['server']['id']))

    def test_a_server_without_network_shows_no_address(self):
        server_id = self.post(SERVERS, server(networks='none'),
                              at('2.37')).json['server']['id']
        shown = self.get(SERVERS + '/' + server_id, at('2.37')).json
        self.assertEqual({}, shown['server']['addresses'])

    def test_uuid_strictly_a_uuid_and_other_strings_refused(self):
        for networks in ([{'uuid': 'net1'}], 'some', [{'port': 'x'}]):
            self.assertFault(self.post(SERVERS, server(networks=networks),
                                       at('2.37')), 400, 'badRequest',
                             'server/networks')


class InvalidStatusTest(fakes.APITestCase):
    """2.38: a status filter naming no known status is a 400."""

    def test_unknown_status(self):
        self.create_server()
        for headers in (fakes.MEMBER, fakes.ADMIN):
            for path in (SERVERS, SERVERS + '/detail'):
                old = self.get(path + '?status=bogus', at('2.37', headers))
                self.assertEqual(200, old.status_code)
                self.assertEqual([], old.json['servers'])
                self.assertFault(self.get(path + '?status=bogus',
                                          at('2.38', headers)), 400,
                                 'badRequest', 'bogus')
        known = self.get(SERVERS + '?status=build', at('2.38'))
        self.assertEqual(1, len(known.json['servers']))


class ImageMetaLimitTest(fakes.APITestCase):
    """2.39: ``maxImageMeta`` leaves the limits; the image-metadata
    proxy is a 404 at every version (it never existed)."""

    def test_limits(self):
        old = self.get('/v2.1/limits', at('2.38')).json['limits']
        self.assertIn('maxImageMeta', old['absolute'])
        new = self.get('/v2.1/limits', at('2.39')).json['limits']
        self.assertNotIn('maxImageMeta', new['absolute'])
        self.assertIn('maxServerMeta', new['absolute'])

    def test_image_metadata_is_404(self):
        for version in ('2.1', '2.38', '2.39'):
            self.assertFault(self.get(
                '/v2.1/images/%s/metadata' % fakes.IMAGE_UUID,
                at(version)), 404, 'itemNotFound')


class AggregateUuidTest(fakes.APITestCase):
    """2.41: aggregates show their ``uuid``."""

    def test_uuid_from_2_41(self):
        admin = fakes.ADMIN
        old = self.post('/v2.1/os-aggregates', {'aggregate': {
            'name': 'agg1'}}, at('2.40', admin)).json['aggregate']
        self.assertNotIn('uuid', old)
        new = self.get('/v2.1/os-aggregates/%s' % old['id'],
                       at('2.41', admin)).json['aggregate']
        self.assertTrue(uuidutils.is_uuid_like(new['uuid']))
        listed = self.get('/v2.1/os-aggregates', at('2.41', admin)).json
        self.assertEqual(new['uuid'], listed['aggregates'][0]['uuid'])
        created = self.post('/v2.1/os-aggregates', {'aggregate': {
            'name': 'agg2'}}, at('2.41', admin)).json['aggregate']
        self.assertTrue(uuidutils.is_uuid_like(created['uuid']))
        self.assertNotIn('uuid', self.get(
            '/v2.1/os-aggregates/%s' % old['id'],
            at('2.40', admin)).json['aggregate'])


class RequestIdHeadersTest(fakes.APITestCase):
    """2.46: X-OpenStack-Request-ID and X-Compute-Request-ID (both at
    every version in nova_lite)."""

    def test_both_headers(self):
        for version in ('2.1', '2.45', '2.46'):
            resp = self.get('/v2.1/flavors', at(version))
            self.assertTrue(resp.headers['X-OpenStack-Request-ID'])
            self.assertEqual(resp.headers['X-OpenStack-Request-ID'],
                             resp.headers['X-Compute-Request-ID'])


class RefusedTest(fakes.APITestCase):
    """Refused versions: the action or resource does not exist and keeps
    its documented error at every version."""

    def _versions(self):
        return ('2.1', str(microversion.MAX_VERSION))

    def test_2_42_device_tags(self):
        # Implemented from 2.42 (and at 2.32): test_attach_interfaces.
        self.assertFault(self.post(SERVERS, server(networks=[{
            'uuid': self.api.network['uuid'], 'tag': 'nic1'}]),
            at('2.41')), 400, 'badRequest', "'tag' was unexpected")

    def test_2_44_network_proxy_actions_and_virtual_interfaces(self):
        server_id = self.create_server()
        action = SERVERS + '/%s/action' % server_id
        for version in self._versions():
            # addFixedIp/removeFixedIp and addFloatingIp/removeFloatingIp
            # exist up to 2.43 (test_multinic, test_compute_floating_ips;
            # an unknown network or floating address there: 404 too).
            for body in ({'addFloatingIp': {'address': '172.24.4.2'}},
                         {'removeFloatingIp': {'address': '172.24.4.2'}}):
                self.assertFault(self.post(action, body, at(version)), 404,
                                 'itemNotFound')
        for version in ('2.44', str(microversion.MAX_VERSION)):
            for body in ({'addFixedIp': {'networkId': 1}},
                         {'removeFixedIp': {'address': '10.0.0.2'}}):
                self.assertFault(self.post(action, body, at(version)), 404,
                                 'itemNotFound')
        for version in self._versions():
            self.assertFault(self.get(
                SERVERS + '/%s/os-virtual-interfaces' % server_id,
                at(version)), 404, 'itemNotFound')


class EmbeddedFlavorTest(fakes.APITestCase):
    """2.47: servers show the flavor copied at create time instead of its
    id and link; ``extra_specs`` only to callers who may list them."""

    def setUp(self):
        super().setUp()
        resp = self.post('/v2.1/flavors/2/os-extra_specs', {
            'extra_specs': {'hw:cpu_policy': 'shared'}}, fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        self.server_id = self.create_server(flavorRef='2')

    def _flavor(self, version, headers=fakes.MEMBER, path=''):
        resp = self.get(SERVERS + '/' + self.server_id + path,
                        at(version, headers))
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        return resp.json['server']['flavor']

    def test_id_and_links_before_2_47(self):
        flavor = self._flavor('2.46')
        self.assertEqual(['id', 'links'], sorted(flavor))
        self.assertEqual('2', flavor['id'])

    def test_embedded_from_2_47(self):
        expected = {'original_name': 'm1.small', 'vcpus': 1, 'ram': 2048,
                    'disk': 20, 'ephemeral': 0, 'swap': 512,
                    'extra_specs': {'hw:cpu_policy': 'shared'}}
        self.assertEqual(expected, self._flavor('2.47'))
        listed = self.get(SERVERS + '/detail', at('2.47')).json['servers']
        self.assertEqual(expected, listed[0]['flavor'])
        updated = self.put(SERVERS + '/' + self.server_id, {
            'server': {'name': 'renamed'}}, at('2.47')).json['server']
        self.assertEqual(expected, updated['flavor'])

    def test_a_copy_made_at_create_time(self):
        self.delete('/v2.1/flavors/2/os-extra_specs/hw:cpu_policy',
                    fakes.ADMIN)
        self.assertEqual({'hw:cpu_policy': 'shared'},
                         self._flavor('2.47')['extra_specs'])

    def test_extra_specs_follow_the_index_policy(self):
        enforcer = policy.get_enforcer()
        enforcer.load_rules()
        enforcer.set_rules(oslo_policy.Rules.from_dict({
            'os_compute_api:os-flavor-extra-specs:index': 'role:admin'}),
            overwrite=False, use_conf=False)
        self.addCleanup(policy.reset)
        self.assertNotIn('extra_specs', self._flavor('2.47'))
        self.assertIn('extra_specs', self._flavor('2.47', fakes.ADMIN))


class ActionEventsTest(fakes.APITestCase):
    """2.51: members see the events of an action; tracebacks stay
    admin-only."""

    def test_events_from_2_51(self):
        server_id = self.create_server()
        url, request_id = self.record_build_event(
            server_id, 'Error', traceback='boom')
        old = self.get(url + '/' + request_id, at('2.50')).json
        self.assertNotIn('events', old['instanceAction'])
        new = self.get(url + '/' + request_id, at('2.51')).json
        (event,) = new['instanceAction']['events']
        self.assertNotIn('traceback', event)
        admin = self.get(url + '/' + request_id, at('2.50', fakes.ADMIN))
        (event,) = admin.json['instanceAction']['events']
        self.assertIn('traceback', event)


class TagsAtCreateTest(fakes.APITestCase):
    """2.52: ``tags`` at create."""

    def test_tags_from_2_52(self):
        body = server(networks='auto', tags=['a', 'b', 'a'])
        self.assertFault(self.post(SERVERS, body, at('2.51')), 400,
                         'badRequest', "'tags' was unexpected")
        resp = self.post(SERVERS, body, at('2.52'))
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        server_id = resp.json['server']['id']
        self.assertEqual(['a', 'b'], sorted(self.get(
            SERVERS + '/' + server_id, at('2.52')).json['server']['tags']))
        listed = self.get(SERVERS + '?tags=a', at('2.52')).json['servers']
        self.assertEqual([server_id], [s['id'] for s in listed])

    def test_bad_tags(self):
        for tags in (['x/y'], ['a,b'], [''], ['t%d' % i for i in range(51)],
                     'a'):
            self.assertFault(self.post(SERVERS, server(
                networks='auto', tags=tags), at('2.52')), 400, 'badRequest',
                'server/tags')


class ServicesByUuidTest(fakes.APITestCase):
    """2.53: services are named by uuid."""

    def setUp(self):
        super().setUp()
        self.ids = test_services.register_services(self)

    def _listed(self, version, host='node1', binary='nova-compute'):
        services = self.get('/v2.1/os-services', at(version, fakes.ADMIN))
        return [s for s in services.json['services']
                if (s['host'], s['binary']) == (host, binary)][0]

    def test_ids_are_uuids_from_2_53(self):
        self.assertEqual(self.ids[('node1', 'nova-lite-compute')],
                         self._listed('2.52')['id'])
        self.assertTrue(uuidutils.is_uuid_like(self._listed('2.53')['id']))

    def test_update_by_uuid(self):
        uuid = self._listed('2.53')['id']
        url = '/v2.1/os-services/' + uuid
        admin = at('2.53', fakes.ADMIN)
        self.assertFault(self.put(url, {'status': 'disabled'},
                                  at('2.52', fakes.ADMIN)), 404,
                         'itemNotFound')
        resp = self.put(url, {'status': 'disabled',
                              'disabled_reason': 'maintenance'}, admin)
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        self.assertEqual(self._listed('2.53'), resp.json['service'])
        self.assertEqual(('disabled', 'maintenance'), (
            resp.json['service']['status'],
            resp.json['service']['disabled_reason']))
        resp = self.put(url, {'status': 'enabled', 'forced_down': True},
                        admin)
        self.assertEqual(('enabled', None, True, 'down'), tuple(
            resp.json['service'][k] for k in (
                'status', 'disabled_reason', 'forced_down', 'state')))

    def test_bad_updates(self):
        uuid = self._listed('2.53')['id']
        admin = at('2.53', fakes.ADMIN)
        for body, part in (({}, 'no updates'),
                           ({'disabled_reason': 'x'}, 'disabled_reason'),
                           ({'status': 'enabled', 'disabled_reason': 'x'},
                            'disabled_reason'),
                           ({'status': 'off'}, 'status'),
                           ({'host': 'node1'}, 'host')):
            self.assertFault(self.put('/v2.1/os-services/' + uuid, body,
                                      admin), 400, 'badRequest', part)
        self.assertFault(self.put('/v2.1/os-services/1', {
            'status': 'enabled'}, admin), 400, 'badRequest', 'uuid')
        self.assertFault(self.put(
            '/v2.1/os-services/' + uuidutils.generate_uuid(),
            {'status': 'enabled'}, admin), 404, 'itemNotFound')
        conductor = self._listed('2.53', 'ctl', 'nova-conductor')['id']
        self.assertFault(self.put('/v2.1/os-services/' + conductor, {
            'status': 'disabled'}, admin), 400, 'badRequest',
            'only nova-compute')
        self.assertFault(self.put('/v2.1/os-services/' + uuid, {
            'status': 'disabled'}, at('2.53')), 403, 'forbidden')

    def test_old_routes_gone_from_2_53(self):
        for path, body in (('enable', {}), ('disable', {}),
                           ('disable-log-reason', {'disabled_reason': 'x'}),
                           ('force-down', {'forced_down': True})):
            body.update(host='node1', binary='nova-compute')
            self.assertFault(self.put('/v2.1/os-services/' + path, body,
                                      at('2.53', fakes.ADMIN)), 404,
                             'itemNotFound')
            resp = self.put('/v2.1/os-services/' + path, body,
                            at('2.52', fakes.ADMIN))
            self.assertEqual(200, resp.status_code, resp.get_data(True))

    def test_delete_by_uuid(self):
        admin = at('2.53', fakes.ADMIN)
        uuid = self._listed('2.53', 'ctl', 'nova-scheduler')['id']
        scheduler_id = self.ids[('ctl', 'nova-lite-scheduler')]
        self.assertFault(self.delete('/v2.1/os-services/%d' % scheduler_id,
                                     admin), 400, 'badRequest', 'uuid')
        self.assertEqual(204, self.delete('/v2.1/os-services/' + uuid,
                                          admin).status_code)
        self.assertFault(self.delete('/v2.1/os-services/' + uuid, admin),
                         404, 'itemNotFound')


class HypervisorsByUuidTest(test_hypervisors._HypervisorsTestCase):
    """2.53: hypervisors are named by uuid; pattern and with_servers."""

    def _get(self, path, version='2.53'):
        return self.get('/v2.1/os-hypervisors' + path,
                        at(version, fakes.ADMIN))

    def test_ids_and_show(self):
        old = self._get('', '2.52').json['hypervisors']
        self.assertEqual([self.nodes['node1']['id'],
                          self.nodes['node2']['id']], [h['id'] for h in old])
        new = self._get('').json['hypervisors']
        self.assertEqual([self.nodes['node1']['uuid'],
                          self.nodes['node2']['uuid']],
                         [h['id'] for h in new])
        shown = self._get('/' + new[0]['id']).json['hypervisor']
        self.assertEqual('node1.example.org', shown['hypervisor_hostname'])
        self.assertTrue(uuidutils.is_uuid_like(shown['service']['id']))
        self.assertFault(self._get('/%d' % old[0]['id']), 400, 'badRequest',
                         'uuid')
        self.assertFault(self._get('/' + uuidutils.generate_uuid()), 404,
                         'itemNotFound')
        self.assertFault(self._get('/' + new[0]['id'], '2.52'), 404,
                         'itemNotFound')

    def test_paging_by_uuid_marker(self):
        first = self._get('?limit=1').json
        self.assertEqual(1, len(first['hypervisors']))
        marker = first['hypervisors'][0]['id']
        self.assertIn('marker=' + marker,
                      first['hypervisors_links'][0]['href'])
        rest = self._get('?marker=' + marker).json['hypervisors']
        self.assertEqual([self.nodes['node2']['uuid']],
                         [h['id'] for h in rest])

    def test_pattern_and_with_servers(self):
        server_id = self.create_server()
        self.set_instance(server_id, host='node2', node='node2.example.org')
        found = self._get('?hypervisor_hostname_pattern=node2').json
        self.assertEqual(['node2.example.org'], [
            h['hypervisor_hostname'] for h in found['hypervisors']])
        self.assertNotIn('servers', found['hypervisors'][0])
        detail = self._get('/detail?hypervisor_hostname_pattern=node2'
                           '&with_servers=true').json['hypervisors']
        self.assertEqual([server_id], [s['uuid']
                                       for s in detail[0]['servers']])
        self.assertIn('vcpus', detail[0])
        listed = self._get('?with_servers=1').json['hypervisors']
        self.assertNotIn('servers', listed[0])
        self.assertEqual([server_id], [s['uuid']
                                       for s in listed[1]['servers']])
        shown = self._get('/%s?with_servers=true' % detail[0]['id']).json
        self.assertEqual(server_id,
                         shown['hypervisor']['servers'][0]['uuid'])
        self.assertFault(self._get('?hypervisor_hostname_pattern=nomatch'),
                         404, 'itemNotFound')
        self.assertFault(self._get('?hypervisor_hostname_pattern=node'
                                   '&limit=1'), 400, 'badRequest', 'paging')
        self.assertFault(self._get('?with_servers=maybe'), 400,
                         'badRequest', 'with_servers')
        old = self._get('?hypervisor_hostname_pattern=node2&with_servers=1',
                        '2.52').json['hypervisors']
        self.assertEqual(2, len(old))
        self.assertNotIn('servers', old[1])

    def test_search_and_servers_gone(self):
        for path in ('/node1/search', '/node1/servers'):
            self.assertEqual(200, self._get(path, '2.52').status_code)
            self.assertFault(self._get(path), 404, 'itemNotFound')


class FlavorDescriptionTest(fakes.APITestCase):
    """2.55: flavor descriptions."""

    def test_create_update_show(self):
        admin = at('2.55', fakes.ADMIN)
        body = {'flavor': {'name': 'd1', 'ram': 64, 'vcpus': 1, 'disk': 1,
                           'id': 'd1', 'description': 'small\nflavor'}}
        self.assertFault(self.post('/v2.1/flavors', body,
                                   at('2.54', fakes.ADMIN)), 400,
                         'badRequest', "'description' was unexpected")
        created = self.post('/v2.1/flavors', body, admin)
        self.assertEqual(200, created.status_code, created.get_data(True))
        self.assertEqual('small\nflavor',
                         created.json['flavor']['description'])
        listed = self.get('/v2.1/flavors', at('2.55')).json['flavors']
        self.assertEqual({'1': None, '2': None, 'd1': 'small\nflavor'},
                         {f['id']: f['description'] for f in listed})
        self.assertNotIn('description', self.get(
            '/v2.1/flavors/d1', at('2.54')).json['flavor'])
        update = {'flavor': {'description': 'tiny'}}
        self.assertFault(self.put('/v2.1/flavors/d1', update,
                                  at('2.54', fakes.ADMIN)), 404,
                         'itemNotFound')
        self.assertFault(self.put('/v2.1/flavors/d1', update, at('2.55')),
                         403, 'forbidden')
        resp = self.put('/v2.1/flavors/d1', update, admin)
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        self.assertEqual('tiny', self.get('/v2.1/flavors/d1', at(
            '2.55')).json['flavor']['description'])
        cleared = self.put('/v2.1/flavors/d1', {'flavor': {
            'description': None}}, admin).json['flavor']
        self.assertIsNone(cleared['description'])
        for bad in ({'flavor': {}}, {'flavor': {'description': 'a\x01'}},
                    {'flavor': {'description': 'x' * 65536}},
                    {'flavor': {'description': 'x', 'name': 'y'}}):
            self.assertFault(self.put('/v2.1/flavors/d1', bad, admin), 400,
                             'badRequest')
        self.assertFault(self.put('/v2.1/flavors/nope', update, admin), 404,
                         'itemNotFound')

    def test_not_in_the_embedded_flavor(self):
        server_id = self.create_server()
        flavor = self.get(SERVERS + '/' + server_id,
                          at('2.55')).json['server']['flavor']
        self.assertNotIn('description', flavor)


class PersonalityGoneTest(fakes.APITestCase):
    """2.57: limits and quota sets lose the file injection resources;
    personality is a 400 at every version (never supported)."""

    INJECTED = {'injected_files', 'injected_file_content_bytes',
                'injected_file_path_bytes'}

    def test_limits(self):
        gone = {'maxPersonality', 'maxPersonalitySize'}
        old = self.get('/v2.1/limits', at('2.56')).json['limits']
        self.assertLessEqual(gone, set(old['absolute']))
        new = self.get('/v2.1/limits', at('2.57')).json['limits']
        self.assertEqual(set(), gone & set(new['absolute']))

    def test_quota_sets(self):
        path = '/v2.1/os-quota-sets/%s' % fakes.PROJECT
        for suffix in ('', '/detail', '/defaults'):
            old = self.get(path + suffix, at('2.56', fakes.ADMIN)).json
            self.assertLessEqual(self.INJECTED, set(old['quota_set']))
            new = self.get(path + suffix, at('2.57', fakes.ADMIN)).json
            self.assertEqual(set(), self.INJECTED & set(new['quota_set']))
        body = {'quota_set': {'injected_files': 3}}
        self.assertEqual(200, self.put(path, body, at(
            '2.56', fakes.ADMIN)).status_code)
        self.assertFault(self.put(path, body, at('2.57', fakes.ADMIN)), 400,
                         'badRequest', 'injected_files')

    def test_personality(self):
        for version in ('2.1', '2.57'):
            self.assertFault(self.post(SERVERS, server(
                networks='auto', personality=[
                    {'path': '/etc/motd', 'contents': 'aGk='}]),
                at(version)), 400, 'badRequest', 'personality')


class ActionPagingTest(fakes.APITestCase):
    """2.58: instance actions paged and filtered; updated_at shown."""

    def setUp(self):
        super().setUp()
        self.server_id = self.create_server()
        self.set_instance(self.server_id, vm_state='active', host='node1',
                          task_state=None, power_state=1)
        self.url = SERVERS + '/%s/os-instance-actions' % self.server_id
        for action in ('stop', 'start'):
            resp = self.post(SERVERS + '/%s/action' % self.server_id,
                             {'os-' + action: None})
            self.assertEqual(202, resp.status_code, resp.get_data(True))
            self.set_instance(self.server_id, task_state=None,
                              vm_state='stopped' if action == 'stop'
                              else 'active')

    def test_paging(self):
        old = self.get(self.url + '?limit=1', at('2.57')).json
        self.assertEqual(3, len(old['instanceActions']))
        self.assertNotIn('updated_at', old['instanceActions'][0])
        first = self.get(self.url + '?limit=2', at('2.58')).json
        self.assertEqual(['start', 'stop'], [
            a['action'] for a in first['instanceActions']])
        self.assertTrue(first['instanceActions'][0]['updated_at'])
        marker = first['instanceActions'][1]['request_id']
        self.assertIn('marker=' + marker, first['links'][0]['href'])
        rest = self.get(self.url + '?marker=' + marker, at('2.58')).json
        self.assertEqual(['create'], [a['action']
                                      for a in rest['instanceActions']])
        self.assertNotIn('links', rest)
        shown = self.get(self.url + '/' + marker, at('2.58')).json
        self.assertIn('updated_at', shown['instanceAction'])

    def test_changes_since(self):
        listed = self.get(self.url, at('2.58')).json['instanceActions']
        since = listed[0]['updated_at']
        found = self.get(self.url + '?changes-since=' + since,
                         at('2.58')).json['instanceActions']
        self.assertIn(listed[0]['request_id'],
                      [a['request_id'] for a in found])
        self.assertEqual([], self.get(
            self.url + '?changes-since=2999-01-01T00:00:00Z',
            at('2.58')).json['instanceActions'])

    def test_bad_queries(self):
        for query, part in (('?marker=req-unknown', 'marker'),
                            ('?limit=-1', 'limit'),
                            ('?changes-since=yesterday', 'changes-since'),
                            ('?foo=1', 'foo'),
                            ('?changes-before=2020-01-01T00:00:00Z',
                             'changes-before')):
            self.assertFault(self.get(self.url + query, at('2.58')), 400,
                             'badRequest', part)
        self.assertEqual(200, self.get(self.url + '?foo=1',
                                       at('2.57')).status_code)
