"""The root disk of an unshelved (offloaded) instance is rebased onto the
instance's own image (Nova bug 1732428): a later cold migration to a host
without the deleted shelved image keeps the guest's data. On
test:///default with real qemu-img overlays (``disks.rebase_unshelved``).
"""
import os
import subprocess

import testtools

from nova_lite.compute import states
from tests.unit.virt.libvirt import base

MiB = 1024 * 1024


def same_content(disk, raw_path):
    """True when the qcow2 chain of ``disk`` shows the bytes of the raw
    file ``raw_path`` (``qemu-img compare``: exit 0 identical, 1
    different; the disk's size beyond the file must read zeros)."""
    rc = subprocess.call(['qemu-img', 'compare', '-U', '-f', 'qcow2', '-F',
                          'raw', disk, raw_path], stdout=subprocess.DEVNULL)
    if rc not in (0, 1):
        raise AssertionError('qemu-img compare failed: %d' % rc)
    return rc == 0


@base.needs_libvirt
@base.needs_qemu_img
class UnshelveRebaseTest(base.LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The shelved snapshot: the guest's disk as the shelve uploaded
        # it (a standalone qcow2; snapshot.convert), other bytes than the
        # instance's own image raw-img (zeros).
        self.shelved_raw = base.write_file(
            os.path.join(self.tmp, 'shelved.raw'),
            b'\0' * 4096 + b'written by the guest' * 1000 + b'\7' * MiB)
        qcow2 = os.path.join(self.tmp, 'shelved.qcow2')
        subprocess.check_call(['qemu-img', 'convert', '-f', 'raw', '-O',
                               'qcow2', self.shelved_raw, qcow2])
        with open(qcow2, 'rb') as f:
            self.shelved = self._add_image('shelved-img', f.read(),
                                           disk_format='qcow2')

    def _unshelved(self):
        """An offloaded instance of raw-img spawned from its shelved
        image, as ``ShelveMixin._unshelve_spawn`` does."""
        instance = self._instance()
        instance.vm_state = states.SHELVED_OFFLOADED
        self._spawn(instance, self.shelved)
        return instance, os.path.join(self._inst_dir(instance), 'disk')

    def _base(self, image_id):
        return os.path.join(base.CONF.libvirt.images_path, image_id)

    def test_disk_rebased_onto_the_own_image_keeps_the_data(self):
        _instance, disk = self._unshelved()
        info = base.qemu_img_info(disk)
        self.assertEqual(self._base('raw-img'), info['backing-filename'])
        self.assertEqual('raw', info['backing-filename-format'])
        self.assertTrue(same_content(disk, self.shelved_raw))

    def test_cold_migration_after_unshelve_keeps_the_data(self):
        instance, _disk = self._unshelved()
        # The unshelve deletes the shelved image; the destination has
        # its own cache, without it.
        self.store.delete('shelved-img')
        disk_info = self.driver.migrate_disk_and_power_off(
            None, instance, 'host2', {'root_gb': 1}, [])
        self.flags.config(group='libvirt', instances_path=os.path.join(
            self.tmp, 'instances2'), images_path=os.path.join(
            self.tmp, '_base2'))
        self.driver.finish_migration(
            None, {'instance_uuid': instance.uuid, 'source_compute': 'h1'},
            instance, disk_info, [], power_on=True)
        dest_disk = os.path.join(self._inst_dir(instance), 'disk')
        self.assertEqual(self._base('raw-img'),
                         base.qemu_img_info(dest_disk)['backing-filename'])
        self.assertTrue(same_content(dest_disk, self.shelved_raw))

    def test_disk_flattened_when_the_own_image_is_gone(self):
        self.store.delete('raw-img')
        _instance, disk = self._unshelved()
        self.assertNotIn('backing-filename', base.qemu_img_info(disk))
        self.assertTrue(same_content(disk, self.shelved_raw))

    def test_other_spawns_keep_their_image_as_backing(self):
        instance = self._instance()
        instance.vm_state = states.BUILDING
        self._spawn(instance, self.shelved)
        disk = os.path.join(self._inst_dir(instance), 'disk')
        self.assertEqual(self._base('shelved-img'),
                         base.qemu_img_info(disk)['backing-filename'])
