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
