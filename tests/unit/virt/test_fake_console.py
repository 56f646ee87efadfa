"""FakeDriver's consoles: a real Unix socket per guest and console kind
(RFB stand-in, serial echo), refused when the guest is not running or
the console is turned off, gone with the guest."""
import os
import socket

from oslo_config import fixture as config_fixture
import testtools

import nova_lite.conf
from nova_lite.compute import states
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake


class FakeConsoleTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.flags = self.useFixture(
            config_fixture.Config(nova_lite.conf.CONF))
        self.driver = fake.FakeDriver('node1')
        self.instance = instance_obj.Instance(
            uuid='6f1e0b1c-2d3e-4f50-8a6b-7c8d9e0f1a2b', hostname='vm',
            vcpus=1, memory_mb=64, root_gb=1, image_ref='img')
        self.driver.spawn(None, self.instance, None, [])
        self.addCleanup(self.driver.destroy, None, self.instance, [])

    def talk(self, path, send=None):
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(path)
            first = sock.recv(100)
            if send is not None:
                sock.sendall(send)
                return first, sock.recv(100)
            return first, None

    def test_vnc_and_serial_sockets(self):
        vnc = self.driver.get_vnc_console(None, self.instance)
        self.assertEqual((None, None), (vnc.host, vnc.port))
        self.assertEqual((b'RFB 003.008\n', None), self.talk(vnc.path))
        # The same socket for the next request.
        self.assertEqual(vnc, self.driver.get_vnc_console(None,
                                                          self.instance))
        serial = self.driver.get_serial_console(None, self.instance).path
        banner, echo = self.talk(serial, b'ls\r')
        self.assertIn(b'NOVA_LITE_GUEST_UP vm', banner)
        self.assertEqual(b'ls\r', echo)
        self.driver.destroy(None, self.instance, [])
        self.assertFalse(os.path.exists(vnc.path))
        self.assertFalse(os.path.exists(serial))

    def test_refusals(self):
        self.flags.config(group='vnc', enabled=False)
        self.assertRaises(exception.ConsoleTypeUnavailable,
                          self.driver.get_vnc_console, None, self.instance)
        self.flags.config(group='serial_console', enabled=False)
        self.assertRaises(exception.ConsoleTypeUnavailable,
                          self.driver.get_serial_console, None,
                          self.instance)
        self.flags.config(group='vnc', enabled=True)
        self.driver._guests[self.instance.uuid]['state'] = states.SHUTDOWN
        self.assertRaises(exception.ConsoleNotAvailable,
                          self.driver.get_vnc_console, None, self.instance)
        other = instance_obj.Instance(uuid='0' * 8 + '-0000-4000-8000-' +
                                      '0' * 12)
        self.assertRaises(exception.InstanceNotFound,
                          self.driver.get_vnc_console, None, other)
