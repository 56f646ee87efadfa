"""Flavor extra specs and flavor access (compute API reference,
"Flavors extra-specs", "Flavors access"; 2.7 for the public flavor
409)."""
from nova_lite.api import microversion
from tests.unit.api import fakes

SPECS = '/v2.1/flavors/1/os-extra_specs'


def _at(version, headers=fakes.ADMIN):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


class ExtraSpecsTest(fakes.APITestCase):

    def test_empty_then_set_show_update_delete(self):
        self.assertEqual({'extra_specs': {}}, self.get(SPECS).json)
        resp = self.post(SPECS, {'extra_specs': {'hw:cpu_policy': 'shared',
                                                 'quota:cpu_shares': 10,
                                                 'x:flag': True}},
                         fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        self.assertEqual({'hw:cpu_policy': 'shared',
                          'quota:cpu_shares': '10', 'x:flag': 'true'},
                         resp.json['extra_specs'])
        self.assertEqual(resp.json, self.get(SPECS).json)
        self.assertEqual({'hw:cpu_policy': 'shared'},
                         self.get(SPECS + '/hw:cpu_policy').json)
        resp = self.put(SPECS + '/hw:cpu_policy',
                        {'hw:cpu_policy': 'dedicated'}, fakes.ADMIN)
        self.assertEqual({'hw:cpu_policy': 'dedicated'}, resp.json)
        self.assertEqual(200, self.delete(SPECS + '/x:flag',
                                          fakes.ADMIN).status_code)
        self.assertFault(self.get(SPECS + '/x:flag'), 404, 'itemNotFound')
        self.assertFault(self.delete(SPECS + '/x:flag', fakes.ADMIN), 404,
                         'itemNotFound')

    def test_admin_only_writes_and_bad_bodies(self):
        self.assertFault(self.post(SPECS, {'extra_specs': {'a': 'b'}}), 403,
                         'forbidden')
        self.assertFault(self.put(SPECS + '/a', {'b': 'c'}, fakes.ADMIN),
                         400, 'badRequest', 'mismatch')
        self.assertFault(self.post(SPECS, {'extra_specs': {'a/b': 'c'}},
                                   fakes.ADMIN), 400, 'badRequest')
        self.assertFault(self.get('/v2.1/flavors/nope/os-extra_specs'), 404,
                         'itemNotFound')


class FlavorAccessTest(fakes.APITestCase):

    def _private(self):
        resp = self.post('/v2.1/flavors', {'flavor': {
            'name': 'secret', 'id': 'p1', 'ram': 64, 'vcpus': 1, 'disk': 0,
            'os-flavor-access:is_public': False}}, fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(True))
        return '/v2.1/flavors/p1'

    def test_private_flavor_visible_with_access(self):
        flavor = self._private()
        self.assertFault(self.get(flavor), 404, 'itemNotFound')
        ids = [f['id'] for f in self.get('/v2.1/flavors').json['flavors']]
        self.assertNotIn('p1', ids)
        resp = self.post(flavor + '/action', {'addTenantAccess': {
            'tenant': fakes.PROJECT}}, fakes.ADMIN)
        self.assertEqual({'flavor_access': [{'flavor_id': 'p1',
                                             'tenant_id': fakes.PROJECT}]},
                         resp.json)
        self.assertEqual(200, self.get(flavor).status_code)
        ids = [f['id'] for f in self.get('/v2.1/flavors').json['flavors']]
        self.assertIn('p1', ids)
        self.assertFault(self.get(flavor, fakes.OTHER), 404, 'itemNotFound')
        self.assertEqual(resp.json, self.get(flavor + '/os-flavor-access',
                                             fakes.ADMIN).json)
        self.assertFault(self.post(flavor + '/action', {'addTenantAccess': {
            'tenant': fakes.PROJECT}}, fakes.ADMIN), 409,
            'conflictingRequest')
        resp = self.post(flavor + '/action', {'removeTenantAccess': {
            'tenant': fakes.PROJECT}}, fakes.ADMIN)
        self.assertEqual({'flavor_access': []}, resp.json)
        self.assertFault(self.get(flavor), 404, 'itemNotFound')
        self.assertFault(self.post(flavor + '/action', {
            'removeTenantAccess': {'tenant': fakes.PROJECT}}, fakes.ADMIN),
            404, 'itemNotFound')

    def test_access_needs_admin(self):
        flavor = self._private()
        self.assertFault(self.get(flavor + '/os-flavor-access'), 403,
                         'forbidden')
        self.assertFault(self.post(flavor + '/action', {'addTenantAccess': {
            'tenant': 'x'}}), 403, 'forbidden')

    def test_public_flavor(self):
        self.assertFault(self.get('/v2.1/flavors/1/os-flavor-access',
                                  fakes.ADMIN), 404, 'itemNotFound',
                         'public flavors')
        body = {'addTenantAccess': {'tenant': 'x'}}
        if microversion.MAX_VERSION >= microversion.parse('2.7'):
            self.assertFault(self.post('/v2.1/flavors/1/action', body,
                                       _at('2.7')), 409,
                             'conflictingRequest', 'public flavor')
        resp = self.post('/v2.1/flavors/1/action', body, _at('2.1'))
        self.assertEqual(200, resp.status_code)
