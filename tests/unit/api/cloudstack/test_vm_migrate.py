"""migrateVirtualMachine (async, admin: a cold migration of a Stopped
VM, confirmed by its job) over the in-process resize stack
(``tests.unit.compute.resize_harness``)."""
from nova_lite.compute import states
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes
from tests.unit.compute import resize_harness


class VMMigrateTest(test_endpoint.CloudStackTestCase):

    roles = ['admin', 'member', 'reader']

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        self.stack = self.useFixture(resize_harness.ResizeStack(
            self.admin, ('src', 'dst', 'dst2')))
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0][
            'id']
        self.vm = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, name='vm1', zoneid=zone)[1][
            'deployvirtualmachineresponse']['id']
        self.stack.queue.clear()

    def job(self, body):
        job_id = body['migratevirtualmachineresponse']['jobid']
        return self.json('queryAsyncJobResult', jobid=job_id)[1][
            'queryasyncjobresultresponse']

    def host_id(self, host):
        (node,) = node_db.compute_node_get_all(self.admin, host=host)
        return node['uuid']

    def test_stopped_vm_to_a_named_host(self):
        self.stack.boot(self.vm, 'src', vm_state=states.STOPPED)
        status, body = self.json('migrateVirtualMachine',
                                 virtualmachineid=self.vm,
                                 hostid=self.host_id('dst2'))
        self.assertEqual(200, status, body)
        self.stack.drain()
        self.assertEqual(0, self.job(body)['jobstatus'])   # confirms
        self.assertEqual(['confirm_resize'], self.stack.drain())
        job = self.job(body)
        self.assertEqual(1, job['jobstatus'], job)
        vm = job['jobresult']['virtualmachine']
        self.assertEqual(('Stopped', 'dst2'), (vm['state'], vm['hostname']))
        self.assertEqual({self.vm: ('dst2', 1, 512, 1)},
                         self.stack.check_exact(self, fakes.PROJECT))
        (migration,) = migration_db.migration_get_all(self.admin)
        self.assertEqual(('migration', 'confirmed'), (
            migration['migration_type'], migration['status']))

    def test_scheduler_chooses_without_hostid(self):
        self.stack.boot(self.vm, 'src', vm_state=states.STOPPED)
        status, body = self.json('migrateVirtualMachine',
                                 virtualmachineid=self.vm)
        self.assertEqual(200, status, body)
        self.stack.drain()
        self.job(body)
        self.stack.drain()
        vm = self.job(body)['jobresult']['virtualmachine']
        self.assertIn(vm['hostname'], ('dst', 'dst2'))

    def test_refusals(self):
        self.stack.boot(self.vm, 'src')
        status, body = self.json('migrateVirtualMachine',
                                 virtualmachineid=self.vm)
        self.assertEqual(431, status)
        self.assertIn('no live migration', body[
            'migratevirtualmachineresponse']['errortext'])
        self.stack.drivers['src'].power_off(
            self.stack.managers['src']._instance(self.admin, self.vm))
        instance_db.instance_update(self.admin, self.vm, {
            'vm_state': states.STOPPED})
        status, body = self.json('migrateVirtualMachine',
                                 virtualmachineid=self.vm,
                                 hostid=self.host_id('src'))
        self.assertEqual(431, status)
        self.assertIn('own host', body['migratevirtualmachineresponse'][
            'errortext'])
        status, body = self.json(
            'migrateVirtualMachine', virtualmachineid=self.vm,
            hostid='00000000-0000-0000-0000-000000000000')
        self.assertEqual(431, status)
        self.assertEqual([], migration_db.migration_get_all(self.admin))


class VMMigrateMemberTest(test_endpoint.CloudStackTestCase):

    def test_members_may_not_migrate(self):
        status, body = self.json('migrateVirtualMachine',
                                 virtualmachineid=fakes.IMAGE_UUID)
        self.assertNotEqual(200, status, body)
        self.assertEqual([], migration_db.migration_get_all(
            self.api.admin_context))
