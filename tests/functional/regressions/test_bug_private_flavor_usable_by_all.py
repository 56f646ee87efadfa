"""Regression: any project could show and boot a private flavor
(``os-flavor-access:is_public: false``), which only its creator's admins
should use (nova_lite has no flavor access lists).  Non-admins now get
404 on show and 400 ("could not be found") on boot, as for an unknown
flavor (found by Tempest's
FlavorsAdminTestJSON.test_create_server_with_non_public_flavor)."""
from tests.unit.api import fakes


class TestPrivateFlavor(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        resp = self.post('/v2.1/flavors', {'flavor': {
            'name': 'private', 'ram': 64, 'vcpus': 1, 'disk': 1,
            'id': 'priv', 'os-flavor-access:is_public': False}},
            fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))

    def test_member_cannot_show_or_boot(self):
        self.assertFault(self.get('/v2.1/flavors/priv'), 404, 'itemNotFound')
        resp = self.post('/v2.1/servers', {'server': {
            'name': 'vm', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': 'priv'}})
        self.assertFault(resp, 400, 'badRequest', 'could not be found')
        self.assertEqual(0, self.api.count_instances())

    def test_admin_can_show_and_boot(self):
        resp = self.get('/v2.1/flavors/priv', fakes.ADMIN)
        self.assertEqual(200, resp.status_code)
        self.assertFalse(resp.json['flavor']['os-flavor-access:is_public'])
        self.create_server(fakes.ADMIN, flavorRef='priv')
