"""``/v2.1/flavors`` (compute API reference, "Flavors", microversion
2.1) through the full WSGI pipeline."""
from nova_lite.db import flavors as flavor_db
from tests.unit.api import fakes

FLAVORS = '/v2.1/flavors'
DETAIL_KEYS = {'id', 'name', 'links', 'ram', 'disk', 'vcpus',
               'OS-FLV-EXT-DATA:ephemeral', 'OS-FLV-DISABLED:disabled',
               'swap', 'rxtx_factor', 'os-flavor-access:is_public'}


class ListShowTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        flavor_db.flavor_create(self.api.admin_context, {
            'flavorid': '3', 'name': 'private.big', 'memory_mb': 8192,
            'vcpus': 4, 'root_gb': 80, 'is_public': False})

    def ids(self, query='', headers=None):
        resp = self.get(FLAVORS + '/detail' + query, headers)
        self.assertEqual(200, resp.status_code, resp.json)
        return [f['id'] for f in resp.json['flavors']]

    def test_index(self):
        resp = self.get(FLAVORS)
        self.assertEqual(['flavors'], list(resp.json))
        self.assertEqual([{'id': '1', 'name': 'm1.tiny', 'links': [
            {'rel': 'self', 'href': 'http://localhost/v2.1/flavors/1'},
            {'rel': 'bookmark', 'href': 'http://localhost/flavors/1'}]}],
            resp.json['flavors'][:1])
        self.assertEqual(['1', '2'], [f['id'] for f in resp.json['flavors']])

    def test_detail_fields(self):
        flavors = self.get(FLAVORS + '/detail').json['flavors']
        self.assertEqual(DETAIL_KEYS, set(flavors[0]))
        tiny, small = flavors
        self.assertEqual((512, 1, 1, 0, '', 1.0, True, False), (
            tiny['ram'], tiny['disk'], tiny['vcpus'],
            tiny['OS-FLV-EXT-DATA:ephemeral'], tiny['swap'],
            tiny['rxtx_factor'], tiny['os-flavor-access:is_public'],
            tiny['OS-FLV-DISABLED:disabled']))
        self.assertEqual(512, small['swap'])

    def test_show(self):
        resp = self.get(FLAVORS + '/2')
        self.assertEqual(200, resp.status_code)
        self.assertEqual(DETAIL_KEYS, set(resp.json['flavor']))
        self.assertEqual('m1.small', resp.json['flavor']['name'])
        for flavor_id in ('99', 'm1.tiny', 'a%20b'):
            self.assertFault(self.get(FLAVORS + '/' + flavor_id), 404,
                             'itemNotFound')

    def test_filters(self):
        self.assertEqual(['2'], self.ids('?minRam=1024'))
        self.assertEqual(['2'], self.ids('?minDisk=2'))
        self.assertEqual(['1', '2'], self.ids('?minDisk=0'))
        for query in ('?minRam=big', '?minDisk=-1', '?limit=x'):
            self.assertFault(self.get(FLAVORS + query), 400, 'badRequest')

    def test_is_public(self):
        # openstacksdk sends the string None; users see public flavors.
        self.assertEqual(['1', '2'], self.ids('?is_public=None'))
        self.assertEqual(['1', '2'], self.ids('?is_public=false'))
        self.assertEqual(['1', '2', '3'],
                         self.ids('?is_public=None', fakes.ADMIN))
        self.assertEqual(['3'], self.ids('?is_public=false', fakes.ADMIN))
        self.assertEqual(['1', '2'], self.ids('', fakes.ADMIN))
        self.assertFault(self.get(FLAVORS + '?is_public=perhaps',
                                  fakes.ADMIN), 400, 'badRequest')

    def test_pagination(self):
        resp = self.get(FLAVORS + '?limit=1')
        self.assertEqual(['1'], [f['id'] for f in resp.json['flavors']])
        self.assertEqual('http://localhost/v2.1/flavors?limit=1&marker=1',
                         resp.json['flavors_links'][0]['href'])
        self.assertEqual(['2'], self.ids('?marker=1'))
        self.assertFault(self.get(FLAVORS + '?marker=77'), 400, 'badRequest',
                         'marker')


