"""Links of the compute API views (``nova_lite.api.openstack``): the base
URL is computed once per request, ids are quoted as one path segment."""
import flask

from nova_lite.api import openstack
from tests.unit.api import fakes


class LinksTest(fakes.APITestCase):

    def _app(self):
        app = flask.Flask('links-test')
        app.config[openstack.CONF_KEY] = self.api.conf.conf
        return app

    def test_ids_are_one_quoted_segment(self):
        with self._app().test_request_context('/v2.1/servers',
                                              'http://h:8774/'):
            self.assertEqual(
                [{'rel': 'self', 'href': 'http://h:8774/v2.1/flavors/a%20b'
                                         '%2Fc'},
                 {'rel': 'bookmark', 'href': 'http://h:8774/flavors/a%20b'
                                             '%2Fc'}],
                openstack.resource_links('flavors', 'a b/c'))
            self.assertEqual(
                [{'rel': 'bookmark', 'href': 'http://h:8774/images/'
                  + fakes.IMAGE_UUID}],
                openstack.bookmark_link('images', fakes.IMAGE_UUID))
            self.assertEqual('http://x/servers/1', openstack.bookmark_link(
                'servers', 1, base='http://x/')[0]['href'])

    def test_base_url_is_per_request(self):
        app = self._app()
        with app.test_request_context('/', 'http://one:8774/'):
            self.assertEqual('http://one:8774/', openstack.base_url())
        self.api.conf.config(public_endpoint='https://cloud.example/',
                             group='api')
        with app.test_request_context('/', 'http://two:8774/'):
            self.assertEqual('https://cloud.example/', openstack.base_url())

    def test_server_links_use_the_request_host(self):
        server_id = self.create_server()
        for host in ('one', 'two'):
            resp = self.api.client.get(
                '/v2.1/servers/detail', 'http://%s:8774/' % host,
                headers=fakes.MEMBER)
            server = resp.json['servers'][0]
            self.assertEqual('http://%s:8774/v2.1/servers/%s'
                             % (host, server_id), server['links'][0]['href'])
            self.assertEqual('http://%s:8774/flavors/1' % host,
                             server['flavor']['links'][0]['href'])
