"""FakeDriver's host: an ``uptime`` line in procps' shape."""
import time
from unittest import mock

import testtools

from nova_lite.virt import fake


class FakeHostUptimeTest(testtools.TestCase):

    def test_minutes_then_hours_then_days(self):
        driver = fake.FakeDriver('node1')
        start = driver._started
        for elapsed, since in ((125, 'up 2 min,'),
                               (3 * 3600 + 4 * 60, 'up  3:04,'),
                               (2 * 86400 + 5 * 60, 'up 2 days, 5 min,')):
            with mock.patch.object(time, 'monotonic',
                                   return_value=start + elapsed + 0.5):
                line = driver.get_host_uptime()
            self.assertIn(since, line)
            self.assertTrue(line.endswith(
                '0 users,  load average: 0.00, 0.00, 0.00'), line)
