"""Boot from volume (doc/volumes.md, "Boot from volume"): the create
request's checks and reservations in the API, then the build on a real
ComputeManager with the fake driver, the conductor's boot volume
methods run in this thread (``local_conductor``) and the volume service
replaced at its RPC boundary (``test_volume_api.FakeVolumeRPC``; a
volume it "creates" becomes available when the compute waits). Covers
image, snapshot, blank and existing volumes, the views, delete with and
without delete_on_termination, the failures (no leak, never stuck in
BUILD), legacy mappings and os-volumes_boot."""
import fixtures

from nova_lite.compute import build_volumes
from nova_lite.compute import states
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.db import claims as claim_db
from nova_lite.db import instances as instance_db
from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volumes as volume_db
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.volume import errors as volume_errors
from tests.unit.api import fakes
from tests.unit.compute import test_lifecycle
from tests.unit.compute import test_volume_attach

SERVERS = '/v2.1/servers'
VOLUMES = test_volume_attach.VOLUMES
at = test_volume_attach.at


class BootFromVolumeTestCase(test_volume_attach.VolumeAttachTestCase):

    def setUp(self):
        super().setUp()
        self.builds = []
        self.manager.build_flow.conductor = self.manager.conductor
        self.payloads = {}
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send',
            lambda ctx, event_type, payload, *a, **kw:
            self.payloads.setdefault(event_type, payload)))
        self.useFixture(fixtures.MockPatchObject(
            conductor_rpcapi.ConductorAPI, 'build_instances',
            lambda _api, ctx, instances, spec, host_lists=None:
            self.builds.append((ctx, instances, spec))))
        self.api.conf.config(group='compute',
                             block_device_allocate_retries=3,
                             block_device_allocate_retries_interval=0)
        # The volume service finishes each volume the build waits for.
        self.volume_outcome = 'available'
        self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.build_volumes._sleep',
            lambda _s: self._finish_creating()))

    def _finish_creating(self):
        if self.volume_outcome is None:
            return
        for vol in volume_db.volume_get_all(self.api.admin_context,
                                            all_projects=True):
            if vol['status'] == 'creating':
                volume_db.volume_update(
                    self.api.admin_context, vol['uuid'],
                    {'status': self.volume_outcome,
                     'provider_location': '/x'}, 'creating')

    def boot(self, mappings, image_ref='', version='2.1', status=202,
             **server):
        body = dict({'name': 'bfv', 'imageRef': image_ref, 'flavorRef': '1',
                     'block_device_mapping_v2': mappings}, **server)
        if version != '2.1':
            body.setdefault('networks', 'auto')
        resp = self.post(SERVERS, {'server': body}, at(version))
        self.assertEqual(status, resp.status_code,
                         resp.get_data(as_text=True))
        return resp

    def build(self, server_id):
        """Run the conductor's placement and the compute's build."""
        ctx, instances, spec = [b for b in self.builds
                                if b[1][0].uuid == server_id][0]
        self.set_instance(server_id, host=test_lifecycle.HOST,
                          node=test_lifecycle.HOST, task_state=None)
        instance = instance_obj.Instance.from_db(instance_db.instance_get(
            self.api.admin_context, server_id))
        self.manager.build_flow.run(ctx, instance, spec, [])
        return instance_db.instance_get(self.api.admin_context, server_id)

    def attachments(self, server_id):
        return attachment_db.attachment_get_all(
            self.api.admin_context, instance_uuid=server_id,
            all_projects=True)

    def volume_row(self, volume_id):
        try:
            return volume_db.volume_get(self.api.admin_context, volume_id)
        except volume_errors.VolumeNotFound:
            return None

    def guest(self, server_id):
        instance = instance_obj.Instance.from_db(instance_db.instance_get(
            self.api.admin_context, server_id))
        return self.driver._guest(instance)

    def delete_server(self, server_id):
        self.useFixture(fixtures.MockPatchObject(
            __import__('nova_lite.compute.rpcapi', fromlist=['x'])
            .ComputeAPI, 'terminate_instance',
            lambda _api, ctx, host, uuid, *a, **kw:
            self.manager.terminate_instance(ctx, uuid)))
        self.assertEqual(204, self.delete('%s/%s' % (SERVERS, server_id))
                         .status_code)


