"""A server's volumes through its moves (doc/volumes.md, "Moves") on the
in-process stack: two fake-driver computes, the API over HTTP and an
in-process ``nova-lite-volume`` with its real file driver and NBD
exports (``qemu-nbd`` on 127.0.0.1), claims and quota usage exact after
the moves (``assertExact`` of test_claims_exact).

One walk of an image-backed server with a data volume: cold migrate and
confirm, migrate and revert, live migration, shelve and offload (the
export closed, the attachment kept host-less), unshelve, rebuild,
evacuate after its compute was killed (the export opened again for the
new host), delete (the volume available, no export left). At each step
the attachment's host, the export's qemu-nbd and the guest's disks (the
fake guest's ``volumes`` and its console's ``NOVA_LITE_DISK`` lines)
are checked. A second walk: a server booted from a volume is shelved
without an image, unshelved from its volume, rebuilt with its root
volume's image (another is a 400 before 2.93) and re-imaged with
another at 2.93 (the data on the volume's file). A third: volumes
attached to a SHELVED and a SHELVED_OFFLOADED server and detached from
it (2.20), connected by the unshelve.

Needs ``qemu-nbd`` and ``qemu-img``; skipped otherwise.
"""
import shutil

import fixtures
import sqlalchemy as sa

from nova_lite.compute import states
from nova_lite.db import actions as action_db
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite.volume import manager as volume_manager
from tests.functional.fixtures import inprocess
from tests.functional import test_claims_exact

ADMIN = {'X-Roles': 'admin,member'}
STORAGE = 'storage1'


def admin_at(version):
    return dict(ADMIN, **{'OpenStack-API-Version': 'compute %s' % version})


