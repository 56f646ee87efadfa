"""Regression: ``POST /v2.1/flavors`` with an integer ``id`` was a 400
("... is not of type 'string', 'null'").  The compute API takes the id as
a string or a number and answers it as a string; Tempest's admin flavor
tests send integers (found by tests/tempest)."""
from tests.unit.api import fakes


class TestFlavorCreateIntegerId(fakes.APITestCase):

    def create(self, flavor_id):
        return self.post('/v2.1/flavors', {'flavor': {
            'name': 'int-%s' % flavor_id, 'ram': 64, 'vcpus': 1,
            'disk': 1, 'id': flavor_id}}, fakes.ADMIN)

    def test_integer_id_is_kept_as_string(self):
        resp = self.create(650734649)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual('650734649', resp.json['flavor']['id'])
        resp = self.get('/v2.1/flavors/650734649', fakes.ADMIN)
        self.assertEqual(200, resp.status_code)
        self.assertEqual('int-650734649', resp.json['flavor']['name'])

    def test_other_types_still_refused(self):
        for bad in (True, 1.5, [1], {'a': 1}):
            self.assertFault(self.create(bad), 400, 'badRequest',
                             'flavor/id')
