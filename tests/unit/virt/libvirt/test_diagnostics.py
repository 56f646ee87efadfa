"""Diagnostics of libvirt guests (``nova_lite.virt.libvirt.diagnostics``
and ``LibvirtDriver.get_diagnostics``/``get_instance_diagnostics``) on
libvirt's test hypervisor ``test:///default``, whose domains keep real
counters (libvirt API, domain XML parsing)."""
import datetime

import testtools
from oslo_utils import timeutils

from nova_lite import exception
from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin, libvirt,
                                          needs_libvirt, needs_qemu_img)

if libvirt is not None:
    from nova_lite.virt.libvirt import diagnostics


@needs_libvirt
class DevicesTestCase(testtools.TestCase):

    def test_disks_and_nics_of_the_xml(self):
        xml = """<domain type='qemu'><devices>
          <disk type='file' device='disk'><target dev='vda'/></disk>
          <disk type='file' device='cdrom'><target dev='hdc'/></disk>
          <interface type='bridge'><mac address='fa:16:3e:00:00:01'/>
            <target dev='vnet3'/></interface>
          <interface type='user'><mac address='fa:16:3e:00:00:02'/>
          </interface></devices></domain>"""
        self.assertEqual((['vda', 'hdc'],
                          [('fa:16:3e:00:00:01', 'vnet3'),
                           ('fa:16:3e:00:00:02', None)]),
                         diagnostics.devices(xml))


@needs_libvirt
class BuiltinDomainTestCase(testtools.TestCase):
    """The ``test`` domain libvirt's test driver starts with: 2 vCPUs,
    8 GiB maximum, 2 GiB current, disk ``vda``, NIC ``testnet0``."""

    def setUp(self):
        super().setUp()
        self.conn = libvirt.open('test:///default')
        self.addCleanup(self.conn.close)
        self.dom = self.conn.lookupByName('test')

    def assertBetween(self, low, value, high):
        """The test driver's counters grow with time: ``value``, read
        between ``low`` and ``high``, lies between them."""
        self.assertTrue(low <= value <= high, (low, value, high))

    def test_legacy_names_as_nova(self):
        before = self.dom.vcpus()[0], self.dom.interfaceStats('testnet0')
        found = diagnostics.legacy(self.dom)
        after = self.dom.vcpus()[0], self.dom.interfaceStats('testnet0')
        for n in (0, 1):
            self.assertBetween(before[0][n][2], found['cpu%d_time' % n],
                               after[0][n][2])
        self.assertEqual(8 * 1024 * 1024, found['memory'])
        self.assertEqual(self.dom.memoryStats()['rss'], found['memory-rss'])
        self.assertEqual(2 * 1024 * 1024, found['memory-actual'])
        for key in ('vda_read', 'vda_read_req', 'vda_write',
                    'vda_write_req', 'vda_errors', 'testnet0_rx',
                    'testnet0_rx_packets', 'testnet0_rx_errors',
                    'testnet0_rx_drop', 'testnet0_tx',
                    'testnet0_tx_packets', 'testnet0_tx_errors',
                    'testnet0_tx_drop'):
            self.assertIsInstance(found[key], int, key)
        self.assertBetween(before[1][4], found['testnet0_tx'], after[1][4])

    def test_standard(self):
        before = (self.dom.interfaceStats('testnet0'),
                  self.dom.blockStats('vda'))
        found = diagnostics.standard(self.dom, uptime=42)
        after = (self.dom.interfaceStats('testnet0'),
                 self.dom.blockStats('vda'))
        self.assertEqual(('running', 'libvirt', 'test', 'linux', 42, False),
                         (found['state'], found['driver'],
                          found['hypervisor'], found['hypervisor_os'],
                          found['uptime'], found['config_drive']))
        self.assertEqual((2, 1, 1), (found['num_cpus'], found['num_nics'],
                                     found['num_disks']))
        self.assertEqual({'maximum': 8192, 'used': 2048},
                         found['memory_details'])
        self.assertEqual(self.dom.memoryStats()['unused'],
                         found['memory_unused_kib'])
        nic = found['nic_details'][0]
        self.assertEqual('aa:bb:cc:dd:ee:ff', nic['mac_address'])
        self.assertBetween(before[0][0], nic['rx_octets'], after[0][0])
        self.assertBetween(before[0][4], nic['tx_octets'], after[0][4])
        disk = found['disk_details'][0]
        self.assertBetween(before[1][3], disk['write_bytes'], after[1][3])
        self.assertBetween(before[1][0], disk['read_requests'], after[1][0])

    def test_counters_libvirt_refuses_are_left_out(self):
        class NoStats:
            """The test domain, refusing block and interface stats."""

            def __init__(self, dom):
                self._dom = dom

            def __getattr__(self, name):
                return getattr(self._dom, name)

            def _refuse(self, *args):
                raise libvirt.libvirtError('not supported')

            blockStats = interfaceStats = vcpus = _refuse

        dom = NoStats(self.dom)
        legacy = diagnostics.legacy(dom)
        self.assertFalse([k for k in legacy
                          if k.startswith(('vda_', 'testnet0_', 'cpu'))])
        found = diagnostics.standard(dom)
        self.assertEqual([], found['cpu_details'])
        self.assertIsNone(found['disk_details'][0]['read_bytes'])
        self.assertEqual('aa:bb:cc:dd:ee:ff',
                         found['nic_details'][0]['mac_address'])
        self.assertIsNone(found['nic_details'][0]['rx_octets'])


@needs_libvirt
@needs_qemu_img
class DriverDiagnosticsTestCase(LibvirtFixtureMixin, testtools.TestCase):
    """A guest spawned by the driver: its vda and its NIC (by MAC: on
    the user-mode network it has no host device)."""

    def test_legacy(self):
        instance = self._spawn()
        found = self.driver.get_diagnostics(instance)
        self.assertEqual(128 * 1024, found['memory'])
        self.assertIn('cpu0_time', found)
        self.assertIn('vda_read', found)

    def test_standard_uptime_from_launched_at(self):
        instance = self._instance()
        instance.launched_at = timeutils.utcnow() - datetime.timedelta(
            seconds=100)
        self._spawn(instance)
        found = self.driver.get_instance_diagnostics(instance)
        self.assertGreaterEqual(found['uptime'], 100)
        self.assertLess(found['uptime'], 200)
        self.assertEqual(('running', 'libvirt', 'qemu', 1, 1),
                         (found['state'], found['driver'],
                          found['hypervisor'], found['num_cpus'],
                          found['num_disks']))
        self.assertEqual(128, found['memory_details']['maximum'])
        self.assertEqual('fa:16:3e:00:00:09',
                         found['nic_details'][0]['mac_address'])

    def test_without_launched_at_uptime_is_unknown(self):
        instance = self._spawn()
        self.assertIsNone(
            self.driver.get_instance_diagnostics(instance)['uptime'])

    def test_unknown_guest(self):
        self.assertRaises(exception.InstanceNotFound,
                          self.driver.get_diagnostics, self._instance())
        self.assertRaises(exception.InstanceNotFound,
                          self.driver.get_instance_diagnostics,
                          self._instance())
