"""The images page: the list (sizes in MiB), the upload (create, then
the data; a failed upload deletes the half-made image), readers
without the form."""
import io

from nova_lite.dashboard import client
from tests.unit.dashboard import base

LIST = 'GET', 'image', '/v2/images?limit=1000'
IMAGES = {'images': [
    {'id': 'img-2', 'name': 'ubuntu', 'status': 'active',
     'disk_format': 'qcow2', 'container_format': 'bare',
     'size': 629145600, 'visibility': 'public', 'owner': 'p-admin',
     'created_at': '2024-05-01T10:00:00Z'},
    {'id': 'img-1', 'name': 'cirros', 'status': 'active',
     'disk_format': 'raw', 'container_format': 'bare', 'size': 16338944,
     'visibility': 'private', 'owner': 'p-1',
     'created_at': '2024-05-02T10:00:00Z'},
    {'id': 'img-3', 'name': 'empty', 'status': 'queued',
     'disk_format': None, 'container_format': None, 'size': None,
     'visibility': 'private', 'owner': 'p-1', 'created_at': None},
]}
DATA = b'QFI\xfb' + b'\x00' * 1000


class ImagesTest(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        self.sign_in()
        self.api.answer(*LIST, IMAGES)
        self.uploads = []
        fake_image = self.api.image

        def image(method, path, body=None, data=None, headers=None):
            if data is not None:
                self.uploads.append((path, data if isinstance(data, bytes)
                                     else data.read(), headers))
            return fake_image(method, path, body=body, data=data,
                              headers=headers)
        self.api.image = image

    def _changes(self):
        return [call for call in self.api.calls if call[0] != 'GET']

    def _upload(self, **fields):
        data = {'name': 'my image', 'disk_format': 'qcow2',
                'file': (io.BytesIO(DATA), 'disk.qcow2')}
        data.update(fields)
        return self.post('/images/upload', data)

    def test_list_shows_images_with_size_in_mib(self):
        resp = self.client.get('/images')
        self.assertEqual(200, resp.status_code)
        page = resp.get_data(as_text=True)
        self.assertIn('<th scope="row">cirros</th>', page)
        self.assertIn('<td class="number">15.6</td>', page)
        self.assertIn('<td class="number">600.0</td>', page)
        self.assertIn('<td class="number">—</td>', page)
        self.assertIn('<th scope="col">Size (MiB)</th>', page)
        self.assertLess(page.index('cirros'), page.index('ubuntu'))
        self.assertIn('<code>p-admin</code>', page)
        self.assertIn('class="overflow-auto"', page)

    def test_member_sees_the_upload_form(self):
        page = self.client.get('/images').get_data(as_text=True)
        self.assertIn('enctype="multipart/form-data"', page)
        self.assertIn('<label for="image-name">', page)
        self.assertIn('<label for="image-disk-format">', page)
        self.assertIn('<label for="image-file">', page)
        self.assertIn('<option value="qcow2"', page)
        self.assertIn('<option value="raw"', page)

    def test_reader_sees_no_upload_form_and_cannot_upload(self):
        self.sign_in(roles=('reader',))
        page = self.client.get('/images').get_data(as_text=True)
        self.assertIn('cirros', page)
        self.assertNotIn('upload-form', page)
        self.assertNotIn('type="file"', page)
        resp = self._upload()
        self.assertEqual(403, resp.status_code)
        self.assertEqual([], self._changes())

    def test_upload_creates_then_streams_the_data(self):
        self.api.answer('POST', 'image', '/v2/images',
                        {'id': 'new-1', 'status': 'queued'})
        resp = self._upload()
        self.assertEqual(303, resp.status_code)
        self.assertEqual('/images', resp.location)
        self.assertEqual([
            ('POST', 'image', '/v2/images', {
                'name': 'my image', 'disk_format': 'qcow2',
                'container_format': 'bare', 'visibility': 'private'}),
            ('PUT', 'image', '/v2/images/new-1/file', None),
        ], self._changes())
        self.assertEqual([('/v2/images/new-1/file', DATA,
                           {'Content-Type': 'application/octet-stream'})],
                         self.uploads)

    def test_failed_data_deletes_the_image_and_shows_the_error(self):
        self.api.answer('POST', 'image', '/v2/images',
                        {'id': 'new-1', 'status': 'queued'})
        self.api.answer('PUT', 'image', '/v2/images/new-1/file',
                        client.APIError(413, 'Image exceeds the storage '
                                             'quota.'))
        resp = self._upload(disk_format='raw')
        self.assertEqual(413, resp.status_code)
        page = resp.get_data(as_text=True)
        self.assertIn('<p role="alert" class="error" id="upload-error">'
                      '413: Image exceeds the storage quota.</p>', page)
        self.assertIn('value="my image"', page)
        self.assertIn('<option value="raw" selected>', page)
        self.assertEqual(('DELETE', 'image', '/v2/images/new-1', None),
                         self._changes()[-1])

    def test_refused_create_sends_no_data(self):
        self.api.answer('POST', 'image', '/v2/images', client.APIError(
            403, 'You are not authorized to complete add_image action.'))
        resp = self._upload()
        self.assertEqual(403, resp.status_code)
        self.assertIn(b'403: You are not authorized', resp.data)
        self.assertEqual(['POST'], [c[0] for c in self._changes()])
        self.assertEqual([], self.uploads)

    def test_upload_without_file_is_400(self):
        resp = self.post('/images/upload', {'name': 'x',
                                            'disk_format': 'raw'})
        self.assertEqual(400, resp.status_code)
        self.assertIn(b'Choose an image file', resp.data)
        self.assertEqual([], self._changes())

    def test_upload_without_csrf_token_is_403(self):
        resp = self.post('/images/upload', {
            'name': 'x', 'file': (io.BytesIO(DATA), 'x.raw')}, csrf=False)
        self.assertEqual(403, resp.status_code)
        self.assertEqual([], self._changes())
