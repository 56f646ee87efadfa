"""Soft delete ([DEFAULT] reclaim_instance_interval), restore,
forceDelete and the compute's reclaim periodic, through the compute API,
the service layer, a real ComputeManager and the fake driver."""
import datetime

from oslo_utils import timeutils
import sqlalchemy as sa

from nova_lite.compute import recovery
from nova_lite.compute import states
from nova_lite.conductor import sweeper
from nova_lite import context as nl_context
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite import quota
from tests.unit.api import fakes
from tests.unit.compute import test_power_ops

SERVERS = '/v2.1/servers'
KEEP = 3600   # seconds


class SoftDeleteTest(test_power_ops._LifecycleTestCase):

    def setUp(self):
        super().setUp()
        self.api.conf.config(reclaim_instance_interval=KEEP)
        self.addCleanup(timeutils.clear_time_override)

    def claim(self):
        """Claim the server on the compute's node, as the scheduler
        does."""
        self.compute.manager.update_available_resource()
        with db_session.reader(self.api.admin_context) as session:
            node_id = session.scalar(sa.select(models.ComputeNode.id))
        self.assertTrue(claim_db.claim(self.api.admin_context, node_id,
                                       self.server_id, 1, 512, 1))

    def allocated(self):
        with db_session.reader(self.api.admin_context) as session:
            return session.scalar(sa.select(sa.func.count()).where(
                models.Allocation.instance_uuid == self.server_id))

    def row(self):
        return instance_db.instance_get(self.api.admin_context,
                                        self.server_id)

    def soft_delete(self):
        resp = self.delete('%s/%s' % (SERVERS, self.server_id))
        self.assertEqual(204, resp.status_code, resp.get_data(as_text=True))

    def listed(self, query='', headers=None):
        resp = self.get('%s/detail%s' % (SERVERS, query), headers)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        return [s['id'] for s in resp.json['servers']]

    def test_delete_keeps_the_server_soft_deleted(self):
        now = timeutils.utcnow()
        timeutils.set_time_override(now)
        self.claim()
        self.soft_delete()
        self.assertEqual(('SOFT_DELETED', 'soft-delete', None,
                          states.SHUTDOWN), self.server())
        self.assertEqual(now + datetime.timedelta(seconds=KEEP),
                         self.row().reclaim_at)
        # The guest is off but kept, so are its claim and its address.
        self.assertEqual(states.SHUTDOWN,
                         self.driver.get_info(self.instance).state)
        self.assertEqual(1, self.allocated())
        self.assertEqual(1, len(self.row().fixed_ips))
        # It no longer counts against the quota (Nova's counting).
        self.assertEqual(0, quota.usages(self.api.admin_context,
                                         fakes.PROJECT)['instances'])
        self.assertEqual([('delete', [('compute_soft_delete_instance',
                                       'Success')])], self.events()[1:])
        self.assertIn('instance.soft_delete.end', self.sent)
        self.assertEqual([('soft_delete_instance', self.server_id)],
                         self.compute.casts)

    def test_lists_and_deleted_filter(self):
        self.soft_delete()
        self.assertEqual([], self.listed())
        self.assertEqual([self.server_id], self.listed('?status=SOFT_DELETED'))
        self.assertEqual([self.server_id],
                         self.listed('?deleted=true&all_tenants=1',
                                     fakes.ADMIN))
        self.assertFault(self.get(SERVERS + '/detail?deleted=true'), 403,
                         'forbidden')

    def test_restore_boots_the_guest_again(self):
        self.soft_delete()
        self.action({'restore': None})
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.server())
        self.assertIsNone(self.row().reclaim_at)
        self.assertEqual(2, self.console_lines())   # a boot
        self.assertEqual(1, quota.usages(self.api.admin_context,
                                         fakes.PROJECT)['instances'])
        self.assertEqual(['delete', 'restore'],
                         [a for a, _e in self.events()[1:]])
        self.assertIn('instance.restore.end', self.sent)

    def test_restore_of_a_suspended_server_boots_it(self):
        self.action({'suspend': None})
        self.soft_delete()
        self.assertNotIn('saved', self.driver._guests[self.server_id])
        self.action({'restore': None})
        self.assertEqual('ACTIVE', self.server()[0])
        self.assertEqual(2, self.console_lines())

    def test_restore_conflicts(self):
        self.assertFault(self.action({'restore': None}, status=409), 409,
                         'conflictingRequest', 'vm_state active')
        self.soft_delete()
        self.action({'lock': None}, fakes.ADMIN)
        self.assertFault(self.action({'restore': None}, status=409), 409,
                         'conflictingRequest', 'locked')

    def test_restore_needs_room_in_the_quota(self):
        self.soft_delete()
        self.put('/v2.1/os-quota-sets/' + fakes.PROJECT,
                 {'quota_set': {'instances': 1}}, fakes.ADMIN)
        self.create_server(name='other')
        self.assertFault(self.action({'restore': None}, status=403), 403,
                         'forbidden', 'instances')
        self.assertEqual('SOFT_DELETED', self.server()[0])

    def test_force_delete_and_second_delete_delete_at_once(self):
        self.soft_delete()
        self.action({'forceDelete': None})
        self.assertEqual(404, self.get('%s/%s' % (SERVERS, self.server_id))
                         .status_code)
        self.assertEqual([], self.driver.list_instances())
        other = self.create_server(name='other')
        self.compute.spawn(self.set_instance, other)
        self.server_id = other
        self.soft_delete()
        self.soft_delete()
        self.assertEqual(404, self.get('%s/%s' % (SERVERS, other))
                         .status_code)

    def test_never_launched_or_busy_servers_are_deleted_at_once(self):
        building = self.create_server(name='building')
        self.assertEqual(204, self.delete('%s/%s' % (SERVERS, building))
                         .status_code)
        self.assertEqual(404, self.get('%s/%s' % (SERVERS, building))
                         .status_code)
        self.set_instance(self.server_id, task_state=states.REBOOTING)
        self.soft_delete()
        self.assertEqual([('terminate_instance', self.server_id)],
                         self.compute.casts)

    def test_interval_zero_deletes_at_once(self):
        self.api.conf.config(reclaim_instance_interval=0)
        self.soft_delete()
        self.assertEqual([('terminate_instance', self.server_id)],
                         self.compute.casts)

    def test_reclaim_periodic_deletes_expired_ones_only(self):
        start = timeutils.utcnow()
        timeutils.set_time_override(start)
        self.claim()
        self.soft_delete()
        manager = self.compute.manager
        timeutils.set_time_override(start + datetime.timedelta(
            seconds=KEEP - 1))
        self.assertEqual(0, manager.reclaim_queued_deletes())
        timeutils.set_time_override(start + datetime.timedelta(seconds=KEEP))
        self.assertEqual(1, manager.reclaim_queued_deletes())
        self.assertEqual(404, self.get('%s/%s' % (SERVERS, self.server_id))
                         .status_code)
        self.assertEqual(0, self.allocated())
        self.assertEqual([], self.driver.list_instances())
        self.assertIn((manager.reclaim_queued_deletes, 60),
                      manager.periodic_tasks())

    def test_reclaim_skips_a_restore_in_progress(self):
        start = timeutils.utcnow()
        timeutils.set_time_override(start)
        self.soft_delete()
        self.set_instance(self.server_id, task_state=states.RESTORING)
        timeutils.set_time_override(start + datetime.timedelta(
            seconds=KEEP + 1))
        self.assertEqual(0, self.compute.manager.reclaim_queued_deletes())

    def test_interrupted_soft_delete_and_restore_recover(self):
        ctxt = nl_context.get_admin_context()
        self.set_instance(self.server_id, task_state=states.SOFT_DELETING)
        recovery.recover_host(ctxt, self.compute.manager)
        self.assertEqual(('SOFT_DELETED', 'soft-delete', None,
                          states.SHUTDOWN), self.server())
        self.set_instance(self.server_id, task_state=states.RESTORING)
        recovery.recover_host(ctxt, self.compute.manager)
        self.assertEqual(('ACTIVE', 'active', None, states.RUNNING),
                         self.server())

    def test_sweeper_recasts_the_new_task_states(self):
        casts = []

        class _Compute:
            def __getattr__(self, name):
                return lambda ctxt, host, uuid: casts.append(name)
        for task in (states.PAUSING, states.UNPAUSING, states.SUSPENDING,
                     states.RESUMING, states.SOFT_DELETING,
                     states.RESTORING):
            sweeper._ACTION_CASTS[task](_Compute(), None, 'node1', 'u')
        self.assertEqual(['pause_instance', 'unpause_instance',
                          'suspend_instance', 'resume_instance',
                          'soft_delete_instance', 'restore_instance'],
                         casts)
