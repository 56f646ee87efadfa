"""objects.Instance: the hypervisor-side name and its versions."""
import testtools

from nova_lite.objects import instance as instance_obj

UUID = '6f1c4d0e-8a51-4a86-9a33-1e2b4c5d6e7f'


class InstanceNameTestCase(testtools.TestCase):

    def test_name_is_stored_instance_name(self):
        instance = instance_obj.Instance(uuid=UUID, instance_name='vm-1')
        self.assertEqual('vm-1', instance.name)

    def test_name_without_instance_name_is_legacy(self):
        self.assertEqual('instance-' + UUID,
                         instance_obj.Instance(uuid=UUID).name)
        self.assertEqual('instance-' + UUID, instance_obj.Instance(
            uuid=UUID, instance_name=None).name)

    def test_backport_to_1_0_drops_instance_name(self):
        instance = instance_obj.Instance(uuid=UUID, instance_name='vm-1')
        primitive = instance.obj_to_primitive(target_version='1.0')
        data = primitive['nova_lite_object.data']
        self.assertEqual('1.0', primitive['nova_lite_object.version'])
        self.assertNotIn('instance_name', data)
        self.assertEqual(UUID, data['uuid'])


class LaunchedAtTestCase(testtools.TestCase):

    def test_backport_to_1_1_drops_launched_at(self):
        import datetime
        instance = instance_obj.Instance(
            uuid=UUID, instance_name='vm-1',
            launched_at=datetime.datetime(2026, 1, 2, 3, 4, 5))
        data = instance.obj_to_primitive(target_version='1.1')[
            'nova_lite_object.data']
        self.assertNotIn('launched_at', data)
        self.assertEqual('vm-1', data['instance_name'])
        self.assertIn('launched_at', instance.obj_to_primitive()[
            'nova_lite_object.data'])
