"""CloudStack events recorded from versioned notifications
(``nova_lite.cloudstack.events``), on a migrated SQLite database."""
import json

import testtools

from nova_lite.cloudstack import events
from nova_lite import context as nl_context
from nova_lite.notifications import samples
from tests.unit.scheduler import fakes


def _message(event_type, message_id):
    payload = json.loads(json.dumps(
        samples.samples()[event_type]['payload'], default=str))
    return (event_type, payload,
            {'message_id': message_id,
             'timestamp': '2026-12-06 09:00:00.123456'})


class RecordTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin

    def test_lifecycle_events_in_order(self):
        for index, name in enumerate(('instance.create.end',
                                      'instance.power_off.end',
                                      'instance.update',
                                      'instance.delete.end')):
            events.record(self.admin, *_message(name, 'm-%d' % index))
        owner = nl_context.RequestContext(
            user_id='fake', project_id=samples._Context.project_id)
        rows = events.list_events(owner)
        self.assertEqual(['VM.CREATE', 'VM.STOP', 'VM.DESTROY'],
                         [r['type'] for r in rows])
        self.assertEqual({('INFO', 'Completed', samples.UUID)},
                         {(r['level'], r['state'], r['resource_id'])
                          for r in rows})
        self.assertEqual('2026-12-06 09:00:00.123456',
                         str(rows[0]['created_at']))
        other = nl_context.RequestContext(user_id='x', project_id='other')
        self.assertEqual([], events.list_events(other))
        self.assertEqual(3, len(events.list_events(other,
                                                   all_projects=True)))

    def test_error_level_and_redelivery(self):
        message = _message('instance.create.error', 'm-1')
        self.assertEqual('ERROR', events.record(self.admin,
                                                *message)['level'])
        self.assertIsNone(events.record(self.admin, *message))
        self.assertEqual(1, len(events.list_events(self.admin,
                                                   all_projects=True)))

    def test_nic_events(self):
        recorded = [events.record(self.admin, *_message(name, 'n-%d' % i))
                    for i, name in enumerate((
                        'instance.interface_attach.start',
                        'instance.interface_attach.end',
                        'instance.interface_attach.error',
                        'instance.interface_detach.end'))]
        self.assertIsNone(recorded[0])
        self.assertEqual([('NIC.CREATE', 'INFO'), ('NIC.CREATE', 'ERROR'),
                          ('NIC.DELETE', 'INFO')],
                         [(r['type'], r['level']) for r in recorded[1:]])


    def test_migration_event(self):
        recorded = [events.record(self.admin, *_message(name, 'l-%d' % i))
                    for i, name in enumerate((
                        'instance.live_migration_pre.start',
                        'instance.live_migration_post.end'))]
        self.assertIsNone(recorded[0])
        self.assertEqual(('VM.MIGRATE', 'INFO', 'VirtualMachine'), (
            recorded[1]['type'], recorded[1]['level'],
            events.resource_type(recorded[1]['type'])))


class RecordActionTest(testtools.TestCase):
    """Security group events, recorded by the CloudStack API itself."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())

    def test_recorded_for_the_caller(self):
        ctx = nl_context.RequestContext(user_id='u1', project_id='p1')
        row = events.record_action(ctx, 'SG.AUTH.INGRESS', 'authorized',
                                   'group-1')
        self.assertEqual(('SG.AUTH.INGRESS', 'INFO', 'Completed', 'u1',
                          'p1', 'group-1'), (
            row['type'], row['level'], row['state'], row['user_id'],
            row['project_id'], row['resource_id']))
        # No message id: several are recorded (the unique constraint is
        # for redelivered notifications).
        events.record_action(ctx, 'SG.AUTH.INGRESS', 'again', 'group-1')
        self.assertEqual(2, len(events.list_events(
            ctx, event_type='SG.AUTH.INGRESS')))
        self.assertRaises(ValueError, events.record_action, ctx,
                          'VM.CREATE', 'x', 'y')
        self.assertEqual(('SecurityGroup', 'VirtualMachine'), (
            events.resource_type('SG.CREATE'),
            events.resource_type('VM.CREATE')))
        self.assertIn('SG.REVOKE.EGRESS', events.TYPES)

    def test_admin_events_with_level_and_state(self):
        ctx = nl_context.RequestContext(user_id='u1', project_id='p1')
        row = events.record_action(ctx, 'MAINT.PREPARE', 'starting', 'h1',
                                   state=events.STARTED)
        self.assertEqual(('INFO', 'Started', 'Host'), (
            row['level'], row['state'], events.resource_type(row['type'])))
        row = events.record_action(ctx, 'MAINT.PREPARE', 'failed', 'h1',
                                   level='ERROR')
        self.assertEqual(('ERROR', 'Completed'), (row['level'],
                                                  row['state']))
        self.assertRaises(ValueError, events.record_action, ctx,
                          'MAINT.PREPARE', 'x', 'h1', level='DEBUG')
