"""createTags / listTags / deleteTags (a CloudStack key/value tag is the
server tag ``key=value``, seen by both APIs) and updateVirtualMachine
(display name, host name, user data, group) through ``build_app()``."""
import base64

from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

TAGS_V = {'OpenStack-API-Version': 'compute 2.26'}


class _VMTestCase(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        zone = self.ok('listZones')['zone'][0]['id']
        self.vm = self.ok('deployVirtualMachine', serviceofferingid='1',
                          templateid=fakes.IMAGE_UUID, name='web1',
                          displayname='Web one', zoneid=zone)['id']
        instance_db.instance_update(self.api.admin_context, self.vm, {
            'vm_state': states.ACTIVE, 'task_state': None})

    def ok(self, command, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body[command.lower() + 'response']

    def server_tags(self):
        resp = self.api.request('GET', '/v2.1/servers/%s/tags' % self.vm,
                                headers=dict(fakes.MEMBER, **TAGS_V))
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json['tags']

    def tags(self, **params):
        return sorted((t['key'], t['value']) for t in self.ok(
            'listTags', **params).get('tag', []))


class TagsTest(_VMTestCase):

    def create(self, pairs, **params):
        args = {'resourceids': self.vm, 'resourcetype': 'UserVm'}
        for index, (key, value) in enumerate(pairs):
            args['tags[%d].key' % index] = key
            args['tags[%d].value' % index] = value
        args.update(params)
        status, body = self.json('createTags', **args)
        return status, body['createtagsresponse']

    def test_tags_are_server_tags_both_ways(self):
        status, body = self.create([('env', 'prod'), ('team', 'web')])
        self.assertEqual(200, status, body)
        job = self.ok('queryAsyncJobResult', jobid=body['jobid'])
        self.assertEqual(1, job['jobstatus'])
        self.assertEqual(['env=prod', 'team=web'], self.server_tags())
        # A server tag made through the compute API shows as a key.
        resp = self.api.request(
            'PUT', '/v2.1/servers/%s/tags/legacy' % self.vm,
            headers=dict(fakes.MEMBER, **TAGS_V))
        self.assertEqual(201, resp.status_code, resp.get_data(True))
        self.assertEqual([('env', 'prod'), ('legacy', ''), ('team', 'web')],
                         self.tags(resourceid=self.vm))
        self.assertEqual([('env', 'prod')], self.tags(key='env'))
        self.assertEqual([('team', 'web')], self.tags(value='web'))
        # A new value replaces the key's old one.
        self.assertEqual(200, self.create([('env', 'dev')])[0])
        self.assertEqual(['env=dev', 'legacy', 'team=web'],
                         self.server_tags())
        vm, = self.ok('listVirtualMachines', id=self.vm)['virtualmachine']
        self.assertEqual([('env', 'dev', 'UserVm'), ('legacy', '', 'UserVm'),
                          ('team', 'web', 'UserVm')], [
            (t['key'], t['value'], t['resourcetype']) for t in vm['tags']])
        self.ok('deleteTags', resourceids=self.vm, resourcetype='UserVm',
                **{'tags[0].key': 'env', 'tags[1].key': 'team',
                   'tags[1].value': 'other'})
        self.assertEqual(['legacy', 'team=web'], self.server_tags())
        self.ok('deleteTags', resourceids=self.vm, resourcetype='UserVm')
        self.assertEqual([], self.server_tags())
        self.assertEqual(['CREATE_TAGS', 'CREATE_TAGS', 'DELETE_TAGS',
                          'DELETE_TAGS'], [e['type'] for e in self.ok(
                              'listEvents').get('event', [])])

    def test_refusals(self):
        for pairs, params in (
                ([('a=b', 'c')], {}), ([('a', 'x/y')], {}),
                ([('k', 'v' * 60)], {}), ([('k', 'v')],
                                          {'resourcetype': 'Volume'}),
                ([('k', 'v')], {'resourceids': fakes.IMAGE_UUID})):
            status, body = self.create(pairs, **params)
            self.assertEqual(431, status, (pairs, params, body))
        instance_db.instance_update(self.api.admin_context, self.vm,
                                    {'task_state': states.REBOOTING})
        status, body = self.create([('k', 'v')])
        self.assertEqual(431, status, body)
        self.assertEqual([], self.server_tags())


class OtherAccountTest(_VMTestCase):

    def test_another_accounts_vm_is_unknown(self):
        instance_db.instance_update(self.api.admin_context, self.vm,
                                    {'project_id': fakes.OTHER_PROJECT})
        status, body = self.json('createTags', resourceids=self.vm,
                                 resourcetype='UserVm',
                                 **{'tags[0].key': 'k',
                                    'tags[0].value': 'v'})
        self.assertEqual(431, status, body)
        self.assertEqual([], self.tags())


class UpdateVirtualMachineTest(_VMTestCase):

    def test_names_userdata_and_group(self):
        userdata = base64.b64encode(b'#cloud-config\n').decode()
        vm = self.ok('updateVirtualMachine', id=self.vm,
                     displayname='Web front', userdata=userdata,
                     group='frontends')['virtualmachine']
        self.assertEqual(('Web front', 'web1', 'frontends'), (
            vm['displayname'], vm['name'], vm['group']))
        row = instance_db.instance_get(self.api.admin_context, self.vm)
        self.assertEqual(userdata, row.user_data)
        server = self.api.request('GET', '/v2.1/servers/%s' % self.vm,
                                  headers=fakes.MEMBER).json['server']
        self.assertEqual(('Web front', {'group': 'frontends'}), (
            server['name'], server['metadata']))
        vm = self.ok('updateVirtualMachine', id=self.vm,
                     name='web2')['virtualmachine']
        self.assertEqual(('Web front', 'web2'), (vm['displayname'],
                                                 vm['name']))
        self.assertEqual(['VM.UPDATE', 'VM.UPDATE'], [
            e['type'] for e in self.ok('listEvents').get('event', [])])

    def test_bad_input_is_431(self):
        for params in ({'name': '9lives'}, {'userdata': 'not base64!'},
                       {'id': fakes.IMAGE_UUID}):
            status, body = self.json('updateVirtualMachine',
                                     **dict({'id': self.vm}, **params))
            self.assertEqual(431, status, (params, body))
