"""NIC hot-plug of the libvirt driver (``virt.libvirt.hotplug``).

libvirt's test:///default driver has no attachDeviceFlags, so the
domain is a stand-in holding a live and a persistent definition and
applying the flags it is given as libvirt does; the build's domain XML
comes from a real spawn on test:///default."""
import xml.etree.ElementTree as ET

import fixtures
import testtools

from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin,
                                          libvirt, needs_libvirt,
                                          needs_qemu_img)

if libvirt is not None:
    from nova_lite.virt.libvirt import hotplug

PORT = '1b2c3d4e-5f60-4718-9a0b-c1d2e3f40516'
MAC = 'fa:16:3e:00:00:42'


def _vif(mac=MAC, port_id=PORT):
    return instance_obj.VIF(address='10.1.0.5', mac=mac,
                            network_label='blue', network_id=2,
                            cidr='10.1.0.0/28', bridge='brq-blue',
                            port_id=port_id)


class FakeDomain:
    """A domain's live and persistent definitions (XML texts); devices
    go in and out as libvirt's flags say. ``release_after`` looks at
    the live definition pass before a live unplug completes (the guest
    answering the request); None: never."""

    def __init__(self, xml, active=True, release_after=0):
        self.live = xml if active else None
        self.persistent = xml
        self.release_after = release_after
        self.calls = []
        self.fail = None
        self._pending = None

    def isActive(self):
        return self.live is not None

    def XMLDesc(self, flags):
        if flags & libvirt.VIR_DOMAIN_XML_INACTIVE or self.live is None:
            return self.persistent
        if self._pending is not None:
            if self._pending[1] == 0:
                self.live = _without(self.live, self._pending[0])
                self._pending = None
            elif self._pending[1] is not None:
                self._pending = (self._pending[0], self._pending[1] - 1)
        return self.live

    def attachDeviceFlags(self, xml, flags):
        self.calls.append(('attach', xml, flags))
        if self.fail is not None:
            raise self.fail
        if flags & libvirt.VIR_DOMAIN_AFFECT_LIVE:
            self.live = _with(self.live, xml)
        if flags & libvirt.VIR_DOMAIN_AFFECT_CONFIG:
            self.persistent = _with(self.persistent, xml)

    def detachDeviceFlags(self, xml, flags):
        self.calls.append(('detach', xml, flags))
        mac = ET.fromstring(xml).find('mac').get('address')
        if flags & libvirt.VIR_DOMAIN_AFFECT_CONFIG:
            self.persistent = _without(self.persistent, mac)
        if flags & libvirt.VIR_DOMAIN_AFFECT_LIVE:
            self._pending = (mac, self.release_after)


def _with(xml, device):
    root = ET.fromstring(xml)
    root.find('devices').append(ET.fromstring(device))
    return ET.tostring(root, encoding='unicode')


def _without(xml, mac):
    root = ET.fromstring(xml)
    devices = root.find('devices')
    for iface in devices.findall('interface'):
        if iface.find('mac').get('address') == mac:
            devices.remove(iface)
    return ET.tostring(root, encoding='unicode')


@needs_libvirt
@needs_qemu_img
class HotplugTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MockPatch(
            'nova_lite.virt.libvirt.vif.bridge_check',
            return_value=lambda name: True))
        self.useFixture(fixtures.MockPatchObject(hotplug, 'POLL_INTERVAL',
                                                 0.01))
        self.instance = self._spawn()
        built = self.driver._lookup(self.instance).XMLDesc(0)
        self.dom = FakeDomain(built)
        self.useFixture(fixtures.MockPatchObject(
            self.driver, '_lookup', return_value=self.dom))

    def _interfaces(self, xml):
        return [i.find('mac').get('address')
                for i in ET.fromstring(xml).iter('interface')]

    def test_attach_to_a_running_guest_is_live_and_persistent(self):
        before = self._interfaces(self.dom.persistent)
        self.driver.attach_interface(None, self.instance, _vif())
        ((_, xml, flags),) = self.dom.calls
        self.assertEqual(libvirt.VIR_DOMAIN_AFFECT_LIVE
                         | libvirt.VIR_DOMAIN_AFFECT_CONFIG, flags)
        # The build's element: bridge, the port's tap, virtio.
        self.assertEqual(
            '<interface type="bridge"><mac address="%s" />'
            '<source bridge="brq-blue" /><target dev="tap1b2c3d4e-5f" />'
            '<model type="virtio" /></interface>' % MAC, xml)
        self.assertEqual(before + [MAC], self._interfaces(self.dom.live))
        self.assertEqual(before + [MAC],
                         self._interfaces(self.dom.persistent))
        # Again: the guest has it, nothing is sent.
        self.driver.attach_interface(None, self.instance, _vif())
        self.assertEqual(1, len(self.dom.calls))

    def test_attach_to_a_stopped_guest_is_persistent_only(self):
        self.dom.live = None
        self.driver.attach_interface(None, self.instance, _vif())
        self.assertEqual(libvirt.VIR_DOMAIN_AFFECT_CONFIG,
                         self.dom.calls[0][2])
        self.assertIn(MAC, self._interfaces(self.dom.persistent))

    def test_attach_refused(self):
        self.dom.fail = libvirt.libvirtError('no free PCI slot')
        self.assertRaises(exception.InterfaceAttachFailed,
                          self.driver.attach_interface, None,
                          self.instance, _vif())

    def test_detach_waits_for_the_guest(self):
        self.driver.attach_interface(None, self.instance, _vif())
        self.dom.release_after = 3
        self.driver.detach_interface(None, self.instance, _vif())
        (_, xml, flags) = self.dom.calls[-1]
        self.assertEqual(libvirt.VIR_DOMAIN_AFFECT_LIVE
                         | libvirt.VIR_DOMAIN_AFFECT_CONFIG, flags)
        self.assertIn(MAC, xml)
        self.assertNotIn(MAC, self._interfaces(self.dom.live))
        self.assertNotIn(MAC, self._interfaces(self.dom.persistent))
        # Gone everywhere: a repeat sends nothing.
        calls = len(self.dom.calls)
        self.driver.detach_interface(None, self.instance, _vif())
        self.assertEqual(calls, len(self.dom.calls))

    def test_detach_from_a_stopped_guest(self):
        self.driver.attach_interface(None, self.instance, _vif())
        self.dom.live = None
        self.driver.detach_interface(None, self.instance, _vif())
        self.assertEqual(libvirt.VIR_DOMAIN_AFFECT_CONFIG,
                         self.dom.calls[-1][2])
        self.assertNotIn(MAC, self._interfaces(self.dom.persistent))

    def test_guest_keeping_the_nic_fails_the_detach(self):
        self.flags.config(group='libvirt', device_detach_timeout=0)
        self.driver.attach_interface(None, self.instance, _vif())
        self.dom.release_after = None
        self.assertRaises(exception.InterfaceDetachFailed,
                          self.driver.detach_interface, None,
                          self.instance, _vif())
        self.assertIn(MAC, self._interfaces(self.dom.live))
