"""Pause, unpause, suspend (managed save) and resume of a guest on
test:///default (see ``base``), and power_off dropping a managed save
image so the next start boots."""
import testtools

from nova_lite.compute import states
from nova_lite import exception

from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin,
                                          libvirt, needs_libvirt,
                                          needs_qemu_img)


@needs_libvirt
@needs_qemu_img
class PauseSuspendTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.instance = self._spawn()

    def _dom(self):
        return self.driver._lookup(self.instance)

    def _state(self):
        return self.driver.get_info(self.instance).state

    def test_pause_and_unpause_keep_the_domain_running(self):
        dom_id = self._dom().ID()
        self.driver.pause(self.instance)
        self.assertEqual(states.PAUSED, self._state())
        self.assertEqual(libvirt.VIR_DOMAIN_PAUSED, self._dom().state()[0])
        self.driver.pause(self.instance)            # repeat-safe
        self.driver.unpause(self.instance)
        self.assertEqual(states.RUNNING, self._state())
        self.driver.unpause(self.instance)          # repeat-safe
        self.assertEqual(dom_id, self._dom().ID())  # never restarted

    def test_suspend_is_a_managed_save_and_resume_restores_it(self):
        self.driver.suspend(None, self.instance)
        dom = self._dom()
        # Nova: a suspended guest's power state is shutdown.
        self.assertEqual(states.SHUTDOWN, self._state())
        self.assertEqual((libvirt.VIR_DOMAIN_SHUTOFF,
                          libvirt.VIR_DOMAIN_SHUTOFF_SAVED),
                         tuple(dom.state()))
        self.assertEqual(1, dom.hasManagedSaveImage(0))
        self.driver.suspend(None, self.instance)    # repeat-safe
        self.driver.resume(None, self.instance, [])
        self.assertEqual(states.RUNNING, self._state())
        self.assertEqual(0, self._dom().hasManagedSaveImage(0))
        self.driver.resume(None, self.instance, [])  # repeat-safe
        self.assertEqual(states.RUNNING, self._state())

    def test_suspend_of_a_paused_guest_and_resume(self):
        self.driver.pause(self.instance)
        self.driver.suspend(None, self.instance)
        self.assertEqual(1, self._dom().hasManagedSaveImage(0))
        self.driver.resume(None, self.instance, [])
        self.assertTrue(self._dom().isActive())

    def test_power_off_drops_the_saved_memory(self):
        self.driver.suspend(None, self.instance)
        self.driver.power_off(self.instance)
        self.assertEqual(0, self._dom().hasManagedSaveImage(0))
        self.driver.power_on(None, self.instance, [])
        self.assertEqual((libvirt.VIR_DOMAIN_RUNNING,
                          libvirt.VIR_DOMAIN_RUNNING_BOOTED),
                         tuple(self._dom().state()))

    def test_missing_guest(self):
        self.driver.destroy(None, self.instance, [])
        for call in (lambda: self.driver.pause(self.instance),
                     lambda: self.driver.suspend(None, self.instance),
                     lambda: self.driver.resume(None, self.instance, [])):
            self.assertRaises(exception.InstanceNotFound, call)
