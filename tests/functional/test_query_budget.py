"""Issue 6 acceptance 2: SQL statements of one boot and of one
``GET /servers/detail`` stay within a recorded budget.

Everything runs in this process (the Flask API through ``build_app`` with
noauth, conductor, scheduler and compute on the fake bus, SQLite), with
periodic tasks (heartbeats, resource reports, sweeps, power syncs) pushed
out of the way. Statements are counted with SQLAlchemy's
``before_cursor_execute`` event, as ``nova_lite.stats`` counts them in
services; SQLite's ``BEGIN IMMEDIATE`` (``nova_lite.db.session`` issues it to
take the write lock; MariaDB and PostgreSQL open transactions without a
statement) is not counted, nor are the test's own polling queries.

The budgets are the measured values plus a little slack: when a change
adds statements to the hot path, this test says so and lists them.
"""
import threading

from oslo_config import cfg
import sqlalchemy as sa
from sqlalchemy import event
import testtools
from werkzeug import test as werkzeug_test

from nova_lite.api import wsgi
from nova_lite.compute import states
from nova_lite import context as nl_context
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite.db import network as network_db
from nova_lite.db import topology as topology_db
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite import policy
from tests.functional.fixtures import backends
from tests.functional.fixtures import inprocess

CONF = cfg.CONF

#: Statements of one single-server boot, all services together
#: (measured: 25, of which 1 is the flavor with its extra specs (one
#: SELECT), 2 quota and admission checks: limits with usage and pending
#: builds, the recheck's usage, 4 the server's security groups: the
#: project's groups read, the memberships written, the hosts whose rules
#: name its groups as remote group (told its address without reading
#: anything), and its port's rules with their remote groups' member
#: addresses for the compute's nftables; 1 the project's own networks
#: (the "auto" network: none, so the flat network; Nova asks the
#: Networking API the same) and 2 its NIC: the port inserted, its
#: address inserted (picked without a read). CEILING is the issue's
#: ceiling.)
BOOT_BUDGET = 25
CEILING = 25
#: Statements a UserDispersingPlanner adds to a boot: none, the
#: account's instances per host are counted in the scheduler's candidate
#: query (``db.host_candidates``).
PLANNER_EXTRA = 0
#: Statements of one GET /servers/detail, whatever the number of servers
#: (measured: 7, instances, their metadata, their addresses, the zones
#: of their hosts, their security groups, their floating IPs and their
#: volume attachments; the network labels are loaded with the
#: addresses).
DETAIL_BUDGET = 7

HEADERS = {'X-User-Id': 'budget-user', 'X-Project-Id': 'budget',
           'X-Roles': 'member'}
QUIET = {('DEFAULT', 'report_interval'): 3600,
         ('conductor', 'sweep_interval'): 3600,
         ('compute', 'resource_update_interval'): 3600,
         ('compute', 'sync_power_state_interval'): -1,
         ('api', 'auth_strategy'): 'noauth'}


class StatementCounter:
    """Statements of every thread but the ignored ones, as text."""

    def __init__(self):
        self.statements = []
        self.ignored = set()
        self._lock = threading.Lock()

    def __call__(self, conn, cursor, statement, params, context, many):
        if threading.get_ident() in self.ignored or \
                statement.startswith('BEGIN'):
            return
        with self._lock:
            self.statements.append(' '.join(statement.split())[:160])

    def take(self):
        with self._lock:
            taken, self.statements = self.statements, []
        return taken


class QueryBudgetTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        CONF([], project='nova_lite', default_config_files=[],
             default_config_dirs=[])
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake', 'node2': 'fake'}, QUIET))
        policy.reset()
        self.addCleanup(policy.reset)
        self.client = werkzeug_test.Client(wsgi.build_app(CONF))
        self.counter = StatementCounter()
        event.listen(sa.engine.Engine, 'before_cursor_execute', self.counter)
        self.addCleanup(event.remove, sa.engine.Engine,
                        'before_cursor_execute', self.counter)

    def post_server(self, name):
        resp = self.client.post('/v2.1/servers', json={'server': {
            'name': name, 'flavorRef': '1',
            'imageRef': self.stack.image['uuid']}}, headers=HEADERS)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        return resp.get_json()['server']['id']

    def wait_built(self, server_id):
        """Poll (uncounted) until the server is ACTIVE and its create
        action is finished: the compute's last write of a boot."""
        def _done():
            row = instance_db.instance_get(self.stack.admin, server_id)
            if row.vm_state != states.ACTIVE:
                return None
            actions = action_db.actions_get(self.stack.admin, server_id)
            return actions[0].finish_time is not None and actions[0]

        me = threading.get_ident()
        self.counter.ignored.add(me)
        try:
            return inprocess.wait_for(_done, timeout=60,
                                      message='%s ACTIVE' % server_id)
        finally:
            self.counter.ignored.discard(me)

    def boot(self, name):
        server_id = self.post_server(name)
        action = self.wait_built(server_id)
        return server_id, action

    def detail_statements(self):
        self.counter.take()
        resp = self.client.get('/v2.1/servers/detail', headers=HEADERS)
        self.assertEqual(200, resp.status_code)
        return resp.get_json()['servers'], self.counter.take()

    def test_one_boot_within_budget(self):
        self.assertLessEqual(BOOT_BUDGET, CEILING)
        for index in range(2):      # warm caches (network, policy, ...)
            self.boot('warm-%d' % index)
        self.counter.take()
        _server_id, action = self.boot('counted')
        statements = self.counter.take()
        print('SQL statements of one boot: %d' % len(statements))
        self.assertLessEqual(len(statements), BOOT_BUDGET,
                             '\n'.join(statements))
        self.assertEqual(['compute_build_and_run_instance'],
                         [e.event for e in action.events
                          if e.result == 'Success'])

    def test_boot_through_a_planner_within_budget(self):
        """A deploy placed by a CloudStack deployment planner over two
        clusters: FirstFitPlanner orders the hosts it already has (no
        statement more); UserDispersingPlanner's count of the account's
        instances per host comes with them (``PLANNER_EXTRA``)."""
        pod = topology_db.pod_create(self.stack.admin, 'nova', 'rack1')
        for host in ('node1', 'node2'):
            cluster = topology_db.cluster_create(
                self.stack.admin, pod['uuid'], 'c-' + host,
                mem_overcommit_ratio=2.0)
            topology_db.host_set_cluster(self.stack.admin, host,
                                         cluster['uuid'])
        for planner, budget in (('FirstFitPlanner', BOOT_BUDGET),
                                ('UserDispersingPlanner',
                                 BOOT_BUDGET + PLANNER_EXTRA)):
            self.stack.conf.config(deployment_planner=planner,
                                   group='scheduler')
            for index in range(2):
                self.boot('warm-%s-%d' % (planner, index))
            self.counter.take()
            self.boot('counted-' + planner)
            statements = self.counter.take()
            print('SQL statements of one boot through %s: %d' % (
                planner, len(statements)))
            self.assertLessEqual(len(statements), budget,
                                 '\n'.join(statements))

    def test_lifecycle_event_still_syncs_power_state(self):
        """The power event handler reads the instance's states with one
        statement (``instance_states_get``, a conductor call) and still
        syncs them (one UPDATE, a conductor cast: waited for)."""
        server_id, _action = self.boot('event')
        row = instance_db.instance_get(self.stack.admin, server_id)
        driver = self.stack.computes[row.host].driver
        instance = instance_obj.Instance.from_db(row)
        self.counter.take()
        driver.power_off(instance)

        def _synced():
            row = instance_db.instance_states_get(self.stack.admin,
                                                  server_id)
            return (row.vm_state, row.power_state) == (states.STOPPED,
                                                       states.SHUTDOWN)
        me = threading.get_ident()
        self.counter.ignored.add(me)
        try:
            inprocess.wait_for(_synced, message='power state synced')
        finally:
            self.counter.ignored.discard(me)
        statements = self.counter.take()
        self.assertEqual(2, len(statements), '\n'.join(statements))

    def test_detail_within_budget_whatever_the_count(self):
        self.boot('first')
        self.detail_statements()    # warm the app's network labels
        servers, one = self.detail_statements()
        self.assertEqual(1, len(servers))
        for index in range(4):
            self.boot('more-%d' % index)
        servers, five = self.detail_statements()
        self.assertEqual(5, len(servers))
        print('SQL statements of GET /servers/detail: %d (1 server), %d '
              '(5 servers)' % (len(one), len(five)))
        self.assertLessEqual(len(one), DETAIL_BUDGET, '\n'.join(one))
        self.assertEqual(len(one), len(five), '\n'.join(five))


