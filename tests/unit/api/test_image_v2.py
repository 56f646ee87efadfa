"""The image API at ``/image`` (a Glance image API v2 subset: versions,
images, image data) through the full WSGI pipeline."""
import hashlib
import json

import jsonschema
import testtools

from nova_lite.api import image as image_endpoint
from nova_lite.api.schemas import image as image_schemas
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes
from tests.unit.api import test_schemas_meta

IMAGES = '/image/v2/images'
PATCH = image_endpoint.PATCH_MEDIA_TYPE
IMAGE_KEYS = {'id', 'name', 'status', 'visibility', 'protected',
              'checksum', 'size', 'disk_format', 'container_format',
              'min_disk', 'min_ram', 'owner', 'created_at', 'updated_at',
              'tags', 'self', 'file', 'schema', 'os_hidden',
              'os_hash_algo', 'os_hash_value', 'virtual_size'}
JSON = dict(fakes.MEMBER, Accept='application/json')


def headers(base, **extra):
    return dict(base, **extra)


class ImageAPITestCase(fakes.APITestCase):

    def create(self, headers=None, **image):
        resp = self.post(IMAGES, image, headers)
        self.assertEqual(201, resp.status_code, resp.data)
        return resp.json

    def upload(self, image_id, data, headers=None):
        return self.api.request('PUT', '%s/%s/file' % (IMAGES, image_id),
                                headers=headers, raw=data,
                                content_type='application/octet-stream')

    def patch(self, image_id, ops, headers=None):
        return self.api.request('PATCH', '%s/%s' % (IMAGES, image_id),
                                headers=headers, raw=json.dumps(ops),
                                content_type=PATCH)

    def assertGlanceError(self, resp, code, message_part=None):
        self.assertEqual(code, resp.status_code, resp.data)
        if resp.mimetype == 'application/json':
            body = resp.json
            self.assertEqual({'message', 'code', 'title'}, set(body))
            self.assertTrue(body['code'].startswith(str(code)))
            text = body['message']
        else:
            self.assertEqual('text/plain', resp.mimetype)
            text = resp.get_data(as_text=True)
            self.assertTrue(text.startswith(str(code)))
        if message_part:
            self.assertIn(message_part, text)


class VersionsTest(ImageAPITestCase):

    def test_versions_without_token(self):
        for path in ('/image', '/image/'):
            resp = self.get(path, headers={})
            self.assertEqual(300, resp.status_code)
            versions = resp.json['versions']
            self.assertEqual(['v2.1', 'v2.0'], [v['id'] for v in versions])
            self.assertEqual('CURRENT', versions[0]['status'])
            self.assertEqual([{'rel': 'self',
                               'href': 'http://localhost/image/v2/'}],
                             versions[0]['links'])

    def test_images_need_a_token(self):
        self.assertEqual(401, self.get(IMAGES, headers={}).status_code)


