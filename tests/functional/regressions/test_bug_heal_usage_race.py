"""Regression: the resource report healed usage from stale sums.

``compute_node_report`` summed the node's allocations and then wrote the
sums to ``*_used``; a claim committing in between was lost from the usage,
so later claims overcommitted the host (33 of 50 boots ACTIVE on 3 hosts
with room for 30 in test_scheduler_concurrency). The report now locks the
node row before summing.

Deterministic form: a claim transaction is left open (node UPDATE and
allocation INSERT done, not committed) while a report runs in another
thread; the claim commits; the usage must count it.
"""
import threading
import time

import sqlalchemy as sa
import testtools

from nova_lite import context as nl_context
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import session as db_session
from nova_lite.db import models
from tests.functional.fixtures import backends
from tests import db_helpers

RESOURCES = {'vcpus': 4, 'memory_mb': 4096, 'local_gb': 100,
             'hypervisor_type': 'fake'}
RATIOS = {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
          'disk_allocation_ratio': 1.0}


class HealUsageRaceMixin:
    backend = None

    def setUp(self):
        super().setUp()
        database = self.useFixture(backends.ConfiguredDatabase(self.backend))
        self.admin = nl_context.get_admin_context()
        self.node = self.report()
        self.engine = sa.create_engine(database.url)
        self.addCleanup(self.engine.dispose)

    def wait_for_lock_wait(self, timeout=30):
        """Poll until a transaction of the database waits for a row lock
        (the report, blocked by the open claim)."""
        deadline = time.monotonic() + timeout
        with self.engine.connect() as conn:
            while conn.execute(sa.text(self.lock_waits)).scalar() == 0:
                conn.rollback()
                if time.monotonic() > deadline:
                    self.fail('the report never waited for the claim')
                time.sleep(0.05)

    def report(self):
        return node_db.compute_node_report(self.admin, 'node1', 'node1',
                                           RESOURCES, RATIOS, 0, 0)

    def open_claim(self, conn):
        """Claim 512 MiB on the node in ``conn``'s open transaction."""
        node = models.ComputeNode.__table__
        conn.execute(node.update().where(node.c.id == self.node['id'])
                     .values(memory_mb_used=node.c.memory_mb_used + 512))
        conn.execute(models.Allocation.__table__.insert().values(
            instance_uuid='claimed-meanwhile',
            compute_node_id=self.node['id'], vcpus=0, memory_mb=512,
            disk_gb=0, created_at=db_session.utcnow()))

    def test_report_waits_for_the_claim_in_flight(self):
        conn = self.engine.connect()
        self.addCleanup(conn.close)
        trans = conn.begin()
        self.open_claim(conn)
        reporter = threading.Thread(target=self.report)
        reporter.start()
        self.wait_for_lock_wait()
        trans.commit()
        reporter.join(30)
        self.assertFalse(reporter.is_alive())
        usage = db_helpers.compute_node_get(self.admin, self.node['id'])
        self.assertEqual(512, usage['memory_mb_used'])


class TestHealUsageRaceMariaDB(HealUsageRaceMixin, testtools.TestCase):
    backend = 'mysql'
    lock_waits = ("SELECT COUNT(*) FROM information_schema.innodb_trx "
                  "WHERE trx_state = 'LOCK WAIT'")


class TestHealUsageRacePostgreSQL(HealUsageRaceMixin, testtools.TestCase):
    backend = 'postgresql'
    lock_waits = ("SELECT COUNT(*) FROM pg_stat_activity WHERE "
                  "wait_event_type = 'Lock' AND datname = current_database()")
