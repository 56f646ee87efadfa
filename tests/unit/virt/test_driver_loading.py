"""Loading a virt driver whose optional Python package is missing.

libvirt-python is the ``[libvirt]`` extra of nova_lite (it builds against
the host's libvirt), so an install without it must still run every other
service, and a compute configured for libvirt must stop at start with one
clear line saying what to install.
"""
import os
import subprocess
import sys
from unittest import mock

import fixtures
import testtools

import nova_lite.virt
from nova_lite import exception
from nova_lite.virt import driver as virt_driver

# ``None`` in sys.modules makes ``import libvirt`` raise
# ModuleNotFoundError(name='libvirt'), as on a host without the package.
WITHOUT_LIBVIRT = (
    "import sys; sys.modules['libvirt'] = None; "
    "sys.modules.pop('nova_lite.virt.libvirt.driver', None); "
    "from nova_lite.cmd.compute import main; "
    "sys.argv = ['nova-lite-compute'] + sys.argv[1:]; main()")


class TestLoadComputeDriver(testtools.TestCase):

    def test_missing_libvirt_names_the_package(self):
        # The driver's package is imported afresh (its submodules import
        # libvirt); sys.modules and nova_lite.virt.libvirt are restored
        # on exit.
        with mock.patch.dict(sys.modules, {'libvirt': None}), \
                mock.patch.object(nova_lite.virt, 'libvirt', None,
                                  create=True):
            for name in [m for m in sys.modules
                         if m.startswith('nova_lite.virt.libvirt')]:
                del sys.modules[name]
            exc = self.assertRaises(
                exception.VirtDriverDependencyMissing,
                virt_driver.load_compute_driver, 'libvirt', 'host1')
        message = str(exc)
        self.assertIn("module 'libvirt'", message)
        self.assertIn('libvirt-python', message)
        self.assertIn("nova_lite[libvirt]", message)
        self.assertIn('libvirt-dev pkg-config', message)

    def test_unknown_driver(self):
        self.assertRaises(exception.VirtDriverNotFound,
                          virt_driver.load_compute_driver,
                          'nova_lite.virt.nonexistent.Driver', 'host1')

    def test_fake_driver_loads_without_libvirt(self):
        with mock.patch.dict(sys.modules, {'libvirt': None}):
            drv = virt_driver.load_compute_driver('fake', 'host1')
        self.assertEqual('host1', drv.host)


class TestComputeStartWithoutLibvirt(testtools.TestCase):

    def _run(self, driver):
        conf = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'nova_lite.conf')
        with open(conf, 'w') as handle:
            handle.write('[DEFAULT]\ntransport_url = fake://\n'
                         'host = node1\n[virt]\ndriver = %s\n' % driver)
        env = dict(os.environ, PYTHONWARNINGS='ignore')
        return subprocess.run(
            [sys.executable, '-c', WITHOUT_LIBVIRT, '--config-file', conf],
            capture_output=True, text=True, timeout=120, env=env)

    def test_exits_non_zero_with_one_clear_line(self):
        result = self._run('libvirt')
        self.assertEqual(1, result.returncode, result.stderr)
        lines = [line for line in result.stderr.splitlines()
                 if line.startswith('ERROR:')]
        self.assertEqual(1, len(lines), result.stderr)
        self.assertIn('libvirt-python', lines[0])
        self.assertIn("pip install -c upper-constraints.txt "
                      "'nova_lite[libvirt]'", lines[0])
        self.assertNotIn('Traceback', result.stderr)
