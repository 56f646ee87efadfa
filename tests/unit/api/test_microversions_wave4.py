"""Microversions 2.61 to 2.80: each change before and after its version
(compute API reference, REST API version history)."""

import fixtures
from oslo_policy import policy as oslo_policy
from oslo_utils import uuidutils

from nova_lite.api import microversion
from nova_lite.db import services as service_db
from nova_lite import policy
from tests.unit.api import fakes
from tests.unit.api import test_microversions_wave3 as wave3
from tests.unit.api import test_hypervisors

SERVERS = '/v2.1/servers'
at = wave3.at
server = wave3.server


class FlavorExtraSpecsTest(fakes.APITestCase):
    """2.61: extra_specs in the detailed flavor bodies."""

    def setUp(self):
        super().setUp()
        self.post('/v2.1/flavors/2/os-extra_specs', {
            'extra_specs': {'hw:numa_nodes': '1'}}, fakes.ADMIN)

    def test_from_2_61(self):
        self.assertNotIn('extra_specs', self.get(
            '/v2.1/flavors/2', at('2.60')).json['flavor'])
        self.assertEqual({'hw:numa_nodes': '1'}, self.get(
            '/v2.1/flavors/2', at('2.61')).json['flavor']['extra_specs'])
        listed = self.get('/v2.1/flavors/detail', at('2.61')).json
        self.assertEqual({'1': {}, '2': {'hw:numa_nodes': '1'}}, {
            f['id']: f['extra_specs'] for f in listed['flavors']})
        self.assertNotIn('extra_specs', self.get(
            '/v2.1/flavors', at('2.61')).json['flavors'][0])
        created = self.post('/v2.1/flavors', {'flavor': {
            'name': 'x', 'ram': 64, 'vcpus': 1, 'disk': 0}},
            at('2.61', fakes.ADMIN)).json['flavor']
        self.assertEqual({}, created['extra_specs'])

    def test_follow_the_index_policy(self):
        enforcer = policy.get_enforcer()
        enforcer.load_rules()
        enforcer.set_rules(oslo_policy.Rules.from_dict({
            'os_compute_api:os-flavor-extra-specs:index': 'role:admin'}),
            overwrite=False, use_conf=False)
        self.addCleanup(policy.reset)
        self.assertNotIn('extra_specs', self.get(
            '/v2.1/flavors/2', at('2.61')).json['flavor'])
        self.assertIn('extra_specs', self.get(
            '/v2.1/flavors/2', at('2.61', fakes.ADMIN)).json['flavor'])


class EventHostTest(fakes.APITestCase):
    """2.62: events show hostId, and host to admins."""

    def test_host_and_host_id(self):
        server_id = self.create_server()
        url, request_id = self.record_build_event(
            server_id, 'Success')
        old = self.get(url + '/' + request_id, at('2.61', fakes.ADMIN))
        self.assertNotIn('hostId', old.json['instanceAction']['events'][0])
        member = self.get(url + '/' + request_id, at('2.62')).json
        (event,) = member['instanceAction']['events']
        self.assertNotIn('host', event)
        self.set_instance(server_id, host='node1')
        shown = self.get(SERVERS + '/' + server_id, at('2.62')).json
        self.assertEqual(shown['server']['hostId'], event['hostId'])
        admin = self.get(url + '/' + request_id, at('2.62', fakes.ADMIN))
        (event,) = admin.json['instanceAction']['events']
        self.assertEqual(('node1', shown['server']['hostId']),
                         (event['host'], event['hostId']))


class TrustedCertsRefusedTest(fakes.APITestCase):
    """2.63 is refused: trusted_image_certificates stays a 400."""

    def test_create(self):
        for version in ('2.62', str(microversion.MAX_VERSION)):
            self.assertFault(self.post(SERVERS, server(
                networks='auto', trusted_image_certificates=['cert-1']),
                at(version)), 400, 'badRequest',
                'trusted_image_certificates')


