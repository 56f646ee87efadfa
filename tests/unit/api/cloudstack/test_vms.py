"""deployVirtualMachine names the guest before its build is cast, and
listVirtualMachines pages and filters in SQL with the same answers as
before (count of every match, the page asked, filters on state, name,
keyword and zone)."""
import fixtures

from nova_lite.compute import states
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.db import aggregates as aggregate_db
from nova_lite.db import instances as instance_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes


class DeployNameTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.casts = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.ConductorAPI.build_instances',
            self._build_instances))

    def _build_instances(self, _api, context, instances, request_spec,
                         host_lists=None):
        # The record as the compute will read it when the build arrives.
        self.casts.append((
            [i.hostname for i in instances],
            [instance_db.instance_get(context, i.uuid).hostname
             for i in instances]))

    def _zone_id(self):
        return self.json('listZones')[1]['listzonesresponse']['zone'][0][
            'id']

    def test_build_carries_the_cloudstack_name(self):
        self.assertTrue(callable(conductor_rpcapi.ConductorAPI
                                 .build_instances))
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=self._zone_id(),
            name='Web-01', displayname='My web server')
        self.assertEqual(200, status, body)
        self.assertEqual([(['Web-01'], ['Web-01'])], self.casts)
        vm_id = body['deployvirtualmachineresponse']['id']
        vm = self.json('listVirtualMachines', id=vm_id)[1][
            'listvirtualmachinesresponse']['virtualmachine'][0]
        self.assertEqual(('Web-01', 'My web server'),
                         (vm['name'], vm['displayname']))

    def test_without_name_the_host_name_comes_from_the_display_name(self):
        self.json('deployVirtualMachine', serviceofferingid='1',
                  templateid=fakes.IMAGE_UUID, zoneid=self._zone_id(),
                  displayname='My web server')
        self.assertEqual([(['my-web-server'], ['my-web-server'])],
                         self.casts)


class ListVirtualMachinesTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        ctx = self.api.admin_context
        aggregate_db.aggregate_create(ctx, 'agg', availability_zone='az2')
        self.zones = {z['name']: z['id'] for z in self.json('listZones')[1][
            'listzonesresponse']['zone']}
        self.uuids = []
        for index in range(5):
            status, body = self.json(
                'deployVirtualMachine', serviceofferingid='1',
                templateid=fakes.IMAGE_UUID, name='vm%d' % index,
                displayname='Box %d' % index,
                zoneid=self.zones['az2' if index == 4 else 'nova'])
            self.assertEqual(200, status, body)
            self.uuids.append(body['deployvirtualmachineresponse']['id'])
        instance_db.instance_update(ctx, self.uuids[1], {
            'vm_state': states.ACTIVE, 'task_state': None})
        instance_db.instance_update(ctx, self.uuids[2], {
            'vm_state': states.STOPPED, 'task_state': None})

    def names(self, **params):
        params = {k: str(v) for k, v in params.items()}
        body = self.json('listVirtualMachines', **params)[1][
            'listvirtualmachinesresponse']
        return body.get('count'), [vm['name'] for vm in
                                   body.get('virtualmachine', [])]

    def test_pages_newest_first_with_the_count_of_all(self):
        self.assertEqual((5, ['vm4', 'vm3', 'vm2', 'vm1', 'vm0']),
                         self.names())
        self.assertEqual((5, ['vm4', 'vm3']), self.names(pagesize=2))
        self.assertEqual((5, ['vm2', 'vm1']), self.names(page=2,
                                                          pagesize=2))
        self.assertEqual((5, ['vm0']), self.names(page=3, pagesize=2))
        self.assertEqual((5, []), self.names(page=4, pagesize=2))
        self.assertEqual((5, ['vm4', 'vm3', 'vm2', 'vm1', 'vm0']),
                         self.names(pagesize=-1))

    def test_filters(self):
        self.assertEqual((1, ['vm1']), self.names(state='running'))
        self.assertEqual((1, ['vm2']), self.names(state='stopped'))
        self.assertEqual((3, ['vm4', 'vm3', 'vm0']),
                         self.names(state='starting'))
        self.assertEqual((2, ['vm3', 'vm0']),
                         self.names(state='starting', pagesize=2, page=1,
                                    zoneid=self.zones['nova']))
        self.assertEqual((1, ['vm4']), self.names(zoneid=self.zones['az2']))
        self.assertEqual((1, ['vm3']), self.names(name='BOX 3'))
        self.assertEqual((1, ['vm3']), self.names(keyword='M3'))
        self.assertEqual((None, []), self.names(name='box', keyword='x%'))
        self.assertEqual((2, ['vm2', 'vm0']), self.names(
            ids=','.join([self.uuids[0], self.uuids[2]])))
        self.assertEqual((None, []), self.names(
            zoneid='00000000-0000-4000-8000-000000000000'))
        self.assertEqual((None, []), self.names(state='error'))
