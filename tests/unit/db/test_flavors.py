"""nova_lite.db.flavors.flavor_get_with_extra_specs: the flavor and its
extra specs in one SELECT, the same columns as flavor_get_by_flavorid."""
import testtools

from nova_lite.db import flavor_extras
from nova_lite.db import flavors as db
from nova_lite import exception
from tests.unit.scheduler import fakes


class FlavorWithExtraSpecsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.admin = self.useFixture(fakes.Database()).admin
        self.flavor = db.flavor_create(self.admin, {
            'flavorid': 'f-1', 'name': 'spec.flavor', 'memory_mb': 256,
            'vcpus': 1, 'root_gb': 1})

    def test_with_specs(self):
        flavor_extras.extra_specs_update_or_create(
            self.admin, self.flavor['id'],
            {'hw_rng:allowed': 'False', 'hw:cpu_policy': 'shared'})
        found = db.flavor_get_with_extra_specs(self.admin, 'f-1')
        self.assertEqual({'hw_rng:allowed': 'False',
                          'hw:cpu_policy': 'shared'}, found.pop('extra_specs'))
        self.assertEqual(db.flavor_get_by_flavorid(self.admin, 'f-1'), found)

    def test_without_specs(self):
        found = db.flavor_get_with_extra_specs(self.admin, 'f-1')
        self.assertEqual({}, found['extra_specs'])
        self.assertEqual('spec.flavor', found['name'])

    def test_missing_or_deleted(self):
        self.assertRaises(exception.FlavorNotFound,
                          db.flavor_get_with_extra_specs, self.admin, 'nope')
        db.flavor_destroy(self.admin, 'f-1')
        self.assertRaises(exception.FlavorNotFound,
                          db.flavor_get_with_extra_specs, self.admin, 'f-1')
