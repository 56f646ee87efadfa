"""Shared fixtures of the API unit tests: the full ``build_app()`` WSGI
pipeline (noauth) over a fresh SQLite database and the in-process
``fake://`` bus, with no service listening (casts just wait on the bus).
"""
import datetime
import json
import logging

import fixtures
from oslo_config import cfg
import testtools
from werkzeug import test as werkzeug_test

from nova_lite.api import wsgi
from nova_lite import context as nl_context
from nova_lite.db import actions as action_db
from nova_lite.db import flavors as flavor_db
from nova_lite.db import images as image_db
from nova_lite.db import instances as instance_db
from nova_lite.db import session as db_session
from nova_lite.db import models
from nova_lite.network import api as network_api
from tests import environment

CONF = cfg.CONF

PROJECT = 'project-a'
OTHER_PROJECT = 'project-b'
USER = 'user-a'
IMAGE_UUID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
NETWORK_LABEL = 'private'

MEMBER = {'X-User-Id': USER, 'X-Project-Id': PROJECT, 'X-Roles': 'member'}
READER = {'X-User-Id': USER, 'X-Project-Id': PROJECT, 'X-Roles': 'reader'}
ADMIN = {'X-User-Id': 'admin', 'X-Project-Id': 'admin-project',
         'X-Roles': 'admin,member,reader'}
OTHER = {'X-User-Id': 'user-b', 'X-Project-Id': OTHER_PROJECT,
         'X-Roles': 'member'}


def seed(ctx):
    """Flavors '1' (m1.tiny) and '2' (m1.small), the active public image
    IMAGE_UUID (no data) and the flat network."""
    flavor_db.flavor_create(ctx, {'flavorid': '1', 'name': 'm1.tiny',
                                  'memory_mb': 512, 'vcpus': 1,
                                  'root_gb': 1})
    flavor_db.flavor_create(ctx, {'flavorid': '2', 'name': 'm1.small',
                                  'memory_mb': 2048, 'vcpus': 1,
                                  'root_gb': 20, 'swap': 512})
    image_db.image_create(ctx, {'uuid': IMAGE_UUID, 'name': 'cirros',
                                'status': 'active', 'disk_format': 'qcow2',
                                'container_format': 'bare', 'size': 4096,
                                'min_disk': 0, 'min_ram': 0,
                                'visibility': 'public', 'properties': {}})
    network_api.get_default_network(ctx)


class APIFixture(fixtures.Fixture):
    """``build_app()`` on a test ``Environment`` (SQLite copied from a
    template seeded by ``seed``); ``client`` is a werkzeug test client."""

    def __init__(self, **api_options):
        super().__init__()
        self.api_options = api_options

    def _setUp(self):
        env = self.useFixture(environment.Environment(
            overrides={('network', 'label'): NETWORK_LABEL}, seed=seed,
            template=True))
        self.conf = env.conf
        self.conf.config(group='api', **self.api_options)
        self.admin_context = env.admin
        self.network = env.network
        self.client = werkzeug_test.Client(wsgi.build_app(CONF))

    # ------------------------------------------------------------ requests

    def request(self, method, path, body=None, headers=None, raw=None,
                content_type='application/json'):
        """Send a request; ``body`` is JSON-encoded, ``raw`` sent as is."""
        headers = dict(MEMBER if headers is None else headers)
        data = raw if raw is not None else (
            None if body is None else json.dumps(body))
        if data is not None and content_type:
            headers.setdefault('Content-Type', content_type)
        return self.client.open(path, method=method, data=data,
                                headers=headers)

    def count_instances(self):
        """Rows of the instances table, deleted or not."""
        with db_session.reader(self.admin_context) as session:
            return session.query(models.Instance).count()


class APITestCase(testtools.TestCase):
    """Base class: ``self.api`` is an APIFixture."""

    api_options = {}

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.api = self.useFixture(APIFixture(**self.api_options))

    def get(self, path, headers=None):
        return self.api.request('GET', path, headers=headers)

    def post(self, path, body=None, headers=None, **kwargs):
        return self.api.request('POST', path, body, headers, **kwargs)

    def put(self, path, body=None, headers=None, **kwargs):
        return self.api.request('PUT', path, body, headers, **kwargs)

    def delete(self, path, headers=None):
        return self.api.request('DELETE', path, headers=headers)

    def create_server(self, headers=None, **server):
        """POST a server (defaults: name, image, flavor '1'); return its
        id after asserting 202."""
        body = {'name': 'web', 'imageRef': IMAGE_UUID, 'flavorRef': '1'}
        body.update(server)
        resp = self.post('/v2.1/servers', {'server': body}, headers)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        return resp.json['server']['id']

    def set_instance(self, server_id, **values):
        """Move an instance's state as services would (host, vm_state...)."""
        instance_db.instance_update(self.api.admin_context, server_id, values)

    def record_build_event(self, server_id, result, **event):
        """Record a compute_build_and_run_instance event (as the compute's
        conductor would) on the server's create action; the action's
        ``(os-instance-actions URL, request_id)``. ``event``: traceback,
        details, ..."""
        url = '/v2.1/servers/%s/os-instance-actions' % server_id
        request_id = self.get(url).json['instanceActions'][0]['request_id']
        ctx = nl_context.RequestContext(
            user_id='compute', project_id=None, is_admin=True,
            roles=['admin'], request_id=request_id)
        action_db.action_event_record(
            ctx, server_id, 'compute_build_and_run_instance', result,
            'node1', datetime.datetime(2026, 1, 1), finish_action=True,
            **event)
        return url, request_id

    def assertFault(self, resp, code, name, message_part=None):
        """``resp`` is a compute API fault of ``code``/``name``."""
        self.assertEqual(code, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual('application/json', resp.mimetype)
        self.assertEqual([name], list(resp.json))
        fault = resp.json[name]
        self.assertEqual(code, fault['code'])
        self.assertIsInstance(fault['message'], str)
        self.assertTrue(fault['message'])
        if message_part is not None:
            self.assertIn(message_part, fault['message'])
        return fault['message']
