"""Version documents (compute API reference, "API Versions") through the
whole WSGI pipeline: served without a token, 200, request id header."""
from nova_lite.api import microversion
from nova_lite.db import actions as action_db
from tests.unit.api import fakes


class VersionsTest(fakes.APITestCase):

    def test_root_lists_major_versions_without_auth(self):
        resp = self.get('/', headers={})
        self.assertEqual(200, resp.status_code)
        self.assertTrue(resp.headers['x-openstack-request-id'].startswith(
            'req-'))
        versions = {v['id']: v for v in resp.json['versions']}
        self.assertEqual({'v2.0', 'v2.1'}, set(versions))
        self.assertEqual({'id': 'v2.0', 'status': 'SUPPORTED', 'version': '',
                          'min_version': '', 'updated': '2011-01-21T11:33:21Z',
                          'links': [{'rel': 'self',
                                     'href': 'http://localhost/v2/'}]},
                         versions['v2.0'])
        v21 = versions['v2.1']
        self.assertEqual('CURRENT', v21['status'])
        self.assertEqual('2.1', v21['min_version'])
        self.assertEqual(str(microversion.MAX_VERSION), v21['version'])
        self.assertEqual([{'rel': 'self', 'href': 'http://localhost/v2.1/'}],
                         v21['links'])
        self.assertNotIn('media-types', v21)

    def _assert_v21_document(self, resp):
        self.assertEqual(200, resp.status_code)
        doc = resp.json['version']
        self.assertEqual('v2.1', doc['id'])
        self.assertEqual('CURRENT', doc['status'])
        self.assertEqual('2.1', doc['min_version'])
        self.assertEqual(
            [{'base': 'application/json',
              'type': 'application/vnd.openstack.compute+json;version=2.1'}],
            doc['media-types'])
        self.assertEqual(['self', 'describedby'],
                         [link['rel'] for link in doc['links']])
        self.assertEqual('compute 2.1', resp.headers['OpenStack-API-Version'])

    def test_v21_document_with_and_without_slash(self):
        self._assert_v21_document(self.get('/v2.1', headers={}))
        self._assert_v21_document(self.get('/v2.1/', headers={}))

    def test_v21_document_with_credentials(self):
        self._assert_v21_document(self.get('/v2.1/'))

    def test_v20_document(self):
        for path in ('/v2', '/v2/'):
            resp = self.get(path, headers={})
            self.assertEqual(200, resp.status_code)
            self.assertEqual('v2.0', resp.json['version']['id'])
            self.assertEqual('SUPPORTED', resp.json['version']['status'])

    def test_links_use_public_endpoint(self):
        self.api.conf.config(public_endpoint='https://cloud.example:8774/',
                             group='api')
        resp = self.get('/', headers={})
        hrefs = [v['links'][0]['href'] for v in resp.json['versions']]
        self.assertEqual(['https://cloud.example:8774/v2/',
                          'https://cloud.example:8774/v2.1/'], hrefs)

    def test_other_paths_need_credentials(self):
        resp = self.get('/v2.1/servers', headers={})
        self.assertFault(resp, 401, 'unauthorized')
        self.assertIn('x-openstack-request-id', resp.headers)

    def test_unknown_path_is_item_not_found(self):
        resp = self.get('/v2.1/no-such-thing')
        self.assertFault(resp, 404, 'itemNotFound')
        self.assertIn('x-openstack-request-id', resp.headers)

    def test_context_request_id_is_the_response_header(self):
        resp = self.post('/v2.1/servers', {'server': {
            'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}})
        self.assertEqual(202, resp.status_code)
        actions = action_db.actions_get(self.api.admin_context,
                                        resp.json['server']['id'])
        self.assertEqual([resp.headers['x-openstack-request-id']],
                         [a.request_id for a in actions])

    def test_inbound_global_request_id_is_not_the_local_one(self):
        resp = self.get('/v2.1/servers', headers=dict(
            fakes.MEMBER, **{'X-OpenStack-Request-ID':
                             'req-11111111-2222-3333-4444-555555555555'}))
        self.assertEqual(200, resp.status_code)
        self.assertNotEqual('req-11111111-2222-3333-4444-555555555555',
                            resp.headers['x-openstack-request-id'])
