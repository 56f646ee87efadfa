"""image.glance: the compute's HTTP image client verifies what it
downloads and maps the image body to ImageMeta."""
import hashlib
import os

import fixtures
from oslo_config import fixture as config_fixture
import testtools

from nova_lite import conf as nl_conf
from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.image import glance

DATA = b'disk image bytes' * 1000


class FakeResponse:
    def __init__(self, body=None, data=b'', status=200):
        self.body, self.data, self.status_code = body, data, status

    def json(self):
        return self.body

    def iter_content(self, size):
        for start in range(0, len(self.data), size):
            yield self.data[start:start + size]

    def close(self):
        pass


class FakeSession:
    """Answers show and download of one image; records the requests."""

    def __init__(self, body, data):
        self.body, self.data, self.requests = body, data, []

    def get(self, url, headers=None, **kwargs):
        self.requests.append((url, headers))
        if url.endswith('/file'):
            return FakeResponse(data=self.data)
        return FakeResponse(body=self.body)


class TestImageDownload(testtools.TestCase):

    def setUp(self):
        super().setUp()
        conf = self.useFixture(config_fixture.Config(nl_conf.CONF))
        conf.config(auth_strategy='noauth', group='api')
        conf.config(api_endpoint='http://ctl:8774/image/', group='image')
        self.dest = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'img.part')
        self.ctxt = nl_context.RequestContext(user_id='u', project_id='p',
                                              roles=['member'])
        self.body = {'id': 'img-1', 'name': 'tiny', 'disk_format': 'raw',
                     'container_format': 'bare', 'size': len(DATA),
                     'min_disk': 0, 'min_ram': 0, 'status': 'active',
                     'checksum': hashlib.md5(DATA).hexdigest(),
                     'os_hash_algo': None, 'os_hash_value': None,
                     'hw_rng': 'yes', 'tags': []}

    def api(self, data=DATA):
        api = glance.API()
        api._session = FakeSession(self.body, data)
        return api

    def test_download_verified_with_noauth_headers(self):
        api = self.api()
        api.download(self.ctxt, 'img-1', self.dest)
        with open(self.dest, 'rb') as f:
            self.assertEqual(DATA, f.read())
        url, headers = api._session.requests[-1]
        self.assertEqual('http://ctl:8774/image/v2/images/img-1/file', url)
        self.assertEqual('p', headers['X-Project-Id'])

    def test_checksum_mismatch_removes_the_file(self):
        self.assertRaises(glance.ImageChecksumMismatch,
                          self.api(DATA + b'x').download, self.ctxt,
                          'img-1', self.dest)
        self.assertFalse(os.path.exists(self.dest))

    def test_os_hash_value_wins_over_checksum(self):
        self.body.update(os_hash_algo='sha512', checksum='0' * 32,
                         os_hash_value=hashlib.sha512(DATA).hexdigest())
        self.api().download(self.ctxt, 'img-1', self.dest)
        self.assertTrue(os.path.exists(self.dest))

    def test_get_maps_extra_properties(self):
        meta = self.api().get(self.ctxt, 'img-1')
        self.assertEqual(('img-1', 'raw', {'hw_rng': 'yes'}),
                         (meta.id, meta.disk_format, meta.properties))

    def test_no_endpoint_without_keystone(self):
        self.useFixture(config_fixture.Config(nl_conf.CONF)).config(
            api_endpoint=None, group='image')
        self.assertRaises(exception.Invalid, glance.API()._endpoint)
