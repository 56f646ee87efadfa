"""Issue 7 acceptance: no server is lost or stuck through broker, service
and database faults, and overload is refused early.

Each test runs the services as separate processes (``MultiProcessStack``)
on MariaDB with the fake driver made slow (``[fake] spawn_delay``), breaks
one thing while boots are in flight, and then checks the end state in the
database: no instance left in BUILD, every ERROR with a fault, and no
leak: allocations and fixed IPs belong exactly to the ACTIVE servers and
each node's usage is the sum of its allocations.  A last boot shows the
cloud works again.

Tests that stop or disturb the broker run their own RabbitMQ node
(``fixtures.rabbit_node``); the database fault goes through a TCP proxy
the test cuts (``fixtures.db_proxy``).
"""
import concurrent.futures
import os
import shutil
import subprocess
import time

import sqlalchemy as sa
import testtools
from testtools import content

from nova_lite.db import models
from tests.functional.fixtures import backends
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import db_proxy
from tests.functional.fixtures import processes
from tests.functional.fixtures import rabbit_node

ADMIN_HEADERS = {'X-Roles': 'admin,member,reader'}

#: Options every test starts from: fast heartbeats and sweeps, no quota.
BASE_CONF = {
    ('DEFAULT', 'report_interval'): 1,
    ('DEFAULT', 'service_down_time'): 8,
    ('DEFAULT', 'rpc_response_timeout'): 20,
    ('conductor', 'sweep_interval'): 2,
    ('conductor', 'redrive_timeout'): 10,
    ('conductor', 'build_timeout'): 120,
    ('compute', 'resource_update_interval'): 5,
    ('quota', 'instances'): -1,
    ('quota', 'cores'): -1,
    ('quota', 'ram'): -1,
}


