"""The volume manager with the file driver (real qemu-img in a temp
dir) and a recording exporter, and the sweeper (doc/volumes.md,
"Storage", "Sweeper and restarts")."""
import datetime
import json
import os
import shutil
import subprocess
import uuid

from oslo_messaging.rpc import dispatcher
import testtools

from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volumes as volume_db
from nova_lite.volume import driver as driver_mod
from nova_lite.volume import errors
from nova_lite.volume import manager as manager_mod
from nova_lite.volume import states
from nova_lite.volume import sweeper
from tests import environment

GiB = 1024 ** 3


class RecordingExporter:
    """The exporter's interface; ``open`` answers like NBDExporter."""

    def __init__(self):
        self.opened, self.closed, self.live = [], [], set()
        self.allowed = []

    def open(self, volume, attachment_uuid, ip, port, read_only=False,
             peer_ips=()):
        if not ip:
            raise errors.Invalid(reason='no ip')
        self.opened.append((attachment_uuid, ip, port) + tuple(peer_ips))
        self.live.add(attachment_uuid)
        return {'driver_volume_type': 'nbd', 'data': {
            'host': '192.0.2.1', 'port': port,
            'export_name': 'attachment-' + attachment_uuid}}

    def allow(self, attachment_uuid, port, ips):
        self.allowed.append((attachment_uuid, port, list(ips)))

    def close(self, attachment_uuid):
        self.closed.append(attachment_uuid)
        self.live.discard(attachment_uuid)

    def pid(self, attachment_uuid):
        return 4242 if attachment_uuid in self.live else None

    def open_exports(self):
        return sorted(self.live)


class ManagerTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if not shutil.which('qemu-img'):
            self.skipTest('needs qemu-img')
        env = self.useFixture(environment.Environment())
        self.ctx = env.admin
        self.dir = os.path.join(env.state_path, 'volumes')
        self.exporter = RecordingExporter()
        self.manager = manager_mod.VolumeManager(
            'storage1', driver=driver_mod.FileDriver(self.dir),
            exporter=self.exporter)

    def make_volume(self, size=1, status=states.CREATING, **values):
        return volume_db.volume_create(self.ctx, dict({
            'uuid': str(uuid.uuid4()), 'project_id': 'p', 'size': size,
            'status': status, 'attach_status': 'detached',
            'bootable': False, 'multiattach': False}, **values),
            {'volumes': 1, 'gigabytes': size}, {}, host='storage1',
            capacity_gb=100)

    def virtual_size(self, path):
        return json.loads(subprocess.run(
            ['qemu-img', 'info', '--output=json', path], check=True,
            capture_output=True, text=True).stdout)['virtual-size']

    def test_create_extend_snapshot_clone_delete(self):
        vol = self.make_volume()
        self.manager.create_volume(self.ctx, vol['uuid'])
        vol = volume_db.volume_get(self.ctx, vol['uuid'])
        self.assertEqual(states.AVAILABLE, vol['status'])
        self.assertEqual(GiB, self.virtual_size(vol['provider_location']))
        volume_db.volume_extend(self.ctx, vol['uuid'], 2, {'gigabytes': -1})
        self.manager.extend_volume(self.ctx, vol['uuid'], 2)
        vol = volume_db.volume_get(self.ctx, vol['uuid'])
        self.assertEqual((states.AVAILABLE, 2), (vol['status'], vol['size']))
        self.assertEqual(2 * GiB, self.virtual_size(vol['provider_location']))
        snap = attachment_db.snapshot_create(self.ctx, {
            'uuid': str(uuid.uuid4()), 'volume_uuid': vol['uuid'],
            'project_id': 'p', 'volume_size': 2, 'status': 'creating'},
            {'snapshots': 1, 'gigabytes': 2}, {})
        self.manager.create_snapshot(self.ctx, snap['uuid'])
        snap = attachment_db.snapshot_get(self.ctx, snap['uuid'])
        self.assertEqual(states.AVAILABLE, snap['status'])
        clone = self.make_volume(size=3)
        self.manager.create_volume(self.ctx, clone['uuid'],
                                   snapshot_id=snap['uuid'])
        clone = volume_db.volume_get(self.ctx, clone['uuid'])
        self.assertEqual(3 * GiB, self.virtual_size(
            clone['provider_location']))
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.DELETING})
        self.manager.delete_volume(self.ctx, vol['uuid'])
        self.assertFalse(os.path.exists(vol['provider_location']))
        self.assertRaises(errors.VolumeNotFound, volume_db.volume_get,
                          self.ctx, vol['uuid'])

    def test_driver_failure_is_error(self):
        vol = self.make_volume()
        self.useFixture(__import__('fixtures').MockPatchObject(
            self.manager.driver, 'create_volume',
            side_effect=errors.DriverError(reason='disk full')))
        self.manager.create_volume(self.ctx, vol['uuid'])
        self.assertEqual(states.ERROR, volume_db.volume_get(
            self.ctx, vol['uuid'])['status'])

    def _attachment(self, vol, status='reserved'):
        return attachment_db.attachment_create(self.ctx, {
            'uuid': str(uuid.uuid4()), 'volume_uuid': vol['uuid'],
            'attach_status': status}, (vol['status'],), states.RESERVED)

    def test_connection_ports_and_close(self):
        vol = self.make_volume()
        self.manager.create_volume(self.ctx, vol['uuid'])
        vol = volume_db.volume_get(self.ctx, vol['uuid'])
        att = self._attachment(vol)
        info = self.manager.initialize_connection(
            self.ctx, vol['uuid'], att['uuid'], {'ip': '192.0.2.5'})
        self.assertEqual('nbd', info['driver_volume_type'])
        self.assertEqual(10809, attachment_db.attachment_get(
            self.ctx, att['uuid'])['export_port'])
        self.manager.terminate_connection(self.ctx, vol['uuid'], att['uuid'])
        self.assertEqual([att['uuid']], self.exporter.closed)
        self.assertIsNone(attachment_db.attachment_get(
            self.ctx, att['uuid'])['export_port'])

    def _fake_download(self, marker):
        def download(_api, context, image_id, path):
            with open(path, 'wb') as image:
                image.write(marker + bytes(4096 - len(marker)))
        return download

    def test_reimage_closes_exports_and_writes_the_image(self):
        fixtures = __import__('fixtures')
        vol = self.make_volume()
        self.manager.create_volume(self.ctx, vol['uuid'])
        att = self._attachment(volume_db.volume_get(self.ctx, vol['uuid']))
        self.manager.initialize_connection(self.ctx, vol['uuid'],
                                           att['uuid'], {'ip': '192.0.2.5'})
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.IN_USE})
        self.useFixture(fixtures.MockPatch(
            'nova_lite.image.glance.API.download',
            self._fake_download(b'NEW-IMAGE')))
        self.manager.reimage_volume(self.ctx, vol['uuid'], 'img-2')
        vol = volume_db.volume_get(self.ctx, vol['uuid'])
        self.assertEqual([att['uuid']], self.exporter.closed)
        self.assertEqual((states.IN_USE, 'img-2', True), (
            vol['status'], vol['source_image_id'], vol['bootable']))
        self.assertEqual(GiB, self.virtual_size(vol['provider_location']))
        with open(vol['provider_location'], 'rb') as data:
            self.assertEqual(b'NEW-IMAGE', data.read(9))
        self.assertEqual([], [n for n in os.listdir(self.dir)
                              if n.endswith('.reimage') or
                              n.startswith('image-')])

    def test_reimage_of_a_downloading_volume_and_its_failure(self):
        fixtures = __import__('fixtures')
        vol = self.make_volume()
        self.manager.create_volume(self.ctx, vol['uuid'])
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.DOWNLOADING})
        self.useFixture(fixtures.MockPatch(
            'nova_lite.image.glance.API.download',
            self._fake_download(b'FIRST')))
        self.manager.reimage_volume(self.ctx, vol['uuid'], 'img-2')
        self.assertEqual(states.AVAILABLE, volume_db.volume_get(
            self.ctx, vol['uuid'])['status'])
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.DOWNLOADING})
        self.useFixture(fixtures.MockPatch(
            'nova_lite.image.glance.API.download',
            side_effect=errors.DriverError(reason='gone')))
        self.assertRaises(dispatcher.ExpectedException,
                          self.manager.reimage_volume, self.ctx, vol['uuid'],
                          'img-3')
        vol = volume_db.volume_get(self.ctx, vol['uuid'])
        self.assertEqual((states.ERROR, 'img-2'),
                         (vol['status'], vol['source_image_id']))
        with open(vol['provider_location'], 'rb') as data:
            self.assertEqual(b'FIRST', data.read(5))   # old data kept

    def test_sweeper_moves_stuck_volumes(self):
        stuck = self.make_volume()
        fresh = self.make_volume()
        detaching = self.make_volume(status=states.DETACHING)
        old = datetime.datetime(2020, 1, 1)
        for vol in (stuck, detaching):
            volume_db.volume_update(self.ctx, vol['uuid'],
                                    {'status_updated_at': old})
        self.assertEqual(2, sweeper.sweep(self.ctx, 'storage1',
                                          self.exporter))
        status = {v: volume_db.volume_get(self.ctx, v)['status'] for v in (
            stuck['uuid'], fresh['uuid'], detaching['uuid'])}
        self.assertEqual({stuck['uuid']: states.ERROR,
                          fresh['uuid']: states.CREATING,
                          detaching['uuid']: states.AVAILABLE}, status)

    def test_start_closes_orphan_exports(self):
        self.exporter.live.add('gone-attachment')
        self.manager.init_host()
        self.assertEqual(['gone-attachment'], self.exporter.closed)

    def _stuck(self, vol):
        volume_db.volume_update(self.ctx, vol['uuid'], {
            'status_updated_at': datetime.datetime(2020, 1, 1)})

    def test_sweeper_undoes_an_attach_that_never_completed(self):
        """A compute killed mid-attach: the volume stays attaching with
        its export open; past the timeout the export is closed, the
        attachment deleted and the volume available again (quota kept:
        the volume still exists)."""
        vol = self.make_volume(status=states.AVAILABLE,
                               provider_location='/x')
        att = self._attachment(vol)
        self.manager.initialize_connection(self.ctx, vol['uuid'],
                                           att['uuid'], {'ip': '192.0.2.5'})
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.ATTACHING})
        # Fresh: left alone.
        self.assertEqual(0, sweeper.sweep(self.ctx, 'storage1',
                                          self.exporter))
        self._stuck(vol)
        self.assertEqual(1, sweeper.sweep(self.ctx, 'storage1',
                                          self.exporter))
        self.assertEqual([att['uuid']], self.exporter.closed)
        got = volume_db.volume_get(self.ctx, vol['uuid'])
        self.assertEqual((states.AVAILABLE, 'detached'),
                         (got['status'], got['attach_status']))
        self.assertRaises(errors.AttachmentNotFound,
                          attachment_db.attachment_get, self.ctx,
                          att['uuid'])

    def test_sweeper_keeps_a_completed_attachment(self):
        """Multiattach: one attachment completed, a second stuck: the
        stuck one goes, the volume is in-use with the first."""
        vol = self.make_volume(status=states.AVAILABLE, multiattach=True,
                               provider_location='/x')
        done = self._attachment(vol, status='attached')
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.IN_USE})
        vol = volume_db.volume_get(self.ctx, vol['uuid'])
        pending = self._attachment(vol, status='attaching')
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.ATTACHING})
        self._stuck(vol)
        sweeper.sweep(self.ctx, 'storage1', self.exporter)
        self.assertEqual([pending['uuid']], self.exporter.closed)
        self.assertEqual(states.IN_USE, volume_db.volume_get(
            self.ctx, vol['uuid'])['status'])
        attachment_db.attachment_get(self.ctx, done['uuid'])
        # os-reserve without any attachment left: available.
        bare = self.make_volume(status=states.ATTACHING)
        self._stuck(bare)
        sweeper.sweep(self.ctx, 'storage1', self.exporter)
        self.assertEqual(states.AVAILABLE, volume_db.volume_get(
            self.ctx, bare['uuid'])['status'])

    def test_sweeper_rolls_back_a_detach_whose_export_runs(self):
        vol = self.make_volume(status=states.AVAILABLE,
                               provider_location='/x')
        att = self._attachment(vol, status='attached')
        self.manager.initialize_connection(self.ctx, vol['uuid'],
                                           att['uuid'], {'ip': '192.0.2.5'})
        volume_db.volume_update(self.ctx, vol['uuid'],
                                {'status': states.DETACHING})
        self._stuck(vol)
        sweeper.sweep(self.ctx, 'storage1', self.exporter)
        self.assertEqual(states.IN_USE, volume_db.volume_get(
            self.ctx, vol['uuid'])['status'])
        self.assertEqual([], self.exporter.closed)

    def test_export_access_keeps_a_running_export(self):
        """(1.3) A server's move: the running export's filter changes,
        its qemu-nbd and connection info stay; an export that does not
        run is opened for the owner and the peers (doc/volumes.md,
        "Moves")."""
        vol = self.make_volume(status=states.AVAILABLE,
                               provider_location='/x')
        att = self._attachment(vol)
        src = {'ip': '192.0.2.5', 'host': 'src'}
        dst = {'ip': '192.0.2.6', 'host': 'dst'}
        first = self.manager.initialize_connection(
            self.ctx, vol['uuid'], att['uuid'], src)
        self.assertEqual(first, self.manager.export_access(
            self.ctx, vol['uuid'], att['uuid'], dst, [src]))
        self.assertEqual(1, len(self.exporter.opened))
        self.assertEqual([], self.exporter.closed)
        self.assertEqual([(att['uuid'], 10809, ['192.0.2.6', '192.0.2.5'])],
                         self.exporter.allowed)
        self.assertEqual(dst, attachment_db.attachment_get(
            self.ctx, att['uuid'])['connector'])
        # Not running (e.g. an unshelve): opened for owner and peers.
        self.exporter.live.clear()
        self.manager.export_access(self.ctx, vol['uuid'], att['uuid'],
                                   src, [dst])
        self.assertEqual((att['uuid'], '192.0.2.5', 10809, '192.0.2.6'),
                         self.exporter.opened[-1])
        self.assertRaises(dispatcher.ExpectedException,
                          self.manager.export_access, self.ctx,
                          vol['uuid'], att['uuid'], {'host': 'x'})

    def test_ensure_export_reopens_only_a_lost_one(self):
        vol = self.make_volume(status=states.AVAILABLE,
                               provider_location='/x')
        att = self._attachment(vol)
        first = self.manager.initialize_connection(
            self.ctx, vol['uuid'], att['uuid'], {'ip': '192.0.2.5'})
        # Running: the same info, nothing re-opened.
        self.assertEqual(first, self.manager.ensure_export(
            self.ctx, vol['uuid'], att['uuid']))
        self.assertEqual(1, len(self.exporter.opened))
        # Its qemu-nbd died: re-opened on the same port for the same ip.
        self.exporter.live.clear()
        again = self.manager.ensure_export(self.ctx, vol['uuid'],
                                           att['uuid'])
        self.assertEqual(first, again)
        self.assertEqual((att['uuid'], '192.0.2.5', 10809),
                         self.exporter.opened[-1])
        never = self._attachment(volume_db.volume_get(self.ctx,
                                                      vol['uuid']))
        # expected_exceptions wraps them for the RPC server.
        for attachment_id, error in ((never['uuid'], errors.Invalid), (
                str(uuid.uuid4()), errors.AttachmentNotFound)):
            raised = self.assertRaises(
                dispatcher.ExpectedException, self.manager.ensure_export,
                self.ctx, vol['uuid'], attachment_id)
            self.assertIsInstance(raised.exc_info[1], error)