class ListShowTest(ImageAPITestCase):

    def setUp(self):
        super().setUp()
        self.private = self.create(name='mine', visibility='private',
                                   disk_format='raw',
                                   container_format='bare')
        self.theirs = self.create(fakes.OTHER, name='theirs',
                                  visibility='private')
        self.community = self.create(fakes.OTHER, name='comm',
                                     visibility='community')

    def names(self, query='', headers=None):
        resp = self.get(IMAGES + query, headers)
        self.assertEqual(200, resp.status_code, resp.data)
        return [i['name'] for i in resp.json['images']]

    def test_fields(self):
        body = self.get(IMAGES + '/' + fakes.IMAGE_UUID).json
        self.assertEqual(IMAGE_KEYS, set(body))
        self.assertEqual(('cirros', 'active', 'public', False, 4096, 'qcow2',
                          'bare', [], False),
                         (body['name'], body['status'], body['visibility'],
                          body['protected'], body['size'],
                          body['disk_format'], body['container_format'],
                          body['tags'], body['os_hidden']))
        self.assertEqual('/v2/images/' + fakes.IMAGE_UUID, body['self'])
        self.assertEqual(body['self'] + '/file', body['file'])
        self.assertEqual('/v2/schemas/image', body['schema'])
        self.assertRegex(body['created_at'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')

    def test_visibility(self):
        self.assertEqual(['mine', 'cirros'], self.names())
        self.assertEqual(['comm', 'mine', 'cirros'],
                         self.names('?visibility=all'))
        self.assertEqual(['comm'], self.names('?visibility=community'))
        self.assertEqual(['mine'], self.names('?visibility=private'))
        self.assertEqual(['comm', 'theirs', 'mine', 'cirros'],
                         self.names(headers=fakes.ADMIN))
        self.assertGlanceError(self.get(IMAGES + '?visibility=bogus'), 400)

    def test_show_invisible_or_unknown_is_404(self):
        for image_id in (self.theirs['id'], 'not-a-uuid', 'x' * 300,
                         '3fa85f64-5717-4562-b3fc-2c963f66afa6'):
            resp = self.get(IMAGES + '/' + image_id, JSON)
            self.assertGlanceError(resp, 404)
        self.assertEqual(200, self.get(IMAGES + '/' + self.community['id'])
                         .status_code)
        self.assertEqual(200, self.get(IMAGES + '/' + self.theirs['id'],
                                       fakes.ADMIN).status_code)

    def test_filters(self):
        self.assertEqual(['mine'], self.names('?name=mine'))
        ids = '%s,%s' % (self.private['id'], fakes.IMAGE_UUID)
        self.assertEqual(['mine', 'cirros'], self.names('?id=in:' + ids))
        self.assertEqual(['cirros'], self.names('?status=active'))
        self.assertEqual(['mine'], self.names('?status=queued'))
        self.assertEqual(['cirros'], self.names('?disk_format=qcow2'))
        self.assertEqual(['mine', 'cirros'], self.names('?name=in:mine,'
                                                        'cirros'))
        self.assertEqual([], self.names('?name=' + 'theirs'))
        self.assertEqual(['cirros'], self.names('?size_min=100'))

    def test_property_and_tag_filters(self):
        self.create(name='tagged', tags=['gold'], hw_arch='x86_64')
        self.assertEqual(['tagged'], self.names('?tag=gold'))
        self.assertEqual(['tagged'], self.names('?hw_arch=x86_64'))
        self.assertEqual([], self.names('?hw_arch=arm'))

    def test_hidden(self):
        self.create(name='hidden', os_hidden=True)
        self.assertNotIn('hidden', self.names())
        self.assertEqual(['hidden'], self.names('?os_hidden=true'))

    def test_sort_and_pages(self):
        self.assertEqual(['cirros', 'mine'],
                         self.names('?sort_key=name&sort_dir=asc'))
        resp = self.get(IMAGES + '?limit=1&sort_key=name&sort_dir=asc')
        body = resp.json
        self.assertEqual(['cirros'], [i['name'] for i in body['images']])
        self.assertEqual('/v2/images?limit=1&sort_key=name&sort_dir=asc',
                         body['first'])
        self.assertIn('marker=' + fakes.IMAGE_UUID, body['next'])
        self.assertTrue(body['next'].startswith('/v2/images?'))
        self.assertEqual('/v2/schemas/images', body['schema'])
        page2 = self.get('/image' + body['next']).json
        self.assertEqual(['mine'], [i['name'] for i in page2['images']])
        page3 = self.get('/image' + page2['next']).json
        self.assertEqual([], page3['images'])
        self.assertNotIn('next', page3)

    def test_bad_queries_are_400(self):
        for query in ('?limit=-1', '?limit=x', '?sort_key=owner_secret',
                      '?sort_dir=up', '?marker=' + self.theirs['id'],
                      '?protected=maybe', '?size_min=-1'):
            self.assertGlanceError(self.get(IMAGES + query), 400)


class CreateUpdateDeleteTest(ImageAPITestCase):

    def test_create(self):
        image = self.create(name='new', disk_format='qcow2',
                            container_format='bare', min_ram=64,
                            tags=['a'], hw_disk_bus='virtio')
        self.assertEqual(('queued', 'shared', fakes.PROJECT, 64, ['a'],
                          'virtio', None),
                         (image['status'], image['visibility'],
                          image['owner'], image['min_ram'], image['tags'],
                          image['hw_disk_bus'], image['size']))
        self.assertNotIn('os_glance_tags', image)
        self.assertEqual(image, self.get(IMAGES + '/' + image['id']).json)

    def test_compute_image_proxy_shows_only_extra_properties(self):
        image = self.create(name='tagged', tags=['a'], os_hidden=True,
                            color='blue')
        resp = self.get('/v2.1/images/' + image['id'])
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'color': 'blue'}, resp.json['image']['metadata'])

    def test_create_with_id(self):
        image_id = 'b6b4d5e3-7c51-4f62-8d6c-6a1c4f0f3d11'
        self.assertEqual(image_id, self.create(id=image_id)['id'])
        self.assertGlanceError(self.post(IMAGES, {'id': image_id}), 409)

    def test_create_refusals(self):
        for body, code in (({'status': 'active'}, 403),
                           ({'os_glance_x': 'y'}, 403),
                           ({'owner': 'someone'}, 403),
                           ({'visibility': 'public'}, 403),
                           ({'disk_format': 'exe'}, 400),
                           ({'min_ram': -1}, 400),
                           ({'name': 'x' * 256}, 400),
                           ({'prop': 5}, 400),
                           ({'id': 'not-a-uuid'}, 400),
                           ({'tags': ['a', 'a']}, 400)):
            self.assertGlanceError(self.post(IMAGES, body), code)
        self.assertGlanceError(self.post(IMAGES, raw=b'{', body=None), 400)
        self.assertGlanceError(self.post(IMAGES, {}, headers(
            fakes.MEMBER), content_type='text/plain'), 415)
        self.assertGlanceError(self.post(IMAGES, {}, fakes.READER), 403)
        admin = self.post(IMAGES, {'visibility': 'public'}, fakes.ADMIN)
        self.assertEqual(201, admin.status_code)

    def test_patch(self):
        image = self.create(name='old', extra='1')
        resp = self.patch(image['id'], [
            {'op': 'replace', 'path': '/name', 'value': 'new'},
            {'op': 'add', 'path': '/color', 'value': 'blue'},
            {'op': 'remove', 'path': '/extra'},
            {'op': 'add', 'path': '/tags', 'value': ['x']},
            {'op': 'replace', 'path': '/min_disk', 'value': 2}])
        self.assertEqual(200, resp.status_code, resp.data)
        body = resp.json
        self.assertEqual(('new', 'blue', ['x'], 2),
                         (body['name'], body['color'], body['tags'],
                          body['min_disk']))
        self.assertNotIn('extra', body)

    def test_patch_v20_media_type(self):
        # Glance still takes the draft-10 form (Tempest's image client
        # sends it): the op is the key, its value the path.
        image = self.create(name='old', extra='1')
        v20 = image_endpoint.PATCH_MEDIA_TYPE_V20
        resp = self.api.request('PATCH', '%s/%s' % (IMAGES, image['id']),
                                raw=json.dumps([
                                    {'add': '/version', 'value': '8.0'},
                                    {'replace': '/name', 'value': 'new'},
                                    {'remove': '/extra'}]),
                                content_type=v20)
        self.assertEqual(200, resp.status_code, resp.data)
        self.assertEqual(('new', '8.0'), (resp.json['name'],
                                          resp.json['version']))
        self.assertNotIn('extra', resp.json)
        for ops in ([{'add': '/a', 'remove': '/b'}], [{'value': 'x'}],
                    [{'op': 'add', 'path': '/a', 'value': 'x'}]):
            resp = self.api.request(
                'PATCH', '%s/%s' % (IMAGES, image['id']),
                raw=json.dumps(ops), content_type=v20)
            self.assertGlanceError(resp, 400)

    def test_patch_refusals(self):
        image = self.create(name='img')
        for ops, code in (
                ([{'op': 'replace', 'path': '/status', 'value': 'active'}],
                 403),
                ([{'op': 'remove', 'path': '/name'}], 403),
                ([{'op': 'replace', 'path': '/nothing', 'value': 'x'}], 409),
                ([{'op': 'remove', 'path': '/nothing'}], 409),
                ([{'op': 'add', 'path': '/min_ram', 'value': 'big'}], 400),
                ([{'op': 'add', 'path': '/a/b', 'value': 'x'}], 400),
                ([{'op': 'add', 'path': '/name'}], 400),
                ([{'op': 'move', 'path': '/name', 'value': 'x'}], 400),
                ({'op': 'add'}, 400),
                ([{'op': 'replace', 'path': '/visibility',
                   'value': 'public'}], 403)):
            self.assertGlanceError(self.patch(image['id'], ops), code)
        resp = self.api.request('PATCH', IMAGES + '/' + image['id'],
                                raw=b'[]', content_type='application/json')
        self.assertGlanceError(resp, 415)
        self.assertGlanceError(self.patch(image['id'], [], fakes.OTHER), 404)
        self.assertEqual('img', self.get(IMAGES + '/' + image['id'])
                         .json['name'])

    def test_delete(self):
        image = self.create(name='gone')
        self.assertGlanceError(self.delete(IMAGES + '/' + image['id'],
                                           fakes.OTHER), 404)
        resp = self.delete(IMAGES + '/' + image['id'])
        self.assertEqual(204, resp.status_code)
        self.assertGlanceError(self.get(IMAGES + '/' + image['id']), 404)
        self.assertGlanceError(self.delete(IMAGES + '/' + image['id']), 404)

    def test_delete_protected_or_foreign(self):
        image = self.create(name='keep', protected=True)
        self.assertGlanceError(self.delete(IMAGES + '/' + image['id']), 403,
                               'protected')
        self.assertGlanceError(self.delete(IMAGES + '/' + fakes.IMAGE_UUID),
                               403)
        self.assertEqual(200, self.get(IMAGES + '/' + image['id'])
                         .status_code)

    def test_image_tasks_are_none(self):
        # No asynchronous tasks in nova_lite's image service (Glance
        # 2.12's GET /v2/images/{id}/tasks).
        image = self.create(name='t')
        resp = self.get(IMAGES + '/' + image['id'] + '/tasks')
        self.assertEqual((200, {'tasks': []}), (resp.status_code,
                                                resp.json))
        self.assertEqual(200, self.get(
            IMAGES + '/' + fakes.IMAGE_UUID + '/tasks').status_code)
        self.assertGlanceError(self.get(IMAGES + '/' + image['id']
                                        + '/tasks', fakes.OTHER), 404)
        self.assertGlanceError(self.get(IMAGES + '/nope/tasks'), 404)

    def test_unknown_route_is_a_glance_404(self):
        self.assertGlanceError(self.get('/image/v2/nothing', JSON), 404)
        resp = self.api.request('POST', IMAGES + '/x/file', headers=JSON)
        self.assertGlanceError(resp, 405)
        self.assertIn('PUT', resp.headers['Allow'])