class HotPathBackendsMixin:
    """Statements rewritten for the boot's hot path give the same results
    on every database: ``action_event_record`` (an INSERT ... SELECT, then
    an UPDATE) and ``fixed_ip_allocate`` (a port and its address taken by
    a conditional INSERT: concurrent takers never share an address)."""
    backend = None

    def setUp(self):
        super().setUp()
        self.useFixture(backends.ConfiguredDatabase(self.backend))
        self.ctxt = nl_context.RequestContext(user_id='u', project_id='p',
                                              roles=['member'])
        self.other = nl_context.RequestContext(user_id='u', project_id='p',
                                               roles=['member'])
        instance_db.instances_create(self.ctxt, [{
            'uuid': 'vm-1', 'vcpus': 1, 'memory_mb': 64, 'root_gb': 1,
            'vm_state': 'building', 'project_id': 'p'}])

    def test_events_land_on_the_right_action(self):
        action_db.action_start(self.other, 'vm-1', 'reboot')
        action_db.action_event_record(self.ctxt, 'vm-1', 'build', 'Error',
                                      'node1', None, details='why',
                                      finish_action=True)
        action_db.action_event_record(self.other, 'vm-1', 'reboot', 'Success',
                                      'node1', None)
        stranger = nl_context.RequestContext(user_id='u', project_id='p')
        action_db.action_event_record(stranger, 'vm-1', 'sync', 'Success',
                                      'node1', None)
        action_db.action_event_record(self.ctxt, 'no-such-vm', 'x', 'Success',
                                      'node1', None)
        reboot, create = action_db.actions_get(self.ctxt, 'vm-1')
        self.assertEqual(('create', 'Error'), (create.action, create.message))
        self.assertIsNotNone(create.finish_time)
        self.assertEqual([('build', 'Error', 'node1', 'why')], [
            (e.event, e.result, e.host, e.details) for e in create.events])
        self.assertIsNone(reboot.finish_time)
        self.assertEqual(['reboot', 'sync'], [e.event for e in reboot.events])

    def test_fixed_ips_are_idempotent_and_fill_the_network(self):
        admin = nl_context.get_admin_context()
        # a /29: 6 hosts, the gateway takes one, 5 addresses to hand out
        net = network_db.network_create(admin, 'tiny', '10.9.0.0/29')
        first = network_db.fixed_ip_allocate(admin, net['id'], 'vm-1')
        self.assertEqual(first, network_db.fixed_ip_allocate(admin, net['id'],
                                                             'vm-1'))
        others = [network_db.fixed_ip_allocate(admin, net['id'], 'vm-%d' % i)
                  for i in range(2, 6)]
        addresses = {a['address'] for a in others + [first]}
        self.assertEqual(5, len(addresses))
        self.assertNotIn(net['gateway'], addresses)
        self.assertRaises(exception.NovaLiteException,
                          network_db.fixed_ip_allocate, admin, net['id'],
                          'vm-9')
        self.assertEqual(first, network_db.fixed_ip_allocate(admin, net['id'],
                                                             'vm-1'))


    def test_concurrent_allocations_never_share_an_address(self):
        admin = nl_context.get_admin_context()
        # a /28: 14 hosts, the gateway takes one, 13 addresses for 16 NICs
        net = network_db.network_create(admin, 'race', '10.9.1.0/28')
        results, failures = [], []

        def allocate(index):
            try:
                results.append(network_db.fixed_ip_allocate(
                    admin, net['id'], 'race-%d' % index))
            except exception.NovaLiteException as exc:
                failures.append(exc)
        threads = [threading.Thread(target=allocate, args=(i,))
                   for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        addresses = [r['address'] for r in results]
        self.assertEqual(13, len(addresses), failures)
        self.assertEqual(13, len(set(addresses)))
        self.assertEqual(3, len(failures))
        self.assertEqual({'IpAddressGenerationFailure'},
                         {type(f).__name__ for f in failures})


class TestHotPathMariaDB(HotPathBackendsMixin, testtools.TestCase):
    backend = 'mysql'


class TestHotPathPostgreSQL(HotPathBackendsMixin, testtools.TestCase):
    backend = 'postgresql'


class TestHotPathSQLite(HotPathBackendsMixin, testtools.TestCase):
    backend = 'sqlite'
