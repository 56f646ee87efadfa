"""The flavor extra spec registry (``nova_lite.compute.extra_specs``,
microversion 2.86): known keys, value rules, unknown keys of known
namespaces."""
import testtools

from nova_lite.compute import extra_specs
from nova_lite import exception


class RegistryTest(testtools.TestCase):

    def assertValid(self, key, value):
        extra_specs.validate(key, value)

    def assertInvalid(self, key, value, reason_part):
        exc = self.assertRaises(exception.ValidationError,
                                extra_specs.validate, key, value)
        self.assertIn(reason_part, exc.format_message())
        return exc

    def test_enums(self):
        for value in ('dedicated', 'shared', 'mixed'):
            self.assertValid('hw:cpu_policy', value)
        self.assertInvalid('hw:cpu_policy', 'pinned', "'pinned' is not one")
        self.assertValid('hw:watchdog_action', 'reset')
        self.assertInvalid('hw:watchdog_action', 'explode', 'not one of')
        self.assertValid('os:secure_boot', 'required')
        self.assertValid('quota:vif_shares_level', 'high')
        self.assertInvalid('quota:vif_shares_level', 'max', 'not one of')

    def test_integers_and_bounds(self):
        self.assertValid('hw:numa_nodes', '2')
        self.assertInvalid('hw:numa_nodes', '0', 'less than the minimum 1')
        self.assertInvalid('hw:cpu_sockets', 'two', 'not an integer')
        self.assertValid('hw:serial_port_count', '0')
        self.assertValid('hw:redirected_usb_ports', '15')
        self.assertInvalid('hw:redirected_usb_ports', '16',
                           'greater than the maximum 15')
        self.assertValid('quota:cpu_quota', '-1')
        self.assertInvalid('quota:cpu_shares', '-1', 'less than the minimum')
        self.assertValid('quota:disk_total_iops_sec', '500')
        self.assertValid('quota:vif_outbound_burst', '1024')
        self.assertValid('hw_rng:rate_bytes', '24')
        self.assertInvalid('hw_rng:rate_period', '-5', 'less than')

    def test_booleans(self):
        for value in ('true', 'False', '1', 'no', 'on'):
            self.assertValid('hw_rng:allowed', value)
        self.assertInvalid('hw:boot_menu', 'maybe', 'not a boolean')
        self.assertValid('hide_hypervisor_id', 'true')
        self.assertInvalid('hide_hypervisor_id', 'perhaps', 'not a boolean')

    def test_patterns(self):
        self.assertValid('hw:mem_page_size', 'large')
        self.assertValid('hw:mem_page_size', '2048')
        self.assertValid('hw:mem_page_size', '1GiB')
        self.assertInvalid('hw:mem_page_size', 'huge', 'does not match')
        self.assertValid('hw:cpu_dedicated_mask', '^0-1,3')
        self.assertValid('pci_passthrough:alias', 'gpu:2, nic:1')
        self.assertInvalid('pci_passthrough:alias', 'gpu', 'does not match')

    def test_parameterized_keys(self):
        self.assertValid('hw:numa_cpus.0', '0-3')
        self.assertValid('hw:numa_mem.1', '1024')
        self.assertInvalid('hw:numa_mem.1', '0', 'less than')
        self.assertInvalid('hw:numa_cpus.x', '0', 'not a known extra spec')
        self.assertValid('aggregate_instance_extra_specs:ssd', 'true')
        self.assertValid('capabilities:cpu_info:features', '<in> aes')
        self.assertValid('capabilities:hypervisor_type', 's== QEMU')
        self.assertValid('resources:VCPU', '2')
        self.assertValid('resources1:CUSTOM_GPU', '1')
        self.assertInvalid('resources:VCPU', '-1', 'less than')
        self.assertValid('trait:HW_CPU_X86_AVX2', 'required')
        self.assertValid('trait_gpu:CUSTOM_FAST', 'forbidden')
        self.assertInvalid('trait:HW_CPU_X86_AVX2', 'preferred',
                           'not one of')

    def test_unknown_key_of_a_known_namespace(self):
        for key in ('hw:cpu_polcy', 'quota:bogus', 'hw_rng:speed',
                    'capabilities:colour', 'resources:vcpu',
                    'trait:lower_case', 'os:type'):
            exc = self.assertInvalid(key, '1', 'not a known extra spec')
            self.assertIn(key, exc.format_message())

    def test_other_keys_pass(self):
        for key in ('mycloud:tier', 'powervm:proc_units', 'plain_key',
                    'x:y:z', 'hwx:cpu_policy'):
            self.assertValid(key, 'anything at all')

    def test_validate_all_names_the_first_bad_key(self):
        exc = self.assertRaises(exception.ValidationError,
                                extra_specs.validate_all,
                                {'hw:numa_nodes': '1', 'hw:boot_menu': 'x',
                                 'quota:cpu_shares': 'y'})
        self.assertIn('hw:boot_menu', exc.format_message())
        self.assertIsNone(extra_specs.validate_all(
            {'hw:numa_nodes': '1', 'local:key': 'v'}))
