"""Microversions 2.2-2.10: each change before and after its version
(compute API reference, REST API version history)."""
from nova_lite.api import microversion
from tests.unit.api import fakes


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


class KeypairTypeTest(fakes.APITestCase):
    """2.2: type, 201 on create, 204 on delete."""

    def test_before_2_2(self):
        resp = self.post('/v2.1/os-keypairs', {'keypair': {'name': 'a'}},
                         at('2.1'))
        self.assertEqual(200, resp.status_code)
        self.assertNotIn('type', resp.json['keypair'])
        self.assertFault(self.post('/v2.1/os-keypairs', {'keypair': {
            'name': 'b', 'type': 'ssh'}}, at('2.1')), 400, 'badRequest')
        listed = self.get('/v2.1/os-keypairs', at('2.1')).json
        self.assertNotIn('type', listed['keypairs'][0]['keypair'])
        self.assertEqual(202, self.delete('/v2.1/os-keypairs/a',
                                          at('2.1')).status_code)

    def test_from_2_2(self):
        resp = self.post('/v2.1/os-keypairs', {'keypair': {'name': 'a'}},
                         at('2.2'))
        self.assertEqual(201, resp.status_code)
        self.assertEqual('ssh', resp.json['keypair']['type'])
        resp = self.post('/v2.1/os-keypairs', {'keypair': {
            'name': 'cert', 'type': 'x509'}}, at('2.2'))
        self.assertEqual(201, resp.status_code, resp.get_data(True))
        keypair = resp.json['keypair']
        self.assertEqual('x509', keypair['type'])
        self.assertIn('BEGIN CERTIFICATE', keypair['public_key'])
        self.assertIn('PRIVATE KEY', keypair['private_key'])
        self.assertEqual(20, len(keypair['fingerprint'].split(':')))
        resp = self.post('/v2.1/os-keypairs', {'keypair': {
            'name': 'imported', 'type': 'x509',
            'public_key': keypair['public_key']}}, at('2.2'))
        self.assertEqual(keypair['fingerprint'],
                         resp.json['keypair']['fingerprint'])
        self.assertFault(self.post('/v2.1/os-keypairs', {'keypair': {
            'name': 'bad', 'type': 'x509', 'public_key': 'ssh-rsa AAAA'}},
            at('2.2')), 400, 'badRequest')
        shown = self.get('/v2.1/os-keypairs/cert', at('2.2')).json
        self.assertEqual('x509', shown['keypair']['type'])
        self.assertEqual(204, self.delete('/v2.1/os-keypairs/cert',
                                          at('2.2')).status_code)


class KeypairUserIdTest(fakes.APITestCase):
    """2.10: admins name the owner."""

    def test_admin_manages_another_users_pair(self):
        body = {'keypair': {'name': 'theirs', 'user_id': fakes.USER}}
        self.assertFault(self.post('/v2.1/os-keypairs', body,
                                   at('2.9', fakes.ADMIN)), 400,
                         'badRequest')
        resp = self.post('/v2.1/os-keypairs', body, at('2.10', fakes.ADMIN))
        self.assertEqual(201, resp.status_code, resp.get_data(True))
        self.assertEqual(fakes.USER, resp.json['keypair']['user_id'])
        mine = self.get('/v2.1/os-keypairs', at('2.10')).json['keypairs']
        self.assertEqual(['theirs'], [k['keypair']['name'] for k in mine])
        query = '?user_id=%s' % fakes.USER
        self.assertEqual(1, len(self.get('/v2.1/os-keypairs' + query, at(
            '2.10', fakes.ADMIN)).json['keypairs']))
        self.assertEqual(0, len(self.get('/v2.1/os-keypairs' + query, at(
            '2.9', fakes.ADMIN)).json['keypairs']))
        self.assertEqual(200, self.get('/v2.1/os-keypairs/theirs' + query,
                                       at('2.10', fakes.ADMIN)).status_code)
        self.assertEqual(204, self.delete('/v2.1/os-keypairs/theirs' + query,
                                          at('2.10', fakes.ADMIN))
                         .status_code)

    def test_member_cannot_name_another_user(self):
        self.assertFault(self.get('/v2.1/os-keypairs?user_id=other',
                                  at('2.10')), 403, 'forbidden')
        self.assertFault(self.post('/v2.1/os-keypairs', {'keypair': {
            'name': 'x', 'user_id': 'other'}}, at('2.10')), 403,
            'forbidden')