class ServerGroupRulesTest(fakes.APITestCase):
    """2.64: policy and rules."""

    GROUPS = '/v2.1/os-server-groups'

    def test_policy_and_rules(self):
        body = {'server_group': {'name': 'g', 'policy': 'anti-affinity',
                                 'rules': {'max_server_per_host': 3}}}
        self.assertFault(self.post(self.GROUPS, body, at('2.63')), 400,
                         'badRequest')
        created = self.post(self.GROUPS, body, at('2.64'))
        self.assertEqual(200, created.status_code, created.get_data(True))
        group = created.json['server_group']
        self.assertEqual(('anti-affinity', {'max_server_per_host': 3}),
                         (group['policy'], group['rules']))
        self.assertNotIn('policies', group)
        self.assertNotIn('metadata', group)
        old = self.get(self.GROUPS + '/' + group['id'], at('2.63')).json
        self.assertEqual(['anti-affinity'], old['server_group']['policies'])
        self.assertNotIn('rules', old['server_group'])
        listed = self.get(self.GROUPS, at('2.64')).json['server_groups']
        self.assertEqual({'max_server_per_host': 3}, listed[0]['rules'])
        plain = self.post(self.GROUPS, {'server_group': {
            'name': 'h', 'policy': 'affinity'}}, at('2.64')).json
        self.assertEqual({}, plain['server_group']['rules'])

    def test_bad_bodies(self):
        for group in ({'name': 'g', 'policies': ['affinity']},
                      {'name': 'g', 'policy': 'affinity',
                       'rules': {'max_server_per_host': 2}},
                      {'name': 'g', 'policy': 'anti-affinity',
                       'rules': {'max_server_per_host': 0}},
                      {'name': 'g', 'policy': 'anti-affinity',
                       'rules': {'other': 1}},
                      {'name': 'g', 'policy': 'most-affinity'}):
            self.assertFault(self.post(self.GROUPS, {'server_group': group},
                                       at('2.64')), 400, 'badRequest')


class ChangesBeforeTest(fakes.APITestCase):
    """2.66: changes-before on server lists and instance actions."""

    def test_servers(self):
        server_id = self.create_server()
        for path in (SERVERS, SERVERS + '/detail'):
            found = self.get(path + '?changes-before=2999-01-01T00:00:00Z',
                             at('2.66')).json['servers']
            self.assertEqual([server_id], [s['id'] for s in found])
            self.assertEqual([], self.get(
                path + '?changes-before=2000-01-01T00:00:00Z',
                at('2.66')).json['servers'])
            # Ignored before 2.66.
            self.assertEqual(1, len(self.get(
                path + '?changes-before=2000-01-01T00:00:00Z',
                at('2.65')).json['servers']))
        self.assertFault(self.get(
            SERVERS + '?changes-since=2020-01-02T00:00:00Z'
            '&changes-before=2020-01-01T00:00:00Z', at('2.66')), 400,
            'badRequest', 'changes-before')
        self.assertFault(self.get(SERVERS + '?changes-before=soon',
                                  at('2.66')), 400, 'badRequest',
                         'changes-before')

    def test_instance_actions(self):
        server_id = self.create_server()
        url = SERVERS + '/%s/os-instance-actions' % server_id
        self.assertFault(self.get(
            url + '?changes-before=2000-01-01T00:00:00Z', at('2.65')), 400,
            'badRequest', 'changes-before')
        self.assertEqual([], self.get(
            url + '?changes-before=2000-01-01T00:00:00Z',
            at('2.66')).json['instanceActions'])
        self.assertEqual(1, len(self.get(
            url + '?changes-before=2999-01-01T00:00:00Z',
            at('2.66')).json['instanceActions']))


class Refused65To70Test(fakes.APITestCase):

    def test_2_67_volume_type(self):
        # Before 2.67 the schema refuses it; from 2.67 an unknown type
        # is a 400 of its own (compute/test_boot_from_volume).
        self.assertFault(self.post(SERVERS, server(
            networks='auto', block_device_mapping_v2=[{
                'uuid': fakes.IMAGE_UUID, 'boot_index': 0,
                'source_type': 'image', 'destination_type': 'volume',
                'volume_size': 1, 'volume_type': 'ssd'}]), at('2.66')),
            400, 'badRequest', 'volume_type')
        self.assertFault(self.post(SERVERS, server(
            networks='auto', block_device_mapping_v2=[{
                'uuid': fakes.IMAGE_UUID, 'boot_index': 0,
                'source_type': 'image', 'destination_type': 'volume',
                'volume_size': 1, 'volume_type': 'ssd'}]),
            at(str(microversion.MAX_VERSION))),
            400, 'badRequest', 'Volume type ssd could not be found')

    def test_2_68_evacuate_and_live_migrate(self):
        server_id = self.create_server()
        for body in ({'evacuate': {'host': 'node2', 'force': True}},
                     {'os-migrateLive': {'host': 'node2', 'force': True,
                                         'block_migration': 'auto'}}):
            self.assertFault(self.post(
                SERVERS + '/%s/action' % server_id, body,
                at(str(microversion.MAX_VERSION), fakes.ADMIN)), 400,
                'badRequest')

    def test_2_69_complete_bodies(self):
        server_id = self.create_server()
        listed = self.get(SERVERS + '/detail', at('2.69')).json['servers']
        self.assertEqual(self.get(SERVERS + '/' + server_id, at(
            '2.69')).json['server']['status'], listed[0]['status'])
        self.assertIn('flavor', listed[0])


