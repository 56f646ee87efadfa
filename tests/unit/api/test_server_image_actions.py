"""The rebuild, createImage and createBackup server actions through the
compute API app (noauth, SQLite; the casts to the compute only wait on
the bus): codes, bodies per microversion, policies, state checks and
what the API writes before casting."""
from unittest import mock

from nova_lite.api import microversion
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.db import images as image_db
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes
from tests.unit.api import test_servers

SERVERS = '/v2.1/servers'
NEW_IMAGE = '0b9a1f27-2a41-4c8e-9f57-0d1a3a5b8c11'


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


class _ImageActionsTestCase(test_servers._ServersTestCase):

    def setUp(self):
        super().setUp()
        self.rebuild_cast = self.useFixture_patch('rebuild_instance')
        self.snapshot_cast = self.useFixture_patch('snapshot_instance')
        image_db.image_create(self.api.admin_context, {
            'uuid': NEW_IMAGE, 'name': 'new', 'status': 'active',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'size': 1024, 'min_disk': 0, 'min_ram': 0,
            'visibility': 'public',
            'properties': {'hw_disk_bus': 'virtio',
                           'os_glance_tags': ['x']}})
        self.server_id = self.create_server(metadata={'a': '1'})
        self.make_active(self.server_id)
        self.path = '%s/%s/action' % (SERVERS, self.server_id)

    def useFixture_patch(self, method):
        patcher = mock.patch.object(compute_rpcapi.ComputeAPI, method)
        mocked = patcher.start()
        self.addCleanup(patcher.stop)
        return mocked

    def instance(self):
        return instance_db.instance_get(self.api.admin_context,
                                        self.server_id)


