"""The instance directory and its root disk and boot files, made by a spawn
on test:///default (see ``base``)."""
import os
import subprocess

import testtools

from nova_lite.compute import states
from nova_lite.objects import instance as instance_obj

from tests.unit.virt.libvirt import base as lv_base
from tests.unit.virt.libvirt.base import (CONF, GiB, LibvirtFixtureMixin,
                                          needs_libvirt,
                                          needs_qemu_img)


@needs_libvirt
@needs_qemu_img
class GuestFilesTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def test_spawn_runs_guest_on_overlay(self):
        instance = self._spawn()
        self.assertEqual(states.RUNNING,
                         self.driver.get_info(instance).state)
        disk = os.path.join(self._inst_dir(instance), 'disk')
        info = lv_base.qemu_img_info(disk)
        base = os.path.join(CONF.libvirt.images_path, 'raw-img')
        self.assertEqual('qcow2', info['format'])
        self.assertEqual(base, info['backing-filename'])
        self.assertEqual('raw', info['backing-filename-format'])
        self.assertEqual(1 * GiB, info['virtual-size'])
        self.assertTrue(os.path.exists(os.path.join(
            self._inst_dir(instance), 'console.log')))

    def test_qcow2_image_backs_overlay_as_qcow2(self):
        src = os.path.join(self.tmp, 'src.qcow2')
        subprocess.check_call(['qemu-img', 'create', '-q', '-f', 'qcow2',
                               src, '512M'])
        self.store.add('q-img', src)
        image = instance_obj.ImageMeta(id='q-img', disk_format='qcow2',
                                       properties={})
        instance = self._spawn(image_meta=image)
        info = lv_base.qemu_img_info(
            os.path.join(self._inst_dir(instance), 'disk'))
        self.assertEqual('qcow2', info['backing-filename-format'])

    def test_kernel_boot_without_root_image_gets_blank_disk(self):
        kernel = self._add_image('k-1', b'kernel', disk_format='aki')
        ramdisk = self._add_image('r-1', b'initrd', disk_format='ari')
        image = instance_obj.ImageMeta(
            id='tiny', disk_format='qcow2',
            properties={'kernel_id': kernel.id, 'ramdisk_id': ramdisk.id})
        instance = self._spawn(self._instance(root_gb=2, hostname='tiny-1'),
                               image)
        inst_dir = self._inst_dir(instance)
        info = lv_base.qemu_img_info(os.path.join(inst_dir, 'disk'))
        self.assertNotIn('backing-filename', info)
        self.assertEqual(2 * GiB, info['virtual-size'])
        xml = self.driver._lookup(instance).XMLDesc()
        self.assertIn(f'<kernel>{inst_dir}/kernel</kernel>', xml)
        self.assertIn(f'<initrd>{inst_dir}/ramdisk</initrd>', xml)
        self.assertIn('nova_lite_hostname=tiny-1</cmdline>', xml)
        with open(os.path.join(inst_dir, 'kernel'), 'rb') as f:
            self.assertEqual(b'kernel', f.read())

    def test_kernel_boot_with_zero_root_gb_has_no_disk(self):
        kernel = self._add_image('k-1', b'kernel', disk_format='aki')
        image = instance_obj.ImageMeta(id='k-1', disk_format='aki',
                                       properties={'kernel_id': kernel.id})
        instance = self._spawn(self._instance(root_gb=0), image)
        self.assertEqual(states.RUNNING,
                         self.driver.get_info(instance).state)
        self.assertFalse(os.path.exists(
            os.path.join(self._inst_dir(instance), 'disk')))
        self.assertNotIn('<disk', self.driver._lookup(instance).XMLDesc())
