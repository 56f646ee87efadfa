"""``/v2.1/os-simple-tenant-usage`` (compute API reference, "Usage
reports (os-simple-tenant-usage)") through the full WSGI pipeline."""
import datetime

import fixtures
from oslo_utils import timeutils

from nova_lite.api import microversion
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes

USAGE = '/v2.1/os-simple-tenant-usage'
T0 = datetime.datetime(2026, 1, 1, 0, 0, 0)
WINDOW = 'start=2026-01-01T00:00:00&end=2026-01-02T00:00:00'
TOTAL_KEYS = {'tenant_id', 'start', 'stop', 'total_hours',
              'total_vcpus_usage', 'total_memory_mb_usage',
              'total_local_gb_usage'}
SERVER_KEYS = {'instance_id', 'name', 'tenant_id', 'flavor', 'vcpus',
               'memory_mb', 'local_gb', 'hours', 'started_at', 'ended_at',
               'state', 'uptime'}


def _at(hours):
    return T0 + datetime.timedelta(hours=hours)


class _UsageTestCase(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        # Project A: one m1.tiny running since 2 h into the window, one
        # m1.small deleted after 4 h (launched before the window), one
        # never launched; project B: one m1.tiny ended before the window.
        self.running = self.launched(fakes.MEMBER, _at(2), flavorRef='1')
        self.deleted = self.launched(fakes.MEMBER, _at(-10),
                                     flavorRef='2')
        with fixtures.MonkeyPatch('nova_lite.db.instances.utcnow',
                                  lambda: _at(4)):
            self.assertTrue(instance_db.instance_destroy(
                self.api.admin_context, self.deleted))
        self.create_server()
        self.other = self.launched(fakes.OTHER, _at(-5))
        self.set_instance(self.other, terminated_at=_at(-1),
                          vm_state='stopped')

    def launched(self, headers, at, **server):
        server_id = self.create_server(headers, **server)
        self.set_instance(server_id, launched_at=at, vm_state='active',
                          task_state=None, host='node1')
        return server_id

    def admin_get(self, path):
        resp = self.get(path, fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        return resp.json


class SimpleTenantUsageTest(_UsageTestCase):

    def test_list_totals_by_project(self):
        usages = self.admin_get(USAGE + '?' + WINDOW)['tenant_usages']
        self.assertEqual(1, len(usages))
        usage = usages[0]
        self.assertEqual(TOTAL_KEYS, set(usage))
        self.assertEqual(fakes.PROJECT, usage['tenant_id'])
        self.assertEqual('2026-01-01T00:00:00', usage['start'])
        self.assertEqual('2026-01-02T00:00:00', usage['stop'])
        # 22 h of m1.tiny (1 vCPU, 512 MiB, 1 GiB) + 4 h of m1.small
        # (1 vCPU, 2048 MiB, 20 GiB).
        self.assertAlmostEqual(26.0, usage['total_hours'])
        self.assertAlmostEqual(26.0, usage['total_vcpus_usage'])
        self.assertAlmostEqual(22 * 512 + 4 * 2048,
                               usage['total_memory_mb_usage'])
        self.assertAlmostEqual(22 * 1 + 4 * 20,
                               usage['total_local_gb_usage'])

    def test_list_detailed(self):
        usage = self.admin_get(USAGE + '?detailed=1&' + WINDOW)[
            'tenant_usages'][0]
        servers = {s['instance_id']: s for s in usage['server_usages']}
        self.assertEqual({self.running, self.deleted}, set(servers))
        running, deleted = servers[self.running], servers[self.deleted]
        self.assertEqual(SERVER_KEYS, set(running))
        self.assertEqual(('active', None, 'm1.tiny', 1, 512, 1, 22.0),
                         (running['state'], running['ended_at'],
                          running['flavor'], running['vcpus'],
                          running['memory_mb'], running['local_gb'],
                          running['hours']))
        self.assertEqual('2026-01-01T02:00:00', running['started_at'])
        self.assertGreater(running['uptime'], 0)
        self.assertEqual(('terminated', '2026-01-01T04:00:00', 'm1.small',
                          20, 4.0, 14 * 3600),
                         (deleted['state'], deleted['ended_at'],
                          deleted['flavor'], deleted['local_gb'],
                          deleted['hours'], deleted['uptime']))

    def test_window_includes_ended_instances_that_overlap(self):
        usages = self.admin_get(
            USAGE + '?start=2025-12-31T18:00:00&end=2026-01-01T01:00:00'
            '&detailed=1')['tenant_usages']
        by_project = {u['tenant_id']: u for u in usages}
        self.assertEqual({fakes.PROJECT, fakes.OTHER_PROJECT},
                         set(by_project))
        self.assertAlmostEqual(
            4.0, by_project[fakes.OTHER_PROJECT]['total_hours'])
        self.assertEqual(
            'terminated',
            by_project[fakes.OTHER_PROJECT]['server_usages'][0]['state'])

    def test_show_own_project(self):
        resp = self.get(USAGE + '/' + fakes.PROJECT + '?' + WINDOW,
                        fakes.READER)
        self.assertEqual(200, resp.status_code, resp.json)
        usage = resp.json['tenant_usage']
        self.assertEqual(TOTAL_KEYS | {'server_usages'}, set(usage))
        self.assertEqual(2, len(usage['server_usages']))
        self.assertAlmostEqual(26.0, usage['total_hours'])

    def test_show_without_usage_is_empty(self):
        body = self.admin_get(USAGE + '/nobody?' + WINDOW)
        self.assertEqual({'tenant_usage': {}}, body)

    def test_show_other_project_is_forbidden(self):
        resp = self.get(USAGE + '/' + fakes.OTHER_PROJECT + '?' + WINDOW)
        self.assertFault(resp, 403, 'forbidden')

    def test_list_is_admin_only(self):
        self.assertFault(self.get(USAGE + '?' + WINDOW), 403, 'forbidden')

    def test_empty_tenant_id_is_404(self):
        self.assertEqual(404, self.get(USAGE + '/', fakes.ADMIN).status_code)

    def test_bad_times(self):
        for query in ('start=yesterday', 'end=2026-13-01T00:00:00',
                      'start=2026-01-02T00:00:00&end=2026-01-01T00:00:00'):
            self.assertFault(self.get(USAGE + '?' + query, fakes.ADMIN),
                             400, 'badRequest')
        self.assertFault(self.get(USAGE + '/' + fakes.PROJECT
                                  + '?start=x'), 400, 'badRequest')

    def test_defaults_to_now_and_caps_the_end(self):
        future = (timeutils.utcnow() + datetime.timedelta(days=1)
                  ).strftime('%Y-%m-%dT%H:%M:%S.%f')
        usage = self.admin_get(USAGE + '?start=2026-01-01 00:00:00.000000'
                               '&end=' + future)['tenant_usages'][0]
        self.assertLess(usage['stop'], future.replace(' ', 'T'))

    def test_before_2_40_limited_by_max_limit_without_links(self):
        self.api.conf.config(group='api', max_limit=1)
        body = self.admin_get(USAGE + '?detailed=1&limit=5&' + WINDOW)
        self.assertEqual(['tenant_usages'], list(body))
        self.assertEqual(1, len(body['tenant_usages'][0]['server_usages']))


class PagingTest(_UsageTestCase):
    """Microversion 2.40: ``limit`` and ``marker`` (the history row is
    added separately; the maximum is raised here to reach the branch)."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.microversion.MAX_VERSION',
            microversion.APIVersion(2, 40)))

    def get240(self, path, headers=fakes.ADMIN):
        return self.get(path, dict(headers, **{
            microversion.HEADER: 'compute 2.40'}))

    def test_pages_with_links(self):
        first = self.get240(USAGE + '?detailed=1&limit=1&' + WINDOW).json
        servers = first['tenant_usages'][0]['server_usages']
        self.assertEqual(1, len(servers))
        link = first['tenant_usages_links'][0]
        self.assertEqual('next', link['rel'])
        self.assertIn('marker=' + servers[0]['instance_id'], link['href'])
        self.assertIn('/v2.1/os-simple-tenant-usage?', link['href'])
        second = self.get240(USAGE + '?detailed=1&limit=1&marker=%s&%s' % (
            servers[0]['instance_id'], WINDOW)).json
        rest = second['tenant_usages'][0]['server_usages']
        self.assertEqual({self.running, self.deleted},
                         {servers[0]['instance_id'], rest[0]['instance_id']})
        third = self.get240(USAGE + '?detailed=1&limit=1&marker=%s&%s' % (
            rest[0]['instance_id'], WINDOW)).json
        self.assertEqual({'tenant_usages': []}, third)

    def test_show_links(self):
        body = self.get240(USAGE + '/%s?limit=1&%s' % (fakes.PROJECT,
                                                       WINDOW)).json
        self.assertEqual(1, len(body['tenant_usage']['server_usages']))
        self.assertIn('/v2.1/os-simple-tenant-usage/%s?' % fakes.PROJECT,
                      body['tenant_usage_links'][0]['href'])

    def test_unknown_marker_and_bad_limit(self):
        self.assertFault(self.get240(USAGE + '?marker=nope'), 400,
                         'badRequest')
        self.assertFault(self.get240(USAGE + '?limit=-1'), 400,
                         'badRequest')
