"""nova_lite.quota over a real (SQLite) database: limits from defaults and
overrides, usage counted from live instances, the create-time checks and
the re-check after the write (compute API reference, os-quota-sets)."""
import uuid

from oslo_config import cfg
import testtools

from nova_lite import context as nl_context
from nova_lite.db import instances as instance_db
from nova_lite.db import quotas as quota_db
from nova_lite import exception
from nova_lite import quota
from tests.functional.fixtures import inprocess

CONF = cfg.CONF
TINY = {'vcpus': 1, 'memory_mb': 512}
LARGE = {'vcpus': 4, 'memory_mb': 8192}


class QuotaTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.env = self.useFixture(inprocess.Environment())
        self.ctx = nl_context.RequestContext(
            user_id='u1', project_id='p1', roles=['member'])

    def boot(self, flavor, count=1, project_id='p1', vm_state='active'):
        """``count`` live instances of ``flavor`` in ``project_id``."""
        instance_db.instances_create(self.ctx, [{
            'uuid': str(uuid.uuid4()), 'project_id': project_id,
            'user_id': 'u1', 'vcpus': flavor['vcpus'],
            'memory_mb': flavor['memory_mb'], 'root_gb': 1,
            'ephemeral_gb': 0, 'vm_state': vm_state, 'power_state': 1,
            'locked': False} for _ in range(count)])


class TestLimits(QuotaTestCase):

    def test_defaults_then_override(self):
        self.assertEqual(CONF.quota.instances,
                         quota.get_limits(self.ctx)['instances'])
        quota.update(self.ctx, 'p1', {'instances': 3, 'cores': -1})
        limits = quota.get_limits(self.ctx)
        self.assertEqual((3, -1), (limits['instances'], limits['cores']))
        self.assertEqual(CONF.quota.instances,
                         quota.get_limits(self.ctx, 'p2')['instances'])

    def test_reset_restores_defaults(self):
        quota.update(self.ctx, 'p1', {'instances': 3})
        quota.reset(self.ctx, 'p1')
        self.assertEqual(CONF.quota.instances,
                         quota.get_limits(self.ctx)['instances'])

    def test_update_refuses_unknown_and_below_minus_one(self):
        self.assertRaises(exception.ValidationError, quota.update,
                          self.ctx, 'p1', {'volumes': 3})
        self.assertRaises(exception.ValidationError, quota.update,
                          self.ctx, 'p1', {'instances': -2})
        self.assertEqual({}, self._overrides())

    def test_update_below_usage_needs_force(self):
        self.boot(TINY, 3)
        exc = self.assertRaises(exception.ValidationError, quota.update,
                                self.ctx, 'p1', {'instances': 2})
        self.assertIn('already used and reserved 3', str(exc))
        self.assertEqual({}, self._overrides())
        quota.update(self.ctx, 'p1', {'instances': 2}, force=True)
        self.assertEqual(2, quota.get_limits(self.ctx)['instances'])

    def _overrides(self):
        return quota_db.overrides(self.ctx, 'p1')[1]


class TestUsage(QuotaTestCase):

    def test_counts_live_instances_of_the_project_only(self):
        self.boot(TINY, 2)
        self.boot(LARGE)
        self.boot(LARGE, project_id='p2')
        used = quota.usages(self.ctx)
        self.assertEqual((3, 6, 2 * 512 + 8192),
                         (used['instances'], used['cores'], used['ram']))
        self.assertEqual(0, used['security_groups'])

    def test_building_counted_cloud_wide_for_admission(self):
        self.boot(TINY, vm_state='building')
        self.boot(TINY, project_id='p2', vm_state='building')
        self.boot(TINY)
        usage = quota.instance_usage(self.ctx, with_building=True)
        self.assertEqual((2, 2), (usage['instances'], usage['building']))

    def test_limits_and_usage_in_one_read(self):
        quota.update(self.ctx, 'p1', {'instances': 7})
        self.boot(TINY)
        limits, usage, user_limits = quota.limits_and_usage(self.ctx)
        self.assertEqual(7, limits['instances'])
        self.assertEqual(limits, user_limits)
        self.assertEqual({'instances': 1, 'cores': 1, 'ram': 512}, usage)


class TestChecks(QuotaTestCase):

    def test_instances_allowed_takes_the_tightest_resource(self):
        quota.update(self.ctx, 'p1', {'instances': 10, 'cores': 9,
                                      'ram': 20 * 1024})
        self.boot(LARGE)
        # cores: (9 - 4) // 4 = 1; ram: (20480 - 8192) // 8192 = 1
        self.assertEqual(1, quota.instances_allowed(self.ctx, LARGE, 1, 5))
        self.assertEqual(5, quota.instances_allowed(self.ctx, TINY, 1, 5))

    def test_fewer_than_min_count_is_403_with_the_api_message(self):
        quota.update(self.ctx, 'p1', {'instances': 3})
        self.boot(TINY, 2)
        exc = self.assertRaises(exception.QuotaExceeded,
                                quota.instances_allowed, self.ctx, TINY, 2, 2)
        self.assertEqual('Quota exceeded for instances: Requested 2, but '
                         'already used 2 of 3 instances', str(exc))
        self.assertEqual(403, exc.code)

    def test_unlimited_fits_max_count(self):
        quota.update(self.ctx, 'p1', {'instances': -1, 'cores': -1,
                                      'ram': -1})
        self.boot(LARGE, 5)
        self.assertEqual(50, quota.instances_allowed(self.ctx, LARGE, 1, 50))

    def test_recheck_after_a_concurrent_create(self):
        quota.update(self.ctx, 'p1', {'instances': 2})
        limits = quota.get_limits(self.ctx)
        self.assertEqual(2, quota.instances_allowed(self.ctx, TINY, 1, 2,
                                                    limits))
        self.boot(TINY, 2)            # ours
        quota.recheck_instances(self.ctx, TINY, 2, limits)
        self.boot(TINY)               # a concurrent request's
        self.assertRaises(exception.QuotaExceeded,
                          quota.recheck_instances, self.ctx, TINY, 2, limits)

    def test_check_per_item_resource_and_unknown_name(self):
        quota.update(self.ctx, 'p1', {'metadata_items': 2})
        quota.check(self.ctx, 'metadata_items', 2, used=0)
        self.assertRaises(exception.QuotaExceeded, quota.check, self.ctx,
                          'metadata_items', 3, used=0)
        quota.check(self.ctx, 'metadata_items', 0)
        self.assertRaises(ValueError, quota.check, self.ctx, 'volumes', 1)
