"""Domain XML of nova_lite.virt.libvirt.config, pinned for known inputs."""
import os
import xml.etree.ElementTree as ET

import fixtures
import testtools

from nova_lite.objects import instance as instance_obj
from nova_lite.virt.libvirt import config

UUID = 'a3f1c2d4-0b5e-4c6f-8a7b-9c0d1e2f3a4b'
INST_DIR = '/var/lib/nova_lite/instances/' + UUID


def _canonical(xml):
    """C14N form of ``xml`` without whitespace-only text, for comparing
    parsed XML rather than its layout."""
    return ET.canonicalize(xml, strip_text=True)


def _instance(**overrides):
    values = {'uuid': UUID, 'hostname': 'web-1', 'vcpus': 2,
              'memory_mb': 512, 'root_gb': 1, 'image_ref': 'img-1'}
    values.update(overrides)
    return instance_obj.Instance(**values)


def _image(**properties):
    return instance_obj.ImageMeta(id='img-1', disk_format='qcow2',
                                  properties=properties)


def _vif(bridge=None, mac='fa:16:3e:11:22:33', address='10.254.0.5'):
    vif = instance_obj.VIF(address=address, mac=mac,
                           network_label='private', network_id=1,
                           cidr='10.254.0.0/20')
    if bridge:
        vif.bridge = bridge
    return vif


def _paths(root_disk=INST_DIR + '/disk', kernel=None, ramdisk=None):
    return config.GuestPaths(root_disk=root_disk, kernel=kernel,
                             ramdisk=ramdisk,
                             console_log=INST_DIR + '/console.log')


def _no_bridge(name):
    return False


def _no_kvm():
    return False


COMMON_TAIL = '''
  <features><acpi/><apic/></features>
  <clock offset="utc"/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
'''
CONSOLE = f'''
    <serial type="file">
      <source path="{INST_DIR}/console.log" append="on"/>
      <target port="0"/>
    </serial>
    <console type="file">
      <source path="{INST_DIR}/console.log" append="on"/>
      <target type="serial" port="0"/>
    </console>
'''
RNG = ('<rng model="virtio">'
       '<backend model="random">/dev/urandom</backend></rng>')


class DomainXMLTestCase(testtools.TestCase):
    """The whole <domain> for a flavor and an image, disk or kernel boot."""

    def test_disk_boot(self):
        xml = config.domain_xml(_instance(), _image(), [_vif()], _paths(),
                                bridge_exists=_no_bridge, kvm_check=_no_kvm)
        expected = f'''
<domain type="qemu">
  <name>instance-{UUID}</name>
  <uuid>{UUID}</uuid>
  <memory unit="KiB">524288</memory>
  <vcpu>2</vcpu>
  <os><type>hvm</type><boot dev="hd"/></os>
  {COMMON_TAIL}
  <devices>
    <disk type="file" device="disk">
      <driver name="qemu" type="qcow2"/>
      <source file="{INST_DIR}/disk"/>
      <target dev="vda" bus="virtio"/>
    </disk>
    <interface type="user">
      <mac address="fa:16:3e:11:22:33"/>
      <model type="virtio"/>
    </interface>
    {CONSOLE}
    {RNG}
  </devices>
</domain>'''
        self.assertEqual(_canonical(expected), _canonical(xml))

    def test_kernel_boot_without_root_disk(self):
        paths = _paths(root_disk=None, kernel=INST_DIR + '/kernel',
                       ramdisk=INST_DIR + '/ramdisk')
        image = _image(kernel_id='k-1', ramdisk_id='r-1')
        xml = config.domain_xml(_instance(vcpus=1, memory_mb=256), image,
                                [], paths, bridge_exists=_no_bridge,
                                kvm_check=_no_kvm)
        expected = f'''
<domain type="qemu">
  <name>instance-{UUID}</name>
  <uuid>{UUID}</uuid>
  <memory unit="KiB">262144</memory>
  <vcpu>1</vcpu>
  <os>
    <type>hvm</type>
    <kernel>{INST_DIR}/kernel</kernel>
    <initrd>{INST_DIR}/ramdisk</initrd>
    <cmdline>console=ttyS0 nova_lite_hostname=web-1</cmdline>
  </os>
  {COMMON_TAIL}
  <devices>{CONSOLE}{RNG}</devices>
</domain>'''
        self.assertEqual(_canonical(expected), _canonical(xml))


def _volume_disk(dev, export='attachment-a1', volume_id='vol-1'):
    from nova_lite.virt.libvirt import volume
    return volume.disk_element({'driver_volume_type': 'nbd', 'data': {
        'host': '192.0.2.10', 'port': 10809, 'export_name': export,
        'volume_id': volume_id}}, dev)


NBD_DISK = '''
    <disk type="network" device="disk">
      <driver name="qemu" type="raw" cache="none"/>
      <source protocol="nbd" name="attachment-{n}">
        <host name="192.0.2.10" port="10809"/>
      </source>
      <target dev="{dev}" bus="virtio"/>
      <serial>vol-{n}</serial>
      {boot}
    </disk>'''


