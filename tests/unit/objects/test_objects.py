"""Object fingerprints: a change to a versioned object's fields or
remotable methods without a version bump fails here (as Nova's
test_objects does), since services of two releases exchange these objects
over the bus and tell each other's shapes apart only by version.

When this fails after a deliberate change: bump the object's VERSION,
make ``obj_make_compatible`` drop what an older reader does not know, and
put the new fingerprint below.
"""
from oslo_versionedobjects import fixture
import testtools

from nova_lite import objects
from nova_lite.objects import base

OBJECT_DATA = {
    # Notification payloads (nova_lite.notifications.objects).
    'AggregatePayload': '1.0-489586b4dc011090bd9e7b12a55028b2',
    'AuditPeriodPayload': '1.0-28345f72ca9d805eeb61b2c2385805dd',
    'BlockDevicePayload': '1.0-ca65fc2e0648258530134d264061d743',
    'ExceptionPayload': '1.0-96f178a12691e3ef0d8e3188fc481b90',
    'FlavorPayload': '1.0-258b14282e778d92ee784693cbbdbdb8',
    'InstanceActionPayload': '1.1-d3afb3213bb1b505f9ad1419bb4fc66c',
    'InstanceActionRebuildPayload': '1.1-9c6cda717e737430d89346d45211e8e2',
    'InstanceActionRescuePayload': '1.1-9da5198d2d49fd8c37b1475d205b6f3c',
    'InstanceActionResizePrepPayload':
        '1.1-c66eb3cbdf425cc131ff8c02d5bffab4',
    'InstanceActionSnapshotPayload': '1.1-bf26760e5e0d759403030640af772b64',
    'InstanceActionVolumePayload': '1.1-3bd8fdba815da299c9e47f3826bdb076',
    'InstanceExistsPayload': '1.1-4f03350b99851c076122156a38371504',
    'InstancePayload': '1.1-2c3720e53cddcf850a060cdb5206747b',
    'InstanceStateUpdatePayload': '1.0-a934d04e1b314318e42e8062647edd11',
    'InstanceUpdatePayload': '1.1-3d1d99d3152f1e2563fa40b5cb5cbaca',
    'IpPayload': '1.0-066e142cb5002eb0fa5a49faa4598595',
    'KeypairPayload': '1.0-f0b5f7fdcee8363fe9fb3d21b028b29e',
    'ServerGroupPayload': '1.0-cae5efc36bdbc1bba95f33d5c65757d4',
    'ServiceStatusPayload': '1.0-4d3270d3d4ec034c92fd99d062386196',
    # Objects services exchange.
    'Flavor': '1.0-02f1a5151da65aee8a57f3a35a68f98d',
    'ImageMeta': '1.0-f91f1f084022e8a9938bf992150c44a0',
    'Instance': '1.6-19e1df418fdd5208d21a11ebfc3d90b6',
    'RequestSpec': '1.2-7e0920fbcbab4d7bab2106b15d5cd447',
    'Selection': '1.0-05a1728cbcb7dda587313cc16880818b',
    'VIF': '1.2-70006c885f932c533640ac833d0cdf41',
}


class TestObjectVersions(testtools.TestCase):

    def setUp(self):
        super().setUp()
        objects.register_all()
        self.checker = fixture.ObjectVersionChecker(
            base.NovaLiteObjectRegistry.obj_classes())

    def test_versions(self):
        expected, actual = self.checker.test_hashes(OBJECT_DATA)
        self.assertEqual(expected, actual,
                         'objects changed: bump VERSION and update '
                         'OBJECT_DATA')

    def test_every_registered_object_is_pinned(self):
        self.assertEqual(sorted(OBJECT_DATA),
                         sorted(base.NovaLiteObjectRegistry.obj_classes()))

    def test_relationships_are_consistent(self):
        # Every child version an object may carry is registered.
        for name, classes in base.NovaLiteObjectRegistry.obj_classes(
                ).items():
            for cls in classes:
                for field in cls.fields.values():
                    child = getattr(field, '_type', None)
                    obj_name = getattr(child, '_obj_name', None)
                    if obj_name:
                        self.assertIn(obj_name, OBJECT_DATA, name)
