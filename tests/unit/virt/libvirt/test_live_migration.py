"""LibvirtDriver live migration (``virt.libvirt.live_migration``).

The checks, ``pre_live_migration``, the destination's post step and the
rollback run on libvirt's test:///default with real disks; the
migration job itself (``migrateToURI3``, ``jobStats``, ``abortJob``,
``migrateStartPostCopy``, ``suspend``) runs against a mocked domain:
test:///default cannot migrate, and a real two-daemon migration needs
nodes with their own libvirtd (future work of the multi-node lab).
"""
import os
import threading
from unittest import mock

import testtools

import nova_lite.conf
from nova_lite import exception
from nova_lite.virt import live_migration as virt_live
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import live_migration as libvirt_live
from tests.unit.virt.libvirt import base

CONF = nova_lite.conf.CONF
libvirt = base.libvirt


class FakeJobDomain:
    """A domain whose migration job runs until finished or aborted."""

    def __init__(self, steps=3, fail=None):
        self.calls = []
        self.done = threading.Event()
        self.aborted = threading.Event()
        self.stats_calls = 0
        self.steps = steps
        self.fail = fail

    def UUIDString(self):
        return 'c0ffee00-0000-4000-8000-000000000001'

    def XMLDesc(self, flags=0):
        return ('<domain><devices><disk><source file="/src/%s/disk"/>'
                '</disk></devices></domain>' % self.UUIDString())

    def migrateToURI3(self, uri, params, flags):
        self.calls.append(('migrateToURI3', uri, params, flags))
        while not self.done.is_set():
            if self.aborted.wait(0.01):
                raise libvirt.libvirtError('operation aborted')
        if self.fail:
            raise libvirt.libvirtError(self.fail)

    def jobStats(self):
        self.stats_calls += 1
        processed = min(self.stats_calls, self.steps) * 100
        if self.stats_calls >= self.steps:
            self.done.set()
        return {'memory_total': 300, 'memory_processed': processed,
                'memory_remaining': 300 - processed, 'type': 2}

    def abortJob(self):
        self.calls.append(('abortJob',))
        self.aborted.set()

    def suspend(self):
        self.calls.append(('suspend',))
        self.done.set()

    def migrateStartPostCopy(self, flags=0):
        self.calls.append(('migrateStartPostCopy', flags))
        self.done.set()

    def resume(self):
        self.calls.append(('resume',))


