"""nova_lite.compute.naming: instance names from instance_name_template."""
import testtools

from nova_lite.compute import naming

UUID = '6f1c4d0e-8a51-4a86-9a33-1e2b4c5d6e7f'


class InstanceNameTestCase(testtools.TestCase):

    def test_default_is_legacy_name(self):
        self.assertEqual('instance-' + UUID,
                         naming.instance_name('instance-%(uuid)s', UUID))
        self.assertFalse(naming.needs_id('instance-%(uuid)s'))

    def test_nova_positional_id_template(self):
        self.assertTrue(naming.needs_id('instance-%08x'))
        self.assertEqual('instance-0000002a',
                         naming.instance_name('instance-%08x', UUID, 42))

    def test_keyed_template(self):
        self.assertTrue(naming.needs_id('vm-%(id)d-%(uuid).8s'))
        self.assertEqual('vm-42-6f1c4d0e', naming.instance_name(
            'vm-%(id)d-%(uuid).8s', UUID, 42))
        self.assertEqual('100%-' + UUID,
                         naming.instance_name('100%%-%(uuid)s', UUID))

    def test_unusable_template_falls_back_to_legacy_name(self):
        for template in ('vm', 'vm-%(name)s', 'vm-%(uuid)', 'vm-%08x-%s'):
            self.assertEqual('instance-' + UUID,
                             naming.instance_name(template, UUID, 1),
                             template)
        self.assertEqual('instance-' + UUID,
                         naming.instance_name('vm-%08x', UUID))


class IsInstanceNameTestCase(testtools.TestCase):

    def test_legacy_name_always_matches(self):
        self.assertTrue(naming.is_instance_name('inst-%08x',
                                                'instance-' + UUID, UUID))

    def test_template_names(self):
        for template, name in (('guest-%(uuid)s', 'guest-' + UUID),
                               ('inst-%08x', 'inst-0000002a'),
                               ('vm-%(id)d-%(uuid).8s', 'vm-42-6f1c4d0e'),
                               ('100%%-%(uuid)s', '100%-' + UUID)):
            self.assertTrue(naming.is_instance_name(template, name, UUID),
                            template)

    def test_other_names(self):
        other = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d'
        for template, name in (('guest-%(uuid)s', 'guest-' + other),
                               ('instance-%(uuid)s', 'test'),
                               ('inst-%08x', 'inst-zz'),
                               ('inst-%08x', 'inst-0000002a-x'),
                               ('vm-%(name)s', 'vm-x')):
            self.assertFalse(naming.is_instance_name(template, name, UUID),
                             template)
