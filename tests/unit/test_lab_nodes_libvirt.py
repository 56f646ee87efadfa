"""libvirt in the lab's systemd-container nodes (devstack/lib/node-libvirt,
NODE_MODE=nspawn NODE_VIRT_DRIVER=libvirt) without booting anything: the
root fs packages, systemd-nspawn's arguments, libvirt's config and the
units installed in a node, the compute's config. Booting them is
devstack/tools/nodes-check.sh's job (tests/functional/test_lab_nodes.py).
"""
import configparser
import os
import re

from tests.unit import test_lab_nodes

def _ini(text):
    conf = configparser.ConfigParser(interpolation=None, strict=False)
    conf.read_string(text)
    return {name: dict(conf[name]) for name in conf.sections()}


LIBS = ('services', 'rabbitmq', 'netns', 'nova_lite', 'guestnet', 'nodes')


class LabNodesLibvirtTest(test_lab_nodes.LabNodesTest):
    """The fake-driver tests of test_lab_nodes are not run again here."""

    def setUp(self):
        super().setUp()
        self.settings['NODE_VIRT_DRIVER'] = 'libvirt'
        self.settings['NODES'] = '2'
        self.settings['NODE_ROOTFS_DIR'] = self.rootfs_dir
        self.settings['STORAGE_NET'] = '10.97.3'
        self.write_local_conf()
        self.upper = os.path.join(self.state, 'nodes', '%s', 'upper')

    def lab(self, script, check=True):
        saved = test_lab_nodes.LIBS
        test_lab_nodes.LIBS = LIBS
        try:
            return super().lab(
                'NODE_ROOTFS=%s; ' % self.rootfs_dir + script, check)
        finally:
            test_lab_nodes.LIBS = saved

    def read(self, node, path):
        with open(os.path.join(self.upper % node, path)) as f:
            return f.read()

    def test_packages_keyed_on_the_driver(self):
        packages = self.lab('node_packages').stdout.split()
        for name in ('libvirt-daemon-system', 'qemu-system-x86',
                     'dnsmasq-base', 'nftables', 'genisoimage', 'systemd'):
            self.assertIn(name, packages)
        stamp = self.lab('node_rootfs_stamp').stdout.strip()
        self.write_local_conf(NODE_VIRT_DRIVER='fake')
        self.assertNotIn('qemu-system-x86',
                         self.lab('node_packages').stdout.split())
        self.assertNotEqual(stamp,
                            self.lab('node_rootfs_stamp').stdout.strip())

    def test_nspawn_args(self):
        args = self.lab('node_prepare 2; node_nspawn_args 2').stdout.split()
        self.assertIn('--bind=/dev/net/tun', args)
        self.assertIn('--capability=all', args)
        self.assertNotIn('--bind=/dev/kvm', args)
        # The node's namespace is its guest network's.
        self.assertIn('--network-namespace-path=/run/netns/nlut-g-node2',
                      args)
        self.assertEqual('nlut-g-node2', self.lab('node_ns 2').stdout.strip())
        # /proc/sys/net writable in the node (its own namespace).
        self.assertEqual('SYSTEMD_NSPAWN_API_VFS_WRITABLE=network',
                         self.lab('node_libvirt_nspawn_env').stdout.strip())
        self.write_local_conf(NODE_VIRT_DRIVER='fake')
        self.assertEqual('', self.lab('node_libvirt_nspawn_env').stdout)

    def install(self, i):
        self.lab('node_prepare %d; node_units_install node%d; '
                 'node_libvirt_install node%d %d' % (i, i, i, i))

    def test_libvirt_config(self):
        os.makedirs(os.path.join(self.rootfs_dir, 'etc', 'libvirt'))
        with open(os.path.join(self.rootfs_dir, 'etc', 'libvirt',
                               'qemu.conf'), 'w') as f:
            f.write('#user = "root"\n')
        self.install(1)
        self.install(2)
        qemu = self.read('node1', 'etc/libvirt/qemu.conf')
        self.assertTrue(qemu.startswith('#user = "root"\n'), qemu)
        self.assertIn('\ncgroup_controllers = [ ]\n', qemu)
        self.assertIn('\nmigration_host = "10.98.5.11"\n', qemu)
        uuids = []
        for node in ('node1', 'node2'):
            conf = self.read(node, 'etc/libvirt/libvirtd.conf')
            uuid = re.search(r'^host_uuid = "([0-9a-f-]{36})"$', conf,
                             re.M).group(1)
            machine_id = self.read(node, 'etc/machine-id').strip()
            self.assertEqual(machine_id, uuid.replace('-', ''))
            self.assertIn('\nauth_tcp = "none"\n', conf)
            uuids.append(uuid)
        self.assertNotEqual(uuids[0], uuids[1])
        self.assertEqual('LIBVIRTD_ARGS=""\n',
                         self.read('node1', 'etc/default/libvirtd'))
        self.assertIn('10.98.5.12\tnode2\n', self.read('node1', 'etc/hosts'))

    def test_units(self):
        self.install(1)
        sd = os.path.join(self.upper % 'node1', 'etc', 'systemd', 'system')
        wants = os.listdir(os.path.join(sd, 'multi-user.target.wants'))
        for unit in ('nova-lite-compute.service', 'nova-lite-dhcp.service',
                     'nova-lite-guestns.service', 'libvirtd.service'):
            self.assertIn(unit, wants)
        self.assertEqual(['libvirtd-tcp.socket'],
                         os.listdir(os.path.join(sd, 'sockets.target.wants')))
        self.assertEqual('/dev/null', os.readlink(
            os.path.join(sd, 'libvirt-guests.service')))
        socket = test_lab_nodes.read_unit(self.read(
            'node1', 'etc/systemd/system/libvirtd-tcp.socket.d/lab.conf'))
        self.assertEqual('10.98.5.11:16509',
                         socket['Socket']['ListenStream'].split('\n')[-1])
        dhcp = self.read('node1', 'etc/systemd/system/nova-lite-dhcp.service')
        self.assertIsNone(re.search(r'@[A-Z_]+@', dhcp), dhcp)
        self.assertIn('--interface=br-nova-lite', dhcp)
        self.assertIn('--dhcp-range=10.254.0.0,static,255.255.240.0,1h', dhcp)
        self.assertIn('--pid-file=/run/nova-lite-dhcp.pid', dhcp)
        guestns = self.read('node1',
                            'etc/systemd/system/nova-lite-guestns.service')
        self.assertIn('ip netns attach nlut-g-node1 1', guestns)
        dropin = test_lab_nodes.read_unit(self.read(
            'node1', 'etc/systemd/system/nova-lite-compute.service.d/'
            'libvirt.conf'))
        self.assertIn('libvirtd.service', dropin['Unit']['After'])
        # Back to the fake driver: the compute's drop-in goes.
        self.write_local_conf(NODE_VIRT_DRIVER='fake')
        self.lab('node_units_install node1')
        self.assertFalse(os.path.exists(
            os.path.join(sd, 'nova-lite-compute.service.d')))

    def test_node_config(self):
        self.lab('TRANSPORT_URL=rabbit://u:p@127.0.0.1:5672/vh; '
                 'RABBIT_HOST=127.0.0.1; node_nspawn_config 1')
        conf = configparser.ConfigParser(interpolation=None, strict=False)
        conf.read(os.path.join(self.state, 'nodes', 'node1',
                               'nova_lite.conf'))
        self.assertEqual('libvirt', conf['virt']['driver'])
        self.assertEqual('qemu:///system', conf['libvirt']['connection_uri'])
        self.assertEqual('qemu', conf['libvirt']['virt_type'])
        self.assertEqual('/var/lib/nova-lite/instances',
                         conf['libvirt']['instances_path'])
        self.assertEqual('libvirt',
                         conf['libvirt']['remote_filesystem_transport'])
        self.assertEqual('nlut-g-node1', conf['network']['guest_netns'])
        self.assertEqual('10.98.5.11',
                         conf['libvirt']['live_migration_inbound_addr'])
        self.assertEqual('/run/nova-lite-dhcp.pid',
                         conf['network']['dhcp_pidfile'])
        self.assertNotIn('database', conf.sections())
        # Config drives: no metadata service reaches the nodes' guests.
        self.assertEqual('True', conf['DEFAULT']['force_config_drive'])
        self.assertEqual('node1', conf['DEFAULT']['host'])
        # Its QEMUs reach the volume exports from its storage link.
        self.assertEqual('10.97.3.11', conf['volume']['connector_ip'])

    def test_storage_network(self):
        """The controller's compute is STORAGE_NET.2, node i .(10+i); the
        nodes alone (no compute on the controller) still put the
        exports on the storage network, filtered."""
        self.assertEqual(
            ['10.97.3.2', '10.97.3.12'],
            self.lab('storage_addr "$LAB_HOST"; storage_addr node2'
                     ).stdout.split())
        self.write_local_conf(ENABLE_CONTROLLER_COMPUTE='False',
                              VIRT='libvirt', BUS='rabbit')
        conf = _ini(self.lab('_nova_conf_volume').stdout)
        self.assertEqual({'export_address': '10.97.3.1',
                          'connector_ip': '10.97.3.2',
                          'export_filter': 'nftables'}, conf['volume'])
        self.write_local_conf(ENABLE_CONTROLLER_COMPUTE='False',
                              VIRT='libvirt', BUS='rabbit',
                              NODE_VIRT_DRIVER='fake')
        conf = _ini(self.lab('_nova_conf_volume').stdout)
        self.assertEqual('127.0.0.1', conf['volume']['export_address'])
        self.assertEqual('none', conf['volume']['export_filter'])

    def test_driver_default(self):
        """Unset: the controller's driver for container nodes, fake for
        namespaced ones."""
        self.write_local_conf(NODE_VIRT_DRIVER='')
        resolve = ('VIRT=libvirt; node_virt_driver_resolve; '
                   'echo $NODE_VIRT_DRIVER')
        self.assertEqual('libvirt', self.lab(resolve).stdout.strip())
        self.write_local_conf(NODE_VIRT_DRIVER='', NODE_MODE='netns')
        self.assertEqual('fake', self.lab(resolve).stdout.strip())
        self.write_local_conf(NODE_VIRT_DRIVER='fake')
        self.assertEqual('fake', self.lab(resolve).stdout.strip())

    def test_migration_uri(self):
        self.assertEqual('qemu+tcp://10.98.5.12/system',
                         self.lab('node_migration_uri 2').stdout.strip())


# The base class's own tests run in test_lab_nodes only.
for _name in dir(test_lab_nodes.LabNodesTest):
    if _name.startswith('test_') and _name not in vars(LabNodesLibvirtTest):
        setattr(LabNodesLibvirtTest, _name, None)