class LiveMigrationJobTest(testtools.TestCase):
    """The source's job against a mocked domain."""

    def setUp(self):
        super().setUp()
        self.flags = self.useFixture(base.config_fixture.Config(CONF))
        self.flags.config(group='libvirt',
                          live_migration_monitor_interval=0.05,
                          instances_path='/src')
        self.driver = libvirt_driver.LibvirtDriver.__new__(
            libvirt_driver.LibvirtDriver)
        self.driver.host = 'host1'
        self.instance = mock.Mock(uuid=FakeJobDomain().UUIDString(),
                                  memory_mb=512, root_gb=1)
        self.reports = []
        self.job = virt_live.LiveMigrationJob(7, self.reports.append)

    def migrate(self, dom, **data):
        self.driver._lookup = lambda instance: dom
        self.driver._instance_dir = lambda instance: os.path.join(
            '/src', instance.uuid)
        data.setdefault('dest_address', '192.0.2.7')
        return self.driver.live_migration(None, self.instance, 'host2',
                                          data, self.job)

    def test_block_migration_flags_uri_bandwidth_and_progress(self):
        self.flags.config(group='libvirt', live_migration_bandwidth=64,
                          live_migration_scheme='ssh')
        dom = FakeJobDomain()
        result = self.migrate(dom, block_migration=True,
                              dest_inbound_addr='192.0.2.7',
                              dest_instance_dir='/dst/' + dom.UUIDString())
        (name, uri, params, flags), = dom.calls
        self.assertEqual('qemu+ssh://192.0.2.7/system', uri)
        # QEMU's stream (and the NBD disk copy) to the inbound address;
        # libvirt refuses its own qemu+ URI there.
        self.assertEqual('tcp://192.0.2.7',
                         params[libvirt.VIR_MIGRATE_PARAM_URI])
        self.assertEqual(
            libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER |
            libvirt.VIR_MIGRATE_PERSIST_DEST |
            libvirt.VIR_MIGRATE_UNDEFINE_SOURCE |
            libvirt.VIR_MIGRATE_NON_SHARED_INC, flags)
        self.assertEqual(64, params[libvirt.VIR_MIGRATE_PARAM_BANDWIDTH])
        self.assertIn('/dst/%s/disk' % dom.UUIDString(),
                      params[libvirt.VIR_MIGRATE_PARAM_DEST_XML])
        self.assertEqual({'suspended_for_copy': False}, result)
        self.assertEqual([100, 200, 300][:len(self.reports)],
                         [r['memory_processed'] for r in self.reports])
        self.assertEqual(0, self.reports[-1]['memory_remaining'])

    def test_shared_storage_no_block_flag_no_dest_xml(self):
        self.flags.config(group='libvirt',
                          live_migration_uri='qemu+tls://%s/system')
        dom = FakeJobDomain()
        self.migrate(dom, block_migration=False)
        (_n, uri, params, flags), = dom.calls
        self.assertEqual('qemu+tls://192.0.2.7/system', uri)
        self.assertFalse(flags & libvirt.VIR_MIGRATE_NON_SHARED_INC)
        self.assertNotIn(libvirt.VIR_MIGRATE_PARAM_DEST_XML, params)
        self.assertNotIn(libvirt.VIR_MIGRATE_PARAM_BANDWIDTH, params)
        # No inbound address: the destination's libvirtd picks it.
        self.assertNotIn(libvirt.VIR_MIGRATE_PARAM_URI, params)

    def test_block_migration_of_a_guest_with_a_volume_copies_local_disks(
            self):
        """doc/volumes.md, "Moves": the volume's network disk is not
        copied; without volumes no disk list is given (libvirt's
        default)."""
        dom = FakeJobDomain()
        dom.XMLDesc = lambda flags=0: (
            "<domain><devices>"
            "<disk type='file' device='disk'><source file='/src/d'/>"
            "<target dev='vda'/></disk>"
            "<disk type='file' device='cdrom'><readonly/>"
            "<target dev='hdd'/></disk>"
            "<disk type='network' device='disk'><source protocol='nbd' "
            "name='attachment-1'/><target dev='vdb'/></disk>"
            "</devices></domain>")
        self.migrate(dom, block_migration=True)
        (_n, _uri, params, _flags), = dom.calls
        self.assertEqual(['vda'],
                         params[libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS])
        plain = FakeJobDomain()
        self.migrate(plain, block_migration=True)
        (_n, _uri, params, _flags), = plain.calls
        self.assertNotIn(libvirt.VIR_MIGRATE_PARAM_MIGRATE_DISKS, params)

    def test_stream_uri(self):
        self.assertEqual('tcp://10.0.0.2',
                         libvirt_live.stream_uri('10.0.0.2'))
        self.assertEqual('tcp://[fd00::2]', libvirt_live.stream_uri('fd00::2'))
        self.assertEqual('tcp://node2', libvirt_live.stream_uri('node2'))

    def test_abort_calls_abort_job(self):
        dom = FakeJobDomain(steps=10 ** 6)
        self.job.abort_requested.set()
        self.assertRaises(exception.LiveMigrationAborted, self.migrate, dom,
                          block_migration=True)
        self.assertIn(('abortJob',), dom.calls)

    def test_force_complete_suspends_without_post_copy(self):
        dom = FakeJobDomain(steps=10 ** 6)
        self.job.force_requested.set()
        result = self.migrate(dom, block_migration=True)
        self.assertIn(('suspend',), dom.calls)
        self.assertEqual({'suspended_for_copy': True}, result)
        self.assertTrue(self.job.forced)

    def test_force_complete_post_copy(self):
        self.flags.config(group='libvirt',
                          live_migration_permit_post_copy=True)
        dom = FakeJobDomain(steps=10 ** 6)
        self.job.force_requested.set()
        self.migrate(dom, block_migration=True)
        self.assertIn(('migrateStartPostCopy', 0), dom.calls)
        self.assertTrue(dom.calls[0][3] & libvirt.VIR_MIGRATE_POSTCOPY)

    def test_progress_timeout_aborts(self):
        self.flags.config(group='libvirt',
                          live_migration_progress_timeout=1)
        dom = FakeJobDomain(steps=1)
        dom.done = threading.Event()     # never finishes by itself
        dom.jobStats = lambda: {'memory_total': 300,
                                'memory_processed': 100,
                                'memory_remaining': 200}
        self.assertRaises(exception.LiveMigrationAborted, self.migrate, dom,
                          block_migration=False, is_shared_instance_path=True)
        self.assertIn(('abortJob',), dom.calls)

    def test_completion_timeout_force_complete_action(self):
        self.flags.config(group='libvirt',
                          live_migration_completion_timeout=1,
                          live_migration_timeout_action='force_complete')
        dom = FakeJobDomain(steps=10 ** 6)
        self.instance.memory_mb = 1
        self.migrate(dom, block_migration=False)
        self.assertIn(('suspend',), dom.calls)

    def test_failure_resumes_a_suspended_guest(self):
        dom = FakeJobDomain(steps=10 ** 6, fail='connection reset')
        self.job.force_requested.set()
        exc = self.assertRaises(exception.LiveMigrationFailed, self.migrate,
                                dom, block_migration=True)
        self.assertIn('connection reset', str(exc))
        self.assertIn(('resume',), dom.calls)


