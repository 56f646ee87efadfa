"""The compute API's volume proxies (``/os-volumes``, ``/os-snapshots``,
microversions 2.1-2.35) over the volume service's volumes and
snapshots: Nova's shapes, paging, validation, policy, quota (403),
project isolation and the 404 from 2.36. The volume service is
replaced at its RPC boundary (``test_volume_api.FakeVolumeRPC``)."""
from nova_lite.api.schemas import responses
from nova_lite.api import microversion
from nova_lite.db import volume_attachments as attachment_db
from nova_lite.db import volumes as volume_db
from tests.unit.api import fakes
from tests.unit.api import test_volume_api

VOLS = '/v2.1/os-volumes'
SNAPS = '/v2.1/os-snapshots'
VOLUME_KEYS = {'id', 'status', 'size', 'availabilityZone', 'createdAt',
               'displayName', 'displayDescription', 'volumeType',
               'snapshotId', 'metadata', 'attachments'}


def at(version, headers=fakes.MEMBER):
    return dict(headers, **{'OpenStack-API-Version': 'compute ' + version})


class ComputeVolumesTestCase(test_volume_api.VolumeAPITestCase):

    def create_volume(self, size=1, headers=None, **extra):
        resp = self.post(VOLS, {'volume': dict(extra, size=size)}, headers)
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        return resp

    def check_schema(self, method, rule, status, body, version='2.1'):
        import jsonschema
        schema = responses.schema(method, rule, status,
                                  microversion.parse(version))
        jsonschema.validate(body, schema)