class ServerGroupsInShowTest(fakes.APITestCase):
    """2.71: server_groups in show and update."""

    def test_server_groups(self):
        group = self.post('/v2.1/os-server-groups', {'server_group': {
            'name': 'g', 'policies': ['affinity']}}).json['server_group']
        resp = self.post(SERVERS, dict(server(networks='auto'), **{
            'os:scheduler_hints': {'group': group['id']}}), at('2.71'))
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        member = resp.json['server']['id']
        lone = self.create_server()
        self.assertNotIn('server_groups', self.get(
            SERVERS + '/' + member, at('2.70')).json['server'])
        self.assertEqual([group['id']], self.get(
            SERVERS + '/' + member, at('2.71')).json['server'][
            'server_groups'])
        self.assertEqual([], self.get(SERVERS + '/' + lone, at(
            '2.71')).json['server']['server_groups'])
        updated = self.put(SERVERS + '/' + member, {'server': {
            'name': 'x'}}, at('2.71')).json['server']
        self.assertEqual([group['id']], updated['server_groups'])
        listed = self.get(SERVERS + '/detail', at('2.71')).json['servers']
        self.assertNotIn('server_groups', listed[0])


class LockReasonTest(fakes.APITestCase):
    """2.73: locked_reason and the locked filter."""

    def setUp(self):
        super().setUp()
        self.server_id = self.create_server()
        self.set_instance(self.server_id, vm_state='active', host='node1',
                          task_state=None)
        self.action = SERVERS + '/%s/action' % self.server_id

    def _shown(self, version='2.73'):
        return self.get(SERVERS + '/' + self.server_id,
                        at(version)).json['server']

    def test_reason(self):
        body = {'lock': {'locked_reason': 'audit'}}
        self.assertFault(self.post(self.action, body, at('2.72')), 400,
                         'badRequest', 'locked_reason')
        self.assertIsNone(self._shown()['locked_reason'])
        self.assertEqual(202, self.post(self.action, body,
                                        at('2.73')).status_code)
        self.assertEqual((True, 'audit'), (self._shown()['locked'],
                                           self._shown()['locked_reason']))
        self.assertNotIn('locked_reason', self._shown('2.72'))
        listed = self.get(SERVERS + '/detail', at('2.73')).json['servers']
        self.assertEqual('audit', listed[0]['locked_reason'])
        self.post(self.action, {'unlock': None}, at('2.73'))
        self.assertEqual((False, None), (self._shown()['locked'],
                                         self._shown()['locked_reason']))
        self.post(self.action, {'lock': None}, at('2.73'))
        self.assertEqual((True, None), (self._shown()['locked'],
                                        self._shown()['locked_reason']))
        for bad in ({'lock': {'locked_reason': 'x' * 256}},
                    {'lock': {'reason': 'x'}}):
            self.assertFault(self.post(self.action, bad, at('2.73')), 400,
                             'badRequest')

    def test_locked_filter(self):
        other = self.create_server()
        self.post(self.action, {'lock': None}, at('2.73'))
        for path in (SERVERS, SERVERS + '/detail'):
            locked = self.get(path + '?locked=true', at('2.73')).json
            self.assertEqual([self.server_id],
                             [s['id'] for s in locked['servers']])
            unlocked = self.get(path + '?locked=0', at('2.73')).json
            self.assertEqual([other], [s['id'] for s in unlocked['servers']])
            self.assertEqual(2, len(self.get(path + '?locked=true', at(
                '2.72')).json['servers']))
        self.assertFault(self.get(SERVERS + '?locked=maybe', at('2.73')),
                         400, 'badRequest', 'locked')


