"""Claims and quota usage stay exact through the lifecycle, and a
compute killed in the middle of a resize or a snapshot leaves its
server recoverable by the conductor's sweeper (acceptance 4 of the
lifecycle work; doc/lifecycle-resize.md, doc/lifecycle-shelve.md,
doc/admin/recovery.md).

On the in-process stack (two computes with the fake driver, the API over
HTTP for the computes' image client). After every action of a server's
walk (resize + confirm, resize + revert, rebuild, shelve, offload,
unshelve, soft delete, restore, forceDelete) while a second server
stands by:

* every node's usage (``compute_nodes`` vcpus/memory/disk used) is the
  sum of the allocations on it;
* the allocations are exactly those the states call for: one per
  placed server with its flavor on its host (a SHELVED one keeps it, a
  SHELVED_OFFLOADED one has none, a SOFT_DELETED one keeps it), plus
  the migration's on the destination while a resize waits for its
  confirmation;
* the project's quota usage (instances, cores, ram) is the sum of its
  servers' flavors, SOFT_DELETED ones aside (doc/quotas.md).

The expected values come from the walk (flavors and states it asked
for), not from the tables checked.
"""
import threading

import sqlalchemy as sa
import testtools

from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite import exception
from nova_lite import policy
from nova_lite import quota
from tests.functional.fixtures import inprocess
from tests import db_helpers

#: flavorid → (vcpus, memory_mb, root_gb) of the bootstrap flavors used.
FLAVORS = {'1': (1, 512, 1), '2': (1, 2048, 20), '3': (2, 4096, 40)}
PROJECT = 'demo'
ADMIN = {'X-Roles': 'admin,member'}


class StackTestCase(testtools.TestCase):
    """An in-process stack of ``HOSTS`` with the API over HTTP."""

    HOSTS = ('node1', 'node2')
    OVERRIDES = {}

    def setUp(self):
        super().setUp()
        overrides = {('api', 'auth_strategy'): 'noauth',
                     ('DEFAULT', 'reclaim_instance_interval'): 3600,
                     ('DEFAULT', 'shelved_offload_time'): -1}
        overrides.update(self.OVERRIDES)
        self.stack = self.useFixture(inprocess.InProcessStack(
            dict.fromkeys(self.HOSTS, 'fake'), overrides))
        policy.reset()
        self.addCleanup(policy.reset)
        self.api = self.useFixture(inprocess.HTTPAPI(self.stack))
        self.admin = self.stack.admin

    def row(self, uuid):
        try:
            return instance_db.instance_get(self.admin, uuid)
        except exception.InstanceNotFound:
            return None

    def settled(self, uuid, vm_state, timeout=30, **more):
        """Wait until the server is ``vm_state`` with no task (and the
        columns ``more``); its row (None once deleted: vm_state
        None)."""
        def done():
            row = self.row(uuid)
            if row is None:
                return vm_state is None
            return (row.vm_state == vm_state and row.task_state is None
                    and all(getattr(row, k) == v for k, v in more.items())
                    and row)
        return inprocess.wait_for(done, timeout=timeout, message='%s %s %s'
                                  % (uuid, vm_state, more))

    def boot(self, name, flavor='1'):
        resp = self.api.request('POST', '/servers', json={'server': {
            'name': name, 'flavorRef': flavor,
            'imageRef': self.stack.image['uuid']}})
        self.assertEqual(202, resp.status_code, resp.text)
        uuid = resp.json()['server']['id']
        self.settled(uuid, states.ACTIVE)
        return uuid

    def act(self, uuid, body, code=202, headers=None):
        resp = self.api.request('POST', '/servers/%s/action' % uuid,
                                json=body, headers=headers)
        self.assertEqual(code, resp.status_code, (body, resp.text))
        return resp

    def migration(self, uuid):
        rows = migration_db.migration_get_all(self.admin,
                                              {'instance_uuid': uuid})
        return rows[0] if rows else None

    # ------------------------------------------------------------ checks

    def allocations(self):
        """{consumer uuid: (host, vcpus, memory_mb, disk_gb)}."""
        return db_helpers.claims_by_consumer(self.admin)

    def node_usage(self):
        """{host: (vcpus_used, memory_mb_used, local_gb_used)}."""
        return db_helpers.node_usage(self.admin)

    def assertExact(self, claims, counted, step):
        """``claims``: {consumer uuid: (host, flavorid)} expected;
        ``counted``: [flavorid] of the servers the quota counts."""
        allocations = self.allocations()
        self.assertEqual(
            {consumer: (host,) + FLAVORS[flavor]
             for consumer, (host, flavor) in claims.items()},
            allocations, step)
        summed = {host: (0, 0, 0) for host in self.HOSTS}
        for host, *amounts in allocations.values():
            summed[host] = tuple(a + b for a, b in zip(
                summed[host], amounts, strict=True))
        self.assertEqual(summed, self.node_usage(), step)
        used = quota.usages(self.admin, PROJECT)
        self.assertEqual(
            (len(counted), sum(FLAVORS[f][0] for f in counted),
             sum(FLAVORS[f][1] for f in counted)),
            (used['instances'], used['cores'], used['ram']), step)


