"""Shelve's periodic offload, compute restart recovery and the
sweeper's re-drives (``shelve_harness``; doc/lifecycle-shelve.md)."""
import datetime

from oslo_utils import timeutils

from nova_lite.compute import recovery
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.conductor import shelve_sweep
from nova_lite.db import instances as instance_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite.objects import instance as instance_obj
from tests.unit.api import fakes
from tests.unit.compute import test_shelve


def _age(admin, uuid, seconds):
    """Move the instance's updated_at (and shelved_at) back."""
    past = timeutils.utcnow() - datetime.timedelta(seconds=seconds)
    with db_session.writer(admin) as session:
        row = session.query(models.Instance).filter_by(uuid=uuid).one()
        row.updated_at = past
        if row.shelved_at is not None:
            row.shelved_at = past


class PeriodicOffloadTest(test_shelve.ShelveTestCase):

    offload_time = 600

    def test_offloaded_once_the_time_is_up(self):
        self.action({'shelve': None})
        manager = self.stack.managers['src']
        self.assertIn((manager.offload_shelved_instances, 3600),
                      manager.periodic_tasks())
        self.assertEqual(0, manager.offload_shelved_instances())
        self.assertEqual('SHELVED', self.state()[0])
        _age(self.admin, self.server, 601)
        self.assertEqual(1, manager.offload_shelved_instances())
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())
        self.assertNotIn(self.server, self.stack.allocations())

    def test_unshelve_started_first_wins(self):
        self.action({'shelve': None})
        _age(self.admin, self.server, 601)
        self.action({'unshelve': None}, drain=False)
        self.assertEqual(0, self.stack.managers[
            'src'].offload_shelved_instances())
        self.stack.drain()
        self.assertEqual(('ACTIVE', None, 'src'), self.state())


class RecoveryTest(test_shelve.ShelveTestCase):

    offload_time = -1

    def restart(self, host='src'):
        manager = self.stack.new_manager(host)
        self.stack.managers[host] = manager
        recovery.recover_host(self.admin, manager)
        self.stack.drain()

    def test_shelve_cut_while_uploading(self):
        self.action({'shelve': None}, drain=False)
        image_id = self.row().shelved_image_id
        self.stack.queue.clear()         # the compute died with the cast
        self.set_instance(self.server,
                          task_state=states.SHELVING_IMAGE_UPLOADING)
        self.restart()
        self.assertEqual(('ACTIVE', None, 'src'), self.state())
        self.assertEqual(states.RUNNING, self.guest('src')['state'])
        self.assertIn('Shelve interrupted', self.fault())
        self.assertEqual([], [i for i in self.stack.images.api.list(
            self.admin) if i['uuid'] == image_id])
        self.assertIsNone(self.row().shelved_image_id)

    def test_offload_and_unshelve_cut(self):
        self.action({'shelve': None})
        self.set_instance(self.server, task_state=states.SHELVING_OFFLOADING)
        self.restart()
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())
        self.action({'unshelve': None}, drain=False)
        self.assertEqual('unshelve_instance', self.stack.run_next())
        host = self.row().host
        self.assertEqual(states.UNSHELVING, self.row().task_state)
        # The compute restarts with the cast lost: it unshelves again.
        self.stack.queue.clear()
        self.restart(host)
        self.assertEqual(('ACTIVE', None, host), self.state())

    def test_unshelve_cut_while_spawning(self):
        self.api.conf.config(shelved_offload_time=0)
        self.action({'shelve': None})
        self.action({'unshelve': None}, drain=False)
        self.assertEqual('unshelve_instance', self.stack.run_next())
        host = self.row().host
        self.stack.queue.clear()
        self.set_instance(self.server, task_state=states.SPAWNING)
        self.stack.drivers[host].spawn(
            self.admin, instance_obj.Instance.from_db(self.row()), None, [])
        self.restart(host)
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())
        self.assertIn('Unshelve interrupted', self.fault())
        self.assertIsNone(self.guest(host))
        self.assertNotIn(self.server, self.stack.allocations())
        self.action({'unshelve': None})
        self.assertEqual('ACTIVE', self.state()[0])


class SweepTest(test_shelve.ShelveTestCase):

    offload_time = -1

    def setUp(self):
        super().setUp()
        self.api.conf.config(group='conductor', action_redrive_timeout=60)
        self.rpc = compute_rpcapi.ComputeAPI()

    def sweep(self):
        return shelve_sweep.sweep(self.admin, self.rpc)

    def test_lost_offload_cast_is_sent_again(self):
        self.action({'shelve': None})
        self.action({'shelveOffload': None}, fakes.ADMIN, drain=False)
        self.stack.queue.clear()
        self.assertEqual(0, self.sweep())
        _age(self.admin, self.server, 61)
        self.assertEqual(1, self.sweep())
        self.stack.drain()
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())

    def test_lost_shelve_cast_is_sent_again(self):
        self.action({'shelve': None}, drain=False)
        self.stack.queue.clear()
        _age(self.admin, self.server, 61)
        self.assertEqual(1, self.sweep())
        self.stack.drain()
        self.assertEqual(('SHELVED', None, 'src'), self.state())

    def test_unscheduled_unshelve_is_failed(self):
        self.action({'shelve': None})
        self.action({'shelveOffload': None}, fakes.ADMIN)
        self.action({'unshelve': None}, drain=False)
        self.stack.queue.clear()       # the conductor's cast is lost
        _age(self.admin, self.server, 61)
        self.assertEqual(1, self.sweep())
        self.assertEqual(('SHELVED_OFFLOADED', None, None), self.state())
        self.assertIn('not scheduled', self.fault())
        row = instance_db.instance_get(self.admin, self.server)
        self.assertIsNotNone(row.shelved_image_id)
