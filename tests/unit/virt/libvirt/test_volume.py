"""Volume hot-plug of the libvirt driver (``virt.libvirt.volume``): the
NBD network disk XML, the device choice and the attach/detach flags.

libvirt's test:///default driver has no attachDeviceFlags, so the
domain is a stand-in holding a live and a persistent definition and
applying the flags it is given as libvirt does."""
import xml.etree.ElementTree as ET

import fixtures
import testtools

from nova_lite import exception
from tests.unit.virt.libvirt.base import libvirt, needs_libvirt

if libvirt is not None:
    from nova_lite.virt.libvirt import volume

INFO = {'driver_volume_type': 'nbd',
        'data': {'host': '192.0.2.1', 'port': 10811,
                 'export_name': 'attachment-1234', 'format': 'raw',
                 'volume_id': '5e1e6a38-6f1f-4a4e-9d5c-3c0b84b5a1e2'}}
DOMAIN = """<domain type='qemu'><name>i</name><devices>
<disk type='file' device='disk'><source file='/x/disk'/>
<target dev='vda' bus='virtio'/></disk>
</devices></domain>"""


def _targets(xml):
    return sorted(t.get('dev') for t in ET.fromstring(xml).iter('target'))


def _with(xml, device):
    root = ET.fromstring(xml)
    root.find('devices').append(ET.fromstring(device))
    return ET.tostring(root, encoding='unicode')


def _without(xml, dev):
    root = ET.fromstring(xml)
    devices = root.find('devices')
    for disk in list(devices):
        target = disk.find('target')
        if target is not None and target.get('dev') == dev:
            devices.remove(disk)
    return ET.tostring(root, encoding='unicode')


class FakeDomain:
    """Live and persistent definitions; ``keep`` makes the guest never
    release a disk asked to go (a live unplug that never completes)."""

    def __init__(self, active=True, keep=False):
        self.live = DOMAIN if active else None
        self.persistent = DOMAIN
        self.keep = keep
        self.calls = []
        self.fail = None

    def isActive(self):
        return self.live is not None

    def XMLDesc(self, flags):
        if flags & libvirt.VIR_DOMAIN_XML_INACTIVE or self.live is None:
            return self.persistent
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
        dev = ET.fromstring(xml).find('target').get('dev')
        if flags & libvirt.VIR_DOMAIN_AFFECT_CONFIG:
            self.persistent = _without(self.persistent, dev)
        if flags & libvirt.VIR_DOMAIN_AFFECT_LIVE and not self.keep:
            self.live = _without(self.live, dev)


