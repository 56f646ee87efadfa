"""The sweeper ends a snapshot whose compute is down
(``conductor.snapshot_sweep``): task cleared with a fault, the action
event an Error, the instance's unfinished snapshot images deleted; a
snapshot whose compute is up, or one not yet idle long enough, is left
alone."""
import datetime

import sqlalchemy as sa

from nova_lite.compute import states
from nova_lite.conductor import snapshot_sweep
from nova_lite.db import images as image_db
from nova_lite.db import instances as instance_db
from nova_lite.db import models
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite import exception
from nova_lite.image import api as image_api
from tests.unit.api import fakes

OLD = datetime.datetime(2020, 1, 1)


class TestSnapshotSweep(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.ctxt = self.api.admin_context
        self.uuid = self.create_server()
        self.set_instance(self.uuid, host='node1', vm_state=states.ACTIVE,
                          task_state=states.IMAGE_UPLOADING)
        images = image_api.API()
        self.images = {
            status: images.create(self.ctxt, status, properties={
                'instance_uuid': owner, 'image_type': 'snapshot'})['uuid']
            for status, owner in (('queued', self.uuid),
                                  ('saving', self.uuid),
                                  ('active', self.uuid),
                                  ('other', 'another-instance'))}
        for status in ('saving', 'active'):
            images.update(self.ctxt, self.images[status],
                          {'status': status})

    def age(self):
        with db_session.writer(self.ctxt) as session:
            session.execute(sa.update(models.Instance).where(
                models.Instance.uuid == self.uuid).values(updated_at=OLD))

    def live_images(self):
        found = set()
        for name, uuid in self.images.items():
            try:
                image_db.image_get(self.ctxt, uuid)
                found.add(name)
            except exception.ImageNotFound:
                pass
        return found

    def fault(self):
        fault = models.InstanceFault
        with db_session.reader(self.ctxt) as session:
            return session.scalar(sa.select(fault.message).where(
                fault.instance_uuid == self.uuid))

    def test_compute_down_ends_the_snapshot(self):
        self.age()
        self.assertEqual(1, snapshot_sweep.sweep(self.ctxt))
        row = instance_db.instance_get(self.ctxt, self.uuid)
        self.assertEqual((states.ACTIVE, None),
                         (row.vm_state, row.task_state))
        self.assertEqual('Snapshot interrupted: compute service on node1 '
                         'is down', self.fault())
        self.assertEqual({'active', 'other'}, self.live_images())
        event = models.InstanceActionEvent
        with db_session.reader(self.ctxt) as session:
            found = session.execute(sa.select(event.event, event.result)
                                    ).all()
        self.assertIn(('compute_snapshot_instance', 'Error'),
                      [tuple(r) for r in found])
        # A second pass has nothing left to do.
        self.assertEqual(0, snapshot_sweep.sweep(self.ctxt))

    def test_compute_up_is_left_alone(self):
        service_db.service_register(self.ctxt, 'node1', 'nova-lite-compute',
                                    'compute')
        self.age()
        self.assertEqual(0, snapshot_sweep.sweep(self.ctxt))
        self.assertEqual(states.IMAGE_UPLOADING, instance_db.instance_get(
            self.ctxt, self.uuid).task_state)
        self.assertEqual(set(self.images), self.live_images())

    def test_recent_snapshot_is_left_alone(self):
        self.assertEqual(0, snapshot_sweep.sweep(self.ctxt))
        self.assertEqual(states.IMAGE_UPLOADING, instance_db.instance_get(
            self.ctxt, self.uuid).task_state)

    def test_task_moved_on_meanwhile(self):
        self.age()
        (row,) = instance_db.instances_stuck(
            self.ctxt, None, states.SNAPSHOT_TASKS, datetime.datetime.now())
        # The compute came back and finished first.
        self.set_instance(self.uuid, task_state=None)
        self.assertFalse(snapshot_sweep.end_snapshot(self.ctxt, row))
        self.assertIsNone(self.fault())
        self.assertEqual(set(self.images), self.live_images())
