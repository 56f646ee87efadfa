"""createServiceOffering / deleteServiceOffering over flavors: the
compute API sees the same flavor (and the deployment planner as its
extra spec); admin only; bad input is a 431."""
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class ServiceOfferingsTest(test_endpoint.CloudStackTestCase):

    roles = ['admin', 'member', 'reader']

    def ok(self, command, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body[command.lower() + 'response']

    def test_create_list_and_delete(self):
        offering = self.ok('createServiceOffering', name='big',
                           displaytext='Big one', cpunumber='4',
                           cpuspeed='2000', memory='8192',
                           rootdisksize='20',
                           deploymentplanner='UserDispersingPlanner')[
            'serviceoffering']
        self.assertEqual(('big', 4, 8192, 20, 'Big one',
                          'UserDispersingPlanner'), (
            offering['name'], offering['cpunumber'], offering['memory'],
            offering['rootdisksize'], offering['displaytext'],
            offering['deploymentplanner']))
        listed, = self.ok('listServiceOfferings', name='big')[
            'serviceoffering']
        self.assertEqual(offering['id'], listed['id'])
        self.assertEqual('UserDispersingPlanner', listed['deploymentplanner'])
        resp = self.api.request('GET', '/v2.1/flavors/%s' % offering['id'],
                                headers=fakes.ADMIN)
        self.assertEqual(('big', 4, 8192, 20), tuple(
            resp.json['flavor'][k] for k in ('name', 'vcpus', 'ram',
                                             'disk')))
        resp = self.api.request(
            'GET', '/v2.1/flavors/%s/os-extra_specs' % offering['id'],
            headers=fakes.ADMIN)
        self.assertEqual({'cloudstack:deployment_planner':
                          'UserDispersingPlanner'}, resp.json['extra_specs'])
        self.assertTrue(self.ok('deleteServiceOffering',
                                id=offering['id'])['success'])
        self.assertNotIn('big', [o['name'] for o in self.ok(
            'listServiceOfferings').get('serviceoffering', [])])
        self.assertEqual(['SERVICE.OFFERING.CREATE',
                          'SERVICE.OFFERING.DELETE'], [
            e['type'] for e in self.ok('listEvents').get('event', [])])

    def test_bad_input(self):
        base = {'name': 'x', 'cpunumber': '1', 'memory': '512'}
        for params, code in (({'cpunumber': '0'}, 431),
                             ({'memory': 'lots'}, 431),
                             ({'deploymentplanner': 'Nope'}, 431),
                             ({'issystem': 'true'}, 431),
                             ({'name': 'm1.tiny'}, 536)):
            status, body = self.json('createServiceOffering',
                                     **dict(base, **params))
            self.assertEqual(code, status, (params, body))
        status, body = self.json('deleteServiceOffering', id='nope')
        self.assertEqual(431, status, body)


class ServiceOfferingsMemberTest(test_endpoint.CloudStackTestCase):

    def test_members_may_not(self):
        status, body = self.json('createServiceOffering', name='x',
                                 cpunumber='1', memory='512')
        self.assertEqual(432, status, body)
        status, body = self.json('deleteServiceOffering', id='1')
        self.assertEqual(432, status, body)