class BootFromVolumeXMLTestCase(testtools.TestCase):
    """A guest booted from a volume (doc/volumes.md, "Boot from volume"):
    no local root disk; the volume's NBD export is ``vda``, first in the
    boot order (or the root of a kernel boot)."""

    def test_disk_boot_from_the_volume(self):
        xml = config.domain_xml(
            _instance(), _image(), [], _paths(root_disk=None),
            bridge_exists=_no_bridge, kvm_check=_no_kvm,
            volume_disks=[_volume_disk('vda', 'attachment-1', 'vol-1'),
                          _volume_disk('vdb', 'attachment-2', 'vol-2')],
            root_volume=True)
        root = NBD_DISK.format(n=1, dev='vda', boot='<boot order="1"/>')
        data = NBD_DISK.format(n=2, dev='vdb', boot='')
        expected = f'''
<domain type="qemu">
  <name>instance-{UUID}</name>
  <uuid>{UUID}</uuid>
  <memory unit="KiB">524288</memory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
  {COMMON_TAIL}
  <devices>
    {root}
    {data}
    {CONSOLE}
    {RNG}
  </devices>
</domain>'''
        self.assertEqual(_canonical(expected), _canonical(xml))

    def test_kernel_boot_mounts_the_volume_as_root(self):
        paths = _paths(root_disk=None, kernel=INST_DIR + '/kernel',
                       ramdisk=INST_DIR + '/ramdisk')
        xml = config.domain_xml(
            _instance(vcpus=1, memory_mb=256), _image(kernel_id='k-1'), [],
            paths, bridge_exists=_no_bridge, kvm_check=_no_kvm,
            volume_disks=[_volume_disk('vda', 'attachment-1', 'vol-1')],
            root_volume=True)
        domain = ET.fromstring(xml)
        self.assertEqual('root=/dev/vda console=ttyS0 '
                         'nova_lite_hostname=web-1',
                         domain.find('os/cmdline').text)
        self.assertIsNone(domain.find('os/boot'))
        self.assertEqual(
            _canonical(NBD_DISK.format(n=1, dev='vda', boot='')),
            _canonical(ET.tostring(domain.find('devices/disk'),
                                   encoding='unicode')))


class RngTestCase(testtools.TestCase):
    """The virtio RNG: on by default, off by flavor or image, rate
    limited by the flavor (Nova's hw_rng:* extra specs)."""

    def _rng(self, specs=None, rng_dev_path='/dev/urandom', **props):
        domain = config.build_domain(
            _instance(flavor_extra_specs=specs or {}), _image(**props), [],
            _paths(), bridge_exists=_no_bridge, kvm_check=_no_kvm,
            rng_dev_path=rng_dev_path)
        return domain.findall('devices/rng')

    def test_default_virtio_from_rng_dev_path(self):
        (rng,) = self._rng(rng_dev_path='/dev/hwrng')
        self.assertEqual('virtio', rng.get('model'))
        backend = rng.find('backend')
        self.assertEqual(('random', '/dev/hwrng'),
                         (backend.get('model'), backend.text))
        self.assertIsNone(rng.find('rate'))

    def test_flavor_disallows(self):
        self.assertEqual([], self._rng({'hw_rng:allowed': 'False'}))
        self.assertEqual(1, len(self._rng({'hw_rng:allowed': 'true'})))

    def test_image_model_other_than_virtio(self):
        self.assertEqual([], self._rng(hw_rng_model='none'))
        self.assertEqual(1, len(self._rng(hw_rng_model='virtio')))

    def test_rate_limit_needs_both_positive(self):
        (rng,) = self._rng({'hw_rng:rate_bytes': '1024',
                            'hw_rng:rate_period': '2000'})
        self.assertEqual({'bytes': '1024', 'period': '2000'},
                         rng.find('rate').attrib)
        for specs in ({'hw_rng:rate_bytes': '1024'},
                      {'hw_rng:rate_bytes': '0', 'hw_rng:rate_period': '5'},
                      {'hw_rng:rate_bytes': 'x', 'hw_rng:rate_period': '5'}):
            (rng,) = self._rng(specs)
            self.assertIsNone(rng.find('rate'), specs)

    def test_object_from_older_sender(self):
        instance = _instance()
        primitive = instance.obj_to_primitive(target_version='1.4')
        instance = instance_obj.Instance.obj_from_primitive(primitive)
        self.assertFalse(instance.obj_attr_is_set('flavor_extra_specs'))
        domain = config.build_domain(instance, _image(), [], _paths(),
                                     bridge_exists=_no_bridge,
                                     kvm_check=_no_kvm)
        self.assertEqual(1, len(domain.findall('devices/rng')))