class _Stack(processes.MultiProcessStack):
    """MultiProcessStack with a database proxy and per-host transport
    URLs (``host_transport_urls``: {host: url})."""

    def __init__(self, *args, proxy=None, host_transport_urls=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.proxy = proxy
        self.host_transport_urls = host_transport_urls or {}

    def _options(self):
        options = super()._options()
        if self.proxy is not None:
            options[('database', 'connection')] = self.proxy.url_for(
                self.db.url)
        return options

    def _host_config(self, host):
        path = super()._host_config(host)
        url = self.host_transport_urls.get(host)
        if url:
            with open(path, 'a') as conf:
                conf.write('transport_url = %s\n' % url)
        return path


class ReliabilityTestCase(testtools.TestCase):
    """Helpers: start a stack, boot, wait for the end state, check it."""

    backend = 'mysql'

    def start_stack(self, conf=None, rabbit=None, **kwargs):
        options = dict(BASE_CONF)
        options.update(conf or {})
        if rabbit is not None:
            options[('DEFAULT', 'transport_url')] = rabbit.transport_url
        self.stack = self.useFixture(_Stack(self.backend,
                                            hosts=('node1', 'node2'),
                                            conf=options, **kwargs))
        self.addOnException(self._attach_logs)
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.image = self.client.image_id('tiny')
        return self.stack

    def _attach_logs(self, _exc_info):
        """On failure: the processes' logs as they are now (and a copy in
        ``$NOVA_LITE_TEST_LOG_DIR/<test id>`` when that is set)."""
        keep = os.environ.get('NOVA_LITE_TEST_LOG_DIR')
        for name, proc in self.stack.processes.items():
            self.addDetail('log-at-failure-%s' % name,
                           content.text_content(proc.log_tail(100)))
            if keep:
                target = os.path.join(keep, self.id())
                os.makedirs(target, exist_ok=True)
                shutil.copy(proc.log_path, target)

    # ----------------------------------------------------------------- boot

    def boot(self, count, prefix='vm'):
        """``count`` single creates; their ids (each must be a 202)."""
        ids = []
        for index in range(count):
            resp = self.client.create_server(name='%s-%d' % (prefix, index),
                                             image=self.image)
            self.assertEqual(202, resp.status_code, resp.text)
            ids.append(resp.json()['server']['id'])
        return ids

    # ----------------------------------------------------------------- state

    def instances(self):
        """{uuid: (vm_state, task_state, host)} of live instances, read
        directly from the database (works while the API cannot)."""
        inst = models.Instance
        rows = self.stack.query(sa.select(
            inst.uuid, inst.vm_state, inst.task_state, inst.host).where(
            inst.deleted == 0))
        return {r[0]: tuple(r[1:]) for r in rows}

    def wait_settled(self, ids, timeout):
        """Wait until none of ``ids`` is in BUILD; {uuid: state}."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.instances()
            pending = {u: current.get(u) for u in ids
                       if current.get(u, ('missing',))[0] == 'building'}
            if not pending:
                return current
            if time.monotonic() > deadline:
                self.fail('still in BUILD after %d s: %s' % (timeout,
                                                            pending))
            time.sleep(0.5)

    def wait_for(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail('%s: not within %d s' % (what, timeout))
            time.sleep(0.5)

    # ---------------------------------------------------------------- checks

    def assert_settled(self, ids):
        """Every id exists and is ACTIVE, or ERROR with a fault (through
        the API); returns {id: status}."""
        servers = {s['id']: s for s in self.client.list_servers(limit=1000)}
        statuses = {}
        for server_id in ids:
            self.assertIn(server_id, servers, 'server lost')
            server = servers[server_id]
            self.assertIn(server['status'], ('ACTIVE', 'ERROR'), server)
            if server['status'] == 'ERROR':
                self.assertTrue(server.get('fault', {}).get('message'),
                                'ERROR without a fault: %s' % server)
            statuses[server_id] = server['status']
        return statuses

    def assert_no_leaks(self):
        """Allocations and fixed IPs are exactly those of the ACTIVE
        servers (each on its host's node) and every node's usage is the
        sum of its allocations."""
        inst, alloc = models.Instance, models.Allocation
        node, fip = models.ComputeNode, models.FixedIP
        active = {r[0]: r[1] for r in self.stack.query(
            sa.select(inst.uuid, inst.host).where(
                inst.deleted == 0, inst.vm_state == 'active'))}
        allocations = {r[0]: r[1] for r in self.stack.query(
            sa.select(alloc.instance_uuid, node.host).join(
                node, node.id == alloc.compute_node_id))}
        self.assertEqual(active, allocations)
        fixed = [r[0] for r in self.stack.query(
            sa.select(fip.instance_uuid).where(
                fip.instance_uuid.isnot(None)))]
        self.assertEqual(sorted(active), sorted(fixed))
        sums = {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in
                self.stack.query(sa.select(
                    node.host, sa.func.sum(alloc.vcpus),
                    sa.func.sum(alloc.memory_mb),
                    sa.func.sum(alloc.disk_gb)).join(
                    node, node.id == alloc.compute_node_id).group_by(
                    node.host))}
        for host, usage in self.stack.node_usage().items():
            self.assertEqual(sums.get(host, (0, 0, 0)), usage, host)

    def assert_boots_again(self, count=2, hosts=None):
        """New boots reach ACTIVE (on ``hosts`` when given)."""
        ids = self.boot(count, prefix='after')
        servers = self.client.wait_for_servers(ids, timeout=90)
        self.assertEqual({'ACTIVE'}, {s['status'] for s in servers.values()},
                         servers)
        if hosts is not None:
            placed = {self.instances()[i][2] for i in ids}
            self.assertLessEqual(placed, set(hosts))
        return ids

    def service_up(self, binary, host):
        """``nova-lite-manage service check`` (exit 0 up, 1 down)."""
        result = subprocess.run(
            processes.command('nova-lite-manage') + [
                '--config-file', self.stack.config_file, 'service', 'check',
                '--binary', binary, '--host', host],
            capture_output=True, text=True, timeout=60,
            env=processes.process_env())
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return result.returncode == 0


class TestBrokerRestart(ReliabilityTestCase):
    """1. The broker restarts while 30 boots are in flight."""

    def test_broker_restart_during_boots(self):
        node = self.useFixture(rabbit_node.RabbitNode())
        self.start_stack({('fake', 'spawn_delay'): 2,
                          ('DEFAULT', 'service_down_time'): 30}, rabbit=node)
        ids = self.boot(30)
        node.restart()
        self.wait_settled(ids, timeout=120 + 20)
        statuses = self.assert_settled(ids)
        self.assert_no_leaks()
        self.addDetail('statuses', content.text_content(
            repr(sorted(statuses.values()))))
        self.assert_boots_again()
        self.assert_no_leaks()


class TestComputeKilled(ReliabilityTestCase):
    """2. A compute is SIGKILLed while it builds; it restarts later."""

    def _spawning_on(self, host):
        return any(state[1] == 'spawning' and state[2] == host
                   for state in self.instances().values())

    def test_compute_killed_mid_build(self):
        self.start_stack({('fake', 'spawn_delay'): 3,
                          ('DEFAULT', 'max_concurrent_builds'): 2})
        ids = self.boot(10)
        self.wait_for(lambda: self._spawning_on('node1'), 60,
                      'a build spawning on node1')
        self.stack.processes['compute-node1'].kill()
        owned = {u for u, s in self.instances().items()
                 if s[2] == 'node1' and s[0] == 'building'}
        self.wait_for(lambda: not self.service_up('nova-lite-compute',
                                                  'node1'), 30,
                      'node1 reported down')
        self.stack.start_compute('node1')
        self.wait_settled(ids, timeout=120)
        statuses = self.assert_settled(ids)
        self.assertTrue(owned, 'node1 owned no build when killed')
        self.assert_no_leaks()
        self.assert_boots_again(count=4)
        self.assert_no_leaks()
        self.assertEqual(len(ids), len(statuses))


class TestConductorKilled(ReliabilityTestCase):
    """3. The conductor is SIGKILLed during a burst and restarted."""

    def test_conductor_killed_during_burst(self):
        self.start_stack({('fake', 'spawn_delay'): 0.5})
        ids = self.boot(5, prefix='before')
        self.stack.processes['conductor'].kill()
        ids += self.boot(10, prefix='while-down')
        self.stack.start_process('conductor', 'nova-lite-conductor',
                                 'controller')
        ids += self.boot(5, prefix='after-restart')
        self.wait_settled(ids, timeout=120)
        self.assert_settled(ids)
        self.assert_no_leaks()
        self.assert_boots_again()


class TestComputeConsumerGone(ReliabilityTestCase):
    """4. node1's compute process lives on but its RPC consumer is gone:
    its broker user may no longer read its queues (the connections are
    closed so that the new permissions apply); publishing still works."""

    USER = 'nl-node1'

    def _cut_consumer(self, node):
        node.ctl('set_permissions', '-p', '/', self.USER, '.*', '.*',
                 r'^(?!compute(\.node1)?$).*')
        node.ctl('close_all_user_connections', self.USER,
                 'test: consumer cut')

    def test_compute_without_consumer_gets_no_work(self):
        node = self.useFixture(rabbit_node.RabbitNode())
        node.ctl('add_user', self.USER, 'secret')
        node.ctl('set_permissions', '-p', '/', self.USER, '.*', '.*', '.*')
        url = 'rabbit://%s:secret@127.0.0.1:%d/' % (self.USER, node.port)
        self.start_stack({('fake', 'spawn_delay'): 0.2}, rabbit=node,
                         host_transport_urls={'node1': url})
        self.assertTrue(self.service_up('nova-lite-compute', 'node1'))
        self._cut_consumer(node)
        # service_down_time, plus a report interval and a self-ping
        # timeout, plus the time to close the connections.
        self.wait_for(lambda: not self.service_up('nova-lite-compute',
                                                  'node1'),
                      BASE_CONF[('DEFAULT', 'service_down_time')] + 17,
                      'node1 reported down')
        self.assertTrue(self.stack.processes['compute-node1'].alive())
        self.assertTrue(self.service_up('nova-lite-compute', 'node2'))
        ids = self.assert_boots_again(count=6, hosts=['node2'])
        self.assert_settled(ids)
        self.assert_no_leaks()


class TestDatabaseOutage(ReliabilityTestCase):
    """5. The database is unreachable for 10 s while boots are in flight
    (a proxy in front of MariaDB is cut, then restored)."""

    OUTAGE = 10

    def _admin_get(self, path):
        return self.client.request('GET', path, headers=ADMIN_HEADERS)

    def _check_503(self, resp):
        self.assertEqual(503, resp.status_code, resp.text)
        fault = resp.json()['serviceUnavailable']
        self.assertNotIn('Traceback', resp.text)
        self.assertIn('database', fault['message'])
        self.assertIn('Retry-After', resp.headers)

    def _proxy(self):
        admin_url = {'mysql': backends.MYSQL_ADMIN_URL,
                     'postgresql': backends.PG_ADMIN_URL}[self.backend]
        url = sa.engine.make_url(admin_url)
        default_port = {'mysql': 3306, 'postgresql': 5432}[self.backend]
        return self.useFixture(db_proxy.DBProxy(url.host,
                                                url.port or default_port))

    def test_database_outage_during_boots(self):
        proxy = self._proxy()
        self.start_stack({('fake', 'spawn_delay'): 1,
                          ('DEFAULT', 'max_concurrent_builds'): 2,
                          ('DEFAULT', 'service_down_time'): 30},
                         proxy=proxy)
        ids = self.boot(10)
        proxy.cut()
        cut_at = time.monotonic()
        self._check_503(self.client.request('GET', '/servers/detail'))
        self._check_503(self.client.create_server(name='x',
                                                  image=self.image))
        health = self.client.session.get(self.stack.api_url +
                                         '/healthcheck', timeout=30)
        self.assertEqual(503, health.status_code, health.text)
        time.sleep(max(0, self.OUTAGE - (time.monotonic() - cut_at)))
        proxy.restore()
        self.wait_settled(ids, timeout=120)
        statuses = self.assert_settled(ids)
        self.assertEqual({'ACTIVE'}, set(statuses.values()), statuses)
        self.assert_no_leaks()
        self.assert_boots_again()


    def test_api_started_during_outage_answers_at_once(self):
        """An API (re)started while the database is unreachable answers
        503 at once (not after oslo.db's start-up retries), then serves
        as soon as the database is back."""
        proxy = self._proxy()
        self.start_stack(proxy=proxy)
        proxy.cut()
        self.stack.processes['api'].stop()
        self.stack.start_process('api', 'nova-lite-api', 'controller')
        self.stack.wait_api()
        # The client's timeout (60 s) is below oslo.db's default start-up
        # wait (10 attempts, 10 s apart).
        self._check_503(self.client.request('GET', '/servers/detail'))
        proxy.restore()
        self.wait_for(lambda: self.client.request(
            'GET', '/servers/detail').status_code == 200, 30,
            'the API to serve again')
        # The computes' heartbeats failed with the database: the scheduler
        # sees them down until their next report, as Nova's does.
        self.wait_for(lambda: all(
            self.service_up('nova-lite-compute', host)
            for host in self.stack.hosts), 90, 'the computes up again')
        self.assert_boots_again()

class TestDatabaseOutagePostgreSQL(TestDatabaseOutage):
    """5 on PostgreSQL (psycopg reports a lost server differently)."""

    backend = 'postgresql'


class TestOverload(ReliabilityTestCase):
    """6. A burst of 100 creates on a cloud that builds 2 at a time per
    compute: some are refused with 503 + Retry-After, every accepted one
    becomes ACTIVE."""

    def _create(self, index):
        return self.client.create_server(name='burst-%d' % index,
                                         image=self.image)

    def test_burst_is_refused_early(self):
        self.start_stack({('fake', 'spawn_delay'): 1,
                          ('DEFAULT', 'max_concurrent_builds'): 2,
                          ('api', 'max_pending_builds'): 20})
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            responses = list(pool.map(self._create, range(100)))
        codes = [r.status_code for r in responses]
        self.assertLessEqual(set(codes), {202, 503}, codes)
        refused = [r for r in responses if r.status_code == 503]
        self.assertTrue(refused, 'no create was refused')
        for resp in refused:
            self.assertTrue(resp.headers.get('Retry-After'))
            self.assertIn('serviceUnavailable', resp.json())
        ids = [r.json()['server']['id'] for r in responses
               if r.status_code == 202]
        self.assertGreaterEqual(len(ids), 20)
        servers = self.client.wait_for_servers(ids, timeout=120)
        self.assertEqual({'ACTIVE'}, {s['status'] for s in servers.values()})
        self.assert_no_leaks()
