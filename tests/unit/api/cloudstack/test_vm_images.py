"""restoreVirtualMachine, createTemplate and deleteTemplate through the
CloudStack endpoint, with a real ComputeManager on the fake driver
running the compute casts in this thread (see
tests.unit.compute.test_lifecycle): jobs, templates listed and
deployable, errors."""
import fixtures

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.db import images as image_db
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite.db import volumes as volume_db
from nova_lite import context as nl_context
from nova_lite import servicegroup
from nova_lite.volume import api as volume_api
from nova_lite.volume import server_volumes
from nova_lite.objects import instance as instance_obj
from nova_lite.virt import fake
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes
from tests.unit.api import test_volume_api
from tests.unit.compute import local_conductor
from tests.unit.compute import test_lifecycle

HOST = 'node1'


class VMImagesTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        store = self.useFixture(fixtures.TempDir()).path
        self.api.conf.config(group='image', store_path=store)
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.ConductorAPI.build_instances',
            lambda *args, **kwargs: None))
        self.driver = fake.FakeDriver(HOST)
        self.manager = compute_manager.ComputeManager(HOST,
                                                      driver=self.driver)
        self.addCleanup(self.manager._executor.shutdown, wait=False)
        conductor = local_conductor.LocalConductor()
        self.manager.conductor = self.manager.power.conductor = conductor
        images = test_lifecycle.LocalImages(self.api.admin_context)
        self.driver.image_api = self.manager._snapshot_image_api = images
        self.manager.build_flow.image_api = images
        self.hold = False
        for name in ('rebuild_instance', 'snapshot_instance'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))
        self.zone = self.json('listZones')[1]['listzonesresponse']['zone'][
            0]['id']
        self.vm = self.deploy()

    def _cast(self, name):
        def cast(_rpcapi, context, host, *args, **kwargs):
            if not self.hold:
                getattr(self.manager, name)(context, *args, **kwargs)
        return cast

    def deploy(self, template=fakes.IMAGE_UUID):
        status, body = self.json('deployVirtualMachine',
                                 serviceofferingid='1', templateid=template,
                                 zoneid=self.zone, name='vm1')
        self.assertEqual(200, status, body)
        uuid = body['deployvirtualmachineresponse']['id']
        instance_db.instance_update(self.api.admin_context, uuid, {
            'host': HOST, 'vm_state': states.ACTIVE, 'task_state': None,
            'power_state': states.RUNNING})
        self.driver.spawn(None, instance_obj.Instance.from_db(
            instance_db.instance_get(self.api.admin_context, uuid)), None,
            [])
        return uuid

    def stop(self):
        instance_db.instance_update(self.api.admin_context, self.vm, {
            'vm_state': states.STOPPED, 'power_state': states.SHUTDOWN})

    def job(self, body):
        jobid = list(body.values())[0]['jobid']
        status, result = self.json('queryAsyncJobResult', jobid=jobid)
        self.assertEqual(200, status, result)
        return result['queryasyncjobresultresponse']

    def test_restore_virtual_machine(self):
        status, body = self.json('restoreVirtualMachine',
                                 virtualmachineid=self.vm)
        self.assertEqual(200, status, body)
        job = self.job(body)
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual(self.vm, job['jobresult']['virtualmachine']['id'])
        self.assertEqual('Running',
                         job['jobresult']['virtualmachine']['state'])

    def test_restore_keeps_a_data_volume(self):
        """doc/volumes.md, "Moves": the restored guest has the volume's
        disk again, the attachment stays."""
        rpc = test_volume_api.FakeVolumeRPC()
        self.useFixture(fixtures.MockPatchObject(volume_api, '_RPC', rpc))
        admin = self.api.admin_context
        service_db.service_register(admin, 'storage1', servicegroup.VOLUME,
                                    'volume')
        volume = volume_api.create(nl_context.RequestContext(
            user_id='u', project_id=fakes.PROJECT, roles=['member']), 1)
        volume_db.volume_update(admin, volume['uuid'], {
            'status': 'available', 'provider_location': '/x'}, 'creating')
        att = server_volumes.reserve(admin, self.vm, volume['uuid'])
        self.manager.attach_volume(admin, self.vm, volume['uuid'],
                                   att['uuid'])
        status, body = self.json('restoreVirtualMachine',
                                 virtualmachineid=self.vm)
        self.assertEqual(200, status, body)
        self.assertEqual(1, self.job(body)['jobstatus'])
        self.assertEqual(['vdb'], list(self.driver._guests[self.vm][
            'volumes']))
        self.assertEqual('in-use', volume_db.volume_get(
            admin, volume['uuid'])['status'])
        self.assertEqual('export_access', rpc.calls[-1][0])

    def test_restore_bad_template_431(self):
        status, body = self.json('restoreVirtualMachine',
                                 virtualmachineid=self.vm,
                                 templateid='0b9a1f27-2a41-4c8e-9f57-'
                                 '0d1a3a5b8c99')
        self.assertEqual(431, status, body)

    def test_create_template_list_deploy_delete(self):
        status, body = self.json('createTemplate', name='tpl',
                                 volumeid=self.vm)
        self.assertEqual(431, status, body)    # running: must be stopped
        self.stop()
        status, body = self.json('createTemplate', name='tpl',
                                 displaytext='my template',
                                 volumeid=self.vm)
        self.assertEqual(200, status, body)
        template_id = body['createtemplateresponse']['id']
        job = self.job(body)
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual(template_id, job['jobresult']['template']['id'])
        self.assertTrue(job['jobresult']['template']['isready'])
        listed = self.json('listTemplates', templatefilter='self')[1][
            'listtemplatesresponse']['template']
        self.assertIn(template_id, [t['id'] for t in listed])
        self.deploy(template_id)
        status, body = self.json('deleteTemplate', id=template_id)
        self.assertEqual(200, status, body)
        self.assertEqual(1, self.job(body)['jobstatus'])
        self.assertEqual([], [i for i in image_db.image_get_all(
            self.api.admin_context) if i['uuid'] == template_id])

    def test_create_template_failure_job_fails(self):
        self.stop()
        self.manager._snapshot_image_api.fail_upload = RuntimeError('full')
        status, body = self.json('createTemplate', name='tpl',
                                 virtualmachineid=self.vm)
        self.assertEqual(200, status, body)
        job = self.job(body)
        self.assertEqual(2, job['jobstatus'], job)
        self.assertIn('snapshot failed', job['jobresult']['errortext'])

    def test_delete_template_of_another_project_531(self):
        status, body = self.json('deleteTemplate', id=fakes.IMAGE_UUID)
        self.assertEqual(531, status, body)
        status, body = self.json('deleteTemplate',
                                 id='0b9a1f27-2a41-4c8e-9f57-0d1a3a5b8c99')
        self.assertEqual(431, status, body)


class OsTypesTest(test_endpoint.CloudStackTestCase):

    def test_list_and_filters(self):
        def listed(**params):
            status, body = self.json('listOsTypes', **params)
            self.assertEqual(200, status, body)
            return body['listostypesresponse'].get('ostype', [])
        everything = listed()
        self.assertIn('Ubuntu (64-bit)', [t['description']
                                          for t in everything])
        self.assertEqual(len(everything), len({t['id'] for t in everything}))
        windows, = listed(keyword='windows')
        self.assertEqual(('Windows', [windows]), (
            windows['oscategoryname'],
            listed(oscategoryid=windows['oscategoryid'])))
        self.assertEqual([windows], listed(id=windows['id']))
        # Ids are stable (derived from the names).
        self.assertEqual(windows['id'], listed(keyword='windows')[0]['id'])
