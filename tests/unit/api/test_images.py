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