class DataTest(ImageAPITestCase):

    def setUp(self):
        super().setUp()
        self.image = self.create(name='data', disk_format='raw',
                                 container_format='bare')
        self.file_url = '%s/%s/file' % (IMAGES, self.image['id'])

    def test_upload_and_download(self):
        data = b'\x00\x01' * 50000
        resp = self.upload(self.image['id'], data)
        self.assertEqual(204, resp.status_code, resp.data)
        image = self.get(IMAGES + '/' + self.image['id']).json
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        self.assertEqual(('active', len(data), md5),
                         (image['status'], image['size'],
                          image['checksum']))
        resp = self.get(self.file_url)
        self.assertEqual(200, resp.status_code)
        self.assertEqual('application/octet-stream', resp.mimetype)
        self.assertEqual(md5, resp.headers['Content-MD5'])
        self.assertEqual(data, resp.data)
        resp = self.api.request('GET', self.file_url, headers=headers(
            fakes.MEMBER, Range='bytes=0-3'))
        self.assertEqual(206, resp.status_code)
        self.assertEqual(data[:4], resp.data)

    def test_upload_larger_than_the_request_body_limit(self):
        data = b'x' * (self.api.conf.conf.api.max_request_body_size + 10)
        self.assertEqual(204, self.upload(self.image['id'], data)
                         .status_code)

    def test_second_upload_is_409(self):
        self.upload(self.image['id'], b'abc')
        self.assertGlanceError(self.upload(self.image['id'], b'def'), 409)

    def test_too_large_is_413_and_back_to_queued(self):
        self.api.conf.config(max_image_size_mb=1, group='image')
        data = b'x' * (1024 * 1024 + 1)
        self.assertGlanceError(self.upload(self.image['id'], data), 413)
        image = self.get(IMAGES + '/' + self.image['id']).json
        self.assertEqual('queued', image['status'])
        self.assertEqual(204, self.upload(self.image['id'], b'ok')
                         .status_code)

    def test_upload_refusals(self):
        no_formats = self.create(name='bare')
        self.assertGlanceError(self.upload(no_formats['id'], b'x'), 400,
                               'disk_format')
        resp = self.api.request('PUT', self.file_url, raw=b'x',
                                content_type='application/json')
        self.assertGlanceError(resp, 415)
        self.assertGlanceError(self.upload(self.image['id'], b'x',
                                           fakes.OTHER), 404)
        self.assertGlanceError(self.upload(fakes.IMAGE_UUID, b'x'), 403)
        self.assertGlanceError(self.upload('nope', b'x'), 404)

    def test_download_without_data_is_204(self):
        resp = self.get(self.file_url)
        self.assertEqual(204, resp.status_code)
        self.assertEqual(b'', resp.data)

    def test_uploaded_image_boots(self):
        self.upload(self.image['id'], b'disk')
        server_id = self.create_server(imageRef=self.image['id'])
        row = instance_db.instance_get(self.api.admin_context, server_id)
        self.assertEqual(self.image['id'], row.image_ref)


