"""migrateVirtualMachine (async, admin: a cold migration of a Stopped
VM, confirmed by its job; a live migration of a Running one) over the
in-process resize stack (``tests.unit.compute.resize_harness``).

The live migrations' conductor cast has no listener on the unit tests'
bus: their steps are recorded with the conductor's own functions
(``conductor.live_migrate``), as the computes would through RPC; the
whole flow runs in tests/functional/test_live_migration.py."""
import fixtures

from nova_lite.compute import states
from nova_lite import context as nl_context
from nova_lite.conductor import live_migrate
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import services as service_db
from nova_lite.db import volumes as volume_db
from nova_lite import servicegroup
from nova_lite.volume import api as volume_api
from nova_lite.volume import server_volumes
from tests.unit.api import test_volume_api
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
        job_id = (body.get('migratevirtualmachineresponse') or body[
            'migratevirtualmachinewithvolumeresponse'])['jobid']
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

    def test_stopped_vm_with_a_volume_keeps_it(self):
        """doc/volumes.md, "Moves": the volume's export goes to the new
        host (source allowed until the job confirms), the guest there
        has the disk."""
        rpc = test_volume_api.FakeVolumeRPC()
        self.useFixture(fixtures.MockPatchObject(volume_api, '_RPC', rpc))
        service_db.service_register(self.admin, 'storage1',
                                    servicegroup.VOLUME, 'volume')
        self.stack.boot(self.vm, 'src', vm_state=states.STOPPED)
        volume = volume_api.create(nl_context.RequestContext(
            user_id='u', project_id=fakes.PROJECT, roles=['member']), 1)
        volume_db.volume_update(self.admin, volume['uuid'], {
            'status': 'available', 'provider_location': '/x'}, 'creating')
        att = server_volumes.reserve(self.admin, self.vm, volume['uuid'])
        self.stack.managers['src'].attach_volume(
            self.admin, self.vm, volume['uuid'], att['uuid'])
        status, body = self.json('migrateVirtualMachineWithVolume',
                                 virtualmachineid=self.vm,
                                 hostid=self.host_id('dst2'))
        self.assertEqual(200, status, body)
        rpc.calls.clear()
        self.stack.drain()
        self.job(body)
        self.stack.drain()
        self.assertEqual(1, self.job(body)['jobstatus'])
        # finish_resize on dst2 (source still allowed), confirm on src.
        self.assertEqual([('export_access', 'dst2', 'src'),
                          ('export_access', 'dst2', None)],
                         [(c[0], c[4]['host'], (c[5] or [{}])[0].get(
                             'host')) for c in rpc.calls])
        found = server_volumes.find(self.admin, self.vm, volume['uuid'])
        self.assertEqual(('attached', 'dst2'), (found['attach_status'],
                                                found['attached_host']))
        self.assertIn('vdb',
                      self.stack.drivers['dst2']._guests[self.vm]['volumes'])
        self.assertNotIn(self.vm, self.stack.drivers['src']._guests)

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

    def state(self):
        return self.json('listVirtualMachines', id=self.vm)[1][
            'listvirtualmachinesresponse']['virtualmachine'][0]['state']

    def start_live(self, command='migrateVirtualMachine'):
        self.stack.boot(self.vm, 'src')
        status, body = self.json(command, virtualmachineid=self.vm,
                                 hostid=self.host_id('dst'))
        self.assertEqual(200, status, body)
        self.assertEqual('Migrating', self.state())
        (migration,) = migration_db.migration_get_all(self.admin)
        self.assertEqual(('live-migration', 'accepted', 'src'), (
            migration['migration_type'], migration['status'],
            migration['source_compute']))
        job_id = body[command.lower() + 'response']['jobid']

        def job():
            return self.json('queryAsyncJobResult', jobid=job_id)[1][
                'queryasyncjobresultresponse']
        self.assertEqual(0, job()['jobstatus'])
        self.assertEqual(1, len(self.json(
            'listVirtualMachines', state='Migrating')[1][
            'listvirtualmachinesresponse']['virtualmachine']))
        return migration, job

    def test_running_vm_is_live_migrated(self):
        migration, job = self.start_live()
        live_migrate.live_migration_finished(
            self.admin, self.vm, migration['uuid'], 'dst', 'dst', 1, None)
        result = job()
        self.assertEqual(1, result['jobstatus'], result)
        vm = result['jobresult']['virtualmachine']
        self.assertEqual(('Running', 'dst'), (vm['state'], vm['hostname']))

    def test_with_volume_failure_fails_the_job(self):
        migration, job = self.start_live('migrateVirtualMachineWithVolume')
        live_migrate.live_migration_rollback(
            self.admin, self.vm, migration['uuid'], 'error',
            'injected copy failure', 'src', {
                'name': 'compute_live_migration', 'result': 'Error',
                'start': '2026-01-01T00:00:00.000000',
                'details': 'injected copy failure', 'finish_action': True})
        result = job()
        self.assertEqual(2, result['jobstatus'], result)
        self.assertIn('injected copy failure',
                      result['jobresult']['errortext'])
        self.assertEqual('Running', self.state())

    def test_refusals(self):
        self.stack.boot(self.vm, 'src')
        status, body = self.json('migrateVirtualMachine',
                                 virtualmachineid=self.vm)
        self.assertEqual(431, status)
        self.assertIn('hostid is required', body[
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
