"""Microversions 2.90 to 2.104 of servers: hostname (2.90, 2.94), the
pinned availability zone (2.96, 2.104), image properties (2.98) and
scheduler hints (2.100), before and after each version (compute API
reference, REST API version history; "Create Server", "Update
Server")."""
from nova_lite.db import images as image_db
from nova_lite.db import services as service_db
from tests.unit.api import fakes
from tests.unit.api import test_microversions_wave3 as wave3

SERVERS = '/v2.1/servers'
at = wave3.at
HOSTNAME = 'OS-EXT-SRV-ATTR:hostname'


class _ServersTestCase(fakes.APITestCase):

    def create(self, version, headers=fakes.MEMBER, **fields):
        fields.setdefault('networks', 'none')
        return self.post(SERVERS, wave3.server(**fields),
                         at(version, headers))

    def created(self, version, **fields):
        resp = self.create(version, **fields)
        self.assertEqual(202, resp.status_code, resp.json)
        return resp.json['server']['id']

    def show(self, server_id, version, headers=fakes.MEMBER):
        resp = self.get(SERVERS + '/' + server_id, at(version, headers))
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json['server']

    def update(self, server_id, version, **fields):
        return self.put(SERVERS + '/' + server_id, {'server': fields},
                        at(version))


class HostnameTest(_ServersTestCase):
    """2.90: hostname on create and update, shown to every caller; 2.94:
    FQDNs."""

    def test_create(self):
        self.assertFault(self.create('2.89', hostname='web1'), 400,
                         'badRequest', 'hostname')
        server_id = self.created('2.90', hostname='web1')
        self.assertNotIn(HOSTNAME, self.show(server_id, '2.89'))
        self.assertEqual('web1', self.show(server_id, '2.90')[HOSTNAME])
        listed = self.get(SERVERS + '/detail', at('2.90')).json['servers']
        self.assertEqual(['web1'], [s[HOSTNAME] for s in listed])
        # Without one, the host name comes from the server name.
        other = self.created('2.90', name='My Server')
        self.assertEqual('my-server', self.show(other, '2.90')[HOSTNAME])

    def test_create_bad_hostnames(self):
        for bad in ('a', '-web', 'web_1', 'web.example.org', 'x' * 64):
            self.assertFault(self.create('2.90', hostname=bad), 400,
                             'badRequest', 'hostname')
        self.assertFault(self.create('2.90', hostname='web', max_count=2),
                         400, 'badRequest', 'several servers')

    def test_fqdn_from_2_94(self):
        fqdn = 'web-1.dc_2.example.org'
        server_id = self.created('2.94', hostname=fqdn)
        self.assertEqual(fqdn, self.show(server_id, '2.94')[HOSTNAME])
        long_name = '.'.join(['a' * 63] * 4)
        self.assertEqual(255, len(long_name))
        self.assertEqual(202, self.create('2.94',
                                          hostname=long_name).status_code)
        for bad in ('', long_name + 'b', 'web/1', 'web 1'):
            self.assertFault(self.create('2.94', hostname=bad), 400,
                             'badRequest', 'hostname')

    def test_update(self):
        server_id = self.created('2.90', hostname='web1')
        self.assertFault(self.update(server_id, '2.89', hostname='web2'),
                         400, 'badRequest', 'hostname')
        resp = self.update(server_id, '2.90', hostname='web2')
        self.assertEqual('web2', resp.json['server'][HOSTNAME])
        self.assertFault(self.update(server_id, '2.93',
                                     hostname='web2.example.org'),
                         400, 'badRequest', 'hostname')
        resp = self.update(server_id, '2.94', hostname='web2.example.org')
        self.assertEqual('web2.example.org', resp.json['server'][HOSTNAME])
        # A rename alone keeps nova_lite's rule: the host name follows.
        resp = self.update(server_id, '2.94', name='db', hostname='db1')
        self.assertEqual(('db', 'db1'), (resp.json['server']['name'],
                                         resp.json['server'][HOSTNAME]))


