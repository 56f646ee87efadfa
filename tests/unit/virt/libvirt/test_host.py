"""The connection, lifecycle events and host resources of the libvirt
driver on test:///default (see ``base``)."""
import os
import queue
import shutil

import testtools

from nova_lite import exception
from nova_lite.virt import driver as virt_driver

from tests.unit.virt.libvirt import base as lv_base
from tests.unit.virt.libvirt.base import (GiB, LibvirtFixtureMixin,
                                          libvirt, needs_libvirt,
                                          needs_qemu_img)

try:
    from nova_lite.virt.libvirt import host as libvirt_host
except ImportError:
    libvirt_host = None


@needs_libvirt
@needs_qemu_img
class HostTestCase(LibvirtFixtureMixin, testtools.TestCase):
    """Resources, uptime, events, connection."""

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
        conn = self._conn()
        self.assertEqual(conn.getInfo()[2], resources['vcpus'])
        self.assertEqual(libvirt_host.host_memory_mb(),
                         resources['memory_mb'])
        st = os.statvfs(self.tmp)
        self.assertEqual(st.f_blocks * st.f_frsize // GiB,
                         resources['local_gb'])
        self.assertEqual('TEST', resources['hypervisor_type'])
        self.assertIsInstance(resources['hypervisor_version'], int)
        self.assertEqual('node1', resources['hypervisor_hostname'])

    def test_host_memory_from_meminfo(self):
        meminfo = lv_base.write_file(os.path.join(self.tmp, 'meminfo'),
                              b'MemTotal:       24684084 kB\n'
                              b'MemFree:         1000000 kB\n')
        self.assertEqual(24105, libvirt_host.host_memory_mb(meminfo))

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
        transition = libvirt_host.lifecycle_transition
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
        self.assertIs(self._conn(),
                      self._conn())

    def test_reconnect_after_connection_closed(self):
        conn = self._conn()
        self.driver._host._on_close(conn, libvirt.VIR_CONNECT_CLOSE_REASON_EOF,
                              None)
        new_conn = self._conn()
        self.assertIsNot(conn, new_conn)
        self.assertTrue(new_conn.isAlive())

    def test_unreachable_hypervisor(self):
        self.flags.config(group='libvirt',
                          connection_uri='test:///nonexistent/node.xml')
        self.assertRaises(exception.HypervisorUnavailable,
                          self.driver.list_instances)