class RebuildTest(_ImageActionsTestCase):

    def test_rebuild_casts_and_answers(self):
        resp = self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE, 'name': 'renamed', 'adminPass': 'pw1'}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server = resp.json['server']
        self.assertEqual('REBUILD', server['status'])
        self.assertEqual('renamed', server['name'])
        self.assertEqual(NEW_IMAGE, server['image']['id'])
        self.assertEqual({'a': '1'}, server['metadata'])
        row = self.instance()
        self.assertEqual(states.REBUILDING, row.task_state)
        self.assertEqual('pw1', row.admin_pass)
        self.rebuild_cast.assert_called_once_with(
            mock.ANY, 'node1', self.server_id, NEW_IMAGE, False,
            reimage_boot_volume=False)
        actions = self.get('%s/%s/os-instance-actions' % (
            SERVERS, self.server_id)).json['instanceActions']
        self.assertEqual('rebuild', actions[0]['action'])
        self.assertFault(self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE}}), 409, 'conflictingRequest',
            'task_state')

    def test_metadata_replaced_when_given(self):
        resp = self.post(self.path, {'rebuild': {
            'imageRef': fakes.IMAGE_UUID, 'metadata': {'b': '2'}}})
        self.assertEqual({'b': '2'}, resp.json['server']['metadata'])

    def test_stopped_and_error_allowed_building_not(self):
        self.set_instance(self.server_id, vm_state=states.STOPPED)
        self.assertEqual(202, self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE}}).status_code)
        self.set_instance(self.server_id, vm_state=states.ERROR,
                          task_state=None)
        self.assertEqual(202, self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE}}).status_code)
        self.set_instance(self.server_id, vm_state=states.BUILDING,
                          task_state=None)
        self.assertFault(self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE}}), 409, 'conflictingRequest', 'building')

    def test_bad_images_400_before_any_change(self):
        image_db.image_create(self.api.admin_context, {
            'uuid': 'b1', 'name': 'queued', 'status': 'queued',
            'visibility': 'public', 'properties': {}})
        image_db.image_create(self.api.admin_context, {
            'uuid': 'b2', 'name': 'big', 'status': 'active', 'size': 2 ** 31,
            'disk_format': 'raw', 'container_format': 'bare',
            'visibility': 'public', 'properties': {}})
        for ref, part in (('nope', 'Can not find'), ('b1', 'not active'),
                          ('b2', 'too small')):
            self.assertFault(self.post(self.path, {'rebuild': {
                'imageRef': ref}}), 400, 'badRequest', part)
        row = self.instance()
        self.assertIsNone(row.task_state)
        self.assertEqual(fakes.IMAGE_UUID, row.image_ref)
        self.rebuild_cast.assert_not_called()

    def test_locked_409_for_owner(self):
        self.set_instance(self.server_id, locked=True)
        self.assertFault(self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE}}), 409, 'conflictingRequest')
        self.assertEqual(202, self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE}}, fakes.ADMIN).status_code)

    def test_policy_reader_forbidden(self):
        self.assertFault(self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE}}, fakes.READER), 403, 'forbidden')

    def test_schema_by_microversion(self):
        cases = (
            ('2.1', {'key_name': None}, 400),
            ('2.54', {'key_name': None}, 202),
            ('2.54', {'user_data': 'aGk='}, 400),
            ('2.57', {'user_data': 'aGk='}, 202),
            ('2.57', {'personality': []}, 400),
            ('2.63', {'trusted_image_certificates': ['x']}, 400),
            ('2.85', {'hostname': 'h1'}, 400),
            ('2.90', {'hostname': 'h1'}, 202),
            ('2.90', {'hostname': 'h1.example.org'}, 400),
            ('2.94', {'hostname': 'h1.example.org'}, 202),
            ('2.94', {'hostname': 'h' * 256}, 400),
            ('2.1', {'preserve_ephemeral': 'yes'}, 202),
        )
        for version, extra, code in cases:
            self.set_instance(self.server_id, task_state=None)
            body = dict({'imageRef': NEW_IMAGE}, **extra)
            resp = self.post(self.path, {'rebuild': body}, at(version))
            self.assertEqual(code, resp.status_code,
                             (version, extra, resp.get_data(as_text=True)))

    def test_hostname_2_94_stored(self):
        resp = self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE, 'hostname': 'web1.example.org'}},
            at('2.94'))
        self.assertEqual(202, resp.status_code)
        self.assertEqual('web1.example.org', self.instance().hostname)

    def test_user_data_and_key_unset(self):
        self.set_instance(self.server_id, user_data='aGk=', key_name='k',
                          key_data='ssh-rsa AAA')
        resp = self.post(self.path, {'rebuild': {
            'imageRef': NEW_IMAGE, 'user_data': None, 'key_name': None}},
            at('2.57'))
        self.assertEqual(202, resp.status_code)
        row = self.instance()
        self.assertIsNone(row.user_data)
        self.assertIsNone(row.key_name)
        self.assertIsNone(row.key_data)

    def test_response_views(self):
        old = self.post(self.path, {'rebuild': {'imageRef': NEW_IMAGE}},
                        at('2.74')).json['server']
        self.assertIn('server_groups', old)
        self.assertNotIn('OS-EXT-STS:task_state', old)
        self.set_instance(self.server_id, task_state=None)
        new = self.post(self.path, {'rebuild': {'imageRef': NEW_IMAGE}},
                        at('2.75')).json['server']
        self.assertEqual('rebuilding', new['OS-EXT-STS:task_state'])
        self.assertIn('server_groups', new)
        # Tempest's 2.75 rebuild schema: user_data required,
        # OS-EXT-SRV-ATTR:user_data not allowed, even for admins.
        self.set_instance(self.server_id, task_state=None)
        admin = self.post(self.path, {'rebuild': {'imageRef': NEW_IMAGE}},
                          at('2.75', fakes.ADMIN)).json['server']
        self.assertIn('user_data', admin)
        self.assertNotIn('OS-EXT-SRV-ATTR:user_data', admin)
        self.assertIn('OS-EXT-SRV-ATTR:host', admin)
        self.assertIsNone(admin['trusted_image_certificates'])

    def test_response_fields_by_microversion(self):
        # Tempest's rebuild schemas: tags from 2.26, key_name from 2.54,
        # user_data from 2.57 (Nova's server view before 2.75).
        self.put('%s/%s/tags/t1' % (SERVERS, self.server_id), None,
                 at('2.26'))
        expected = {'2.25': {}, '2.26': {'tags': ['t1']},
                    '2.54': {'tags': ['t1'], 'key_name': 'k'},
                    '2.57': {'tags': ['t1'], 'key_name': 'k',
                             'user_data': 'aGk='}}
        for version, fields in expected.items():
            self.set_instance(self.server_id, task_state=None,
                              user_data='aGk=', key_name='k')
            server = self.post(self.path, {'rebuild': {
                'imageRef': NEW_IMAGE}}, at(version)).json['server']
            self.assertEqual(fields, {k: server[k] for k in (
                'tags', 'key_name', 'user_data') if k in server}, version)
            self.assertNotIn('OS-EXT-STS:task_state', server)
        updated = self.put('%s/%s' % (SERVERS, self.server_id), {
            'server': {'name': 'n'}}, at('2.26')).json['server']
        self.assertEqual(['t1'], updated['tags'])
        self.assertNotIn('key_name', updated)

    def test_status_filter_rebuild(self):
        self.post(self.path, {'rebuild': {'imageRef': NEW_IMAGE}})
        other = self.create_server()
        self.make_active(other)
        found = self.get(SERVERS + '?status=REBUILD').json['servers']
        self.assertEqual([self.server_id], [s['id'] for s in found])