IMAGE_TO_VOLUME = {'uuid': fakes.IMAGE_UUID, 'boot_index': 0,
                   'source_type': 'image', 'destination_type': 'volume',
                   'volume_size': 1}


class BootFromImageVolumeTest(BootFromVolumeTestCase):

    def test_boot_from_volume_made_of_the_image(self):
        # openstack server create --image IMG --boot-from-volume 1
        resp = self.boot([dict(IMAGE_TO_VOLUME,
                               delete_on_termination=True)])
        server_id = resp.json['server']['id']
        spec = self.builds[-1][2]
        self.assertTrue(spec.is_bfv)
        self.assertEqual(0, spec.disk_gb)
        row = self.build(server_id)
        self.assertEqual((states.ACTIVE, None), (row.vm_state,
                                                 row.task_state))
        [att] = self.attachments(server_id)
        volume = self.volume_row(att['volume_uuid'])
        self.assertEqual(('in-use', 1, fakes.IMAGE_UUID),
                         (volume['status'], volume['size'],
                          volume['source_image_id']))
        self.assertEqual((0, '/dev/vda', True),
                         (att['boot_index'], att['mountpoint'],
                          att['delete_on_termination']))
        # The guest boots from the volume's export.
        guest = self.guest(server_id)
        self.assertEqual(att['volume_uuid'], guest['root_volume'])
        self.assertEqual(['vda'], list(guest['volumes']))
        self.assertEqual('attachment-%s' % att['uuid'],
                         guest['volumes']['vda']['data']['export_name'])
        # instance.create.end lists the volumes (BlockDevicePayload).
        [bdm] = self.payloads['instance.create.end'].block_devices
        self.assertEqual((att['volume_uuid'], '/dev/vda', 0, True),
                         (bdm.volume_id, bdm.device_name, bdm.boot_index,
                          bdm.delete_on_termination))
        # Nova's view of a volume-backed server: image "".
        server = self.get('%s/%s' % (SERVERS, server_id),
                          at('2.3')).json['server']
        self.assertEqual('', server['image'])
        self.assertEqual([{'id': att['volume_uuid'],
                           'delete_on_termination': True}],
                         server['os-extended-volumes:volumes_attached'])
        # delete_on_termination: the volume goes with the server.
        self.delete_server(server_id)
        self.assertEqual('deleting', self.volume_row(att['volume_uuid'])[
            'status'])
        self.assertIn(('delete_volume', 'storage1', att['volume_uuid']),
                      self.rpc.calls)

    def test_created_volume_kept_when_delete_on_termination_false(self):
        server_id = self.boot([dict(
            IMAGE_TO_VOLUME, delete_on_termination=False)]).json[
            'server']['id']
        self.build(server_id)
        [att] = self.attachments(server_id)
        self.delete_server(server_id)
        self.assertEqual('available', self.volume_row(att['volume_uuid'])[
            'status'])

    def test_delete_on_termination_defaults_true_for_a_created_volume(self):
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        self.build(server_id)
        [att] = self.attachments(server_id)
        self.assertTrue(att['delete_on_termination'])

    def test_claim_has_no_root_disk(self):
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        spec = self.builds[-1][2]
        flavor_disk = spec.flavor.root_gb + spec.flavor.ephemeral_gb
        self.assertGreater(flavor_disk, 0)
        self.assertEqual(spec.flavor.ephemeral_gb, spec.disk_gb)
        self.assertEqual(server_id, self.builds[-1][1][0].uuid)

    def test_volume_error_fails_the_build_and_deletes_it(self):
        self.volume_outcome = 'error'
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        row = self.build(server_id)
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIn('did not finish being created', self.fault_of(
            server_id))
        created = row.block_device_mapping[0]
        self.assertEqual([], self.attachments(server_id))
        self.assertIn(('delete_volume', 'storage1'),
                      [c[:2] for c in self.rpc.calls])
        self.assertFalse(claim_db.unclaim(self.api.admin_context,
                                          server_id))
        self.assertIsNone(created['volume_id'])

    def test_volume_never_available_times_out(self):
        self.volume_outcome = None
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        row = self.build(server_id)
        self.assertEqual((states.ERROR, None), (row.vm_state,
                                                row.task_state))
        self.assertIn('did not finish being created even after we waited',
                      self.fault_of(server_id))
        # The volume left creating is deleted all the same: no leak.
        deleting = [v for v in volume_db.volume_get_all(
            self.api.admin_context, all_projects=True)
            if v['status'] != 'deleting']
        self.assertEqual([], deleting)

    def test_over_volume_quota_fails_the_build(self):
        self.api.conf.config(group='volume', quota_volumes=0)
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        row = self.build(server_id)
        self.assertEqual(states.ERROR, row.vm_state)
        self.assertIn('VolumeLimitExceeded', self.fault_of(server_id))

    def fault_of(self, server_id):
        return instance_db.instance_get(self.api.admin_context,
                                        server_id).fault.message


