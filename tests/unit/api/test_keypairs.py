"""``/v2.1/os-keypairs`` (compute API reference, "Keypairs (keypairs)",
microversion 2.1) through the full WSGI pipeline, and ``key_name`` at
server create."""
import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization

from nova_lite.compute import keypairs as keypair_api
from nova_lite.db import keypairs as keypair_db
from tests.unit.api import fakes
from tests import db_helpers

KEYPAIRS = '/v2.1/os-keypairs'
SHOW_KEYS = {'public_key', 'name', 'fingerprint', 'user_id', 'deleted',
             'created_at', 'updated_at', 'deleted_at', 'id'}


def ed25519_public_key(comment='me@host'):
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    line = key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode()
    return '%s %s' % (line, comment)


def md5_fingerprint(public_key):
    digest = hashlib.md5(base64.b64decode(public_key.split()[1]),
                         usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, 32, 2))


class KeypairsTest(fakes.APITestCase):

    def create(self, name='key1', public_key=None, headers=None):
        body = {'name': name}
        if public_key is not None:
            body['public_key'] = public_key
        return self.post(KEYPAIRS, {'keypair': body}, headers)

    def test_generate_returns_private_key_once(self):
        resp = self.create()
        self.assertEqual(200, resp.status_code, resp.json)
        keypair = resp.json['keypair']
        self.assertEqual({'name', 'public_key', 'fingerprint', 'user_id',
                          'private_key'}, set(keypair))
        self.assertEqual(fakes.USER, keypair['user_id'])
        self.assertIn('BEGIN RSA PRIVATE KEY', keypair['private_key'])
        private = serialization.load_pem_private_key(
            keypair['private_key'].encode(), password=None)
        self.assertEqual(2048, private.key_size)
        self.assertTrue(keypair['public_key'].startswith('ssh-rsa '))
        self.assertEqual(md5_fingerprint(keypair['public_key']),
                         keypair['fingerprint'])
        shown = self.get(KEYPAIRS + '/key1').json['keypair']
        self.assertNotIn('private_key', shown)
        self.assertEqual(keypair['public_key'], shown['public_key'])
        rows = keypair_db.key_pair_get_all(self.api.admin_context, fakes.USER)
        self.assertNotIn('PRIVATE', repr(rows))
        self.assertNotIn(keypair['private_key'].splitlines()[1],
                         self.log.output)

    def test_import(self):
        public_key = ed25519_public_key()
        resp = self.create('imported', public_key)
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'name': 'imported', 'public_key': public_key,
                          'fingerprint': md5_fingerprint(public_key),
                          'user_id': fakes.USER}, resp.json['keypair'])

    def test_fingerprint_of_known_key(self):
        # ssh-keygen -E md5 -l gives the MD5 of the base64-decoded blob.
        blob = b'\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20' + b'\x01' * 32
        line = 'ssh-ed25519 ' + base64.b64encode(blob).decode()
        digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
        self.assertEqual(':'.join(digest[i:i + 2] for i in range(0, 32, 2)),
                         keypair_api.fingerprint(line))
        self.assertEqual(47, len(keypair_api.fingerprint(line)))

    def test_list_and_show(self):
        self.create('b-key', ed25519_public_key())
        self.create('a key', ed25519_public_key())
        resp = self.get(KEYPAIRS)
        self.assertEqual(200, resp.status_code)
        items = resp.json['keypairs']
        self.assertEqual(['a key', 'b-key'],
                         [k['keypair']['name'] for k in items])
        self.assertEqual({'keypair'}, set(items[0]))
        self.assertEqual({'name', 'public_key', 'fingerprint'},
                         set(items[0]['keypair']))
        shown = self.get(KEYPAIRS + '/a%20key').json['keypair']
        self.assertEqual(SHOW_KEYS, set(shown))
        self.assertIs(False, shown['deleted'])
        self.assertIsNone(shown['deleted_at'])
        self.assertIsInstance(shown['id'], int)
        self.assertRegex(shown['created_at'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$')

    def test_per_user(self):
        self.create('shared-name', ed25519_public_key())
        other = self.create('shared-name', ed25519_public_key(),
                            headers=fakes.OTHER)
        self.assertEqual(200, other.status_code, other.json)
        self.assertEqual([], self.get(KEYPAIRS, fakes.ADMIN).json[
            'keypairs'])
        resp = self.get(KEYPAIRS + '/shared-name', fakes.ADMIN)
        self.assertFault(resp, 404, 'itemNotFound', 'shared-name')
        same_project_other_user = dict(fakes.MEMBER, **{'X-User-Id': 'u2'})
        self.assertFault(self.get(KEYPAIRS + '/shared-name',
                                  same_project_other_user),
                         404, 'itemNotFound')

    def test_duplicate_name_is_409(self):
        self.create('dup', ed25519_public_key())
        self.assertFault(self.create('dup', ed25519_public_key()),
                         409, 'conflictingRequest', 'dup')

    def test_delete(self):
        self.create('gone', ed25519_public_key())
        resp = self.delete(KEYPAIRS + '/gone')
        self.assertEqual(202, resp.status_code)
        self.assertEqual(b'', resp.data)
        self.assertFault(self.get(KEYPAIRS + '/gone'), 404, 'itemNotFound')
        self.assertFault(self.delete(KEYPAIRS + '/gone'), 404,
                         'itemNotFound')
        self.assertEqual(200, self.create('gone', ed25519_public_key())
                         .status_code)

    def test_bad_bodies_are_400(self):
        for body in ({}, {'keypair': {}}, {'keypair': {'name': ''}},
                     {'keypair': {'name': 'a/b'}},
                     {'keypair': {'name': ' '}},
                     {'keypair': {'name': ' lead'}},
                     {'keypair': {'name': r'key_/.\@:'}},
                     {'keypair': {'name': 'k', 'public_key': ' '}},
                     {'keypair': {'name': 'x' * 256}},
                     {'keypair': {'name': 'k', 'type': 'ssh'}},
                     {'keypair': {'name': 'k', 'public_key': 42}},
                     {'keypair': {'name': 'k', 'public_key': 'ssh-rsa x'}},
                     {'keypair': {'name': 'k',
                                  'public_key': 'not a key at all'}}):
            resp = self.post(KEYPAIRS, body)
            self.assertFault(resp, 400, 'badRequest')
        self.assertEqual([], self.get(KEYPAIRS).json['keypairs'])

    def test_quota(self):
        self.api.conf.config(key_pairs=2, group='quota')
        self.create('k1', ed25519_public_key())
        self.create('k2', ed25519_public_key())
        message = self.assertFault(self.create('k3'), 403, 'forbidden')
        self.assertEqual('Quota exceeded for key_pairs: Requested 1, but '
                         'already used 2 of 2 key_pairs', message)
        self.assertEqual(2, len(self.get(KEYPAIRS).json['keypairs']))

    def test_unauthenticated_is_401(self):
        self.assertFault(self.get(KEYPAIRS, headers={}), 401,
                         'unauthorized')


class ServerKeyNameTest(fakes.APITestCase):

    def test_key_name_stores_public_key(self):
        public_key = ed25519_public_key()
        self.post(KEYPAIRS, {'keypair': {'name': 'mine',
                                         'public_key': public_key}})
        server_id = self.create_server(key_name='mine')
        server = self.get('/v2.1/servers/' + server_id).json['server']
        self.assertEqual('mine', server['key_name'])
        _user_data, key_data = db_helpers.instance_secrets_get(
            self.api.admin_context, server_id)
        self.assertEqual(public_key, key_data)

    def test_unknown_key_name_is_400(self):
        self.post(KEYPAIRS, {'keypair': {'name': 'theirs',
                                         'public_key': ed25519_public_key()}},
                  fakes.OTHER)
        before = self.api.count_instances()
        for name in ('nope', 'theirs'):
            resp = self.post('/v2.1/servers', {'server': {
                'name': 'web', 'imageRef': fakes.IMAGE_UUID,
                'flavorRef': '1', 'key_name': name}})
            self.assertFault(resp, 400, 'badRequest', 'key_name')
        self.assertEqual(before, self.api.count_instances())
