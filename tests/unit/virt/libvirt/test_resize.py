"""LibvirtDriver resize steps on test:///default with real qemu-img
overlays: set aside on the source, copy/rebase/grow/define on the
destination (another instances and images path, as a second compute on
the same machine, or the same host), confirm and revert."""
import os
import xml.etree.ElementTree as ET

import testtools

from nova_lite.compute import states
from nova_lite import exception
from nova_lite.virt.libvirt import resize as libvirt_resize
from tests.unit.virt.libvirt import base


@base.needs_libvirt
@base.needs_qemu_img
class LibvirtResizeTest(base.LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()
        self.src_dir = os.path.join(CONF().libvirt.instances_path,
                                    self.instance.uuid)

    def _bigger(self):
        bigger = self.instance.obj_clone()
        bigger.vcpus, bigger.memory_mb, bigger.root_gb = 2, 256, 2
        return bigger

    def _other_host(self):
        """Config of a second compute on this machine: its own
        instances and images paths."""
        self.flags.config(group='libvirt', instances_path=os.path.join(
            self.tmp, 'instances2'), images_path=os.path.join(
            self.tmp, '_base2'))
        os.makedirs(CONF().libvirt.instances_path, exist_ok=True)
        os.makedirs(CONF().libvirt.images_path, exist_ok=True)

    def _migration(self, source='host1'):
        return {'instance_uuid': self.instance.uuid,
                'source_compute': source}

    def _domain(self):
        dom = self.driver._lookup(self.instance)
        return dom, ET.fromstring(dom.XMLDesc(0))

    def test_cross_host_resize_then_revert(self):
        disk_info = self.driver.migrate_disk_and_power_off(
            None, self.instance, 'host1', {'root_gb': 2}, [])
        self.assertEqual(libvirt_resize.resize_dir(self.src_dir),
                         disk_info['source_dir'])
        self.assertFalse(os.path.exists(self.src_dir))
        self.assertNotIn(self.instance.uuid, self.driver.list_instances())

        self._other_host()
        bigger = self._bigger()
        self.driver.finish_migration(None, self._migration(), bigger,
                                     disk_info, [], power_on=True)
        dest_dir = os.path.join(CONF().libvirt.instances_path,
                                self.instance.uuid)
        disk = base.qemu_img_info(os.path.join(dest_dir, 'disk'))
        self.assertEqual(2 * base.GiB, disk['virtual-size'])
        self.assertEqual(os.path.join(CONF().libvirt.images_path,
                                      'raw-img'), disk['backing-filename'])
        dom, xml = self._domain()
        self.assertEqual(('2', str(256 * 1024)), (xml.find('vcpu').text,
                                                  xml.find('memory').text))
        self.assertTrue(xml.find('devices/disk/source').get(
            'file').startswith(dest_dir))
        self.assertEqual(states.RUNNING,
                         self.driver.get_info(bigger).state)

        # (The source is another compute: this one plays both.)
        self.driver.cleanup_migration_dest(None, bigger,
                                           self._migration('host0'))
        self.assertFalse(os.path.exists(dest_dir))
        self.flags.config(group='libvirt', instances_path=os.path.dirname(
            self.src_dir), images_path=os.path.join(self.tmp, '_base'))
        self.driver.finish_revert_migration(None, self.instance, [],
                                            self._migration(), True)
        dom, xml = self._domain()
        self.assertEqual('1', xml.find('vcpu').text)
        self.assertTrue(xml.find('devices/disk/source').get(
            'file').startswith(self.src_dir))
        self.assertTrue(dom.isActive())
        self.assertFalse(os.path.exists(disk_info['source_dir']))

    def test_same_host_resize_then_confirm(self):
        disk_info = self.driver.migrate_disk_and_power_off(
            None, self.instance, 'host1', {'root_gb': 2}, [])
        bigger = self._bigger()
        self.driver.finish_migration(None, self._migration(), bigger,
                                     disk_info, [], power_on=False)
        dom, xml = self._domain()
        self.assertFalse(dom.isActive())
        self.assertEqual('2', xml.find('vcpu').text)
        self.assertEqual(2 * base.GiB, base.qemu_img_info(os.path.join(
            self.src_dir, 'disk'))['virtual-size'])
        self.driver.confirm_migration(None, self._migration(), bigger)
        self.assertFalse(os.path.exists(disk_info['source_dir']))
        self.assertTrue(os.path.exists(self.src_dir))
        # Idempotent.
        self.driver.confirm_migration(None, self._migration(), bigger)

    def test_disk_never_shrinks(self):
        self.assertRaises(exception.ResizeError,
                          self.driver.migrate_disk_and_power_off, None,
                          self.instance, 'host1', {'root_gb': 0}, [])
        self.assertTrue(os.path.exists(self.src_dir))

    def test_failed_finish_leaves_nothing_and_source_restorable(self):
        disk_info = self.driver.migrate_disk_and_power_off(
            None, self.instance, 'host1', {'root_gb': 2}, [])
        self._other_host()
        smaller = self.instance.obj_clone()
        smaller.root_gb = 1
        disk_info = dict(disk_info, root_gb=1)
        with open(os.path.join(disk_info['source_dir'],
                               libvirt_resize.XML_NAME), 'w') as f:
            f.write('<domain>not valid')
        self.assertRaises(ET.ParseError, self.driver.finish_migration, None,
                          self._migration(), smaller, disk_info, [])
        self.assertFalse(os.path.exists(os.path.join(
            CONF().libvirt.instances_path, self.instance.uuid)))


def CONF():  # noqa: N802 - the config object, read after the fixture
    return base.CONF
