"""Microversions 2.86 to 2.104 outside servers (extra specs, hypervisors,
key pairs, flavors, query parameters, refused versions): each change
before and after its version (compute API reference, REST API version
history)."""
import base64

import fixtures

from nova_lite.api import versions_history
from nova_lite import exception
from tests.unit.api import fakes
from tests.unit.api import test_hypervisors
from tests.unit.api import test_microversions_wave3 as wave3

at = wave3.at
EXTRA = '/v2.1/flavors/2/os-extra_specs'
HYPERVISORS = test_hypervisors.HYPERVISORS


def public_key(seed=1):
    """An OpenSSH ed25519 public key line."""
    blob = b'\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20' + bytes(
        [seed]) * 32
    return 'ssh-ed25519 ' + base64.b64encode(blob).decode()


class ExtraSpecValidationTest(fakes.APITestCase):
    """2.86: create and update validate the known namespaces."""

    def admin(self, version):
        return at(version, fakes.ADMIN)

    def test_before_2_86_anything_is_stored(self):
        resp = self.post(EXTRA, {'extra_specs': {
            'hw:cpu_policy': 'pinned', 'hw:no_such_key': 'x'}},
            self.admin('2.85'))
        self.assertEqual(200, resp.status_code, resp.json)
        resp = self.put(EXTRA + '/hw:numa_nodes', {'hw:numa_nodes': '0'},
                        self.admin('2.85'))
        self.assertEqual(200, resp.status_code, resp.json)

    def test_from_2_86_bad_values_and_keys_are_400(self):
        for specs, part in (({'hw:cpu_policy': 'pinned'}, 'hw:cpu_policy'),
                            ({'hw:no_such_key': 'x'}, 'hw:no_such_key'),
                            ({'quota:disk_read_bytes_sec': '-1'},
                             'quota:disk_read_bytes_sec')):
            self.assertFault(self.post(EXTRA, {'extra_specs': specs},
                                       self.admin('2.86')),
                             400, 'badRequest', part)
        self.assertFault(self.put(EXTRA + '/hw:numa_nodes',
                                  {'hw:numa_nodes': '0'},
                                  self.admin('2.86')),
                         400, 'badRequest', 'minimum')
        self.assertEqual({}, self.get(EXTRA, fakes.ADMIN).json[
            'extra_specs'])

    def test_from_2_86_valid_and_foreign_keys_are_stored(self):
        specs = {'hw:cpu_policy': 'dedicated', 'hw_rng:allowed': True,
                 'quota:cpu_quota': -1, 'site:rack': 'r12',
                 'aggregate_instance_extra_specs:ssd': 'true'}
        resp = self.post(EXTRA, {'extra_specs': specs}, self.admin('2.86'))
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'hw:cpu_policy': 'dedicated',
                          'hw_rng:allowed': 'true', 'quota:cpu_quota': '-1',
                          'site:rack': 'r12',
                          'aggregate_instance_extra_specs:ssd': 'true'},
                         resp.json['extra_specs'])
        resp = self.put(EXTRA + '/hw:numa_nodes', {'hw:numa_nodes': 2},
                        self.admin('2.104'))
        self.assertEqual({'hw:numa_nodes': '2'}, resp.json)


class HypervisorsV288Test(test_hypervisors._HypervisorsTestCase):
    """2.88: the detail has uptime instead of the resource figures;
    statistics and uptime answer 404."""

    LINE = ' 10:00:00 up 2 days'

    def setUp(self):
        super().setUp()
        self.calls = []
        self.answer = self.LINE

        def get_host_uptime(rpcapi, context, host):
            self.calls.append(host)
            if isinstance(self.answer, Exception):
                raise self.answer
            return self.answer

        self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.api.API.get_host_uptime', get_host_uptime))

    def path(self, host):
        return '%s/%s' % (HYPERVISORS, self.nodes[host]['uuid'])

    def test_detail_before_and_from_2_88(self):
        old = self.get(self.path('node1'), at('2.87', fakes.ADMIN)).json
        self.assertEqual(test_hypervisors.DETAIL_KEYS,
                         set(old['hypervisor']))
        self.assertEqual([], self.calls)
        new = self.get(self.path('node1'), at('2.88', fakes.ADMIN)).json
        self.assertEqual({'id', 'hypervisor_hostname', 'state', 'status',
                          'hypervisor_type', 'hypervisor_version',
                          'host_ip', 'service', 'uptime'},
                         set(new['hypervisor']))
        self.assertEqual(self.LINE, new['hypervisor']['uptime'])
        self.assertEqual(['node1'], self.calls)

    def test_list_detail_uptime_null_when_down_or_unsupported(self):
        self.answer = exception.NotSupportedByDriver(operation='uptime',
                                                     host='node1')
        listed = self.get(HYPERVISORS + '/detail',
                          at('2.88', fakes.ADMIN)).json['hypervisors']
        self.assertEqual({'node1.example.org': None,
                          'node2.example.org': None},
                         {h['hypervisor_hostname']: h['uptime']
                          for h in listed})
        # node2's compute is down: it is not asked.
        self.assertEqual(['node1'], self.calls)
        self.assertNotIn('vcpus', listed[0])

    def test_statistics_and_uptime_routes_end_at_2_87(self):
        for path in ('/statistics', '/%s/uptime'
                     % self.nodes['node1']['uuid']):
            self.assertEqual(200, self.get(HYPERVISORS + path, at(
                '2.87', fakes.ADMIN)).status_code)
            self.assertEqual(404, self.get(HYPERVISORS + path, at(
                '2.88', fakes.ADMIN)).status_code)


