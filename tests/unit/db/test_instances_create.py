"""nova_lite.db.instances.instances_create when a retry meets its own
rows: a first attempt that committed although its caller saw the
connection die (a Galera node killed between the commit and its answer;
``retry_on_deadlock`` then runs the insert again through HAProxy's next
node) returns the rows it made instead of failing the request; a row of
another request is still a duplicate."""
from unittest import mock

from oslo_db import exception as db_exc
import sqlalchemy as sa
import testtools

from nova_lite import context as nl_context
from nova_lite.db import instances as instance_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from tests.unit.scheduler import fakes


def _values(uuid):
    return {'uuid': uuid, 'project_id': 'p1', 'user_id': 'u', 'vcpus': 1,
            'memory_mb': 64, 'root_gb': 1, 'vm_state': 'building'}


class InstancesCreateRetryTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.ctxt = nl_context.RequestContext(
            user_id='u', project_id='p1', roles=['member'])

    def _count(self, model):
        with db_session.reader(self.ctxt) as session:
            return session.scalar(sa.select(sa.func.count()).select_from(
                model))

    def test_retry_after_a_lost_commit_returns_the_rows(self):
        real_insert = instance_db._instances_insert.__wrapped__
        calls = []

        def commit_then_lose_the_answer(*args):
            # The first attempt commits, then its connection "dies":
            # oslo.db's retry runs the insert again.
            calls.append(1)
            rows = real_insert(*args)
            if len(calls) == 1:
                raise db_exc.DBConnectionError('Lost connection (2013)')
            return rows

        retried = db_session.retry_on_deadlock(commit_then_lose_the_answer)
        with mock.patch.object(instance_db, '_instances_insert', retried):
            rows = instance_db.instances_create(
                self.ctxt, [_values('i1'), _values('i2')], {'k': 'v'})
        self.assertEqual(2, len(calls))
        self.assertEqual(['i1', 'i2'], [r.uuid for r in rows])
        self.assertEqual([('k', 'v')] * 2, [
            (m.key, m.value) for r in rows for m in r.metadata_items])
        self.assertEqual((), rows[0].fixed_ips)
        self.assertEqual(2, self._count(models.Instance))
        self.assertEqual(2, self._count(models.InstanceAction))

    def test_another_requests_row_is_a_duplicate(self):
        instance_db.instances_create(self.ctxt, [_values('i1')])
        other = nl_context.RequestContext(
            user_id='u', project_id='p1', roles=['member'])
        self.assertRaises(db_exc.DBDuplicateEntry,
                          instance_db.instances_create, other,
                          [_values('i1')])
        self.assertEqual(1, self._count(models.Instance))
