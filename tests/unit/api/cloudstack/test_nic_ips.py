"""addIpToNic, removeIpFromNic and listNics: a secondary IP on a VM's NIC
(its port's second address; listVirtualMachines' and listNics'
``secondaryip``), the async jobs that complete once the VM's host
applied it (the engine's addFixedIp/removeFixedIp actions, finished
here as the compute's conductor does), events and errors. The compute's
casts are recorded (no compute listens here)."""
import fixtures

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import context as nl_context
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite.network import api as network_api
from nova_lite.objects import instance as instance_obj
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

V2 = '/network/v2.0'
MISSING = '00000000-0000-4000-8000-000000000000'


class NicIpsTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.casts = []
        for name in ('add_fixed_ip_to_instance',
                     'remove_fixed_ip_from_instance'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, autospec=True,
                side_effect=self._recorder(name)))
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=zone['id'], name='vm1')
        self.assertEqual(200, status, body)
        self.vm_id = body['deployvirtualmachineresponse']['id']
        (self.vif,) = network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=self.vm_id))
        instance_db.instance_update(self.api.admin_context, self.vm_id, {
            'host': 'node1', 'vm_state': 'active', 'task_state': None})
        (self.nic,) = self.nics()

    def _recorder(self, name):
        def record(_client, _context, host, instance_uuid, address):
            self.casts.append((name, host, instance_uuid, address))
        return record

    def nics(self):
        vm = self.json('listVirtualMachines', id=self.vm_id)[1][
            'listvirtualmachinesresponse']['virtualmachine'][0]
        return vm['nic']

    def job(self, body, command):
        job_id = body[command.lower() + 'response']['jobid']
        return self.json('queryAsyncJobResult', jobid=job_id)[1][
            'queryasyncjobresultresponse']

    def host_applied(self, result='Success'):
        """The compute's event, as its conductor records it: the VM's
        latest action finishes."""
        action_db.action_event_record(
            nl_context.get_admin_context(), self.vm_id, 'compute_x', result,
            'node1', None, finish_action=True)

    def ok(self, command, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body

    def test_add_list_and_remove(self):
        body = self.ok('addIpToNic', nicid=self.nic['id'])
        ip_id = body['addiptonicresponse']['id']
        ((name, host, vm_id, address),) = self.casts
        self.assertEqual(('add_fixed_ip_to_instance', 'node1', self.vm_id),
                         (name, host, vm_id))
        self.assertEqual(0, self.job(body, 'addIpToNic')['jobstatus'])
        self.host_applied()
        job = self.job(body, 'addIpToNic')
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual({'nicsecondaryip': {
            'id': ip_id, 'ipaddress': address, 'nicid': self.nic['id'],
            'networkid': self.nic['networkid'],
            'virtualmachineid': self.vm_id}}, job['jobresult'])
        # One NIC (the port), its first address primary, the new one
        # secondary; the NIC keeps its id.
        (nic,) = self.nics()
        self.assertEqual(dict(self.nic, secondaryip=[
            {'id': ip_id, 'ipaddress': address}]), nic)
        listed = self.ok('listNics', virtualmachineid=self.vm_id)[
            'listnicsresponse']
        self.assertEqual((1, [dict(nic, virtualmachineid=self.vm_id)]),
                         (listed['count'], listed['nic']))
        self.assertEqual({}, self.ok('listNics', virtualmachineid=self.vm_id,
                                     networkid=MISSING)['listnicsresponse'])

        body = self.ok('removeIpFromNic', id=ip_id)
        self.assertEqual(('remove_fixed_ip_from_instance', address),
                         (self.casts[-1][0], self.casts[-1][3]))
        self.assertEqual(0, self.job(body, 'removeIpFromNic')['jobstatus'])
        self.host_applied()
        job = self.job(body, 'removeIpFromNic')
        self.assertEqual((1, {'success': True}), (job['jobstatus'],
                                                  job['jobresult']))
        self.assertEqual([self.nic], self.nics())
        events = self.ok('listEvents')['listeventsresponse']['event']
        self.assertEqual(['NIC.SECONDARY.IP.ASSIGN',
                          'NIC.SECONDARY.IP.UNASSIGN'],
                         sorted(e['type'] for e in events
                                if e['type'].startswith('NIC.')))

    def test_given_address_and_its_errors(self):
        network = self.api.network
        prefix = self.vif.address.rsplit('.', 1)[0]
        wanted = '%s.%d' % (prefix, 200 if not self.vif.address.endswith(
            '.200') else 201)
        body = self.ok('addIpToNic', nicid=self.nic['id'], ipaddress=wanted)
        self.assertEqual(wanted, self.casts[-1][3])
        self.assertEqual(wanted, self.nics()[0]['secondaryip'][0][
            'ipaddress'])
        # In use (this VM's own secondary IP): 536; outside the NIC's
        # network, malformed: 431.
        for address, code in ((wanted, 536), ('192.0.2.5', 431),
                              ('not-an-ip', 431)):
            status, body = self.json('addIpToNic', nicid=self.nic['id'],
                                     ipaddress=address)
            self.assertEqual(code, status, (address, body))
        self.assertEqual(network['uuid'], self.nic['networkid'])

    def test_failed_apply_fails_the_job(self):
        body = self.ok('addIpToNic', nicid=self.nic['id'])
        self.host_applied('Error')
        job = self.job(body, 'addIpToNic')
        self.assertEqual(2, job['jobstatus'], job)
        self.assertIn('failed to apply', job['jobresult']['errortext'])

    def test_unknown_ids_and_states(self):
        for command, params in (
                ('addIpToNic', {'nicid': MISSING}),
                ('removeIpFromNic', {'id': MISSING}),
                # The primary address has no secondary IP id.
                ('removeIpFromNic', {'id': self.nic['id']}),
                ('listNics', {'virtualmachineid': MISSING})):
            status, body = self.json(command, **params)
            self.assertEqual(431, status, (command, body))
        instance_db.instance_update(self.api.admin_context, self.vm_id,
                                    {'task_state': 'rebooting'})
        status, body = self.json('addIpToNic', nicid=self.nic['id'])
        self.assertEqual(431, status, body)
        self.assertEqual([], self.casts)

    def test_readers_list_but_do_not_change(self):
        self.roles = ['reader']
        self.ok('listNics', virtualmachineid=self.vm_id)
        status, body = self.json('addIpToNic', nicid=self.nic['id'])
        self.assertEqual(432, status, body)
        self.assertEqual([], self.casts)