@base.needs_libvirt
@base.needs_qemu_img
class LibvirtLiveMigrationHostTest(base.LibvirtFixtureMixin,
                                   testtools.TestCase):
    """Checks and both ends' steps on test:///default (one daemon: the
    destination driver is another compute on it)."""

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()
        self.dest = libvirt_driver.LibvirtDriver('host2')
        self.dest.image_api = self.store
        self.addCleanup(self.dest.cleanup_host, 'host2')

    def check(self, block='auto'):
        data = self.dest.check_can_live_migrate_destination(
            None, self.instance, block, 'host1')
        marker = os.path.join(CONF.libvirt.instances_path,
                              data['shared_marker'])
        self.assertTrue(os.path.exists(marker))
        return data, marker

    def test_shared_instances_path_is_detected(self):
        data, marker = self.check()
        data = self.driver.check_can_live_migrate_source(None, self.instance,
                                                         data)
        self.assertTrue(data['is_shared_instance_path'])
        self.assertEqual([], data['source_bridges'])    # user networking
        self.assertEqual('host2', data['dest_address'])
        self.assertIsNone(data['dest_inbound_addr'])
        self.dest.cleanup_live_migration_destination_check(None, data)
        self.assertFalse(os.path.exists(marker))

    def test_separate_instances_path_is_not_shared(self):
        data, marker = self.check()
        os.unlink(marker)                 # as seen from another host
        data = self.driver.check_can_live_migrate_source(None, self.instance,
                                                         data)
        self.assertFalse(data['is_shared_instance_path'])
        self.dest.cleanup_live_migration_destination_check(None, data)

    def test_source_must_run(self):
        self.driver.power_off(self.instance)
        data, _marker = self.check()
        self.assertRaises(exception.MigrationPreCheckError,
                          self.driver.check_can_live_migrate_source, None,
                          self.instance, data)

    def test_kvm_cpu_comparison(self):
        self.flags.config(group='libvirt', virt_type='kvm')
        conn = mock.Mock()
        conn.compareCPU.return_value = libvirt.VIR_CPU_COMPARE_INCOMPATIBLE
        self.dest._host.get_connection = lambda: conn
        self.assertRaises(exception.MigrationPreCheckError,
                          self.dest.check_live_migration_compatibility,
                          None, self.instance, {'source_cpu': '<cpu/>'})
        conn.compareCPU.return_value = libvirt.VIR_CPU_COMPARE_SUPERSET
        self.dest.check_live_migration_compatibility(
            None, self.instance, {'source_cpu': '<cpu/>'})
        conn.compareCPU.assert_called_with('<cpu/>', 0)

    def test_pre_live_migration_makes_the_overlay(self):
        instances2 = os.path.join(self.tmp, 'instances2')
        self.flags.config(group='libvirt', instances_path=instances2)
        self.dest.pre_live_migration(None, self.instance, [self._vif()],
                                     self.raw_image,
                                     {'block_migration': True})
        disk = os.path.join(instances2, self.instance.uuid, 'disk')
        info = base.qemu_img_info(disk)
        self.assertEqual('qcow2', info['format'])
        self.assertIn('raw-img', info['backing-filename'])
        # The rollback removes what it made, never the source's guest.
        self.dest.rollback_live_migration_at_destination(
            None, self.instance, [], {'block_migration': True})
        self.assertFalse(os.path.exists(disk))
        self.assertTrue(self.driver._lookup(self.instance).isActive())

    def test_pre_live_migration_needs_the_bridges(self):
        self.assertRaises(
            exception.LiveMigrationFailed, self.dest.pre_live_migration,
            None, self.instance, [self._vif()], self.raw_image,
            {'is_shared_instance_path': True,
             'source_bridges': ['br-nowhere-42']})

    def test_post_at_destination_resumes_and_owns(self):
        self.driver.pause(self.instance)
        state = self.dest.post_live_migration_at_destination(
            None, self.instance, [], {'suspended_for_copy': True})
        self.assertEqual(1, state)
        self.assertEqual('host2', libvirt_guest.owner(
            self.dest._lookup(self.instance)))


class HelpersTest(testtools.TestCase):

    def test_interface_bridges(self):
        xml = ('<domain><devices><interface type="bridge"><source '
               'bridge="br0"/></interface><interface type="user"/>'
               '</devices></domain>')
        self.assertEqual(['br0'], libvirt_live.interface_bridges(xml))

    def test_dest_xml(self):
        xml = '<domain><disk><source file="/a/u/disk"/></disk></domain>'
        self.assertIsNone(libvirt_live.dest_xml(xml, '/a/u', '/a/u'))
        self.assertIn('/b/u/disk', libvirt_live.dest_xml(xml, '/a/u',
                                                         '/b/u'))
