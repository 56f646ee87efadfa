"""NIC ``<interface>`` elements of nova_lite.virt.libvirt.vif."""
import xml.etree.ElementTree as ET

import testtools

from nova_lite.objects import instance as instance_obj
from nova_lite.virt.libvirt import vif


def _vif():
    return instance_obj.VIF(address='10.254.0.9', mac='fa:16:3e:00:00:09',
                            network_label='private', network_id=1,
                            cidr='10.254.0.0/20')


class InterfaceTestCase(testtools.TestCase):

    def _xml(self, bridge, exists):
        devices = ET.Element('devices')
        iface = vif.interface_element(devices, _vif(), bridge,
                                      lambda name: exists)
        self.assertEqual([iface], list(devices))
        return ET.tostring(iface, encoding='unicode')

    def test_existing_bridge(self):
        self.assertEqual(
            '<interface type="bridge"><mac address="fa:16:3e:00:00:09" />'
            '<source bridge="br-x" /><model type="virtio" /></interface>',
            self._xml('br-x', True))

    def test_missing_bridge_gives_user_network(self):
        self.assertEqual(
            '<interface type="user"><mac address="fa:16:3e:00:00:09" />'
            '<model type="virtio" /></interface>',
            self._xml('br-x', False))

    def test_no_bridge_name_is_no_bridge(self):
        self.assertFalse(vif.host_bridge_exists(None))
        self.assertFalse(vif.host_bridge_exists(''))
