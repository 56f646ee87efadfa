"""Rebuild and snapshots through the compute API and a real
ComputeManager with the fake driver (casts run in this thread, the
conductor is ``LocalConductor``, the image API client works on the
image service in this process): task states, outcomes, faults, backup
rotation and the restart recovery rules."""
import io

import fixtures

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import recovery
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.db import images as image_db
from nova_lite.db import instance_faults as fault_db
from nova_lite.db import instances as instance_db
from nova_lite.db import session as db_session
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.image import glance
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake
from tests.unit.api import fakes
from tests.unit.compute import local_conductor

HOST = 'node1'
SERVERS = '/v2.1/servers'


class LocalImages:
    """The compute's image API client (``image.glance.API``) over the
    image service of this process; ``fail_upload`` makes uploads fail;
    ``tasks`` records the task states seen during uploads."""

    def __init__(self, ctx, task_of=None):
        self.ctx = ctx
        self.api = image_api.API()
        self.fail_upload = None
        self.task_of = task_of
        self.tasks = []

    def get(self, context, image_id):
        return self.api.get(self.ctx, image_id)

    def upload(self, context, image_id, path):
        if self.task_of is not None:
            self.tasks.append(self.task_of())
        if self.fail_upload is not None:
            raise self.fail_upload
        assert self.api.update_if(self.ctx, image_id, 'queued',
                                  {'status': 'saving'})
        with open(path, 'rb') as data:
            self.api.upload(self.ctx, image_id, io.BytesIO(data.read()))

    def list(self, context, filters, limit=100):
        wanted = dict(filters)
        status = wanted.pop('status', None)
        return [glance_body(i) for i in self.api.list(self.ctx)
                if (status is None or i['status'] == status) and all(
                    str(i['properties'].get(k)) == v
                    for k, v in wanted.items())]

    def delete(self, context, image_id):
        self.api.delete(self.ctx, image_id)


def glance_body(image):
    return {'id': image['uuid'], 'status': image['status'],
            'created_at': image['created_at'].isoformat()}


class LifecycleTestCase(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        store = self.useFixture(fixtures.TempDir()).path
        self.api.conf.config(group='image', store_path=store)
        self.driver = fake.FakeDriver(HOST)
        self.manager = compute_manager.ComputeManager(HOST,
                                                      driver=self.driver)
        self.addCleanup(self.manager._executor.shutdown, wait=False)
        conductor = local_conductor.LocalConductor()
        self.manager.conductor = conductor
        self.manager.power.conductor = conductor
        self.images = LocalImages(self.api.admin_context,
                                  lambda: self.row().task_state)
        self.driver.image_api = self.images
        self.manager._snapshot_image_api = self.images
        self.manager.build_flow.image_api = self.images
        self.casts = []
        for name in ('rebuild_instance', 'snapshot_instance'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))
        self.server_id = self.create_server(metadata={'a': '1'})
        self.set_instance(self.server_id, host=HOST, vm_state=states.ACTIVE,
                          task_state=None, power_state=states.RUNNING)
        self.driver.spawn(None, self.instance(), None, [])
        self.path = '%s/%s/action' % (SERVERS, self.server_id)

    def _cast(self, name):
        def cast(_rpcapi, context, host, *args, **kwargs):
            self.casts.append(name)
            if not getattr(self, 'hold_casts', False):
                getattr(self.manager, name)(context, *args, **kwargs)
        return cast

    def row(self):
        return instance_db.instance_get(self.api.admin_context,
                                        self.server_id)

    def instance(self):
        return instance_obj.Instance.from_db(self.row())

    def fault(self):
        """The message of the server's latest instance fault."""
        with db_session.reader(self.api.admin_context) as session:
            faults = fault_db.latest_faults(session, [self.server_id])
        return faults[self.server_id].message

    def events(self, action):
        url = '%s/%s/os-instance-actions' % (SERVERS, self.server_id)
        acts = self.get(url, fakes.ADMIN).json['instanceActions']
        request_id = [a for a in acts if a['action'] == action][0][
            'request_id']
        found = self.get('%s/%s' % (url, request_id), fakes.ADMIN).json
        return [(e['event'], e['result'])
                for e in found['instanceAction']['events']]


