"""A fleet of fake compute hosts in one process (``compute.fleet``,
``compute.fleet_rpc``) on oslo.messaging's RabbitMQ driver over kombu's
in-memory transport (the real driver code, no broker): every host gets
its own messages through one shared connection, registers, heartbeats
only while the shared consumer answers, and runs its periodic tasks on
the fleet's runner."""
import threading
import time
import uuid as uuidlib

import fixtures
import futurist
import oslo_messaging as messaging
import testtools

from nova_lite.cmd import compute as compute_cmd
from nova_lite.compute import fleet
from nova_lite.compute import fleet_rpc
from nova_lite import context as nl_context
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import services as service_db
from nova_lite import rpc
from nova_lite import servicegroup
from tests.unit.compute import local_conductor
from tests.unit.scheduler import fakes

MEMORY_URL = 'kombu+memory:////'


class Conductor(local_conductor.LocalConductor):
    """The conductor's database work in this thread; always ready."""

    def wait_until_ready(self, context, stopping=None, **kwargs):
        return None


class Endpoint:
    """Answers with its host's name; records casts."""

    target = messaging.Target(version='1.0')

    def __init__(self, host):
        self.host = host
        self.notes = []

    def whoami(self, context):
        return self.host

    def note(self, context, value):
        self.notes.append(value)


class MemoryBus(fixtures.Fixture):
    """``[DEFAULT] transport_url`` on kombu's in-memory transport, the
    process transport made from it and closed after."""

    def __init__(self, conf):
        super().__init__()
        self.conf = conf

    def _setUp(self):
        rpc.cleanup()
        self.conf.config(transport_url=MEMORY_URL)
        rpc.init()
        self.addCleanup(rpc.cleanup)


def call(host, method, topic, **kwargs):
    client = rpc.get_client(messaging.Target(topic=topic, server=host,
                                             version='1.0'), timeout=10)
    return client.call(nl_context.get_admin_context(), method, **kwargs)


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError('condition not met in %d s' % timeout)
        time.sleep(0.02)


class SharedConnectionTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        db = self.useFixture(fakes.Database())
        self.useFixture(MemoryBus(db.conf))
        self.topic = 'fleet-%s' % uuidlib.uuid4().hex[:8]
        self.executor = futurist.ThreadPoolExecutor(max_workers=4)
        self.addCleanup(self.executor.shutdown)

    def test_each_host_gets_its_own_messages_on_one_connection(self):
        opened = []
        real = fleet_rpc.SharedConnection.__init__

        def _init(shared, transport):
            opened.append(shared)
            real(shared, transport)
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.compute.fleet_rpc.SharedConnection.__init__', _init))
        shared = fleet_rpc.SharedConnection(rpc.get_transport())
        endpoints, servers = {}, []
        for index in range(5):
            host = 'f-%d' % index
            endpoints[host] = Endpoint(host)
            server = rpc.get_server(
                messaging.Target(topic=self.topic, server=host),
                [endpoints[host]], server_cls=fleet_rpc.FleetServer)
            server.shared_executor = self.executor
            server.listener_factory = shared.listener
            server.start()
            servers.append(server)
        shared.start()
        self.addCleanup(self._stop, shared, servers)
        for host in endpoints:
            self.assertEqual(host, call(host, 'whoami', self.topic))
        ctxt = nl_context.get_admin_context()
        rpc.get_client(messaging.Target(topic=self.topic, fanout=True,
                                        version='1.0')).cast(
            ctxt, 'note', value='all')
        rpc.get_client(messaging.Target(topic=self.topic,
                                        version='1.0')).cast(
            ctxt, 'note', value='any')
        wait_for(lambda: sum(len(e.notes) for e in endpoints.values()) == 6)
        self.assertEqual([1] * 5, [e.notes.count('all')
                                   for e in endpoints.values()])
        self.assertEqual(1, sum(e.notes.count('any')
                                for e in endpoints.values()))
        self.assertEqual(1, len(opened))
        self.assertTrue(all(isinstance(s.listener, fleet_rpc.HostListener)
                            for s in servers))
        # A stopped host's messages are dropped, the others' still flow.
        servers[0].stop()
        self.assertEqual('f-1', call('f-1', 'whoami', self.topic))

    @staticmethod
    def _stop(shared, servers):
        shared.stop()
        for server in servers:
            try:
                server.stop()
            except Exception:  # noqa: BLE001 - already stopped
                pass
            server.wait()

    def test_supported_only_on_the_rabbitmq_driver(self):
        self.assertTrue(fleet_rpc.SharedConnection.supported(
            rpc.get_transport()))
        self.assertFalse(fleet_rpc.SharedConnection.supported(object()))


