"""prepareHostForMaintenance / cancelHostMaintenance (async, admin) and
migrateVirtualMachine across clusters, over the live migration stack of
``tests.unit.compute.test_live_migration`` (API, conductor task,
scheduler, three computes with fake drivers; casts run by ``drain``):
src and dst in cluster c1, dst2 in cluster c2."""
from nova_lite.db import claims as claim_db
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import topology as topology_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes
from tests.unit.compute import test_live_migration


class MaintenanceCommandsTest(test_endpoint.CloudStackTestCase):

    roles = ['admin', 'member', 'reader']

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        self.stack = self.useFixture(test_live_migration.LiveStack(
            self.admin, ('src', 'dst', 'dst2')))
        pod = topology_db.pod_create(self.admin, 'nova', 'rack1')
        clusters = [topology_db.cluster_create(self.admin, pod['uuid'], n)
                    for n in ('c1', 'c2')]
        for host, cluster in (('src', 0), ('dst', 0), ('dst2', 1)):
            topology_db.host_set_cluster(self.admin, host,
                                         clusters[cluster]['uuid'])
        zone = self.ok('listZones')['zone'][0]['id']
        self.vm = self.ok('deployVirtualMachine', serviceofferingid='1',
                          templateid=fakes.IMAGE_UUID, name='vm1',
                          zoneid=zone)['id']
        self.stack.queue.clear()
        self.stack.boot(self.vm, 'src')

    def ok(self, command, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body[command.lower() + 'response']

    def host_id(self, host):
        (node,) = node_db.compute_node_get_all(self.admin, host=host)
        return node['uuid']

    def job(self, job_id):
        return self.ok('queryAsyncJobResult', jobid=job_id)

    def resource_state(self, host='src'):
        (found,) = self.ok('listHosts', name=host)['host']
        return found['resourcestate']

    def events(self):
        return [(e['type'], e['state'], e['level']) for e in self.ok(
            'listEvents', listall='true').get('event', [])
            if e['type'].startswith('MAINT')]

    def test_prepare_moves_the_vm_and_cancel_returns_the_host(self):
        job_id = self.ok('prepareHostForMaintenance',
                         id=self.host_id('src'))['jobid']
        self.assertEqual('PrepareForMaintenance', self.resource_state())
        self.assertEqual(0, self.job(job_id)['jobstatus'])
        self.assertEqual(['src'], [h['name'] for h in self.ok(
            'listHosts', resourcestate='PrepareForMaintenance')['host']])
        self.stack.drain()
        job = self.job(job_id)
        self.assertEqual((1, 'Host', 'Maintenance'), (
            job['jobstatus'], job['jobinstancetype'],
            job['jobresult']['host']['resourcestate']))
        (vm,) = self.ok('listVirtualMachines', id=self.vm)['virtualmachine']
        self.assertEqual(('Running', 'dst'), (vm['state'], vm['hostname']))
        status, body = self.json('prepareHostForMaintenance',
                                 id=self.host_id('src'))
        self.assertEqual(536, status, body)
        job = self.job(self.ok('cancelHostMaintenance',
                               id=self.host_id('src'))['jobid'])
        self.assertEqual((1, 'Enabled'), (
            job['jobstatus'], job['jobresult']['host']['resourcestate']))
        self.assertEqual('Enabled', self.resource_state())
        self.assertEqual([('MAINT.PREPARE', 'Started', 'INFO'),
                          ('MAINT.PREPARE', 'Completed', 'INFO'),
                          ('MAINT.CANCEL', 'Completed', 'INFO')],
                         self.events())
        status, body = self.json('cancelHostMaintenance',
                                 id=self.host_id('src'))
        self.assertEqual(536, status, body)

    def test_no_room_in_the_cluster_fails_the_job(self):
        self.assertTrue(claim_db.claim(
            self.admin, self.stack.nodes['dst']['id'], 'filler', 0, 4096,
            0))
        job = self.job(self.ok('prepareHostForMaintenance',
                               id=self.host_id('src'))['jobid'])
        self.assertEqual(2, job['jobstatus'], job)
        text = job['jobresult']['errortext']
        self.assertIn('Unable to prepare host src for maintenance: VMs left '
                      'on it: vm1 (%s): No valid host was found.' % self.vm,
                      text)
        self.assertIn('cluster c1: src (ComputeFilter), dst '
                      '(RamFilter)', text)
        self.assertEqual('ErrorInMaintenance', self.resource_state())
        self.assertEqual([('MAINT.PREPARE', 'Started', 'INFO'),
                          ('MAINT.PREPARE', 'Completed', 'ERROR')],
                         self.events())

    def test_cancel_during_prepare_fails_the_job(self):
        job_id = self.ok('prepareHostForMaintenance',
                         id=self.host_id('src'))['jobid']
        self.ok('cancelHostMaintenance', id=self.host_id('src'))
        job = self.job(job_id)
        self.assertEqual(2, job['jobstatus'], job)
        self.assertIn('was cancelled', job['jobresult']['errortext'])

    def test_live_migration_to_another_cluster_is_431(self):
        status, body = self.json('migrateVirtualMachine',
                                 virtualmachineid=self.vm,
                                 hostid=self.host_id('dst2'))
        self.assertEqual(431, status, body)
        self.assertIn('not in cluster c1', body[
            'migratevirtualmachineresponse']['errortext'])
        # With its volume (a block migration) it may cross.
        job_id = self.ok('migrateVirtualMachineWithVolume',
                         virtualmachineid=self.vm,
                         hostid=self.host_id('dst2'))['jobid']
        self.stack.drain()
        vm = self.job(job_id)['jobresult']['virtualmachine']
        self.assertEqual('dst2', vm['hostname'])

    def test_unknown_host_is_431(self):
        status, body = self.json('prepareHostForMaintenance',
                                 id='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000')
        self.assertEqual(431, status, body)


class MaintenanceMemberTest(test_endpoint.CloudStackTestCase):

    def test_members_may_not(self):
        for command in ('prepareHostForMaintenance',
                        'cancelHostMaintenance'):
            status, body = self.json(
                command, id='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000')
            self.assertEqual(432, status, body)
