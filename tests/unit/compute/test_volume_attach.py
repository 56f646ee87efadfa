"""Volume attach and detach through the compute API
(os-volume_attachments), the service layer, a real ComputeManager with
the fake driver and the conductor's volume proxy in this thread
(``test_lifecycle``'s harness); the volume service is replaced at its
RPC boundary (``test_volume_api.FakeVolumeRPC``). Covers the status
machine, the microversion views, validation, policy, action events,
notifications, a failed plug, server views and server delete."""
import fixtures

from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from nova_lite.db import actions as action_db
from nova_lite.db import images as image_db
from nova_lite.db import volumes as volume_db
from nova_lite import exception
from nova_lite.volume import api as volume_api
from nova_lite.volume import server_volumes
from tests.unit.api import fakes
from tests.unit.api import test_volume_api
from tests.unit.compute import test_lifecycle

SERVERS = '/v2.1/servers'
VOLUMES = '/volume/v3/%s/volumes' % fakes.PROJECT


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{'OpenStack-API-Version': 'compute ' + version})


class VolumeAttachTestCase(test_lifecycle.LifecycleTestCase):

    def setUp(self):
        super().setUp()
        for name in ('attach_volume', 'detach_volume'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))
        self.rpc = test_volume_api.FakeVolumeRPC()
        self.useFixture(fixtures.MockPatchObject(volume_api, '_RPC',
                                                 self.rpc))
        from nova_lite.db import services as service_db
        from nova_lite import servicegroup
        service_db.service_register(self.api.admin_context, 'storage1',
                                    servicegroup.VOLUME, 'volume')
        self.api.conf.config(group='volume', connector_ip='192.0.2.7')
        self.sent = []
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.notifications.send',
            lambda ctx, event_type, *a, **kw: self.sent.append(event_type)))
        self.url = '%s/%s/os-volume_attachments' % (SERVERS, self.server_id)

    def volume(self, size=1):
        resp = self.post(VOLUMES, {'volume': {'size': size}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        volume_id = resp.json['volume']['id']
        volume_db.volume_update(self.api.admin_context, volume_id, {
            'status': 'available', 'provider_location': '/x'}, 'creating')
        return volume_id

    def status(self, volume_id):
        return volume_db.volume_get(self.api.admin_context,
                                    volume_id)['status']

    def attach(self, volume_id, headers=None, **extra):
        return self.post(self.url, {'volumeAttachment': dict(
            extra, volumeId=volume_id)}, headers or fakes.MEMBER)

    def guest_volumes(self):
        return self.driver._guest(self.instance()).get('volumes', {})


class AttachDetachTest(VolumeAttachTestCase):

    def test_attach_list_show_detach(self):
        volume_id = self.volume()
        resp = self.attach(volume_id)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual({'id': volume_id, 'volumeId': volume_id,
                          'serverId': self.server_id, 'device': '/dev/vdb'},
                         resp.json['volumeAttachment'])
        self.assertEqual('in-use', self.status(volume_id))
        # The compute's connector opened the export, the guest has it.
        connects = [c for c in self.rpc.calls
                    if c[0] == 'initialize_connection']
        self.assertEqual({'ip': '192.0.2.7', 'host': test_lifecycle.HOST},
                         connects[0][-1])
        self.assertEqual(['vdb'], list(self.guest_volumes()))
        self.assertIn('NOVA_LITE_DISK vdb', self.driver._guest(
            self.instance())['console'][-1])
        self.assertEqual(['instance.volume_attach.start',
                          'instance.volume_attach.end'], self.sent)
        self.assertEqual([('compute_attach_volume', 'Success')],
                         self.events('attach_volume'))
        listed = self.get(self.url).json['volumeAttachments']
        self.assertEqual([volume_id], [a['volumeId'] for a in listed])
        shown = self.get(self.url + '/' + volume_id).json
        self.assertEqual('/dev/vdb', shown['volumeAttachment']['device'])
        server = self.get('%s/%s' % (SERVERS, self.server_id)).json['server']
        self.assertEqual([{'id': volume_id}], server[
            'os-extended-volumes:volumes_attached'])
        # The Block Storage API shows the attachment too.
        vol = self.get('%s/%s' % (VOLUMES, volume_id)).json['volume']
        self.assertEqual(self.server_id, vol['attachments'][0]['server_id'])
        self.sent.clear()
        resp = self.delete(self.url + '/' + volume_id)
        self.assertEqual(202, resp.status_code)
        self.assertEqual({}, self.guest_volumes())
        self.assertEqual('available', self.status(volume_id))
        self.assertIn('terminate_connection',
                      [c[0] for c in self.rpc.calls])
        self.assertEqual([], self.get(self.url).json['volumeAttachments'])
        self.assertEqual(404, self.get(self.url + '/' + volume_id).status_code)
        self.assertEqual(['instance.volume_detach.start',
                          'instance.volume_detach.end'], self.sent)
        self.assertEqual([('compute_detach_volume', 'Success')],
                         self.events('detach_volume'))

    def test_second_volume_gets_the_next_device_or_the_asked_one(self):
        first, second, third = self.volume(), self.volume(), self.volume()
        self.assertEqual(200, self.attach(first).status_code)
        resp = self.attach(second, device='/dev/vdf')
        self.assertEqual('/dev/vdf', resp.json['volumeAttachment']['device'])
        resp = self.attach(third)
        self.assertEqual('/dev/vdc', resp.json['volumeAttachment']['device'])
        self.assertEqual(['vdb', 'vdc', 'vdf'], sorted(self.guest_volumes()))

    def test_volume_not_available_or_attached_twice(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        resp = self.attach(volume_id)
        self.assertEqual(400, resp.status_code)
        self.assertEqual('in-use', self.status(volume_id))

    def test_unknown_volume_is_404(self):
        resp = self.attach('8f9c2a62-6ec1-4a47-8cd1-0f8e4e9e8b2e')
        self.assertEqual(404, resp.status_code)

    def test_detach_of_a_volume_not_attached_is_404(self):
        volume_id = self.volume()
        self.assertEqual(404, self.delete(self.url + '/' + volume_id)
                         .status_code)

    def test_failed_plug_leaves_the_volume_available(self):
        volume_id = self.volume()
        self.driver.volume_attach_fault = exception.NovaLiteException(
            'injected')
        resp = self.attach(volume_id)
        self.assertEqual(500, resp.status_code)
        self.assertEqual('available', self.status(volume_id))
        self.assertEqual([], self.get(self.url).json['volumeAttachments'])
        self.assertEqual({}, self.guest_volumes())
        self.assertEqual(['instance.volume_attach.start',
                          'instance.volume_attach.error'], self.sent)
        self.assertEqual([('compute_attach_volume', 'Error')],
                         self.events('attach_volume'))
        # The export the compute opened was closed again.
        self.assertIn('terminate_connection',
                      [c[0] for c in self.rpc.calls])

    def test_stopped_server_gets_it_and_building_one_is_409(self):
        self.driver.power_off(self.instance())
        self.set_instance(self.server_id, vm_state=states.STOPPED,
                          power_state=states.SHUTDOWN)
        self.assertEqual(200, self.attach(self.volume()).status_code)
        self.set_instance(self.server_id, task_state='rebooting')
        resp = self.attach(self.volume())
        self.assertEqual(409, resp.status_code)

    def test_locked_server_is_409(self):
        self.post('%s/%s/action' % (SERVERS, self.server_id), {'lock': None},
                  fakes.ADMIN)
        self.assertEqual(409, self.attach(self.volume()).status_code)

    def test_delete_server_releases_and_deletes_per_flag(self):
        keep, drop = self.volume(), self.volume()
        self.assertEqual(200, self.attach(keep).status_code)
        resp = self.attach(drop, headers=at('2.79'),
                           delete_on_termination=True)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        server = self.get('%s/%s' % (SERVERS, self.server_id),
                          at('2.3')).json['server']
        self.assertEqual([{'id': keep, 'delete_on_termination': False},
                          {'id': drop, 'delete_on_termination': True}],
                         server['os-extended-volumes:volumes_attached'])
        self.manager.terminate_instance(self.api.admin_context,
                                        self.server_id)
        self.assertEqual('available', self.status(keep))
        self.assertEqual('deleting', self.status(drop))
        self.assertIn(('delete_volume', 'storage1', drop), self.rpc.calls)


class ActionsWithVolumesTest(VolumeAttachTestCase):
    """doc/volumes.md, "Moves": the actions keep the volumes; a server
    booted from a volume cannot be rescued."""

    def test_rescue_keeps_the_volumes_attached(self):
        for name in ('rescue_instance', 'unrescue_instance'):
            self.useFixture(fixtures.MockPatchObject(
                compute_rpcapi.ComputeAPI, name, self._cast(name)))
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        path = '%s/%s/action' % (SERVERS, self.server_id)
        self.assertEqual(200, self.post(path, {'rescue': None}).status_code)
        self.assertEqual(states.RESCUED, self.row().vm_state)
        # No attach or detach while rescued (Tempest's rescue negatives).
        self.assertEqual(409, self.delete(self.url + '/' + volume_id)
                         .status_code)
        self.assertEqual(409, self.attach(self.volume()).status_code)
        self.assertEqual(202, self.post(path, {'unrescue': None})
                         .status_code)
        self.assertEqual(states.ACTIVE, self.row().vm_state)
        self.assertEqual('in-use', self.status(volume_id))
        self.assertEqual(['vdb'], list(self.guest_volumes()))

    def test_volume_backed_server_is_not_rescuable(self):
        volume_id = self._volume_backed(fakes.IMAGE_UUID)
        resp = self.post('%s/%s/action' % (SERVERS, self.server_id),
                         {'rescue': None})
        self.assertEqual(400, resp.status_code)
        self.assertIn('Cannot rescue a volume-backed instance',
                      resp.get_data(as_text=True))
        self.assertEqual('in-use', self.status(volume_id))
        self.assertEqual(states.ACTIVE, self.row().vm_state)

    def test_rebuild_keeps_the_volume(self):
        volume_id = self.volume()
        att = self.attach(volume_id).json['volumeAttachment']
        self.rpc.calls.clear()
        resp = self.post('%s/%s/action' % (SERVERS, self.server_id),
                         {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(states.ACTIVE, self.row().vm_state)
        # The new guest has the disk again, from the same export.
        self.assertEqual(['vdb'], list(self.guest_volumes()))
        self.assertEqual(volume_id, self.guest_volumes()['vdb']['data'][
            'volume_id'])
        self.assertEqual(['export_access'], [c[0] for c in self.rpc.calls])
        self.assertEqual({'ip': '192.0.2.7', 'host': test_lifecycle.HOST},
                         self.rpc.calls[0][4])
        self.assertEqual('in-use', self.status(volume_id))
        self.assertEqual(att['device'], self.get(
            self.url + '/' + volume_id).json['volumeAttachment']['device'])

    def _volume_backed(self, image_id):
        """Make the server boot from a new volume made of ``image_id``."""
        volume_id = self.volume()
        volume_db.volume_update(self.api.admin_context, volume_id,
                                {'source_image_id': image_id})
        att = server_volumes.reserve(self.api.admin_context, self.server_id,
                                     volume_id, device='/dev/vda',
                                     boot_index=0)
        server_volumes.connect(self.api.admin_context, att['uuid'],
                               {'ip': '192.0.2.7',
                                'host': test_lifecycle.HOST})
        server_volumes.attached(self.api.admin_context, att['uuid'],
                                '/dev/vda', test_lifecycle.HOST)
        return volume_id

    def _image(self, uuid, name, min_disk=0):
        return image_db.image_create(self.api.admin_context, {
            'uuid': uuid, 'name': name, 'status': 'active',
            'disk_format': 'qcow2', 'container_format': 'bare',
            'size': 4096, 'min_disk': min_disk, 'min_ram': 0,
            'visibility': 'public', 'properties': {}})

    def test_volume_backed_rebuild_needs_the_root_volumes_image(self):
        volume_id = self._volume_backed(fakes.IMAGE_UUID)
        path = '%s/%s/action' % (SERVERS, self.server_id)
        other = self._image('6f0d1a2e-9c1b-4d8e-8a55-2b1f0c3d4e5f', 'other')
        resp = self.post(path, {'rebuild': {'imageRef': other['uuid']}})
        self.assertEqual(400, resp.status_code)
        self.assertIn('different image for a volume-backed server',
                      resp.get_data(as_text=True))
        image_ref = self.row().image_ref
        resp = self.post(path, {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(image_ref, self.row().image_ref)
        self.assertEqual(volume_id,
                         self.driver._guest(self.instance())['root_volume'])

    def test_2_93_rebuild_reimages_the_root_volume(self):
        volume_id = self._volume_backed(fakes.IMAGE_UUID)
        path = '%s/%s/action' % (SERVERS, self.server_id)
        other = self._image('6f0d1a2e-9c1b-4d8e-8a55-2b1f0c3d4e5f', 'other')
        huge = self._image('7a1e2b3f-0d2c-4e9f-9b66-3c2a1d4e5f60', 'huge',
                           min_disk=5)
        resp = self.post(path, {'rebuild': {'imageRef': huge['uuid']}},
                         at('2.93'))
        self.assertEqual(400, resp.status_code)
        self.assertIn('does not fit', resp.get_data(as_text=True))
        self.rpc.calls.clear()
        image_ref = self.row().image_ref
        resp = self.post(path, {'rebuild': {'imageRef': other['uuid']}},
                         at('2.93'))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual(image_ref, self.row().image_ref)
        self.assertEqual(states.ACTIVE, self.row().vm_state)
        names = [c[0] for c in self.rpc.calls]
        # The volume service re-imaged the volume, then the exports were
        # opened again for the compute's connector.
        self.assertIn(('reimage_volume', 'storage1', volume_id,
                       other['uuid']), self.rpc.calls)
        self.assertIn('initialize_connection',
                      names[names.index('reimage_volume'):])
        self.assertEqual(volume_id,
                         self.driver._guest(self.instance())['root_volume'])
        self.assertEqual([('compute_rebuild_instance', 'Success')],
                         self.events('rebuild'))

    def test_2_93_rebuild_with_the_same_image_reimages_too(self):
        volume_id = self._volume_backed(fakes.IMAGE_UUID)
        path = '%s/%s/action' % (SERVERS, self.server_id)
        self.rpc.calls.clear()
        resp = self.post(path, {'rebuild': {'imageRef': fakes.IMAGE_UUID}})
        self.assertEqual(202, resp.status_code)
        self.assertNotIn('reimage_volume', [c[0] for c in self.rpc.calls])
        resp = self.post(path, {'rebuild': {'imageRef': fakes.IMAGE_UUID}},
                         at('2.93'))
        self.assertEqual(202, resp.status_code)
        self.assertIn(('reimage_volume', 'storage1', volume_id,
                       fakes.IMAGE_UUID), self.rpc.calls)

    def test_redriven_rebuild_of_a_volume_backed_server_ends_untouched(self):
        """The sweeper's re-sent cast has no image: a volume-backed server
        keeps its guest and root volume, the rebuild ends with a fault."""
        volume_id = self._volume_backed(fakes.IMAGE_UUID)
        self.set_instance(self.server_id, task_state=states.REBUILDING,
                          block_device_mapping=[{
                              'boot_index': 0, 'source_type': 'volume',
                              'destination_type': 'volume',
                              'uuid': volume_id}])
        action_db.action_start(self.api.admin_context, self.server_id,
                               'rebuild')
        started = self.driver._guest(self.instance())['started']
        self.rpc.calls.clear()
        self.manager.rebuild_instance(self.api.admin_context,
                                      self.server_id, None)
        row = self.row()
        self.assertEqual((states.ACTIVE, None),
                         (row.vm_state, row.task_state))
        self.assertEqual(started,
                         self.driver._guest(self.instance())['started'])
        self.assertEqual('in-use', self.status(volume_id))
        self.assertNotIn('reimage_volume', [c[0] for c in self.rpc.calls])
        self.assertIn(('compute_rebuild_instance', 'Error'),
                      self.events('rebuild'))

    def test_shelve_of_a_volume_backed_server_makes_no_image(self):
        self._volume_backed(fakes.IMAGE_UUID)
        self.hold_casts = True
        offloads = []
        self.useFixture(fixtures.MockPatchObject(
            compute_rpcapi.ComputeAPI, 'shelve_offload_instance',
            lambda _api, ctx, host, uuid: offloads.append((host, uuid))))
        resp = self.post('%s/%s/action' % (SERVERS, self.server_id),
                         {'shelve': None})
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        row = self.row()
        self.assertEqual(states.SHELVING_OFFLOADING, row.task_state)
        self.assertIsNone(row.shelved_image_id)
        self.assertEqual([(test_lifecycle.HOST, self.server_id)], offloads)

    def test_root_volume_cannot_be_detached(self):
        volume_id = self._volume_backed(fakes.IMAGE_UUID)
        resp = self.delete(self.url + '/' + volume_id)
        self.assertEqual(400, resp.status_code)
        self.assertIn("Can't detach root device volume",
                      resp.get_data(as_text=True))
        self.assertEqual('in-use', self.status(volume_id))


class ShelvedOffloadedTest(VolumeAttachTestCase):
    """2.20 on a SHELVED_OFFLOADED server: recorded without a compute."""

    def setUp(self):
        super().setUp()
        self.set_instance(self.server_id, vm_state=states.SHELVED_OFFLOADED,
                          host=None, node=None)

    def test_attach_detach_without_a_compute(self):
        volume_id = self.volume()
        self.assertEqual(409, self.attach(volume_id,
                                          headers=at('2.19')).status_code)
        resp = self.attach(volume_id, headers=at('2.20'))
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        self.assertEqual('/dev/vdb', resp.json['volumeAttachment']['device'])
        self.assertEqual('in-use', self.status(volume_id))
        # No export, no compute, no notification: the unshelve connects.
        self.assertEqual([], [c for c in self.rpc.calls
                              if c[0] == 'initialize_connection'])
        self.assertEqual([], self.sent)
        resp = self.attach(self.volume(), headers=at('2.20'),
                           device='/dev/vdb')
        self.assertEqual(400, resp.status_code)
        resp = self.delete(self.url + '/' + volume_id, at('2.20'))
        self.assertEqual(202, resp.status_code)
        self.assertEqual('available', self.status(volume_id))
        self.assertEqual([], self.get(self.url).json['volumeAttachments'])
        self.assertEqual([], [c for c in self.rpc.calls
                              if c[0] == 'terminate_connection'])

    def test_task_or_lock_is_409(self):
        self.set_instance(self.server_id, task_state='unshelving')
        self.assertEqual(409, self.attach(self.volume(),
                                          headers=at('2.20')).status_code)
        self.set_instance(self.server_id, task_state=None, locked=True,
                          locked_by='admin')
        self.assertEqual(409, self.attach(self.volume(),
                                          headers=at('2.20')).status_code)

    def test_ephemeral_disk_moves_the_first_device(self):
        self.set_instance(self.server_id, ephemeral_gb=1)
        resp = self.attach(self.volume(), headers=at('2.20'))
        self.assertEqual('/dev/vdc', resp.json['volumeAttachment']['device'])


class MicroversionTest(VolumeAttachTestCase):

    def test_tag_needs_2_49_and_shows_from_2_70(self):
        resp = self.attach(self.volume(), headers=at('2.48'), tag='t')
        self.assertEqual(400, resp.status_code)
        volume_id = self.volume()
        resp = self.attach(volume_id, headers=at('2.49'), tag='data')
        self.assertEqual(200, resp.status_code)
        self.assertNotIn('tag', resp.json['volumeAttachment'])
        shown = self.get(self.url + '/' + volume_id, at('2.70')).json
        self.assertEqual('data', shown['volumeAttachment']['tag'])

    def test_delete_on_termination_needs_2_79(self):
        resp = self.attach(self.volume(), headers=at('2.78'),
                           delete_on_termination=True)
        self.assertEqual(400, resp.status_code)
        resp = self.attach(self.volume(), headers=at('2.79'),
                           delete_on_termination=True)
        self.assertTrue(resp.json['volumeAttachment'][
            'delete_on_termination'])

    def test_2_89_fields_and_2_101_status(self):
        volume_id = self.volume()
        resp = self.attach(volume_id, headers=at('2.101'))
        self.assertEqual(202, resp.status_code)
        self.assertEqual(volume_id, resp.json['volumeAttachment']['id'])
        att = self.get(self.url, at('2.89')).json['volumeAttachments'][0]
        self.assertNotIn('id', att)
        self.assertEqual({'attachment_id', 'bdm_uuid', 'device', 'serverId',
                          'volumeId', 'tag', 'delete_on_termination'},
                         set(att))
        before = self.get(self.url, at('2.88')).json['volumeAttachments'][0]
        self.assertEqual(volume_id, before['id'])
        self.assertNotIn('attachment_id', before)

    def test_bad_bodies(self):
        for body in ({}, {'volumeAttachment': {}},
                     {'volumeAttachment': {'volumeId': 'x'}},
                     {'volumeAttachment': {'volumeId': self.volume(),
                                           'device': 'vdb'}},
                     {'volumeAttachment': {'volumeId': self.volume(),
                                           'foo': 1}}):
            resp = self.post(self.url, body)
            self.assertEqual(400, resp.status_code, body)

    def test_paging(self):
        ids = [self.volume() for _ in range(3)]
        for volume_id in ids:
            self.attach(volume_id)
        listed = self.get(self.url + '?limit=1&offset=1').json
        self.assertEqual([ids[1]], [a['volumeId'] for a in listed[
            'volumeAttachments']])
        self.assertEqual(400, self.get(self.url + '?limit=x').status_code)


class PolicyTest(VolumeAttachTestCase):

    def test_reader_lists_member_attaches_other_project_404(self):
        volume_id = self.volume()
        self.assertEqual(403, self.attach(volume_id,
                                          headers=fakes.READER).status_code)
        self.assertEqual(200, self.get(self.url, fakes.READER).status_code)
        self.assertEqual(404, self.get(self.url, fakes.OTHER).status_code)
        self.assertEqual(404, self.attach(volume_id,
                                          headers=fakes.OTHER).status_code)
        self.assertEqual(200, self.attach(volume_id).status_code)
        self.assertEqual(403, self.delete(self.url + '/' + volume_id,
                                          fakes.READER).status_code)


class UpdateTest(VolumeAttachTestCase):
    """PUT os-volume_attachments/{volume_id}: 2.85's update of
    delete_on_termination, and the swap nova_lite refuses."""

    def put(self, volume_id, body, headers):
        return self.api.request('PUT', self.url + '/' + volume_id,
                                {'volumeAttachment': body}, headers)

    def test_delete_on_termination_from_2_85(self):
        volume_id = self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        resp = self.put(volume_id, {'volumeId': volume_id,
                                    'delete_on_termination': True},
                        at('2.85'))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        shown = self.get(self.url + '/' + volume_id, at('2.85')).json
        self.assertTrue(shown['volumeAttachment']['delete_on_termination'])
        # The current values of the other fields are accepted ...
        resp = self.put(volume_id, {
            'volumeId': volume_id, 'device': '/dev/vdb',
            'serverId': self.server_id, 'id': volume_id,
            'delete_on_termination': False}, at('2.85'))
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        # ... changes are not.
        for change in ({'device': '/dev/vdq'}, {'tag': 'x'},
                       {'serverId': 'f' * 8 + '-0000-4000-8000-' + 'f' * 12}):
            resp = self.put(volume_id, dict(change, volumeId=volume_id),
                            at('2.85'))
            self.assertEqual(400, resp.status_code, change)
        # Before 2.85 the body has volumeId only.
        resp = self.put(volume_id, {'volumeId': volume_id,
                                    'delete_on_termination': True},
                        at('2.84'))
        self.assertEqual(400, resp.status_code)
        # Readers may not.
        resp = self.put(volume_id, {'volumeId': volume_id},
                        at('2.85', fakes.READER))
        self.assertEqual(403, resp.status_code)

    def test_swap_is_found_then_refused(self):
        volume_id, other = self.volume(), self.volume()
        self.assertEqual(200, self.attach(volume_id).status_code)
        unknown = '8f9c2a62-6ec1-4a47-8cd1-0f8e4e9e8b2e'
        admin = at('2.1', fakes.ADMIN)
        # Members may not swap.
        self.assertEqual(403, self.put(volume_id, {'volumeId': other},
                                       at('2.1')).status_code)
        self.assertEqual(404, self.put(unknown, {'volumeId': other},
                                       admin).status_code)
        self.assertEqual(400, self.put(volume_id, {'volumeId': unknown},
                                       admin).status_code)
        # A volume not attached to the server: 404.
        self.assertEqual(404, self.put(other, {'volumeId': volume_id},
                                       admin).status_code)
        resp = self.put(volume_id, {'volumeId': other}, admin)
        self.assertEqual(400, resp.status_code)
        self.assertIn('not supported', resp.get_data(as_text=True))
        # Before 2.85 even the same volume is a swap.
        self.assertEqual(400, self.put(volume_id, {'volumeId': volume_id},
                                       admin).status_code)
        self.assertEqual('in-use', self.status(volume_id))
        self.assertEqual('available', self.status(other))
