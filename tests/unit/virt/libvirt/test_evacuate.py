"""LibvirtDriver and evacuations on test:///default (one daemon shared
by two computes, as several computes on one machine): the owner
metadata written at spawn, and ``destroy_evacuated`` leaving the
destination's domain (and a shared instance directory) alone."""
import os

import testtools

import nova_lite.conf
from nova_lite import exception
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt.libvirt import guest as libvirt_guest
from tests.unit.virt.libvirt import base


@base.needs_libvirt
@base.needs_qemu_img
class LibvirtEvacuateTest(base.LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()
        self.src_dir = os.path.join(nova_lite.conf.CONF.libvirt.instances_path,
                                    self.instance.uuid)
        self.dest = libvirt_driver.LibvirtDriver('host2')
        self.dest.image_api = self.store
        self.addCleanup(self.dest.cleanup_host, 'host2')

    def owner(self):
        return libvirt_guest.owner(self.driver._lookup(self.instance))

    def test_spawn_records_the_owner(self):
        self.assertEqual('host1', self.owner())

    def test_own_guest_is_removed(self):
        self.driver.destroy_evacuated(None, self.instance)
        self.assertRaises(exception.InstanceNotFound, self.driver._lookup,
                          self.instance)
        self.assertFalse(os.path.exists(self.src_dir))
        self.driver.destroy_evacuated(None, self.instance)   # idempotent

    def test_destination_guest_in_the_same_directory_is_kept(self):
        self.dest.spawn(None, self.instance, self.raw_image, [self._vif()])
        self.assertEqual('host2', self.owner())
        self.driver.destroy_evacuated(None, self.instance)
        self.assertEqual('host2', self.owner())
        self.assertTrue(self.driver._lookup(self.instance).isActive())
        self.assertTrue(os.path.exists(os.path.join(self.src_dir, 'disk')))

    def test_destination_guest_elsewhere_keeps_its_files(self):
        instances2 = os.path.join(self.tmp, 'instances2')
        self.flags.config(group='libvirt', instances_path=instances2)
        self.dest.spawn(None, self.instance, self.raw_image, [self._vif()])
        dest_dir = os.path.join(instances2, self.instance.uuid)
        # The source's files are still there (its own directory).
        self.flags.config(group='libvirt',
                          instances_path=os.path.dirname(self.src_dir))
        os.makedirs(self.src_dir, exist_ok=True)
        self.driver.destroy_evacuated(None, self.instance)
        self.assertFalse(os.path.exists(self.src_dir))
        self.assertTrue(os.path.exists(os.path.join(dest_dir, 'disk')))
        self.assertEqual('host2', self.owner())
