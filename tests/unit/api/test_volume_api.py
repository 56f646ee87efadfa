"""The Block Storage API at ``/volume/v3`` (doc/volumes.md) through the
full WSGI pipeline: versions, validation, policy, the status machine,
quotas and the fault bodies. The volume service is replaced at the RPC
boundary by ``FakeVolumeRPC``, which records the casts and answers the
calls as the service does."""
from unittest import mock

from nova_lite.db import services as service_db
from nova_lite import servicegroup
from nova_lite.volume import api as volume_api
from tests.unit.api import fakes

P = '/volume/v3/%s' % fakes.PROJECT
V27 = {'OpenStack-API-Version': 'volume 3.27'}


class FakeVolumeRPC:
    """The volume service's RPC client: casts recorded, the connection
    calls answer like ``nova_lite.volume.export``."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        def record(context, host, *args, **kwargs):
            self.calls.append((name, host) + args)
            if name in ('initialize_connection', 'ensure_export',
                        'export_access'):
                attachment_id = args[1]
                return {'driver_volume_type': 'nbd', 'data': {
                    'host': '192.0.2.1', 'port': 10809,
                    'export_name': 'attachment-%s' % attachment_id}}
            return None
        return record


class VolumeAPITestCase(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.rpc = FakeVolumeRPC()
        self.useFixture(__import__('fixtures').MockPatchObject(
            volume_api, '_RPC', self.rpc))
        service_db.service_register(self.api.admin_context, 'storage1',
                                    servicegroup.VOLUME, 'volume')

    def h(self, base=None, **extra):
        return dict(base or fakes.MEMBER, **extra)

    def create(self, size=1, headers=None, **extra):
        resp = self.post(P + '/volumes', {'volume': dict(extra, size=size)},
                         headers)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        return resp.json['volume']

    def make_available(self, volume_id):
        from nova_lite.db import volumes as volume_db
        volume_db.volume_update(self.api.admin_context, volume_id, {
            'status': 'available', 'provider_location': '/x'}, 'creating')


class VersionsTest(VolumeAPITestCase):

    def test_versions_without_token(self):
        resp = self.get('/volume/', headers={})
        self.assertEqual(300, resp.status_code)
        self.assertEqual('3.68', resp.json['versions'][0]['version'])
        self.assertEqual(200, self.get('/volume/v3/', headers={}).status_code)

    def test_resources_need_a_token(self):
        self.assertEqual(401, self.get(P + '/volumes', headers={}).status_code)

    def test_microversion_range(self):
        resp = self.get(P + '/volumes', headers=self.h(
            **{'OpenStack-API-Version': 'volume 3.27'}))
        self.assertEqual(200, resp.status_code)
        self.assertEqual('volume 3.27',
                         resp.headers['OpenStack-API-Version'])
        resp = self.get(P + '/volumes', headers=self.h(
            **{'OpenStack-API-Version': 'volume 3.99'}))
        self.assertFault(resp, 406, 'notAcceptable', '3.99')
        resp = self.get(P + '/volumes', headers=self.h(
            **{'OpenStack-API-Version': 'volume latest'}))
        self.assertEqual('volume 3.68',
                         resp.headers['OpenStack-API-Version'])

    def test_attachments_need_3_27(self):
        self.assertEqual(404, self.get(P + '/attachments').status_code)
        self.assertEqual(200, self.get(P + '/attachments',
                                       self.h(**V27)).status_code)


class VolumeCrudTest(VolumeAPITestCase):

    def test_create_casts_and_claims(self):
        vol = self.create(2, name='v1')
        self.assertEqual(('creating', 2, 'v1', '__DEFAULT__', 'false'), (
            vol['status'], vol['size'], vol['name'], vol['volume_type'],
            vol['bootable']))
        self.assertEqual([('create_volume', 'storage1', vol['id'])],
                         [c[:3] for c in self.rpc.calls])
        limits = self.get(P + '/limits').json['limits']['absolute']
        self.assertEqual((1, 2), (limits['totalVolumesUsed'],
                                  limits['totalGigabytesUsed']))

    def test_bad_sizes_are_400(self):
        for size in (0, -1, 'x', True, 10 ** 6):
            resp = self.post(P + '/volumes', {'volume': {'size': size}})
            self.assertFault(resp, 400, 'badRequest')
        resp = self.post(P + '/volumes', {'volume': {'size': 1, 'bogus': 1}})
        self.assertFault(resp, 400, 'badRequest', 'bogus')
        self.assertFault(self.post(P + '/volumes', {'nope': {}}), 400,
                         'badRequest')

    def test_unknown_type_or_snapshot_is_404(self):
        self.assertFault(self.post(P + '/volumes', {'volume': {
            'size': 1, 'volume_type': 'gold'}}), 404, 'itemNotFound')
        self.assertFault(self.post(P + '/volumes', {'volume': {
            'snapshot_id': 'f' * 36}}), 404, 'itemNotFound')

    def test_other_projects_do_not_see_it(self):
        vol = self.create()
        self.assertFault(self.get(P + '/volumes/' + vol['id'],
                                  fakes.OTHER), 404, 'itemNotFound')
        self.assertEqual([], self.get(P + '/volumes', fakes.OTHER)
                         .json['volumes'])
        self.assertFault(self.get(P + '/volumes?all_tenants=1'), 403,
                         'forbidden')
        listed = self.get(P + '/volumes/detail?all_tenants=1', fakes.ADMIN)
        self.assertEqual([vol['id']], [v['id'] for v in
                                       listed.json['volumes']])

    def test_reader_cannot_create(self):
        self.assertFault(self.post(P + '/volumes', {'volume': {'size': 1}},
                                   fakes.READER), 403, 'forbidden')

    def test_list_filters_and_pages(self):
        ids = [self.create(name='v%d' % i)['id'] for i in range(3)]
        first = self.get(P + '/volumes?limit=2&sort=name:asc').json
        self.assertEqual(ids[:2], [v['id'] for v in first['volumes']])
        self.assertIn('marker=' + ids[1], first['volumes_links'][0]['href'])
        rest = self.get(P + '/volumes?limit=2&sort=name:asc&marker='
                        + ids[1]).json
        self.assertEqual([ids[2]], [v['id'] for v in rest['volumes']])
        named = self.get(P + '/volumes/detail?name=v1').json['volumes']
        self.assertEqual([ids[1]], [v['id'] for v in named])
        self.assertFault(self.get(P + '/volumes?sort_key=bogus'), 400,
                         'badRequest')

    def test_update_and_delete(self):
        vol = self.create()
        resp = self.put(P + '/volumes/' + vol['id'], {'volume': {
            'name': 'new', 'metadata': {'a': 'b'}}})
        self.assertEqual(('new', {'a': 'b'}), (resp.json['volume']['name'],
                                               resp.json['volume']['metadata']))
        # creating: not deletable yet
        self.assertFault(self.delete(P + '/volumes/' + vol['id']), 400,
                         'badRequest', 'status')
        self.make_available(vol['id'])
        self.assertEqual(202, self.delete(P + '/volumes/' + vol['id'])
                         .status_code)
        self.assertEqual('deleting', self.get(
            P + '/volumes/' + vol['id']).json['volume']['status'])
        self.assertEqual('delete_volume', self.rpc.calls[-1][0])


class QuotaTest(VolumeAPITestCase):

    def test_quota_exceeded_is_413_and_exact(self):
        resp = self.put(P + '/os-quota-sets/' + fakes.PROJECT, {
            'quota_set': {'volumes': 2, 'gigabytes': 4}}, fakes.ADMIN)
        self.assertEqual(2, resp.json['quota_set']['volumes'])
        self.create(2)
        self.assertFault(self.post(P + '/volumes', {'volume': {'size': 3}}),
                         413, 'overLimit', 'gigabytes')
        self.create(1)
        self.assertFault(self.post(P + '/volumes', {'volume': {'size': 1}}),
                         413, 'overLimit', 'volumes')
        usage = self.get(P + '/os-quota-sets/%s?usage=true'
                         % fakes.PROJECT).json['quota_set']
        self.assertEqual({'limit': 4, 'in_use': 3, 'reserved': 0,
                          'allocated': 0}, usage['gigabytes'])

    def test_members_cannot_change_quotas(self):
        self.assertFault(self.put(P + '/os-quota-sets/' + fakes.PROJECT, {
            'quota_set': {'volumes': 99}}), 403, 'forbidden')

    def test_delete_releases_quota(self):
        vol = self.create(3)
        self.make_available(vol['id'])
        from nova_lite.db import volumes as volume_db
        volume_db.volume_destroy(self.api.admin_context, vol['id'])
        limits = self.get(P + '/limits').json['limits']['absolute']
        self.assertEqual((0, 0), (limits['totalVolumesUsed'],
                                  limits['totalGigabytesUsed']))


class ActionsTest(VolumeAPITestCase):

    def action(self, volume_id, body, headers=None):
        return self.post(P + '/volumes/%s/action' % volume_id, body, headers)

    def test_legacy_attach_detach_cycle(self):
        vol = self.create()
        self.make_available(vol['id'])

        def status():
            return self.get(P + '/volumes/' + vol['id']).json['volume'][
                'status']
        self.assertEqual(202, self.action(vol['id'], {'os-reserve': {}})
                         .status_code)
        self.assertEqual('attaching', status())  # Cinder's legacy reserve
        resp = self.action(vol['id'], {'os-initialize_connection': {
            'connector': {'ip': '192.0.2.9', 'host': 'node1'}}})
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual('nbd', resp.json['connection_info'][
            'driver_volume_type'])
        self.assertEqual('attaching', status())
        self.assertEqual(202, self.action(vol['id'], {'os-attach': {
            'instance_uuid': 'a' * 8 + '-aaaa-aaaa-aaaa-' + 'a' * 12,
            'mountpoint': '/dev/vdb'}}).status_code)
        self.assertEqual('in-use', status())
        shown = self.get(P + '/volumes/' + vol['id']).json['volume']
        self.assertEqual('/dev/vdb', shown['attachments'][0]['device'])
        self.assertFault(self.delete(P + '/volumes/' + vol['id']), 400,
                         'badRequest')
        self.action(vol['id'], {'os-begin_detaching': {}})
        self.assertEqual('detaching', status())
        self.action(vol['id'], {'os-terminate_connection': {
            'connector': {'ip': '192.0.2.9', 'host': 'node1'}}})
        self.assertIn('terminate_connection', [c[0] for c in self.rpc.calls])
        self.assertEqual(202, self.action(vol['id'], {'os-detach': {}})
                         .status_code)
        self.assertEqual('available', status())

    def test_attachments_api(self):
        vol = self.create()
        self.make_available(vol['id'])
        resp = self.post(P + '/attachments', {'attachment': {
            'volume_uuid': vol['id'], 'instance_uuid': 'i-1'}}, self.h(**V27))
        self.assertEqual(200, resp.status_code, resp.json)
        att = resp.json['attachment']
        self.assertEqual('reserved', att['status'])
        again = self.post(P + '/attachments', {'attachment': {
            'volume_uuid': vol['id'], 'instance_uuid': 'i-2'}}, self.h(**V27))
        self.assertFault(again, 400, 'badRequest')
        resp = self.put(P + '/attachments/' + att['id'], {'attachment': {
            'connector': {'ip': '192.0.2.9'}}}, self.h(**V27))
        self.assertEqual(10809, resp.json['attachment']['connection_info'][
            'data']['port'])
        self.assertEqual(204, self.post(
            P + '/attachments/%s/action' % att['id'], {'os-complete': None},
            self.h(**V27)).status_code)
        self.assertEqual('in-use', self.get(P + '/volumes/' + vol['id'])
                         .json['volume']['status'])
        self.assertEqual(200, self.delete(P + '/attachments/' + att['id'],
                                          self.h(**V27)).status_code)
        self.assertEqual('available', self.get(P + '/volumes/' + vol['id'])
                         .json['volume']['status'])

    def test_extend_bootable_reset(self):
        vol = self.create()
        self.assertFault(self.action(vol['id'], {'os-extend': {
            'new_size': 2}}), 400, 'badRequest')  # creating
        self.make_available(vol['id'])
        self.assertFault(self.action(vol['id'], {'os-extend': {
            'new_size': 1}}), 400, 'badRequest', 'greater')
        self.assertEqual(202, self.action(vol['id'], {'os-extend': {
            'new_size': 2}}).status_code)
        self.assertEqual(('extend_volume', 'storage1', vol['id'], 2),
                         self.rpc.calls[-1])
        self.assertEqual(200, self.action(vol['id'], {'os-set_bootable': {
            'bootable': True}}).status_code)
        self.assertFault(self.action(vol['id'], {'os-reset_status': {
            'status': 'available'}}), 403, 'forbidden')
        self.assertEqual(202, self.action(vol['id'], {'os-reset_status': {
            'status': 'available'}}, fakes.ADMIN).status_code)
        shown = self.get(P + '/volumes/' + vol['id']).json['volume']
        self.assertEqual(('available', 'true'), (shown['status'],
                                                 shown['bootable']))
        self.assertFault(self.action(vol['id'], {'os-bogus': {}}), 400,
                         'badRequest')


    def test_force_delete_is_admin_only_and_ignores_status(self):
        vol = self.create()  # creating
        self.assertFault(self.action(vol['id'], {'os-force_delete': {}}),
                         403, 'forbidden')
        self.assertEqual(202, self.action(vol['id'], {'os-force_delete': {}},
                                          fakes.ADMIN).status_code)
        self.assertEqual('deleting', self.get(P + '/volumes/' + vol['id'])
                         .json['volume']['status'])

    def test_per_volume_gigabytes(self):
        self.put(P + '/os-quota-sets/' + fakes.PROJECT, {'quota_set': {
            'per_volume_gigabytes': 2, 'backups': 3}}, fakes.ADMIN)
        shown = self.get(P + '/os-quota-sets/' + fakes.PROJECT).json
        self.assertEqual((2, 3), (shown['quota_set']['per_volume_gigabytes'],
                                  shown['quota_set']['backups']))
        self.assertFault(self.post(P + '/volumes', {'volume': {'size': 3}}),
                         400, 'badRequest', 'maximum allowed')
        self.create(2)


class ReimageTest(VolumeAPITestCase):
    """os-reimage (3.68) and the volume fields of 3.48-3.65."""

    V68 = {'OpenStack-API-Version': 'volume 3.68'}

    def reimage(self, volume_id, headers=None, **args):
        return self.post(P + '/volumes/%s/action' % volume_id,
                         {'os-reimage': args}, headers or self.h(**self.V68))

    def test_reimage_an_available_volume(self):
        vol = self.create()
        self.make_available(vol['id'])
        resp = self.reimage(vol['id'], fakes.MEMBER, image_id=fakes.IMAGE_UUID)
        self.assertEqual(404, resp.status_code)     # below 3.68
        resp = self.reimage(vol['id'], image_id=fakes.IMAGE_UUID)
        self.assertEqual(202, resp.status_code, resp.get_data(as_text=True))
        shown = self.get(P + '/volumes/' + vol['id'],
                         self.h(**self.V68)).json['volume']
        self.assertEqual('downloading', shown['status'])
        self.assertIn(('reimage_volume_cast', 'storage1', vol['id'],
                       fakes.IMAGE_UUID), self.rpc.calls)
        # Not available any more: 400, nothing cast.
        calls = len(self.rpc.calls)
        self.assertFault(self.reimage(vol['id'], image_id=fakes.IMAGE_UUID),
                         400, 'badRequest', 'downloading')
        self.assertEqual(calls, len(self.rpc.calls))

    def test_bad_requests(self):
        vol = self.create()
        self.make_available(vol['id'])
        for args, text in (({}, 'image_id'),
                           ({'image_id': 'nope'}, 'nope'),
                           ({'image_id': fakes.IMAGE_UUID, 'x': 1}, 'x'),
                           ({'image_id': fakes.IMAGE_UUID,
                             'reimage_reserved': 'maybe'},
                            'reimage_reserved')):
            self.assertFault(self.reimage(vol['id'], **args), 400,
                             'badRequest', text)
        # reimage_reserved is for admins and the service role.
        self.assertEqual(403, self.reimage(
            vol['id'], image_id=fakes.IMAGE_UUID,
            reimage_reserved=True).status_code)
        self.assertEqual('available', self.get(
            P + '/volumes/' + vol['id']).json['volume']['status'])

    def test_later_fields(self):
        vol = self.create()
        old = self.get(P + '/volumes/' + vol['id']).json['volume']
        new = self.get(P + '/volumes/' + vol['id'],
                       self.h(**self.V68)).json['volume']
        fields = {'shared_targets', 'service_uuid', 'volume_type_id',
                  'encryption_key_id', 'consumes_quota'}
        self.assertEqual(set(), fields & set(old))
        self.assertEqual(fields, fields & set(new))
        self.assertTrue(new['consumes_quota'])
        self.assertNotIn('cluster_name', new)    # admins only


class TypesSnapshotsTest(VolumeAPITestCase):

    def test_types_admin_only(self):
        names = [t['name'] for t in self.get(P + '/types').json[
            'volume_types']]
        self.assertEqual(['__DEFAULT__'], names)
        self.assertFault(self.post(P + '/types', {'volume_type': {
            'name': 'gold'}}), 403, 'forbidden')
        resp = self.post(P + '/types', {'volume_type': {'name': 'gold'}},
                         fakes.ADMIN)
        self.assertEqual(200, resp.status_code)
        self.assertFault(self.post(P + '/types', {'volume_type': {
            'name': 'gold'}}, fakes.ADMIN), 409, 'conflictingRequest')
        self.assertEqual(202, self.delete(
            P + '/types/' + resp.json['volume_type']['id'],
            fakes.ADMIN).status_code)

    def test_snapshot_needs_available_volume_and_quota(self):
        vol = self.create(2)
        self.assertFault(self.post(P + '/snapshots', {'snapshot': {
            'volume_id': vol['id']}}), 400, 'badRequest')
        self.make_available(vol['id'])
        resp = self.post(P + '/snapshots', {'snapshot': {
            'volume_id': vol['id'], 'name': 's1'}})
        self.assertEqual(202, resp.status_code, resp.json)
        self.assertEqual(('creating', 2), (resp.json['snapshot']['status'],
                                           resp.json['snapshot']['size']))
        self.assertEqual('create_snapshot', self.rpc.calls[-1][0])
        # a volume with snapshots is not deleted without cascade
        self.assertFault(self.delete(P + '/volumes/' + vol['id']), 400,
                         'badRequest', 'snapshots')
        limits = self.get(P + '/limits').json['limits']['absolute']
        self.assertEqual((1, 4), (limits['totalSnapshotsUsed'],
                                  limits['totalGigabytesUsed']))


class NoServiceTest(fakes.APITestCase):

    def test_no_volume_service_gives_an_error_volume(self):
        with mock.patch.object(volume_api, '_RPC', FakeVolumeRPC()):
            resp = self.post(P + '/volumes', {'volume': {'size': 1}})
        self.assertEqual(202, resp.status_code)
        self.assertEqual('error', resp.json['volume']['status'])
