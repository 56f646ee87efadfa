"""listVolumes (the ROOT volume of a VM and the data disks),
listDiskOfferings, createVolume, attachVolume, detachVolume and
deleteVolume of the CloudStack API. The volume service is replaced at
its RPC boundary (``FakeVolumeRPC``); the compute's RPC is replaced by
what its side does through the conductor (``server_volumes``)."""
import fixtures

from nova_lite.api.cloudstack.commands import volumes as cs_volumes
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.db import instances as instance_db
from nova_lite.db import services as service_db
from nova_lite.db import volumes as volume_db
from nova_lite import servicegroup
from nova_lite.volume import api as volume_api
from nova_lite.volume import server_volumes
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes
from tests.unit.api import test_volume_api


class VolumesTestCase(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.rpc = test_volume_api.FakeVolumeRPC()
        self.useFixture(fixtures.MockPatchObject(volume_api, '_RPC',
                                                 self.rpc))
        service_db.service_register(self.api.admin_context, 'storage1',
                                    servicegroup.VOLUME, 'volume')
        self.detaches = []
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'attach_volume', autospec=True,
            side_effect=self._attach))
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'detach_volume', autospec=True,
            side_effect=lambda _c, ctx, host, uuid, vol, att, mp:
            self.detaches.append(att)))
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=zone['id'], name='vm1')
        self.assertEqual(200, status, body)
        self.vm_id = body['deployvirtualmachineresponse']['id']
        instance_db.instance_update(self.api.admin_context, self.vm_id, {
            'host': 'node1', 'vm_state': 'active', 'task_state': None})

    def _attach(self, _client, ctx, host, instance_uuid, volume_id,
                attachment_id, mountpoint=None):
        server_volumes.connect(ctx, attachment_id, {'ip': '192.0.2.9',
                                                    'host': host})
        server_volumes.attached(ctx, attachment_id, '/dev/vdb', host)
        return '/dev/vdb'

    def job(self, body, command):
        job_id = body[command.lower() + 'response']['jobid']
        return self.json('queryAsyncJobResult', jobid=job_id)[1][
            'queryasyncjobresultresponse']

    def volumes(self, **params):
        return self.json('listVolumes', **params)[1][
            'listvolumesresponse'].get('volume', [])

    def create(self, **params):
        status, body = self.json('createVolume', **params)
        self.assertEqual(200, status, body)
        job = self.job(body, 'createVolume')
        self.assertEqual(0, job['jobstatus'])   # creating: pending
        volume_id = body['createvolumeresponse']['id']
        volume_db.volume_update(self.api.admin_context, volume_id, {
            'status': 'available', 'provider_location': '/x'}, 'creating')
        job = self.job(body, 'createVolume')
        self.assertEqual(1, job['jobstatus'], job)
        return job['jobresult']['volume']


class VolumesTest(VolumesTestCase):

    def attach_as_first_disk(self, volume_id):
        status, body = self.json('attachVolume', id=volume_id,
                                 virtualmachineid=self.vm_id)
        self.assertEqual(200, status, body)
        job = self.job(body, 'attachVolume')
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual((self.vm_id, 1), (
            job['jobresult']['volume']['virtualmachineid'],
            job['jobresult']['volume']['deviceid']))

    def test_root_volume_of_a_vm_booted_from_a_volume(self):
        # Boot from volume (doc/volumes.md): the attachment with boot
        # index 0 is the VM's ROOT volume; no local root disk is listed.
        volume = self.create(size='1')
        att = server_volumes.reserve(self.api.admin_context, self.vm_id,
                                     volume['id'], device='/dev/vda',
                                     boot_index=0)
        server_volumes.connect(self.api.admin_context, att['uuid'],
                               {'ip': '192.0.2.9', 'host': 'node1'})
        server_volumes.attached(self.api.admin_context, att['uuid'],
                                '/dev/vda', 'node1')
        (root,) = self.volumes(virtualmachineid=self.vm_id, type='ROOT')
        self.assertEqual((volume['id'], 'ROOT', 0, self.vm_id),
                         (root['id'], root['type'], root['deviceid'],
                          root['virtualmachineid']))
        self.assertEqual([], self.volumes(virtualmachineid=self.vm_id,
                                          type='DATADISK'))

    def test_root_volume_of_a_vm(self):
        (root,) = self.volumes(virtualmachineid=self.vm_id, type='ROOT')
        self.assertEqual(('ROOT', 0, 'Ready', self.vm_id),
                         (root['type'], root['deviceid'], root['state'],
                          root['virtualmachineid']))
        self.assertEqual(cs_volumes.root_volume_id(self.vm_id), root['id'])
        self.assertEqual(1024 ** 3, root['size'])   # m1.tiny: 1 GiB

    def test_disk_offerings(self):
        offers = self.json('listDiskOfferings')[1][
            'listdiskofferingsresponse']['diskoffering']
        self.assertEqual(['Small', 'Medium', 'Large', 'Custom'],
                         [o['name'] for o in offers])
        self.assertTrue(offers[-1]['iscustomized'])

    def test_create_attach_detach_delete(self):
        small = cs_volumes.offering_id('Small')
        made = self.create(name='data', diskofferingid=small)
        self.assertEqual(('DATADISK', 5 * 1024 ** 3, 'Ready'),
                         (made['type'], made['size'], made['state']))
        self.attach_as_first_disk(made['id'])
        listed = self.volumes(virtualmachineid=self.vm_id)
        self.assertEqual(['ROOT', 'DATADISK'], [v['type'] for v in listed])
        # Deleting an attached volume is refused.
        status, body = self.json('deleteVolume', id=made['id'])
        self.assertEqual(431, status, body)
        status, body = self.json('detachVolume', id=made['id'])
        self.assertEqual(200, status, body)
        self.assertEqual(0, self.job(body, 'detachVolume')['jobstatus'])
        server_volumes.release(self.api.admin_context, self.detaches[0])
        job = self.job(body, 'detachVolume')
        self.assertEqual(1, job['jobstatus'], job)
        self.assertNotIn('virtualmachineid', job['jobresult']['volume'])
        status, body = self.json('deleteVolume', id=made['id'])
        self.assertEqual(200, status, body)
        self.assertIn(('delete_volume', 'storage1', made['id']),
                      self.rpc.calls)

    def test_attach_detach_on_a_shelved_offloaded_vm(self):
        # Stopped in CloudStack's view; no compute takes part.
        instance_db.instance_update(self.api.admin_context, self.vm_id, {
            'host': None, 'node': None, 'vm_state': 'shelved_offloaded'})
        made = self.create(size='1')
        self.attach_as_first_disk(made['id'])
        status, body = self.json('detachVolume', id=made['id'])
        self.assertEqual(200, status, body)
        job = self.job(body, 'detachVolume')
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual([], self.detaches)
        self.assertEqual('available', volume_db.volume_get(
            self.api.admin_context, made['id'])['status'])

    def test_custom_size_and_errors(self):
        made = self.create(size='3')
        self.assertEqual(3 * 1024 ** 3, made['size'])
        status, _ = self.json('createVolume')
        self.assertEqual(431, status)
        status, _ = self.json('createVolume', diskofferingid=fakes.IMAGE_UUID)
        self.assertEqual(431, status)
        status, _ = self.json('attachVolume', id=fakes.IMAGE_UUID,
                              virtualmachineid=self.vm_id)
        self.assertEqual(431, status)
        status, _ = self.json('detachVolume', id=made['id'])
        self.assertEqual(431, status)
