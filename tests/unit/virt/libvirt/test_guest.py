"""Power operations and lookup of guests on test:///default (see
``base``)."""
from unittest import mock

import testtools

from nova_lite import exception
from nova_lite.compute import states
from nova_lite.objects import instance as instance_obj

from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin,
                                          libvirt, needs_libvirt,
                                          needs_qemu_img)


@needs_libvirt
@needs_qemu_img
class PowerTestCase(LibvirtFixtureMixin, testtools.TestCase):
    """reboot, power_off, power_on of a running guest."""

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()

    def _domain_id(self):
        return self.driver._lookup(self.instance).ID()

    def _state(self):
        return self.driver.get_info(self.instance).state

    def test_soft_reboot_restarts_guest(self):
        before = self._domain_id()
        self.driver.reboot(None, self.instance, [], 'SOFT')
        self.assertEqual(states.RUNNING, self._state())
        self.assertNotEqual(before, self._domain_id())

    def test_soft_reboot_falls_back_to_hard(self):
        self.flags.config(group='libvirt', soft_reboot_timeout=0)
        before = self._domain_id()
        # A guest that ignores the ACPI power button.
        with mock.patch.object(libvirt.virDomain, 'shutdown') as shutdown:
            self.driver.reboot(None, self.instance, [], 'SOFT')
        shutdown.assert_called_once_with()
        self.assertEqual(states.RUNNING, self._state())
        self.assertNotEqual(before, self._domain_id())

    def test_hard_reboot_restarts_guest(self):
        before = self._domain_id()
        self.driver.reboot(None, self.instance, [], 'HARD')
        self.assertEqual(states.RUNNING, self._state())
        self.assertNotEqual(before, self._domain_id())

    def test_power_off_and_on(self):
        self.driver.power_off(self.instance)
        self.assertEqual(states.SHUTDOWN, self._state())
        self.driver.power_off(self.instance)
        self.assertEqual(states.SHUTDOWN, self._state())
        self.driver.power_on(None, self.instance, [])
        self.assertEqual(states.RUNNING, self._state())
        self.driver.power_on(None, self.instance, [])
        self.assertEqual(states.RUNNING, self._state())

    def test_clean_power_off(self):
        self.driver.power_off(self.instance, timeout=5)
        self.assertEqual(states.SHUTDOWN, self._state())

    def test_operations_on_missing_guest_raise_not_found(self):
        missing = self._instance()
        for call in (lambda: self.driver.power_off(missing),
                     lambda: self.driver.power_on(None, missing, []),
                     lambda: self.driver.reboot(None, missing, [], 'HARD'),
                     lambda: self.driver.get_console_output(None, missing)):
            self.assertRaises(exception.InstanceNotFound, call)


@needs_libvirt
@needs_qemu_img
class ListTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def test_list_instances_only_ours(self):
        # test:///default always has a domain named "test".
        self.assertIn('test', self._domain_names())
        first, second = self._spawn(), self._spawn()
        self.driver.power_off(second)
        self.assertEqual(sorted([first.uuid, second.uuid]),
                         sorted(self.driver.list_instances()))

    def test_guest_named_by_template(self):
        self.flags.config(instance_name_template='guest-%(uuid)s')
        instance = self._spawn()
        self.assertEqual('guest-%s' % instance.uuid, instance.name)
        self.assertIn(instance.name, self._domain_names())
        self.assertEqual([instance.uuid], self.driver.list_instances())
        self.driver.power_off(instance)
        # As compute.power.handle_event asks: by uuid, without the name.
        bare = instance_obj.Instance(uuid=instance.uuid)
        self.assertEqual(states.SHUTDOWN, self.driver.get_info(bare).state)

    def test_guests_named_by_id_template_and_legacy_guests(self):
        """Guests named by a Nova-style template, and those created
        before the template (instance-<uuid>), are ours; a domain whose
        name is not its instance's is not."""
        self.flags.config(instance_name_template='inst-%08x')
        by_id = self._spawn(self._instance(instance_name='inst-0000002a'))
        legacy = self._instance()
        legacy.instance_name = None     # as a 1.0 object: instance-<uuid>
        self._spawn(legacy)
        self.assertEqual('instance-%s' % legacy.uuid, legacy.name)
        other = self._spawn(self._instance(instance_name='inst-zz'))
        self.assertEqual(sorted([by_id.uuid, legacy.uuid]),
                         sorted(self.driver.list_instances()))
        self.assertNotIn(other.uuid, self.driver.list_instances())

