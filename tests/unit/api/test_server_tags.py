"""Microversion 2.26: server tags (compute API reference, "Server tags
(servers, tags)"): the routes from 2.26, ``tags`` in show and detail, and
the list filters tags, tags-any, not-tags, not-tags-any."""
from nova_lite.api import microversion
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.db import tags as tag_db
from tests.unit.api import fakes


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


V = at('2.26')


class ServerTagsTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.active_server()
        self.tags = '/v2.1/servers/%s/tags' % self.server_id

    def active_server(self, headers=None):
        server_id = self.create_server(headers)
        self.set_instance(server_id, vm_state=states.ACTIVE,
                          task_state=None)
        return server_id

    def test_routes_404_before_2_26(self):
        for method in ('GET', 'PUT', 'DELETE'):
            self.assertFault(self.api.request(
                method, self.tags + '/a', headers=at('2.25')), 404,
                'itemNotFound')
        self.assertFault(self.get(self.tags, at('2.25')), 404,
                         'itemNotFound')
        self.assertFault(self.put(self.tags, {'tags': ['a']}, at('2.25')),
                         404, 'itemNotFound')

    def test_add_check_list_delete(self):
        resp = self.api.request('PUT', self.tags + '/red', headers=V)
        self.assertEqual(201, resp.status_code, resp.get_data(True))
        self.assertTrue(resp.headers['Location'].endswith(
            '/v2.1/servers/%s/tags/red' % self.server_id))
        self.assertEqual(204, self.api.request(
            'PUT', self.tags + '/red', headers=V).status_code)
        self.assertEqual(204, self.get(self.tags + '/red', V).status_code)
        self.assertFault(self.get(self.tags + '/blue', V), 404,
                         'itemNotFound')
        self.assertEqual({'tags': ['red']}, self.get(self.tags, V).json)
        resp = self.put(self.tags, {'tags': ['b', 'a', 'b']}, V)
        self.assertEqual((200, {'tags': ['a', 'b']}),
                         (resp.status_code, resp.json))
        self.assertEqual(204, self.delete(self.tags + '/a', V).status_code)
        self.assertFault(self.delete(self.tags + '/a', V), 404,
                         'itemNotFound')
        self.assertEqual(204, self.delete(self.tags, V).status_code)
        self.assertEqual({'tags': []}, self.get(self.tags, V).json)

    def test_bad_tags_and_the_limit(self):
        for bad in ('a,b', 'x' * 61):
            self.assertFault(self.api.request('PUT', self.tags + '/' + bad,
                                              headers=V), 400, 'badRequest')
            self.assertFault(self.put(self.tags, {'tags': [bad]}, V), 400,
                             'badRequest')
        self.assertFault(self.put(self.tags, {'tags': ['']}, V), 400,
                         'badRequest')
        self.assertFault(self.put(self.tags, {'tags': [
            't%d' % n for n in range(51)]}, V), 400, 'badRequest')
        self.assertEqual(200, self.put(self.tags, {'tags': [
            't%d' % n for n in range(50)]}, V).status_code)
        self.assertFault(self.api.request('PUT', self.tags + '/one-more',
                                          headers=V), 400, 'badRequest')

    def test_not_found_and_conflict(self):
        other = self.active_server(fakes.OTHER)
        self.assertFault(self.get('/v2.1/servers/%s/tags' % other, V), 404,
                         'itemNotFound')
        building = self.create_server()
        self.assertFault(self.api.request(
            'PUT', '/v2.1/servers/%s/tags/a' % building, headers=V), 409,
            'conflictingRequest')
        self.assertEqual({'tags': []}, self.get(
            '/v2.1/servers/%s/tags' % building, V).json)

    def test_tags_in_show_and_detail(self):
        self.put(self.tags, {'tags': ['web']}, V)
        path = '/v2.1/servers/' + self.server_id
        self.assertNotIn('tags', self.get(path, at('2.25')).json['server'])
        self.assertEqual(['web'], self.get(path, V).json['server']['tags'])
        listed = self.get('/v2.1/servers/detail', V).json['servers']
        self.assertEqual([['web']], [s['tags'] for s in listed])
        self.assertNotIn('tags', self.get('/v2.1/servers/detail', at(
            '2.25')).json['servers'][0])

    def test_list_filters(self):
        servers = {'rg': self.server_id, 'r': self.active_server(),
                   'none': self.active_server()}
        self.put(self.tags, {'tags': ['red', 'green']}, V)
        self.put('/v2.1/servers/%s/tags' % servers['r'], {'tags': ['red']},
                 V)
        names = {v: k for k, v in servers.items()}

        def listed(query, version='2.26'):
            resp = self.get('/v2.1/servers?' + query, at(version))
            self.assertEqual(200, resp.status_code, resp.get_data(True))
            return sorted(names[s['id']] for s in resp.json['servers'])

        self.assertEqual(['rg'], listed('tags=red,green'))
        self.assertEqual(['r', 'rg'], listed('tags=red'))
        self.assertEqual(['r', 'rg'], listed('tags-any=green,red'))
        self.assertEqual(['none', 'r'], listed('not-tags=red,green'))
        self.assertEqual(['none'], listed('not-tags-any=red,blue'))
        self.assertEqual(['r'], listed('tags=red&not-tags=green'))
        self.assertEqual(['none', 'r', 'rg'], listed('tags=red,green',
                                                     '2.25'))

    def test_destroy_deletes_the_tags(self):
        self.put(self.tags, {'tags': ['a']}, V)
        instance_db.instance_destroy(self.api.admin_context, self.server_id)
        self.assertEqual({self.server_id: []}, tag_db.tags_get(
            self.api.admin_context, [self.server_id]))
