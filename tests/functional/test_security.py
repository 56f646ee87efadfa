"""Issue 3 acceptance: security of the compute API behind a real Keystone,
on a multi-process stack (RabbitMQ + MariaDB).

* every route of the app except the version documents refuses a request
  without a token or with a bad one (401), walking the Flask route table;
* a project cannot see, change or delete another project's resources
  (404, as Nova answers, so that ids do not leak);
* members get 403 on admin routes, readers cannot create;
* adminPass, user_data and key material never reach a service log, with
  every service logging at debug level.
"""
import base64
import os
import re
import secrets
import uuid

from oslo_config import cfg

from nova_lite.api import auth
from nova_lite.api import image as image_api
from nova_lite.api import wsgi
from tests.functional import test_clients

#: Placeholder values for route variables that name no seeded resource.
UNKNOWN_ID = '5e9c1a7e-0000-4000-8000-000000000000'


def route_table():
    """[(method, rule)] of every app served behind the compute API's
    authentication (``HEAD`` and ``OPTIONS`` left out): the compute API
    (``wsgi.create_flask_app``) and the image API mounted at /image.
    The CloudStack API (/client) and /healthcheck are mounts with their
    own (or, for the health check, deliberately no) authentication."""
    apps = [wsgi.create_flask_app(cfg.CONF),
            image_api.create_flask_app(cfg.CONF)]
    routes = []
    for app in apps:
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods - {'HEAD', 'OPTIONS'}):
                routes.append((method, rule.rule))
    return routes


def fill(rule, values):
    """``rule`` with each ``<conv:name>`` replaced by ``values[name]``
    (UNKNOWN_ID when the name has no value)."""
    return re.sub(r'<(?:[^:>]+:)?([^>]+)>',
                  lambda m: str(values.get(m.group(1), UNKNOWN_ID)), rule)