class SnapshotTest(_ImageActionsTestCase):

    def test_create_image_before_2_45(self):
        resp = self.post(self.path, {'createImage': {
            'name': 'snap', 'metadata': {'m': 'v'}}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        image_id = resp.headers['Location'].rsplit('/', 1)[-1]
        self.assertIn('/image/v2/images/', resp.headers['Location'])
        image = image_db.image_get(self.api.admin_context, image_id)
        self.assertEqual('queued', image['status'])
        self.assertEqual(('qcow2', 'bare', 'private', fakes.PROJECT, 1),
                         (image['disk_format'], image['container_format'],
                          image['visibility'], image['owner'],
                          image['min_disk']))
        props = image['properties']
        self.assertEqual('snapshot', props['image_type'])
        self.assertEqual(self.server_id, props['instance_uuid'])
        self.assertEqual(fakes.IMAGE_UUID, props['base_image_ref'])
        self.assertEqual(fakes.USER, props['user_id'])
        self.assertEqual('v', props['m'])
        self.assertEqual(states.IMAGE_SNAPSHOT, self.instance().task_state)
        self.snapshot_cast.assert_called_once_with(
            mock.ANY, 'node1', self.server_id, image_id, backup=None)
        self.assertEqual('ACTIVE', self.show(self.server_id)['status'])

    def test_create_image_2_45_body(self):
        resp = self.post(self.path, {'createImage': {'name': 's'}},
                         at('2.45'))
        self.assertEqual(202, resp.status_code)
        self.assertNotIn('Location', resp.headers)
        image_db.image_get(self.api.admin_context, resp.json['image_id'])

    def test_inherits_base_properties(self):
        self.set_instance(self.server_id, image_ref=NEW_IMAGE)
        resp = self.post(self.path, {'createImage': {'name': 's'}},
                         at('2.45'))
        props = image_db.image_get(self.api.admin_context,
                                   resp.json['image_id'])['properties']
        self.assertEqual('virtio', props['hw_disk_bus'])
        self.assertNotIn('os_glance_tags', props)

    def test_request_metadata_wins_but_not_over_backup_type(self):
        # Nova: the extra properties (the request's metadata) have
        # precedence over image_type, instance_uuid and user_id; a
        # backup's backup_type is the request's backup_type.
        resp = self.post(self.path, {'createImage': {
            'name': 's', 'metadata': {'image_type': 'test'}}}, at('2.45'))
        props = image_db.image_get(self.api.admin_context,
                                   resp.json['image_id'])['properties']
        self.assertEqual(('test', self.server_id), (props['image_type'],
                                                    props['instance_uuid']))
        self.set_instance(self.server_id, task_state=None)
        resp = self.post(self.path, {'createBackup': {
            'name': 'b', 'backup_type': 'daily', 'rotation': 1,
            'metadata': {'backup_type': 'weekly'}}}, at('2.45'))
        props = image_db.image_get(self.api.admin_context,
                                   resp.json['image_id'])['properties']
        self.assertEqual(('backup', 'daily'), (props['image_type'],
                                               props['backup_type']))

    def test_backup(self):
        resp = self.post(self.path, {'createBackup': {
            'name': 'b', 'backup_type': 'daily', 'rotation': '2'}},
            at('2.45'))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        props = image_db.image_get(self.api.admin_context,
                                   resp.json['image_id'])['properties']
        self.assertEqual(('backup', 'daily'), (props['image_type'],
                                               props['backup_type']))
        self.snapshot_cast.assert_called_once_with(
            mock.ANY, 'node1', self.server_id, resp.json['image_id'],
            backup={'backup_type': 'daily', 'rotation': 2})
        self.assertEqual(states.IMAGE_BACKUP, self.instance().task_state)

    def test_bad_bodies(self):
        for body in ({'createImage': {}}, {'createImage': {'name': ''}},
                     {'createBackup': {'name': 'b', 'rotation': 1}},
                     {'createBackup': {'name': 'b', 'backup_type': 'd',
                                       'rotation': -1}}):
            self.assertFault(self.post(self.path, body), 400, 'badRequest')

    def test_wrong_state_leaves_no_image(self):
        self.set_instance(self.server_id, task_state=states.REBOOTING)
        self.assertFault(self.post(self.path, {'createImage': {
            'name': 's'}}), 409, 'conflictingRequest')
        self.set_instance(self.server_id, task_state=None,
                          vm_state=states.ERROR)
        self.assertFault(self.post(self.path, {'createImage': {
            'name': 's'}}), 409, 'conflictingRequest')
        names = [i['name'] for i in image_db.image_get_all(
            self.api.admin_context)]
        self.assertNotIn('s', names)

    def test_paused_and_suspended_servers_accepted(self):
        # Nova's createImage/createBackup states: ACTIVE, STOPPED,
        # PAUSED, SUSPENDED.
        for vm_state in (states.VM_PAUSED, states.VM_SUSPENDED):
            self.set_instance(self.server_id, task_state=None,
                              vm_state=vm_state)
            resp = self.post(self.path, {'createImage': {'name': 's'}})
            self.assertEqual(202, resp.status_code,
                             resp.get_data(as_text=True))
            row = self.instance()
            self.assertEqual((vm_state, states.IMAGE_SNAPSHOT),
                             (row.vm_state, row.task_state))
        self.set_instance(self.server_id, task_state=None,
                          vm_state=states.BUILDING)
        self.assertFault(self.post(self.path, {'createBackup': {
            'name': 'b', 'backup_type': 'd', 'rotation': 1}}), 409,
            'conflictingRequest')

    def test_policies(self):
        self.assertFault(self.post(self.path, {'createImage': {
            'name': 's'}}, fakes.READER), 403, 'forbidden')
        self.assertFault(self.post(self.path, {'createBackup': {
            'name': 's', 'backup_type': 'd', 'rotation': 1}},
            fakes.READER), 403, 'forbidden')
        self.assertEqual(404, self.post(self.path, {'createImage': {
            'name': 's'}}, fakes.OTHER).status_code)
