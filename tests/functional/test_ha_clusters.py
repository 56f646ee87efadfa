"""oslo.messaging and oslo.db on the three-node clusters
(``tests/functional/fixtures/ha_clusters.py``): one cluster start (~29 s
on 2 cores) shared by the tests of one class (stestr keeps a class on
one worker).

* RPC calls and casts keep working when the broker node the clients and
  the server are connected to is killed mid-burst (quorum queues,
  ``nova_lite.bench.ha_clusters.RABBIT_OPTIONS``); the node rejoins.
* A Galera certification failure (two writers on two nodes, one row)
  reaches nova_lite as oslo.db's ``DBDeadlock`` and ``retry_on_deadlock``
  retries it.
* Claims written through HAProxy while its primary Galera node is killed
  mid-burst: none lost, none counted twice.

Skipped when rabbitmq-server, mariadb-server, galera-4, haproxy or rsync
is missing (``tools/install-system-deps.sh``).
"""
import json
import threading
import time
from concurrent import futures

from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import engines
import oslo_messaging as messaging
import sqlalchemy as sa
import testtools

from nova_lite.bench import ha_clusters
from nova_lite.conf import rpc as rpc_conf
from nova_lite import context as nl_context
from nova_lite.db import claims
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import migration
from nova_lite.db import models
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite import servicegroup
from tests.functional.fixtures import ha_clusters as ha_fixture

CONF = cfg.CONF


class Endpoint:
    """RPC endpoint: ``echo`` answers calls, ``note`` records casts."""

    def __init__(self):
        self.noted = set()
        self.lock = threading.Lock()

    def echo(self, ctxt, n):
        return n

    def note(self, ctxt, n):
        with self.lock:
            self.noted.add(n)


