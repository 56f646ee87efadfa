"""Regression: responses had ``x-openstack-request-id`` but not Nova's
``x-compute-request-id``, which clients read to find the instance action
of a request (Tempest's InstanceActionsTestJSON failed in setUpClass with
KeyError 'x-compute-request-id')."""
from tests.unit.api import fakes


class TestComputeRequestIdHeader(fakes.APITestCase):

    def test_both_headers_carry_the_request_id(self):
        for resp in (self.get('/v2.1/flavors'), self.get('/'),
                     self.get('/v2.1/servers/nope')):
            request_id = resp.headers.get('x-openstack-request-id')
            self.assertTrue(request_id and request_id.startswith('req-'))
            self.assertEqual(request_id,
                             resp.headers.get('x-compute-request-id'))
