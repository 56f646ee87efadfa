"""The guest network's DHCP hosts file (nova_lite.network.dhcp) and the
compute keeping it current: build adds the NIC's line, a failed build and
a delete remove it, start-up rewrites it from the host's instances;
dnsmasq is sent SIGHUP after each change."""
import os
import subprocess
import sys
import time

import fixtures
from oslo_config import fixture as config_fixture
import testtools

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import states
from nova_lite import conf as nl_conf
from nova_lite.db import instances as instance_db
from nova_lite.network import dhcp
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake
from tests.unit.api import fakes
from tests.unit.compute import local_conductor

HOST = 'node1'
MAC1 = 'fa:16:3e:00:00:05'
MAC2 = 'fa:16:3e:00:00:06'


def vif(mac, address):
    return {'mac': mac, 'address': address}


class HostnameTest(testtools.TestCase):

    def test_dhcp_hostname(self):
        self.assertEqual('web-1', dhcp.dhcp_hostname('Web_1'))
        self.assertEqual('guest', dhcp.dhcp_hostname('guest.example.org'))
        self.assertEqual('a-b', dhcp.dhcp_hostname('--a b--'))
        self.assertEqual('', dhcp.dhcp_hostname(None))
        self.assertEqual('', dhcp.dhcp_hostname('***'))
        self.assertEqual('x' * 63, dhcp.dhcp_hostname('x' * 80))


class HostsFileTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'hosts')
        self.hups = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.network.dhcp.HostsFile.reload',
            lambda hosts: self.hups.append(hosts.path) or True))
        self.hosts = dhcp.HostsFile(self.path, os.path.join(self.dir, 'pid'))

    def read(self):
        with open(self.path) as f:
            return f.read()

    def test_add_writes_lines_sorted_by_address_and_reloads(self):
        self.assertTrue(self.hosts.add([vif(MAC2, '10.254.0.10')], 'b'))
        self.assertTrue(self.hosts.add([vif(MAC1.upper(), '10.254.0.9')],
                                       'A.example'))
        self.assertEqual('%s,10.254.0.9,a\n%s,10.254.0.10,b\n' % (MAC1, MAC2),
                         self.read())
        self.assertEqual([self.path, self.path], self.hups)
        self.assertEqual(0o644, os.stat(self.path).st_mode & 0o777)
        # No temporary files are left behind.
        self.assertEqual(['hosts'], os.listdir(self.dir))

    def test_same_entry_again_changes_nothing(self):
        self.hosts.add([vif(MAC1, '10.254.0.5')], 'a')
        self.assertFalse(self.hosts.add([vif(MAC1, '10.254.0.5')], 'a'))
        self.assertEqual(1, len(self.hups))

    def test_a_reused_address_replaces_the_stale_line(self):
        self.hosts.add([vif(MAC1, '10.254.0.5')], 'old')
        self.hosts.add([vif(MAC2, '10.254.0.5')], 'new')
        self.assertEqual({MAC2: ('10.254.0.5', 'new')},
                         self.hosts.entries())

    def test_one_line_per_mac_the_first_address(self):
        # A port with two fixed IPs (addFixedIp): two VIFs, one MAC; DHCP
        # answers the MAC with its first address.
        self.hosts.add([vif(MAC1, '10.254.0.5'), vif(MAC1, '10.254.0.8'),
                        vif(MAC2, '10.254.0.6')], 'a')
        self.assertEqual({MAC1: ('10.254.0.5', 'a'),
                          MAC2: ('10.254.0.6', 'a')}, self.hosts.entries())
        self.hosts.replace_all([('b', [vif(MAC1, '10.254.0.8'),
                                       vif(MAC1, '10.254.0.5')])])
        self.assertEqual({MAC1: ('10.254.0.8', 'b')}, self.hosts.entries())

    def test_a_line_without_hostname(self):
        self.hosts.add([vif(MAC1, '10.254.0.5')], None)
        self.assertEqual('%s,10.254.0.5\n' % MAC1, self.read())
        self.assertEqual({MAC1: ('10.254.0.5', '')}, self.hosts.entries())

    def test_remove_by_mac_or_address(self):
        self.hosts.add([vif(MAC1, '10.254.0.5')], 'a')
        self.hosts.add([vif(MAC2, '10.254.0.6')], 'b')
        self.assertTrue(self.hosts.remove([vif(MAC1, '10.254.0.99')]))
        self.assertTrue(self.hosts.remove([vif('fa:16:3e:ff:ff:ff',
                                               '10.254.0.6')]))
        self.assertEqual('', self.read())
        self.assertFalse(self.hosts.remove([vif(MAC1, '10.254.0.5')]))

    def test_remove_releases_the_leases(self):
        released = []
        self.hosts.release = lambda mac, address: released.append(
            (mac, address))
        self.hosts.add([vif(MAC1, '10.254.0.5')], 'a')
        self.hosts.remove([vif(MAC1, '10.254.0.5')])
        self.assertEqual([(MAC1, '10.254.0.5')], released)
        # A failing release is logged, the removal stands.
        log = self.useFixture(fixtures.FakeLogger())
        self.hosts.release = lambda mac, address: 1 / 0
        self.hosts.add([vif(MAC2, '10.254.0.6')], 'b')
        self.assertTrue(self.hosts.remove([vif(MAC2, '10.254.0.6')]))
        self.assertIn('not released', log.output)
        self.assertEqual({}, self.hosts.entries())

    def test_malformed_entries_are_refused_and_nothing_is_written(self):
        for bad in (vif('fa:16:3e:00:00', '10.0.0.1'),
                    vif(MAC1, '10.0.0.300'), vif(MAC1, 'fe80::1'),
                    vif('fa:16:3e:00:00:05,10.0.0.9', '10.0.0.1')):
            self.assertRaises(ValueError, self.hosts.add, [bad], 'x')
        self.assertFalse(os.path.exists(self.path))

    def test_parse_ignores_other_lines(self):
        text = ('# comment\n\n%s,10.0.0.5,a\nid:01:02,10.0.0.6\n'
                'garbage\n%s,10.0.0.7\n' % (MAC1, MAC2))
        self.assertEqual({MAC1: ('10.0.0.5', 'a'), MAC2: ('10.0.0.7', '')},
                         dhcp.parse(text))

    def test_replace_all(self):
        self.hosts.add([vif(MAC1, '10.254.0.5')], 'gone')
        self.assertTrue(self.hosts.replace_all([
            ('b', [vif(MAC2, '10.254.0.6')]),
            ('bad', [vif('nope', '10.254.0.7')])]))
        self.assertEqual({MAC2: ('10.254.0.6', 'b')}, self.hosts.entries())
        self.assertFalse(self.hosts.replace_all([
            ('b', [vif(MAC2, '10.254.0.6')])]))

    def test_replace_all_creates_an_empty_file(self):
        self.assertTrue(self.hosts.replace_all([]))
        self.assertEqual('', self.read())

    def test_from_config(self):
        cfg = self.useFixture(config_fixture.Config(nl_conf.CONF))
        self.assertIsNone(dhcp.from_config())
        cfg.config(dhcp_hostsfile=self.path, dhcp_pidfile='/run/x.pid',
                   group='network')
        hosts = dhcp.from_config()
        self.assertEqual((self.path, '/run/x.pid'),
                         (hosts.path, hosts.pidfile))
        self.assertIsNone(hosts.release)

    def test_from_config_with_guest_netns_releases_in_it(self):
        cfg = self.useFixture(config_fixture.Config(nl_conf.CONF))
        cfg.config(dhcp_hostsfile=self.path, guest_netns='ns-g',
                   bridge='br-g', group='network')
        calls = []

        def run(argv, **kwargs):
            calls.append(argv)
            return subprocess.CompletedProcess(argv, 0, '', '')
        self.useFixture(fixtures.MockPatch(
            'nova_lite.network.dhcp.shutil.which',
            lambda name: '/usr/bin/' + name))
        self.useFixture(fixtures.MockPatch(
            'nova_lite.network.dhcp.subprocess.run', run))
        hosts = dhcp.from_config()
        hosts.release(MAC1, '10.254.0.5')
        self.assertEqual([['ip', 'netns', 'exec', 'ns-g', 'dhcp_release',
                           'br-g', '10.254.0.5', MAC1]], calls)

    def test_without_dhcp_release_no_releaser(self):
        log = self.useFixture(fixtures.FakeLogger())
        self.useFixture(fixtures.MockPatch(
            'nova_lite.network.dhcp.shutil.which', lambda name: None))
        self.assertIsNone(dhcp.lease_releaser('ns', 'br'))
        self.assertIn('dnsmasq-utils', log.output)