class KeypairsV292Test(fakes.APITestCase):
    """2.92: public_key required; '@' and '.' allowed in names."""

    def create(self, version, **keypair):
        return self.post('/v2.1/os-keypairs', {'keypair': keypair},
                         at(version))

    def test_generation_until_2_91(self):
        resp = self.create('2.91', name='gen')
        self.assertEqual(201, resp.status_code, resp.json)
        self.assertIn('private_key', resp.json['keypair'])
        self.assertFault(self.create('2.92', name='gen2'), 400,
                         'badRequest', 'public_key')

    def test_import_and_names(self):
        self.assertFault(self.create('2.91', name='me@host.example',
                                     public_key=public_key()),
                         400, 'badRequest', 'name')
        resp = self.create('2.92', name='me@host.example',
                           public_key=public_key())
        self.assertEqual(201, resp.status_code, resp.json)
        self.assertNotIn('private_key', resp.json['keypair'])
        shown = self.get('/v2.1/os-keypairs/me@host.example', at('2.92'))
        self.assertEqual(public_key(), shown.json['keypair']['public_key'])
        self.assertFault(self.create('2.92', name='a/b',
                                     public_key=public_key(2)),
                         400, 'badRequest')


class FlavorsV2102Test(fakes.APITestCase):
    """2.102: name filter, no rxtx_factor nor OS-FLV-DISABLED:disabled,
    unknown query parameters refused everywhere."""

    def test_fields(self):
        old = self.get('/v2.1/flavors/1', at('2.101')).json['flavor']
        self.assertEqual(1.0, old['rxtx_factor'])
        self.assertFalse(old['OS-FLV-DISABLED:disabled'])
        new = self.get('/v2.1/flavors/1', at('2.102')).json['flavor']
        self.assertNotIn('rxtx_factor', new)
        self.assertNotIn('OS-FLV-DISABLED:disabled', new)

    def test_create_without_rxtx_factor(self):
        body = {'flavor': {'name': 'f', 'ram': 64, 'vcpus': 1, 'disk': 0,
                           'rxtx_factor': 2.0}}
        self.assertEqual(200, self.post('/v2.1/flavors', body, at(
            '2.101', fakes.ADMIN)).status_code)
        body['flavor']['name'] = 'g'
        self.assertFault(self.post('/v2.1/flavors', body,
                                   at('2.102', fakes.ADMIN)),
                         400, 'badRequest', 'rxtx_factor')

    def test_name_filter(self):
        names = [f['name'] for f in self.get(
            '/v2.1/flavors?name=small', at('2.102')).json['flavors']]
        self.assertEqual(['m1.small'], names)
        names = [f['name'] for f in self.get(
            '/v2.1/flavors/detail?name=%5Em1%5C.', at('2.102')).json[
                'flavors']]
        self.assertEqual(['m1.tiny', 'm1.small'], names)
        self.assertFault(self.get('/v2.1/flavors?name=small', at('2.101')),
                         400, 'badRequest', 'name')
        self.assertFault(self.get('/v2.1/flavors?name=(', at('2.102')),
                         400, 'badRequest', 'regular expression')

    def test_unknown_query_parameters(self):
        for path in ('/v2.1/os-aggregates?x=1',
                     '/v2.1/os-availability-zone?x=1',
                     '/v2.1/flavors/1?x=1'):
            self.assertEqual(200, self.get(path, at(
                '2.101', fakes.ADMIN)).status_code, path)
            self.assertFault(self.get(path, at('2.102', fakes.ADMIN)),
                             400, 'badRequest', 'x')
        for path in ('/v2.1/os-migrations?status=done&limit=1',
                     '/v2.1/openapi.json?microversion=2.102'):
            self.assertEqual(200, self.get(path, at(
                '2.102', fakes.ADMIN)).status_code, path)


class RefusedVersionsTest(fakes.APITestCase):
    """Refused rows keep their documented errors at the maximum."""

    def test_rows(self):
        refused = {row.version for row in versions_history.refused()}
        self.assertTrue({'2.87', '2.97'} <= refused)
        self.assertNotIn('2.93', refused)   # volume-backed rebuild
        # Volume attachments exist (tests/unit/api/test_volume_attachments)
        self.assertNotIn('2.89', refused)
        self.assertNotIn('2.101', refused)
        self.assertNotIn('2.95', refused)     # evacuate exists
        self.assertNotIn('2.91', refused)
        self.assertNotIn('2.99', refused)
        self.assertEqual('2.104', versions_history.MAX)

    def test_errors_at_the_maximum(self):
        server_id = self.create_server(networks='none', headers=at('2.37'))
        base = '/v2.1/servers/' + server_id
        self.assertEqual(404, self.get(base + '/shares',
                                       at('2.104')).status_code)
        self.assertEqual(200, self.get(base + '/os-volume_attachments',
                                       at('2.104')).status_code)
        # 2.85's update of an attachment exists: a PUT without a body
        # is a 400.
        self.assertEqual(400, self.put(
            base + '/os-volume_attachments/' + server_id, {},
            at('2.104')).status_code)
        self.assertEqual(404, self.get('/v2.1/os-volumes_boot',
                                       at('2.104')).status_code)
        # evacuate exists (tests/unit/compute/test_evacuate.py); a
        # forced one is refused from 2.68.
        self.assertFault(self.post(base + '/action', {'evacuate': {
            'force': True}}, at('2.104', fakes.ADMIN)), 400, 'badRequest')
