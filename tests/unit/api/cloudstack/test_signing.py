"""Request signing of the CloudStack API (nova_lite.api.cloudstack.signing)
checked against the reference client ``cs`` and known vectors."""
import datetime

from cs import client as cs_client
import testtools

from nova_lite.api.cloudstack import signing

UTC = datetime.timezone.utc


def cs_signed(params, secret='s3cr3t'):
    """Parameters as the ``cs`` client signs them (its own code)."""
    values = dict(params)
    cs_client.CloudStack('http://127.0.0.1:1/client/api', key='k',
                         secret=secret)._sign(values)
    return values


class SigningTest(testtools.TestCase):

    def test_canonical_string_sorted_lowercased_encoded(self):
        values = {'command': 'listZones', 'apiKey': 'AbC',
                  'response': 'json', 'name': 'a b/c*d~e',
                  'signature': 'ignored'}
        self.assertEqual(
            'apikey=abc&command=listzones&name=a%20b%2fc*d%7ee'
            '&response=json', signing.canonical_string(values))

    def test_matches_cs_client_signature(self):
        values = cs_signed({'command': 'deployVirtualMachine',
                            'apiKey': 'k', 'displayname': 'my vm+1 é',
                            'zoneid': 'z', 'userdata': 'YWJj=='})
        signature = values.pop('signature')
        self.assertEqual(signature, signing.sign(values, 's3cr3t'))
        self.assertTrue(signing.verify(values, 's3cr3t', signature))

    def test_cs_client_tilde_spelling_is_accepted(self):
        values = cs_signed({'command': 'listZones', 'apiKey': 'k',
                            'keyword': 'a~b'})
        signature = values.pop('signature')
        self.assertNotEqual(signature, signing.sign(values, 's3cr3t'))
        self.assertTrue(signing.verify(values, 's3cr3t', signature))

    def test_wrong_secret_or_changed_value_fails(self):
        values = cs_signed({'command': 'listZones', 'apiKey': 'k'})
        signature = values.pop('signature')
        self.assertFalse(signing.verify(values, 'other', signature))
        values['command'] = 'listTemplates'
        self.assertFalse(signing.verify(values, 's3cr3t', signature))
        self.assertFalse(signing.verify(values, 's3cr3t', ''))

    def test_known_vector(self):
        # HMAC-SHA1("secret", "apikey=key&command=listzones"), base64.
        self.assertEqual('CSMVXb4Zy5ZfprN3Tb3ktCi7IFs=', signing.sign(
            {'command': 'listZones', 'apiKey': 'key'}, 'secret'))

    def test_parse_expires_forms(self):
        expected = datetime.datetime(2026, 11, 22, 3, 0, 0, tzinfo=UTC)
        for text in ('2026-11-22T03:00:00+0000', '2026-11-22T03:00:00Z',
                     '2026-11-22T03:00:00+00:00',
                     '2026-11-22T05:00:00+0200',
                     '2026-11-22T03:00:00.123Z'):
            self.assertEqual(expected, signing.parse_expires(text)
                             .replace(microsecond=0), text)

    def test_parse_expires_refuses_naive_and_garbage(self):
        for text in ('2026-11-22T03:00:00', 'tomorrow', '', None,
                     '2026-13-22T03:00:00Z', '2026-11-22T03:00:00+9900'):
            self.assertRaises(ValueError, signing.parse_expires, text)

    def test_check_expires(self):
        now = datetime.datetime(2026, 11, 22, 3, 0, 0, tzinfo=UTC)
        self.assertIsNone(signing.check_expires('2026-11-22T03:10:00Z',
                                                now, 3600))
        self.assertIn('expired', signing.check_expires(
            '2026-11-22T02:59:59Z', now, 3600))
        self.assertIn('ahead', signing.check_expires(
            '2026-11-23T03:00:01Z', now, 3600))
        self.assertIn('ISO 8601', signing.check_expires('x', now, 3600))
