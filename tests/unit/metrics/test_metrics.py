"""Capacity collector, build/scheduler helpers, the RPC client wrapper,
the compute queue gauges and the listener."""
import datetime
import threading
from unittest import mock
import urllib.request

import futurist
from futurist import waiters
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import oslo_messaging as messaging
import prometheus_client as prom
import testtools

from nova_lite.conf import metrics as metrics_conf
from nova_lite import exception
from nova_lite import metrics
from nova_lite.metrics import capacity
from nova_lite.metrics import listener
from nova_lite import rpc
from tests.unit.metrics import helpers

CONF = cfg.CONF
MIB, GIB = 1024 ** 2, 1024 ** 3


def _node(host, vcpus_used=0, memory_mb_used=0, local_gb_used=0):
    return {'host': host, 'vcpus': 16, 'vcpus_used': vcpus_used,
            'memory_mb': 4096, 'memory_mb_used': memory_mb_used,
            'local_gb': 100, 'local_gb_used': local_gb_used}


SNAPSHOT = capacity.Snapshot(
    nodes=[_node('node1', 2, 1024, 10), _node('node2', 4, 2048, 20),
           _node('node3')],
    aggregates=[{'name': 'az1-agg', 'availability_zone': 'az1',
                 'hosts': ['node1', 'node2']},
                {'name': 'ssd', 'availability_zone': None,
                 'hosts': ['node2', 'gone']}],
    instances={('node1', 'active'): 2, (None, 'building'): 1},
    taken_at=1700000000.0)


class TestCapacityCollector(testtools.TestCase):

    def _scrape(self, collector):
        registry = prom.CollectorRegistry()
        registry.register(collector)
        return helpers.samples(prom.generate_latest(registry).decode())

    def test_host_and_aggregate_gauges_in_base_units(self):
        found = self._scrape(capacity.CapacityCollector(
            reader=lambda ctxt: SNAPSHOT, default_zone='nova'))
        self.assertEqual({}, found)  # nothing before the first read
        collector = capacity.CapacityCollector(
            reader=lambda ctxt: SNAPSHOT, default_zone='nova')
        self.assertTrue(collector.refresh(context=object()))
        found = self._scrape(collector)
        val = helpers.value
        self.assertEqual(1024 * MIB, val(
            found, 'nova_lite_host_memory_used_bytes', host='node1',
            availability_zone='az1'))
        self.assertEqual(100 * GIB, val(
            found, 'nova_lite_host_disk_bytes', host='node3',
            availability_zone='nova'))
        self.assertEqual(6, val(found, 'nova_lite_aggregate_vcpus_used',
                                aggregate='az1-agg', availability_zone='az1'))
        # A host of the aggregate without a compute node counts nothing.
        self.assertEqual(16, val(found, 'nova_lite_aggregate_vcpus',
                                 aggregate='ssd', availability_zone=''))
        self.assertEqual(2, val(found, 'nova_lite_instances', host='node1',
                                vm_state='active'))
        self.assertEqual(1, val(found, 'nova_lite_instances', host='none',
                                vm_state='building'))
        self.assertEqual(1700000000.0, val(
            found, 'nova_lite_capacity_read_timestamp_seconds'))
        # Capacity left per zone, as doc/admin/metrics.md computes it.
        free = {}
        for (name, items), v in found.items():
            labels = dict(items)
            if name == 'nova_lite_host_vcpus':
                free[labels['availability_zone']] = free.get(
                    labels['availability_zone'], 0) + v
            elif name == 'nova_lite_host_vcpus_used':
                free[labels['availability_zone']] -= v
        self.assertEqual({'az1': 26, 'nova': 16}, free)
        self.assertEqual([], helpers.unbounded_labels(found))

    def test_failed_read_keeps_the_last_snapshot(self):
        reads = [SNAPSHOT]

        def reader(ctxt):
            if not reads:
                raise RuntimeError('database gone')
            return reads.pop()

        collector = capacity.CapacityCollector(reader=reader,
                                               default_zone='nova')
        self.assertTrue(collector.refresh(context=object()))
        self.assertFalse(collector.refresh(context=object()))
        self.assertEqual(2, helpers.value(self._scrape(collector),
                                          'nova_lite_instances',
                                          host='node1'))

    def test_scrape_does_not_read(self):
        reader = mock.Mock(return_value=SNAPSHOT)
        collector = capacity.CapacityCollector(reader=reader,
                                               default_zone='nova')
        collector.refresh(context=object())
        for _ in range(3):
            self._scrape(collector)
        self.assertEqual(1, reader.call_count)


