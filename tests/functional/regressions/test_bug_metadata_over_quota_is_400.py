"""Regression: more than 128 server metadata items were refused by the
body schema (400 badRequest) before the ``metadata_items`` quota could
answer 403, as the compute API does (Tempest's
test_max_metadata_exceed_limit and test_metadata_items_limit expect 403)."""
from tests.unit.api import fakes


class TestMetadataOverQuota(fakes.APITestCase):

    many = {'k%d' % i: 'v' for i in range(129)}

    def test_create_with_too_many_items_is_403(self):
        resp = self.post('/v2.1/servers', {'server': {
            'name': 'vm', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1',
            'metadata': self.many}})
        self.assertFault(resp, 403, 'forbidden', 'metadata_items')

    def test_set_too_many_items_is_403(self):
        server_id = self.create_server()
        resp = self.put('/v2.1/servers/%s/metadata' % server_id,
                        {'metadata': self.many})
        self.assertFault(resp, 403, 'forbidden', 'metadata_items')

    def test_raised_quota_allows_more(self):
        self.api.conf.config(metadata_items=200, group='quota')
        self.create_server(metadata=self.many)