class TestClaimsExact(StackTestCase):

    def test_exact_after_every_action(self):
        walker, other = self.boot('walker'), self.boot('other')
        home = {other: self.row(other).host}
        claims = lambda **c: dict(  # noqa: E731 - the walk's table
            {other: (home[other], '1')}, **c)

        def here(flavor):
            return {walker: (self.row(walker).host, flavor)}
        self.assertExact(claims(**here('1')), ['1', '1'], 'boot')

        # resize to 2: both claims until the confirmation.
        src = self.row(walker).host
        self.act(walker, {'resize': {'flavorRef': '2'}})
        self.settled(walker, states.RESIZED)
        mig = self.migration(walker)
        self.assertExact(claims(**{walker: (src, '1'),
                                   mig['uuid']: (mig['dest_compute'], '2')}),
                         ['2', '1'], 'resize (VERIFY_RESIZE)')
        self.act(walker, {'confirmResize': None}, code=204)
        self.settled(walker, states.ACTIVE)
        inprocess.wait_for(lambda: self.migration(walker)['status'] ==
                           'confirmed', message='confirmed')
        self.assertEqual(mig['dest_compute'], self.row(walker).host)
        self.assertExact(claims(**here('2')), ['2', '1'], 'confirm')

        # resize to 3, then revert: back to 2 on its host.
        src = self.row(walker).host
        self.act(walker, {'resize': {'flavorRef': '3'}})
        self.settled(walker, states.RESIZED)
        mig = self.migration(walker)
        self.assertExact(claims(**{walker: (src, '2'),
                                   mig['uuid']: (mig['dest_compute'], '3')}),
                         ['3', '1'], 'second resize (VERIFY_RESIZE)')
        self.act(walker, {'revertResize': None})
        self.settled(walker, states.ACTIVE, host=src)
        inprocess.wait_for(lambda: self.migration(walker)['status'] ==
                           'reverted', message='reverted')
        self.assertExact(claims(**{walker: (src, '2')}), ['2', '1'],
                         'revert')

        self.act(walker, {'rebuild': {'imageRef': self.stack.image['uuid']}})
        self.settled(walker, states.ACTIVE)
        self.assertExact(claims(**here('2')), ['2', '1'], 'rebuild')

        self.act(walker, {'shelve': None})
        self.settled(walker, states.SHELVED)
        self.assertExact(claims(**here('2')), ['2', '1'], 'shelve')
        self.act(walker, {'shelveOffload': None}, headers=ADMIN)
        self.settled(walker, states.SHELVED_OFFLOADED)
        self.assertIsNone(self.row(walker).host)
        self.assertExact(claims(), ['2', '1'], 'offload')
        self.act(walker, {'unshelve': None})
        self.settled(walker, states.ACTIVE)
        self.assertExact(claims(**here('2')), ['2', '1'], 'unshelve')

        self.assertEqual(204, self.api.request(
            'DELETE', '/servers/%s' % walker).status_code)
        self.settled(walker, states.SOFT_DELETED)
        self.assertExact(claims(**here('2')), ['1'], 'soft delete')
        self.act(walker, {'restore': None})
        self.settled(walker, states.ACTIVE)
        self.assertExact(claims(**here('2')), ['2', '1'], 'restore')
        self.assertEqual(204, self.api.request(
            'DELETE', '/servers/%s' % walker).status_code)
        self.settled(walker, states.SOFT_DELETED)
        self.act(walker, {'forceDelete': None})
        self.settled(walker, None)
        self.assertExact(claims(), ['1'], 'forceDelete')


