"""GuestNetworks without root: which VIFs go to the flat network's hosts
file and which to a project network's bridge, the commands that make a
bridge, and the configuration that turns the data plane on (the real
thing: tests/functional/test_project_network_dataplane.py)."""
import subprocess
from unittest import mock

import fixtures
import testtools

from nova_lite.network import linux_net
from nova_lite.objects import instance as instance_obj


def _vif(bridge, address='10.1.0.5', dhcp=True):
    return instance_obj.VIF(address=address, mac='fa:16:3e:00:00:05',
                            network_label='n', network_id=1,
                            cidr='10.1.0.0/28', gateway='10.1.0.1',
                            bridge=bridge, dhcp=dhcp, dns_nameservers=[],
                            mtu=1400)


class GuestNetworksTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.calls = []
        self.flat = mock.Mock()
        self.state = self.useFixture(fixtures.TempDir()).path
        self.networks = linux_net.GuestNetworks(
            'ns1', self.state, 'br-flat', self.flat, run=self._run)

    def _run(self, command, **kwargs):
        self.calls.append(command)
        missing = command[3:5] == ['link', 'show']
        return subprocess.CompletedProcess(command, 1 if missing else 0,
                                           stdout='[]', stderr='')

    def test_flat_vifs_go_to_the_flat_hosts_file(self):
        self.networks.add([_vif('br-flat'), _vif(None)], 'vm')
        self.flat.add.assert_called_once()
        self.assertEqual([], self.calls)

    def test_a_project_network_without_dhcp_gets_its_bridge_only(self):
        self.networks.add([_vif('brq123', dhcp=False)], 'vm')
        self.assertEqual([
            ['ip', '-n', 'ns1', 'link', 'show', 'brq123'],
            ['ip', '-n', 'ns1', 'link', 'add', 'brq123', 'type', 'bridge'],
            ['ip', '-n', 'ns1', 'link', 'set', 'brq123', 'mtu', '1400',
             'up'],
            ['ip', '-n', 'ns1', 'addr', 'replace', '10.1.0.1/28', 'dev',
             'brq123']], self.calls)
        self.flat.add.assert_not_called()

    def test_from_config(self):
        conf = mock.Mock()
        conf.network.guest_netns = None
        conf.network.dhcp_hostsfile = '/x/dhcp-hosts'
        self.assertIs(self.flat, linux_net.from_config(self.flat, conf))
        conf.network.guest_netns = 'ns1'
        networks = linux_net.from_config(self.flat, conf)
        self.assertEqual(('ns1', '/x/networks'), (networks.netns,
                                                  networks.state_dir))

    def test_a_network_without_dhcp_stays_while_taps_are_on_it(self):
        with mock.patch.object(self.networks, '_ports_of',
                               return_value=['vnet3']), \
                mock.patch.object(self.networks, 'teardown') as teardown:
            self.networks.remove([_vif('brq123', dhcp=False)])
        teardown.assert_not_called()
        with mock.patch.object(self.networks, '_ports_of',
                               return_value=[]), \
                mock.patch.object(self.networks, 'teardown') as teardown:
            self.networks.remove([_vif('brq123', dhcp=False)])
        teardown.assert_called_once_with('brq123')
