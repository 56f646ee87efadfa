"""Rescue and unrescue of a guest on test:///default (see ``base``) with
real qemu-img disks: the rescue domain's XML (rescue disk ``vda``, the
guest's own disk ``vdb``), the saved original, repeats, failures and
unrescue."""
import os
import shutil
import xml.etree.ElementTree as ET

import testtools

from nova_lite.compute import states
from nova_lite import exception

from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin,
                                          needs_libvirt, needs_qemu_img,
                                          qemu_img_info)

try:
    from nova_lite.virt.libvirt import rescue as libvirt_rescue
except ImportError:
    libvirt_rescue = None


def _disks(xml):
    """[(target dev, source file, device)] of a domain XML's disks."""
    return [(d.find('target').get('dev'), d.find('source').get('file'),
             d.get('device'))
            for d in ET.fromstring(xml).iter('disk')]


@needs_libvirt
@needs_qemu_img
class RescueTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()
        self.inst_dir = self.driver._instance_dir(self.instance)
        self.rescue_image = self._add_image('rescue-img', b'\1' * 65536)

    def _xml(self):
        return self.driver._lookup(self.instance).XMLDesc(0)

    def _path(self, name):
        return os.path.join(self.inst_dir, name)

    def _state(self):
        return self.driver.get_info(self.instance).state

    def test_rescue_boots_the_rescue_disk_with_the_own_disk_second(self):
        original = self._xml()
        self.driver.rescue(None, self.instance, [self._vif()],
                           self.rescue_image, 'pw')
        self.assertEqual(
            [('vda', self._path('disk.rescue'), 'disk'),
             ('vdb', self._path('disk'), 'disk')], _disks(self._xml()))
        self.assertEqual(states.RUNNING, self._state())
        backing = qemu_img_info(self._path('disk.rescue'))
        self.assertEqual(os.path.join(self.tmp, '_base', 'rescue-img'),
                         backing['backing-filename'])
        self.assertEqual(1024 ** 3, backing['virtual-size'])
        # The same domain (name, uuid), NIC and console.
        dom = ET.fromstring(self._xml())
        self.assertEqual((self.instance.name, self.instance.uuid),
                         (dom.findtext('name'), dom.findtext('uuid')))
        self.assertEqual(1, len(dom.findall('devices/interface')))
        self.assertEqual(self._path('console.log'), dom.find(
            'devices/serial/source').get('path'))
        saved = ET.parse(self._path('unrescue.xml')).getroot()
        self.assertEqual(_disks(original), _disks(ET.tostring(saved)))

    def test_repeated_rescue_keeps_the_original(self):
        original = _disks(self._xml())
        for _ in range(2):
            self.driver.rescue(None, self.instance, [], self.rescue_image,
                               'pw')
        self.assertEqual(original, _disks(ET.tostring(ET.parse(
            self._path('unrescue.xml')).getroot())))
        self.driver.unrescue(None, self.instance, [])
        self.assertEqual(original, _disks(self._xml()))

    def test_unrescue_defines_the_original_again(self):
        original = _disks(self._xml())
        self.driver.rescue(None, self.instance, [], self.rescue_image,
                           'pw')
        self.driver.unrescue(None, self.instance, [])
        self.assertEqual(original, _disks(self._xml()))
        self.assertEqual(states.RUNNING, self._state())
        self.assertEqual(['console', 'console.log', 'disk'],
                         sorted(os.listdir(self.inst_dir)))
        # Repeat-safe; power_on False leaves it off.
        self.driver.unrescue(None, self.instance, [], power_on=False)
        self.assertEqual(states.SHUTDOWN, self._state())
        self.driver.unrescue(None, self.instance, [])
        self.assertEqual(states.RUNNING, self._state())

    def test_kernel_booted_rescue_image(self):
        kernel = self._add_image('k', b'kernel', disk_format='aki')
        ramdisk = self._add_image('r', b'initrd', disk_format='ari')
        image = self._add_image('tiny', b'\2' * 65536, kernel_id=kernel.id,
                                ramdisk_id=ramdisk.id)
        self.driver.rescue(None, self.instance, [], image, 'pw')
        os_el = ET.fromstring(self._xml()).find('os')
        self.assertEqual(self._path('kernel.rescue'),
                         os_el.findtext('kernel'))
        self.assertEqual(self._path('ramdisk.rescue'),
                         os_el.findtext('initrd'))
        self.assertTrue(os_el.findtext('cmdline').startswith(
            'root=/dev/vda '))
        self.driver.unrescue(None, self.instance, [])
        self.assertFalse(os.path.exists(self._path('kernel.rescue')))
        self.assertIsNone(ET.fromstring(self._xml()).find('os/kernel'))

    @testtools.skipIf(shutil.which('genisoimage') is None,
                      'genisoimage is not installed')
    def test_rescue_config_drive(self):
        guest_data = {'uuid': self.instance.uuid, 'config_drive': True,
                      'hostname': 'vm-1', 'name': 'vm-1', 'metadata': {},
                      'admin_pass': 'pw', 'networks': []}
        self.driver.rescue(None, self.instance, [], self.rescue_image, 'pw',
                           guest_data=guest_data)
        self.assertIn(('sdb', self._path('disk.config.rescue'), 'cdrom'),
                      _disks(self._xml()))

    def test_failed_rescue_puts_the_original_back_powered_off(self):
        original = _disks(self._xml())
        missing = self._add_image('gone', b'x')
        del self.store.files['gone']
        self.assertRaises(exception.ImageNotFound, self.driver.rescue,
                          None, self.instance, [], missing, 'pw')
        self.assertEqual(original, _disks(self._xml()))
        self.assertEqual(states.SHUTDOWN, self._state())
        self.assertEqual(['console', 'console.log', 'disk'],
                         sorted(os.listdir(self.inst_dir)))

    def test_unrescue_of_a_guest_not_rescued_only_powers_it(self):
        self.driver.power_off(self.instance)
        self.driver.unrescue(None, self.instance, [])
        self.assertEqual(states.RUNNING, self._state())
        self.assertFalse(libvirt_rescue.is_rescued(self.inst_dir))

    def test_missing_guest(self):
        other = self._instance()
        self.assertRaises(exception.InstanceNotFound, self.driver.rescue,
                          None, other, [], self.rescue_image, 'pw')
        self.assertRaises(exception.InstanceNotFound, self.driver.unrescue,
                          None, other, [])

    def test_destroy_of_a_rescued_guest(self):
        self.driver.rescue(None, self.instance, [], self.rescue_image,
                           'pw')
        self.driver.destroy(None, self.instance, [])
        self.assertFalse(os.path.exists(self.inst_dir))
        self.assertNotIn(self.instance.uuid, self.driver.list_instances())


class RescueXmlTestCase(testtools.TestCase):
    """``rescue_xml`` without a hypervisor."""

    @needs_libvirt
    def test_without_a_rescue_disk_the_own_disk_is_still_vdb(self):
        from nova_lite.objects import instance as instance_obj
        from nova_lite.virt.libvirt import config as vconfig
        instance = instance_obj.Instance(
            uuid='8a1e3c1e-4b9e-4a35-9d0e-2c5f6f1b7a10', hostname='vm',
            vcpus=1, memory_mb=64, root_gb=0, instance_name='instance-1')
        paths = vconfig.GuestPaths(root_disk=None, kernel='/k',
                                   ramdisk=None, console_log='/c.log')
        xml = libvirt_rescue.rescue_xml(
            instance, instance_obj.ImageMeta(id='i', properties={}), [],
            paths, '/d/disk', kvm_check=lambda: False)
        self.assertEqual([('vdb', '/d/disk', 'disk')], _disks(xml))