class ImageSchemaMetaTest(testtools.TestCase):
    """The image app's body routes have strict schemas, as the compute
    API's (``test_schemas_meta``)."""

    def setUp(self):
        super().setUp()
        from oslo_config import cfg
        self.app = image_endpoint.create_flask_app(cfg.CONF)
        self.registry = image_schemas.route_schemas()

    def test_every_body_route_has_a_schema_or_a_media_type(self):
        routes = {(method, rule.rule)
                  for rule in self.app.url_map.iter_rules()
                  for method in rule.methods
                  & test_schemas_meta.BODY_METHODS}
        declared = set(self.registry) | set(image_schemas.RAW_BODY_ROUTES)
        self.assertEqual(routes, declared)

    def test_schemas_are_strict_and_bounded(self):
        for route, schema in self.registry.items():
            jsonschema.Draft7Validator.check_schema(schema)
            for path, sub in test_schemas_meta._subschemas(schema):
                types = test_schemas_meta._types(sub)
                if 'object' in types or 'properties' in sub:
                    self.assertIs(False, sub.get('additionalProperties'),
                                  (route, path))
                if 'string' in types:
                    self.assertTrue('maxLength' in sub or 'enum' in sub,
                                    (route, path))
                if 'array' in types:
                    self.assertIn('maxItems', sub, (route, path))
