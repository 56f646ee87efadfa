"""Each scheduler filter on hand-made host states."""
import testtools

from nova_lite.scheduler import filters
from tests.unit.scheduler import fakes


def _check(name, host, spec):
    return filters.load_filters([name])[0].host_passes(host, spec)


class CapacityFiltersTest(testtools.TestCase):

    def test_ram_counts_ratio_and_reserved(self):
        host = fakes.host_state(memory_mb=2048, reserved_memory_mb=512,
                                ram_allocation_ratio=2.0,
                                memory_mb_used=2560)
        self.assertEqual(512, host.free_ram_mb)
        self.assertIsNone(_check('RamFilter', host, fakes.view(
            memory_mb=512)))
        self.assertIn('insufficient RAM: needs 1024 MiB, 512 MiB free',
                      _check('RamFilter', host, fakes.view(memory_mb=1024)))

    def test_core_and_disk(self):
        host = fakes.host_state(vcpus=2, cpu_allocation_ratio=4.0,
                                vcpus_used=7, local_gb=10, local_gb_used=9)
        self.assertIsNone(_check('CoreFilter', host, fakes.view(vcpus=1)))
        self.assertIn('insufficient vCPUs', _check('CoreFilter', host,
                                                   fakes.view(vcpus=2)))
        self.assertIsNone(_check('DiskFilter', host, fakes.view(disk_gb=1)))
        self.assertIn('insufficient disk', _check('DiskFilter', host,
                                                  fakes.view(disk_gb=2)))

    def test_consume_updates_free_amounts(self):
        host = fakes.host_state(memory_mb=1024)
        host.consume(fakes.view(memory_mb=1024, vcpus=2, disk_gb=3))
        self.assertEqual((0, 2, 97), (host.free_ram_mb, host.free_vcpus,
                                      host.free_disk_gb))


class ComputeAndZoneFiltersTest(testtools.TestCase):

    def test_compute_filter(self):
        spec = fakes.view()
        self.assertIsNone(_check('ComputeFilter', fakes.host_state(), spec))
        self.assertEqual('compute service disabled', _check(
            'ComputeFilter', fakes.host_state(disabled=True), spec))
        self.assertEqual('compute service down', _check(
            'ComputeFilter', fakes.host_state(up=False), spec))

    def test_zone_from_aggregate_metadata(self):
        london = fakes.host_state(aggregate_metadata={
            'availability_zone': {'london'}})
        default = fakes.host_state()
        self.assertEqual(('london', 'nova'), (london.availability_zone,
                                              default.availability_zone))
        spec = fakes.view(availability_zone='london')
        self.assertIsNone(_check('AvailabilityZoneFilter', london, spec))
        self.assertEqual('in zone nova, not london', _check(
            'AvailabilityZoneFilter', default, spec))
        self.assertIsNone(_check('AvailabilityZoneFilter', london,
                                 fakes.view()))


class GroupFiltersTest(testtools.TestCase):
    group = '2c1bd5a4-4a7e-4bc4-9e83-3b3d2f2b9a10'

    def _spec(self, policy):
        return fakes.view(instance_group_uuid=self.group,
                          instance_group_policy=policy)

    def test_anti_affinity(self):
        members = {'node1': 1}
        spec = self._spec('anti-affinity')
        name = 'ServerGroupAntiAffinityFilter'
        self.assertIn('already has a member', _check(
            name, fakes.host_state('node1', members), spec))
        self.assertIsNone(_check(name, fakes.host_state('node2', members),
                                 spec))
        self.assertIsNone(_check(name, fakes.host_state('node1', members),
                                 self._spec('soft-anti-affinity')))

    def test_affinity(self):
        name = 'ServerGroupAffinityFilter'
        spec = self._spec('affinity')
        self.assertIsNone(_check(name, fakes.host_state('node2', {}), spec))
        members = {'node1': 2}
        self.assertIsNone(_check(name, fakes.host_state('node1', members),
                                 spec))
        self.assertIn('has members on node1', _check(
            name, fakes.host_state('node2', members), spec))

    def test_filters_skip_requests_they_do_not_concern(self):
        names = ['ServerGroupAffinityFilter', 'ServerGroupAntiAffinityFilter',
                 'SameHostFilter', 'DifferentHostFilter',
                 'ImagePropertiesFilter', 'AggregateImagePropertiesIsolation',
                 'AvailabilityZoneFilter', 'IgnoreHostsFilter']
        plain = fakes.view()
        self.assertEqual([], [f.name for f in filters.load_filters(names)
                              if f.applies(plain)])
        self.assertEqual(['ServerGroupAffinityFilter'], [
            f.name for f in filters.load_filters(names)
            if f.applies(self._spec('affinity'))])
        self.assertTrue(filters.load_filters(['RamFilter'])[0].applies(plain))

    def test_consume_records_the_member(self):
        members = {}
        hosts = [fakes.host_state(h, members) for h in ('node1', 'node2')]
        hosts[0].consume(self._spec('anti-affinity'))
        self.assertEqual((1, 0), (hosts[0].group_members,
                                  hosts[1].group_members))
        hosts[1].consume(fakes.view())
        self.assertEqual(0, hosts[1].group_members)


class HintAndImageFiltersTest(testtools.TestCase):
    vm = '0f4fb7d2-7b6e-4e3e-9d4c-6b0f2a3c9d11'

    def test_same_and_different_host(self):
        here = fakes.host_state('node1', instances=[self.vm])
        there = fakes.host_state('node2')
        same = fakes.view(scheduler_hints={'same_host': [self.vm]})
        different = fakes.view(scheduler_hints={'different_host': [self.vm]})
        self.assertIsNone(_check('SameHostFilter', here, same))
        self.assertIsNotNone(_check('SameHostFilter', there, same))
        self.assertIsNone(_check('DifferentHostFilter', there, different))
        self.assertIn(self.vm, _check('DifferentHostFilter', here,
                                      different))
        self.assertIsNone(_check('SameHostFilter', there, fakes.view()))

    def test_image_hypervisor_type(self):
        qemu = fakes.host_state(hypervisor_type='QEMU')
        for hv_type, passes in (('qemu', True), ('kvm', True),
                                ('xen', False)):
            reason = _check('ImagePropertiesFilter', qemu, fakes.view(
                image_props={'img_hv_type': hv_type}))
            self.assertEqual(passes, reason is None, hv_type)
        self.assertIsNone(_check('ImagePropertiesFilter', qemu,
                                 fakes.view()))

    def test_aggregate_image_properties(self):
        name = 'AggregateImagePropertiesIsolation'
        arm = fakes.host_state(aggregate_metadata={
            'hw_architecture': {'aarch64, armv7l'},
            'availability_zone': {'edge'}})
        for props, passes in (({'hw_architecture': 'aarch64'}, True),
                              ({'hw_architecture': 'armv7l'}, True),
                              ({'hw_architecture': 'x86_64'}, False),
                              ({'os_distro': 'debian'}, True), ({}, True)):
            reason = _check(name, arm, fakes.view(image_props=props))
            self.assertEqual(passes, reason is None, props)
        self.assertIsNone(_check(name, fakes.host_state(), fakes.view(
            image_props={'hw_architecture': 'x86_64'})))

    def test_ignore_hosts_and_unknown_filter(self):
        self.assertIsNotNone(_check('IgnoreHostsFilter', fakes.host_state(),
                                    fakes.view(ignore_hosts=['node1'])))
        self.assertRaises(ValueError, filters.load_filters, ['NoSuchFilter'])
