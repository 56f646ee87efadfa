"""``/v2.1/images``: the deprecated compute image proxy (compute API
reference, "Images (DEPRECATED)")."""
from nova_lite.db import images as image_db
from tests.unit.api import fakes

IMAGES = '/v2.1/images'
PRIVATE = '5d2e2e4c-1f6b-4b0e-9a3e-2a3c2f1d0b9a'


class ImagesTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        image_db.image_create(self.api.admin_context, {
            'uuid': PRIVATE, 'name': 'private', 'status': 'queued',
            'visibility': 'private', 'owner': fakes.OTHER_PROJECT,
            'min_disk': 2, 'min_ram': 256, 'properties': {'os': 'linux'}})

    def test_index_and_detail(self):
        resp = self.get(IMAGES)
        self.assertEqual([fakes.IMAGE_UUID],
                         [i['id'] for i in resp.json['images']])
        self.assertEqual({'id', 'name', 'links'}, set(resp.json['images'][0]))
        self.assertEqual(['self', 'bookmark', 'alternate'],
                         [link['rel'] for link in
                          resp.json['images'][0]['links']])
        image = self.get(IMAGES + '/detail').json['images'][0]
        self.assertEqual(('ACTIVE', 100, 0, 0, 4096), (
            image['status'], image['progress'], image['minDisk'],
            image['minRam'], image['OS-EXT-IMG-SIZE:size']))
        self.assertRegex(image['created'], r'Z$')

    def test_owner_sees_private_image_as_saving(self):
        image = self.get(IMAGES + '/' + PRIVATE, fakes.OTHER).json['image']
        self.assertEqual(('SAVING', 25, 2, 256, {'os': 'linux'}), (
            image['status'], image['progress'], image['minDisk'],
            image['minRam'], image['metadata']))
        names = [i['name'] for i in self.get(IMAGES + '?name=private',
                                             fakes.OTHER).json['images']]
        self.assertEqual(['private'], names)

    def test_not_found(self):
        for image_id in (PRIVATE, 'cirros', '00000000-0000-0000-0000-'
                         '000000000000'):
            self.assertFault(self.get(IMAGES + '/' + image_id), 404,
                             'itemNotFound')

    def test_pagination(self):
        resp = self.get(IMAGES + '?limit=1', fakes.ADMIN)
        self.assertEqual(1, len(resp.json['images']))
        self.assertIn('images_links', resp.json)
        self.assertFault(self.get(IMAGES + '?marker=nope'), 400, 'badRequest')


SERVER = '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f'


class ImageProxyFiltersTest(fakes.APITestCase):
    """The list filters Nova hands to Glance (server, type, status,
    changes-since, minRam, minDisk, property-*)."""

    def setUp(self):
        super().setUp()
        self.ctx = self.api.admin_context
        self.snap = self.image('snap', 'active', min_ram=512, min_disk=1,
                               properties={'image_type': 'snapshot',
                                           'instance_uuid': SERVER})
        self.backup = self.image('backup', 'saving', properties={
            'image_type': 'backup', 'instance_uuid': SERVER})
        self.other = self.image('other', 'active', properties={
            'image_type': 'snapshot', 'instance_uuid': 'x', 'os': 'bsd'})

    def image(self, name, status, min_ram=0, min_disk=0, properties=None):
        return image_db.image_create(self.ctx, {
            'name': name, 'status': status, 'visibility': 'private',
            'owner': fakes.PROJECT, 'min_ram': min_ram,
            'min_disk': min_disk, 'properties': properties or {}})['uuid']

    def ids(self, query, detail=False):
        resp = self.get(IMAGES + ('/detail' if detail else '') + query)
        self.assertEqual(200, resp.status_code, resp.data)
        return {i['id'] for i in resp.json['images']}

    def test_server_by_id_or_link(self):
        for server in (SERVER, 'http://h/v2.1/servers/' + SERVER,
                       'http://h/servers/%s/' % SERVER):
            self.assertEqual({self.snap, self.backup},
                             self.ids('?server=' + server))

    def test_type_status_and_properties(self):
        self.assertEqual({self.snap, self.other},
                         self.ids('?type=snapshot', detail=True))
        self.assertEqual({self.snap, self.other, fakes.IMAGE_UUID},
                         self.ids('?status=ACTIVE'))
        self.assertEqual({self.backup}, self.ids('?status=saving'))
        self.assertEqual({self.other}, self.ids('?property-os=bsd'))

    def test_minimums(self):
        self.assertEqual({self.snap}, self.ids('?minRam=512&minDisk=1'))
        self.assertFault(self.get(IMAGES + '?minRam=lots'), 400,
                         'badRequest')

    def test_changes_since(self):
        image_db.image_update(self.ctx, self.other, {'name': 'renamed'})
        later = image_db.image_get(self.ctx, self.other)['updated_at']
        self.assertEqual({self.other}, self.ids(
            '?changes-since=' + later.strftime('%Y-%m-%dT%H:%M:%S.%fZ')))
        self.assertIn(self.snap, self.ids('?changes-since=2000-01-01T00:00Z'))
        self.assertFault(self.get(IMAGES + '?changes-since=yesterday'), 400,
                         'badRequest')


class ImageProxyDeleteTest(fakes.APITestCase):

    def test_delete(self):
        ctx = self.api.admin_context
        mine = image_db.image_create(ctx, {
            'name': 'mine', 'status': 'queued', 'visibility': 'private',
            'owner': fakes.PROJECT})['uuid']
        kept = image_db.image_create(ctx, {
            'name': 'kept', 'status': 'active', 'visibility': 'private',
            'owner': fakes.PROJECT, 'protected': True})['uuid']
        self.assertFault(self.delete(IMAGES + '/' + mine, fakes.OTHER), 404,
                         'itemNotFound')
        self.assertFault(self.delete(IMAGES + '/' + kept), 403, 'forbidden',
                         'protected')
        # The public bootstrap image is the admin project's.
        self.assertFault(self.delete(IMAGES + '/' + fakes.IMAGE_UUID), 403,
                         'forbidden')
        self.assertEqual(204, self.delete(IMAGES + '/' + mine).status_code)
        for path in ('/' + mine, '/nope', '/-1'):
            self.assertFault(self.get(IMAGES + path), 404, 'itemNotFound')
            self.assertFault(self.delete(IMAGES + path), 404,
                             'itemNotFound')