class RequestedDestinationTest(test_hypervisors._HypervisorsTestCase):
    """2.74: host and hypervisor_hostname at create (admins)."""

    def _spec_of_build(self, resp):
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        return self.casts[-1]

    def setUp(self):
        super().setUp()
        self.casts = []
        from nova_lite.conductor import rpcapi as conductor_rpcapi
        self.useFixture(fixtures.MockPatchObject(
            conductor_rpcapi.ConductorAPI, 'build_instances',
            lambda _self, _ctx, instances, spec: self.casts.append(spec)))

    def test_destination(self):
        admin = at('2.74', fakes.ADMIN)
        spec = self._spec_of_build(self.post(SERVERS, server(
            networks='auto', host='node1'), admin))
        self.assertEqual(('node1', None),
                         (spec.requested_host, spec.requested_node))
        spec = self._spec_of_build(self.post(SERVERS, server(
            networks='auto', host='node2',
            hypervisor_hostname='node2.example.org'), admin))
        self.assertEqual(('node2', 'node2.example.org'),
                         (spec.requested_host, spec.requested_node))
        spec = self._spec_of_build(self.post(SERVERS, server(
            networks='auto'), admin))
        self.assertEqual((None, None),
                         (spec.requested_host, spec.requested_node))

    def test_refusals(self):
        admin = at('2.74', fakes.ADMIN)
        self.assertFault(self.post(SERVERS, server(
            networks='auto', host='node1'), at('2.73', fakes.ADMIN)), 400,
            'badRequest', "'host' was unexpected")
        self.assertFault(self.post(SERVERS, server(
            networks='auto', host='node1'), at('2.74')), 403, 'forbidden')
        for fields in ({'host': 'node9'},
                       {'hypervisor_hostname': 'node9.example.org'},
                       {'host': 'node1',
                        'hypervisor_hostname': 'node2.example.org'}):
            self.assertFault(self.post(SERVERS, server(
                networks='auto', **fields), admin), 400, 'badRequest',
                'no compute node matches')
        self.assertFault(self.post(SERVERS, server(
            networks='auto', host='bad host'), admin), 400, 'badRequest',
            'server/host')


class StrictQueriesTest(fakes.APITestCase):
    """2.75: unknown query parameters are a 400; consistent bodies."""

    def test_every_strict_rule_is_a_route(self):
        from nova_lite.api import wsgi
        from nova_lite.api.schemas import queries
        app = wsgi.create_flask_app(fakes.CONF)
        routes = {(method, rule.rule) for rule in app.url_map.iter_rules()
                  for method in rule.methods}
        self.assertEqual(set(), set(queries.STRICT) - routes)

    def test_unknown_parameters(self):
        server_id = self.create_server()
        self.post('/v2.1/os-keypairs', {'keypair': {'name': 'k'}})
        for path, headers in (
                (SERVERS, fakes.MEMBER), (SERVERS + '/detail', fakes.MEMBER),
                ('/v2.1/flavors', fakes.MEMBER),
                ('/v2.1/flavors/detail', fakes.MEMBER),
                ('/v2.1/os-keypairs', fakes.MEMBER),
                ('/v2.1/os-keypairs/k', fakes.MEMBER),
                ('/v2.1/limits', fakes.MEMBER),
                ('/v2.1/os-quota-sets/' + fakes.PROJECT, fakes.ADMIN),
                ('/v2.1/os-quota-sets/%s/detail' % fakes.PROJECT,
                 fakes.ADMIN),
                ('/v2.1/os-server-groups', fakes.MEMBER),
                ('/v2.1/os-services', fakes.ADMIN),
                ('/v2.1/os-simple-tenant-usage', fakes.ADMIN),
                ('/v2.1/os-simple-tenant-usage/' + fakes.PROJECT,
                 fakes.MEMBER)):
            old = self.get(path + '?bogus=1', at('2.74', headers))
            self.assertEqual(200, old.status_code, (path, old.json))
            self.assertFault(self.get(path + '?bogus=1', at('2.75', headers)),
                             400, 'badRequest', 'bogus')
        known = self.get(SERVERS + '?name=web&status=BUILD&limit=5&'
                         'sort_key=display_name&all_tenants=0', at('2.75'))
        self.assertEqual([server_id], [s['id'] for s in known.json['servers']])
        usage = self.get('/v2.1/os-simple-tenant-usage?detailed=1&limit=5'
                         '&start=2020-01-01T00:00:00',
                         at('2.75', fakes.ADMIN))
        self.assertEqual(200, usage.status_code, usage.json)

    def test_update_answers_the_whole_server(self):
        server_id = self.create_server()
        old = self.put(SERVERS + '/' + server_id, {'server': {'name': 'a'}},
                       at('2.74')).json['server']
        self.assertNotIn('OS-EXT-STS:vm_state', old)
        new = self.put(SERVERS + '/' + server_id, {'server': {'name': 'b'}},
                       at('2.75')).json['server']
        shown = self.get(SERVERS + '/' + server_id, at('2.75')).json['server']
        self.assertEqual(set(shown), set(new))
        self.assertEqual('b', new['name'])

    def test_flavor_swap_is_an_integer(self):
        self.assertEqual('', self.get('/v2.1/flavors/1', at(
            '2.74')).json['flavor']['swap'])
        self.assertEqual(0, self.get('/v2.1/flavors/1', at(
            '2.75')).json['flavor']['swap'])
        self.assertEqual(512, self.get('/v2.1/flavors/2', at(
            '2.75')).json['flavor']['swap'])


