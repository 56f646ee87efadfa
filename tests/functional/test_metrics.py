"""Prometheus metrics of a multi-process stack over RabbitMQ and MariaDB:
boot and delete servers, scrape every service's /metrics and check that
the counters moved by what was done, and that no label is unbounded."""
import time

import requests
import testtools

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes
from tests.unit.metrics import helpers

SERVERS = '/v2.1/servers'


class TestMetricsMultiProcess(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(processes.MultiProcessStack(
            'mysql', hosts=('node1', 'node2'), metrics=True,
            conf={('quota', 'instances'): 20,
                  ('metrics', 'capacity_interval'): 1,
                  # m1.large (8 GiB) fits no host: NoValidHost by
                  # RamFilter; m1.tiny (512 MiB) fits.
                  ('fake', 'memory_mb'): 2048}))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.image = self.client.image_id('tiny')

    def scrape(self):
        """{process name: samples} of every process."""
        return {name: helpers.samples(requests.get(url, timeout=10).text)
                for name, url in self.stack.metrics_urls.items()}

    def delta(self, before, after, names, metric, **labels):
        return sum(helpers.delta(before[n], after[n], metric, **labels)
                   for n in names)

    def wait_for(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.scrape()
            if predicate(found):
                return found
            time.sleep(0.5)
        self.fail('metrics never satisfied the condition: %s' % found)

    def test_counters_follow_boots_and_deletes(self):
        computes = ['compute-node1', 'compute-node2']
        self.assertEqual({'api', 'conductor', 'scheduler'} | set(computes),
                         set(self.stack.metrics_urls))
        before = self.scrape()
        posts = []
        posts.append(self.client.create_server(
            name='multi', image=self.image, min_count=3, max_count=3,
            return_reservation_id=True))
        for index in range(2):
            posts.append(self.client.create_server(name='one-%d' % index,
                                                   image=self.image))
        posts.append(self.client.create_server(name='big', flavor='4',
                                               image=self.image))
        self.assertEqual([202] * 4, [r.status_code for r in posts])
        ids = [s['id'] for s in self.client.list_servers(
            reservation_id=posts[0].json()['reservation_id'])]
        ids += [r.json()['server']['id'] for r in posts[1:]]
        servers = self.client.wait_for_servers(ids)
        active = [i for i, s in servers.items() if s['status'] == 'ACTIVE']
        self.assertEqual(5, len(active))
        self.assertEqual('ERROR', servers[ids[-1]]['status'])
        for server_id in ids:
            self.assertEqual(204,
                             self.client.delete_server(server_id).status_code)
        self.client.wait_for_deleted(ids)
        # The capacity gauges are read every second by the scheduler.
        after = self.wait_for(lambda found: helpers.value(
            found['scheduler'], 'nova_lite_instances') == 0 and all(
            helpers.value(found['scheduler'], 'nova_lite_host_vcpus',
                          host=h) == 16 for h in ('node1', 'node2')))

        # API: one 202 per POST /servers, one 204 per DELETE.
        self.assertEqual(4, self.delta(
            before, after, ['api'], 'nova_lite_api_requests_total',
            route=SERVERS, method='POST', code='202'))
        self.assertEqual(len(ids), self.delta(
            before, after, ['api'], 'nova_lite_api_requests_total',
            route=SERVERS + '/<server_id>', method='DELETE', code='204'))
        self.assertEqual(4, self.delta(
            before, after, ['api'],
            'nova_lite_api_request_duration_seconds_count', route=SERVERS,
            method='POST'))
        # Conductor: 6 builds started, 1 failed scheduling (NoValidHost).
        self.assertEqual(6, self.delta(before, after, ['conductor'],
                                       'nova_lite_builds_started_total'))
        self.assertEqual(1, self.delta(
            before, after, ['conductor'], 'nova_lite_builds_failed_total',
            stage='schedule'))
        self.assertEqual(0, self.delta(before, after, ['conductor'],
                                       'nova_lite_builds_rescheduled_total'))
        # Computes: succeeded == servers that went ACTIVE.
        self.assertEqual(len(active), self.delta(
            before, after, computes, 'nova_lite_builds_succeeded_total'))
        self.assertEqual(len(active), self.delta(
            before, after, computes,
            'nova_lite_build_to_active_seconds_count'))
        self.assertEqual(len(active), self.delta(
            before, after, computes, 'nova_lite_compute_spawn_seconds_count'))
        for name in computes:
            self.assertEqual(0, helpers.value(
                after[name], 'nova_lite_compute_builds_queued'))
            self.assertGreater(helpers.value(
                after[name], 'nova_lite_compute_max_concurrent_builds'), 0)
        # Scheduler: one select_destinations per POST, seen by both sides.
        selects = self.delta(
            before, after, ['scheduler'],
            'nova_lite_scheduler_select_destinations_seconds_count')
        self.assertEqual(4, selects)
        self.assertEqual(selects, self.delta(
            before, after, ['conductor'], 'nova_lite_rpc_call_seconds_count',
            method='select_destinations'))
        self.assertEqual(1, self.delta(
            before, after, ['scheduler'],
            'nova_lite_scheduler_select_destinations_seconds_count',
            outcome='no_valid_host'))
        self.assertEqual(1, self.delta(
            before, after, ['scheduler'],
            'nova_lite_scheduler_no_valid_host_total', filter='RamFilter'))
        self.assertEqual(4, self.delta(
            before, after, ['scheduler'],
            'nova_lite_scheduler_hosts_considered_count'))
        # RPC: the API cast one build_instances per POST; no timeouts.
        self.assertEqual(4, self.delta(before, after, ['api'],
                                       'nova_lite_rpc_casts_total',
                                       method='build_instances'))
        # (A compute may have timed out pinging a conductor that was still
        # starting before the run: only the run's own timeouts count.)
        self.assertEqual(0, self.delta(before, after, list(after),
                                       'nova_lite_rpc_call_timeouts_total'))
        # Database: every controller service counted statements under its
        # binary; computes have no database access and issued none.
        for name, binary in (('api', 'nova-lite-api'),
                             ('conductor', 'nova-lite-conductor'),
                             ('scheduler', 'nova-lite-scheduler')):
            self.assertGreater(helpers.value(
                after[name], 'nova_lite_db_statements_total',
                service=binary), 0, name)
            self.assertGreater(helpers.value(
                after[name], 'nova_lite_db_transaction_seconds_count',
                service=binary), 0, name)
        for name in computes:
            self.assertEqual(0, helpers.value(
                after[name], 'nova_lite_db_statements_total'), name)
        # Capacity: base units, every claim released.
        sched = after['scheduler']
        self.assertEqual(2048 * 1024 ** 2, helpers.value(
            sched, 'nova_lite_host_memory_bytes', host='node1',
            availability_zone='nova'))
        self.assertEqual(0, helpers.value(sched,
                                          'nova_lite_host_vcpus_used'))
        # No label value anywhere is a uuid, a request id or a raw URL.
        for name, found in after.items():
            self.assertEqual([], helpers.unbounded_labels(found), name)