class ComputeVolumesTest(ComputeVolumesTestCase):

    def test_create_show_list_delete(self):
        resp = self.create_volume(2, display_name='v1',
                                  display_description='d',
                                  metadata={'Type': 'work'})
        vol = resp.json['volume']
        self.assertEqual(VOLUME_KEYS, set(vol))
        self.assertEqual(('creating', 2, 'v1', 'd', '__DEFAULT__', None,
                          {'Type': 'work'}, [{}], 'nova'), (
            vol['status'], vol['size'], vol['displayName'],
            vol['displayDescription'], vol['volumeType'], vol['snapshotId'],
            vol['metadata'], vol['attachments'], vol['availabilityZone']))
        self.assertTrue(resp.headers['Location'].endswith(
            '/v2.1/os-volumes/' + vol['id']))
        self.check_schema('POST', VOLS, 200, resp.json)
        self.assertEqual([('create_volume', 'storage1', vol['id'])],
                         [c[:3] for c in self.rpc.calls])
        shown = self.get(VOLS + '/' + vol['id'], fakes.READER).json
        self.assertEqual(vol, shown['volume'])
        for path in (VOLS, VOLS + '/detail'):
            listed = self.get(path, fakes.READER).json
            self.assertEqual([vol['id']], [v['id'] for v in listed[
                'volumes']])
            self.check_schema('GET', path, 200, listed)
        # The same volume in the Block Storage API.
        cinder = self.get(test_volume_api.P + '/volumes/' + vol['id']).json
        self.assertEqual('v1', cinder['volume']['name'])
        self.make_available(vol['id'])
        self.assertEqual(202, self.delete(VOLS + '/' + vol['id'])
                         .status_code)
        self.assertEqual(('delete_volume', 'storage1', vol['id']),
                         self.rpc.calls[-1][:3])

    def test_limit_and_offset(self):
        ids = [self.create_volume().json['volume']['id'] for _ in range(3)]
        listed = [v['id'] for v in self.get(VOLS).json['volumes']]
        self.assertEqual(sorted(ids), sorted(listed))
        page = self.get(VOLS + '/detail?limit=1&offset=1').json['volumes']
        self.assertEqual(listed[1:2], [v['id'] for v in page])
        self.assertEqual(listed[2:], [v['id'] for v in self.get(
            VOLS + '?offset=2').json['volumes']])
        self.assertFault(self.get(VOLS + '?limit=-1'), 400, 'badRequest')
        self.assertFault(self.get(VOLS + '?offset=x'), 400, 'badRequest')

    def test_bad_input(self):
        for size in ('#$%', '', '0', 0, -1, None, 10 ** 6):
            resp = self.post(VOLS, {'volume': {'size': size}})
            self.assertFault(resp, 400, 'badRequest')
        self.assertFault(self.post(VOLS, {'volume': {}}), 400, 'badRequest')
        self.assertFault(self.post(VOLS, {'volume': {'size': 1, 'name': 'x'}}),
                         400, 'badRequest', 'name')
        self.assertFault(self.post(VOLS, {'volume': {
            'size': 1, 'metadata': {'k': 1}}}), 400, 'badRequest')
        self.assertFault(self.post(VOLS, {'volume': {
            'size': 1, 'volume_type': 'gold'}}), 404, 'itemNotFound')
        self.assertFault(self.post(VOLS, {'volume': {
            'size': 1, 'snapshot_id': 'f' * 36}}), 404, 'itemNotFound')
        # The string of digits is a size.
        self.assertEqual(3, self.create_volume('3').json['volume']['size'])

    def test_unknown_ids_are_404(self):
        for path in (VOLS + '/nope', VOLS + '/' + 'f' * 36, SNAPS + '/x'):
            self.assertFault(self.get(path), 404, 'itemNotFound')
            self.assertFault(self.delete(path), 404, 'itemNotFound')

    def test_other_projects_do_not_see_it(self):
        vol = self.create_volume().json['volume']
        self.assertEqual([], self.get(VOLS, fakes.OTHER).json['volumes'])
        self.assertFault(self.get(VOLS + '/' + vol['id'], fakes.OTHER), 404,
                         'itemNotFound')
        self.assertFault(self.delete(VOLS + '/' + vol['id'], fakes.OTHER),
                         404, 'itemNotFound')
        self.assertEqual(200, self.get(VOLS + '/' + vol['id'],
                                       fakes.ADMIN).status_code)

    def test_policy(self):
        self.assertFault(self.post(VOLS, {'volume': {'size': 1}},
                                   fakes.READER), 403, 'forbidden')
        self.assertFault(self.post(SNAPS, {'snapshot': {
            'volume_id': 'x'}}, fakes.READER), 403, 'forbidden')
        vol = self.create_volume().json['volume']
        self.assertFault(self.delete(VOLS + '/' + vol['id'], fakes.READER),
                         403, 'forbidden')

    def test_over_quota_is_403(self):
        self.api.conf.config(group='volume', quota_volumes=1)
        self.create_volume()
        self.assertFault(self.post(VOLS, {'volume': {'size': 1}}), 403,
                         'forbidden', 'volumes')

    def test_delete_of_a_busy_volume_is_400(self):
        vol = self.create_volume().json['volume']
        self.assertFault(self.delete(VOLS + '/' + vol['id']), 400,
                         'badRequest')
        self.assertEqual('creating', volume_db.volume_get(
            self.api.admin_context, vol['id'])['status'])

    def test_attached_volume_shows_its_server(self):
        vol = self.create_volume().json['volume']
        self.make_available(vol['id'])
        att = attachment_db.attachment_create(self.api.admin_context, {
            'uuid': 'a' * 8 + '-0000-4000-8000-' + 'b' * 12,
            'volume_uuid': vol['id'], 'instance_uuid': 'c' * 36,
            'attach_mode': 'rw', 'attach_status': 'attached',
            'mountpoint': '/dev/vdb'}, ('available',), 'in-use')
        volume_db.volume_update(self.api.admin_context, vol['id'],
                                {'attach_status': 'attached'})
        shown = self.get(VOLS + '/' + vol['id']).json
        self.assertEqual([{'id': vol['id'], 'volumeId': vol['id'],
                           'serverId': 'c' * 36, 'device': '/dev/vdb'}],
                         shown['volume']['attachments'])
        self.assertEqual('in-use', shown['volume']['status'])
        self.check_schema('GET', VOLS + '/<volume_id>', 200, shown)
        self.assertFault(self.delete(VOLS + '/' + vol['id']), 400,
                         'badRequest')
        self.assertIsNotNone(att)

    def test_gone_from_2_36(self):
        self.assertEqual(200, self.get(VOLS, at('2.35')).status_code)
        for path in (VOLS, VOLS + '/detail', SNAPS, SNAPS + '/detail'):
            self.assertFault(self.get(path, at('2.36')), 404, 'itemNotFound')
        self.assertFault(self.post(VOLS, {'volume': {'size': 1}},
                                   at('2.36')), 404, 'itemNotFound')


