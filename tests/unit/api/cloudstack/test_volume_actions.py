"""resizeVolume, createSnapshot, listSnapshots and deleteSnapshot of the
CloudStack API, their async jobs and their events (VOLUME.RESIZE,
SNAPSHOT.CREATE, SNAPSHOT.DELETE in listEvents). The volume service is
replaced at its RPC boundary (``FakeVolumeRPC``): a test moves the
volume or snapshot on as the service would."""
from nova_lite.api.cloudstack.commands import volumes as cs_volumes
from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volumes as volume_db
from tests.unit.api.cloudstack import test_volumes

GiB = 1024 ** 3


class VolumeActionsTest(test_volumes.VolumesTestCase):

    def events(self, event_type):
        found = self.json('listEvents', type=event_type)[1][
            'listeventsresponse'].get('event', [])
        return [(e['level'], e['state'], e['resourcetype']) for e in found]

    def snapshots(self, **params):
        return self.json('listSnapshots', **params)[1][
            'listsnapshotsresponse'].get('snapshot', [])

    def usage(self, resource):
        from nova_lite.db import volume_quotas
        return volume_quotas.usage(self.api.admin_context,
                                   'project-a').get(resource, 0)

    def test_resize_grows_a_detached_data_disk(self):
        made = self.create(size='2')
        status, body = self.json('resizeVolume', id=made['id'], size='5')
        self.assertEqual(200, status, body)
        self.assertEqual(('extend_volume', 'storage1', made['id'], 5),
                         self.rpc.calls[-1])
        self.assertEqual(0, self.job(body, 'resizeVolume')['jobstatus'])
        self.assertEqual(5, self.usage('gigabytes'))
        self.assertEqual('Resizing', self.volumes(id=made['id'])[0]['state'])
        volume_db.volume_update(self.api.admin_context, made['id'], {
            'status': 'available', 'size': 5}, 'extending')
        job = self.job(body, 'resizeVolume')
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual(('Volume', made['id']), (
            job['jobinstancetype'], job['jobinstanceid']))
        self.assertEqual(5 * GiB, job['jobresult']['volume']['size'])
        self.assertEqual([('INFO', 'Scheduled', 'Volume'),
                          ('INFO', 'Completed', 'Volume')],
                         self.events('VOLUME.RESIZE'))
        # A second poll records nothing more.
        self.job(body, 'resizeVolume')
        self.assertEqual(2, len(self.events('VOLUME.RESIZE')))

    def test_resize_to_an_offering_and_a_failure(self):
        made = self.create(size='2')
        status, body = self.json('resizeVolume', id=made['id'],
                                 diskofferingid=cs_volumes.offering_id(
                                     'Medium'))
        self.assertEqual(200, status, body)
        self.assertEqual(20, self.rpc.calls[-1][-1])
        volume_db.volume_extend_failed(self.api.admin_context, made['id'],
                                       2, 20)
        job = self.job(body, 'resizeVolume')
        self.assertEqual(2, job['jobstatus'], job)
        self.assertIn('Failed to resize', job['jobresult']['errortext'])
        self.assertEqual(('ERROR', 'Completed', 'Volume'),
                         self.events('VOLUME.RESIZE')[-1])
        self.assertEqual(2, self.usage('gigabytes'))

    def test_resize_refusals(self):
        made = self.create(size='3')
        for params in ({'size': '2'}, {'size': '2', 'shrinkok': 'true'},
                       {'size': '3'}, {}):
            status, body = self.json('resizeVolume', id=made['id'],
                                     **params)
            self.assertEqual(431, status, (params, body))
        root = cs_volumes.root_volume_id(self.vm_id)
        status, body = self.json('resizeVolume', id=root, size='9')
        self.assertEqual(431, status, body)
        self.assertIn('ROOT', body['resizevolumeresponse']['errortext'])
        status, body = self.json('resizeVolume', id='f' * 8 + '-' + 'f' * 4
                                 + '-4fff-8fff-' + 'f' * 12, size='9')
        self.assertEqual(431, status, body)
        # Attached: detach it first.
        self.json('attachVolume', id=made['id'], virtualmachineid=self.vm_id)
        status, body = self.json('resizeVolume', id=made['id'], size='9')
        self.assertEqual(431, status, body)
        self.assertIn('detach', body['resizevolumeresponse']['errortext'])
        # Over the gigabytes quota: 532.
        self.api.conf.config(group='volume', quota_gigabytes=10)
        other = self.create(size='2')
        status, body = self.json('resizeVolume', id=other['id'], size='9')
        self.assertEqual(532, status, body)
        self.assertEqual([], self.events('VOLUME.RESIZE'))

    def test_snapshot_create_list_delete(self):
        made = self.create(size='2', name='data')
        # Attached volumes are snapshotted too.
        self.json('attachVolume', id=made['id'], virtualmachineid=self.vm_id)
        status, body = self.json('createSnapshot', volumeid=made['id'],
                                 name='snap1')
        self.assertEqual(200, status, body)
        snap_id = body['createsnapshotresponse']['id']
        self.assertEqual(('create_snapshot', 'storage1', snap_id),
                         self.rpc.calls[-1])
        self.assertEqual(0, self.job(body, 'createSnapshot')['jobstatus'])
        (listed,) = self.snapshots()
        self.assertEqual(('Creating', 'snap1', made['id'], 'data',
                          'DATADISK', 'MANUAL', 2 * GiB), (
            listed['state'], listed['name'], listed['volumeid'],
            listed['volumename'], listed['volumetype'],
            listed['snapshottype'], listed['virtualsize']))
        self.assertEqual((1, 4), (self.usage('snapshots'),
                                  self.usage('gigabytes')))
        attachment_db.snapshot_update(self.api.admin_context, snap_id, {
            'status': 'available', 'provider_location': '/s'})
        job = self.job(body, 'createSnapshot')
        self.assertEqual(1, job['jobstatus'], job)
        self.assertEqual(('BackedUp', 'Snapshot', snap_id), (
            job['jobresult']['snapshot']['state'], job['jobinstancetype'],
            job['jobinstanceid']))
        self.assertEqual([snap_id], [s['id'] for s in self.snapshots(
            volumeid=made['id'])])
        self.assertEqual([], self.snapshots(name='other'))
        self.assertEqual([snap_id], [s['id'] for s in self.snapshots(
            keyword='SNAP')])
        status, body = self.json('deleteSnapshot', id=snap_id)
        self.assertEqual(200, status, body)
        self.assertEqual(('delete_snapshot', 'storage1', snap_id),
                         self.rpc.calls[-1])
        self.assertEqual(0, self.job(body, 'deleteSnapshot')['jobstatus'])
        attachment_db.snapshot_destroy(self.api.admin_context, snap_id)
        job = self.job(body, 'deleteSnapshot')
        self.assertEqual((1, {'success': True}), (job['jobstatus'],
                                                  job['jobresult']))
        self.assertEqual([], self.snapshots())
        self.assertEqual((0, 2), (self.usage('snapshots'),
                                  self.usage('gigabytes')))
        self.assertEqual([('INFO', 'Scheduled', 'Snapshot'),
                          ('INFO', 'Completed', 'Snapshot')],
                         self.events('SNAPSHOT.CREATE'))
        self.assertEqual([('INFO', 'Scheduled', 'Snapshot'),
                          ('INFO', 'Completed', 'Snapshot')],
                         self.events('SNAPSHOT.DELETE'))

    def test_snapshot_refusals_and_failure(self):
        status, body = self.json('createSnapshot', volumeid=cs_volumes
                                 .root_volume_id(self.vm_id))
        self.assertEqual(431, status, body)
        self.assertIn('createVMSnapshot',
                      body['createsnapshotresponse']['errortext'])
        made = self.create(size='1')
        self.api.conf.config(group='volume', quota_snapshots=0)
        status, body = self.json('createSnapshot', volumeid=made['id'])
        self.assertEqual(532, status, body)
        self.api.conf.config(group='volume', quota_snapshots=5)
        status, body = self.json('createSnapshot', volumeid=made['id'])
        snap_id = body['createsnapshotresponse']['id']
        # Still being made: it cannot be deleted.
        status, body = self.json('deleteSnapshot', id=snap_id)
        self.assertEqual(431, status, body)
        status, body = self.json('deleteSnapshot', id=made['id'])
        self.assertEqual(431, status, body)
        attachment_db.snapshot_update(self.api.admin_context, snap_id,
                                      {'status': 'error'})
        job = self.json('queryAsyncJobResult', jobid=self.json(
            'listAsyncJobs')[1]['listasyncjobsresponse']['asyncjobs'][0][
            'jobid'])[1]['queryasyncjobresultresponse']
        self.assertEqual(2, job['jobstatus'], job)
        self.assertEqual(('ERROR', 'Completed', 'Snapshot'),
                         self.events('SNAPSHOT.CREATE')[-1])
        self.assertEqual('Error', self.snapshots()[0]['state'])

    def test_other_accounts_do_not_see_them(self):
        made = self.create(size='1')
        status, body = self.json('createSnapshot', volumeid=made['id'])
        snap_id = body['createsnapshotresponse']['id']
        self.assertEqual(1, len(self.snapshots()))
        attachment_db.snapshot_update(self.api.admin_context, snap_id,
                                      {'project_id': 'project-b'})
        self.assertEqual([], self.snapshots())
        status, body = self.json('deleteSnapshot', id=snap_id)
        self.assertEqual(431, status, body)