class DomainPartsTestCase(testtools.TestCase):
    """Single elements whose content depends on the host or the image."""

    def _domain(self, **kwargs):
        args = {'instance': _instance(), 'image_meta': _image(),
                'network_info': [_vif()], 'paths': _paths(),
                'bridge_exists': _no_bridge, 'kvm_check': _no_kvm}
        args.update(kwargs)
        return config.build_domain(**args)

    def test_kernel_boot_with_root_disk_has_root_argument(self):
        domain = self._domain(paths=_paths(kernel='/k'))
        self.assertEqual('root=/dev/vda console=ttyS0 '
                         'nova_lite_hostname=web-1',
                         domain.find('os/cmdline').text)
        self.assertIsNone(domain.find('os/initrd'))
        self.assertIsNone(domain.find('os/boot'))
        self.assertEqual(INST_DIR + '/disk',
                         domain.find('devices/disk/source').get('file'))

    def test_image_command_line_wins(self):
        domain = self._domain(
            image_meta=_image(os_command_line='console=ttyS0 quiet'),
            paths=_paths(kernel='/k'))
        self.assertEqual('console=ttyS0 quiet nova_lite_hostname=web-1',
                         domain.find('os/cmdline').text)

    def test_no_hostname_no_hostname_argument(self):
        instance = _instance()
        instance.hostname = None
        domain = self._domain(instance=instance, paths=_paths(kernel='/k'))
        self.assertEqual('root=/dev/vda console=ttyS0',
                         domain.find('os/cmdline').text)

    def test_architecture_from_image(self):
        domain = self._domain(image_meta=_image(hw_architecture='x86_64'))
        self.assertEqual('x86_64', domain.find('os/type').get('arch'))

    def test_existing_bridge_gives_bridge_interface(self):
        seen = []

        def bridge_exists(name):
            seen.append(name)
            return True

        domain = self._domain(network_info=[
            _vif(), _vif(bridge='br-x', mac='fa:16:3e:11:22:44')],
            default_bridge='br-nova-lite', bridge_exists=bridge_exists)
        ifaces = domain.findall('devices/interface')
        self.assertEqual(['bridge', 'bridge'], [i.get('type')
                                                for i in ifaces])
        self.assertEqual(['br-nova-lite', 'br-x'],
                         [i.find('source').get('bridge') for i in ifaces])
        self.assertEqual(['br-nova-lite', 'br-x'], seen)
        self.assertEqual('fa:16:3e:11:22:33',
                         ifaces[0].find('mac').get('address'))

    def test_one_interface_per_port_with_several_addresses(self):
        # addFixedIp: a port's second address is a second VIF with the
        # same MAC (and port); the guest has one NIC of it.
        domain = self._domain(network_info=[
            _vif(), _vif(address='10.254.0.9'),
            _vif(mac='fa:16:3e:11:22:44', address='10.254.0.7')],
            default_bridge='br-nova-lite', bridge_exists=lambda _n: True)
        self.assertEqual(['fa:16:3e:11:22:33', 'fa:16:3e:11:22:44'],
                         [i.find('mac').get('address') for i in
                          domain.findall('devices/interface')])

    def test_missing_bridge_gives_user_interface(self):
        domain = self._domain(default_bridge='br-nova-lite')
        iface = domain.find('devices/interface')
        self.assertEqual('user', iface.get('type'))
        self.assertIsNone(iface.find('source'))

    def test_kvm_when_asked_and_usable(self):
        domain = self._domain(virt_type='kvm', kvm_check=lambda: True)
        self.assertEqual('kvm', domain.get('type'))

    def test_qemu_when_kvm_unusable(self):
        domain = self._domain(virt_type='kvm', kvm_check=_no_kvm)
        self.assertEqual('qemu', domain.get('type'))

    def test_qemu_when_not_asked_for_kvm(self):
        domain = self._domain(virt_type='qemu', kvm_check=lambda: True)
        self.assertEqual('qemu', domain.get('type'))


@testtools.skipUnless(os.uname().machine == 'x86_64',
                      'the vmx/svm check applies to x86 hosts')
class KvmUsableTestCase(testtools.TestCase):
    """kvm_usable needs an accessible device node and vmx or svm."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.dev = os.path.join(self.tmp, 'kvm')
        open(self.dev, 'w').close()

    def _cpuinfo(self, flags):
        path = os.path.join(self.tmp, 'cpuinfo')
        with open(path, 'w') as f:
            f.write(f'processor\t: 0\nflags\t\t: fpu {flags} sse2\n')
        return path

    def test_usable_with_vmx(self):
        self.assertTrue(config.kvm_usable(self.dev, self._cpuinfo('vmx')))

    def test_usable_with_svm(self):
        self.assertTrue(config.kvm_usable(self.dev, self._cpuinfo('svm')))

    def test_not_usable_without_virtualisation_flag(self):
        self.assertFalse(config.kvm_usable(self.dev, self._cpuinfo('pae')))

    def test_not_usable_without_device(self):
        self.assertFalse(config.kvm_usable(self.dev + '-missing',
                                           self._cpuinfo('vmx')))