class TestHelpers(testtools.TestCase):

    def test_no_valid_host_by_filter(self):
        before = helpers.registry_samples()
        exc = exception.NoValidHost(reason='x', details=[
            {'host': 'a', 'filter': 'RamFilter', 'reason': 'r'},
            {'host': 'b', 'filter': 'RamFilter', 'reason': 'r'},
            {'host': 'c', 'filter': 'ClaimConflict', 'reason': 'r'},
            {'host': 'd', 'filter': 'x' * 300, 'reason': 'r'}])
        metrics.no_valid_host(exc, ['RamFilter', 'CoreFilter'])
        metrics.no_valid_host(exception.NoValidHost(reason='y'),
                              ['RamFilter'])
        after = helpers.registry_samples()
        name = 'nova_lite_scheduler_no_valid_host_total'
        self.assertEqual(1, helpers.delta(before, after, name,
                                          filter='RamFilter'))
        self.assertEqual(1, helpers.delta(before, after, name,
                                          filter='ClaimConflict'))
        self.assertEqual(1, helpers.delta(before, after, name,
                                          filter='other'))
        self.assertEqual(1, helpers.delta(before, after, name,
                                          filter='NoHosts'))

    def test_scheduler_series_exist_at_zero_from_the_start(self):
        metrics.declare_scheduler_series(['ComputeFilter', 'ZoneXFilter'])
        samples = helpers.registry_samples()
        name = 'nova_lite_scheduler_no_valid_host_total'
        for name_filter in ('ComputeFilter', 'ZoneXFilter', 'NoHosts',
                            'ClaimConflict', 'other'):
            self.assertIn((name, frozenset({('filter', name_filter)})),
                          samples)
        count = 'nova_lite_scheduler_select_destinations_seconds_count'
        for outcome in ('success', 'no_valid_host', 'error'):
            self.assertIn((count, frozenset({('outcome', outcome)})),
                          samples)

    def test_select_timer_outcomes(self):
        before = helpers.registry_samples()
        with metrics.select_timer():
            pass
        self.assertRaises(exception.NoValidHost, self._raise,
                          exception.NoValidHost(reason='x'))
        self.assertRaises(KeyError, self._raise, KeyError('k'))
        after = helpers.registry_samples()
        name = 'nova_lite_scheduler_select_destinations_seconds_count'
        for outcome in ('success', 'no_valid_host', 'error'):
            self.assertEqual(1, helpers.delta(before, after, name,
                                              outcome=outcome))

    @staticmethod
    def _raise(exc):
        with metrics.select_timer():
            raise exc

    def test_build_active_observes_create_to_active(self):
        before = helpers.registry_samples()
        now = datetime.datetime(2024, 1, 1, 12, 0, 30)
        created = datetime.datetime(2024, 1, 1, 12, 0, 0,
                                    tzinfo=datetime.timezone.utc)
        metrics.build_active(mock.Mock(created_at=created), now=now)
        metrics.build_active(mock.Mock(created_at=None), now=now)
        after = helpers.registry_samples()
        self.assertEqual(2, helpers.delta(
            before, after, 'nova_lite_builds_succeeded_total'))
        self.assertEqual(1, helpers.delta(
            before, after, 'nova_lite_build_to_active_seconds_count'))
        # A difference of two float sums (other tests of this process
        # observed before): equal to within rounding.
        self.assertAlmostEqual(30.0, helpers.delta(
            before, after, 'nova_lite_build_to_active_seconds_sum'), 6)

    def test_build_failed_stage_is_bounded(self):
        self.assertRaises(ValueError, metrics.build_failed, 'anywhere')

    def test_build_queue_of_a_compute(self):
        manager = mock.Mock(host='node9')
        manager._build_semaphore = threading.BoundedSemaphore(1)
        manager._executor = futurist.ThreadPoolExecutor(max_workers=2)
        self.addCleanup(manager._executor.shutdown)
        release = threading.Event()

        def build():
            with manager._build_semaphore:
                release.wait(10)

        futures = [manager._executor.submit(build) for _ in range(3)]
        metrics.register_compute(manager)
        for _ in range(100):
            if metrics.build_queue(manager) == (2, 1, 1):
                break
            release.wait(0.02)
        self.assertEqual((2, 1, 1), metrics.build_queue(manager))
        found = helpers.registry_samples()
        self.assertEqual(2, helpers.value(
            found, 'nova_lite_compute_builds_queued', host='node9'))
        self.assertEqual(1, helpers.value(
            found, 'nova_lite_compute_max_concurrent_builds', host='node9'))
        release.set()
        waiters.wait_for_all(futures, 10)
        for _ in range(100):
            if metrics.build_queue(manager) == (0, 0, 1):
                break
            release.wait(0.02)
        self.assertEqual((0, 0, 1), metrics.build_queue(manager))


