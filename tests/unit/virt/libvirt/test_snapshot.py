"""LibvirtDriver snapshots and the rebuild's driver steps, on
test:///default with real qemu-img files (see ``base``): the snapshot
is a standalone qcow2 copy of the whole disk chain, made while a running
guest is paused, uploaded, then removed; a rebuild (destroy, spawn from
another image) gives the guest a new overlay on the new base."""
import os
import shutil
import subprocess

import fixtures
from oslo_concurrency import processutils
import testtools

from nova_lite.compute import states
from tests.unit.virt.libvirt import base as lv_base
from tests.unit.virt.libvirt.base import (CONF, LibvirtFixtureMixin,
                                          needs_libvirt, needs_qemu_img)

try:
    from nova_lite.virt.libvirt import snapshot as libvirt_snapshot
except ImportError:
    libvirt_snapshot = None

needs_qemu_io = testtools.skipIf(shutil.which('qemu-io') is None,
                                 'qemu-io is not installed')
IMAGE_ID = '6f1c0c2e-1b51-4d39-9d0c-6a4c2f1b2a10'


class UploadingStore(lv_base.FakeImageStore):
    """The fake store, with uploads kept as files (``uploaded``)."""

    def __init__(self, tmp, fail=None):
        super().__init__()
        self.tmp = tmp
        self.fail = fail
        self.uploaded = {}

    def upload(self, context, image_id, path):
        if self.fail is not None:
            raise self.fail
        dest = os.path.join(self.tmp, 'uploaded-' + image_id)
        shutil.copyfile(path, dest)
        self.uploaded[image_id] = dest


@needs_libvirt
@needs_qemu_img
@needs_qemu_io
class SnapshotTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        upload_store = UploadingStore(self.tmp)
        upload_store.files = self.store.files
        self.store = self.driver.image_api = upload_store
        self.tasks = []

    def update_task_state(self, task_state, expected_state):
        self.tasks.append((task_state, expected_state))

    def _write_guest_data(self, instance):
        """What the guest wrote: 64 KiB of 0x5a at 1 MiB of its disk."""
        disk = os.path.join(self._inst_dir(instance), 'disk')
        subprocess.run(['qemu-io', '-f', 'qcow2', '-c',
                        'write -P 0x5a 1M 64k', disk], check=True,
                       capture_output=True)
        return disk

    def test_snapshot_is_standalone_copy_of_the_chain(self):
        instance = self._spawn()
        disk = self._write_guest_data(instance)
        seen = []
        convert = libvirt_snapshot.convert

        def spy(disk_path, out_path):
            seen.append(self.driver.get_info(instance).state)
            convert(disk_path, out_path)
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.virt.libvirt.snapshot.convert', spy))
        self.driver.snapshot(None, instance, IMAGE_ID,
                             self.update_task_state)
        self.assertEqual([states.PAUSED], seen)
        self.assertEqual(states.RUNNING, self.driver.get_info(instance).state)
        self.assertEqual([(states.IMAGE_UPLOADING,
                           states.IMAGE_PENDING_UPLOAD)], self.tasks)
        copy = self.store.uploaded[IMAGE_ID]
        info = lv_base.qemu_img_info(copy)
        self.assertEqual('qcow2', info['format'])
        self.assertNotIn('backing-filename', info)
        # The same guest-visible bytes as the overlay on its base.
        subprocess.run(['qemu-img', 'compare', '-U', '-f', 'qcow2', '-F',
                        'qcow2', disk, copy], check=True,
                       capture_output=True)
        # (console: the directory of the guest's console sockets)
        self.assertEqual(['console', 'console.log', 'disk'],
                         sorted(os.listdir(self._inst_dir(instance))))

    def test_stopped_guest_is_not_resumed(self):
        instance = self._spawn()
        self.driver.power_off(instance)
        self.driver.snapshot(None, instance, IMAGE_ID,
                             self.update_task_state)
        self.assertEqual(states.SHUTDOWN,
                         self.driver.get_info(instance).state)
        self.assertIn(IMAGE_ID, self.store.uploaded)

    def test_failed_upload_removes_copy_guest_runs(self):
        instance = self._spawn()
        self.store.fail = RuntimeError('image API down')
        self.assertRaises(RuntimeError, self.driver.snapshot, None,
                          instance, IMAGE_ID, self.update_task_state)
        self.assertFalse(os.path.exists(libvirt_snapshot.snapshot_path(
            self._inst_dir(instance), IMAGE_ID)))
        self.assertEqual(states.RUNNING, self.driver.get_info(instance).state)

    def test_failed_copy_resumes_guest(self):
        instance = self._spawn()
        os.unlink(os.path.join(self._inst_dir(instance), 'disk'))
        self.assertRaises(processutils.ProcessExecutionError,
                          self.driver.snapshot, None, instance, IMAGE_ID,
                          self.update_task_state)
        self.assertEqual(states.RUNNING, self.driver.get_info(instance).state)
        self.assertEqual([], self.tasks)

    def test_bad_image_id_refused(self):
        self.assertRaises(ValueError, libvirt_snapshot.snapshot_path,
                          '/x', '../etc')

    def test_rebuild_steps_new_overlay_on_new_base(self):
        instance = self._spawn()
        old_disk = self._write_guest_data(instance)
        self.assertEqual(os.path.join(CONF.libvirt.images_path, 'raw-img'),
                         lv_base.qemu_img_info(old_disk)['backing-filename'])
        new_image = self._add_image('new-img', b'\1' * 1024 * 1024)
        # The compute's rebuild: destroy, then spawn from the new image.
        self.driver.destroy(None, instance, [])
        self.driver.spawn(None, instance, new_image, [self._vif()])
        disk = os.path.join(self._inst_dir(instance), 'disk')
        info = lv_base.qemu_img_info(disk)
        self.assertEqual(os.path.join(CONF.libvirt.images_path, 'new-img'),
                         info['backing-filename'])
        # Nothing of the old disk's writes is left.
        result = subprocess.run(['qemu-io', '-f', 'qcow2', '-c',
                                 'read -P 0x5a 1M 64k', disk],
                                capture_output=True, text=True)
        self.assertIn('Pattern verification failed', result.stdout)
        self.assertEqual(states.RUNNING, self.driver.get_info(instance).state)
