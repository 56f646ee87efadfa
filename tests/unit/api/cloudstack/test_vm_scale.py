"""scaleVirtualMachine (async: resize, confirmed by its job) and
changeServiceForVirtualMachine (sync, Stopped VMs) over the in-process
resize stack (``tests.unit.compute.resize_harness``)."""
import fixtures

from nova_lite.compute import states
from nova_lite.db import flavors as flavor_db
from nova_lite.db import instances as instance_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes
from tests.unit.compute import resize_harness


class VMScaleTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        flavor_db.flavor_create(self.admin, {
            'flavorid': 'big', 'name': 'm1.big', 'vcpus': 2,
            'memory_mb': 1024, 'root_gb': 2})
        self.stack = self.useFixture(resize_harness.ResizeStack(self.admin))
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0][
            'id']
        self.vm = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, name='vm1', zoneid=zone)[1][
            'deployvirtualmachineresponse']['id']
        self.stack.queue.clear()

    def job(self, body, command):
        job_id = body[command.lower() + 'response']['jobid']
        return self.json('queryAsyncJobResult', jobid=job_id)[1][
            'queryasyncjobresultresponse']

    def test_scale_running_vm_resizes_and_confirms(self):
        self.stack.boot(self.vm, 'src')
        status, body = self.json('scaleVirtualMachine', id=self.vm,
                                 serviceofferingid='big')
        self.assertEqual(200, status, body)
        self.stack.drain()
        # The first poll confirms the VERIFY_RESIZE server, the next one
        # (after the source removed the old guest) completes the job.
        self.assertEqual(0, self.job(body, 'scaleVirtualMachine')[
            'jobstatus'])
        self.assertEqual(['confirm_resize'], self.stack.drain())
        job = self.job(body, 'scaleVirtualMachine')
        self.assertEqual(1, job['jobstatus'], job)
        vm = job['jobresult']['virtualmachine']
        self.assertEqual(('Running', 'big', 2, 1024), (
            vm['state'], vm['serviceofferingid'], vm['cpunumber'],
            vm['memory']))
        self.assertEqual({self.vm: ('dst', 2, 1024, 2)},
                         self.stack.check_exact(self, fakes.PROJECT))

    def test_scale_refused_offering_and_failure(self):
        self.stack.boot(self.vm, 'src')
        status, body = self.json('scaleVirtualMachine', id=self.vm,
                                 serviceofferingid='1')
        self.assertEqual(431, status)
        self.assertIn('must change flavor', body['scalevirtualmachine'
                                                 'response']['errortext'])
        self.stack.drivers['dst']._resize_state()
        self.stack.drivers['dst'].fail_resize.add('finish')
        status, body = self.json('scaleVirtualMachine', id=self.vm,
                                 serviceofferingid='big')
        self.stack.drain()
        job = self.job(body, 'scaleVirtualMachine')
        self.assertEqual(2, job['jobstatus'], job)
        self.assertIn('Failed to scale', job['jobresult']['errortext'])

    def test_change_service_of_stopped_vm_is_synchronous(self):
        self.stack.boot(self.vm, 'src', vm_state=states.STOPPED)
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.commands.vm_scale.wait',
            lambda _seconds: self.stack.drain()))
        status, body = self.json('changeServiceForVirtualMachine',
                                 id=self.vm, serviceofferingid='big')
        self.assertEqual(200, status, body)
        vm = body['changeserviceforvirtualmachineresponse'][
            'virtualmachine']
        self.assertEqual(('Stopped', 'big', 2), (
            vm['state'], vm['serviceofferingid'], vm['cpunumber']))
        self.assertEqual(states.STOPPED, instance_db.instance_get(
            self.admin, self.vm).vm_state)

    def test_change_service_needs_a_stopped_vm(self):
        self.stack.boot(self.vm, 'src')
        status, body = self.json('changeServiceForVirtualMachine',
                                 id=self.vm, serviceofferingid='big')
        self.assertEqual(431, status)
        self.assertIn('is Running', body[
            'changeserviceforvirtualmachineresponse']['errortext'])

    def test_change_service_times_out(self):
        self.stack.boot(self.vm, 'src', vm_state=states.STOPPED)
        self.api.conf.config(group='cloudstack', change_service_timeout=1)
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.commands.vm_scale.POLL_INTERVAL', 0.5))
        status, body = self.json('changeServiceForVirtualMachine',
                                 id=self.vm, serviceofferingid='big')
        self.assertEqual(530, status)
        self.assertIn('still in progress', body[
            'changeserviceforvirtualmachineresponse']['errortext'])
