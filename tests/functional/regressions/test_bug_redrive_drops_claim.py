"""Regression: a re-driven build and its late original flow dropped the
instance's claim, leaving an ACTIVE server without allocation.

Found by test_reliability.TestBrokerRestart: while the broker restarted,
the conductor's original build flow of an instance was blocked in RPC
past ``[conductor] redrive_timeout``; the sweeper released the claim and
scheduled the instance again, which claimed and placed it.  When the
original flow woke up, its placement (a conditional write on
``scheduling``) failed and it "released its claim" -- the re-drive's.
In the other order, the original placed the instance on a node whose
claim the sweeper had just released.

Fix: the claim fences the two flows. ``claim_db.instance_place`` places an
instance only while its allocation is on the chosen node, the sweeper
takes a build over with ``claim_db.unclaim_for_redrive`` (release + touch
under the instance's row lock), and a flow that cannot place releases
the claim only when the instance is abandoned (deleted, or ERROR without
a host).
"""
import datetime

from oslo_config import cfg
import sqlalchemy as sa
import testtools

import nova_lite.conf  # noqa: F401 - registers the options
from nova_lite.compute import api as compute_api
from nova_lite.conductor import build
from nova_lite.conductor import sweeper
from nova_lite import context as nl_context
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite.db import models
from nova_lite.objects import selection as selection_obj
from nova_lite.scheduler import claims
from tests.functional.fixtures import inprocess
from tests import db_helpers

CONF = cfg.CONF
HOSTS = ('node1', 'node2')


class _Conductor:
    """Conductor RPC client of the API: records the build cast."""

    def build_instances(self, context, instances, request_spec):
        self.instances, self.spec = instances, request_spec


class _Compute:
    """Compute RPC client: records build casts (host, uuid)."""

    def __init__(self):
        self.builds = []

    def build_and_run_instance(self, context, host, instance, spec,
                               alternates):
        self.builds.append((host, instance.uuid))


class _Scheduler:
    """Scheduler RPC client that claims ``host`` (after running
    ``before``, to interleave another flow)."""

    def __init__(self, test, host, before=None):
        self.test, self.host, self.before = test, host, before

    def select_destinations(self, context, spec, instance_uuids):
        if self.before is not None:
            self.before()
        return [[self.test.claim(uuid, self.host, spec)]
                for uuid in instance_uuids]


class TestRedriveKeepsClaim(testtools.TestCase):

    def setUp(self):
        super().setUp()
        env = self.useFixture(inprocess.Environment())
        self.admin, image = env.admin, env.image
        self.nodes = {host: self._node(host) for host in HOSTS}
        self.ctxt = nl_context.RequestContext(
            user_id='u', project_id='p', roles=['member'])
        api = compute_api.API()
        api.conductor = _Conductor()
        rows, _ = api.create(self.ctxt, 'vm', image['uuid'], '1')
        self.uuid = rows[0].uuid
        self.instance = api.conductor.instances[0]
        self.spec = api.conductor.spec
        self.compute = _Compute()

    def _node(self, host):
        service_db.service_register(self.admin, host, 'nova-lite-compute',
                                    'compute')
        node = node_db.compute_node_report(
            self.admin, host, host,
            {'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100},
            {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
             'disk_allocation_ratio': 1.0}, 0, 0)
        return node['id']

    # ---------------------------------------------------------------- steps

    def claim(self, uuid, host, spec):
        """Claim ``host`` for ``uuid``; its selection."""
        self.assertTrue(claims.claim(self.ctxt, self.nodes[host], uuid,
                                     spec))
        return selection_obj.Selection(
            service_host=host, nodename=host,
            compute_node_id=self.nodes[host], claimed=True)

    def late_original_launch(self, selection):
        """The original flow, back from its blocked RPC, launches."""
        flow = build.BuildFlow(None, self.compute)
        flow._launch(self.ctxt, self.instance, self.spec, [selection])

    def make_stuck(self):
        """Age the instance past redrive_timeout (not build_timeout)."""
        old = datetime.datetime.utcnow() - datetime.timedelta(
            seconds=CONF.conductor.redrive_timeout + 30)
        inst = models.Instance
        with db_session.writer(self.admin) as session:
            session.execute(sa.update(inst).where(
                inst.uuid == self.uuid).values(created_at=old,
                                               updated_at=old))

    def sweep(self, scheduler):
        flow = build.BuildFlow(scheduler, self.compute)
        return sweeper.Sweeper(flow, self.compute).sweep()

    # --------------------------------------------------------------- checks

    def assert_claimed_where_placed(self, host):
        row = instance_db.instance_get(self.admin, self.uuid)
        self.assertEqual(host, row.host)
        allocation = db_helpers.allocation_get(self.admin, self.uuid)
        self.assertIsNotNone(allocation, 'claim dropped')
        self.assertEqual(self.nodes[host], allocation['compute_node_id'])
        usage = {n['host']: n['vcpus_used']
                 for n in node_db.compute_node_get_all(self.admin)}
        self.assertEqual({h: int(h == host) for h in HOSTS}, usage)
        self.assertEqual([(host, self.uuid)], self.compute.builds)

    # ---------------------------------------------------------------- tests

    def test_late_original_after_redrive_placed_it(self):
        original = self.claim(self.uuid, 'node1', self.spec)
        self.make_stuck()
        self.assertEqual((0, 1), self.sweep(_Scheduler(self, 'node2')))
        self.late_original_launch(original)
        self.assert_claimed_where_placed('node2')

    def test_late_original_between_redrive_unclaim_and_claim(self):
        original = self.claim(self.uuid, 'node1', self.spec)
        self.make_stuck()
        scheduler = _Scheduler(
            self, 'node2', before=lambda: self.late_original_launch(
                original))
        self.assertEqual((0, 1), self.sweep(scheduler))
        self.assert_claimed_where_placed('node2')

    def test_redrive_to_the_same_node(self):
        original = self.claim(self.uuid, 'node1', self.spec)
        self.make_stuck()
        self.assertEqual((0, 1), self.sweep(_Scheduler(self, 'node1')))
        self.late_original_launch(original)
        self.assert_claimed_where_placed('node1')

    def test_deleted_while_scheduling_releases_the_claim(self):
        original = self.claim(self.uuid, 'node1', self.spec)
        self.assertTrue(instance_db.instance_destroy(self.admin, self.uuid))
        self.late_original_launch(original)
        self.assertIsNone(db_helpers.allocation_get(self.admin, self.uuid))
        self.assertEqual([], self.compute.builds)