class TestMeteredClient(testtools.TestCase):

    def test_call_latency_timeouts_and_casts(self):
        inner = mock.Mock()
        inner.prepare.return_value = inner
        inner.call.side_effect = ['pong', messaging.MessagingTimeout(),
                                  exception.NoValidHost(reason='x')]
        client = rpc.MeteredClient(inner).prepare(server='node1')
        before = helpers.registry_samples()
        self.assertEqual('pong', client.call({}, 'ping'))
        self.assertRaises(messaging.MessagingTimeout, client.call, {},
                          'ping')
        self.assertRaises(exception.NoValidHost, client.call, {}, 'ping')
        client.cast({}, 'terminate_instance', instance_uuid='u')
        after = helpers.registry_samples()
        name = 'nova_lite_rpc_call_seconds_count'
        for outcome in ('success', 'timeout', 'error'):
            self.assertEqual(1, helpers.delta(before, after, name,
                                              method='ping', outcome=outcome))
        self.assertEqual(1, helpers.delta(
            before, after, 'nova_lite_rpc_call_timeouts_total', method='ping'))
        self.assertEqual(1, helpers.delta(
            before, after, 'nova_lite_rpc_casts_total',
            method='terminate_instance'))
        inner.cast.assert_called_once_with({}, 'terminate_instance',
                                           instance_uuid='u')
        self.assertIs(inner.can_send_version, client.can_send_version)


class TestListener(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(CONF))

    def test_off_by_default(self):
        self.assertEqual('', CONF.metrics.listen)
        self.assertIsNone(listener.start(CONF, 'nova-lite-api'))

    def test_port_offsets(self):
        self.conf.config(port=9180, group='metrics')
        ports = {b: metrics_conf.service_port(CONF, b)
                 for b in metrics_conf.PORT_OFFSETS}
        self.assertEqual(4, len(set(ports.values())))
        self.assertEqual(ports['nova-lite-api'], ports['nova-lite-all'])
        self.conf.config(port=65535, group='metrics')
        self.assertRaises(ValueError, metrics_conf.service_port, CONF,
                          'nova-lite-compute')

    def test_api_worker_ports_clear_of_every_binary(self):
        self.conf.config(port=9180, group='metrics')
        workers = [metrics_conf.service_port(CONF, 'nova-lite-api', k)
                   for k in range(4)]
        self.assertEqual([9180, 9190, 9200, 9210], workers)
        others = {metrics_conf.service_port(CONF, b)
                  for b in metrics_conf.PORT_OFFSETS}
        self.assertEqual({9180}, others & set(workers))

    def test_serves_metrics_on_loopback(self):
        from nova_lite.bench import processes
        port = processes.free_port()
        self.conf.config(listen='127.0.0.1', port=port - 1,
                         group='metrics')
        with mock.patch.object(listener, 'install_db_events') as db_events:
            running = listener.start(CONF, 'nova-lite-conductor')
        self.addCleanup(running.stop)
        db_events.assert_called_once_with('nova-lite-conductor')
        self.assertEqual(('127.0.0.1', port), running.address)
        body = urllib.request.urlopen(
            'http://127.0.0.1:%d/metrics' % port, timeout=5).read().decode()
        self.assertIn('nova_lite_builds_started_total', body)
        running.stop()
        running.stop()