class TaskRunnerTest(testtools.TestCase):

    def test_tasks_repeat_and_survive_errors(self):
        self.useFixture(fixtures.FakeLogger())
        runner = fleet.TaskRunner(workers=2)
        runs = {'ok': 0, 'bad': 0}
        done = threading.Event()

        def _ok():
            runs['ok'] += 1
            if runs['ok'] >= 3 and runs['bad'] >= 3:
                done.set()

        def _bad():
            runs['bad'] += 1
            raise RuntimeError('boom')
        runner.add('ok', _ok, 0.02, first=0)
        runner.add('bad', _bad, 0.02)
        runner.start()
        self.addCleanup(runner.stop)
        self.assertTrue(done.wait(10))
        runner.stop()
        settled = dict(runs)
        time.sleep(0.1)
        self.assertLessEqual(runs['ok'], settled['ok'] + 1)

    def test_first_run_is_spread_over_the_interval(self):
        runner = fleet.TaskRunner()
        for index in range(50):
            runner.add('t%d' % index, lambda: None, 100)
        dues = sorted(due for due, _seq, _task in runner._heap)
        self.assertGreater(dues[-1] - dues[0], 50)


class FleetTest(testtools.TestCase):
    """Three fake hosts on the in-memory bus, their conductor work done
    in this process on SQLite."""

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(fakes.Database())
        self.db.conf.config(driver='fake', group='virt')
        self.db.conf.config(report_interval=1)
        self.db.conf.config(notification_format='none',
                            group='notifications')
        self.useFixture(MemoryBus(self.db.conf))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.ConductorAPI', Conductor))
        suffix = uuidlib.uuid4().hex[:6]
        self.hosts = ['f%s-%d' % (suffix, i) for i in range(3)]
        self.fleet = fleet.Fleet(self.hosts)
        self.fleet.start()
        self.addCleanup(self.fleet.stop)
        self.admin = self.db.admin

    def test_hosts_register_and_answer_on_their_own_queues(self):
        services = service_db.service_get_all(self.admin,
                                              binary=servicegroup.COMPUTE)
        self.assertEqual(sorted(self.hosts),
                         sorted(s['host'] for s in services))
        self.assertEqual(sorted(self.hosts), sorted(
            n['host'] for n in node_db.compute_node_get_all(self.admin)))
        self.assertIsNotNone(self.fleet._connection)
        for host in self.hosts:
            manager = self.fleet.managers[host]
            manager.whoami = lambda context, host=host: host
            self.assertEqual(host, call(host, 'whoami', 'compute'))
            self.assertIs(self.fleet.build_executor, manager._executor)

    def test_heartbeat_only_while_the_consumer_answers(self):
        self.fleet._tasks.stop()     # heartbeats of this test only
        host = self.hosts[1]

        def _count():
            return service_db.service_get_all(
                self.admin, host=host)[0]['report_count']
        before = _count()
        self.fleet.ping()
        self.assertTrue(self.fleet.alive)
        self.fleet.report_states()
        self.assertEqual(before + 1, _count())
        self.fleet._connection.stop()
        self.fleet.ping()
        self.assertFalse(self.fleet.alive)
        self.fleet.report_states()
        self.assertEqual(before + 1, _count())


class CommandTest(testtools.TestCase):

    def test_fake_hosts_run_as_one_fleet(self):
        served = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.cmd.common.serve', lambda services: served.append(
                services) or 0))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.cmd.common.parse_args', lambda *a, **k: None))
        conf = self.useFixture(fakes.Database()).conf
        conf.config(driver='fake', group='virt')
        compute_cmd.CONF.register_cli_opts(compute_cmd.cli_opts)
        conf.config(fake_hosts=3, host='lab')
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.compute.fleet.Fleet',
            lambda hosts: ('fleet', hosts)))
        self.assertEqual(0, compute_cmd._main(['nova-lite-compute']))
        self.assertEqual([[('fleet', ['lab-1', 'lab-2', 'lab-3'])]], served)
        self.assertEqual(['lab-1', 'lab-2'],
                         [s.host for s in compute_cmd.compute_services(
                             'lab', 2)])
