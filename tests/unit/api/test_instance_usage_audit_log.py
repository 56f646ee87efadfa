"""The instance usage audit: the compute's periodic run through the
conductor (``compute.usage_audit``, ``conductor.compute_proxy``), its
instance.exists notifications, and ``/v2.1/os-instance_usage_audit_log``
(compute API reference, "Server usage audit log
(os-instance-usage-audit-log)") through the full WSGI pipeline."""
import datetime

import fixtures
import testtools

from nova_lite.compute import usage_audit
from nova_lite.db import instances as instance_db
from nova_lite import objects
from nova_lite import rpc
from tests.unit.api import fakes
from tests.unit.api import test_services
from tests.unit.compute import local_conductor

AUDIT_LOG = '/v2.1/os-instance_usage_audit_log'
# A day period: 2026-03-04 00:00 to 2026-03-05 00:00.
NOW = datetime.datetime(2026, 3, 5, 10, 0, 0)
BEGIN = datetime.datetime(2026, 3, 4)
END = datetime.datetime(2026, 3, 5)


class AuditPeriodTest(testtools.TestCase):

    def test_units(self):
        period = usage_audit.last_completed_audit_period
        now = datetime.datetime(2026, 1, 15, 10, 30)
        self.assertEqual((datetime.datetime(2025, 12, 1),
                          datetime.datetime(2026, 1, 1)),
                         period('month', now))
        self.assertEqual((datetime.datetime(2026, 1, 14),
                          datetime.datetime(2026, 1, 15)),
                         period('day', now))
        self.assertEqual((datetime.datetime(2026, 1, 15, 9),
                          datetime.datetime(2026, 1, 15, 10)),
                         period('hour', now))
        self.assertEqual((datetime.datetime(2025, 1, 1),
                          datetime.datetime(2026, 1, 1)),
                         period('year', now))

    def test_a_period_ending_now_is_not_complete(self):
        period = usage_audit.last_completed_audit_period
        self.assertEqual((datetime.datetime(2025, 10, 1),
                          datetime.datetime(2025, 11, 1)),
                         period('month', datetime.datetime(2025, 12, 1)))
        self.assertEqual((datetime.datetime(2026, 1, 1, 7),
                          datetime.datetime(2026, 1, 1, 8)),
                         period('hour', datetime.datetime(2026, 1, 1, 9)))


class UsageAuditTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        test_services.register_services(self)
        self.api.conf.config(instance_usage_audit=True,
                             instance_usage_audit_period='day')
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send', self._record))
        self.conductor = local_conductor.LocalConductor()
        # On node1: one running since before the period, one deleted
        # during it, one launched after it; on node2: one running.
        self.running = self.launched('node1', BEGIN
                                     - datetime.timedelta(days=3))
        self.deleted = self.launched('node1', BEGIN
                                     - datetime.timedelta(days=1))
        with fixtures.MonkeyPatch('nova_lite.db.instances.utcnow',
                                  lambda: BEGIN + datetime.timedelta(
                                      hours=5)):
            instance_db.instance_destroy(self.api.admin_context,
                                         self.deleted)
        self.launched('node1', END + datetime.timedelta(hours=1))
        self.launched('node2', BEGIN)

    def _record(self, context, event_type, payload, binary, host,
                priority='INFO'):
        self.sent.append((event_type, binary, host, payload))
        return True

    def launched(self, host, at):
        server_id = self.create_server()
        self.set_instance(server_id, host=host, launched_at=at,
                          vm_state='active', task_state=None)
        return server_id

    def audit(self, host):
        return usage_audit.run_usage_audit(
            self.api.admin_context, host, self.conductor, now=NOW)

    def admin_get(self, path):
        resp = self.get(AUDIT_LOG + path, fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        return resp.json

    def test_audit_notifies_each_instance_once_a_period(self):
        self.assertEqual((2, 0), self.audit('node1'))
        exists = {p.uuid: p for e, _b, _h, p in self.sent
                  if e == 'instance.exists'}
        self.assertEqual({self.running, self.deleted}, set(exists))
        self.assertEqual(
            {('instance.exists', 'nova-lite-compute', 'node1')},
            {e[:3] for e in self.sent})
        deleted = exists[self.deleted]
        self.assertEqual((BEGIN, END), (
            deleted.audit_period.audit_period_beginning.replace(
                tzinfo=None),
            deleted.audit_period.audit_period_ending.replace(tzinfo=None)))
        self.assertEqual(BEGIN + datetime.timedelta(hours=5),
                         deleted.terminated_at.replace(tzinfo=None))
        self.assertIsNone(exists[self.running].terminated_at)
        self.assertIsNone(self.audit('node1'))
        self.assertEqual(2, len(self.sent))

    def test_audit_is_off_by_default(self):
        self.api.conf.config(instance_usage_audit=False)
        self.assertIsNone(self.audit('node1'))
        self.assertEqual([], self.sent)

    def test_failed_notifications_are_counted(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send', lambda *a, **k: False))
        self.assertEqual((2, 2), self.audit('node1'))
        log = self.admin_get('/2026-03-05 10:00:00')[
            'instance_usage_audit_log']
        self.assertEqual(2, log['total_errors'])

    def test_begin_answer_crosses_rpc(self):
        objects.register_all()
        answer = self.conductor.usage_audit_begin(
            self.api.admin_context, 'node1', BEGIN.isoformat(),
            END.isoformat())
        serializer = rpc.RequestContextSerializer()
        back = serializer.deserialize_entity(
            self.api.admin_context, serializer.serialize_entity(
                self.api.admin_context, answer))
        self.assertEqual({self.running, self.deleted},
                         {instance.uuid for instance, _times in back})
        times = dict((i.uuid, t) for i, t in back)[self.deleted]
        self.assertEqual((BEGIN + datetime.timedelta(hours=5)).isoformat(),
                         times['terminated_at'])

    def test_log_of_the_period(self):
        self.audit('node1')
        with fixtures.MonkeyPatch(
                'oslo_utils.timeutils.utcnow',
                lambda *a, **k: NOW):
            body = self.admin_get('')
        log = body['instance_usage_audit_logs']
        self.assertEqual({
            'period_beginning': '2026-03-04 00:00:00',
            'period_ending': '2026-03-05 00:00:00',
            'num_hosts': 2, 'num_hosts_done': 1, 'num_hosts_running': 0,
            'num_hosts_not_run': 1, 'hosts_not_run': ['node2'],
            'total_instances': 2, 'total_errors': 0,
            'overall_status': '1 of 2 hosts done. 0 errors.'},
            {k: v for k, v in log.items() if k != 'log'})
        self.assertEqual(['node1'], list(log['log']))
        entry = log['log']['node1']
        self.assertEqual(('DONE', 2, 0), (entry['state'],
                                          entry['instances'],
                                          entry['errors']))
        self.assertIn('Instance usage audit ran for host node1, 2 '
                      'instances in', entry['message'])
        self.audit('node2')
        log = self.admin_get('/2026-03-05 10:00:00.000000')[
            'instance_usage_audit_log']
        self.assertEqual('ALL hosts done. 0 errors.', log['overall_status'])
        self.assertEqual(3, log['total_instances'])

    def test_log_of_an_earlier_period_is_empty(self):
        self.audit('node1')
        log = self.admin_get('/2026-03-01 00:00:00')[
            'instance_usage_audit_log']
        self.assertEqual(('2026-02-27 00:00:00', 0, {}, 2),
                         (log['period_beginning'], log['num_hosts_done'],
                          log['log'], log['num_hosts_not_run']))

    def test_bad_timestamp_and_policy(self):
        self.assertFault(self.get(AUDIT_LOG + '/yesterday', fakes.ADMIN),
                         400, 'badRequest')
        self.assertFault(self.get(AUDIT_LOG), 403, 'forbidden')
        self.assertFault(self.get(AUDIT_LOG + '/2026-03-01 00:00:00'), 403,
                         'forbidden')
