"""LibvirtDriver against libvirt's built-in test hypervisor.

The domains live in ``test:///default`` (no daemon; real libvirt API and
domain XML parsing), the disks are made by the real qemu-img, and only the
image store behind ``nova_lite.image.api`` is replaced, by FakeImageStore.
"""
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from unittest import mock

import fixtures
import testtools
from oslo_config import fixture as config_fixture
from oslo_utils import uuidutils

import nova_lite.conf
from nova_lite import exception
from nova_lite.compute import states
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import driver as virt_driver

try:
    import libvirt

    from nova_lite.virt.libvirt import driver as libvirt_driver
    from nova_lite.virt.libvirt import imagebackend
except ImportError:
    libvirt = None

CONF = nova_lite.conf.CONF
GiB = 1024 ** 3
SKIP_REASON = ('libvirt-python is not installed: pip install -c '
               "upper-constraints.txt '.[libvirt]' (needs libvirt-dev and "
               'pkg-config)')
needs_libvirt = testtools.skipIf(libvirt is None, SKIP_REASON)
needs_qemu_img = testtools.skipIf(shutil.which('qemu-img') is None,
                                  'qemu-img is not installed')


class FakeImageStore:
    """Stands in for ``nova_lite.image.api.API``: the image store is
    another process. Image files are local files registered with add()."""

    def __init__(self):
        self.files = {}
        self.downloads = []
        self._lock = threading.Lock()

    def add(self, image_id, path):
        self.files[image_id] = path

    def download(self, context, image_id, dest_path):
        """Copy the image file to dest_path; ImageNotFound if it has none."""
        with self._lock:
            self.downloads.append(image_id)
        if image_id not in self.files:
            raise exception.ImageNotFound(image_id=image_id)
        shutil.copyfile(self.files[image_id], dest_path)


def _qemu_img_info(path):
    out = subprocess.check_output(['qemu-img', 'info', '--output=json',
                                   '--force-share', path])
    return json.loads(out)


# A compute process fetching image 'img' into a cache shared with others:
# argv = images_path, source file, download log; prints the size it sees.
_FETCH_IN_PROCESS = """
import shutil, sys, time
from nova_lite.virt.libvirt import imagebackend
images_path, src, log = sys.argv[1:]

class Store:
    def download(self, context, image_id, dest_path):
        with open(log, 'a') as f:
            f.write(image_id + '\\n')
        time.sleep(0.5)
        shutil.copyfile(src, dest_path)

import os
path = imagebackend.ImageCache(images_path, Store()).fetch(None, 'img')
print(os.path.getsize(path))
"""


def _write_file(path, data=b'\0' * 65536):
    with open(path, 'wb') as f:
        f.write(data)
    return path