class SecurityTest(test_clients.KeystoneStackTestCase):
    """One Keystone-backed stack; every service logs at debug level so
    that the log scan sees what an operator debugging would."""

    extra_conf = {('DEFAULT', 'debug'): 'true'}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.routes = route_table()

    # ---------------------------------------------------------- helpers

    def boot(self, user='demo', **extra):
        """Boot a server as ``user``; wait ACTIVE; returns (server, create
        response body)."""
        client = self.api(user)
        resp = client.create_server(
            name='sec-%s' % uuid.uuid4().hex[:8],
            image=client.image_id('tiny'), **extra)
        self.assertEqual(202, resp.status_code, resp.text)
        body = resp.json()['server']
        self.addCleanup(self.api(user).delete_server, body['id'])
        server = client.wait_for_servers([body['id']])[body['id']]
        self.assertEqual('ACTIVE', server['status'], server)
        return server, body

    def route_values(self, server_id):
        return {'server_id': server_id, 'flavor_id': '1',
                'image_id': self.api('demo').image_id('tiny'),
                'key': 'k', 'keypair_name': 'k', 'name': 'k',
                'hostname_pattern': 'node1',
                'project_id': self.stack.keystone.ids['projects']['demo'],
                'tenant_id': self.stack.keystone.ids['projects']['demo'],
                'filename': 'x'}

    # ------------------------------------------------------ 401 routes

    def test_every_route_needs_a_valid_token(self):
        server, _ = self.boot()
        values = self.route_values(server['id'])
        base = self.stack.api_url
        session = self.api('demo').session
        session.headers.pop('X-Auth-Token')
        admin_token = self.stack.token('admin')
        checked = []
        for method, rule in self.routes:
            path = fill(rule, values)
            if method == 'GET' and path in auth.VERSION_PATHS:
                # Glance answers its versions with 300 Multiple Choices.
                resp = session.get(base + path, timeout=30)
                self.assertIn(resp.status_code, (200, 300),
                              'GET %s (version document) without a '
                              'token: %s' % (path, resp.text))
                self.assertTrue({'version', 'versions'} & set(resp.json()),
                                resp.text)
                continue
            kwargs = {'timeout': 30}
            if method in ('POST', 'PUT'):
                kwargs['json'] = {}
            for label, headers in (
                    ('no token', {}),
                    ('bad token', {'X-Auth-Token': 'gAAAAA' +
                                   secrets.token_urlsafe(120)})):
                resp = session.request(method, base + path, headers=headers,
                                       **kwargs)
                self.assertEqual(
                    401, resp.status_code, '%s %s with %s: %s %s' % (
                        method, path, label, resp.status_code, resp.text))
                self.assertEqual(401, resp.json()['unauthorized']['code'])
                self.assertEqual('Keystone uri="%s"' % self.stack.auth_url,
                                 resp.headers.get('WWW-Authenticate'))
            if method == 'GET':
                # Control: with a valid token the same URL is no 401, so
                # the 401 above came from the missing credentials.
                resp = session.get(base + path, timeout=30,
                                   headers={'X-Auth-Token': admin_token})
                self.assertNotEqual(401, resp.status_code,
                                    'GET %s with an admin token' % path)
            checked.append((method, rule))
        self.assertIn(('GET', '/v2.1/servers/<server_id>'), checked)
        self.assertIn(('DELETE', '/v2.1/servers/<server_id>'), checked)
        self.assertIn(('POST', '/v2.1/flavors'), checked)
        self.assertIn(('GET', '/image/v2/images'), checked)
        self.assertIn(('PUT', '/image/v2/images/<image_id>/file'), checked)
        self.assertGreaterEqual(len(checked), 60, checked)

    # ------------------------------------------------- project isolation

    def test_other_project_cannot_see_change_or_delete(self):
        server, _ = self.boot(metadata={'owner': 'demo'})
        server_id = server['id']
        alt = self.api('alt_demo')
        path = '/servers/%s' % server_id
        attempts = [
            ('GET', path, None),
            ('PUT', path, {'server': {'name': 'stolen'}}),
            ('POST', path + '/action', {'reboot': {'type': 'HARD'}}),
            ('POST', path + '/action', {'os-stop': None}),
            ('POST', path + '/action', {'lock': None}),
            ('POST', path + '/action', {'os-getConsoleOutput': {}}),
            ('GET', path + '/metadata', None),
            ('GET', path + '/metadata/owner', None),
            ('PUT', path + '/metadata/owner', {'meta': {'owner': 'alt'}}),
            ('POST', path + '/metadata', {'metadata': {'x': 'y'}}),
            ('PUT', path + '/metadata', {'metadata': {}}),
            ('DELETE', path + '/metadata/owner', None),
            ('GET', path + '/os-instance-actions', None),
            ('DELETE', path, None),
        ]
        for method, url, body in attempts:
            resp = alt.request(method, url, json=body)
            self.assertEqual(404, resp.status_code, '%s %s as alt_demo: '
                             '%s %s' % (method, url, resp.status_code,
                                        resp.text))
            self.assertNotIn(server['name'], resp.text)
        listed = [s['id'] for s in alt.list_servers()]
        self.assertNotIn(server_id, listed)
        self.assertEqual([], alt.list_servers(name=server['name']))
        resp = alt.request('GET', '/servers/detail',
                           params={'all_tenants': '1'})
        self.assertEqual(403, resp.status_code, resp.text)

        # demo's server is untouched.
        resp = self.api('demo').get_server(server_id)
        self.assertEqual(200, resp.status_code, resp.text)
        after = resp.json()['server']
        self.assertEqual(('ACTIVE', server['name'], {'owner': 'demo'}),
                         (after['status'], after['name'],
                          after['metadata']))
        self.assertEqual(server['updated'], after['updated'])

    def test_other_project_cannot_use_server_group_or_keypair(self):
        demo = self.api('demo')
        resp = demo.request('POST', '/os-server-groups', json={
            'server_group': {'name': 'sec-group',
                             'policies': ['anti-affinity']}})
        self.assertEqual(200, resp.status_code, resp.text)
        group_id = resp.json()['server_group']['id']
        self.addCleanup(self.api('demo').request, 'DELETE',
                        '/os-server-groups/%s' % group_id)
        alt = self.api('alt_demo')
        for method in ('GET', 'DELETE'):
            resp = alt.request(method, '/os-server-groups/%s' % group_id)
            self.assertEqual(404, resp.status_code,
                             '%s server group as alt_demo: %s' % (
                                 method, resp.text))
        resp = alt.request('GET', '/os-server-groups')
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertNotIn(group_id, resp.text)

        resp = demo.request('POST', '/os-keypairs',
                            json={'keypair': {'name': 'sec-kp'}})
        self.assertEqual(200, resp.status_code, resp.text)
        self.addCleanup(self.api('demo').request, 'DELETE',
                        '/os-keypairs/sec-kp')
        for method in ('GET', 'DELETE'):
            resp = alt.request(method, '/os-keypairs/sec-kp')
            self.assertEqual(404, resp.status_code,
                             '%s keypair as alt_demo: %s' % (method,
                                                             resp.text))
        # alt_demo cannot boot with demo's key either.
        resp = alt.create_server(name='alt-vm', image=alt.image_id('tiny'),
                                 key_name='sec-kp')
        self.assertIn(resp.status_code, (400, 404), resp.text)
        self.assertEqual(200, demo.request(
            'GET', '/os-keypairs/sec-kp').status_code)

    # ------------------------------------------------------ roles

    def test_member_gets_403_on_admin_routes(self):
        server, _ = self.boot()
        demo = self.api('demo')
        flavor = {'flavor': {'name': 'sec-flavor', 'ram': 64, 'vcpus': 1,
                             'disk': 1}}
        admin_only = [
            ('GET', '/os-services', None),
            ('GET', '/os-hypervisors', None),
            ('GET', '/os-hypervisors/detail', None),
            ('GET', '/servers/detail?all_tenants=1', None),
            ('GET', '/servers?all_tenants=true', None),
            ('POST', '/flavors', flavor),
            ('DELETE', '/flavors/1', None),
            ('GET', '/os-aggregates', None),
            ('POST', '/servers/%s/action' % server['id'],
             {'os-resetState': {'state': 'error'}}),
        ]
        for method, url, body in admin_only:
            resp = demo.request(method, url, json=body)
            self.assertEqual(403, resp.status_code, '%s %s as demo (member):'
                             ' %s %s' % (method, url, resp.status_code,
                                         resp.text))
            self.assertEqual(403, resp.json()['forbidden']['code'])
        resp = demo.get_server(server['id'])
        self.assertEqual('ACTIVE', resp.json()['server']['status'])

        # Control: the admin gets through on the same routes.
        admin = self.api('admin')
        for url in ('/os-services', '/os-hypervisors',
                    '/servers/detail?all_tenants=1', '/os-aggregates'):
            resp = admin.request('GET', url)
            self.assertEqual(200, resp.status_code, 'GET %s as admin: %s'
                             % (url, resp.text))
        resp = admin.request('GET', '/servers/detail?all_tenants=1')
        self.assertIn(server['id'], [s['id'] for s in
                                     resp.json()['servers']])
        resp = admin.request('POST', '/flavors', json=flavor)
        self.assertEqual(200, resp.status_code, resp.text)
        resp = admin.request('DELETE', '/flavors/%s' %
                             resp.json()['flavor']['id'])
        self.assertEqual(202, resp.status_code, resp.text)

    def test_reader_cannot_create_or_change(self):
        server, _ = self.boot()
        reader = self.api('demo_reader')
        resp = reader.create_server(name='reader-vm',
                                    image=reader.image_id('tiny'))
        self.assertEqual(403, resp.status_code, resp.text)
        for method, url, body in (
                ('DELETE', '/servers/%s' % server['id'], None),
                ('PUT', '/servers/%s' % server['id'],
                 {'server': {'name': 'by-reader'}}),
                ('POST', '/servers/%s/action' % server['id'],
                 {'os-stop': None}),
                ('PUT', '/servers/%s/metadata/k' % server['id'],
                 {'meta': {'k': 'v'}})):
            resp = reader.request(method, url, json=body)
            self.assertEqual(403, resp.status_code, '%s %s as demo_reader:'
                             ' %s %s' % (method, url, resp.status_code,
                                         resp.text))
        # Control: the reader can read the project's servers.
        self.assertIn(server['id'], [s['id'] for s in
                                     reader.list_servers()])
        resp = reader.get_server(server['id'])
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(server['name'], resp.json()['server']['name'])

    # -------------------------------------------------- secrets in logs

    def test_secrets_never_reach_the_logs(self):
        demo = self.api('demo')
        resp = demo.request('POST', '/os-keypairs',
                            json={'keypair': {'name': 'sec-logs'}})
        self.assertEqual(200, resp.status_code, resp.text)
        self.addCleanup(self.api('demo').request, 'DELETE',
                        '/os-keypairs/sec-logs')
        keypair = resp.json()['keypair']
        private_lines = [line for line in
                         keypair['private_key'].splitlines()
                         if line and not line.startswith('-----')]
        public_blob = keypair['public_key'].split()[1]

        user_data_secret = 'ud-' + secrets.token_hex(16)
        user_data = base64.b64encode(
            ('#!/bin/sh\necho %s\n' % user_data_secret).encode()).decode()
        admin_pass = 'pw-' + secrets.token_hex(16)
        server, body = self.boot(user_data=user_data, key_name='sec-logs',
                                 adminPass=admin_pass)
        self.assertEqual(admin_pass, body.get('adminPass'))
        self.assertEqual('sec-logs', server['key_name'])

        # Refused requests carrying secrets (validation messages are
        # logged) and an action on the server.
        bad_user_data = 'not base64 ' + secrets.token_hex(16)
        resp = demo.create_server(name='bad', image=demo.image_id('tiny'),
                                  user_data=bad_user_data)
        self.assertEqual(400, resp.status_code, resp.text)
        self.assertNotIn(bad_user_data, resp.text)
        bad_pass = 'pw-' + secrets.token_hex(300)
        resp = demo.create_server(name='bad', image=demo.image_id('tiny'),
                                  adminPass=bad_pass)
        self.assertEqual(400, resp.status_code, resp.text)
        self.assertNotIn(bad_pass, resp.text)
        resp = demo.request('POST', '/servers/%s/action' % server['id'],
                            json={'reboot': {'type': 'SOFT'}})
        self.assertEqual(202, resp.status_code, resp.text)
        resp = demo.delete_server(server['id'])
        self.assertEqual(204, resp.status_code, resp.text)
        self.assertGone(server['id'])

        secret_values = {
            'adminPass': admin_pass,
            'user_data (base64)': user_data,
            'user_data (decoded)': user_data_secret,
            'invalid user_data': bad_user_data,
            'invalid adminPass': bad_pass,
            'public key blob': public_blob,
        }
        for index, line in enumerate(private_lines):
            if len(line) >= 32:
                secret_values['private key line %d' % index] = line
        logs = self.log_files()
        self.assertTrue(logs, 'no log files in %s' % self.stack.state_dir)
        scanned = 0
        leaks = []
        for path in logs:
            with open(path, errors='replace') as log:
                text = log.read()
            scanned += len(text)
            for what, value in secret_values.items():
                if value in text:
                    leaks.append('%s in %s' % (what, os.path.relpath(
                        path, self.stack.state_dir)))
        self.assertEqual([], leaks)
        # The logs did see the requests (the scan is not vacuous).
        api_log = open(self.stack.processes['api'].log_path).read()
        self.assertIn('POST /v2.1/servers', api_log)
        self.assertIn(' DEBUG ', api_log)
        self.assertIn(server['id'], api_log)
        self.assertGreater(scanned, 10000)

    def log_files(self):
        """Every ``*.log`` file under the stack's state dir."""
        found = []
        for root, _dirs, files in os.walk(self.stack.state_dir):
            found.extend(os.path.join(root, f) for f in files
                         if f.endswith('.log'))
        return sorted(found)
