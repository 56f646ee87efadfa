"""get_console_output: the tail of the guest's console.log."""
import os

import testtools

from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin,
                                          needs_libvirt,
                                          needs_qemu_img)

from nova_lite.virt.libvirt import console


@needs_libvirt
@needs_qemu_img
class ConsoleTestCase(LibvirtFixtureMixin, testtools.TestCase):

    def test_console_output_is_tail_of_log(self):
        instance = self._spawn()
        self.assertEqual('', self.driver.get_console_output(None, instance))
        log = os.path.join(self._inst_dir(instance), 'console.log')
        line = b'x' * 1023 + b'\n'
        with open(log, 'ab') as f:
            f.write(line * 150 + b'NOVA_LITE_GUEST_UP vm-1\n')
        output = self.driver.get_console_output(None, instance)
        self.assertEqual(console.CONSOLE_LOG_MAX_BYTES, len(output))
        self.assertTrue(output.endswith('NOVA_LITE_GUEST_UP vm-1\n'))

    def test_console_output_without_log_file(self):
        instance = self._spawn()
        os.unlink(os.path.join(self._inst_dir(instance), 'console.log'))
        self.assertEqual('', self.driver.get_console_output(None, instance))
