"""compute.network_sync: the resync's failure rule (start-up fails on
a DHCP or firewall error, the periodic logs it and goes on), the DHCP
lock around "read, then replace", and a moved guest's chains read by
instance (the conductor is a stand-in: the RPC boundary)."""
import threading
import types

import testtools

from nova_lite.compute import floating_ips as compute_floating_ips
from nova_lite.compute import network_sync
from nova_lite.compute import port_firewall
from nova_lite.network import firewall_driver
from nova_lite.network import nat_driver


def _spec(port_id, uuid, address):
    return {'port_id': port_id, 'instance_uuid': uuid,
            'mac': 'fa:16:3e:00:00:01', 'fixed_ips': [address],
            'rules': []}


class Conductor:
    """The conductor calls the agents make; ``ports`` by instance and
    host, ``mappings`` by host."""

    def __init__(self):
        self.ports = {}      # instance uuid → (host, [spec])
        self.mappings = {}   # host → {instance uuid: [mapping]}
        self.calls = []

    def port_security_get(self, context, host, instance_uuids=None):
        self.calls.append(('port_security_get', host, instance_uuids))
        return [s for uuid, (on, specs) in sorted(self.ports.items())
                for s in specs
                if (host is None or on == host)
                and (instance_uuids is None or uuid in instance_uuids)]

    def floating_ips_get(self, context, host):
        return self.mappings.get(host, {})

    def instances_on_host(self, context, host):
        return []


class Driver:
    def __init__(self, firewall, nat):
        self.firewall, self.nat = firewall, nat

    def firewall_applier(self):
        return self.firewall

    def nat_applier(self):
        return self.nat


class FailingApplier(firewall_driver.MemoryApplier):
    def apply(self, script):
        raise firewall_driver.FirewallError('nft is gone')


class Host(network_sync.NetworkSyncMixin):

    def __init__(self, firewall=None):
        self.host = 'node1'
        self.conductor = Conductor()
        driver = Driver(firewall or firewall_driver.MemoryApplier(),
                        nat_driver.MemoryNat())
        self.driver = driver
        self.dhcp = None
        self.security_groups = port_firewall.SecurityGroupAgent(
            self.host, driver, self.conductor)
        self.floating_ips = compute_floating_ips.FloatingIPAgent(
            self.host, driver, self.conductor)
        self._arriving = {}


class NetworkSyncTest(testtools.TestCase):

    def test_start_up_fails_on_the_firewall_the_periodic_goes_on(self):
        host = Host(FailingApplier())
        host.conductor.mappings['node1'] = {'i1': [
            {'floating_ip_address': '172.24.4.10',
             'fixed_ip_address': '10.1.0.5'}]}
        self.assertRaises(firewall_driver.FirewallError,
                          host._network_sync, None)
        self.assertEqual([], host.driver.nat.mappings)
        host._network_sync(None, fail=False)
        self.assertEqual([('172.24.4.10', '10.1.0.5')],
                         host.driver.nat.mappings)

    def test_plug_reads_by_instance_unplug_drops_chains_and_nat(self):
        host = Host()
        host.conductor.ports['i1'] = ('node2', [_spec('p1', 'i1',
                                                      '10.1.0.5')])
        host.conductor.ports['i2'] = ('node1', [_spec('p2', 'i2',
                                                      '10.1.0.6')])
        # Still recorded on node2 (the source): applied here anyway.
        host._network_plug(None, types.SimpleNamespace(
            uuid='i1', hostname='i1'), [])
        self.assertEqual(('port_security_get', None, ['i1']),
                         host.conductor.calls[-1])
        self.assertEqual(['p1'],
                         sorted(host.security_groups.firewall.ports()))
        host.floating_ips.set('i1', [{'floating_ip_address': '172.24.4.10',
                                      'fixed_ip_address': '10.1.0.5'}])
        host._network_unplug('i1', [])
        self.assertEqual({}, host.security_groups.firewall.ports())
        self.assertEqual([], host.driver.nat.mappings)


class ArrivingTest(testtools.TestCase):

    def test_a_resync_keeps_a_guest_plugged_by_a_move(self):
        host = Host()
        replaced = []
        host.dhcp = network_sync.LockedGuestNetworks(types.SimpleNamespace(
            add=lambda vifs, name: None, replace_all=replaced.append))
        host.conductor.ports['i1'] = ('node2', [_spec('p1', 'i1',
                                                      '10.1.0.5')])
        vif = {'mac': 'fa:16:3e:00:00:01', 'address': '10.1.0.5'}
        host._network_plug(None, types.SimpleNamespace(
            uuid='i1', hostname='moved'), [vif])
        # The periodic resync while the guest boots: still recorded on
        # the source, yet kept here.
        host._network_sync(None, fail=False)
        self.assertEqual([('moved', [vif])], replaced[-1])
        self.assertEqual(['p1'],
                         sorted(host.security_groups.firewall.ports()))
        # The move ended elsewhere (not recorded here): the next resync
        # after it drops the guest.
        host._network_nat(None, 'i1')
        host._network_sync(None, fail=False)
        self.assertEqual([], replaced[-1])
        self.assertEqual({}, host.security_groups.firewall.ports())


class LockedGuestNetworksTest(testtools.TestCase):

    def test_an_add_waits_for_the_resync_that_read_before_it(self):
        done = []

        class Networks:
            def add(self, vifs, hostname):
                done.append(('add', hostname))

            def replace_all(self, instances):
                done.append(('replace_all', list(instances)))

        locked = network_sync.LockedGuestNetworks(Networks())
        adder = threading.Thread(target=locked.add, args=([], 'new'))

        def read():
            adder.start()
            adder.join(0.2)     # blocked on the lock meanwhile
            return [('old', [])]
        locked.sync(read)
        adder.join(5)
        self.assertEqual([('replace_all', [('old', [])]), ('add', 'new')],
                         done)