class HypervisorServersAlwaysTest(test_hypervisors._HypervisorsTestCase):
    """2.75: with_servers always gives ``servers``."""

    def test_empty_servers(self):
        for version, expected in (('2.74', False), ('2.75', True)):
            listed = self.get('/v2.1/os-hypervisors?with_servers=true',
                              at(version, fakes.ADMIN)).json['hypervisors']
            self.assertEqual(expected, 'servers' in listed[0])
        listed = self.get('/v2.1/os-hypervisors', at(
            '2.75', fakes.ADMIN)).json['hypervisors']
        self.assertNotIn('servers', listed[0])


class TopologyTest(fakes.APITestCase):
    """2.78: GET /servers/{id}/topology."""

    def test_topology(self):
        server_id = self.create_server()
        url = SERVERS + '/%s/topology' % server_id
        self.assertFault(self.get(url, at('2.77')), 404, 'itemNotFound')
        resp = self.get(url, at('2.78'))
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        self.assertEqual({'nodes': [], 'pagesize_kb': None}, resp.json)
        self.assertFault(self.get(url, at('2.78', fakes.OTHER)), 404,
                         'itemNotFound')
        self.assertEqual(200, self.get(url, at('2.78',
                                               fakes.ADMIN)).status_code)
        self.assertFault(self.get(
            SERVERS + '/%s/topology' % uuidutils.generate_uuid(),
            at('2.78')), 404, 'itemNotFound')

    def test_refused_2_76_2_77_2_79(self):
        server_id = self.create_server()
        version = at(str(microversion.MAX_VERSION), fakes.ADMIN)
        self.assertFault(self.post('/v2.1/os-server-external-events', {
            'events': [{'name': 'power-update', 'server_uuid': server_id,
                        'tag': 'POWER_OFF'}]}, version), 404, 'itemNotFound')
        # 2.77 is implemented: a server that is not shelved is a 409.
        self.assertFault(self.post(SERVERS + '/%s/action' % server_id, {
            'unshelve': {'availability_zone': 'nova'}}, version), 409,
            'conflictingRequest')
        # 2.79 is implemented (tests/unit/compute/test_volume_attach.py):
        # a server still building takes no volume, 409.
        self.assertFault(self.post(
            SERVERS + '/%s/os-volume_attachments' % server_id,
            {'volumeAttachment': {'volumeId': uuidutils.generate_uuid(),
                                  'delete_on_termination': True}}, version),
            409, 'conflictingRequest')


class AggregateImagesTest(fakes.APITestCase):
    """2.81: POST /os-aggregates/{id}/images."""

    def setUp(self):
        super().setUp()
        self.casts = []
        from nova_lite.compute import rpcapi as compute_rpcapi
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'cache_images',
            lambda _self, _ctx, host, ids: self.casts.append((host, ids))))
        admin = at('2.81', fakes.ADMIN)
        self.agg = self.post('/v2.1/os-aggregates', {'aggregate': {
            'name': 'rack'}}, admin).json['aggregate']
        self.url = '/v2.1/os-aggregates/%s/images' % self.agg['id']

    def test_cache(self):
        admin = at('2.81', fakes.ADMIN)
        body = {'cache': [{'id': fakes.IMAGE_UUID}]}
        self.assertFault(self.post(self.url, body, at('2.80', fakes.ADMIN)),
                         404, 'itemNotFound')
        resp = self.post(self.url, body, admin)
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        self.assertEqual([], self.casts)    # no host yet
        for host in ('node1', 'node2'):
            service_db.service_register(self.api.admin_context, host,
                                        'nova-lite-compute',
                                        'nova-lite-compute')
            self.post('/v2.1/os-aggregates/%s/action' % self.agg['id'],
                      {'add_host': {'host': host}}, admin)
        self.assertEqual(202, self.post(self.url, body, admin).status_code)
        self.assertEqual([('node1', [fakes.IMAGE_UUID]),
                          ('node2', [fakes.IMAGE_UUID])], self.casts)

    def test_refusals(self):
        admin = at('2.81', fakes.ADMIN)
        body = {'cache': [{'id': fakes.IMAGE_UUID}]}
        self.assertFault(self.post(self.url, body, at('2.81')), 403,
                         'forbidden')
        self.assertFault(self.post('/v2.1/os-aggregates/999/images', body,
                                   admin), 404, 'itemNotFound')
        for bad in ({'cache': []}, {'cache': [{'id': 'x'}]},
                    {'cache': [{'id': fakes.IMAGE_UUID, 'x': 1}]}, {}):
            self.assertFault(self.post(self.url, bad, admin), 400,
                             'badRequest')
        self.assertFault(self.post(self.url, {'cache': [{
            'id': uuidutils.generate_uuid()}]}, admin), 400, 'badRequest',
            'could not be found')


