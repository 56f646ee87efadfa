"""CloudStack listUsageRecords over the usage computation of
os-simple-tenant-usage (``nova_lite.compute.usage``)."""
import datetime

import fixtures

from nova_lite.db import instances as instance_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

T0 = datetime.datetime(2026, 1, 1)


class ListUsageRecordsTest(test_endpoint.CloudStackTestCase):

    roles = ['admin', 'member', 'reader']

    def setUp(self):
        super().setUp()
        self.running = self.launched(T0 + datetime.timedelta(hours=6))
        self.deleted = self.launched(T0 - datetime.timedelta(days=2))
        with fixtures.MonkeyPatch(
                'nova_lite.db.instances.utcnow',
                lambda: T0 + datetime.timedelta(hours=3)):
            instance_db.instance_destroy(self.api.admin_context,
                                         self.deleted)

    def launched(self, at):
        resp = self.api.request('POST', '/v2.1/servers', {'server': {
            'name': 'vm', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}})
        self.assertEqual(202, resp.status_code, resp.json)
        server_id = resp.json['server']['id']
        instance_db.instance_update(self.api.admin_context, server_id, {
            'launched_at': at, 'vm_state': 'active', 'task_state': None})
        return server_id

    def records(self, **params):
        status, body = self.json('listUsageRecords', **params)
        self.assertEqual(200, status, body)
        return {r['virtualmachineid']: r for r in
                body['listusagerecordsresponse'].get('usagerecord', [])}

    def test_allocated_hours_of_the_day(self):
        records = self.records(startdate='2026-01-01',
                               enddate='2026-01-01')
        self.assertEqual({self.running, self.deleted}, set(records))
        running, deleted = records[self.running], records[self.deleted]
        self.assertEqual((2, '18.000000', '2026-01-01T06:00:00+0000',
                          '2026-01-02T00:00:00+0000'),
                         (running['usagetype'], running['rawusage'],
                          running['startdate'], running['enddate']))
        self.assertEqual(('3.000000', '2026-01-01T03:00:00+0000', 512),
                         (deleted['rawusage'], deleted['enddate'],
                          deleted['memory']))

    def test_filters_and_types(self):
        self.assertEqual([self.deleted], list(self.records(
            startdate='2026-01-01 00:00:00',
            enddate='2026-01-01 05:00:00')))
        self.assertEqual({}, self.records(startdate='2026-01-01',
                                          enddate='2026-01-01', type='3'))
        self.assertEqual([self.running], list(self.records(
            startdate='2026-01-01', enddate='2026-01-01',
            usageid=self.running)))
        status, body = self.json('listUsageRecords', startdate='2026-01-01',
                                 enddate='2026-01-01', type='1')
        self.assertEqual(431, status, body)
        status, body = self.json('listUsageRecords', startdate='yesterday',
                                 enddate='2026-01-01')
        self.assertEqual(431, status, body)
