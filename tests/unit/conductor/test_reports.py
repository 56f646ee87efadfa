"""The conductor's batches of heartbeats and resource reports
(``conductor.reports``, ``services.service_heartbeats``,
``compute_nodes.compute_node_reports``) on SQLite: one UPDATE for the
heartbeats, three statements for the reports whatever their number, the
usage healed from the allocations, gone services registered again."""
import threading
import time

import sqlalchemy as sa
from sqlalchemy import event
import testtools

from nova_lite.conductor import manager as conductor_manager
from nova_lite.conductor import reports
from nova_lite.db import claims as claim_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import models
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite import servicegroup
from tests.unit.scheduler import fakes

RATIOS = {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
          'disk_allocation_ratio': 1.0}


def report(host, vcpus=8, memory_mb=2048):
    return {'host': host, 'nodename': host,
            'resources': {'vcpus': vcpus, 'memory_mb': memory_mb,
                          'local_gb': 20, 'hypervisor_type': 'fake'},
            'ratios': RATIOS, 'reserved_memory_mb': 0,
            'reserved_disk_gb': 0}


class Statements:
    """Statements of this thread while counting."""

    def __init__(self):
        self.seen = []

    def _record(self, conn, cursor, statement, *args):
        if threading.get_ident() == self._thread and \
                not statement.startswith('BEGIN'):
            self.seen.append(statement.split()[0].upper())

    def __enter__(self):
        self._thread = threading.get_ident()
        event.listen(sa.engine.Engine, 'before_cursor_execute', self._record)
        return self

    def __exit__(self, *exc_info):
        event.remove(sa.engine.Engine, 'before_cursor_execute', self._record)


class BatchTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.admin = self.db.admin
        self.nodes = {h: self.db.add_host(h) for h in ('h1', 'h2', 'h3')}
        self.services = {s['host']: s for s in service_db.service_get_all(
            self.admin)}

    def counts(self):
        return {s['host']: s['report_count']
                for s in service_db.service_get_all(self.admin)}

    def nodes_now(self):
        return {n['host']: n for n in node_db.compute_node_get_all(
            self.admin)}


class HeartbeatsTest(BatchTestCase):

    def test_one_update_and_the_gone_rows(self):
        before = self.counts()
        ids = [s['id'] for s in self.services.values()]
        with Statements() as counted:
            self.assertEqual(set(), service_db.service_heartbeats(
                self.admin, ids))
        self.assertEqual(['UPDATE'], counted.seen)
        self.assertEqual({h: c + 1 for h, c in before.items()},
                         self.counts())
        service_db.service_destroy(self.admin, self.services['h2']['id'])
        self.assertEqual({self.services['h2']['id']},
                         service_db.service_heartbeats(self.admin, ids))
        self.assertEqual(set(), service_db.service_heartbeats(self.admin,
                                                              []))


class NodeReportsTest(BatchTestCase):

    def test_three_statements_heal_usage_and_create_new_nodes(self):
        self.assertTrue(claim_db.claim(self.admin, self.nodes['h1']['id'],
                                       'vm-1', 2, 512, 5))
        # drift: usage not matching the allocations, healed by the batch
        with db_session.writer(self.admin) as session:
            session.execute(sa.update(models.ComputeNode).values(
                vcpus_used=7))
        batch = [report('h1', vcpus=16), report('h2'), report('h3'),
                 report('h1', vcpus=12)]
        with Statements() as counted:
            ids = node_db.compute_node_reports(self.admin, batch)
        self.assertEqual(['SELECT', 'SELECT', 'UPDATE'], counted.seen)
        self.assertEqual({('h1', 'h1'), ('h2', 'h2'), ('h3', 'h3')},
                         set(ids))
        nodes = self.nodes_now()
        self.assertEqual((12, 2, 512, 5), (
            nodes['h1']['vcpus'], nodes['h1']['vcpus_used'],
            nodes['h1']['memory_mb_used'], nodes['h1']['local_gb_used']))
        self.assertEqual((8, 0), (nodes['h2']['vcpus'],
                                  nodes['h2']['vcpus_used']))
        service_db.service_register(self.admin, 'h4', servicegroup.COMPUTE,
                                    'compute')
        ids = node_db.compute_node_reports(self.admin, [report('h4'),
                                                        report('h1')])
        self.assertEqual(2048, self.nodes_now()['h4']['memory_mb'])
        self.assertEqual(4, len(set(self.nodes_now())))
        self.assertEqual({}, node_db.compute_node_reports(self.admin, []))


class ReportBatcherTest(BatchTestCase):

    def test_queued_until_flushed_and_gone_rows_registered(self):
        batcher = reports.ReportBatcher(interval=3600)
        self.addCleanup(batcher.stop)
        before = self.counts()
        for host in ('h1', 'h2'):
            service = self.services[host]
            batcher.heartbeat(self.admin, service['id'], host,
                              servicegroup.COMPUTE, 'compute')
            batcher.heartbeat(self.admin, service['id'], host,
                              servicegroup.COMPUTE, 'compute')
        batcher.node_report(self.admin, **report('h3', vcpus=32))
        self.assertEqual(32, self.nodes_now()['h3']['vcpus'])  # the first
        batcher.node_report(self.admin, **report('h3', vcpus=48))
        self.assertEqual(before, self.counts())
        self.assertEqual(32, self.nodes_now()['h3']['vcpus'])
        service_db.service_destroy(self.admin, self.services['h2']['id'])
        self.assertEqual((2, 1), batcher.flush())
        counts = self.counts()
        self.assertEqual(before['h1'] + 1, counts['h1'])
        self.assertEqual(0, counts['h2'])          # registered again
        self.assertEqual(48, self.nodes_now()['h3']['vcpus'])
        self.assertEqual((0, 0), batcher.flush())

    def test_thread_writes_every_interval_and_stop_writes_the_rest(self):
        batcher = reports.ReportBatcher(interval=0.05)
        service = self.services['h1']
        batcher.heartbeat(self.admin, service['id'], 'h1',
                          servicegroup.COMPUTE, 'compute')
        wait_for(lambda: self.counts()['h1'] == service['report_count'] + 1)
        batcher.stop()
        batcher.heartbeat(self.admin, service['id'], 'h1',
                          servicegroup.COMPUTE, 'compute')
        self.assertEqual(service['report_count'] + 2, self.counts()['h1'])

    def test_interval_zero_writes_at_once(self):
        batcher = reports.ReportBatcher(interval=0)
        batcher.node_report(self.admin, **report('h2', vcpus=3))
        self.assertEqual(3, self.nodes_now()['h2']['vcpus'])

    def test_conductor_endpoint_queues(self):
        self.db.conf.config(report_batch_interval=3600, group='conductor')
        conductor = conductor_manager.ConductorManager('c')
        self.addCleanup(conductor.reports.stop)
        before = self.counts()
        conductor.service_heartbeat(self.admin, self.services['h3']['id'],
                                    'h3', servicegroup.COMPUTE, 'compute')
        conductor.compute_node_report(self.admin, **report('h3', vcpus=5))
        self.assertEqual(5, self.nodes_now()['h3']['vcpus'])  # the first
        conductor.compute_node_report(self.admin, **report('h3', vcpus=6))
        self.assertEqual(before, self.counts())
        self.assertEqual(5, self.nodes_now()['h3']['vcpus'])
        conductor.reports.flush()
        self.assertEqual(before['h3'] + 1, self.counts()['h3'])
        self.assertEqual(6, self.nodes_now()['h3']['vcpus'])


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError('not written within %d s' % timeout)
        time.sleep(0.02)
