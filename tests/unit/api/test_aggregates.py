"""``/v2.1/os-aggregates`` (compute API reference, "Host Aggregates",
microversion 2.1) through the full WSGI pipeline."""
from nova_lite.db import services as service_db
from tests.unit.api import fakes

AGGREGATES = '/v2.1/os-aggregates'
BASIC_KEYS = {'availability_zone', 'created_at', 'deleted', 'deleted_at',
              'id', 'name', 'updated_at'}
DETAIL_KEYS = BASIC_KEYS | {'hosts', 'metadata'}


class AggregatesTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        for host in ('node1', 'node2'):
            service_db.service_register(self.api.admin_context, host,
                                        'nova-lite-compute', 'compute')

    def admin(self, method, path, body=None):
        return self.api.request(method, path, body, fakes.ADMIN)

    def create(self, name='rack1', zone=None):
        body = {'name': name}
        if zone is not None:
            body['availability_zone'] = zone
        resp = self.admin('POST', AGGREGATES, {'aggregate': body})
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json['aggregate']

    def action(self, agg_id, body):
        return self.admin('POST', '%s/%s/action' % (AGGREGATES, agg_id),
                          body)

    def test_create_show_list(self):
        created = self.create('rack1', 'london')
        self.assertEqual(BASIC_KEYS, set(created))
        self.assertEqual(('rack1', 'london', False, None), (
            created['name'], created['availability_zone'],
            created['deleted'], created['deleted_at']))
        shown = self.admin('GET', '%s/%d' % (AGGREGATES, created['id']))
        self.assertEqual(200, shown.status_code)
        self.assertEqual(DETAIL_KEYS, set(shown.json['aggregate']))
        self.assertEqual({'availability_zone': 'london'},
                         shown.json['aggregate']['metadata'])
        listed = self.admin('GET', AGGREGATES).json['aggregates']
        self.assertEqual([created['id']], [a['id'] for a in listed])
        self.assertEqual(DETAIL_KEYS, set(listed[0]))

    def test_hosts_and_metadata(self):
        agg = self.create('rack1', 'london')
        resp = self.action(agg['id'], {'add_host': {'host': 'node1'}})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(['node1'], resp.json['aggregate']['hosts'])
        self.assertFault(self.action(agg['id'], {'add_host': {
            'host': 'node1'}}), 409, 'conflictingRequest')
        self.assertFault(self.action(agg['id'], {'add_host': {
            'host': 'nowhere'}}), 404, 'itemNotFound')
        resp = self.action(agg['id'], {'set_metadata': {'metadata': {
            'hw_architecture': 'x86_64', 'ssd': 'true'}}})
        self.assertEqual({'availability_zone': 'london', 'ssd': 'true',
                          'hw_architecture': 'x86_64'},
                         resp.json['aggregate']['metadata'])
        resp = self.action(agg['id'], {'set_metadata': {'metadata': {
            'ssd': None}}})
        self.assertNotIn('ssd', resp.json['aggregate']['metadata'])
        resp = self.action(agg['id'], {'remove_host': {'host': 'node1'}})
        self.assertEqual([], resp.json['aggregate']['hosts'])
        self.assertFault(self.action(agg['id'], {'remove_host': {
            'host': 'node1'}}), 404, 'itemNotFound')

    def test_host_in_one_zone_only(self):
        london = self.create('rack1', 'london')
        paris = self.create('rack2', 'paris')
        plain = self.create('ssd')
        self.action(london['id'], {'add_host': {'host': 'node1'}})
        self.assertFault(self.action(paris['id'], {'add_host': {
            'host': 'node1'}}), 409, 'conflictingRequest', 'london')
        resp = self.action(plain['id'], {'add_host': {'host': 'node1'}})
        self.assertEqual(200, resp.status_code)
        self.assertFault(self.admin('PUT', '%s/%d' % (
            AGGREGATES, plain['id']), {'aggregate': {
                'availability_zone': 'paris'}}), 400, 'badRequest')
        self.assertFault(self.action(plain['id'], {'set_metadata': {
            'metadata': {'availability_zone': 'paris'}}}), 400,
            'badRequest')

    def test_update_and_delete(self):
        agg = self.create('rack1', 'london')
        self.create('rack2')
        path = '%s/%d' % (AGGREGATES, agg['id'])
        resp = self.admin('PUT', path, {'aggregate': {'name': 'rack9'}})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual(('rack9', 'london'), (
            resp.json['aggregate']['name'],
            resp.json['aggregate']['availability_zone']))
        self.assertIsNotNone(resp.json['aggregate']['updated_at'])
        self.assertFault(self.admin('PUT', path, {'aggregate': {
            'name': 'rack2'}}), 409, 'conflictingRequest')
        resp = self.admin('PUT', path, {'aggregate': {
            'availability_zone': None}})
        self.assertIsNone(resp.json['aggregate']['availability_zone'])
        self.action(agg['id'], {'add_host': {'host': 'node2'}})
        self.assertFault(self.admin('DELETE', path), 400, 'badRequest')
        self.action(agg['id'], {'remove_host': {'host': 'node2'}})
        resp = self.admin('DELETE', path)
        self.assertEqual(200, resp.status_code)
        self.assertEqual(b'', resp.get_data())
        self.assertFault(self.admin('GET', path), 404, 'itemNotFound')

    def test_bad_requests(self):
        self.create('rack1')
        self.assertFault(self.admin('POST', AGGREGATES, {'aggregate': {
            'name': 'rack1'}}), 409, 'conflictingRequest')
        for body in ({'aggregate': {}}, {'aggregate': {'name': ''}},
                     {'aggregate': {'name': 'x', 'availability_zone': 'a:b'}},
                     {'aggregate': {'name': 'x', 'extra': 1}},
                     {'name': 'x'}):
            self.assertFault(self.admin('POST', AGGREGATES, body), 400,
                             'badRequest')
        agg_id = self.admin('GET', AGGREGATES).json['aggregates'][0]['id']
        for body in ({}, {'add_host': {'host': 'node1'},
                          'remove_host': {'host': 'node1'}},
                     {'add_host': {}}, {'evacuate': {}},
                     {'set_metadata': {'metadata': {'bad/key': 'x'}}}):
            self.assertFault(self.action(agg_id, body), 400, 'badRequest')
        for bad_id in ('999', 'abc'):
            self.assertFault(self.admin('GET', '%s/%s' % (
                AGGREGATES, bad_id)), 404, 'itemNotFound')

    def test_admin_only(self):
        self.assertFault(self.get(AGGREGATES), 403, 'forbidden')
        self.assertFault(self.post(AGGREGATES, {'aggregate': {
            'name': 'x'}}), 403, 'forbidden')
