"""``/client/api`` through the whole ``build_app()`` pipeline over SQLite;
Keystone (a process boundary) is replaced by a fake holding one key
pair and one password."""
import json
from xml.etree import ElementTree

from cs import client as cs_client
import fixtures
import testtools

from nova_lite.api.cloudstack import keystone
from nova_lite.api.cloudstack import sessions
from nova_lite.api.cloudstack import jobs
from nova_lite.compute import states
from nova_lite.db import api_keys as api_key_db
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes

API_KEY, SECRET = 'test-api-key', 'test-secret-key'
PATH = '/client/api'


class FakeKeystone:
    """The KeystoneClient calls the API makes, answered from memory."""

    def __init__(self, roles):
        self.identity = keystone.Identity(
            fakes.USER, 'user-a', fakes.PROJECT, 'project-a', 'default',
            'Default', roles, expires_at=None)

    def api_key_identity(self, row):
        return SECRET, self.identity

    def password_login(self, username, password, domain_name=None,
                       domain_id=None):
        if password != 'right':
            from nova_lite.api.cloudstack import errors
            raise errors.Unauthorized('Failed to authenticate user')
        return self.identity


class CloudStackTestCase(testtools.TestCase):
    """``self.api`` is an APIFixture whose CloudStack caller is user
    ``fakes.USER`` of ``fakes.PROJECT`` (api key API_KEY)."""

    roles = ['member', 'reader']

    def setUp(self):
        super().setUp()
        self.api = self.useFixture(fakes.APIFixture())
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.keystone.get_client',
            lambda conf: FakeKeystone(self.roles)))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.sessions._STORE', None))
        api_key_db.api_key_replace(self.api.admin_context, API_KEY, 'cred-1',
                                   fakes.USER, fakes.PROJECT)

    def call(self, command, sign=True, method='GET', secret=SECRET,
             **params):
        params = dict(params, command=command)
        if sign:
            params['apiKey'] = API_KEY
            cs_client.CloudStack('http://x', key=API_KEY,
                                 secret=secret)._sign(params)
        if method == 'GET':
            return self.api.client.get(PATH, query_string=params)
        return self.api.client.post(PATH, data=params)

    def json(self, command, **params):
        resp = self.call(command, response='json', **params)
        return resp.status_code, json.loads(resp.data)


class EndpointTest(CloudStackTestCase):

    def test_signed_list_zones_json_and_xml(self):
        status, body = self.json('listZones')
        self.assertEqual(200, status)
        self.assertEqual('nova',
                         body['listzonesresponse']['zone'][0]['name'])
        resp = self.call('listZones')
        root = ElementTree.fromstring(resp.data)
        self.assertEqual('listzonesresponse', root.tag)
        self.assertEqual('nova', root.find('zone').findtext('name'))

    def test_bad_signature_is_401_in_requested_format(self):
        status, body = self.json('listZones', secret='wrong')
        self.assertEqual(401, status)
        self.assertEqual(401, body['listzonesresponse']['errorcode'])
        resp = self.call('listZones', secret='wrong')
        self.assertEqual(401, resp.status_code)
        self.assertEqual('401', ElementTree.fromstring(resp.data)
                         .findtext('errorcode'))

    def test_no_credentials_is_401(self):
        status, body = self.json('listZones', sign=False)
        self.assertEqual(401, status)

    def test_unknown_command_is_432(self):
        status, body = self.json('fooBar')
        self.assertEqual(432, status)
        self.assertEqual(432, body['foobarresponse']['errorcode'])
        status, body = self.json('<bad>')
        self.assertEqual(432, body['errorresponse']['errorcode'])

    def test_admin_command_hidden_from_members(self):
        status, body = self.json('listHosts')
        self.assertEqual(432, status)

    def test_missing_and_malformed_parameters_are_431(self):
        status, body = self.json('deployVirtualMachine',
                                 serviceofferingid='1')
        self.assertEqual(431, status)
        self.assertIn('templateid', body['deployvirtualmachineresponse'][
            'errortext'])
        status, body = self.json('queryAsyncJobResult', jobid='nope')
        self.assertEqual(431, status)
        self.assertIn('jobid', body['queryasyncjobresultresponse'][
            'errortext'])

    def test_list_offerings_and_empty_vm_list(self):
        status, body = self.json('listServiceOfferings')
        offerings = body['listserviceofferingsresponse']['serviceoffering']
        self.assertEqual({'1', '2'}, {o['id'] for o in offerings})
        status, body = self.json('listVirtualMachines')
        self.assertEqual({}, body['listvirtualmachinesresponse'])

    def test_deploy_then_job_follows_the_instance(self):
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=zone['id'], name='vm1')
        self.assertEqual(200, status, body)
        deployed = body['deployvirtualmachineresponse']
        query = {'jobid': deployed['jobid']}
        job = self.json('queryAsyncJobResult', **query)[1][
            'queryasyncjobresultresponse']
        self.assertEqual(0, job['jobstatus'])
        self.assertNotIn('jobresult', job)
        vm = self.json('listVirtualMachines', id=deployed['id'])[1][
            'listvirtualmachinesresponse']['virtualmachine'][0]
        self.assertEqual(('Starting', 'vm1'), (vm['state'], vm['name']))
        instance_db.instance_update(self.api.admin_context, deployed['id'], {
            'vm_state': states.ACTIVE, 'task_state': None})
        job = self.json('queryAsyncJobResult', **query)[1][
            'queryasyncjobresultresponse']
        self.assertEqual((jobs.SUCCEEDED, 'Running'), (
            job['jobstatus'], job['jobresult']['virtualmachine']['state']))

    def test_failed_build_fails_the_job_with_the_fault(self):
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        deployed = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=zone['id'])[1][
            'deployvirtualmachineresponse']
        instance_db.instance_update(
            self.api.admin_context, deployed['id'],
            {'vm_state': states.ERROR, 'task_state': None},
            fault={'code': 500, 'message': 'No valid host was found. '
                   'RamFilter rejected 1 of 1 hosts'})
        job = self.json('queryAsyncJobResult', jobid=deployed['jobid'])[1][
            'queryasyncjobresultresponse']
        self.assertEqual(jobs.FAILED, job['jobstatus'])
        self.assertIn('No valid host was found',
                      job['jobresult']['errortext'])

    def test_login_is_post_only_and_starts_a_session(self):
        resp = self.call('login', sign=False, username='u', password='right',
                         response='json')
        self.assertEqual(405, resp.status_code)
        resp = self.call('login', sign=False, method='POST', username='u',
                         password='wrong', response='json')
        self.assertEqual(401, resp.status_code)
        resp = self.call('login', sign=False, method='POST', username='u',
                         password='right', response='json')
        self.assertEqual(200, resp.status_code)
        key = json.loads(resp.data)['loginresponse']['sessionkey']
        cookie = self.api.client.get_cookie(sessions.COOKIE, path='/client')
        self.assertIsNotNone(cookie)
        resp = self.call('listZones', sign=False, sessionkey=key)
        self.assertEqual(200, resp.status_code)
        resp = self.call('listZones', sign=False, sessionkey='other')
        self.assertEqual(401, resp.status_code)

    def test_unexpected_error_is_530_without_details(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.db.flavors.flavor_get_all',
            lambda *a, **k: 1 / 0))
        status, body = self.json('listServiceOfferings')
        self.assertEqual(530, status)
        text = body['listserviceofferingsresponse']['errortext']
        self.assertNotIn('ZeroDivision', text)
        self.assertIn('request', text)
