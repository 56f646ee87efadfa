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
    'Flavor': '1.0-02f1a5151da65aee8a57f3a35a68f98d',
    'ImageMeta': '1.0-f91f1f084022e8a9938bf992150c44a0',
    'Instance': '1.1-551b18371b58480c29af067146e5e2d4',
    'RequestSpec': '1.0-0ae67033689964ee9aa5b9b77f04c337',
    'Selection': '1.0-05a1728cbcb7dda587313cc16880818b',
    'VIF': '1.0-f42d18fa7986ef8a8a26be850d4a812a',
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
