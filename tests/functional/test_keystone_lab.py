"""devstack/tools/keystone_lab.py against a real Keystone (KeystoneFixture).

Token formats: Identity API v3, https://docs.openstack.org/api-ref/identity/v3/
"""
import dataclasses
import os
import socket

import requests
import testtools

from tests.functional.fixtures import keystone as keystone_fixture

COMPUTE_URL = 'http://127.0.0.1:8774/v2.1'
IMAGE_URL = 'http://127.0.0.1:8774/image'
NETWORK_URL = 'http://127.0.0.1:8774/network'
VOLUME_URL = 'http://127.0.0.1:8774/volume/v3/$(project_id)s'
#: Server URL (no database name) for the MariaDB variant; the fixture
#: creates and drops its own database there.
MYSQL_URL = os.environ.get('NOVA_LITE_TEST_MYSQL_URL',
                           'mysql+pymysql://root@127.0.0.1/')


def _role_names(body):
    return sorted(role['name'] for role in body['token']['roles'])


def _catalog_urls(body, service_type):
    """{interface: url} of ``service_type`` in a token body's catalog."""
    for service in body['token']['catalog']:
        if service['type'] == service_type:
            return {e['interface']: e['url'] for e in service['endpoints']
                    if e['region_id'] == 'RegionOne'}
    return {}


class _KeystoneClassFixture(testtools.TestCase):
    """Shares one KeystoneFixture between the tests of a class."""

    db_url = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ks = keystone_fixture.KeystoneFixture(COMPUTE_URL, IMAGE_URL,
                                                  db_url=cls.db_url,
                                                  network_url=NETWORK_URL,
                                                  volume_url=VOLUME_URL)
        cls.ks.setUp()

    @classmethod
    def tearDownClass(cls):
        cls.ks.cleanUp()
        super().tearDownClass()

    def admin_get(self, path, **params):
        resp = requests.get(self.ks.auth_url + path, params=params,
                            headers={'X-Auth-Token': self.ks.token('admin')},
                            timeout=30)
        resp.raise_for_status()
        return resp.json()

    def endpoints(self, service_type):
        """Endpoints of the seeded ``service_type`` service."""
        service_id = self.ks.ids['services'][service_type]
        return self.admin_get('/endpoints',
                              service_id=service_id)['endpoints']


class KeystoneLabTest(_KeystoneClassFixture):

    def test_demo_token_is_issued_and_validates(self):
        token, body = self.ks.auth('demo')
        self.assertEqual('demo', body['token']['user']['name'])
        self.assertEqual('demo', body['token']['project']['name'])
        resp = requests.get(self.ks.auth_url + '/auth/tokens', timeout=30,
                            headers={'X-Auth-Token': self.ks.token('admin'),
                                     'X-Subject-Token': token})
        self.assertEqual(200, resp.status_code)
        self.assertEqual(self.ks.ids['projects']['demo'],
                         resp.json()['token']['project']['id'])
        self.assertIn('member', _role_names(resp.json()))

    def test_unknown_token_does_not_validate(self):
        resp = requests.get(self.ks.auth_url + '/auth/tokens', timeout=30,
                            headers={'X-Auth-Token': self.ks.token('admin'),
                                     'X-Subject-Token': 'not-a-token'})
        self.assertEqual(404, resp.status_code)

    def test_wrong_password_is_refused(self):
        exc = self.assertRaises(
            requests.HTTPError, self.ks.module.get_token, self.ks.auth_url,
            'demo', 'wrong-password', 'demo')
        self.assertEqual(401, exc.response.status_code)

    def test_catalog_has_compute_image_and_network_endpoints(self):
        _, body = self.ks.auth('demo')
        self.assertEqual({'public': COMPUTE_URL, 'internal': COMPUTE_URL},
                         _catalog_urls(body, 'compute'))
        self.assertEqual({'public': IMAGE_URL, 'internal': IMAGE_URL},
                         _catalog_urls(body, 'image'))
        self.assertEqual({'public': NETWORK_URL, 'internal': NETWORK_URL},
                         _catalog_urls(body, 'network'))
        # Block storage under both of Cinder's types, with the token's
        # project substituted into the URL.
        volume = VOLUME_URL.replace('$(project_id)s',
                                    body['token']['project']['id'])
        for service_type in ('block-storage', 'volumev3'):
            self.assertEqual({'public': volume, 'internal': volume},
                             _catalog_urls(body, service_type))
        identity = _catalog_urls(body, 'identity')
        self.assertEqual({'public': self.ks.auth_url,
                          'internal': self.ks.auth_url}, identity)

    def test_reader_has_only_reader_role(self):
        _, body = self.ks.auth('demo_reader')
        self.assertEqual('demo', body['token']['project']['name'])
        self.assertEqual(['reader'], _role_names(body))

    def test_member_and_admin_roles(self):
        self.assertNotIn('admin', _role_names(self.ks.auth('demo')[1]))
        self.assertEqual(['member', 'reader'],
                         _role_names(self.ks.auth('alt_demo')[1]))
        self.assertIn('admin', _role_names(self.ks.auth('admin', 'demo')[1]))
        service = self.ks.auth(self.ks.service_user)[1]
        self.assertEqual('service', service['token']['project']['name'])
        self.assertIn('admin', _role_names(service))

    def test_setup_twice_is_idempotent(self):
        before = {t: self.endpoints(t)
                  for t in ('compute', 'image', 'network')}
        pid = self.ks.module._lab_pid(self.ks.lab)
        summary = self.ks.module.setup(self.ks.lab,
                                       self.ks.module.Progress(lambda _: 0))
        self.assertEqual({'db_sync': 'skipped', 'fernet_setup': 'skipped',
                          'credential_setup': 'skipped',
                          'bootstrap': 'skipped', 'keystone': 'skipped'},
                         summary['steps'])
        self.assertEqual(pid, summary['pid'])
        self.assertEqual(self.ks.ids, summary['ids'])
        for service_type, endpoints in before.items():
            self.assertEqual(2, len(endpoints))
            self.assertEqual(
                sorted(endpoints, key=lambda e: e['id']),
                sorted(self.endpoints(service_type), key=lambda e: e['id']))

    def test_changed_url_updates_endpoints_in_place(self):
        module, lab = self.ks.module, self.ks.lab
        quiet = module.Progress(lambda _: 0)
        before = {e['id'] for e in self.endpoints('compute')}
        moved = dataclasses.replace(lab, compute_url=COMPUTE_URL + '/moved')
        self.addCleanup(module.setup, lab, quiet)
        module.setup(moved, quiet)
        after = self.endpoints('compute')
        self.assertEqual(before, {e['id'] for e in after})
        self.assertEqual({COMPUTE_URL + '/moved'}, {e['url'] for e in after})


def _mysql_reachable():
    try:
        socket.create_connection(('127.0.0.1', 3306), timeout=1).close()
        import pymysql  # noqa: F401
    except (OSError, ImportError):
        return False
    return True


@testtools.skipUnless(_mysql_reachable(), 'no MariaDB/MySQL on 127.0.0.1')
class KeystoneLabMySQLTest(_KeystoneClassFixture):
    """The same lab with its database on MariaDB/MySQL."""

    db_url = MYSQL_URL

    def test_token_and_catalog(self):
        self.assertIn('mysql', self.ks.lab.database_url)
        token, body = self.ks.auth('demo')
        self.assertTrue(token)
        self.assertEqual({'public': COMPUTE_URL, 'internal': COMPUTE_URL},
                         _catalog_urls(body, 'compute'))
