"""NIC ``<interface>`` elements of nova_lite.virt.libvirt.vif."""
import json
import subprocess
import xml.etree.ElementTree as ET

import fixtures
import testtools

from nova_lite.objects import instance as instance_obj
from nova_lite.virt.libvirt import vif


def _vif(port_id=None):
    return instance_obj.VIF(address='10.254.0.9', mac='fa:16:3e:00:00:09',
                            network_label='private', network_id=1,
                            cidr='10.254.0.0/20', port_id=port_id)


class InterfaceTestCase(testtools.TestCase):

    def _xml(self, bridge, exists, port_id=None):
        devices = ET.Element('devices')
        iface = vif.interface_element(devices, _vif(port_id), bridge,
                                      lambda name: exists)
        self.assertEqual([iface], list(devices))
        return ET.tostring(iface, encoding='unicode')

    def test_existing_bridge(self):
        self.assertEqual(
            '<interface type="bridge"><mac address="fa:16:3e:00:00:09" />'
            '<source bridge="br-x" /><model type="virtio" /></interface>',
            self._xml('br-x', True))

    def test_port_names_the_tap(self):
        """The security group chains are keyed on this name."""
        self.assertEqual(
            '<interface type="bridge"><mac address="fa:16:3e:00:00:09" />'
            '<source bridge="br-x" /><target dev="tap1b2c3d4e-5f" />'
            '<model type="virtio" /></interface>',
            self._xml('br-x', True,
                      '1b2c3d4e-5f60-4a1b-8c2d-000000000001'))
        # QEMU's user network has no tap to name.
        self.assertNotIn('target', self._xml(
            'br-x', False, '1b2c3d4e-5f60-4a1b-8c2d-000000000001'))

    def test_missing_bridge_gives_user_network(self):
        self.assertEqual(
            '<interface type="user"><mac address="fa:16:3e:00:00:09" />'
            '<model type="virtio" /></interface>',
            self._xml('br-x', False))

    def test_no_bridge_name_is_no_bridge(self):
        self.assertFalse(vif.host_bridge_exists(None))
        self.assertFalse(vif.host_bridge_exists(''))


class NetnsBridgeTestCase(testtools.TestCase):
    """The bridge check of ``[network] guest_netns``: ``ip -n NS``."""

    def _run(self, stdout='', exc=None):
        calls = []

        def run(argv, **kwargs):
            calls.append(argv)
            if exc is not None:
                raise exc
            return subprocess.CompletedProcess(argv, 0, stdout, '')
        self.useFixture(fixtures.MockPatch(
            'nova_lite.virt.libvirt.vif.subprocess.run', run))
        return calls

    def test_bridge_in_the_namespace(self):
        calls = self._run(json.dumps([{'ifname': 'br-a'},
                                      {'ifname': 'br-nova-lite'}]))
        check = vif.bridge_check('nova-lite-guest')
        self.assertTrue(check('br-nova-lite'))
        self.assertFalse(check('br-other'))
        self.assertFalse(check(None))
        self.assertEqual([['ip', '-n', 'nova-lite-guest', '-j', 'link',
                           'show', 'type', 'bridge']] * 2, calls)

    def test_no_bridges(self):
        self._run('')
        self.assertFalse(vif.netns_bridge_exists('ns', 'br'))

    def test_errors_count_as_absent(self):
        log = self.useFixture(fixtures.FakeLogger())
        self._run(exc=subprocess.CalledProcessError(
            1, ['ip'], stderr='Cannot open network namespace "ns"'))
        self.assertFalse(vif.netns_bridge_exists('ns', 'br'))
        self.assertIn('Cannot open network namespace', log.output)
        self._run('not json')
        self.assertFalse(vif.netns_bridge_exists('ns', 'br'))

    def test_without_netns_sysfs_of_this_namespace(self):
        self.assertIs(vif.host_bridge_exists, vif.bridge_check(None))