class BootFromExistingVolumeTest(BootFromVolumeTestCase):

    def bootable_volume(self):
        volume_id = self.volume()
        volume_db.volume_update(self.api.admin_context, volume_id,
                                {'bootable': True})
        return volume_id

    def test_boot_from_an_existing_volume(self):
        # openstack server create --volume VOL
        volume_id = self.bootable_volume()
        server_id = self.boot([{'uuid': volume_id, 'boot_index': 0,
                                'source_type': 'volume',
                                'destination_type': 'volume'}]).json[
            'server']['id']
        self.assertEqual('reserved', self.status(volume_id))
        self.build(server_id)
        self.assertEqual('in-use', self.status(volume_id))
        [att] = self.attachments(server_id)
        self.assertEqual((0, False), (att['boot_index'],
                                      att['delete_on_termination']))
        # delete_on_termination false by default: the volume stays.
        self.delete_server(server_id)
        self.assertEqual('available', self.status(volume_id))
        self.assertEqual([], self.attachments(server_id))

    def test_image_boots_with_extra_volumes(self):
        data = self.volume()
        server_id = self.boot([
            {'uuid': fakes.IMAGE_UUID, 'boot_index': 0,
             'source_type': 'image', 'destination_type': 'local'},
            {'uuid': data, 'boot_index': -1, 'source_type': 'volume',
             'destination_type': 'volume', 'delete_on_termination': True},
            {'source_type': 'blank', 'destination_type': 'volume',
             'volume_size': 2, 'device_name': 'vdd', 'tag': 'scratch'},
        ], image_ref=fakes.IMAGE_UUID, version='2.42').json['server']['id']
        self.assertFalse(self.builds[-1][2].is_bfv)
        self.build(server_id)
        atts = {a['mountpoint']: a for a in self.attachments(server_id)}
        self.assertEqual(['/dev/vdb', '/dev/vdd'], sorted(atts))
        self.assertEqual('scratch', atts['/dev/vdd']['tag'])
        self.assertIsNone(self.guest(server_id)['root_volume'])
        server = self.get('%s/%s' % (SERVERS, server_id)).json['server']
        self.assertEqual(fakes.IMAGE_UUID, server['image']['id'])
        self.assertEqual(
            2, len(server['os-extended-volumes:volumes_attached']))

    def test_volume_in_use_is_400(self):
        volume_id = self.volume()
        volume_db.volume_update(self.api.admin_context, volume_id,
                                {'status': 'in-use'})
        resp = self.boot([{'uuid': volume_id, 'boot_index': 0,
                           'source_type': 'volume',
                           'destination_type': 'volume'}], status=400)
        self.assertIn('must be available', resp.json['badRequest'][
            'message'])
        self.assertEqual([], self.builds)

    def test_one_volume_for_several_servers_is_400(self):
        volume_id = self.bootable_volume()
        resp = self.boot([{'uuid': volume_id, 'boot_index': 0,
                           'source_type': 'volume',
                           'destination_type': 'volume'}], status=400,
                         min_count=2)
        self.assertIn('multiple instances', resp.json['badRequest'][
            'message'])
        self.assertEqual('available', self.status(volume_id))

    def test_availability_zone_mismatch_without_cross_az_attach(self):
        self.api.conf.config(group='volume', cross_az_attach=False)
        volume_id = self.bootable_volume()
        resp = self.boot([{'uuid': volume_id, 'boot_index': 0,
                           'source_type': 'volume',
                           'destination_type': 'volume'}], status=400,
                         availability_zone='other')
        self.assertIn('do not match', resp.json['badRequest']['message'])

    def test_non_bootable_volume_is_400(self):
        volume_id = self.volume()
        resp = self.boot([{'uuid': volume_id, 'boot_index': 0,
                           'source_type': 'volume',
                           'destination_type': 'volume'}], status=400)
        self.assertIn('is not bootable', resp.json['badRequest']['message'])
        self.assertEqual('available', self.status(volume_id))

    def test_legacy_mapping_boots_from_the_root_device(self):
        volume_id = self.bootable_volume()
        resp = self.post(SERVERS, {'server': {
            'name': 'legacy', 'flavorRef': '1', 'block_device_mapping': [
                {'volume_id': volume_id, 'device_name': 'vda'}]}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        server_id = resp.json['server']['id']
        self.build(server_id)
        self.assertEqual(volume_id, self.guest(server_id)['root_volume'])

    def test_os_volumes_boot_until_2_102(self):
        volume_id = self.bootable_volume()
        body = {'server': {
            'name': 'vb', 'flavorRef': '1', 'networks': 'auto',
            'block_device_mapping_v2': [{
                'uuid': volume_id, 'boot_index': 0,
                'source_type': 'volume', 'destination_type': 'volume'}]}}
        self.assertEqual(404, self.post('/v2.1/os-volumes_boot', body,
                                        at('2.103')).status_code)
        resp = self.post('/v2.1/os-volumes_boot', body, at('2.102'))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual('reserved', self.status(volume_id))


class BadMappingTest(BootFromVolumeTestCase):

    def assertBad(self, mappings, message, **server):
        resp = self.boot(mappings, status=400, **server)
        self.assertIn(message, resp.json['badRequest']['message'])
        self.assertEqual([], self.builds)

    def test_unknown_sources(self):
        missing = '8f9c2a62-6ec1-4a47-8cd1-0f8e4e9e8b2e'
        for source in ('volume', 'snapshot', 'image'):
            self.assertBad([{'uuid': missing, 'boot_index': 0,
                             'source_type': source,
                             'destination_type': 'volume',
                             'volume_size': 1}],
                           'failed to get %s %s' % (source, missing))

    def test_boot_sequence(self):
        self.assertBad([dict(IMAGE_TO_VOLUME, boot_index=1)],
                       'Boot sequence')
        self.assertBad([IMAGE_TO_VOLUME, dict(IMAGE_TO_VOLUME,
                                              boot_index=2)],
                       'Boot sequence')

    def test_blank_needs_a_size(self):
        self.assertBad([{'source_type': 'blank', 'boot_index': 0,
                         'destination_type': 'volume'}], 'non-zero size')

    def test_local_blank_disks_are_refused(self):
        self.assertBad([{'source_type': 'blank', 'destination_type': 'local',
                         'boot_index': -1, 'volume_size': 1}],
                       'local blank disks', imageRef=fakes.IMAGE_UUID)

    def test_mixed_syntaxes(self):
        resp = self.post(SERVERS, {'server': {
            'name': 'x', 'flavorRef': '1',
            'block_device_mapping_v2': [IMAGE_TO_VOLUME],
            'block_device_mapping': [{'volume_id': fakes.IMAGE_UUID}]}})
        self.assertFault(resp, 400, 'badRequest', 'different')

    def test_volume_smaller_than_the_image(self):
        from nova_lite.db import images as image_db
        image_db.image_update(self.api.admin_context, fakes.IMAGE_UUID,
                              {'min_disk': 5})
        self.assertBad([dict(IMAGE_TO_VOLUME, volume_size=2)],
                       'Volume is smaller than the minimum size')
        # Without a size the volume gets the image's min_disk.
        mapping = dict(IMAGE_TO_VOLUME)
        del mapping['volume_size']
        server_id = self.boot([mapping]).json['server']['id']
        row = instance_db.instance_get(self.api.admin_context, server_id)
        self.assertEqual(5, row.block_device_mapping[0]['volume_size'])

    def test_tag_before_2_42(self):
        resp = self.boot([dict(IMAGE_TO_VOLUME, tag='t')], version='2.41',
                         status=400)
        self.assertIn("'tag' was unexpected", resp.json['badRequest'][
            'message'])


class BuildVolumesUnitTest(BootFromVolumeTestCase):

    def test_devices_after_the_ephemeral_disk(self):
        found = build_volumes.assign_devices([
            {'boot_index': 0, 'device_name': None},
            {'boot_index': -1, 'device_name': None},
            {'boot_index': None, 'device_name': '/dev/vdc'}],
            ephemeral=True)
        self.assertEqual(['/dev/vda', '/dev/vdd', '/dev/vdc'],
                         [m['mount_device'] for m in found])

    def test_gone_build_stops_quietly(self):
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        self.set_instance(server_id, task_state=states.DELETING)
        instance = instance_obj.Instance.from_db(instance_db.instance_get(
            self.api.admin_context, server_id))
        self.assertRaises(build_volumes.BuildGone, build_volumes.prepare,
                          self.manager.conductor, self.api.admin_context,
                          instance, test_lifecycle.HOST)
        self.assertRaises(exception.InstanceNotFound, self.driver._guest,
                          instance)


class PolicyTest(BootFromVolumeTestCase):

    def test_attach_volume_rule(self):
        from oslo_policy import policy as oslo_policy

        from nova_lite import policy
        enforcer = policy.get_enforcer()
        enforcer.load_rules()
        enforcer.set_rules(oslo_policy.Rules.from_dict({
            'os_compute_api:servers:create:attach_volume': 'role:admin'}),
            overwrite=False, use_conf=False)
        self.addCleanup(policy.reset)
        self.assertEqual(403, self.boot([IMAGE_TO_VOLUME], status=403)
                         .status_code)
        # A server from an image alone needs no such rule.
        self.create_server()


class VolumeBackedSnapshotTest(BootFromVolumeTestCase):
    """createImage of a volume-backed server: volume snapshots and an
    image of mappings; a server booted from that image boots from new
    volumes of the snapshots."""

    def test_create_image_then_boot_from_it(self):
        import json
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        self.build(server_id)
        [att] = self.attachments(server_id)
        resp = self.post('%s/%s/action' % (SERVERS, server_id),
                         {'createImage': {'name': 'bfv-snap'}}, at('2.45'))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        image_id = resp.json['image_id']
        image = self.get('/image/v2/images/' + image_id).json
        self.assertEqual(('active', 'True', '/dev/vda'),
                         (image['status'], image['bdm_v2'],
                          image['root_device_name']))
        [mapping] = json.loads(image['block_device_mapping'])
        self.assertEqual(('snapshot', 0, '/dev/vda', 1),
                         (mapping['source_type'], mapping['boot_index'],
                          mapping['device_name'], mapping['volume_size']))
        snap = attachment_db.snapshot_get(self.api.admin_context,
                                          mapping['snapshot_id'])
        self.assertEqual(att['volume_uuid'], snap['volume_uuid'])
        self.assertIn(('create_snapshot', 'storage1', snap['uuid']),
                      self.rpc.calls)
        self.assertEqual(400, self.post(
            '%s/%s/action' % (SERVERS, server_id),
            {'createBackup': {'name': 'b', 'backup_type': 'daily',
                              'rotation': 1}}).status_code)
        # Until the volume service made the snapshot, the image cannot
        # boot (the snapshot is not available: 400).
        body = {'name': 'from-snap', 'imageRef': image_id,
                'flavorRef': '1'}
        self.assertEqual(400, self.post(SERVERS, {'server': body})
                         .status_code)
        attachment_db.snapshot_update(self.api.admin_context, snap['uuid'],
                                      {'status': 'available'})
        resp = self.post(SERVERS, {'server': body})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        new_id = resp.json['server']['id']
        self.assertTrue(self.builds[-1][2].is_bfv)
        row = self.build(new_id)
        self.assertEqual(states.ACTIVE, row.vm_state)
        [new_att] = self.attachments(new_id)
        volume = self.volume_row(new_att['volume_uuid'])
        self.assertEqual(snap['uuid'], volume['snapshot_id'])
        # As Cinder copies them: the image the first volume was made of.
        self.assertEqual(fakes.IMAGE_UUID, volume['source_image_id'])
        self.assertEqual(new_att['volume_uuid'],
                         self.guest(new_id)['root_volume'])
        server = self.get('%s/%s' % (SERVERS, new_id)).json['server']
        self.assertEqual(image_id, server['image']['id'])


class SweeperTest(BootFromVolumeTestCase):
    """A build whose compute stopped asking about its volumes (task
    state block_device_mapping) is set to ERROR by the conductor's
    sweeper after [conductor] build_timeout; its volumes are released
    and the ones it made deleted."""

    def test_stuck_waiting_for_a_volume(self):
        import datetime

        from nova_lite.conductor import sweeper
        from nova_lite.volume import boot_volumes
        server_id = self.boot([IMAGE_TO_VOLUME]).json['server']['id']
        self.set_instance(server_id, host=test_lifecycle.HOST,
                          task_state=states.SPAWNING)
        # The compute asked once (the volume is made, still creating),
        # then died.
        user_ctx = self.builds[-1][0]
        answer = boot_volumes.prepare(user_ctx, server_id,
                                      test_lifecycle.HOST)
        self.assertEqual('waiting', answer['status'])
        volume_id = answer['mappings'][0]['volume_id']
        self.assertEqual(states.BLOCK_DEVICE_MAPPING,
                         instance_db.instance_get(self.api.admin_context,
                                                  server_id).task_state)
        later = datetime.datetime.utcnow() + datetime.timedelta(hours=1)
        self.useFixture(fixtures.MockPatch(
            'nova_lite.conductor.sweeper._ago', lambda _s: later))
        failed, _ = sweeper.Sweeper().sweep()
        self.assertEqual(1, failed)
        row = instance_db.instance_get(self.api.admin_context, server_id)
        self.assertEqual((states.ERROR, None), (row.vm_state, row.task_state))
        self.assertIn('Build timed out', row.fault.message)
        self.assertEqual('deleting', self.volume_row(volume_id)['status'])
        self.assertEqual([], self.attachments(server_id))


class LocalDeleteTest(BootFromVolumeTestCase):

    def test_delete_before_scheduling_releases_the_volume(self):
        volume_id = self.volume()
        volume_db.volume_update(self.api.admin_context, volume_id,
                                {'bootable': True})
        server_id = self.boot([{'uuid': volume_id, 'boot_index': 0,
                                'source_type': 'volume',
                                'destination_type': 'volume'}]).json[
            'server']['id']
        self.assertEqual('reserved', self.status(volume_id))
        # No host yet: the API deletes it itself.
        self.assertEqual(204, self.delete('%s/%s' % (SERVERS, server_id))
                         .status_code)
        self.assertEqual('available', self.status(volume_id))