class ServerAttributesTest(fakes.APITestCase):
    """2.3 extended attributes (admins), 2.9 locked."""

    def test_extended_attributes(self):
        server_id = self.create_server(user_data='aGVsbG8=')
        path = '/v2.1/servers/' + server_id
        old = self.get(path, at('2.2', fakes.ADMIN)).json['server']
        self.assertNotIn('OS-EXT-SRV-ATTR:user_data', old)
        new = self.get(path, at('2.3', fakes.ADMIN)).json['server']
        self.assertEqual('aGVsbG8=', new['OS-EXT-SRV-ATTR:user_data'])
        self.assertEqual(0, new['OS-EXT-SRV-ATTR:launch_index'])
        self.assertTrue(new['OS-EXT-SRV-ATTR:reservation_id'])
        self.assertEqual('', new['OS-EXT-SRV-ATTR:kernel_id'])
        member = self.get(path, at('2.3')).json['server']
        self.assertNotIn('OS-EXT-SRV-ATTR:user_data', member)

    def test_locked(self):
        server_id = self.create_server()
        path = '/v2.1/servers/' + server_id
        self.assertNotIn('locked', self.get(path, at('2.8')).json['server'])
        self.assertIs(False, self.get(path, at('2.9')).json['server'][
            'locked'])
        self.set_instance(server_id, locked=True)
        self.assertIs(True, self.get(path, at('2.9')).json['server'][
            'locked'])
        listed = self.get('/v2.1/servers/detail', at('2.9')).json
        self.assertIs(True, listed['servers'][0]['locked'])
        resp = self.put(path, {'server': {'name': 'n'}}, at('2.9'))
        self.assertIs(True, resp.json['server']['locked'])


class Ip6FilterTest(fakes.APITestCase):
    """2.5: ip6 for non-admins (ignored before)."""

    def test_ip6(self):
        self.create_server()
        query = '/v2.1/servers?ip6=fe80'
        self.assertEqual(1, len(self.get(query, at('2.4')).json['servers']))
        self.assertEqual(0, len(self.get(query, at('2.5')).json['servers']))
        self.assertEqual(0, len(self.get(query, at('2.4', fakes.ADMIN))
                                .json['servers']))
        self.assertEqual(0, len(self.get('/v2.1/servers?ip=10', at('2.1'))
                                .json['servers']))


class RefusedTest(fakes.APITestCase):
    """2.4: os-fixed-ips does not exist at any version; 2.6: the
    remote-consoles URL from 2.6 only, the get*Console actions until 2.5
    (tests.unit.api.test_remote_consoles has the rest)."""

    def test_not_supported(self):
        server_id = self.create_server()
        for version in ('2.1', str(microversion.MAX_VERSION)):
            self.assertFault(self.get('/v2.1/os-fixed-ips/10.0.0.2',
                                      at(version, fakes.ADMIN)), 404,
                             'itemNotFound')
        self.assertFault(self.post(
            '/v2.1/servers/%s/remote-consoles' % server_id, {
                'remote_console': {'protocol': 'vnc', 'type': 'novnc'}},
            at('2.5')), 404, 'itemNotFound')
        self.assertFault(self.post(
            '/v2.1/servers/%s/action' % server_id,
            {'os-getVNCConsole': {'type': 'novnc'}},
            at(str(microversion.MAX_VERSION))), 400, 'badRequest')