class ReloadTest(testtools.TestCase):
    """SIGHUP reaches the process named by the pid file."""

    def test_reload_signals_the_pidfile_process(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        marker = os.path.join(tmp, 'hup')
        child = subprocess.Popen([sys.executable, '-c', (
            'import signal, sys, time\n'
            'def hup(*a):\n'
            '    open(sys.argv[1], "a").write("HUP\\n")\n'
            'signal.signal(signal.SIGHUP, hup)\n'
            'print("ready", flush=True)\n'
            'time.sleep(30)\n'), marker], stdout=subprocess.PIPE, text=True)
        self.addCleanup(child.wait)
        self.addCleanup(child.kill)
        self.assertEqual('ready', child.stdout.readline().strip())
        pidfile = os.path.join(tmp, 'dnsmasq.pid')
        with open(pidfile, 'w') as f:
            f.write('%d\n' % child.pid)
        hosts = dhcp.HostsFile(os.path.join(tmp, 'hosts'), pidfile)
        self.assertEqual(child.pid, hosts.dnsmasq_pid())
        hosts.add([vif(MAC1, '10.254.0.5')], 'a')
        # The handler creates the file before it writes to it: wait for
        # the line, not for the file.
        deadline = time.monotonic() + 10
        while not _read(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual('HUP\n', _read(marker))
        self.assertIsNone(child.poll())

    def test_no_dnsmasq_is_a_warning(self):
        log = self.useFixture(fixtures.FakeLogger())
        tmp = self.useFixture(fixtures.TempDir()).path
        pidfile = os.path.join(tmp, 'dnsmasq.pid')
        hosts = dhcp.HostsFile(os.path.join(tmp, 'hosts'), pidfile)
        self.assertFalse(hosts.reload())
        with open(pidfile, 'w') as f:
            f.write('not a pid')
        self.assertIsNone(hosts.dnsmasq_pid())
        # A pid no process has (beyond pid_max).
        with open(pidfile, 'w') as f:
            f.write('%d' % (2 ** 22 + 1))
        self.assertIsNone(hosts.dnsmasq_pid())
        self.assertTrue(hosts.add([vif(MAC1, '10.254.0.5')], 'a'))
        self.assertIn('No dnsmasq runs', log.output)


class _Spec:
    image = instance_obj.ImageMeta(id='image-1')


class _FailingDriver(fake.FakeDriver):
    def spawn(self, *args, **kwargs):
        raise RuntimeError('no room')


class ComputeKeepsHostsFileTest(fakes.APITestCase):
    """Build, failed build, delete and start-up through the compute with
    the fake driver and a local conductor."""

    def setUp(self):
        super().setUp()
        tmp = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(tmp, 'hosts')
        self.api.conf.config(dhcp_hostsfile=self.path,
                             dhcp_pidfile=os.path.join(tmp, 'none.pid'),
                             group='network')

    def _manager(self, driver=None):
        manager = compute_manager.ComputeManager(
            HOST, driver=driver or fake.FakeDriver(HOST))
        manager.conductor = local_conductor.LocalConductor()
        manager.build_flow.conductor = manager.conductor
        self.addCleanup(manager._executor.shutdown, wait=False)
        return manager

    def _build(self, manager, name='web'):
        uuid = self.create_server(name=name)
        self.set_instance(uuid, host=HOST, node=HOST,
                          vm_state=states.BUILDING, task_state=None)
        instance = instance_obj.Instance.from_db(
            instance_db.instance_get(self.api.admin_context, uuid))
        manager.build_flow.run(self.api.admin_context, instance, _Spec(), [])
        return uuid

    def _nic(self, uuid):
        found = local_conductor.LocalConductor().instance_get(
            self.api.admin_context, uuid, with_network=True)
        nic = found['network_info'][0]
        return nic['mac'], nic['address']

    def test_build_adds_and_delete_removes(self):
        manager = self._manager()
        self.assertIsNotNone(manager.dhcp)
        uuid = self._build(manager, name='Web Server')
        mac, address = self._nic(uuid)
        self.assertEqual({mac: (address, 'web-server')},
                         dhcp.HostsFile(self.path).entries())
        manager.terminate_instance(self.api.admin_context, uuid)
        self.assertEqual({}, dhcp.HostsFile(self.path).entries())

    def test_failed_build_removes_its_line(self):
        manager = self._manager(_FailingDriver(HOST))
        uuid = self._build(manager)
        self.assertEqual('error', instance_db.instance_get(
            self.api.admin_context, uuid).vm_state)
        self.assertEqual({}, dhcp.HostsFile(self.path).entries())
        self.assertTrue(os.path.exists(self.path))

    def test_start_up_rewrites_the_file(self):
        manager = self._manager()
        uuid = self._build(manager, name='keep')
        hosts = dhcp.HostsFile(self.path)
        # A stale line (an instance deleted while the compute was down).
        hosts.add([vif(MAC2, '10.254.15.200')], 'stale')
        manager._sync_dhcp(self.api.admin_context)
        mac, address = self._nic(uuid)
        self.assertEqual({mac: (address, 'keep')}, hosts.entries())

    def test_without_the_option_nothing_is_written(self):
        self.api.conf.config(dhcp_hostsfile=None, group='network')
        manager = self._manager()
        self.assertIsNone(manager.dhcp)
        self._build(manager)
        manager._sync_dhcp(self.api.admin_context)
        self.assertFalse(os.path.exists(self.path))


def _read(path):
    """The text of ``path``, '' while it does not exist."""
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ''
