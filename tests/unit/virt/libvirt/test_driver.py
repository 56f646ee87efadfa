"""LibvirtDriver: spawn, failed spawn and destroy, on test:///default
(see ``base``)."""
import os
import subprocess

import fixtures
import testtools

from nova_lite import exception
from nova_lite.compute import states
from nova_lite.objects import instance as instance_obj

from tests.unit.virt.libvirt import base as lv_base
from tests.unit.virt.libvirt.base import (CONF, GiB, LibvirtFixtureMixin,
                                          needs_libvirt,
                                          needs_qemu_img)

from nova_lite.virt.libvirt import imagebackend


@needs_libvirt
@needs_qemu_img
class SpawnTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def test_domain_xml_names_guest_files(self):
        instance = self._spawn()
        conn = self._conn()
        dom = conn.lookupByName(instance.name)
        self.assertEqual(instance.uuid, dom.UUIDString())
        xml = dom.XMLDesc()
        self.assertIn(os.path.join(self._inst_dir(instance), 'disk'), xml)
        self.assertIn('fa:16:3e:00:00:09', xml)
        self.assertEqual(128 * 1024, dom.maxMemory())

    def test_guest_netns_bridge(self):
        # [network] guest_netns: the bridge is looked up in that namespace
        # (where the node's libvirtd runs), not in the compute's.
        self.flags.config(group='network', guest_netns='ns-guest',
                          bridge='br-in-ns')
        asked = []

        def run(argv, **kwargs):
            asked.append(argv)
            return subprocess.CompletedProcess(
                argv, 0, '[{"ifname": "br-in-ns"}]', '')
        self.useFixture(fixtures.MockPatch(
            'nova_lite.virt.libvirt.vif.subprocess.run', run))
        instance = self._spawn()
        xml = self._conn().lookupByName(instance.name).XMLDesc()
        self.assertIn("<source bridge='br-in-ns'/>", xml)
        self.assertEqual(['ip', '-n', 'ns-guest'], asked[0][:3])
    def test_a_server_without_network_has_no_interface(self):
        # "networks": "none" (compute API microversion 2.37): no NIC.
        instance = self._instance()
        self.driver.spawn(None, instance, self.raw_image, [])
        self.addCleanup(self.driver.destroy, None, instance, [])
        dom = self._conn().lookupByName(instance.name)
        self.assertNotIn('<interface', dom.XMLDesc())
        self.assertEqual(states.RUNNING,
                         self.driver.get_info(instance).state)

    def test_cache_image_ahead_of_builds(self):
        # Compute API microversion 2.81: the base image is downloaded
        # once, before any build; the builds then reuse it.
        self.assertTrue(self.driver.cache_image(None, 'raw-img'))
        self.assertFalse(self.driver.cache_image(None, 'raw-img'))
        self._spawn()
        self.assertEqual(['raw-img'], self.store.downloads)

    def test_base_image_downloaded_once_per_host(self):
        self._spawn()
        self._spawn()
        self.assertEqual(['raw-img'], self.store.downloads)

    def test_spawn_replaces_leftovers_of_earlier_attempt(self):
        instance = self._spawn()
        stale = lv_base.write_file(
            os.path.join(self._inst_dir(instance), 'stale'))
        self._spawn(instance)
        self.assertFalse(os.path.exists(stale))
        self.assertEqual(states.RUNNING,
                         self.driver.get_info(instance).state)


@needs_libvirt
@needs_qemu_img
class SpawnFailureTestCase(LibvirtFixtureMixin, testtools.TestCase):
    """A failed spawn raises and leaves no domain, disk or directory."""

    def _assert_spawn_fails(self, exc_class, instance, image_meta):
        self.assertRaises(exc_class, self.driver.spawn, None, instance,
                          image_meta, [self._vif()])
        self.assertNoTrace(instance)

    def test_missing_image_file(self):
        image = instance_obj.ImageMeta(id='gone', disk_format='raw',
                                       properties={})
        self._assert_spawn_fails(exception.ImageNotFound, self._instance(),
                                 image)
        self.assertEqual([imagebackend.ImageCache.LOCK_DIR],
                         os.listdir(CONF.libvirt.images_path))

    def test_missing_kernel_image(self):
        image = instance_obj.ImageMeta(id='raw-img', disk_format='raw',
                                       properties={'kernel_id': 'gone'})
        self._assert_spawn_fails(exception.ImageNotFound, self._instance(),
                                 image)

    def test_define_failure_after_disk_was_made(self):
        instance = self._instance()
        # Another domain already holds the instance's uuid: defineXML fails.
        conn = self._conn()
        other = conn.defineXML(
            "<domain type='qemu'><name>not-ours</name>"
            f"<uuid>{instance.uuid}</uuid><memory>1024</memory>"
            "<os><type>hvm</type></os></domain>")
        self.addCleanup(other.undefine)
        self._assert_spawn_fails(exception.InstanceDeployFailure, instance,
                                 self.raw_image)
        self.assertIn('not-ours', self._domain_names())

    def test_image_with_backing_file_refused(self):
        backing = os.path.join(self.tmp, 'host-secret')
        lv_base.write_file(backing)
        evil = os.path.join(self.tmp, 'evil.qcow2')
        subprocess.check_call(['qemu-img', 'create', '-q', '-f', 'qcow2',
                               '-b', backing, '-F', 'raw', evil])
        self.store.add('evil', evil)
        image = instance_obj.ImageMeta(id='evil', disk_format='qcow2',
                                       properties={})
        self._assert_spawn_fails(imagebackend.ImageUnacceptable,
                                 self._instance(), image)

    def test_image_larger_than_flavor_disk_refused(self):
        big = os.path.join(self.tmp, 'big.raw')
        with open(big, 'wb') as f:
            f.truncate(2 * GiB)     # sparse: no real 2 GiB written
        self.store.add('big', big)
        image = instance_obj.ImageMeta(id='big', disk_format='raw',
                                       properties={})
        self._assert_spawn_fails(imagebackend.ImageUnacceptable,
                                 self._instance(root_gb=1), image)


@needs_libvirt
@needs_qemu_img
class DestroyTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()

    def test_destroy_removes_everything_and_is_idempotent(self):
        self.driver.destroy(None, self.instance, [])
        self.assertNoTrace(self.instance)
        self.assertNotIn(self.instance.uuid, self.driver.list_instances())
        self.driver.destroy(None, self.instance, [])

    def test_destroy_stopped_guest(self):
        self.driver.power_off(self.instance)
        self.driver.destroy(None, self.instance, [])
        self.assertNoTrace(self.instance)
