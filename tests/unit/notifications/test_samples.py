"""doc/notification_samples match what the payload code produces (uuids
and times aside): regenerate them with tools/gen-notification-samples.py
after changing a payload."""
import json
import os
import re

import testtools

from nova_lite import conf  # noqa: F401 - registers [notifications]
from nova_lite.notifications import samples

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
SAMPLES = os.path.join(ROOT, 'doc', 'notification_samples')
_UUID = re.compile('^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                   '[0-9a-f]{12}$')
_TIME = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d')


def normalize(value):
    """``value`` with uuids and times replaced by placeholders."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, str) and _UUID.match(value):
        return '<uuid>'
    if isinstance(value, str) and _TIME.match(value):
        return '<time>'
    return value


class TestNotificationSamples(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.produced = {
            name: json.loads(json.dumps(sample, default=str))
            for name, sample in samples.samples().items()}

    def test_every_event_has_a_sample_file(self):
        files = sorted(f[:-len('.json')] for f in os.listdir(SAMPLES)
                       if f.endswith('.json'))
        self.assertEqual(sorted(self.produced), files,
                         'run tools/gen-notification-samples.py')

    def test_samples_match_the_code(self):
        for name, produced in self.produced.items():
            with open(os.path.join(SAMPLES, name + '.json')) as f:
                stored = json.load(f)
            self.assertEqual(normalize(stored), normalize(produced),
                             '%s: run tools/gen-notification-samples.py'
                             % name)

    def test_instance_payloads_carry_nova_names(self):
        data = self.produced['instance.create.end']['payload']
        self.assertEqual('InstanceActionPayload', data['nova_object.name'])
        for field in ('uuid', 'display_name', 'host', 'state',
                      'power_state', 'task_state', 'flavor', 'image_uuid',
                      'tenant_id', 'user_id', 'fault', 'ip_addresses'):
            self.assertIn(field, data['nova_object.data'])
        error = self.produced['instance.create.error']
        self.assertEqual('ERROR', error['priority'])
        self.assertEqual('NoValidHost', error['payload']['nova_object.data'][
            'fault']['nova_object.data']['exception'])
