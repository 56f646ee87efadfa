"""FakeDriver's host (an ``uptime`` line in procps' shape) and its
guests' diagnostics."""
import time
from unittest import mock

import testtools

from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake


class FakeHostUptimeTest(testtools.TestCase):

    def test_minutes_then_hours_then_days(self):
        driver = fake.FakeDriver('node1')
        start = driver._started
        for elapsed, since in ((125, 'up 2 min,'),
                               (3 * 3600 + 4 * 60, 'up  3:04,'),
                               (2 * 86400 + 5 * 60, 'up 2 days, 5 min,')):
            with mock.patch.object(time, 'monotonic',
                                   return_value=start + elapsed + 0.5):
                line = driver.get_host_uptime()
            self.assertIn(since, line)
            self.assertTrue(line.endswith(
                '0 users,  load average: 0.00, 0.00, 0.00'), line)


class FakeDiagnosticsTest(testtools.TestCase):
    """Diagnostics of a fake guest come from its own state: uptime from
    its last start, its flavor's vCPUs, disks and memory, its MACs, and
    zero I/O."""

    def setUp(self):
        super().setUp()
        self.clock = 1000.0
        patcher = mock.patch.object(time, 'monotonic',
                                    side_effect=lambda: self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.driver = fake.FakeDriver('node1')
        self.instance = instance_obj.Instance(
            uuid='9e1b1c4e-9a52-4f5e-8d0b-3c1b6f0d8a11', vcpus=2,
            memory_mb=256, root_gb=1, ephemeral_gb=1, hostname='vm')
        vif = instance_obj.VIF(address='10.0.0.5', mac='fa:16:3e:00:00:05',
                               network_label='private', network_id=1,
                               cidr='10.0.0.0/24')
        self.driver.spawn(None, self.instance, None, [vif])

    def test_standard(self):
        self.clock += 90
        found = self.driver.get_instance_diagnostics(self.instance)
        self.assertEqual(('running', 'fake', 90, 2, 1, 2),
                         (found['state'], found['driver'], found['uptime'],
                          found['num_cpus'], found['num_nics'],
                          found['num_disks']))
        self.assertEqual([0, 1], [c['id'] for c in found['cpu_details']])
        self.assertEqual('fa:16:3e:00:00:05',
                         found['nic_details'][0]['mac_address'])
        self.assertEqual(0, found['nic_details'][0]['tx_octets'])
        self.assertEqual(0, found['nic_details'][0]['tx_rate'])
        self.assertEqual({'maximum': 256, 'used': 256},
                         found['memory_details'])
        self.assertIsNone(found['memory_unused_kib'])

    def test_legacy(self):
        self.clock += 7
        found = self.driver.get_diagnostics(self.instance)
        self.assertEqual(7, found['uptime'])
        self.assertEqual(256 * 1024, found['memory'])
        for key in ('cpu0_time', 'cpu1_time', 'vda_read', 'vdb_write',
                    'nic0_rx', 'nic0_tx_packets'):
            self.assertEqual(0, found[key], key)
        self.assertNotIn('cpu2_time', found)

    def test_uptime_restarts_with_the_guest(self):
        self.clock += 50
        self.driver.reboot(None, self.instance, [], 'HARD')
        self.clock += 5
        self.assertEqual(5, self.driver.get_diagnostics(
            self.instance)['uptime'])
        self.driver.power_off(self.instance)
        found = self.driver.get_instance_diagnostics(self.instance)
        self.assertEqual(('shutdown', 0), (found['state'], found['uptime']))
        self.driver.power_on(None, self.instance, [])
        self.clock += 3
        self.assertEqual(3, self.driver.get_diagnostics(
            self.instance)['uptime'])

    def test_unknown_guest(self):
        other = instance_obj.Instance(
            uuid='9e1b1c4e-9a52-4f5e-8d0b-3c1b6f0d8a12', vcpus=1,
            memory_mb=64, root_gb=0)
        self.assertRaises(exception.InstanceNotFound,
                          self.driver.get_diagnostics, other)
        self.assertRaises(exception.InstanceNotFound,
                          self.driver.get_instance_diagnostics, other)
