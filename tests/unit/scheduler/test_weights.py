"""Weighers: spread and pack by free resources, soft group policies."""
from oslo_config import fixture as config_fixture
import testtools

from nova_lite.scheduler import weights
from tests.unit.scheduler import fakes


class WeighHostsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config())

    def _order(self, hosts, spec=None):
        ranked = weights.weigh_hosts(hosts, spec or fakes.view(),
                                     weights.all_weighers())
        return [h.host for h in ranked]

    def _hosts(self, members=None):
        members = {} if members is None else members
        return [fakes.host_state('busy', members, memory_mb_used=3072,
                                 vcpus_used=3, local_gb_used=50),
                fakes.host_state('idle', members)]

    def test_spread_then_pack(self):
        self.assertEqual(['idle', 'busy'], self._order(self._hosts()))
        for name in ('ram', 'cpu', 'disk'):
            self.conf.config(group='scheduler', **{
                '%s_weight_multiplier' % name: -1.0})
        self.assertEqual(['busy', 'idle'], self._order(self._hosts()))

    def test_soft_affinity_beats_spreading(self):
        spec = fakes.view(instance_group_uuid='g',
                          instance_group_policy='soft-affinity')
        self.assertEqual(['busy', 'idle'], self._order(
            self._hosts({'busy': 1}), spec))

    def test_soft_anti_affinity_beats_packing(self):
        for name in ('ram', 'cpu', 'disk'):
            self.conf.config(group='scheduler', **{
                '%s_weight_multiplier' % name: -1.0})
        spec = fakes.view(instance_group_uuid='g',
                          instance_group_policy='soft-anti-affinity')
        self.assertEqual(['idle', 'busy'], self._order(
            self._hosts({'busy': 1}), spec))
        self.conf.config(group='scheduler',
                         soft_anti_affinity_weight_multiplier=0.0)
        self.assertEqual(['busy', 'idle'], self._order(
            self._hosts({'busy': 1}), spec))

    def test_group_weighers_ignore_other_requests(self):
        self.assertEqual(['idle', 'busy'], self._order(
            self._hosts({'busy': 3})))

    def test_empty(self):
        self.assertEqual([], self._order([]))
