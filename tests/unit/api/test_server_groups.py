"""``/v2.1/os-server-groups`` (compute API reference, "Server groups",
microversion 2.1) and the ``group`` scheduler hint of server create,
through the full WSGI pipeline."""
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes

GROUPS = '/v2.1/os-server-groups'
KEYS = {'id', 'name', 'policies', 'members', 'metadata'}


class ServerGroupsTest(fakes.APITestCase):

    def create(self, name='web', policy='anti-affinity', headers=None):
        resp = self.post(GROUPS, {'server_group': {
            'name': name, 'policies': [policy]}}, headers)
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json['server_group']

    def test_create_show_list_delete(self):
        group = self.create()
        self.assertEqual(KEYS, set(group))
        self.assertEqual(('web', ['anti-affinity'], [], {}), (
            group['name'], group['policies'], group['members'],
            group['metadata']))
        shown = self.get('%s/%s' % (GROUPS, group['id']))
        self.assertEqual(200, shown.status_code)
        self.assertEqual(group, shown.json['server_group'])
        listed = self.get(GROUPS).json['server_groups']
        self.assertEqual([group], listed)
        resp = self.delete('%s/%s' % (GROUPS, group['id']))
        self.assertEqual(204, resp.status_code)
        self.assertFault(self.get('%s/%s' % (GROUPS, group['id'])), 404,
                         'itemNotFound')
        self.assertEqual([], self.get(GROUPS).json['server_groups'])

    def test_every_policy(self):
        """The soft policies from 2.15 (test_microversions_wave2)."""
        for policy in ('affinity', 'anti-affinity'):
            self.assertEqual([policy], self.create(policy=policy)[
                'policies'])

    def test_project_scoped(self):
        mine = self.create('mine')
        other = self.create('theirs', headers=fakes.OTHER)
        self.assertEqual([mine['id']], [
            g['id'] for g in self.get(GROUPS).json['server_groups']])
        self.assertFault(self.get('%s/%s' % (GROUPS, other['id'])), 404,
                         'itemNotFound')
        self.assertFault(self.delete('%s/%s' % (GROUPS, other['id'])), 404,
                         'itemNotFound')
        self.assertFault(self.get(GROUPS + '?all_projects=True'), 403,
                         'forbidden')
        every = self.get(GROUPS + '?all_projects=True', fakes.ADMIN)
        self.assertEqual({mine['id'], other['id']}, {
            g['id'] for g in every.json['server_groups']})
        page = self.get(GROUPS + '?all_projects=1&limit=1&offset=1',
                        fakes.ADMIN).json['server_groups']
        self.assertEqual([other['id']], [g['id'] for g in page])

    def test_bad_requests(self):
        for body in ({'server_group': {'name': 'g'}},
                     {'server_group': {'name': 'g', 'policies': []}},
                     {'server_group': {'name': 'g',
                                       'policies': ['affinity',
                                                    'anti-affinity']}},
                     {'server_group': {'name': 'g', 'policies': ['best']}},
                     {'server_group': {'name': '', 'policies': ['affinity']}},
                     {'server_group': {'name': 'g', 'policies': ['affinity'],
                                       'rules': {}}}):
            self.assertFault(self.post(GROUPS, body), 400, 'badRequest')
        for query in ('?limit=-1', '?offset=x', '?all_projects=maybe'):
            self.assertFault(self.get(GROUPS + query, fakes.ADMIN), 400,
                             'badRequest')
        self.assertFault(self.get(GROUPS + '/not-a-uuid'), 404,
                         'itemNotFound')
        self.assertFault(self.post(GROUPS, {'server_group': {
            'name': 'g', 'policies': ['affinity']}}, fakes.READER), 403,
            'forbidden')

    def _create_in_group(self, group_id, headers=None):
        body = {'server': {'name': 'vm', 'imageRef': fakes.IMAGE_UUID,
                           'flavorRef': '1'},
                'os:scheduler_hints': {'group': group_id}}
        return self.post('/v2.1/servers', body, headers)

    def test_server_create_joins_the_group(self):
        group = self.create()
        resp = self._create_in_group(group['id'])
        self.assertEqual(202, resp.status_code, resp.json)
        server_id = resp.json['server']['id']
        shown = self.get('%s/%s' % (GROUPS, group['id'])).json
        self.assertEqual([server_id], shown['server_group']['members'])
        instance_db.instance_destroy(self.api.admin_context, server_id)
        shown = self.get('%s/%s' % (GROUPS, group['id'])).json
        self.assertEqual([], shown['server_group']['members'])

    def test_server_create_with_unknown_group(self):
        other = self.create('theirs', headers=fakes.OTHER)
        before = self.api.count_instances()
        for group_id in (other['id'], '8c1ab9f5-7b1c-4a27-9b25-0cd1d8a44a5e'):
            self.assertFault(self._create_in_group(group_id), 400,
                             'badRequest', 'could not be found')
        self.assertEqual(before, self.api.count_instances())