class LibvirtFixtureMixin:
    """Config on temp dirs, a driver on test:///default, a fake store."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.flags = self.useFixture(config_fixture.Config(CONF))
        self.flags.config(state_path=self.tmp)
        self.flags.config(group='libvirt', connection_uri='test:///default',
                          instances_path=os.path.join(self.tmp, 'instances'),
                          images_path=os.path.join(self.tmp, '_base'),
                          soft_reboot_timeout=5)
        self.store = FakeImageStore()
        self.driver = libvirt_driver.LibvirtDriver('host1')
        self.driver.image_api = self.store
        self.addCleanup(self.driver.cleanup_host, 'host1')
        self.raw_image = self._add_image('raw-img', b'\0' * 1024 * 1024)

    def _add_image(self, image_id, data, disk_format='raw', **properties):
        path = _write_file(os.path.join(self.tmp, f'store-{image_id}'), data)
        self.store.add(image_id, path)
        return instance_obj.ImageMeta(id=image_id, disk_format=disk_format,
                                      properties=properties)

    def _instance(self, root_gb=1, hostname='vm-1'):
        return instance_obj.Instance(
            uuid=uuidutils.generate_uuid(), hostname=hostname, vcpus=1,
            memory_mb=128, root_gb=root_gb, image_ref='raw-img')

    def _vif(self):
        return instance_obj.VIF(address='10.254.0.9', mac='fa:16:3e:00:00:09',
                                network_label='private', network_id=1,
                                cidr='10.254.0.0/20')

    def _spawn(self, instance=None, image_meta=None):
        instance = instance or self._instance()
        self.driver.spawn(None, instance, image_meta or self.raw_image,
                          [self._vif()])
        self.addCleanup(self.driver.destroy, None, instance, [])
        return instance

    def _inst_dir(self, instance):
        return os.path.join(CONF.libvirt.instances_path, instance.uuid)

    def _domain_names(self):
        conn = libvirt.open('test:///default')
        try:
            return [dom.name() for dom in conn.listAllDomains()]
        finally:
            conn.close()

    def assertNoTrace(self, instance):
        """No domain, no instance directory left for ``instance``."""
        self.assertNotIn(instance.name, self._domain_names())
        self.assertFalse(os.path.exists(self._inst_dir(instance)))
        self.assertRaises(exception.InstanceNotFound,
                          self.driver.get_info, instance)


@needs_libvirt
@needs_qemu_img
class SpawnTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def test_spawn_runs_guest_on_overlay(self):
        instance = self._spawn()
        self.assertEqual(states.RUNNING,
                         self.driver.get_info(instance).state)
        disk = os.path.join(self._inst_dir(instance), 'disk')
        info = _qemu_img_info(disk)
        base = os.path.join(CONF.libvirt.images_path, 'raw-img')
        self.assertEqual('qcow2', info['format'])
        self.assertEqual(base, info['backing-filename'])
        self.assertEqual('raw', info['backing-filename-format'])
        self.assertEqual(1 * GiB, info['virtual-size'])
        self.assertTrue(os.path.exists(os.path.join(
            self._inst_dir(instance), 'console.log')))

    def test_domain_xml_names_guest_files(self):
        instance = self._spawn()
        conn = self.driver._get_connection()
        dom = conn.lookupByName(instance.name)
        self.assertEqual(instance.uuid, dom.UUIDString())
        xml = dom.XMLDesc()
        self.assertIn(os.path.join(self._inst_dir(instance), 'disk'), xml)
        self.assertIn('fa:16:3e:00:00:09', xml)
        self.assertEqual(128 * 1024, dom.maxMemory())

    def test_base_image_downloaded_once_per_host(self):
        self._spawn()
        self._spawn()
        self.assertEqual(['raw-img'], self.store.downloads)

    def test_qcow2_image_backs_overlay_as_qcow2(self):
        src = os.path.join(self.tmp, 'src.qcow2')
        subprocess.check_call(['qemu-img', 'create', '-q', '-f', 'qcow2',
                               src, '512M'])
        self.store.add('q-img', src)
        image = instance_obj.ImageMeta(id='q-img', disk_format='qcow2',
                                       properties={})
        instance = self._spawn(image_meta=image)
        info = _qemu_img_info(os.path.join(self._inst_dir(instance), 'disk'))
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
        info = _qemu_img_info(os.path.join(inst_dir, 'disk'))
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

    def test_spawn_replaces_leftovers_of_earlier_attempt(self):
        instance = self._spawn()
        stale = _write_file(os.path.join(self._inst_dir(instance), 'stale'))
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
        conn = self.driver._get_connection()
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
        _write_file(backing)
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
class PowerTestCase(LibvirtFixtureMixin, testtools.TestCase):
    """reboot, power_off, power_on, destroy of a running guest."""

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()

    def _domain_id(self):
        return self.driver._lookup(self.instance).ID()

    def _state(self):
        return self.driver.get_info(self.instance).state

    def test_soft_reboot_restarts_guest(self):
        before = self._domain_id()
        self.driver.reboot(None, self.instance, [], 'SOFT')
        self.assertEqual(states.RUNNING, self._state())
        self.assertNotEqual(before, self._domain_id())

    def test_soft_reboot_falls_back_to_hard(self):
        self.flags.config(group='libvirt', soft_reboot_timeout=0)
        before = self._domain_id()
        # A guest that ignores the ACPI power button.
        with mock.patch.object(libvirt.virDomain, 'shutdown') as shutdown:
            self.driver.reboot(None, self.instance, [], 'SOFT')
        shutdown.assert_called_once_with()
        self.assertEqual(states.RUNNING, self._state())
        self.assertNotEqual(before, self._domain_id())

    def test_hard_reboot_restarts_guest(self):
        before = self._domain_id()
        self.driver.reboot(None, self.instance, [], 'HARD')
        self.assertEqual(states.RUNNING, self._state())
        self.assertNotEqual(before, self._domain_id())

    def test_power_off_and_on(self):
        self.driver.power_off(self.instance)
        self.assertEqual(states.SHUTDOWN, self._state())
        self.driver.power_off(self.instance)
        self.assertEqual(states.SHUTDOWN, self._state())
        self.driver.power_on(None, self.instance, [])
        self.assertEqual(states.RUNNING, self._state())
        self.driver.power_on(None, self.instance, [])
        self.assertEqual(states.RUNNING, self._state())

    def test_clean_power_off(self):
        self.driver.power_off(self.instance, timeout=5)
        self.assertEqual(states.SHUTDOWN, self._state())

    def test_destroy_removes_everything_and_is_idempotent(self):
        self.driver.destroy(None, self.instance, [])
        self.assertNoTrace(self.instance)
        self.assertNotIn(self.instance.uuid, self.driver.list_instances())
        self.driver.destroy(None, self.instance, [])

    def test_destroy_stopped_guest(self):
        self.driver.power_off(self.instance)
        self.driver.destroy(None, self.instance, [])
        self.assertNoTrace(self.instance)

    def test_operations_on_missing_guest_raise_not_found(self):
        missing = self._instance()
        for call in (lambda: self.driver.power_off(missing),
                     lambda: self.driver.power_on(None, missing, []),
                     lambda: self.driver.reboot(None, missing, [], 'HARD'),
                     lambda: self.driver.get_console_output(None, missing)):
            self.assertRaises(exception.InstanceNotFound, call)


@needs_libvirt
@needs_qemu_img
class HostTestCase(LibvirtFixtureMixin, testtools.TestCase):
    """list_instances, console output, resources, events, connection."""

    def test_list_instances_only_ours(self):
        # test:///default always has a domain named "test".
        self.assertIn('test', self._domain_names())
        first, second = self._spawn(), self._spawn()
        self.driver.power_off(second)
        self.assertEqual(sorted([first.uuid, second.uuid]),
                         sorted(self.driver.list_instances()))

    def test_console_output_is_tail_of_log(self):
        instance = self._spawn()
        self.assertEqual('', self.driver.get_console_output(None, instance))
        log = os.path.join(self._inst_dir(instance), 'console.log')
        line = b'x' * 1023 + b'\n'
        with open(log, 'ab') as f:
            f.write(line * 150 + b'NOVA_LITE_GUEST_UP vm-1\n')
        output = self.driver.get_console_output(None, instance)
        self.assertEqual(libvirt_driver.CONSOLE_LOG_MAX_BYTES, len(output))
        self.assertTrue(output.endswith('NOVA_LITE_GUEST_UP vm-1\n'))

    def test_console_output_without_log_file(self):
        instance = self._spawn()
        os.unlink(os.path.join(self._inst_dir(instance), 'console.log'))
        self.assertEqual('', self.driver.get_console_output(None, instance))

    @testtools.skipIf(shutil.which('uptime') is None,
                      'procps uptime is not installed')
    def test_host_uptime_is_procps_line(self):
        line = self.driver.get_host_uptime()
        self.assertRegex(line, r'^ ?\d\d:\d\d:\d\d up .*load average: ')
        self.assertNotIn('\n', line)

    def test_available_resource(self):
        resources = self.driver.get_available_resource('node1')
        self.assertEqual({'vcpus', 'memory_mb', 'local_gb',
                          'hypervisor_type', 'hypervisor_version',
                          'hypervisor_hostname'}, set(resources))
        conn = self.driver._get_connection()
        self.assertEqual(conn.getInfo()[2], resources['vcpus'])
        self.assertEqual(libvirt_driver.host_memory_mb(),
                         resources['memory_mb'])
        st = os.statvfs(self.tmp)
        self.assertEqual(st.f_blocks * st.f_frsize // GiB,
                         resources['local_gb'])
        self.assertEqual('TEST', resources['hypervisor_type'])
        self.assertIsInstance(resources['hypervisor_version'], int)
        self.assertEqual('node1', resources['hypervisor_hostname'])

    def test_host_memory_from_meminfo(self):
        meminfo = _write_file(os.path.join(self.tmp, 'meminfo'),
                              b'MemTotal:       24684084 kB\n'
                              b'MemFree:         1000000 kB\n')
        self.assertEqual(24105, libvirt_driver.host_memory_mb(meminfo))

    def test_lifecycle_events_reach_listener(self):
        events = queue.Queue()
        self.driver.register_event_listener(events.put)
        self.driver.init_host('host1')
        instance = self._spawn()
        self.assertEqual(virt_driver.LifecycleEvent(
            instance.uuid, virt_driver.EVENT_STARTED), events.get(timeout=5))
        self.driver.power_off(instance)
        self.assertEqual(virt_driver.LifecycleEvent(
            instance.uuid, virt_driver.EVENT_STOPPED), events.get(timeout=5))

    def test_event_mapping(self):
        transition = libvirt_driver.lifecycle_transition
        self.assertEqual(virt_driver.EVENT_STARTED, transition(
            libvirt.VIR_DOMAIN_EVENT_STARTED,
            libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED))
        self.assertIsNone(transition(libvirt.VIR_DOMAIN_EVENT_RESUMED, 0))
        self.assertEqual(virt_driver.EVENT_CRASHED, transition(
            libvirt.VIR_DOMAIN_EVENT_STOPPED,
            libvirt.VIR_DOMAIN_EVENT_STOPPED_CRASHED))
        self.assertEqual(virt_driver.EVENT_STOPPED, transition(
            libvirt.VIR_DOMAIN_EVENT_STOPPED,
            libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED))
        self.assertIsNone(transition(libvirt.VIR_DOMAIN_EVENT_DEFINED, 0))

    def test_one_connection_shared(self):
        self.assertIs(self.driver._get_connection(),
                      self.driver._get_connection())

    def test_reconnect_after_connection_closed(self):
        conn = self.driver._get_connection()
        self.driver._on_close(conn, libvirt.VIR_CONNECT_CLOSE_REASON_EOF,
                              None)
        new_conn = self.driver._get_connection()
        self.assertIsNot(conn, new_conn)
        self.assertTrue(new_conn.isAlive())

    def test_unreachable_hypervisor(self):
        self.flags.config(group='libvirt',
                          connection_uri='test:///nonexistent/node.xml')
        self.assertRaises(exception.HypervisorUnavailable,
                          self.driver.list_instances)


@needs_libvirt
class ImageCacheTestCase(testtools.TestCase):
    """imagebackend.ImageCache: one download per image, atomic files."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.store = FakeImageStore()
        self.cache = imagebackend.ImageCache(
            os.path.join(self.tmp, '_base'), self.store)

    def test_concurrent_fetches_download_once(self):
        self.store.add('img', _write_file(os.path.join(self.tmp, 'src')))
        paths = []
        threads = [threading.Thread(
            target=lambda: paths.append(self.cache.fetch(None, 'img')))
            for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(['img'], self.store.downloads)
        self.assertEqual({self.cache.path('img')}, set(paths))

    def test_failed_download_leaves_nothing(self):
        def broken_download(context, image_id, dest_path):
            _write_file(dest_path, b'half')
            raise OSError('store went away')

        self.store.download = broken_download
        self.assertRaises(OSError, self.cache.fetch, None, 'img')
        self.assertEqual([imagebackend.ImageCache.LOCK_DIR],
                         os.listdir(self.cache.images_path))

    def test_processes_sharing_a_cache_download_once(self):
        """Two compute processes with one images_path: one download, and
        neither sees a partial file."""
        src = _write_file(os.path.join(self.tmp, 'src'), b'x' * 1048576)
        log = os.path.join(self.tmp, 'downloads.log')
        procs = [subprocess.Popen(
            [sys.executable, '-c', _FETCH_IN_PROCESS,
             self.cache.images_path, src, log],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)]
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            self.assertEqual(0, proc.returncode, err)
            self.assertEqual(str(os.path.getsize(src)), out.decode().strip())
        with open(log) as f:
            self.assertEqual(['img'], f.read().split())
        self.assertEqual(sorted(['img', imagebackend.ImageCache.LOCK_DIR]),
                         sorted(os.listdir(self.cache.images_path)))

    def test_remove(self):
        self.store.add('img', _write_file(os.path.join(self.tmp, 'src')))
        path = self.cache.fetch(None, 'img')
        self.cache.remove('img')
        self.assertFalse(os.path.exists(path))
        self.cache.remove('img')

    def test_id_must_be_a_file_name(self):
        for bad in ('', '../etc', '.hidden', 'a/b'):
            self.assertRaises(exception.ImageNotFound, self.cache.path, bad)
