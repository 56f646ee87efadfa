"""Microversions 2.37 and later: each change before and after its version
(compute API reference, REST API version history)."""
from nova_lite.api import microversion
from nova_lite.db import instances as instance_db
from tests.unit.api import fakes

SERVERS = '/v2.1/servers'


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


def server(**fields):
    body = {'name': 'web', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}
    body.update(fields)
    return {'server': body}


class NetworksAtCreateTest(fakes.APITestCase):
    """2.37: ``networks`` required; a list, ``auto`` or ``none``."""

    def _request(self, server_id):
        row = instance_db.instance_get(self.api.admin_context, server_id,
                                       project_only=False)
        return row.network_request

    def test_networks_may_be_omitted_before_2_37(self):
        resp = self.post(SERVERS, server(), at('2.36'))
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        self.assertIsNone(self._request(resp.json['server']['id']))

    def test_networks_required_from_2_37(self):
        self.assertFault(self.post(SERVERS, server(), at('2.37')), 400,
                         'badRequest', "'networks' is a required property")

    def test_auto_none_and_a_list_from_2_37(self):
        net = self.api.network['uuid']
        for networks, expected in (('auto', None), ('none', 'none'),
                                   ([{'uuid': net}], None), ([], None)):
            resp = self.post(SERVERS, server(networks=networks), at('2.37'))
            self.assertEqual(202, resp.status_code, resp.get_data(True))
            self.assertEqual(expected,
                             self._request(resp.json['server']['id']))

    def test_none_also_before_2_37(self):
        # Clients send the 2.37 strings at older versions too.
        resp = self.post(SERVERS, server(networks='none'), at('2.1'))
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        self.assertEqual('none', self._request(resp.json['server']['id']))

    def test_a_server_without_network_shows_no_address(self):
        server_id = self.post(SERVERS, server(networks='none'),
                              at('2.37')).json['server']['id']
        shown = self.get(SERVERS + '/' + server_id, at('2.37')).json
        self.assertEqual({}, shown['server']['addresses'])

    def test_uuid_strictly_a_uuid_and_other_strings_refused(self):
        for networks in ([{'uuid': 'net1'}], 'some', [{'port': 'x'}]):
            self.assertFault(self.post(SERVERS, server(networks=networks),
                                       at('2.37')), 400, 'badRequest',
                             'server/networks')
