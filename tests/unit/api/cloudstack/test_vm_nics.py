"""addNicToVirtualMachine and removeNicFromVirtualMachine: a NIC on
another network (listVirtualMachines' ``nic`` list), its removal as an
async job that completes once the port left the VM, and the errors.
The compute's RPC is recorded (no compute listens here); the detach's
port release is what its conductor does."""
import fixtures

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.db import instances as instance_db
from nova_lite.network import api as network_api
from nova_lite.network import interfaces as network_interfaces
from nova_lite.objects import instance as instance_obj
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

V2 = '/network/v2.0'


class VMNicsTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.calls = []
        for name in ('attach_interface', 'detach_interface'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, autospec=True,
                side_effect=self._recorder(name)))
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=zone['id'], name='vm1')
        self.assertEqual(200, status, body)
        self.vm_id = body['deployvirtualmachineresponse']['id']
        network_api.allocate_for_instance(
            self.api.admin_context, instance_obj.Instance(uuid=self.vm_id))
        self.set_instance(self.vm_id, host='node1', vm_state='active',
                          task_state=None)
        resp = self.api.request('POST', V2 + '/networks', {'network': {
            'name': 'blue'}})
        self.net_id = resp.json['network']['id']
        self.assertEqual(201, self.api.request(
            'POST', V2 + '/subnets', {'subnet': {
                'network_id': self.net_id, 'cidr': '10.1.0.0/28',
                'ip_version': 4}}).status_code)

    def set_instance(self, uuid, **values):
        instance_db.instance_update(self.api.admin_context, uuid, values)

    def _recorder(self, name):
        def record(_client, _context, host, instance_uuid, port_id):
            self.calls.append((name, host, instance_uuid, port_id))
        return record

    def nics(self):
        vm = self.json('listVirtualMachines', id=self.vm_id)[1][
            'listvirtualmachinesresponse']['virtualmachine'][0]
        return vm['nic']

    def job(self, body, command):
        job_id = body[command.lower() + 'response']['jobid']
        return self.json('queryAsyncJobResult', jobid=job_id)[1][
            'queryasyncjobresultresponse']

    def test_add_and_remove_a_nic(self):
        status, body = self.json('addNicToVirtualMachine',
                                 virtualmachineid=self.vm_id,
                                 networkid=self.net_id,
                                 ipaddress='10.1.0.7')
        self.assertEqual(200, status, body)
        job = self.job(body, 'addNicToVirtualMachine')
        self.assertEqual(1, job['jobstatus'], job)
        nics = job['jobresult']['virtualmachine']['nic']
        self.assertEqual(2, len(nics))
        (added,) = [n for n in nics if n['networkid'] == self.net_id]
        self.assertEqual(('10.1.0.7', False), (added['ipaddress'],
                                                added['isdefault']))
        self.assertEqual(nics, self.nics())
        ((name, host, vm_id, port_id),) = self.calls
        self.assertEqual(('attach_interface', 'node1', self.vm_id),
                         (name, host, vm_id))

        status, body = self.json('removeNicFromVirtualMachine',
                                 virtualmachineid=self.vm_id,
                                 nicid=added['id'])
        self.assertEqual(200, status, body)
        self.assertEqual(('detach_interface', port_id), (
            self.calls[-1][0], self.calls[-1][3]))
        command = 'removeNicFromVirtualMachine'
        self.assertEqual(0, self.job(body, command)['jobstatus'])
        network_interfaces.release_port(self.api.admin_context, self.vm_id,
                                        port_id)
        job = self.job(body, command)
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual([self.api.network['uuid']], [
            n['networkid'] for n in job['jobresult']['virtualmachine'][
                'nic']])

    def test_errors(self):
        missing = '00000000-0000-4000-8000-000000000000'
        for params in (
                {'virtualmachineid': missing, 'networkid': self.net_id},
                {'virtualmachineid': self.vm_id, 'networkid': missing},
                {'virtualmachineid': self.vm_id, 'networkid': self.net_id,
                 'ipaddress': '10.9.9.9'},
                {'virtualmachineid': self.vm_id}):
            status, body = self.json('addNicToVirtualMachine', **params)
            self.assertEqual(431, status, (params, body))
        status, body = self.json('removeNicFromVirtualMachine',
                                 virtualmachineid=self.vm_id, nicid=missing)
        self.assertEqual(431, status, body)
        self.assertIn('no such NIC', str(body))
        self.set_instance(self.vm_id, task_state='rebooting')
        status, body = self.json('addNicToVirtualMachine',
                                 virtualmachineid=self.vm_id,
                                 networkid=self.net_id)
        self.assertEqual(431, status, body)
        self.assertEqual([], self.calls)
