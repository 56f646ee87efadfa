"""deployVirtualMachine names the guest before its build is cast, and
listVirtualMachines pages and filters in SQL with the same answers as
before (count of every match, the page asked, filters on state, name,
keyword and zone)."""
import fixtures
import testtools

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


class ListVirtualMachinesStatsTest(test_endpoint.CloudStackTestCase):
    """details=stats (or all) adds the usage counters of running VMs,
    from one compute RPC call each (here a real ComputeManager with the
    fake driver); without it no call is made."""

    def setUp(self):
        super().setUp()
        from oslo_messaging.rpc import dispatcher as rpc_dispatcher

        from nova_lite.compute import manager as compute_manager
        from nova_lite.compute import rpcapi as compute_rpcapi
        from nova_lite.virt import fake
        from tests.unit.compute import local_conductor

        self.driver = fake.FakeDriver('node1')
        manager = compute_manager.ComputeManager('node1', driver=self.driver)
        manager.conductor = local_conductor.LocalConductor()
        self.addCleanup(manager._executor.shutdown, wait=False)
        self.calls = []

        def call(_rpcapi, context, host, instance_uuid, standard=True,
                 timeout=None):
            self.calls.append((host, instance_uuid, standard, timeout))
            try:
                return manager.get_instance_diagnostics(
                    context, instance_uuid, standard=standard)
            except rpc_dispatcher.ExpectedException as wrapped:
                raise wrapped.exc_info[1] from None

        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'get_instance_diagnostics', call))
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0][
            'id']
        self.uuids = [self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, name='vm%d' % n, zoneid=zone)[1][
            'deployvirtualmachineresponse']['id'] for n in range(2)]
        self.running = self.uuids[0]
        self._spawn(self.running)

    def _spawn(self, uuid):
        from nova_lite.conductor import compute_proxy
        from nova_lite.network import api as network_api
        ctx = self.api.admin_context
        nw = network_api.allocate_for_instance(
            ctx, compute_proxy.instance_get(ctx, uuid))
        instance_db.instance_update(ctx, uuid, {
            'host': 'node1', 'node': 'node1', 'vm_state': states.ACTIVE,
            'task_state': None, 'power_state': states.RUNNING})
        self.driver.spawn(ctx, compute_proxy.instance_get(ctx, uuid), None,
                          nw)

    def vms(self, **params):
        status, body = self.json('listVirtualMachines', **params)
        self.assertEqual(200, status, body)
        return {vm['id']: vm for vm in body['listvirtualmachinesresponse'][
            'virtualmachine']}

    def test_stats_of_running_vms(self):
        for details in ('stats', 'all', 'nics,STATS'):
            vms = self.vms(details=details)
            vm = vms[self.running]
            self.assertEqual({
                'cpuused': '0.0%', 'networkkbsread': 0,
                'networkkbswrite': 0, 'diskkbsread': 0, 'diskkbswrite': 0,
                'diskioread': 0, 'diskiowrite': 0, 'memorykbs': 512 * 1024,
                'memorytargetkbs': 512 * 1024},
                {k: vm[k] for k in vm if k.startswith(
                    ('cpuused', 'network', 'disk', 'memory')) and
                 k != 'memory'})
            self.assertNotIn('memoryintfreekbs', vm)
            self.assertNotIn('cpuused', vms[self.uuids[1]])
        # One call per listing, for the running VM only.
        self.assertEqual([('node1', self.running, True, 10)] * 3,
                         self.calls)

    def test_no_call_without_stats(self):
        for params in ({}, {'details': 'nics,tmpl'}):
            vm = self.vms(**params)[self.running]
            self.assertNotIn('cpuused', vm)
        self.assertEqual([], self.calls)

    def test_a_vm_whose_compute_fails_is_listed_without_stats(self):
        self.driver.power_off(self._instance(self.running))
        vm = self.vms(details='stats')[self.running]
        self.assertNotIn('cpuused', vm)
        self.assertEqual(1, len(self.calls))

    def _instance(self, uuid):
        from nova_lite.conductor import compute_proxy
        return compute_proxy.instance_get(self.api.admin_context, uuid)

    def test_unknown_details_value_is_refused(self):
        status, body = self.json('listVirtualMachines', details='stats,bogus')
        self.assertEqual(431, status, body)
        self.assertIn('details', str(body))
        self.assertEqual([], self.calls)


class StatsFieldsTest(testtools.TestCase):

    def test_totals_and_average_cpu_use(self):
        from nova_lite.api.cloudstack import vm_views
        from nova_lite.virt import diagnostics
        found = diagnostics.standard(
            1, 'libvirt', uptime=100,
            cpu_details=[diagnostics.cpu(id=0, time=50 * 10 ** 9),
                         diagnostics.cpu(id=1, time=25 * 10 ** 9)],
            nic_details=[diagnostics.nic(mac_address='m1', rx_octets=4096,
                                         tx_octets=2048),
                         diagnostics.nic(mac_address='m2')],
            disk_details=[diagnostics.disk(read_bytes=10240, read_requests=3,
                                           write_bytes=1024,
                                           write_requests=1)],
            memory_maximum=256, memory_used=200, memory_unused_kib=1000)
        self.assertEqual({
            'cpuused': '37.5%', 'networkkbsread': 4, 'networkkbswrite': 2,
            'diskkbsread': 10, 'diskkbswrite': 1, 'diskioread': 3,
            'diskiowrite': 1, 'memorykbs': 256 * 1024,
            'memorytargetkbs': 200 * 1024, 'memoryintfreekbs': 1000},
            vm_views.stats_fields(found))

    def test_unknown_counters_are_left_out(self):
        from nova_lite.api.cloudstack import vm_views
        from nova_lite.virt import diagnostics
        found = diagnostics.standard(
            1, 'libvirt', nic_details=[diagnostics.nic(mac_address='m')],
            cpu_details=[diagnostics.cpu(id=0, time=5)])
        self.assertEqual({}, vm_views.stats_fields(found))


class ShelvedVirtualMachinesTest(test_endpoint.CloudStackTestCase):
    """CloudStack has no shelve: a server shelved through the compute
    API is Stopped (doc/lifecycle-shelve.md) and cannot be started."""

    def test_shelved_is_stopped_and_refuses_start(self):
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json('deployVirtualMachine',
                                 serviceofferingid='1', zoneid=zone['id'],
                                 templateid=fakes.IMAGE_UUID, name='vm0')
        self.assertEqual(200, status, body)
        uuid = body['deployvirtualmachineresponse']['id']
        for vm_state, host in ((states.SHELVED, 'node1'),
                               (states.SHELVED_OFFLOADED, None)):
            instance_db.instance_update(self.api.admin_context, uuid, {
                'vm_state': vm_state, 'task_state': None, 'host': host})
            (vm,) = self.json('listVirtualMachines')[1][
                'listvirtualmachinesresponse']['virtualmachine']
            self.assertEqual('Stopped', vm['state'])
            status, body = self.json('startVirtualMachine', id=uuid)
            self.assertEqual(431, status, body)
