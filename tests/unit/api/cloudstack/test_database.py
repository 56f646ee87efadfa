"""An unreachable database at ``/client/api``: CloudStack's error
format (errorcode 534, cserrorcode 4380) with HTTP 503 and Retry-After,
in JSON and XML, never a 530, an HTML page or a traceback."""
import json
from xml.etree import ElementTree

import fixtures
from oslo_db import exception as db_exc
import oslo_messaging as messaging

from nova_lite.api import faults
from nova_lite import exception
from tests.unit.api.cloudstack import test_endpoint


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc
    return fail


class DatabaseUnreachableTest(test_endpoint.CloudStackTestCase):

    def break_db(self, function, exc=None):
        """Make ``nova_lite.db.<function>`` raise ``exc`` (default: a
        DBConnectionError, as oslo.db raises for a refused connection)."""
        exc = exc or db_exc.DBConnectionError(
            ConnectionRefusedError('127.0.0.1:3306 refused'))
        self.useFixture(fixtures.MonkeyPatch('nova_lite.db.' + function,
                                             _raise(exc)))

    def assertUnavailable(self, resp):
        self.assertEqual(503, resp.status_code)
        self.assertEqual(str(faults.DB_RETRY_AFTER),
                         resp.headers['Retry-After'])
        text = resp.get_data(as_text=True)
        for leak in ('Traceback', '127.0.0.1', 'DBConnectionError',
                     '<html'):
            self.assertNotIn(leak, text)

    def test_json(self):
        self.break_db('flavors.flavor_get_all')
        resp = self.call('listServiceOfferings', response='json')
        self.assertUnavailable(resp)
        self.assertTrue(resp.content_type.startswith('application/json'))
        error = json.loads(resp.data)['listserviceofferingsresponse']
        self.assertEqual((534, 4380), (error['errorcode'],
                                       error['cserrorcode']))
        self.assertIn('database is unreachable', error['errortext'])

    def test_xml(self):
        self.break_db('flavors.flavor_get_all')
        resp = self.call('listServiceOfferings')
        self.assertUnavailable(resp)
        root = ElementTree.fromstring(resp.data)
        self.assertEqual('listserviceofferingsresponse', root.tag)
        self.assertEqual(('534', '4380'), (root.findtext('errorcode'),
                                           root.findtext('cserrorcode')))

    def test_during_authentication(self):
        self.break_db('api_keys.api_key_get')
        resp = self.call('listZones', response='json')
        self.assertUnavailable(resp)
        self.assertEqual(534, json.loads(resp.data)['listzonesresponse'][
            'errorcode'])

    def test_write_command(self):
        self.break_db('keypairs.key_pair_create')
        resp = self.call('createSSHKeyPair', name='k', response='json')
        self.assertUnavailable(resp)

    def test_statement_error_stays_530(self):
        self.break_db('flavors.flavor_get_all',
                      db_exc.DBError(ValueError('syntax error')))
        resp = self.call('listServiceOfferings', response='json')
        self.assertEqual(530, resp.status_code)
        self.assertNotIn('Retry-After', resp.headers)
        self.assertNotIn('syntax', resp.get_data(as_text=True))


class RetryLaterTest(test_endpoint.CloudStackTestCase):
    """Other "retry later" answers of the engine keep the compute API's
    HTTP 503 and Retry-After: an RPC call that timed out, admission
    control refusing builds."""

    def assertRetryLater(self, resp, command, retry_after):
        self.assertEqual(503, resp.status_code, resp.data)
        self.assertEqual(str(retry_after), resp.headers['Retry-After'])
        error = json.loads(resp.data)[command.lower() + 'response']
        self.assertEqual((534, 4380), (error['errorcode'],
                                       error['cserrorcode']))
        return error['errortext']

    def test_rpc_timeout(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.db.flavors.flavor_get_all',
            _raise(messaging.MessagingTimeout('no reply'))))
        resp = self.call('listServiceOfferings', response='json')
        text = self.assertRetryLater(resp, 'listServiceOfferings',
                                     faults.RPC_RETRY_AFTER)
        self.assertIn('did not answer in time', text)

    def test_engine_service_unavailable_keeps_its_retry_after(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.db.flavors.flavor_get_all',
            _raise(exception.ServiceUnavailable(
                reason='too many builds in progress', retry_after=7))))
        resp = self.call('listServiceOfferings', response='json')
        text = self.assertRetryLater(resp, 'listServiceOfferings', 7)
        self.assertIn('too many builds', text)