class ComputeSnapshotsTest(ComputeVolumesTestCase):

    def volume(self):
        vol = self.create_volume(2).json['volume']
        self.make_available(vol['id'])
        return vol['id']

    def test_snapshot_create_show_list_delete(self):
        volume_id = self.volume()
        resp = self.post(SNAPS, {'snapshot': {
            'volume_id': volume_id, 'display_name': 's1',
            'display_description': 'first'}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
        snap = resp.json['snapshot']
        self.assertEqual({'id', 'volumeId', 'status', 'size', 'createdAt',
                          'displayName', 'displayDescription'}, set(snap))
        self.assertEqual((volume_id, 'creating', 2, 's1', 'first'), (
            snap['volumeId'], snap['status'], snap['size'],
            snap['displayName'], snap['displayDescription']))
        self.check_schema('POST', SNAPS, 200, resp.json)
        self.assertEqual(('create_snapshot', 'storage1', snap['id']),
                         self.rpc.calls[-1][:3])
        self.assertEqual(snap, self.get(SNAPS + '/' + snap['id'],
                                        fakes.READER).json['snapshot'])
        for path in (SNAPS, SNAPS + '/detail?limit=5'):
            listed = self.get(path, fakes.READER).json
            self.assertEqual([snap['id']], [s['id'] for s in listed[
                'snapshots']])
        self.assertEqual([], self.get(SNAPS + '?offset=1').json['snapshots'])
        self.assertEqual([], self.get(SNAPS, fakes.OTHER).json['snapshots'])
        # Busy while creating: 400; deleted once available.
        self.assertFault(self.delete(SNAPS + '/' + snap['id']), 400,
                         'badRequest')
        attachment_db.snapshot_update(self.api.admin_context, snap['id'], {
            'status': 'available', 'provider_location': '/s'})
        self.assertEqual(202, self.delete(SNAPS + '/' + snap['id'])
                         .status_code)
        self.assertEqual(('delete_snapshot', 'storage1', snap['id']),
                         self.rpc.calls[-1][:3])

    def test_snapshot_errors(self):
        self.assertFault(self.post(SNAPS, {'snapshot': {
            'volume_id': 'f' * 36}}), 404, 'itemNotFound')
        self.assertFault(self.post(SNAPS, {'snapshot': {}}), 400,
                         'badRequest')
        self.assertFault(self.post(SNAPS, {'snapshot': {
            'volume_id': 'x', 'force': 'maybe'}}), 400, 'badRequest')
        creating = self.create_volume().json['volume']['id']
        self.assertFault(self.post(SNAPS, {'snapshot': {
            'volume_id': creating}}), 400, 'badRequest')
        volume_id = self.volume()
        self.api.conf.config(group='volume', quota_snapshots=0)
        self.assertFault(self.post(SNAPS, {'snapshot': {
            'volume_id': volume_id}}), 403, 'forbidden')

    def test_in_use_needs_force(self):
        volume_id = self.volume()
        volume_db.volume_update(self.api.admin_context, volume_id,
                                {'status': 'in-use'})
        self.assertFault(self.post(SNAPS, {'snapshot': {
            'volume_id': volume_id}}), 400, 'badRequest')
        resp = self.post(SNAPS, {'snapshot': {'volume_id': volume_id,
                                              'force': 'true'}})
        self.assertEqual(200, resp.status_code, resp.get_data(as_text=True))
