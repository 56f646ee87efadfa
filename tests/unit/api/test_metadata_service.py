"""The metadata service (``nova_lite.api.metadata``) over the API test
database: signed identification (unsigned or forged → 403, unknown →
404, another instance's data never returned), the files it serves, the
admin password handed out once, the guest's password POST, and
os-server-password over the same password."""
import base64
import json

from oslo_config import cfg
from werkzeug import test as werkzeug_test

from nova_lite.api import metadata
from nova_lite.api import wsgi
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.metadata import proxy
from nova_lite.network import api as network_api
from nova_lite.objects import instance as instance_obj
from tests.unit.api.cloudstack import test_keypairs
from tests.unit.api import fakes

CONF = cfg.CONF
SECRET = 'proxy-secret'
KEY = test_keypairs.ed25519_public_key()
USER_DATA = b'#cloud-config\nhostname: web\n'


class MetadataServiceTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.api.conf.config(metadata_proxy_shared_secret=SECRET,
                             group='metadata')
        resp = self.post('/v2.1/os-keypairs', {'keypair': {
            'name': 'demo', 'public_key': KEY}})
        self.assertEqual(200, resp.status_code, resp.json)
        self.server_id = self.create_server(
            name='web', key_name='demo', config_drive=True,
            adminPass='first-pass', metadata={'role': 'web'},
            user_data=base64.b64encode(USER_DATA).decode())
        self.other_id = self.create_server(fakes.OTHER, name='other')
        for uuid in (self.server_id, self.other_id):
            network_api.allocate_for_instance(
                self.api.admin_context, instance_obj.Instance(uuid=uuid))
        self.client = werkzeug_test.Client(metadata.create_app(CONF))

    def signed(self, instance_id, tenant=fakes.PROJECT, secret=SECRET):
        return {'X-Instance-ID': instance_id, 'X-Tenant-ID': tenant,
                'X-Instance-ID-Signature': proxy.sign(secret, instance_id)}

    def md(self, path, headers, method='GET', data=None):
        return self.client.open(path, method=method, headers=headers,
                                data=data)

    def address(self, uuid):
        return instance_db.instance_get(
            self.api.admin_context, uuid,
            project_only=False).fixed_ips[0].address

    # -------------------------------------------------------- refusals

    def test_unsigned_and_forged_requests_are_403(self):
        path = '/openstack/latest/meta_data.json'
        self.assertEqual(403, self.md(path, {}).status_code)
        self.assertEqual(403, self.md(path, {
            'X-Instance-ID': self.server_id}).status_code)
        forged = self.signed(self.server_id, secret='guessed')
        self.assertEqual(403, self.md(path, forged).status_code)
        # A signature of another instance id does not cover this one.
        swapped = dict(self.signed(self.other_id),
                       **{'X-Instance-ID': self.server_id})
        self.assertEqual(403, self.md(path, swapped).status_code)
        unsigned_address = {'X-Forwarded-For': self.address(self.server_id)}
        self.assertEqual(403, self.md(path, unsigned_address).status_code)

    def test_no_secret_configured_refuses_everything(self):
        self.api.conf.config(metadata_proxy_shared_secret='',
                             group='metadata')
        resp = self.md('/openstack/latest/meta_data.json',
                       self.signed(self.server_id, secret=''))
        self.assertEqual(403, resp.status_code)

    def test_unknown_instance_or_wrong_tenant_is_404(self):
        unknown = '7b0e54f4-6a1d-4b6b-9a1c-111111111111'
        self.assertEqual(404, self.md('/openstack/latest/meta_data.json',
                                      self.signed(unknown)).status_code)
        resp = self.md('/openstack/latest/meta_data.json', self.signed(
            self.other_id, tenant=fakes.PROJECT))
        self.assertEqual(404, resp.status_code)
        self.assertNotIn(self.other_id.encode(), resp.data)

    # -------------------------------------------------------- content

    def test_meta_data_by_instance_and_by_address(self):
        resp = self.md('/openstack/latest/meta_data.json',
                       self.signed(self.server_id))
        self.assertEqual(200, resp.status_code, resp.data)
        self.assertEqual('application/json', resp.mimetype)
        md = json.loads(resp.data)
        self.assertEqual((self.server_id, {'role': 'web'}, {'demo': KEY}),
                         (md['uuid'], md['meta'], md['public_keys']))
        other = self.address(self.other_id)
        resp = self.md('/latest/meta-data/instance-id', {
            'X-Forwarded-For': other,
            'X-Forwarded-For-Signature': proxy.sign(SECRET, other)})
        self.assertEqual(200, resp.status_code, resp.data)
        row = instance_db.instance_get(self.api.admin_context, self.other_id,
                                       project_only=False)
        self.assertEqual(('i-%08x' % row.id).encode(), resp.data)

    def test_address_signature_covers_the_network(self):
        address = self.address(self.server_id)
        net = self.api.network['uuid']
        headers = {'X-Forwarded-For': address, 'X-Network-ID': net,
                   'X-Forwarded-For-Signature': proxy.sign(SECRET, address)}
        self.assertEqual(403, self.md('/latest/meta-data/',
                                      headers).status_code)
        headers['X-Forwarded-For-Signature'] = proxy.sign(
            SECRET, '%s,%s' % (address, net))
        resp = self.md('/latest/meta-data/local-ipv4', headers)
        self.assertEqual(address.encode(), resp.data)

    def test_user_data_and_network_data(self):
        headers = self.signed(self.server_id)
        resp = self.md('/openstack/latest/user_data', headers)
        self.assertEqual(USER_DATA, resp.data)
        self.assertEqual(USER_DATA, self.md('/latest/user-data',
                                            headers).data)
        nd = json.loads(self.md('/openstack/latest/network_data.json',
                                headers).data)
        self.assertEqual(self.address(self.server_id),
                         nd['networks'][0]['ip_address'])
        resp = self.md('/openstack/latest/user_data',
                       self.signed(self.other_id, fakes.OTHER_PROJECT))
        self.assertEqual(404, resp.status_code)

    def test_admin_pass_is_handed_out_once(self):
        headers = self.signed(self.server_id)
        first = json.loads(self.md('/openstack/latest/meta_data.json',
                                   headers).data)
        self.assertEqual('first-pass', first['admin_pass'])
        again = json.loads(self.md('/openstack/latest/meta_data.json',
                                   headers).data)
        self.assertNotIn('admin_pass', again)
        self.assertNotIn('first-pass', self.log.output)
        self.assertNotIn(SECRET, self.log.output)

    # -------------------------------------------------------- passwords

    def test_guest_posts_its_password_once(self):
        headers = self.signed(self.server_id)
        url = '/openstack/latest/password'
        self.assertEqual(b'', self.md(url, headers).data)
        resp = self.md(url, headers, 'POST', b'encrypted-blob')
        self.assertEqual(204, resp.status_code, resp.data)
        self.assertEqual(b'encrypted-blob', self.md(url, headers).data)
        self.assertEqual(409, self.md(url, headers, 'POST',
                                      b'again').status_code)
        self.assertEqual(400, self.md(url, self.signed(self.other_id,
                                                       fakes.OTHER_PROJECT),
                                      'POST', b'x' * 257).status_code)
        # 2012-08-10 predates the password file.
        self.assertEqual(405, self.md('/openstack/2012-08-10/password',
                                      headers, 'POST', b'x').status_code)
        self.assertEqual(404, self.md('/openstack/2012-08-10/password',
                                      headers).status_code)
        self.assertNotIn('encrypted-blob', self.log.output)

        show = '/v2.1/servers/%s/os-server-password' % self.server_id
        resp = self.get(show)
        self.assertEqual({'password': 'encrypted-blob'}, resp.json)
        self.assertEqual(404, self.get(show, fakes.OTHER).status_code)
        self.assertEqual(403, self.delete(show, fakes.READER).status_code)
        self.assertEqual(204, self.delete(show).status_code)
        self.assertEqual({'password': ''}, self.get(show).json)
        # Cleared: the guest may post a new one.
        self.assertEqual(204, self.md(url, headers, 'POST',
                                      b'new').status_code)

    def test_through_the_proxy(self):
        from nova_lite.api import server
        httpd = server.serve(metadata.create_app(CONF), '127.0.0.1', 0, 2)
        httpd.start()
        self.addCleanup(httpd.stop)
        url = 'http://127.0.0.1:%d' % httpd.address[1]
        address = self.address(self.server_id)
        app = proxy.MetadataProxy(url, SECRET, network_id=None)
        client = werkzeug_test.Client(app)
        resp = client.get('/latest/meta-data/instance-id', environ_base={
            'REMOTE_ADDR': address}, headers={'X-Instance-ID': 'forged'})
        self.assertEqual(200, resp.status_code, resp.data)
        row = instance_db.instance_get(self.api.admin_context,
                                       self.server_id, project_only=False)
        self.assertEqual(('i-%08x' % row.id).encode(), resp.data)
        app.set_instance('10.9.9.9', self.server_id, fakes.PROJECT)
        resp = client.get('/openstack/latest/user_data',
                          environ_base={'REMOTE_ADDR': '10.9.9.9'})
        self.assertEqual(USER_DATA, resp.data)
        resp = client.post('/openstack/latest/password', data=b'enc',
                           environ_base={'REMOTE_ADDR': '10.9.9.9'})
        self.assertEqual(204, resp.status_code)
        # An address nobody holds, signed by the proxy: 404.
        resp = client.get('/latest/meta-data/', environ_base={
            'REMOTE_ADDR': '10.9.9.8'})
        self.assertEqual(404, resp.status_code)
        # A proxy with the wrong secret is refused.
        resp = werkzeug_test.Client(proxy.MetadataProxy(url, 'wrong')).get(
            '/latest/meta-data/', environ_base={'REMOTE_ADDR': address})
        self.assertEqual(403, resp.status_code)

    # -------------------------------------------------------- the API

    def test_server_view_shows_config_drive(self):
        body = self.get('/v2.1/servers/%s' % self.server_id).json['server']
        self.assertEqual('True', body['config_drive'])
        other = self.get('/v2.1/servers/%s' % self.other_id,
                         fakes.OTHER).json['server']
        self.assertEqual('', other['config_drive'])

    def test_served_by_the_api_only_when_enabled(self):
        headers = self.signed(self.server_id)
        resp = self.api.client.get('/openstack/latest/meta_data.json',
                                   headers=dict(fakes.MEMBER, **headers))
        self.assertEqual(404, resp.status_code)
        self.assertEqual(['itemNotFound'], list(resp.json))
        self.api.conf.config(serve_in_api=True, group='metadata')
        client = werkzeug_test.Client(wsgi.build_app(CONF))
        resp = client.get('/latest/meta-data/hostname', headers=headers)
        self.assertEqual((200, b'web'), (resp.status_code, resp.data))
        self.assertEqual(403, client.get('/latest/meta-data/').status_code)