class TestHAClusters(testtools.TestCase):
    RPC_BURST = 240
    CLAIMS = 150

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fixture = None
        if not ha_fixture.missing_programs():
            cls.fixture = ha_fixture.HAClustersFixture()
            cls.fixture.setUp()

    @classmethod
    def tearDownClass(cls):
        if cls.fixture is not None:
            cls.fixture.cleanUp()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        if self.fixture is None:
            self.skipTest('HA clusters need: %s' % ', '.join(
                ha_fixture.missing_programs()))
        self.clusters = self.fixture.clusters
        self.flags = self.useFixture(config_fixture.Config(CONF))

    # ------------------------------------------------------------ broker

    def _transport(self):
        rpc_conf.register_opts(CONF)
        self.flags.config(transport_url=self.clusters.transport_url)
        self.flags.config(group='oslo_messaging_rabbit',
                          **ha_clusters.RABBIT_OPTIONS)
        transport = messaging.get_rpc_transport(CONF)
        self.addCleanup(transport.cleanup)
        return transport

    def _connections(self, i):
        out = self.clusters.broker(i).ctl('list_connections', 'peer_port')
        return len(out.split())

    def test_call_and_cast_survive_a_broker_kill(self):
        endpoint = Endpoint()
        server = messaging.get_rpc_server(
            self._transport(), messaging.Target(topic='ha-test', server='s1'),
            [endpoint], executor='threading')
        server.start()
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        client = messaging.get_rpc_client(
            self._transport(), messaging.Target(topic='ha-test'),
            timeout=60)
        self.assertEqual(0, client.call({}, 'echo', n=0))
        # Clients and server walk the URL's hosts from the first one.
        self.assertGreaterEqual(self._connections(0), 2)
        killed = threading.Event()

        def one(n):
            if n == self.RPC_BURST // 3 and not killed.is_set():
                killed.set()
                self.clusters.kill_broker(0)
            client.cast({}, 'note', n=n)
            return client.call({}, 'echo', n=n)

        t0 = time.monotonic()
        with futures.ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(one, range(self.RPC_BURST)))
        self.assertTrue(killed.is_set())
        self.assertEqual(list(range(self.RPC_BURST)), answers)
        deadline = time.monotonic() + 60
        while (len(endpoint.noted) < self.RPC_BURST
               and time.monotonic() < deadline):
            time.sleep(0.2)
        self.assertEqual(set(range(self.RPC_BURST)), endpoint.noted)
        print('RPC burst of %d calls + %d casts with a broker killed: '
              '%.1f s' % (self.RPC_BURST, self.RPC_BURST,
                          time.monotonic() - t0))
        # The killed node rejoins its cluster.
        self.clusters.restart_broker(0)
        status = self.clusters.broker(1).ctl('cluster_status',
                                              '--formatter', 'json')
        self.assertEqual(3, len(json.loads(status)['running_nodes']))

    # ---------------------------------------------------------- database

    def _use_galera(self):
        self.flags.config(connection=self.clusters.db_connection,
                          group='database')
        db_session.reset()
        self.addCleanup(db_session.reset)
        return nl_context.get_admin_context()

    def _node_engine(self, i):
        engine = engines.create_engine(
            'mysql+pymysql://nova_lite:nova_lite@127.0.0.1:%d/nova_lite'
            % self.clusters.db(i).port)
        self.addCleanup(engine.dispose)
        return engine

    def test_certification_failure_is_a_deadlock_writers_retry(self):
        one, two = self._node_engine(0), self._node_engine(1)
        with one.begin() as conn:
            conn.exec_driver_sql('CREATE TABLE IF NOT EXISTS ha_cert '
                                 '(id INT PRIMARY KEY, n INT)')
            conn.exec_driver_sql('REPLACE INTO ha_cert VALUES (1, 0)')
        attempts = []

        @db_session.retry_on_deadlock
        def bump():
            # The first attempt's transaction on node 2 loses Galera's
            # certification to a commit of the same row on node 1.
            attempts.append(1)
            with two.begin() as conn:
                conn.exec_driver_sql('UPDATE ha_cert SET n = n + 1')
                if len(attempts) == 1:
                    with one.begin() as other:
                        other.exec_driver_sql('UPDATE ha_cert SET n = n + 10')

        bump()
        self.assertEqual(2, len(attempts))
        with one.connect() as conn:
            # Galera applies node 2's commit on node 1 asynchronously:
            # the read waits for it (causality check).
            conn.exec_driver_sql('SET SESSION wsrep_sync_wait = 1')
            self.assertEqual(11, conn.exec_driver_sql(
                'SELECT n FROM ha_cert').scalar())
        # What the first attempt raised: oslo.db's DBDeadlock (1213).
        with testtools.ExpectedException(db_exc.DBDeadlock):
            with two.begin() as conn:
                conn.exec_driver_sql('UPDATE ha_cert SET n = n + 1')
                with one.begin() as other:
                    other.exec_driver_sql('UPDATE ha_cert SET n = n + 10')

    def _compute_node(self, admin):
        migration.db_sync()
        service_db.service_register(admin, 'ha1', servicegroup.COMPUTE,
                                    'compute')
        node_db.compute_node_report(
            admin, 'ha1', 'ha1',
            {'vcpus': 1000, 'memory_mb': 1000 * 64, 'local_gb': 1000},
            {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
             'disk_allocation_ratio': 1.0}, 0, 0)
        return node_db.compute_node_get_all(admin, host='ha1')[0]

    def test_claims_survive_the_primary_db_killed_mid_burst(self):
        admin = self._use_galera()
        node = self._compute_node(admin)
        killed = threading.Event()

        def one(n):
            if n == self.CLAIMS // 3 and not killed.is_set():
                killed.set()
                self.clusters.kill_db(0)
            return claims.claim(admin, node['id'], 'ha-vm-%d' % n, 1, 64, 1)

        t0 = time.monotonic()
        with futures.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(one, range(self.CLAIMS)))
        seconds = time.monotonic() - t0
        self.assertTrue(killed.is_set())
        self.assertEqual([True] * self.CLAIMS, results)
        with db_session.reader(admin) as session:
            allocations = session.execute(sa.select(
                models.Allocation.instance_uuid)).scalars().all()
            used = session.execute(sa.select(
                models.ComputeNode.vcpus_used,
                models.ComputeNode.memory_mb_used).where(
                models.ComputeNode.id == node['id'])).one()
        # Exactly one allocation per claim, and the node's usage is their
        # sum: a claim retried after its commit was lost with the node is
        # recognised (duplicate allocation), not counted twice.
        self.assertEqual(sorted('ha-vm-%d' % n for n in range(self.CLAIMS)),
                         sorted(allocations))
        self.assertEqual((self.CLAIMS, self.CLAIMS * 64), tuple(used))
        print('%d claims through HAProxy with the primary killed: %.1f s'
              % (self.CLAIMS, seconds))
        self.clusters.restart_db(0)
        self.assertEqual('Synced', self.clusters.db(0).state())
