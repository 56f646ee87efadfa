"""createSSHKeyPair and registerSSHKeyPair go through the compute API's
key-pair code: its ``key_pairs`` quota (CloudStack errorcode 532 when
over it, nothing stored) and its table, shared with /v2.1/os-keypairs."""
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization

from nova_lite.compute import keypairs as compute_keypairs
from nova_lite.db import keypairs as keypair_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


def ed25519_public_key():
    """A new OpenSSH ``ssh-ed25519 AAAA...`` line."""
    return ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode()


class KeyPairQuotaTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.api.conf.config(key_pairs=1, group='quota')

    def names(self):
        """Names of the caller's live key pair rows."""
        return [r['name'] for r in keypair_db.key_pair_get_all(
            self.api.admin_context, fakes.USER)]

    def assertOverQuota(self, status, body, command):
        error = body[command.lower() + 'response']
        self.assertEqual((532, 532, 4370), (
            status, error['errorcode'], error['cserrorcode']))
        self.assertIn('Quota exceeded for key_pairs', error['errortext'])

    def test_create_under_quota_then_over_quota(self):
        status, body = self.json('createSSHKeyPair', name='k1')
        self.assertEqual(200, status, body)
        created = body['createsshkeypairresponse']['keypair']
        self.assertIn('BEGIN RSA PRIVATE KEY', created['privatekey'])
        status, body = self.json('createSSHKeyPair', name='k2')
        self.assertOverQuota(status, body, 'createSSHKeyPair')
        self.assertEqual(['k1'], self.names())

    def test_register_over_quota_stores_nothing(self):
        key = ed25519_public_key()
        status, body = self.json('registerSSHKeyPair', name='k1',
                                 publickey=key)
        self.assertEqual(200, status, body)
        self.assertEqual(compute_keypairs.fingerprint(key), body[
            'registersshkeypairresponse']['keypair']['fingerprint'])
        status, body = self.json('registerSSHKeyPair', name='k2',
                                 publickey=ed25519_public_key())
        self.assertOverQuota(status, body, 'registerSSHKeyPair')
        self.assertEqual(['k1'], self.names())

    def test_over_quota_in_xml(self):
        self.json('createSSHKeyPair', name='k1')
        resp = self.call('createSSHKeyPair', name='k2')
        self.assertEqual(532, resp.status_code)
        self.assertIn(b'<errorcode>532</errorcode>', resp.data)
        self.assertEqual(['k1'], self.names())

    def test_compute_api_sees_the_pair(self):
        self.json('createSSHKeyPair', name='cs-key')
        resp = self.api.request('GET', '/v2.1/os-keypairs')
        self.assertEqual(['cs-key'], [k['keypair']['name'] for k in
                                      resp.json['keypairs']])
        resp = self.api.request('POST', '/v2.1/os-keypairs',
                                {'keypair': {'name': 'nova-key'}})
        self.assertEqual(403, resp.status_code)


class KeyPairErrorsTest(test_endpoint.CloudStackTestCase):

    def test_bad_public_key_is_431(self):
        status, body = self.json('registerSSHKeyPair', name='k',
                                 publickey='ssh-rsa not-base64!')
        self.assertEqual(431, status)
        self.assertIn('publickey', body['registersshkeypairresponse'][
            'errortext'])
        self.assertEqual([], keypair_db.key_pair_get_all(
            self.api.admin_context, fakes.USER))

    def test_name_taken_is_431(self):
        self.assertEqual(200, self.json('createSSHKeyPair', name='k')[0])
        status, body = self.json('registerSSHKeyPair', name='k',
                                 publickey=ed25519_public_key())
        self.assertEqual(431, status)
        self.assertIn('already exists', body['registersshkeypairresponse'][
            'errortext'])

    def test_names_follow_the_compute_api_rule(self):
        # The compute API refuses these names (os-keypairs at 2.1), so a
        # pair made through CloudStack could not be managed there.
        for bad in ('a/b', ' lead', 'trail ', 'x' * 256, 'ünï'):
            for command, extra in (
                    ('createSSHKeyPair', {}),
                    ('registerSSHKeyPair',
                     {'publickey': ed25519_public_key()})):
                status, body = self.json(command, name=bad, **extra)
                self.assertEqual(431, status, (command, bad, body))
                self.assertIn('parameter name', body[
                    command.lower() + 'response']['errortext'])
        self.assertEqual([], keypair_db.key_pair_get_all(
            self.api.admin_context, fakes.USER))
        self.assertEqual(200, self.json('createSSHKeyPair',
                                        name='ok name_1-2')[0])