class ProxySigningTest(fakes.APITestCase):

    def test_headers_by_instance_and_by_address(self):
        mapping = {'10.0.0.5': ('uuid-1', 'project-a')}
        headers = proxy.signed_headers('s', '10.0.0.5', mapping)
        self.assertEqual({
            'X-Instance-ID': 'uuid-1', 'X-Tenant-ID': 'project-a',
            'X-Instance-ID-Signature': proxy.sign('s', 'uuid-1')}, headers)
        self.assertEqual(metadata.sign('s', 'uuid-1'),
                         headers['X-Instance-ID-Signature'])
        self.assertEqual(64, len(headers['X-Instance-ID-Signature']))
        by_address = proxy.signed_headers('s', '10.0.0.6', mapping, 'net')
        self.assertEqual(proxy.sign('s', '10.0.0.6,net'),
                         by_address['X-Forwarded-For-Signature'])
        self.assertRaises(ValueError, proxy.signed_headers, '', '10.0.0.5')

    def test_guest_supplied_identity_headers_are_replaced(self):
        app = proxy.MetadataProxy('http://127.0.0.1:1', 's',
                                  {'10.0.0.5': ('mine', 'p')})
        headers = app._headers({
            'REMOTE_ADDR': '10.0.0.5', 'HTTP_X_INSTANCE_ID': 'victim',
            'HTTP_X_INSTANCE_ID_SIGNATURE': 'forged',
            'HTTP_X_FORWARDED_FOR': '10.0.0.9', 'HTTP_ACCEPT': '*/*'})
        self.assertEqual('mine', headers['X-Instance-ID'])
        self.assertEqual(proxy.sign('s', 'mine'),
                         headers['X-Instance-ID-Signature'])
        self.assertNotIn('X-Forwarded-For', headers)
        self.assertEqual('*/*', headers['Accept'])


class ResetStateTest(fakes.APITestCase):
    """The resets need a stopped server (service layer)."""

    def test_reset_password_needs_stopped(self):
        from nova_lite.compute import guest_access
        from nova_lite import exception
        server_id = self.create_server()
        ctx = self.api.admin_context
        instance = instance_db.instance_get(ctx, server_id,
                                            project_only=False)
        self.assertRaises(exception.InstanceInvalidState,
                          guest_access.reset_password, ctx, instance)
        self.set_instance(server_id, vm_state=states.STOPPED,
                          task_state=None)
        password = guest_access.reset_password(ctx, instance)
        row = instance_db.instance_get(ctx, server_id, project_only=False)
        self.assertEqual(password, row.admin_pass)