class ManageTest(fakes.APITestCase):

    BODY = {'flavor': {'name': 'm1.large', 'ram': 4096, 'vcpus': 2,
                       'disk': 40, 'OS-FLV-EXT-DATA:ephemeral': 5,
                       'swap': 1024, 'rxtx_factor': 2.0,
                       'os-flavor-access:is_public': False}}

    def test_admin_creates(self):
        resp = self.post(FLAVORS, self.BODY, headers=fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        flavor = resp.json['flavor']
        self.assertEqual(DETAIL_KEYS, set(flavor))
        self.assertEqual((4096, 2, 40, 5, 1024, 2.0, False), (
            flavor['ram'], flavor['vcpus'], flavor['disk'],
            flavor['OS-FLV-EXT-DATA:ephemeral'], flavor['swap'],
            flavor['rxtx_factor'], flavor['os-flavor-access:is_public']))
        stored = flavor_db.flavor_get_by_flavorid(self.api.admin_context,
                                                  flavor['id'])
        self.assertEqual('m1.large', stored['name'])
        self.assertEqual(36, len(flavor['id']))

    def test_given_id_and_digit_strings(self):
        resp = self.post(FLAVORS, {'flavor': {
            'name': 'str', 'id': 'custom.1', 'ram': '256', 'vcpus': '1',
            'disk': '0'}}, headers=fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(('custom.1', 256), (resp.json['flavor']['id'],
                                             resp.json['flavor']['ram']))

    def test_members_cannot_manage(self):
        self.assertFault(self.post(FLAVORS, self.BODY), 403, 'forbidden',
                         'os-flavor-manage:create')
        self.assertFault(self.delete(FLAVORS + '/1'), 403, 'forbidden')
        self.assertEqual(200, self.get(FLAVORS + '/1').status_code)

    def test_duplicates_conflict(self):
        self.assertEqual(200, self.post(FLAVORS, self.BODY,
                                        headers=fakes.ADMIN).status_code)
        self.assertFault(self.post(FLAVORS, self.BODY, headers=fakes.ADMIN),
                         409, 'conflictingRequest', 'm1.large')
        body = {'flavor': dict(self.BODY['flavor'], name='other', id='1')}
        self.assertFault(self.post(FLAVORS, body, headers=fakes.ADMIN), 409,
                         'conflictingRequest')

    def test_bad_bodies(self):
        good = self.BODY['flavor']
        for change in ({'ram': 0}, {'vcpus': -1}, {'disk': -1},
                       {'ram': '1.5'}, {'ram': 2 ** 31}, {'name': ''},
                       {'name': 'x' * 256}, {'id': ' lead'}, {'id': 'a/b'},
                       {'rxtx_factor': 0}, {'rxtx_factor': '0'},
                       {'swap': 'lots'}, {'extra': 1},
                       {'os-flavor-access:is_public': 'perhaps'}):
            body = {'flavor': dict(good, **change)}
            self.assertFault(self.post(FLAVORS, body, headers=fakes.ADMIN),
                             400, 'badRequest')
        for missing in ('name', 'ram', 'vcpus', 'disk'):
            body = {'flavor': {k: v for k, v in good.items()
                               if k != missing}}
            self.assertFault(self.post(FLAVORS, body, headers=fakes.ADMIN),
                             400, 'badRequest', missing)
        ids = [f['id'] for f in self.get(FLAVORS + '?is_public=None',
                                         fakes.ADMIN).json['flavors']]
        self.assertEqual(['1', '2'], ids)

    def test_admin_deletes(self):
        resp = self.delete(FLAVORS + '/2', headers=fakes.ADMIN)
        self.assertEqual(202, resp.status_code)
        self.assertFault(self.get(FLAVORS + '/2'), 404, 'itemNotFound')
        self.assertFault(self.delete(FLAVORS + '/2', headers=fakes.ADMIN),
                         404, 'itemNotFound')