@needs_libvirt
class VolumeHotplugTest(testtools.TestCase):

    def test_disk_xml_is_an_nbd_network_disk(self):
        disk = ET.fromstring(volume.disk_xml(INFO, 'vdb'))
        self.assertEqual(('network', 'disk'), (disk.get('type'),
                                               disk.get('device')))
        source = disk.find('source')
        self.assertEqual(('nbd', 'attachment-1234'),
                         (source.get('protocol'), source.get('name')))
        host = source.find('host')
        self.assertEqual(('192.0.2.1', '10811'),
                         (host.get('name'), host.get('port')))
        self.assertEqual(('vdb', 'virtio'), (disk.find('target').get('dev'),
                                             disk.find('target').get('bus')))
        self.assertEqual('raw', disk.find('driver').get('type'))

    def test_other_transports_are_refused(self):
        self.assertRaises(exception.VolumeAttachFailed, volume.disk_xml,
                          {'driver_volume_type': 'iscsi', 'data': {}}, 'vdb')

    def test_attach_running_guest_live_and_config(self):
        dom = FakeDomain()
        self.assertEqual('/dev/vdb', volume.attach_volume(dom, 'u', INFO))
        self.assertEqual(libvirt.VIR_DOMAIN_AFFECT_LIVE
                         | libvirt.VIR_DOMAIN_AFFECT_CONFIG,
                         dom.calls[0][2])
        self.assertEqual(['vda', 'vdb'], _targets(dom.live))
        self.assertEqual('/dev/vdc', volume.attach_volume(dom, 'u', INFO))
        self.assertEqual(['vda', 'vdb', 'vdc'], _targets(dom.persistent))

    def test_attach_stopped_guest_config_only(self):
        dom = FakeDomain(active=False)
        self.assertEqual('/dev/vdd', volume.attach_volume(dom, 'u', INFO,
                                                          'vdd'))
        self.assertEqual(libvirt.VIR_DOMAIN_AFFECT_CONFIG, dom.calls[0][2])

    def test_taken_device_and_libvirt_refusal(self):
        dom = FakeDomain()
        self.assertRaises(exception.VolumeAttachFailed, volume.attach_volume,
                          dom, 'u', INFO, 'vda')
        dom.fail = libvirt.libvirtError('no')
        self.assertRaises(exception.VolumeAttachFailed, volume.attach_volume,
                          dom, 'u', INFO)

    def test_detach_waits_for_the_guest(self):
        dom = FakeDomain()
        volume.attach_volume(dom, 'u', INFO)
        volume.detach_volume(dom, 'u', 'vdb', timeout=1)
        self.assertEqual(['vda'], _targets(dom.live))
        self.assertEqual(['vda'], _targets(dom.persistent))
        # Nothing to detach any more: no libvirt call.
        calls = len(dom.calls)
        volume.detach_volume(dom, 'u', 'vdb', timeout=1)
        self.assertEqual(calls, len(dom.calls))

    def test_detach_times_out_when_the_guest_keeps_it(self):
        self.useFixture(fixtures.MockPatchObject(
            volume, 'POLL_INTERVAL', 0.01))
        dom = FakeDomain(keep=True)
        volume.attach_volume(dom, 'u', INFO)
        self.assertRaises(exception.VolumeDetachFailed, volume.detach_volume,
                          dom, 'u', 'vdb', 0.05)


@needs_libvirt
class DriverMixinTest(testtools.TestCase):

    def test_driver_plugs_into_its_domain(self):
        from nova_lite.virt.libvirt import driver as libvirt_driver
        dom = FakeDomain()
        drv = libvirt_driver.LibvirtDriver.__new__(
            libvirt_driver.LibvirtDriver)
        self.useFixture(fixtures.MockPatchObject(
            libvirt_driver.LibvirtDriver, '_lookup', lambda _s, _i: dom))
        instance = type('I', (), {'uuid': 'u'})()
        self.assertEqual('/dev/vde', drv.attach_volume(None, instance, INFO,
                                                       '/dev/vde'))
        drv.detach_volume(None, instance, '/dev/vde')
        self.assertEqual(['vda'], _targets(dom.live))

    def test_volume_devices_of_live_and_persistent_definitions(self):
        from nova_lite.virt.libvirt import driver as libvirt_driver
        dom = FakeDomain()
        drv = libvirt_driver.LibvirtDriver.__new__(
            libvirt_driver.LibvirtDriver)
        self.useFixture(fixtures.MockPatchObject(
            libvirt_driver.LibvirtDriver, '_lookup', lambda _s, _i: dom))
        instance = type('I', (), {'uuid': 'u'})()
        self.assertEqual({}, drv.volume_devices(instance))
        drv.attach_volume(None, instance, INFO, '/dev/vdc')
        self.assertEqual({'vdc': 'attachment-1234'},
                         drv.volume_devices(instance))
        # A disk the stopped guest has only in its definition counts.
        dom.persistent = _with(dom.persistent, volume.disk_xml(
            dict(INFO, data=dict(INFO['data'], export_name='attachment-9')),
            'vdd'))
        self.assertEqual({'vdc': 'attachment-1234', 'vdd': 'attachment-9'},
                         drv.volume_devices(instance))
        self.assertEqual({}, volume.nbd_disks(DOMAIN))
