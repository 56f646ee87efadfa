"""The metadata files against the documented formats (Nova's "Metadata"
user guide: meta_data.json, network_data.json, the version directories
and the EC2 tree)."""
import base64
import json

import testtools

from nova_lite.metadata import content

UUID = '0e2a5a3c-3d5a-4c4b-9b7e-6c1c1f0d2a11'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample demo@host'


def guest(**overrides):
    data = {
        'uuid': UUID, 'id': 42, 'name': 'web 1', 'hostname': 'web-1',
        'availability_zone': 'nova', 'launch_index': 0,
        'project_id': 'project-a', 'reservation_id': 'r-abc123',
        'flavor_name': 'm1.tiny',
        'image_ref': '155d900f-4e14-4e4c-a73d-069cbf4541e6',
        'key_name': 'demo', 'key_data': KEY, 'metadata': {'role': 'web'},
        'user_data': base64.b64encode(b'#!/bin/sh\necho hi\n').decode(),
        'admin_pass': 's3cret', 'config_drive': True,
        'networks': [{'address': '10.254.0.5', 'mac': 'fa:16:3e:00:00:05',
                      'cidr': '10.254.0.0/20', 'gateway': '10.254.0.1',
                      'network_uuid': 'net-uuid', 'label': 'private'}],
        'dns_nameservers': ['192.0.2.53'],
    }
    data.update(overrides)
    return data


class MetaDataJSONTest(testtools.TestCase):

    def test_latest_has_every_documented_key(self):
        md = content.meta_data(guest())
        self.assertEqual(
            {'uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name',
             'launch_index', 'availability_zone', 'random_seed',
             'project_id', 'devices', 'dedicated_cpus'}, set(md))
        self.assertEqual(UUID, md['uuid'])
        self.assertEqual({'role': 'web'}, md['meta'])
        self.assertEqual({'demo': KEY}, md['public_keys'])
        self.assertEqual([{'name': 'demo', 'type': 'ssh', 'data': KEY}],
                         md['keys'])
        self.assertEqual(('web-1', 'web 1', 0, 'nova', 'project-a', []), (
            md['hostname'], md['name'], md['launch_index'],
            md['availability_zone'], md['project_id'], md['devices']))
        self.assertEqual(content.RANDOM_SEED_BYTES,
                         len(base64.b64decode(md['random_seed'])))

    def test_admin_pass_only_when_asked(self):
        self.assertNotIn('admin_pass', content.meta_data(guest()))
        self.assertEqual('s3cret', content.meta_data(
            guest(), with_admin_pass=True)['admin_pass'])
        self.assertNotIn('admin_pass', content.meta_data(
            guest(admin_pass=None), with_admin_pass=True))

    def test_keys_absent_without_a_key_pair(self):
        md = content.meta_data(guest(key_name=None, key_data=None))
        self.assertNotIn('public_keys', md)
        self.assertNotIn('keys', md)

    def test_older_versions_lack_newer_keys(self):
        folsom = content.meta_data(guest(), content.FOLSOM)
        self.assertFalse({'random_seed', 'project_id', 'devices'}
                         & set(folsom))
        grizzly = content.meta_data(guest(), content.GRIZZLY)
        self.assertIn('random_seed', grizzly)
        self.assertNotIn('project_id', grizzly)
        liberty = content.meta_data(guest(), content.LIBERTY)
        self.assertIn('project_id', liberty)
        self.assertNotIn('devices', liberty)
        self.assertIn('devices', content.meta_data(guest(),
                                                   content.NEWTON_ONE))


