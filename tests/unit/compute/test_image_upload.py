"""image.glance's snapshot calls (upload, list, delete) against the
image API app of this process: the client's requests are handed to the
app's WSGI pipeline (noauth headers from the context), so the upload
goes through the real ``PUT /image/v2/images/{id}/file`` (queued →
saving → active) and the list through the real filters."""
import os
from urllib import parse as urlparse

import fixtures
from keystoneauth1 import exceptions as ks_exc

from nova_lite import context as nl_context
from nova_lite.db import images as image_db
from nova_lite import exception
from nova_lite.image import glance
from tests.unit.api import fakes

ENDPOINT = 'http://ctl/image'


class Response:
    """What the client reads of a keystoneauth response."""

    def __init__(self, resp):
        self.status_code = resp.status_code
        self._resp = resp

    def json(self):
        return self._resp.json


class AppSession:
    """A keystoneauth Session stand-in sending requests to the app."""

    def __init__(self, client):
        self.client = client

    def request(self, url, method, headers=None, data=None, params=None,
                raise_exc=True, **_kwargs):
        path = urlparse.urlsplit(url).path
        body = data.read() if hasattr(data, 'read') else data
        resp = self.client.open(path, method=method, headers=headers or {},
                                data=body, query_string=params)
        if raise_exc and resp.status_code == 404:
            raise ks_exc.NotFound()
        if raise_exc and resp.status_code >= 400:
            raise ks_exc.HttpError(http_status=resp.status_code,
                                   message=resp.get_data(as_text=True))
        return Response(resp)


class ImageUploadTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        store = self.useFixture(fixtures.TempDir()).path
        self.api.conf.config(group='image', store_path=store,
                             api_endpoint=ENDPOINT)
        self.glance = glance.API()
        self.glance._session = AppSession(self.api.client)
        self.ctxt = nl_context.RequestContext(
            user_id=fakes.USER, project_id=fakes.PROJECT, roles=['member'])
        self.file = os.path.join(store, 'copy.qcow2')
        with open(self.file, 'wb') as out:
            out.write(b'qcow2 bytes' * 100)

    def make_image(self, uuid, **props):
        return image_db.image_create(self.api.admin_context, {
            'uuid': uuid, 'name': uuid, 'status': 'queued',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'visibility': 'private', 'owner': fakes.PROJECT,
            'properties': props})

    def test_upload_makes_the_image_active(self):
        self.make_image('i1')
        self.glance.upload(self.ctxt, 'i1', self.file)
        image = image_db.image_get(self.api.admin_context, 'i1')
        self.assertEqual(('active', 1100), (image['status'], image['size']))

    def test_upload_of_an_active_image_is_refused(self):
        self.make_image('i1')
        self.glance.upload(self.ctxt, 'i1', self.file)
        self.assertRaises(glance.ImageDownloadFailed, self.glance.upload,
                          self.ctxt, 'i1', self.file)

    def test_list_by_properties_and_delete(self):
        self.make_image('b1', instance_uuid='x', image_type='backup',
                        backup_type='daily')
        self.make_image('b2', instance_uuid='x', image_type='backup',
                        backup_type='weekly')
        self.make_image('b3', instance_uuid='y', image_type='backup',
                        backup_type='daily')
        found = self.glance.list(self.ctxt, {
            'instance_uuid': 'x', 'image_type': 'backup',
            'backup_type': 'daily'})
        self.assertEqual(['b1'], [i['id'] for i in found])
        self.glance.delete(self.ctxt, 'b1')
        self.assertRaises(exception.ImageNotFound, image_db.image_get,
                          self.api.admin_context, 'b1')
        # Deleting an image that is gone is not an error.
        self.glance.delete(self.ctxt, 'b1')