class TestResizeComputeKilled(StackTestCase):
    """The destination compute is killed while the source hands the
    disk over: the finish_resize cast is lost. Past ``[conductor]
    resize_timeout`` the sweeper fails the resize by the failure rule:
    ERROR on the source with the old flavor, the destination's claim
    released, the source asked to put the old guest back; reset-state
    and a hard reboot run it again (doc/lifecycle-resize.md)."""

    OVERRIDES = {('conductor', 'resize_timeout'): 2}

    def test_sweeper_recovers(self):
        uuid = self.boot('cut')
        src = self.row(uuid).host
        dst = next(h for h in self.HOSTS if h != src)
        driver = self.stack.computes[src].driver
        hand_over = driver.migrate_disk_and_power_off

        def then_kill(*args, **kwargs):
            disk_info = hand_over(*args, **kwargs)
            self.stack.kill_compute(dst)
            return disk_info
        self.patch(driver, 'migrate_disk_and_power_off', then_kill)
        self.act(uuid, {'resize': {'flavorRef': '2'}})

        row = self.settled(uuid, states.ERROR, timeout=60, host=src)
        self.assertEqual('1', row.flavor_id)
        self.assertIn('timed out', row.fault.message)
        # The sweeper records the server's ERROR, then the migration's.
        inprocess.wait_for(
            lambda: self.migration(uuid)['status'] == 'error',
            message='migration of %s in error' % uuid)
        inprocess.wait_for(
            lambda: self.power_state(driver, row) == states.SHUTDOWN,
            message='the old guest back (off) on %s' % src)
        self.assertExact({uuid: (src, '1')}, ['1'], 'swept')

        self.act(uuid, {'os-resetState': {'state': 'active'}},
                 headers=ADMIN)
        self.act(uuid, {'reboot': {'type': 'HARD'}})
        row = self.settled(uuid, states.ACTIVE,
                           power_state=states.RUNNING)
        self.assertEqual((src, '1'), (row.host, row.flavor_id))
        self.assertExact({uuid: (src, '1')}, ['1'], 'rebooted')


    @staticmethod
    def power_state(driver, instance):
        """The guest's power state on ``driver``; None when it has none
        (the source gave it to the destination)."""
        try:
            return driver.get_info(instance).state
        except exception.InstanceNotFound:
            return None


class TestSnapshotComputeKilled(StackTestCase):
    """A compute is killed while its driver copies a snapshot (the
    thread stays frozen in this process): once the service is down and
    the task idle for ``[conductor] action_redrive_timeout``, the
    sweeper clears the task with a fault and deletes the unfinished
    image (``conductor.snapshot_sweep``); the frozen compute, let go,
    finds its task gone and stops; restarted with the same hypervisor,
    the compute takes a new snapshot of the server."""

    HOSTS = ('node1',)
    OVERRIDES = {('conductor', 'action_redrive_timeout'): 2,
                 ('DEFAULT', 'service_down_time'): 3}

    def test_sweeper_recovers(self):
        uuid = self.boot('snap')
        driver = self.stack.computes['node1'].driver
        copy = driver.snapshot
        entered, release, left = (threading.Event(), threading.Event(),
                                  threading.Event())

        def frozen(*args, **kwargs):
            entered.set()
            release.wait(60)
            try:
                return copy(*args, **kwargs)
            finally:
                left.set()
        self.patch(driver, 'snapshot', frozen)
        self.addCleanup(release.set)
        resp = self.act(uuid, {'createImage': {'name': 'cut'}})
        image_id = resp.headers['Location'].rsplit('/', 1)[-1]
        self.assertTrue(entered.wait(30))
        self.assertEqual(states.IMAGE_PENDING_UPLOAD,
                         self.row(uuid).task_state)
        self.stack.kill_compute('node1')

        row = self.settled(uuid, states.ACTIVE, timeout=60)
        self.assertIn('Snapshot interrupted: compute service on node1 is '
                      'down', self.fault(uuid))
        # The sweeper clears the task first, then deletes the image.
        inprocess.wait_for(lambda: self.api.request(
            'GET', '/image/v2/images/%s' % image_id).status_code == 404,
            timeout=30, message='the unfinished image deleted')
        self.assertExact({uuid: ('node1', '1')}, ['1'], 'swept')

        release.set()
        self.assertTrue(left.wait(30))
        self.patch(driver, 'snapshot', copy)
        self.stack.start_compute('node1', driver=driver)
        resp = self.act(uuid, {'createImage': {'name': 'again'}})
        image_id = resp.headers['Location'].rsplit('/', 1)[-1]
        inprocess.wait_for(lambda: self.api.request(
            'GET', '/image/v2/images/%s' % image_id).json().get(
                'status') == 'active', message='new snapshot active')
        row = self.settled(uuid, states.ACTIVE)
        self.assertEqual(states.RUNNING, row.power_state)
        self.assertExact({uuid: ('node1', '1')}, ['1'], 'new snapshot')

    def fault(self, uuid):
        """The message of the server's latest instance fault (the API
        shows faults of ERROR servers only)."""
        fault = models.InstanceFault
        with db_session.reader(self.admin) as session:
            return session.scalar(sa.select(fault.message).where(
                fault.instance_uuid == uuid).order_by(fault.id.desc()))
