"""Microversion negotiation (compute API reference, "Microversions")."""
import testtools

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite import exception
from tests.unit.api import fakes

NEW = microversion.HEADER
LEGACY = microversion.LEGACY_HEADER


class ParseTest(testtools.TestCase):

    def test_parse_and_order(self):
        self.assertEqual((2, 1), microversion.APIVersion.parse('2.1'))
        self.assertEqual('2.10', str(microversion.APIVersion.parse('2.10')))
        self.assertLess(microversion.APIVersion.parse('2.9'),
                        microversion.APIVersion.parse('2.10'))
        self.assertEqual(microversion.MAX_VERSION,
                         microversion.APIVersion.parse('Latest'))

    def test_malformed(self):
        for text in ('', 'abc', '2', '2.', '.1', '2.01', '02.1', '2.1.1',
                     '2,1', ' 2 .1', '-2.1'):
            self.assertRaises(exception.ValidationError,
                              microversion.APIVersion.parse, text)

    def test_range(self):
        self.assertEqual(microversion.MIN_VERSION,
                         microversion.from_headers({}))
        for text in ('2.0', '1.1', '3.0', '2.%d' % (
                microversion.MAX_VERSION[1] + 1)):
            self.assertRaises(openstack.NotAcceptable,
                              microversion.from_headers, {LEGACY: text})

    def test_header_lists_several_services(self):
        self.assertEqual(
            microversion.MIN_VERSION,
            microversion.from_headers({NEW: 'image 2.5, compute 2.1'}))
        self.assertEqual('2.1', microversion.requested_text(
            {NEW: 'image 9.9', LEGACY: '2.1'}))
        self.assertIsNone(microversion.requested_text({NEW: 'image 2.5'}))

    def test_history_matches_maximum(self):
        if microversion.VERSION_BUMPS:
            self.assertEqual(microversion.VERSION_BUMPS[-1][0],
                             str(microversion.MAX_VERSION))
        else:
            self.assertEqual(microversion.MIN_VERSION,
                             microversion.MAX_VERSION)


class NegotiationTest(fakes.APITestCase):

    def _get(self, **headers):
        return self.get('/v2.1/flavors', headers=dict(fakes.MEMBER,
                                                      **headers))

    def _assert_echo(self, resp, version='2.1'):
        self.assertEqual('compute %s' % version, resp.headers[NEW])
        self.assertEqual(version, resp.headers[LEGACY])
        self.assertIn(NEW, resp.headers['Vary'])
        self.assertIn(LEGACY, resp.headers['Vary'])

    def test_default_is_minimum_and_echoed(self):
        resp = self._get()
        self.assertEqual(200, resp.status_code)
        self._assert_echo(resp)

    def test_both_headers_as_clients_send_them(self):
        resp = self._get(**{NEW: 'compute 2.1', LEGACY: '2.1'})
        self.assertEqual(200, resp.status_code)
        self._assert_echo(resp)

    def test_legacy_header_alone(self):
        resp = self._get(**{LEGACY: '2.1'})
        self.assertEqual(200, resp.status_code)
        self._assert_echo(resp)

    def test_latest(self):
        resp = self._get(**{NEW: 'compute latest'})
        self.assertEqual(200, resp.status_code)
        self._assert_echo(resp, str(microversion.MAX_VERSION))

    def test_new_header_wins_over_legacy(self):
        resp = self._get(**{NEW: 'compute 2.1', LEGACY: '2.99'})
        self.assertEqual(200, resp.status_code)

    def test_above_maximum_is_406(self):
        resp = self._get(**{NEW: 'compute 2.105'})
        self.assertFault(resp, 406, 'notAcceptable', 'Version 2.105 is not '
                         'supported')
        self.assertIn(NEW, resp.headers['Vary'])

    def test_below_minimum_is_406(self):
        self.assertFault(self._get(**{LEGACY: '2.0'}), 406, 'notAcceptable')

    def test_malformed_is_400(self):
        for value in ('compute 2.x', 'compute two'):
            self.assertFault(self._get(**{NEW: value}), 400, 'badRequest',
                             'Invalid API version')

    def test_errors_echo_the_version(self):
        resp = self.get('/v2.1/servers/%s' % fakes.IMAGE_UUID)
        self.assertFault(resp, 404, 'itemNotFound')
        self._assert_echo(resp)

    def test_root_document_is_not_versioned(self):
        resp = self.get('/', headers={NEW: 'compute 9.9'})
        self.assertEqual(200, resp.status_code)
        self.assertNotIn(NEW, resp.headers)