class MemberFiltersTest(fakes.APITestCase):
    """2.83: members may use the state filters (admins always)."""

    def test_filters(self):
        building = self.create_server(name='b')
        active = self.create_server(name='a')
        self.set_instance(active, vm_state='active', power_state=1,
                          host='node1', task_state=None)
        for query, expected in (
                ('vm_state=active', [active]),
                ('vm_state=building', [building]),
                ('power_state=1', [active]),
                ('progress=100', [active]), ('progress=0', [building]),
                ('progress=50', []),
                ('task_state=scheduling', [building]),
                ('user_id=%s' % fakes.USER, [active, building]),
                ('user_id=nobody', []),
                ('config_drive=true', []),
                ('config_drive=false', [active, building]),
                ('availability_zone=elsewhere', [])):
            found = self.get(SERVERS + '?' + query, at('2.83')).json
            self.assertEqual(sorted(expected),
                             sorted(s['id'] for s in found['servers']),
                             query)
            # Members' filters are ignored before 2.83; admins' are not.
            old = self.get(SERVERS + '?' + query, at('2.82')).json
            self.assertEqual(2, len(old['servers']), query)
            admin = self.get(SERVERS + '?all_tenants=1&' + query,
                             at('2.82', fakes.ADMIN)).json
            self.assertEqual(sorted(expected),
                             sorted(s['id'] for s in admin['servers']),
                             query)
        self.assertFault(self.get(SERVERS + '?power_state=on', at('2.83')),
                         400, 'badRequest', 'power_state')


class EventDetailsTest(fakes.APITestCase):
    """2.84: events show details (the fault message)."""

    def test_details(self):
        server_id = self.create_server()
        url, request_id = self.record_build_event(
            server_id, 'Error', details='No valid host was found.')
        old = self.get(url + '/' + request_id, at('2.83')).json
        self.assertNotIn('details', old['instanceAction']['events'][0])
        new = self.get(url + '/' + request_id, at('2.84')).json
        self.assertEqual('No valid host was found.',
                         new['instanceAction']['events'][0]['details'])

    def test_2_85_put_naming_another_volume_is_a_swap(self):
        """A PUT whose volumeId differs from the path's is a swap: an
        unknown volume in the path is a 404 (the update itself:
        tests/unit/compute/test_volume_attach.py, UpdateTest)."""
        server_id = self.create_server()
        resp = self.put(
            SERVERS + '/%s/os-volume_attachments/%s' % (
                server_id, uuidutils.generate_uuid()),
            {'volumeAttachment': {'volumeId': uuidutils.generate_uuid(),
                                  'delete_on_termination': True}},
            at(str(microversion.MAX_VERSION), fakes.ADMIN))
        self.assertEqual(404, resp.status_code)


class TrustedCertsViewTest(fakes.APITestCase):
    """2.63: server bodies show trusted_image_certificates, always null
    (nova_lite verifies no signatures; create with certificates is a
    400)."""

    def test_null_from_2_63(self):
        server_id = self.create_server()
        path = SERVERS + '/' + server_id
        self.assertNotIn('trusted_image_certificates',
                         self.get(path, at('2.62')).json['server'])
        self.assertIsNone(self.get(path, at('2.63')).json['server'][
            'trusted_image_certificates'])
        listed = self.get(SERVERS + '/detail', at('2.104')).json['servers']
        self.assertIsNone(listed[0]['trusted_image_certificates'])