class VolumeMovesTest(test_claims_exact.StackTestCase):

    def setUp(self):
        for tool in ('qemu-nbd', 'qemu-img'):
            if not shutil.which(tool):
                self.skipTest('needs %s' % tool)
        volumes_dir = self.useFixture(fixtures.TempDir()).path
        self.OVERRIDES = {
            **self.OVERRIDES,
            ('volume', 'volumes_dir'): volumes_dir,
            ('volume', 'export_filter'): 'none',
            ('volume', 'export_port_min'): 11300,
            ('volume', 'export_port_max'): 11399,
            ('fake', 'live_migration_duration'): 0.0}
        super().setUp()
        # No stand-in volume RPC client left by another test: this
        # stack's bus (rpc.shared_client).
        self.useFixture(fixtures.MonkeyPatch('nova_lite.volume.api._RPC',
                                             None))
        self.volume_service = volume_manager.VolumeManager(STORAGE)
        self.stack.start_service('nova-lite-volume', 'volume',
                                 self.volume_service, STORAGE)
        self.vbase = self.api.url + '/volume/v3/demo'
        self.addCleanup(self._close_exports)

    def _close_exports(self):
        exporter = self.volume_service.exporter
        for att in exporter.open_exports():
            exporter.close(att)

    # ----------------------------------------------------------- helpers

    def volume(self, volume_id):
        resp = self.api.session.get('%s/volumes/%s' % (
            self.vbase, volume_id), headers=self.api.HEADERS, timeout=30)
        return resp.json()['volume'] if resp.status_code == 200 else None

    def create_volume(self, **extra):
        resp = self.api.session.post(
            self.vbase + '/volumes', headers=self.api.HEADERS, timeout=30,
            json={'volume': dict(extra, size=1)})
        self.assertEqual(202, resp.status_code, resp.text)
        volume_id = resp.json()['volume']['id']
        inprocess.wait_for(
            lambda: self.volume(volume_id)['status'] == 'available',
            message='volume available')
        return volume_id

    def attach(self, server_id, volume_id):
        resp = self.api.request(
            'POST', '/servers/%s/os-volume_attachments' % server_id,
            json={'volumeAttachment': {'volumeId': volume_id}})
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['volumeAttachment']['device']

    def attachment(self, volume_id):
        """The live attachment row of the volume (dict), or None."""
        with db_session.reader(self.admin) as session:
            row = session.scalars(sa.select(models.VolumeAttachment).where(
                models.VolumeAttachment.volume_uuid == volume_id,
                models.VolumeAttachment.deleted == 0)).first()
            return None if row is None else {
                'uuid': row.uuid, 'attached_host': row.attached_host,
                'attach_status': row.attach_status,
                'connector': row.connector, 'mountpoint': row.mountpoint}

    def export_pid(self, volume_id):
        return self.volume_service.exporter.pid(
            self.attachment(volume_id)['uuid'])

    def guest(self, host, uuid):
        return self.stack.computes[host].driver._guests.get(uuid)

    def assertOn(self, host, uuid, volume_id, device, step):
        """The server's volume is owned by ``host`` (its attachment and
        export), and the guest there has it as ``device``."""
        att = self.attachment(volume_id)
        self.assertEqual(('attached', host, host), (
            att['attach_status'], att['attached_host'],
            att['connector']['host']), step)
        self.assertEqual('in-use', self.volume(volume_id)['status'], step)
        self.assertIsNotNone(self.export_pid(volume_id), step)
        dev = device.rsplit('/', 1)[-1]
        volumes = self.guest(host, uuid).get('volumes') or {}
        self.assertEqual('attachment-' + att['uuid'],
                         volumes.get(dev, {}).get('data', {}).get(
                             'export_name'), step)
        for other in self.HOSTS:
            if other != host:
                self.assertIsNone(self.guest(other, uuid), step)

    def other(self, host):
        return next(h for h in self.HOSTS if h != host)

    def force_down(self, host):
        resp = self.api.request('PUT', '/os-services/force-down', json={
            'host': host, 'binary': 'nova-compute', 'forced_down': True},
            headers=admin_at('2.11'))
        self.assertEqual(200, resp.status_code, resp.text)

    # ------------------------------------------------------------- walks

    def test_image_backed_server_keeps_its_volume_through_every_move(self):
        uuid = self.boot('mover')
        volume_id = self.create_volume()
        device = self.attach(uuid, volume_id)
        src = self.row(uuid).host
        self.assertOn(src, uuid, volume_id, device, 'attached')
        pid = self.export_pid(volume_id)

        # Cold migration, confirmed: the destination owns the export (the
        # same qemu-nbd: the guest's network disk does not change).
        dst = self.other(src)
        self.act(uuid, {'migrate': None}, headers=ADMIN)
        self.settled(uuid, states.RESIZED, host=dst)
        self.assertEqual(dst, self.attachment(volume_id)['attached_host'])
        self.assertIn('NOVA_LITE_DISK %s attachment-%s' % (
            device.rsplit('/', 1)[-1], self.attachment(volume_id)['uuid']),
            self.guest(dst, uuid)['console'])
        self.act(uuid, {'confirmResize': None}, code=204)
        self.settled(uuid, states.ACTIVE, host=dst)
        inprocess.wait_for(lambda: self.migration(uuid)['status'] ==
                           'confirmed', message='confirmed')
        self.assertOn(dst, uuid, volume_id, device, 'migrate + confirm')
        self.assertEqual(pid, self.export_pid(volume_id))

        # Migrate back, reverted: the volume stays with the guest on dst.
        self.act(uuid, {'migrate': None}, headers=ADMIN)
        self.settled(uuid, states.RESIZED, host=src)
        self.act(uuid, {'revertResize': None})
        self.settled(uuid, states.ACTIVE, host=dst)
        inprocess.wait_for(lambda: self.migration(uuid)['status'] ==
                           'reverted', message='reverted')
        self.assertOn(dst, uuid, volume_id, device, 'migrate + revert')

        # Live migration: same export, the new host owns it.
        self.act(uuid, {'os-migrateLive': {'host': None,
                                           'block_migration': 'auto'}},
                 headers=admin_at('2.25'))
        self.settled(uuid, states.ACTIVE, host=src)
        self.assertOn(src, uuid, volume_id, device, 'live migration')
        self.assertEqual(pid, self.export_pid(volume_id))
        self.assertExact({uuid: (src, '1')}, ['1'], 'moves')

        self.check_shelve_offload_unshelve(uuid, volume_id, device)
        host = self.row(uuid).host
        self.act(uuid, {'rebuild': {'imageRef': self.stack.image['uuid']}})
        self.settled(uuid, states.ACTIVE, host=host)
        self.assertOn(host, uuid, volume_id, device, 'rebuild')
        self.check_evacuate(uuid, volume_id, device)

        self.delete(uuid)
        inprocess.wait_for(
            lambda: self.volume(volume_id)['status'] == 'available',
            message='volume detached')
        self.assertEqual([], self.volume_service.exporter.open_exports())

    def check_shelve_offload_unshelve(self, uuid, volume_id, device):
        self.act(uuid, {'shelve': None})
        self.settled(uuid, states.SHELVED)
        self.act(uuid, {'shelveOffload': None}, headers=ADMIN)
        self.settled(uuid, states.SHELVED_OFFLOADED, host=None)
        att = self.attachment(volume_id)
        self.assertEqual(('attached', None), (att['attach_status'],
                                              att['attached_host']))
        self.assertIsNone(self.export_pid(volume_id))
        self.assertEqual('in-use', self.volume(volume_id)['status'])
        self.act(uuid, {'unshelve': None})
        row = self.settled(uuid, states.ACTIVE)
        self.assertOn(row.host, uuid, volume_id, device, 'unshelve')

    def check_evacuate(self, uuid, volume_id, device):
        src = self.row(uuid).host
        dst = self.other(src)
        pid = self.export_pid(volume_id)
        self.stack.kill_compute(src)
        self.force_down(src)
        self.act(uuid, {'evacuate': {}}, code=200, headers=admin_at('2.14'))
        self.settled(uuid, states.ACTIVE, host=dst)
        # The export was opened again for dst only: the dead source's
        # connection is gone with the old qemu-nbd.
        self.assertNotEqual(pid, self.export_pid(volume_id))
        att = self.attachment(volume_id)
        self.assertEqual(('attached', dst), (att['attach_status'],
                                             att['attached_host']))
        self.assertEqual('attachment-' + att['uuid'], self.guest(
            dst, uuid)['volumes'][device.rsplit('/', 1)[-1]]['data'][
                'export_name'])

    def test_volume_backed_server_shelve_unshelve_and_rebuild(self):
        resp = self.api.request('POST', '/servers', json={'server': {
            'name': 'bfv', 'flavorRef': '1', 'imageRef': '',
            'block_device_mapping_v2': [{
                'boot_index': 0, 'uuid': self.stack.image['uuid'],
                'source_type': 'image', 'destination_type': 'volume',
                'volume_size': 1, 'delete_on_termination': True}]}})
        self.assertEqual(202, resp.status_code, resp.text)
        uuid = resp.json()['server']['id']
        row = self.settled(uuid, states.ACTIVE)
        root = self.guest(row.host, uuid)['root_volume']
        self.assertIsNotNone(root)
        images_before = self.image_ids()

        self.act(uuid, {'shelve': None})
        self.settled(uuid, states.SHELVED_OFFLOADED, host=None)
        self.assertEqual(images_before, self.image_ids())
        self.assertIsNone(self.row(uuid).shelved_image_id)
        self.assertIsNone(self.export_pid(root))
        self.assertIn('shelve', [a.action for a in action_db.actions_get(
            self.admin, uuid)])

        self.act(uuid, {'unshelve': None})
        row = self.settled(uuid, states.ACTIVE)
        self.assertOn(row.host, uuid, root, '/dev/vda', 'unshelve')
        self.assertEqual(root, self.guest(row.host, uuid)['root_volume'])

        other = self.create_image('other')
        resp = self.act(uuid, {'rebuild': {'imageRef': other}}, code=400)
        self.assertIn('different image for a volume-backed server',
                      resp.text)
        self.act(uuid, {'rebuild': {'imageRef': self.stack.image['uuid']}})
        self.settled(uuid, states.ACTIVE, host=row.host)
        self.assertOn(row.host, uuid, root, '/dev/vda', 'rebuild')
        self.assertEqual(root, self.guest(row.host, uuid)['root_volume'])

        # 2.93: another image is written over the root volume.
        self.check_reimage(uuid, root, row.host)

        self.delete(uuid)
        inprocess.wait_for(lambda: self.volume(root) is None,
                           message='root volume deleted')

    def check_reimage(self, uuid, root, host):
        from nova_lite import bootstrap
        path = self.useFixture(fixtures.TempDir()).join('marked.raw')
        with open(path, 'wb') as data:
            data.write(b'NOVA_LITE_REIMAGED' + bytes(1024 * 1024 - 18))
        marked = bootstrap.ensure_image(self.admin, 'marked', path=path)
        pid = self.export_pid(root)
        self.act(uuid, {'rebuild': {'imageRef': marked['uuid']}},
                 headers=admin_at('2.93'))
        self.settled(uuid, states.ACTIVE, host=host)
        self.assertOn(host, uuid, root, '/dev/vda', 'reimage')
        self.assertNotEqual(pid, self.export_pid(root))   # re-opened
        self.assertEqual(root, self.guest(host, uuid)['root_volume'])
        volume = self.volume(root)
        self.assertEqual(marked['uuid'],
                         volume['volume_image_metadata']['image_id'])
        self.assertEqual('', self.row(uuid).image_ref or '')
        location = self.volume_service.driver.path('volume', root)
        with open(location, 'rb') as disk:
            self.assertEqual(b'NOVA_LITE_REIMAGED', disk.read(18))

    def test_shelved_servers_take_and_give_volumes_from_2_20(self):
        uuid = self.boot('shelved')
        self.act(uuid, {'shelve': None})
        row = self.settled(uuid, states.SHELVED)
        kept = self.create_volume()
        body = {'volumeAttachment': {'volumeId': kept}}
        path = '/servers/%s/os-volume_attachments' % uuid
        resp = self.api.request('POST', path, json=body,
                                headers=admin_at('2.19'))
        self.assertEqual(409, resp.status_code, resp.text)
        self.assertEqual('available', self.volume(kept)['status'])
        # SHELVED: the host still keeps the powered-off guest.
        resp = self.api.request('POST', path, json=body,
                                headers=admin_at('2.20'))
        self.assertEqual(200, resp.status_code, resp.text)
        kept_dev = resp.json()['volumeAttachment']['device']
        self.assertOn(row.host, uuid, kept, kept_dev, 'shelved attach')

        self.act(uuid, {'shelveOffload': None}, headers=ADMIN)
        self.settled(uuid, states.SHELVED_OFFLOADED, host=None)
        late, dropped = self.create_volume(), self.create_volume()
        resp = self.api.request('POST', path, headers=admin_at('2.20'),
                                json={'volumeAttachment': {'volumeId': late}})
        self.assertEqual(200, resp.status_code, resp.text)
        late_dev = resp.json()['volumeAttachment']['device']
        self.assertEqual('/dev/vdc', late_dev)   # vdb is kept's
        att = self.attachment(late)
        self.assertEqual(('attached', None, late_dev), (
            att['attach_status'], att['attached_host'], att['mountpoint']))
        self.assertEqual('in-use', self.volume(late)['status'])
        self.assertIsNone(self.export_pid(late))
        resp = self.api.request(
            'POST', path, headers=admin_at('2.20'),
            json={'volumeAttachment': {'volumeId': dropped}})
        self.assertEqual(200, resp.status_code, resp.text)
        resp = self.api.request('DELETE', '%s/%s' % (path, dropped),
                                headers=admin_at('2.19'))
        self.assertEqual(409, resp.status_code, resp.text)
        resp = self.api.request('DELETE', '%s/%s' % (path, dropped),
                                headers=admin_at('2.20'))
        self.assertEqual(202, resp.status_code, resp.text)
        self.assertEqual('available', self.volume(dropped)['status'])
        self.assertIsNone(self.attachment(dropped))
        actions = [a.action for a in action_db.actions_get(self.admin, uuid)]
        self.assertEqual(3, actions.count('attach_volume'), actions)
        self.assertEqual(1, actions.count('detach_volume'), actions)

        # The unshelve's host connects both: exports open, the new guest
        # has the disks at the devices the API gave.
        self.act(uuid, {'unshelve': None})
        row = self.settled(uuid, states.ACTIVE)
        self.assertOn(row.host, uuid, kept, kept_dev, 'unshelve')
        self.assertOn(row.host, uuid, late, late_dev, 'unshelve')
        self.assertEqual({'vdb', 'vdc'}, set(
            self.guest(row.host, uuid).get('volumes') or {}))

        self.delete(uuid)
        for volume_id in (kept, late):
            inprocess.wait_for(
                lambda v=volume_id: self.volume(v)['status'] == 'available',
                message='volume detached')
        self.assertEqual([], self.volume_service.exporter.open_exports())

    def delete(self, uuid):
        """Delete the server (soft, as the stack reclaims after an hour),
        then force it."""
        self.assertEqual(204, self.api.request(
            'DELETE', '/servers/%s' % uuid).status_code)
        self.settled(uuid, states.SOFT_DELETED)
        self.act(uuid, {'forceDelete': None})
        self.settled(uuid, None)

    def image_ids(self):
        resp = self.api.request('GET', '/image/v2/images')
        return sorted(i['id'] for i in resp.json()['images'])

    def create_image(self, name):
        from nova_lite.db import images as image_db
        return image_db.image_create(self.admin, {
            'name': name, 'status': 'active', 'disk_format': 'qcow2',
            'container_format': 'bare', 'size': 4096, 'min_disk': 0,
            'min_ram': 0, 'visibility': 'public',
            'properties': {}})['uuid']
