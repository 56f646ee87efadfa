"""``GET /v2.1/os-migrations`` and ``/v2.1/servers/{id}/migrations``
(compute API reference, "Migrations (os-migrations)", "Server
migrations"), through the full WSGI pipeline.  Rows are inserted
through ``nova_lite.db.migrations_records`` (nova_lite performs no
migration yet); versions past the advertised maximum are reached by
raising it for the test."""
import datetime

import fixtures

from nova_lite.api import microversion
from nova_lite.db import migrations_records as migration_db
from tests.unit.api import fakes

BASE_KEYS = {'id', 'status', 'created_at', 'updated_at', 'dest_compute',
             'dest_host', 'dest_node', 'source_compute', 'source_node',
             'instance_uuid', 'old_instance_type_id',
             'new_instance_type_id'}
T0 = datetime.datetime(2026, 3, 1, 12, 0, 0)


def _v(version, headers=fakes.ADMIN):
    return dict(headers, **{microversion.HEADER: 'compute ' + version})


class _MigrationsTestCase(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MockPatchObject(
            microversion, 'MAX_VERSION', microversion.APIVersion(2, 80)))

    def add(self, minutes, **values):
        row = dict(source_compute='node1', dest_compute='node2',
                   source_node='node1', dest_node='node2',
                   dest_host='10.0.0.2', old_instance_type_id=1,
                   new_instance_type_id=1, status='finished',
                   migration_type='migration',
                   instance_uuid='11111111-1111-4111-8111-111111111111',
                   user_id=fakes.USER, project_id=fakes.PROJECT,
                   created_at=T0 + datetime.timedelta(minutes=minutes),
                   updated_at=T0 + datetime.timedelta(minutes=minutes))
        row.update(values)
        return migration_db.migration_create(self.api.admin_context, row)


class OsMigrationsTest(_MigrationsTestCase):

    def list(self, query='', version='2.1', headers=fakes.ADMIN):
        resp = self.get('/v2.1/os-migrations' + query, _v(version, headers))
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json

    def ids(self, query='', version='2.1'):
        return [m['id'] for m in self.list(query, version)['migrations']]

    def test_empty_until_migrations_exist(self):
        self.assertEqual({'migrations': []}, self.list())
        self.assertEqual({'migrations': []}, self.list(version='2.80'))

    def test_admin_only(self):
        self.assertFault(self.get('/v2.1/os-migrations', fakes.MEMBER), 403,
                         'forbidden')

    def test_fields_by_version(self):
        row = self.add(0, migration_type='live-migration', status='running')
        (m,) = self.list()['migrations']
        self.assertEqual(BASE_KEYS, set(m))
        self.assertEqual(('node1', 'node2', 'running', row['id'],
                          '2026-03-01T12:00:00.000000'),
                         (m['source_compute'], m['dest_compute'],
                          m['status'], m['id'], m['created_at']))
        (m,) = self.list(version='2.23')['migrations']
        self.assertEqual(BASE_KEYS | {'migration_type', 'links'}, set(m))
        self.assertTrue(m['links'][0]['href'].endswith(
            '/v2.1/servers/%s/migrations/%d' % (row['instance_uuid'],
                                                row['id'])))
        (m,) = self.list(version='2.59')['migrations']
        self.assertEqual(row['uuid'], m['uuid'])
        self.assertNotIn('user_id', m)
        (m,) = self.list(version='2.80')['migrations']
        self.assertEqual((fakes.USER, fakes.PROJECT),
                         (m['user_id'], m['project_id']))

    def test_links_only_for_live_migrations_in_progress(self):
        self.add(0, migration_type='live-migration', status='completed')
        self.add(1, migration_type='resize', status='running')
        for m in self.list(version='2.23')['migrations']:
            self.assertNotIn('links', m)

    def test_filters(self):
        a = self.add(0, status='running', source_compute='n1',
                     dest_compute='n2')['id']
        b = self.add(1, status='error', source_compute='n2',
                     dest_compute='n3', migration_type='resize')['id']
        c = self.add(2, status='done', source_compute='n3',
                     dest_compute='n1',
                     instance_uuid='22222222-2222-4222-8222-222222222222',
                     user_id='u2', project_id='p2')['id']
        self.add(3, hidden=True)
        self.assertEqual([c, b, a], self.ids())
        self.assertEqual([c, a], self.ids('?host=n1'))
        self.assertEqual([b], self.ids('?source_compute=n2'))
        self.assertEqual([b, a], self.ids('?status=running&status=error'))
        self.assertEqual([c], self.ids(
            '?instance_uuid=22222222-2222-4222-8222-222222222222'))
        # migration_type filters from 2.23 only.
        self.assertEqual([c, b, a], self.ids('?migration_type=resize'))
        self.assertEqual([b], self.ids('?migration_type=resize', '2.23'))
        # user_id and project_id from 2.80 (a 400 from 2.59, ignored
        # before).
        self.assertEqual([c, b, a], self.ids('?project_id=p2'))
        self.assertFault(self.get('/v2.1/os-migrations?project_id=p2',
                                  _v('2.79')), 400, 'badRequest')
        self.assertEqual([c], self.ids('?project_id=p2', '2.80'))
        self.assertEqual([b, a], self.ids('?user_id=%s' % fakes.USER,
                                          '2.80'))

    def test_strict_query_from_2_59(self):
        self.assertEqual([], self.ids('?bogus=1', '2.58'))
        self.assertFault(self.get('/v2.1/os-migrations?bogus=1', _v('2.59')),
                         400, 'badRequest', 'bogus')
        self.assertFault(self.get('/v2.1/os-migrations?limit=-1',
                                  _v('2.59')), 400, 'badRequest')
        self.assertFault(self.get('/v2.1/os-migrations?limit=1&limit=2',
                                  _v('2.59')), 400, 'badRequest')

    def test_paging_from_2_59(self):
        rows = [self.add(n) for n in range(5)]
        newest_first = [r['uuid'] for r in reversed(rows)]
        body = self.list('?limit=2', '2.59')
        self.assertEqual(newest_first[:2],
                         [m['uuid'] for m in body['migrations']])
        href = body['migrations_links'][0]['href']
        self.assertIn('marker=%s' % newest_first[1], href)
        body = self.list('?limit=2&marker=%s' % newest_first[1], '2.59')
        self.assertEqual(newest_first[2:4],
                         [m['uuid'] for m in body['migrations']])
        body = self.list('?limit=2&marker=%s' % newest_first[3], '2.59')
        self.assertEqual(newest_first[4:],
                         [m['uuid'] for m in body['migrations']])
        self.assertNotIn('migrations_links', body)
        self.assertFault(self.get(
            '/v2.1/os-migrations?marker=00000000-0000-4000-8000-000000000000',
            _v('2.59')), 400, 'badRequest', 'Marker')
        # Before 2.59 limit and marker are ignored.
        self.assertEqual(5, len(self.ids('?limit=2')))

    def test_same_created_at_pages_by_id(self):
        rows = [self.add(0) for _n in range(3)]
        body = self.list('?limit=1&marker=%s' % rows[2]['uuid'], '2.59')
        self.assertEqual([rows[1]['uuid']],
                         [m['uuid'] for m in body['migrations']])

    def test_changes_since_and_before(self):
        ids = [self.add(n * 10)['id'] for n in range(3)]
        since = '?changes-since=2026-03-01T12:10:00Z'
        self.assertEqual([ids[2], ids[1]], self.ids(since, '2.59'))
        self.assertEqual(ids[::-1], self.ids(since, '2.58'))
        before = '&changes-before=2026-03-01T12:15:00Z'
        self.assertEqual([ids[1]], self.ids(since + before, '2.66'))
        self.assertFault(self.get('/v2.1/os-migrations' + since + before,
                                  _v('2.65')), 400, 'badRequest')
        self.assertFault(self.get(
            '/v2.1/os-migrations?changes-since=2026-03-01T13:00:00Z'
            '&changes-before=2026-03-01T12:00:00Z', _v('2.66')), 400,
            'badRequest', 'changes-since')
        self.assertFault(self.get('/v2.1/os-migrations?changes-since=soon',
                                  _v('2.59')), 400, 'badRequest')