class RebuildTest(LifecycleTestCase):

    def test_rebuild_active(self):
        before = self.driver.spawn_count
        resp = self.post(self.path, {'rebuild': {'imageRef':
                                                 fakes.IMAGE_UUID}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        row = self.row()
        self.assertEqual((states.ACTIVE, None, states.RUNNING),
                         (row.vm_state, row.task_state, row.power_state))
        self.assertEqual(before + 1, self.driver.spawn_count)
        self.assertEqual([('compute_rebuild_instance', 'Success')],
                         self.events('rebuild'))
        self.assertEqual('ACTIVE', self.get('%s/%s' % (
            SERVERS, self.server_id)).json['server']['status'])

    def test_rebuild_stopped_stays_stopped(self):
        self.driver.power_off(self.instance())
        self.set_instance(self.server_id, vm_state=states.STOPPED,
                          power_state=states.SHUTDOWN)
        self.post(self.path, {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        row = self.row()
        self.assertEqual((states.STOPPED, None, states.SHUTDOWN),
                         (row.vm_state, row.task_state, row.power_state))

    def test_failed_rebuild_is_error_with_fault(self):
        def broken(*_args, **_kwargs):
            raise RuntimeError('disk on fire')
        self.driver.spawn = broken
        self.post(self.path, {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        row = self.row()
        self.assertEqual((states.ERROR, None), (row.vm_state,
                                                row.task_state))
        server = self.get('%s/%s' % (SERVERS, self.server_id),
                          fakes.ADMIN).json['server']
        self.assertIn('disk on fire', server['fault']['message'])
        self.assertEqual([('compute_rebuild_instance', 'Error')],
                         self.events('rebuild'))
        self.assertEqual([], self.driver.list_instances())

    def test_rebuild_skipped_when_task_changed(self):
        self.hold_casts = True
        self.post(self.path, {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        self.set_instance(self.server_id, task_state=None)
        before = self.driver.spawn_count
        self.manager.rebuild_instance(self.api.admin_context,
                                      self.server_id)
        self.assertEqual(before, self.driver.spawn_count)


class SnapshotTest(LifecycleTestCase):

    def snapshot(self, body):
        resp = self.post(self.path, body, dict(fakes.MEMBER, **{
            'OpenStack-API-Version': 'compute 2.45'}))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        return resp.json['image_id']

    def test_create_image_active(self):
        image_id = self.snapshot({'createImage': {'name': 'snap'}})
        image = image_db.image_get(self.api.admin_context, image_id)
        self.assertEqual('active', image['status'])
        self.assertGreater(image['size'], 0)
        with open(image_api.image_path(image_id)) as data:
            self.assertIn(self.server_id, data.read())
        self.assertEqual([states.IMAGE_UPLOADING], self.images.tasks)
        row = self.row()
        self.assertEqual((states.ACTIVE, None), (row.vm_state,
                                                 row.task_state))
        self.assertEqual(states.RUNNING, self.driver.get_info(
            self.instance()).state)
        self.assertEqual([('compute_snapshot_instance', 'Success')],
                         self.events('createImage'))

    def test_failed_upload_deletes_image_and_keeps_state(self):
        self.images.fail_upload = glance.ImageDownloadFailed(
            image_id='x', reason='413 too large')
        image_id = self.snapshot({'createImage': {'name': 'snap'}})
        self.assertRaises(exception.ImageNotFound, image_db.image_get,
                          self.api.admin_context, image_id)
        row = self.row()
        self.assertEqual((states.ACTIVE, None), (row.vm_state,
                                                 row.task_state))
        # An ACTIVE server shows no fault (compute API reference): the
        # instance fault is in the database.
        self.assertIn('413 too large', self.fault())
        self.assertEqual([('compute_snapshot_instance', 'Error')],
                         self.events('createImage'))

    def test_image_deleted_during_the_snapshot(self):
        # Its owner may delete a queued or saving image (Tempest's
        # test_delete_saving_image): the task is cleared, no fault.
        self.images.fail_upload = exception.ImageNotFound(image_id='x')
        self.snapshot({'createImage': {'name': 'snap'}})
        row = self.row()
        self.assertEqual((states.ACTIVE, None), (row.vm_state,
                                                 row.task_state))
        with db_session.reader(self.api.admin_context) as session:
            self.assertEqual({}, fault_db.latest_faults(session,
                                                        [self.server_id]))
        self.assertEqual([('compute_snapshot_instance', 'Success')],
                         self.events('createImage'))

    def test_backup_rotation(self):
        made = [self.snapshot({'createBackup': {
            'name': 'b%d' % n, 'backup_type': 'daily', 'rotation': 2}})
            for n in range(4)]
        weekly = self.snapshot({'createBackup': {
            'name': 'w', 'backup_type': 'weekly', 'rotation': 1}})
        left = {i['uuid'] for i in image_db.image_get_all(
            self.api.admin_context)}
        self.assertIn(made[-1], left)
        self.assertIn(weekly, left)
        self.assertEqual(2, len(left & set(made)))

    def test_stopped_server_snapshot(self):
        self.driver.power_off(self.instance())
        self.set_instance(self.server_id, vm_state=states.STOPPED)
        image_id = self.snapshot({'createImage': {'name': 'snap'}})
        self.assertEqual('active', image_db.image_get(
            self.api.admin_context, image_id)['status'])
        self.assertEqual(states.STOPPED, self.row().vm_state)

    def test_paused_and_suspended_servers_snapshot(self):
        # Nova's compute API snapshots PAUSED and SUSPENDED servers too;
        # the guest and the vm_state stay as they were (a suspended fake
        # guest is shut down with a save, as libvirt's managed save).
        for vm_state, power in ((states.VM_PAUSED, states.PAUSED),
                                (states.VM_SUSPENDED, states.SHUTDOWN)):
            if vm_state == states.VM_PAUSED:
                self.driver.pause(self.instance())
            else:
                self.driver.unpause(self.instance())
                self.driver.suspend(self.api.admin_context, self.instance())
            self.set_instance(self.server_id, vm_state=vm_state)
            image_id = self.snapshot({'createBackup': {
                'name': 'b', 'backup_type': 'daily', 'rotation': 2}})
            self.assertEqual('active', image_db.image_get(
                self.api.admin_context, image_id)['status'])
            row = self.row()
            self.assertEqual((vm_state, None), (row.vm_state,
                                                row.task_state))
            self.assertEqual(power, self.driver.get_info(
                self.instance()).state)


class RecoveryTest(LifecycleTestCase):

    def test_interrupted_snapshot(self):
        self.hold_casts = True
        resp = self.post(self.path, {'createImage': {'name': 'snap'}})
        image_id = resp.headers['Location'].rsplit('/', 1)[-1]
        self.set_instance(self.server_id,
                          task_state=states.IMAGE_UPLOADING)
        recovery.recover_host(self.api.admin_context, self.manager)
        row = self.row()
        self.assertEqual((states.ACTIVE, None), (row.vm_state,
                                                 row.task_state))
        self.assertRaises(exception.ImageNotFound, image_db.image_get,
                          self.api.admin_context, image_id)

    def test_interrupted_snapshot_of_paused_server(self):
        self.hold_casts = True
        self.driver.pause(self.instance())
        self.set_instance(self.server_id, vm_state=states.VM_PAUSED)
        resp = self.post(self.path, {'createImage': {'name': 'snap'}})
        image_id = resp.headers['Location'].rsplit('/', 1)[-1]
        recovery.recover_host(self.api.admin_context, self.manager)
        row = self.row()
        self.assertEqual((states.VM_PAUSED, None, states.PAUSED),
                         (row.vm_state, row.task_state, row.power_state))
        self.assertRaises(exception.ImageNotFound, image_db.image_get,
                          self.api.admin_context, image_id)

    def test_rebuild_not_begun_runs_again(self):
        self.hold_casts = True
        self.post(self.path, {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        before = self.driver.spawn_count
        recovery.recover_host(self.api.admin_context, self.manager)
        self.assertEqual(before + 1, self.driver.spawn_count)
        self.assertEqual((states.ACTIVE, None),
                         (self.row().vm_state, self.row().task_state))

    def test_rebuild_cut_in_the_middle_is_error(self):
        self.set_instance(self.server_id,
                          task_state=states.REBUILD_SPAWNING)
        recovery.recover_host(self.api.admin_context, self.manager)
        row = self.row()
        self.assertEqual((states.ERROR, None), (row.vm_state,
                                                row.task_state))
        self.assertEqual([], self.driver.list_instances())
        server = self.get('%s/%s' % (SERVERS, self.server_id),
                          fakes.ADMIN).json['server']
        self.assertIn('Rebuild interrupted', server['fault']['message'])
