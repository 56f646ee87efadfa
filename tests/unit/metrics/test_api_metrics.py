"""API request metrics: route templates, never raw paths or ids."""
import uuid

import testtools

from nova_lite.api import metrics as api_metrics
from tests.unit.api import fakes
from tests.unit.metrics import helpers

SERVERS = '/v2.1/servers'
REQUESTS = 'nova_lite_api_requests_total'
SECONDS = 'nova_lite_api_request_duration_seconds_count'


class TestRequestMetrics(fakes.APITestCase):

    def test_create_counted_under_its_route_template(self):
        before = helpers.registry_samples()
        server_id = self.create_server()
        self.create_server()
        self.assertEqual(200, self.get('%s/%s' % (SERVERS, server_id))
                         .status_code)
        self.assertEqual(404, self.get('%s/%s' % (SERVERS, uuid.uuid4()))
                         .status_code)
        self.assertEqual(404, self.get('/v2.1/no-such/%s' % uuid.uuid4())
                         .status_code)
        after = helpers.registry_samples()
        self.assertEqual(2, helpers.delta(
            before, after, REQUESTS, route=SERVERS, method='POST',
            code='202'))
        self.assertEqual(2, helpers.delta(
            before, after, SECONDS, route=SERVERS, method='POST'))
        show = SERVERS + '/<server_id>'
        self.assertEqual(1, helpers.delta(before, after, REQUESTS,
                                          route=show, method='GET',
                                          code='200'))
        self.assertEqual(1, helpers.delta(before, after, REQUESTS,
                                          route=show, method='GET',
                                          code='404'))
        self.assertEqual(1, helpers.delta(before, after, REQUESTS,
                                          route='none', method='GET',
                                          code='404'))
        self.assertEqual([], helpers.unbounded_labels(after))

    def test_unknown_method_is_other(self):
        before = helpers.registry_samples()
        self.api.request('BREW', SERVERS)
        after = helpers.registry_samples()
        self.assertEqual(1, helpers.delta(before, after, REQUESTS,
                                          method='other'))


class TestLabels(testtools.TestCase):

    def test_labels(self):
        env = {'REQUEST_METHOD': 'DELETE',
               api_metrics.ROUTE_KEY: '/v2.1/servers/<server_id>'}
        self.assertEqual(('/v2.1/servers/<server_id>', 'DELETE', '204'),
                         api_metrics.labels(env, '204 No Content'))
        self.assertEqual(('none', 'other', '500'),
                         api_metrics.labels({'REQUEST_METHOD': 'x'}, None))
        self.assertEqual('500', api_metrics.labels({}, 'garbage')[2])

    def test_hygiene_regex_catches_ids(self):
        found = {('x_total', frozenset({('route', str(uuid.uuid4()))})): 1,
                 ('y_total', frozenset({('rid', 'req-%s' % uuid.uuid4())})):
                     1,
                 ('z_total', frozenset({('route', '/v2.1/servers/<id>')})):
                     1}
        self.assertEqual(['x_total', 'y_total'],
                         sorted(n for n, _k, _v in
                                helpers.unbounded_labels(found)))