class ServerMigrationsTest(_MigrationsTestCase):

    def setUp(self):
        super().setUp()
        self.server_id = self.create_server()
        self.url = '/v2.1/servers/%s/migrations' % self.server_id

    def test_404_before_2_23(self):
        self.assertFault(self.get(self.url, _v('2.22')), 404,
                         'itemNotFound')

    def test_empty_list(self):
        resp = self.get(self.url, _v('2.23'))
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'migrations': []}, resp.json)

    def test_only_in_progress_live_migrations(self):
        live = self.add(0, instance_uuid=self.server_id,
                        migration_type='live-migration', status='running',
                        memory_total=1024, memory_processed=512,
                        memory_remaining=512)
        done = self.add(1, instance_uuid=self.server_id,
                        migration_type='live-migration', status='completed')
        cold = self.add(2, instance_uuid=self.server_id, status='running')
        other = self.add(3, migration_type='live-migration',
                         status='running')
        (m,) = self.get(self.url, _v('2.23')).json['migrations']
        self.assertEqual((live['id'], self.server_id, 1024, 512, None),
                         (m['id'], m['server_uuid'],
                          m['memory_total_bytes'],
                          m['memory_processed_bytes'],
                          m['disk_total_bytes']))
        self.assertNotIn('uuid', m)
        resp = self.get('%s/%d' % (self.url, live['id']), _v('2.80'))
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual((live['uuid'], fakes.USER),
                         (resp.json['migration']['uuid'],
                          resp.json['migration']['user_id']))
        for row in (done, cold, other):
            self.assertFault(self.get('%s/%d' % (self.url, row['id']),
                                      _v('2.23')), 404, 'itemNotFound')

    def test_unknown_ids_are_404(self):
        for bad in ('999', 'abc'):
            self.assertFault(self.get('%s/%s' % (self.url, bad), _v('2.23')),
                             404, 'itemNotFound')
        self.assertFault(self.get(
            '/v2.1/servers/00000000-0000-4000-8000-000000000000/migrations',
            _v('2.23')), 404, 'itemNotFound')

    def test_admin_only(self):
        self.assertFault(self.get(self.url, _v('2.23', fakes.MEMBER)), 403,
                         'forbidden')
        self.assertFault(self.get(self.url + '/1', _v('2.23', fakes.MEMBER)),
                         403, 'forbidden')
