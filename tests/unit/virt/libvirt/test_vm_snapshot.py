"""LibvirtDriver VM snapshots (libvirt internal snapshots) on
test:///default, which keeps snapshot metadata and reverts domain states
(see ``base``), and the exact calls on a mock domain: no DISK_ONLY flag
(on an inactive domain it makes an external snapshot), REVERT_RUNNING
for a memory snapshot, the config drive left out. The real QEMU
behaviour is checked by tests.functional.test_cloudstack_real_guest."""
from unittest import mock
import xml.etree.ElementTree as ET

import testtools

from nova_lite.compute import states
from nova_lite import exception
from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin, libvirt,
                                          needs_libvirt, needs_qemu_img)

try:
    from nova_lite.virt.libvirt import vm_snapshot
except ImportError:
    vm_snapshot = None

SNAP = '0c1f2e3d-4b5a-4968-8776-a5b4c3d2e1f0'


@needs_libvirt
class SnapshotXMLTest(testtools.TestCase):

    def test_memory_snapshot_xml(self):
        root = ET.fromstring(vm_snapshot.snapshot_xml(SNAP, True))
        self.assertEqual(SNAP, root.find('name').text)
        self.assertEqual('internal', root.find('memory').get('snapshot'))
        self.assertEqual({'vda': 'internal', 'sdb': 'no'},
                         {d.get('name'): d.get('snapshot')
                          for d in root.find('disks')})

    def test_disk_snapshot_xml(self):
        root = ET.fromstring(vm_snapshot.snapshot_xml(SNAP, False))
        self.assertEqual('no', root.find('memory').get('snapshot'))

    def _dom(self, active, with_drive=True):
        dom = mock.Mock()
        dom.isActive.return_value = active
        drive = "<disk><target dev='sdb'/></disk>" if with_drive else ''
        dom.XMLDesc.return_value = (
            "<domain><devices><disk><target dev='vda'/></disk>%s"
            "</devices></domain>" % drive)
        return dom

    def test_create_calls(self):
        dom = self._dom(active=False, with_drive=False)
        vm_snapshot.create(dom, SNAP, False)
        xml, flags = dom.snapshotCreateXML.call_args[0]
        self.assertEqual(0, flags)
        self.assertEqual(['vda'], [d.get('name') for d in ET.fromstring(
            xml).find('disks')])
        dom = self._dom(active=True)
        vm_snapshot.create(dom, SNAP, True)
        xml, flags = dom.snapshotCreateXML.call_args[0]
        self.assertEqual((0, ['vda', 'sdb']), (flags, [
            d.get('name') for d in ET.fromstring(xml).find('disks')]))

    def test_create_refuses_the_wrong_power_state(self):
        for active, memory in ((True, False), (False, True)):
            dom = self._dom(active)
            self.assertRaises(exception.InstanceInvalidState,
                              vm_snapshot.create, dom, SNAP, memory)
            dom.snapshotCreateXML.assert_not_called()

    def test_revert_calls(self):
        dom = self._dom(active=True)
        vm_snapshot.revert(dom, SNAP, True)
        dom.revertToSnapshot.assert_called_once_with(
            dom.snapshotLookupByName.return_value,
            libvirt.VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING)
        dom.destroy.assert_not_called()
        dom = self._dom(active=True)
        vm_snapshot.revert(dom, SNAP, False)
        dom.destroy.assert_called_once_with()
        dom.revertToSnapshot.assert_called_once_with(
            dom.snapshotLookupByName.return_value, 0)

    def test_missing_snapshot(self):
        dom = self._dom(active=True)
        err = libvirt.libvirtError('no snapshot')
        err.get_error_code = lambda: libvirt.VIR_ERR_NO_DOMAIN_SNAPSHOT
        dom.snapshotLookupByName.side_effect = err
        self.assertRaises(exception.VMSnapshotNotFound, vm_snapshot.revert,
                          dom, SNAP, True)
        vm_snapshot.delete(dom, SNAP)   # already gone: fine


@needs_libvirt
@needs_qemu_img
class DriverVMSnapshotTest(LibvirtFixtureMixin, testtools.TestCase):

    def _snapshots(self, instance):
        return self.driver._lookup(instance).snapshotListNames(0)

    def test_memory_and_disk_snapshots_revert_delete(self):
        instance = self._spawn()
        self.assertRaises(exception.InstanceInvalidState,
                          self.driver.vm_snapshot_create, instance, 'disk',
                          False)
        self.driver.vm_snapshot_create(instance, 'mem', True)
        self.driver.power_off(instance)
        self.driver.vm_snapshot_create(instance, 'disk', False)
        self.assertEqual({'mem', 'disk'}, set(self._snapshots(instance)))
        self.driver.vm_snapshot_revert(instance, 'mem', True)
        self.assertEqual(states.RUNNING,
                         self.driver.get_info(instance).state)
        self.driver.vm_snapshot_revert(instance, 'disk', False)
        self.assertEqual(states.SHUTDOWN,
                         self.driver.get_info(instance).state)
        self.assertRaises(exception.VMSnapshotNotFound,
                          self.driver.vm_snapshot_revert, instance, 'gone',
                          True)
        self.driver.vm_snapshot_delete(instance, 'mem')
        self.driver.vm_snapshot_delete(instance, 'mem')
        self.assertEqual(['disk'], self._snapshots(instance))

    def test_destroy_with_snapshots_leaves_no_trace(self):
        # libvirt refuses to undefine a domain with snapshots unless
        # asked to drop their metadata (guest.undefine).
        instance = self._spawn()
        self.driver.vm_snapshot_create(instance, 'mem', True)
        self.driver.destroy(None, instance, [])
        self.assertNoTrace(instance)
        self.driver.vm_snapshot_delete(instance, 'mem')   # no guest: fine
