"""The config drive: when a guest gets one, the ISO 9660 volume
genisoimage makes (label config-2, Rock Ridge and Joliet, the metadata
files), its CD-ROM in the libvirt domain, the libvirt driver's spawn
(test:///default) and the fake driver's record of it."""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from nova_lite import exception
from nova_lite.virt import configdrive
from nova_lite.virt import fake
from nova_lite.virt.libvirt import config
from tests.unit.metadata import test_content
from tests.unit.virt.libvirt import base as lv_base
from tests.unit.virt.libvirt import test_config

CONF = cfg.CONF
needs_genisoimage = testtools.skipUnless(
    shutil.which('genisoimage') and shutil.which('isoinfo'),
    'genisoimage/isoinfo not installed (apt-get install genisoimage)')


class RequiredTest(testtools.TestCase):

    def test_asked_or_forced(self):
        flags = self.useFixture(config_fixture.Config(CONF))
        self.assertTrue(configdrive.required({'config_drive': True}))
        self.assertFalse(configdrive.required({'config_drive': False}))
        self.assertFalse(configdrive.required(None))
        flags.config(force_config_drive=True)
        self.assertTrue(configdrive.required({'config_drive': False}))
        self.assertFalse(configdrive.required(None))

    def test_missing_command_is_a_clear_deploy_failure(self):
        self.useFixture(config_fixture.Config(CONF)).config(
            mkisofs_cmd='no-such-genisoimage')
        tmp = self.useFixture(fixtures.TempDir()).path
        exc = self.assertRaises(
            exception.InstanceDeployFailure, configdrive.build, tmp,
            test_content.guest())
        self.assertIn('no-such-genisoimage is not installed',
                      exc.format_message())
        self.assertNotIn('s3cret', exc.format_message())


@needs_genisoimage
class ISOTest(testtools.TestCase):

    def test_volume_label_extensions_and_files(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        path, files = configdrive.build(tmp, test_content.guest())
        self.assertEqual(os.path.join(tmp, 'disk.config'), path)
        self.assertIn('openstack/latest/meta_data.json', files)
        info = subprocess.run(['isoinfo', '-d', '-i', path], check=True,
                              capture_output=True, text=True).stdout
        self.assertIn('Volume id: config-2', info)
        self.assertIn('Rock Ridge', info)
        self.assertIn('Joliet', info)
        listing = subprocess.run(['isoinfo', '-R', '-f', '-i', path],
                                 check=True, capture_output=True,
                                 text=True).stdout.split()
        self.assertIn('/openstack/latest/user_data', listing)
        self.assertIn('/openstack/2018-08-27/network_data.json', listing)
        self.assertIn('/ec2/latest/meta-data.json', listing)
        user_data = subprocess.run(
            ['isoinfo', '-R', '-i', path, '-x',
             '/openstack/latest/user_data'], check=True,
            capture_output=True).stdout
        self.assertEqual(b'#!/bin/sh\necho hi\n', user_data)


class DomainXMLTest(testtools.TestCase):

    def _disks(self, **kwargs):
        domain = config.build_domain(
            test_config._instance(), test_config._image(), [],
            test_config._paths(), bridge_exists=test_config._no_bridge,
            kvm_check=lambda: False, **kwargs)
        return domain.findall('./devices/disk')

    def test_config_drive_is_a_read_only_sata_cdrom(self):
        disks = self._disks(config_drive='/inst/disk.config')
        self.assertEqual(['disk', 'cdrom'], [d.get('device') for d in disks])
        cdrom = disks[1]
        self.assertEqual(ET.canonicalize(
            '<disk type="file" device="cdrom"><driver name="qemu" '
            'type="raw"/><source file="/inst/disk.config"/>'
            '<target dev="sdb" bus="sata"/><readonly/></disk>'),
            ET.canonicalize(ET.tostring(cdrom, 'unicode')))

    def test_no_config_drive_no_cdrom(self):
        self.assertEqual(['disk'], [d.get('device')
                                    for d in self._disks()])


@lv_base.needs_libvirt
@lv_base.needs_qemu_img
@needs_genisoimage
class LibvirtSpawnTest(lv_base.LibvirtFixtureMixin, testtools.TestCase):

    def test_spawn_attaches_the_config_drive(self):
        instance = self._instance()
        guest = test_content.guest(uuid=instance.uuid)
        self.driver.spawn(None, instance, self.raw_image, [self._vif()],
                          guest_data=guest)
        self.addCleanup(self.driver.destroy, None, instance, [])
        drive = os.path.join(self._inst_dir(instance), 'disk.config')
        self.assertTrue(os.path.exists(drive))
        xml = self._conn().lookupByName(instance.name).XMLDesc()
        self.assertIn("device='cdrom'", xml)
        self.assertIn(drive, xml)

    def test_spawn_without_config_drive(self):
        instance = self._instance()
        self.driver.spawn(None, instance, self.raw_image, [self._vif()],
                          guest_data=test_content.guest(
                              uuid=instance.uuid, config_drive=False))
        self.addCleanup(self.driver.destroy, None, instance, [])
        self.assertFalse(os.path.exists(os.path.join(
            self._inst_dir(instance), 'disk.config')))
        xml = self._conn().lookupByName(instance.name).XMLDesc()
        self.assertNotIn("device='cdrom'", xml)


class FakeDriverTest(testtools.TestCase):

    def test_records_the_config_drive_files(self):
        driver = fake.FakeDriver('host1')
        instance = test_config._instance()
        driver.spawn(None, instance, None, [],
                     guest_data=test_content.guest(uuid=instance.uuid))
        files = driver.config_drive_files(instance.uuid)
        self.assertIn('openstack/latest/meta_data.json', files)
        self.assertTrue(driver.get_instance_diagnostics(instance)[
            'config_drive'])
        other = test_config._instance(uuid='b3f1c2d4-0b5e-4c6f-8a7b-'
                                           '9c0d1e2f3a4b')
        driver.spawn(None, other, None, [], guest_data=None)
        self.assertIsNone(driver.config_drive_files(other.uuid))