class PinnedZoneTest(_ServersTestCase):
    """2.96: pinned_availability_zone in show, detail and update; 2.104:
    update pins and unpins."""

    def setUp(self):
        super().setUp()
        ctx = self.api.admin_context
        for host in ('node1', 'node2'):
            service_db.service_register(ctx, host, 'nova-lite-compute',
                                        'compute')
        resp = self.post('/v2.1/os-aggregates', {'aggregate': {
            'name': 'rack1', 'availability_zone': 'az1'}}, fakes.ADMIN)
        self.post('/v2.1/os-aggregates/%s/action' % resp.json[
            'aggregate']['id'], {'add_host': {'host': 'node1'}},
            fakes.ADMIN)

    def test_shown_from_2_96(self):
        pinned = self.created('2.95', availability_zone='az1')
        free = self.created('2.95')
        self.assertNotIn('pinned_availability_zone',
                         self.show(pinned, '2.95'))
        self.assertEqual('az1', self.show(
            pinned, '2.96')['pinned_availability_zone'])
        self.assertIsNone(self.show(free, '2.96')[
            'pinned_availability_zone'])
        listed = {s['id']: s['pinned_availability_zone'] for s in self.get(
            SERVERS + '/detail', at('2.96')).json['servers']}
        self.assertEqual({pinned: 'az1', free: None}, listed)
        resp = self.update(free, '2.96', name='renamed')
        self.assertIsNone(resp.json['server']['pinned_availability_zone'])

    def test_zone_shown_is_the_hosts(self):
        free = self.created('2.96')
        self.assertEqual('', self.show(free, '2.96')[
            'OS-EXT-AZ:availability_zone'])
        self.set_instance(free, host='node1')
        self.assertEqual('az1', self.show(free, '2.96')[
            'OS-EXT-AZ:availability_zone'])
        self.set_instance(free, host='node2')
        self.assertEqual('nova', self.show(free, '2.96')[
            'OS-EXT-AZ:availability_zone'])

    def test_update_from_2_104(self):
        server_id = self.created('2.104', availability_zone='az1')
        self.set_instance(server_id, host='node1')
        self.assertFault(self.update(server_id, '2.103',
                                     pinned_availability_zone=None),
                         400, 'badRequest', 'pinned_availability_zone')
        # The same zone again: no change.
        resp = self.update(server_id, '2.104',
                           pinned_availability_zone='az1')
        self.assertEqual('az1', resp.json['server'][
            'pinned_availability_zone'])
        # Another zone while pinned: unpin first.
        self.assertFault(self.update(server_id, '2.104',
                                     pinned_availability_zone='nova'),
                         409, 'conflictingRequest', 'unpin it first')
        resp = self.update(server_id, '2.104', pinned_availability_zone=None)
        server = resp.json['server']
        self.assertEqual((None, 'az1'), (
            server['pinned_availability_zone'],
            server['OS-EXT-AZ:availability_zone']))
        # Unpinned: only the zone it is in pins it.
        self.assertFault(self.update(server_id, '2.104',
                                     pinned_availability_zone='nova'),
                         409, 'conflictingRequest', 'current availability')
        resp = self.update(server_id, '2.104',
                           pinned_availability_zone='az1')
        self.assertEqual('az1', resp.json['server'][
            'pinned_availability_zone'])


class ImageAndHintsTest(_ServersTestCase):
    """2.98: image.properties; 2.100: scheduler_hints."""

    IMAGE = '5a0d7b5e-3b0b-4f40-9d0f-6b1b3c6d7e8f'

    def setUp(self):
        super().setUp()
        image_db.image_create(self.api.admin_context, {
            'uuid': self.IMAGE, 'name': 'tuned', 'status': 'active',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'size': 4096, 'min_disk': 0, 'min_ram': 0,
            'visibility': 'public', 'properties': {
                'hw_disk_bus': 'virtio', 'os_distro': 'cirros',
                'architecture': 'x86_64', 'owner_note': 'mine'}})

    def test_image_properties_from_2_98(self):
        server_id = self.created('2.98', imageRef=self.IMAGE)
        self.assertNotIn('properties', self.show(server_id, '2.97')['image'])
        image = self.show(server_id, '2.98')['image']
        self.assertEqual(self.IMAGE, image['id'])
        self.assertEqual({'hw_disk_bus': 'virtio', 'os_distro': 'cirros',
                          'architecture': 'x86_64'}, image['properties'])
        plain = self.created('2.98')
        self.assertEqual({}, self.show(plain, '2.98')['image'][
            'properties'])

    def test_scheduler_hints_from_2_100(self):
        group = self.post('/v2.1/os-server-groups', {'server_group': {
            'name': 'g', 'policy': 'anti-affinity'}}, at('2.64')).json[
                'server_group']['id']
        body = wave3.server(networks='none')
        body['os:scheduler_hints'] = {'group': group, 'rack': ['r1', 'r2']}
        resp = self.post(SERVERS, body, at('2.100'))
        self.assertEqual(202, resp.status_code, resp.json)
        server_id = resp.json['server']['id']
        self.assertNotIn('scheduler_hints', self.show(server_id, '2.99'))
        self.assertEqual({'group': [group], 'rack': ['r1', 'r2']},
                         self.show(server_id, '2.100')['scheduler_hints'])
        plain = self.created('2.100')
        self.assertEqual({}, self.show(plain, '2.100')['scheduler_hints'])
        listed = self.get(SERVERS + '/detail', at('2.100')).json['servers']
        self.assertEqual({server_id: ['group', 'rack'], plain: []},
                         {s['id']: sorted(s['scheduler_hints'])
                          for s in listed})
        resp = self.update(plain, '2.100', name='x')
        self.assertEqual({}, resp.json['server']['scheduler_hints'])
