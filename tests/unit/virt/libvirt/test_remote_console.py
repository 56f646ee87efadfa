"""The guest's VNC server and interactive serial port: domain XML
(``config``), where the proxy connects (``console``), and the driver's
get_vnc_console/get_serial_console on test:///default."""
import os
import xml.etree.ElementTree as ET

import fixtures
import testtools

from nova_lite import exception
from nova_lite.virt.libvirt import config
from nova_lite.virt.libvirt import console
from tests.unit.virt.libvirt.base import (LibvirtFixtureMixin,
                                          needs_libvirt,
                                          needs_qemu_img)
from tests.unit.virt.libvirt import test_config

INST_DIR = test_config.INST_DIR
SOCKETS = INST_DIR + '/console'


def _devices(consoles):
    domain = config.build_domain(
        test_config._instance(), test_config._image(), [],
        test_config._paths(), bridge_exists=test_config._no_bridge,
        kvm_check=lambda: False, consoles=consoles)
    return domain.find('devices')


class ConsoleXMLTest(testtools.TestCase):

    def test_vnc_on_a_unix_socket_and_serial_socket(self):
        consoles = console.guest_consoles(INST_DIR, True, '', True)
        self.assertEqual((SOCKETS + '/vnc.sock', SOCKETS + '/serial.sock'),
                         consoles)
        devices = _devices(consoles)
        graphics = devices.find('graphics')
        self.assertEqual('vnc', graphics.get('type'))
        self.assertEqual({'type': 'socket', 'socket': SOCKETS + '/vnc.sock'},
                         graphics.find('listen').attrib)
        self.assertEqual('vga', devices.find('video/model').get('type'))
        for tag in ('serial', 'console'):
            dev = devices.find(tag)
            self.assertEqual('unix', dev.get('type'))
            self.assertEqual({'mode': 'bind',
                              'path': SOCKETS + '/serial.sock'},
                             dev.find('source').attrib)
            # The output still lands in console.log (console output API).
            self.assertEqual({'file': INST_DIR + '/console.log',
                              'append': 'on'}, dev.find('log').attrib)
        xml = ET.tostring(devices, encoding='unicode')
        self.assertEqual(console.vnc_connect_info(
            '<domain>%s</domain>' % xml, '10.0.0.1').path,
            SOCKETS + '/vnc.sock')
        self.assertEqual(console.serial_connect_info(
            '<domain>%s</domain>' % xml).path, SOCKETS + '/serial.sock')

    def test_vnc_on_tcp(self):
        devices = _devices(console.guest_consoles(INST_DIR, True,
                                                  '192.0.2.5', False))
        graphics = devices.find('graphics')
        self.assertEqual(('-1', 'yes', '192.0.2.5'),
                         (graphics.get('port'), graphics.get('autoport'),
                          graphics.get('listen')))
        self.assertEqual('file', devices.find('serial').get('type'))
        # The live XML has the port libvirt chose.
        graphics.set('port', '5901')
        live = '<domain>%s</domain>' % ET.tostring(devices, encoding='unicode')
        info = console.vnc_connect_info(live, '192.0.2.5')
        self.assertEqual(('192.0.2.5', 5901, None), info)
        self.assertRaises(exception.ConsoleTypeUnavailable,
                          console.serial_connect_info, live)

    def test_disabled_consoles(self):
        consoles = console.guest_consoles(INST_DIR, False, '', False)
        self.assertEqual(config.NO_CONSOLES, consoles)
        devices = _devices(consoles)
        self.assertIsNone(devices.find('graphics'))
        self.assertIsNone(devices.find('video'))
        self.assertEqual('file', devices.find('console').get('type'))
        live = '<domain>%s</domain>' % ET.tostring(devices, encoding='unicode')
        self.assertRaises(exception.ConsoleTypeUnavailable,
                          console.vnc_connect_info, live, '127.0.0.1')

    def test_qemu_owner_from_capabilities(self):
        caps = ('<capabilities><host><secmodel><model>none</model>'
                '</secmodel><secmodel><model>dac</model><doi>0</doi>'
                "<baselabel type='kvm'>+64055:+113</baselabel></secmodel>"
                '</host></capabilities>')
        self.assertEqual((64055, 113), console.qemu_owner(caps))
        self.assertIsNone(console.qemu_owner(
            '<capabilities><host/></capabilities>'))

    def test_socket_dir(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        consoles = console.guest_consoles(tmp, True, '', True)
        console.prepare_socket_dir(consoles, None)
        self.assertEqual(0o750, os.stat(os.path.join(
            tmp, 'console')).st_mode & 0o777)
        console.prepare_socket_dir(config.NO_CONSOLES, None)

    def test_socket_paths_too_long_are_left_out(self):
        long_dir = '/' + 'x' * 120
        self.assertEqual(config.NO_CONSOLES,
                         console.guest_consoles(long_dir, True, '', True))


@needs_libvirt
@needs_qemu_img
class DriverConsoleTest(LibvirtFixtureMixin, testtools.TestCase):

    def test_sockets_in_the_instance_directory(self):
        instance = self._spawn()
        inst_dir = self._inst_dir(instance)
        self.assertEqual(
            (None, None, os.path.join(inst_dir, 'console', 'vnc.sock')),
            self.driver.get_vnc_console(None, instance))
        self.assertEqual(os.path.join(inst_dir, 'console', 'serial.sock'),
                         self.driver.get_serial_console(None, instance).path)

    def test_disabled_and_stopped(self):
        instance = self._spawn()
        self.flags.config(group='vnc', enabled=False)
        self.assertRaises(exception.ConsoleTypeUnavailable,
                          self.driver.get_vnc_console, None, instance)
        self.flags.config(group='vnc', enabled=True)
        self.driver.power_off(instance)
        self.assertRaises(exception.ConsoleNotAvailable,
                          self.driver.get_vnc_console, None, instance)

    def test_guest_defined_without_consoles(self):
        self.flags.config(group='vnc', enabled=False)
        self.flags.config(group='serial_console', enabled=False)
        instance = self._spawn()
        self.flags.config(group='vnc', enabled=True)
        self.flags.config(group='serial_console', enabled=True)
        self.assertRaises(exception.ConsoleTypeUnavailable,
                          self.driver.get_vnc_console, None, instance)
        self.assertRaises(exception.ConsoleTypeUnavailable,
                          self.driver.get_serial_console, None, instance)
