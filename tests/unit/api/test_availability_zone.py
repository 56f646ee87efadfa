"""``/v2.1/os-availability-zone`` (compute API reference, "Availability
zones (os-availability-zone)", microversion 2.1) through the full WSGI
pipeline."""
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import services as service_db
from tests.unit.api import fakes
from tests.unit.api import test_services

ZONES = '/v2.1/os-availability-zone'


class AvailabilityZoneTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.ids = test_services.register_services(self)
        ctx = self.api.admin_context
        agg = aggregate_db.aggregate_create(ctx, 'rack', 'az1')
        aggregate_db.aggregate_host_add(ctx, agg['id'], 'node1')
        aggregate_db.aggregate_create(ctx, 'empty', 'az-empty')

    def test_list(self):
        resp = self.get(ZONES, fakes.READER)
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'availabilityZoneInfo': [
            {'zoneName': 'az-empty', 'zoneState': {'available': False},
             'hosts': None},
            {'zoneName': 'az1', 'zoneState': {'available': True},
             'hosts': None},
            {'zoneName': 'nova', 'zoneState': {'available': True},
             'hosts': None}]}, resp.json)

    def test_disabled_zone_is_unavailable(self):
        service_db.service_update(self.api.admin_context,
                                  self.ids[('node1', 'nova-lite-compute')],
                                  {'disabled': True})
        zones = {z['zoneName']: z['zoneState']['available']
                 for z in self.get(ZONES).json['availabilityZoneInfo']}
        self.assertEqual({'az-empty': False, 'az1': False, 'nova': True},
                         zones)

    def test_detail(self):
        resp = self.get(ZONES + '/detail', fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        zones = {z['zoneName']: z for z in resp.json['availabilityZoneInfo']}
        self.assertEqual(['az-empty', 'az1', 'internal', 'nova'],
                         list(zones))
        self.assertIsNone(zones['az-empty']['hosts'])
        node1 = zones['az1']['hosts']['node1']['nova-compute']
        self.assertEqual({'available', 'active', 'updated_at'}, set(node1))
        self.assertEqual((True, True), (node1['available'], node1['active']))
        node2 = zones['nova']['hosts']['node2']['nova-compute']
        self.assertEqual((False, True), (node2['available'],
                                         node2['active']))
        self.assertEqual({'nova-conductor', 'nova-scheduler'},
                         set(zones['internal']['hosts']['ctl']))
        self.assertTrue(zones['internal']['zoneState']['available'])

    def test_detail_is_admin_only(self):
        self.assertFault(self.get(ZONES + '/detail'), 403, 'forbidden')

    def test_no_compute_lists_only_aggregate_zones(self):
        for service_id in self.ids.values():
            service_db.service_destroy(self.api.admin_context, service_id)
        names = [z['zoneName'] for z in
                 self.get(ZONES).json['availabilityZoneInfo']]
        self.assertEqual(['az-empty', 'az1'], names)