class FilesTest(testtools.TestCase):

    def test_files_by_version(self):
        self.assertEqual({'meta_data.json', 'user_data'}, set(
            content.openstack_files(guest(), content.FOLSOM)))
        self.assertEqual(
            {'meta_data.json', 'user_data', 'vendor_data.json',
             'network_data.json', 'vendor_data2.json'},
            set(content.openstack_files(guest(), content.ROCKY)))
        self.assertRaises(content.NotFound, content.openstack_files,
                          guest(), '2011-01-01')

    def test_user_data_is_raw_and_absent_without(self):
        files = content.openstack_files(guest())
        self.assertEqual(b'#!/bin/sh\necho hi\n', files['user_data'])
        self.assertNotIn('user_data', content.openstack_files(
            guest(user_data=None)))
        self.assertEqual({}, json.loads(files['vendor_data2.json']))

    def test_network_data_layout(self):
        nd = json.loads(content.openstack_files(guest())[
            'network_data.json'])
        link = nd['links'][0]
        self.assertEqual({'id', 'vif_id', 'type', 'mtu',
                          'ethernet_mac_address'}, set(link))
        self.assertEqual('fa:16:3e:00:00:05', link['ethernet_mac_address'])
        self.assertTrue(link['id'].startswith('tap'))
        self.assertEqual(14, len(link['id']))
        net = nd['networks'][0]
        self.assertEqual({
            'id': 'network0', 'type': 'ipv4', 'link': link['id'],
            'ip_address': '10.254.0.5', 'netmask': '255.255.240.0',
            'routes': [{'network': '0.0.0.0', 'netmask': '0.0.0.0',
                        'gateway': '10.254.0.1'}],
            'network_id': 'net-uuid',
            'services': [{'type': 'dns', 'address': '192.0.2.53'}]}, net)
        self.assertEqual([{'type': 'dns', 'address': '192.0.2.53'}],
                         nd['services'])

    def test_a_nic_with_two_addresses_is_one_link(self):
        first = guest()['networks'][0]
        second = dict(first, address='10.254.0.9', tag='nic1')
        other = dict(first, address='10.254.0.7', mac='fa:16:3e:00:00:07')
        nd = content.network_data(guest(networks=[
            dict(first, tag='nic1'), second, other]))
        links = [link['id'] for link in nd['links']]
        self.assertEqual(2, len(links))
        self.assertEqual([('10.254.0.5', links[0]), ('10.254.0.9', links[0]),
                          ('10.254.0.7', links[1])],
                         [(n['ip_address'], n['link'])
                          for n in nd['networks']])
        self.assertEqual(['fa:16:3e:00:00:05'], [
            d['mac'] for d in content.devices(guest(networks=[
                dict(first, tag='nic1'), second]))])

    def test_config_drive_layout(self):
        files = content.config_drive_files(guest())
        for version in content.OPENSTACK_VERSIONS + ('latest',):
            self.assertIn('openstack/%s/meta_data.json' % version, files)
        self.assertIn('openstack/2018-08-27/network_data.json', files)
        self.assertIn('ec2/latest/meta-data.json', files)
        self.assertIn('ec2/2009-04-04/user-data', files)
        self.assertNotIn('openstack/latest/password', files)
        md = json.loads(files['openstack/latest/meta_data.json'])
        self.assertEqual('s3cret', md['admin_pass'])
        ec2 = json.loads(files['ec2/latest/meta-data.json'])
        self.assertEqual('i-0000002a', ec2['instance-id'])


class ServicePathsTest(testtools.TestCase):

    def test_listings(self):
        self.assertIn(b'latest', content.lookup(guest(), '/').split())
        self.assertEqual(
            list(content.OPENSTACK_VERSIONS) + ['latest'],
            content.lookup(guest(), '/openstack').decode().split('\n'))
        self.assertIn('password', content.lookup(
            guest(), '/openstack/latest/').decode().split('\n'))
        self.assertRaises(content.NotFound, content.lookup, guest(),
                          '/openstack/latest/nothing')

    def test_ec2_tree(self):
        g = guest()
        keys = content.lookup(g, '/latest/meta-data/').decode().split('\n')
        for key in ('ami-id', 'instance-id', 'local-hostname', 'local-ipv4',
                    'hostname', 'public-keys/', 'placement/',
                    'reservation-id'):
            self.assertIn(key, keys)
        self.assertEqual(b'i-0000002a',
                         content.lookup(g, '/latest/meta-data/instance-id'))
        self.assertEqual(b'10.254.0.5',
                         content.lookup(g, '/latest/meta-data/local-ipv4'))
        self.assertEqual(b'ami-155d900f',
                         content.lookup(g, '/latest/meta-data/ami-id'))
        self.assertEqual(b'nova', content.lookup(
            g, '/2009-04-04/meta-data/placement/availability-zone'))
        self.assertEqual(b'r-abc123', content.lookup(
            g, '/latest/meta-data/reservation-id'))
        self.assertEqual(b'0=demo', content.lookup(
            g, '/latest/meta-data/public-keys/'))
        self.assertEqual(KEY.encode(), content.lookup(
            g, '/latest/meta-data/public-keys/0/openssh-key'))
        self.assertEqual(b'#!/bin/sh\necho hi\n',
                         content.lookup(g, '/latest/user-data'))
        self.assertRaises(content.NotFound, content.lookup,
                          guest(user_data=None), '/latest/user-data')
