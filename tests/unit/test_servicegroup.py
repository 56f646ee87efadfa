"""nova_lite.servicegroup: the Python check and the SQL predicate agree
over a table of cases (on SQLite), forced_down wins over any heartbeat,
and the bounds come from [DEFAULT] service_down_time and
oslo_utils.timeutils."""
import datetime

from oslo_utils import timeutils
import sqlalchemy as sa
import testtools

from nova_lite.db import models
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite import servicegroup
from tests.unit.scheduler import fakes

NOW = datetime.datetime(2024, 5, 1, 12, 0, 0, 500000)
SECOND = datetime.timedelta(seconds=1)
MICRO = datetime.timedelta(microseconds=1)
DOWN = 60

#: host → (columns, up with service_down_time = 60 at NOW)
CASES = {
    'fresh': ({'last_seen_up': NOW}, True),
    'recent': ({'last_seen_up': NOW - 30 * SECOND}, True),
    'at-limit': ({'last_seen_up': NOW - DOWN * SECOND}, True),
    'just-past': ({'last_seen_up': NOW - DOWN * SECOND - MICRO}, False),
    'old': ({'last_seen_up': NOW - 3600 * SECOND}, False),
    'future-in-window': ({'last_seen_up': NOW + DOWN * SECOND}, True),
    'future-skewed': ({'last_seen_up': NOW + DOWN * SECOND + MICRO}, False),
    'never-new': ({'last_seen_up': None, 'created_at': NOW - SECOND}, True),
    'never-old': ({'last_seen_up': None,
                   'created_at': NOW - 2 * DOWN * SECOND}, False),
    'forced-fresh': ({'last_seen_up': NOW, 'forced_down': True}, False),
    'forced-never': ({'last_seen_up': None, 'created_at': NOW,
                      'forced_down': True}, False),
    'disabled-fresh': ({'last_seen_up': NOW, 'disabled': True}, True),
}


class ServiceGroupTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.db.conf.config(service_down_time=DOWN)
        self.admin = self.db.admin
        for host, (values, _up) in CASES.items():
            service = service_db.service_register(
                self.admin, host, servicegroup.COMPUTE, 'compute')
            service_db.service_update(self.admin, service['id'],
                                      dict({'created_at': NOW - 7200 *
                                            SECOND}, **values))
        self.services = service_db.service_get_all(self.admin)

    def python_up(self, now, seconds=None):
        return {s['host'] for s in self.services
                if servicegroup.is_up(s, now, seconds)}

    def sql_up(self, now, seconds=None, bound=False):
        svc = models.Service
        if bound:
            query = sa.select(svc.host).where(servicegroup.sql_is_up(svc))
            params = servicegroup.window_params(now, seconds)
        else:
            query = sa.select(svc.host).where(servicegroup.sql_is_up(
                svc, servicegroup.window(now, seconds)))
            params = {}
        with db_session.reader(self.admin) as session:
            return set(session.scalars(query, params))

    def test_table_of_cases(self):
        expected = {host for host, (_v, up) in CASES.items() if up}
        self.assertEqual(expected, self.python_up(NOW))
        self.assertEqual(expected, self.sql_up(NOW))
        self.assertEqual(expected, self.sql_up(NOW, bound=True))

    def test_python_and_sql_agree_at_other_times_and_widths(self):
        for offset in (-3600, -61, -60, -1, 0, 1, 59, 60, 61, 7200):
            now = NOW + offset * SECOND
            for seconds in (None, 1, 60, 3600):
                python = self.python_up(now, seconds)
                self.assertEqual(python, self.sql_up(now, seconds),
                                 (offset, seconds))
                self.assertEqual(python, self.sql_up(now, seconds, True),
                                 (offset, seconds))

    def test_forced_down_is_down_whatever_the_heartbeat(self):
        for host in ('forced-fresh', 'forced-never'):
            self.assertNotIn(host, self.python_up(NOW, 10 ** 6))
            self.assertNotIn(host, self.sql_up(NOW, 10 ** 6))

    def test_defaults_are_conf_and_timeutils(self):
        self.addCleanup(timeutils.clear_time_override)
        timeutils.set_time_override(NOW)
        self.assertEqual((NOW - DOWN * SECOND, NOW + DOWN * SECOND),
                         servicegroup.window())
        self.assertEqual(self.python_up(NOW), self.python_up(None))
        self.db.conf.config(service_down_time=3600)
        self.assertEqual(3600, servicegroup.down_time())
        self.assertIn('old', self.python_up(None))
        self.assertIn('old', self.sql_up(None))
        self.assertIn('old', service_db.compute_hosts_up(
            self.admin, ['old', 'forced-fresh']))
        self.assertNotIn('forced-fresh', service_db.compute_hosts_up(
            self.admin, ['old', 'forced-fresh']))

    def test_last_heartbeat(self):
        self.assertEqual(NOW, servicegroup.last_heartbeat(
            {'last_seen_up': NOW, 'created_at': NOW - SECOND}))
        self.assertEqual(NOW, servicegroup.last_heartbeat(
            {'last_seen_up': None, 'created_at': NOW}))
        self.assertFalse(servicegroup.is_up(
            {'last_seen_up': None, 'created_at': None,
             'forced_down': False}, NOW))
