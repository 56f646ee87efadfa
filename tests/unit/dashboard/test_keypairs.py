"""The key pairs page: the list, create (the private key as a
download, never logged), import, delete, API refusals next to the
forms."""
import logging

import fixtures

from nova_lite.dashboard import client
from tests.unit.dashboard import base

PRIVATE_KEY = ('-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretmaterial\n'
               '-----END RSA PRIVATE KEY-----\n')
PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample demo@laptop'
KEYPAIRS = {'keypairs': [
    {'keypair': {'name': 'zeta', 'type': 'ssh',
                 'fingerprint': 'aa:bb:cc', 'public_key': 'ssh-rsa AAA'}},
    {'keypair': {'name': 'alpha key', 'type': 'x509',
                 'fingerprint': '11:22:33', 'public_key': 'ssh-rsa BBB'}},
]}


class KeypairsTest(base.DashboardTestCase):

    def setUp(self):
        super().setUp()
        self.sign_in()
        self.api.answer('GET', 'compute', '/os-keypairs', KEYPAIRS)

    def _posts(self):
        return [call for call in self.api.calls if call[0] != 'GET']

    def test_list_shows_name_type_fingerprint_sorted(self):
        resp = self.client.get('/keypairs')
        self.assertEqual(200, resp.status_code)
        page = resp.get_data(as_text=True)
        self.assertIn('<th scope="row">alpha key</th>', page)
        self.assertIn('<code>11:22:33</code>', page)
        self.assertIn('x509', page)
        self.assertLess(page.index('alpha key'), page.index('zeta'))
        self.assertIn('class="overflow-auto"', page)
        self.assertIn('<label for="create-name">', page)
        self.assertIn('<label for="import-name">', page)
        self.assertIn('<label for="import-public-key">', page)
        self.assertIn('action="/keypairs/alpha%20key/delete"', page)
        # Sign-out, two deletes, create and import.
        self.assertEqual(5, page.count(
            'name="csrf_token" value="%s"' % self.session.csrf_token))

    def test_empty_list(self):
        self.api.answer('GET', 'compute', '/os-keypairs', {'keypairs': []})
        resp = self.client.get('/keypairs')
        self.assertIn(b'No key pairs yet.', resp.data)

    def test_create_downloads_the_private_key_and_never_logs_it(self):
        logger = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.api.answer('POST', 'compute', '/os-keypairs', {'keypair': {
            'name': 'mykey', 'type': 'ssh', 'fingerprint': 'de:ad',
            'public_key': 'ssh-rsa CCC', 'user_id': 'u-demo',
            'private_key': PRIVATE_KEY}})
        resp = self.post('/keypairs/create', {'name': 'mykey'})
        self.assertEqual(200, resp.status_code)
        self.assertEqual(PRIVATE_KEY, resp.get_data(as_text=True))
        self.assertEqual('application/x-pem-file',
                         resp.headers['Content-Type'])
        self.assertEqual('attachment; filename="mykey.pem"',
                         resp.headers['Content-Disposition'])
        self.assertEqual('no-store', resp.headers['Cache-Control'])
        self.assertEqual([('POST', 'compute', '/os-keypairs',
                           {'keypair': {'name': 'mykey'}})], self._posts())
        self.assertNotIn('MIIEsecretmaterial', logger.output)

    def test_download_name_cannot_break_the_header(self):
        self.api.answer('POST', 'compute', '/os-keypairs', {'keypair': {
            'name': 'a"b\r\nX: y', 'private_key': PRIVATE_KEY}})
        resp = self.post('/keypairs/create', {'name': 'x'})
        self.assertEqual('attachment; filename="a_b__X_ y.pem"',
                         resp.headers['Content-Disposition'])

    def test_create_refused_shows_message_next_to_form(self):
        self.api.answer('POST', 'compute', '/os-keypairs', client.APIError(
            409, "Key pair 'zeta' already exists."))
        resp = self.post('/keypairs/create', {'name': 'zeta'})
        self.assertEqual(409, resp.status_code)
        self.assertEqual('text/html; charset=utf-8',
                         resp.headers['Content-Type'])
        page = resp.get_data(as_text=True)
        self.assertIn('<small class="error" id="create-error" role="alert">'
                      '409: Key pair &#39;zeta&#39; already exists.</small>',
                      page)
        self.assertIn('aria-describedby="create-error"', page)
        self.assertNotIn('id="import-error"', page)
        self.assertIn('value="zeta"', page)

    def test_import_posts_the_public_key_and_redirects(self):
        resp = self.post('/keypairs/import', {
            'name': 'laptop', 'public_key': PUBLIC_KEY + '\n'})
        self.assertEqual(303, resp.status_code)
        self.assertEqual('/keypairs', resp.location)
        self.assertEqual([('POST', 'compute', '/os-keypairs', {'keypair': {
            'name': 'laptop', 'public_key': PUBLIC_KEY}})], self._posts())

    def test_import_refused_shows_message_and_keeps_the_key(self):
        self.api.answer('POST', 'compute', '/os-keypairs', client.APIError(
            400, 'Keypair data is invalid: failed to generate fingerprint'))
        resp = self.post('/keypairs/import', {
            'name': 'laptop', 'public_key': 'not a key'})
        self.assertEqual(400, resp.status_code)
        page = resp.get_data(as_text=True)
        self.assertIn('id="import-error" role="alert">400: Keypair data is '
                      'invalid', page)
        self.assertIn('>not a key</textarea>', page)
        self.assertNotIn('id="create-error"', page)

    def test_delete_quotes_the_name_and_redirects(self):
        resp = self.post('/keypairs/alpha%20key/delete')
        self.assertEqual(303, resp.status_code)
        self.assertEqual('/keypairs', resp.location)
        self.assertEqual([('DELETE', 'compute', '/os-keypairs/alpha%20key',
                           None)], self._posts())

    def test_delete_refused_is_the_error_page(self):
        self.api.answer('DELETE', 'compute', '/os-keypairs/gone',
                        client.APIError(404, 'Keypair gone not found.'))
        resp = self.post('/keypairs/gone/delete')
        self.assertEqual(404, resp.status_code)
        self.assertIn(b'Keypair gone not found.', resp.data)

    def test_post_without_csrf_token_is_403(self):
        for path in ('/keypairs/create', '/keypairs/import',
                     '/keypairs/zeta/delete'):
            resp = self.post(path, {'name': 'x'}, csrf=False)
            self.assertEqual(403, resp.status_code, path)
        self.assertEqual([], self._posts())
