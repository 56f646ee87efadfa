"""Volume attach and detach through the HTTP compute and Block Storage
APIs of a multi-process stack (api, conductor, scheduler, a fake-driver
compute and ``nova-lite-volume`` over the real RabbitMQ and MariaDB;
doc/volumes.md, "Compute side"): the compute RPC 1.16 call and cast,
the conductor's 1.13 volume proxy and the volume service's real NBD
export (``qemu-nbd`` on 127.0.0.1) run for real. One walk: create a
volume, attach it (in-use, listed on the server and the volume), detach
it (available), attach two volumes (one ``delete_on_termination``);
then the faults of doc/volumes.md, "Sweeper and restarts": a volume
deleted while attached (400 from the Block Storage API and os-volumes,
as Cinder and Nova answer), the compute killed in the middle of an
attach (each fake attach takes ``[fake] volume_attach_delay`` seconds once
its export is open: the volume service's sweeper closes the export and
the volume is available again), an export whose
qemu-nbd died re-opened by the restarted compute's reconciliation; the
volume quota usage matches the volumes after each; finally the server
is deleted (one volume available again, the other deleted) and no
export is left open.

A second walk boots from volume (doc/volumes.md, "Boot from volume"):
what ``openstack server create --boot-from-volume 1`` sends (a volume
made of the image by the build, deleted with the server when
``delete_on_termination``; createImage of that server snapshots the
in-use volume, and a server boots from the image), and what ``--volume``
sends (an existing volume, kept).

Needs ``qemu-nbd`` and ``qemu-img``; skipped otherwise. About 50 s
(36 s before the fault steps).
"""
import json
import os
import shutil
import signal
import threading
import time

import requests
import sqlalchemy as sa
import testtools

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes

TIMEOUT = 90
V = {'OpenStack-API-Version': 'compute 2.79'}
#: Seconds a volume may stay in a transition (the sweeper's verdict
#: comes within TRANSITION + SWEEP).
TRANSITION, SWEEP = 8, 1
#: Seconds each fake attach takes once the export is open: the window in
#: which the test kills the compute in the middle of an attach.
ATTACH_DELAY = 2


class VolumeAttachTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        for tool in ('qemu-nbd', 'qemu-img'):
            if not shutil.which(tool):
                self.skipTest('needs %s' % tool)
        self.stack = self.useFixture(processes.MultiProcessStack(
            'mysql', hosts=('node1',), volume=True, conf={
                ('volume', 'transition_timeout'): TRANSITION,
                ('volume', 'sweep_interval'): SWEEP,
                ('fake', 'volume_attach_delay'): ATTACH_DELAY}))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.vbase = self.stack.api_url + '/volume/v3/demo'

    def wait(self, check, message, interval=0.5):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            found = check()
            if found:
                return found
            time.sleep(interval)
        self.fail('timed out waiting for ' + message)

    def volume(self, volume_id):
        resp = self.client.session.get('%s/volumes/%s' % (self.vbase,
                                                          volume_id),
                                       timeout=30)
        return resp.json()['volume'] if resp.status_code == 200 else None

    def create_volume(self):
        resp = self.client.session.post(self.vbase + '/volumes', json={
            'volume': {'size': 1}}, timeout=30)
        self.assertEqual(202, resp.status_code, resp.text)
        volume_id = resp.json()['volume']['id']
        self.wait(lambda: self.volume(volume_id)['status'] == 'available',
                  'volume available')
        return volume_id

    def status_is(self, volume_id, status):
        return lambda: (self.volume(volume_id) or {}).get('status') == status

    def attach(self, server_id, volume_id, **extra):
        resp = self.client.request(
            'POST', '/servers/%s/os-volume_attachments' % server_id,
            headers=V, json={'volumeAttachment': dict(extra,
                                                      volumeId=volume_id)})
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['volumeAttachment']

    def test_attach_detach_and_delete_server(self):
        resp = self.client.create_server(image=self.client.image_id('tiny'))
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        self.client.wait_for_servers([server_id])
        volume_id = self.create_volume()

        made = self.attach(server_id, volume_id)
        self.assertEqual('/dev/vdb', made['device'])
        vol = self.volume(volume_id)
        self.assertEqual('in-use', vol['status'])
        self.assertEqual(server_id, vol['attachments'][0]['server_id'])
        url = '/servers/%s/os-volume_attachments' % server_id
        listed = self.client.request('GET', url).json()['volumeAttachments']
        self.assertEqual([volume_id], [a['volumeId'] for a in listed])
        server = self.client.get_server(server_id).json()['server']
        self.assertEqual([{'id': volume_id}],
                         server['os-extended-volumes:volumes_attached'])

        resp = self.client.request('DELETE', url + '/' + volume_id)
        self.assertEqual(202, resp.status_code, resp.text)
        self.wait(self.status_is(volume_id, 'available'), 'detached')
        self.assertEqual([], self.client.request('GET', url).json()[
            'volumeAttachments'])

        doomed = self.create_volume()
        self.attach(server_id, volume_id)
        self.attach(server_id, doomed, delete_on_termination=True)

        self.check_delete_while_attached(volume_id)
        self.check_compute_killed_mid_attach(server_id)
        self.check_export_reopened_by_compute_restart(volume_id)

        self.assertEqual(204, self.client.delete_server(server_id)
                         .status_code)
        self.client.wait_for_deleted([server_id])
        self.wait(self.status_is(volume_id, 'available'), 'kept volume')
        self.wait(lambda: self.volume(doomed) is None, 'volume deleted')
        self.assertEqual({}, self.export_pids())
        self.check_quota_exact()

    # -- faults ----------------------------------------------------------

    def check_delete_while_attached(self, volume_id):
        resp = self.client.session.delete('%s/volumes/%s' % (
            self.vbase, volume_id), timeout=30)
        self.assertEqual(400, resp.status_code, resp.text)
        resp = self.client.request(
            'DELETE', '/os-volumes/' + volume_id,
            headers={'OpenStack-API-Version': 'compute 2.35'})
        self.assertEqual(400, resp.status_code, resp.text)
        self.assertEqual('in-use', self.volume(volume_id)['status'])
        self.check_quota_exact()

    def restart_compute(self):
        """Kill -9 node1's compute (when it runs) and start it again."""
        self.stack.processes['compute-node1'].kill()
        return self.stack.start_process('compute-node1', 'nova-lite-compute',
                                        'node1')

    def check_compute_killed_mid_attach(self, server_id):
        cut = self.create_volume()
        threading.Thread(target=self.attach_ignoring_answer, daemon=True,
                         args=(server_id, cut)).start()
        self.wait(self.status_is(cut, 'attaching'), 'attaching',
                  interval=0.1)
        self.stack.processes['compute-node1'].kill()
        att = self.attachment_of(cut)
        self.assertIn(att, self.export_pids())
        # The sweeper: export closed, attachment gone, volume available.
        self.wait(self.status_is(cut, 'available'), 'attach undone')
        self.assertNotIn(att, self.export_pids())
        self.assertIsNone(self.attachment_of(cut))
        self.check_quota_exact()

    def check_export_reopened_by_compute_restart(self, volume_id):
        att = self.attachment_of(volume_id)
        pid = self.export_pids()[att]
        os.kill(pid, signal.SIGKILL)
        self.wait(lambda: att not in self.export_pids(), 'export died')
        self.restart_compute()
        self.wait(lambda: self.export_pids().get(att) not in (None, pid),
                  'export re-opened')
        self.assertEqual('in-use', self.volume(volume_id)['status'])
        self.check_quota_exact()

    def attach_ignoring_answer(self, server_id, volume_id):
        try:
            self.client.request(
                'POST', '/servers/%s/os-volume_attachments' % server_id,
                json={'volumeAttachment': {'volumeId': volume_id}},
                timeout=TRANSITION * 3)
        except requests.RequestException:
            pass            # the API answers 500 once its call times out

    def attachment_of(self, volume_id):
        rows = self.stack.query(sa.text(
            'SELECT uuid FROM volume_attachments WHERE volume_uuid = :v '
            'AND deleted = 0').bindparams(v=volume_id))
        return rows[0][0] if rows else None

    def export_pids(self):
        """{attachment uuid: pid} of the running qemu-nbd exports (a
        killed one not yet reaped has no command line)."""
        exports = os.path.join(self.stack.state_dir, 'volumes', 'exports')
        found = {}
        for name in os.listdir(exports) if os.path.isdir(exports) else ():
            att = name[:-len('.pid')]
            try:
                with open(os.path.join(exports, name)) as handle:
                    pid = int(handle.read().strip())
                with open('/proc/%d/cmdline' % pid, 'rb') as handle:
                    if att.encode() not in handle.read():
                        continue
            except (OSError, ValueError):
                continue
            found[att] = pid
        return found

    def check_quota_exact(self):
        """The volume quota usage of the project equals its live
        volumes (the walk makes no snapshot)."""
        usage = dict(self.stack.query(sa.text(
            "SELECT resource, in_use FROM volume_quota_usages WHERE "
            "project_id = 'demo'")))
        count, size = self.stack.query(sa.text(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM volumes WHERE "
            "project_id = 'demo' AND deleted = 0"))[0]
        self.assertEqual((count, size), (usage.get('volumes', 0),
                                         usage.get('gigabytes', 0)))

    def boot_from_volume(self, mapping):
        resp = self.client.create_server(
            name='bfv', image='', networks='auto',
            block_device_mapping_v2=[dict(mapping, boot_index=0,
                                          destination_type='volume')])
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        found = self.client.wait_for_servers([server_id])[server_id]
        self.assertEqual('ACTIVE', found['status'], found.get('fault'))
        return found

    def create_image_of(self, server_id):
        """createImage of a volume-backed server: its volume snapshot
        becomes available; a server boots from the image (new volume of
        the snapshot, deleted with it). The snapshot's id."""
        resp = self.client.request(
            'POST', '/servers/%s/action' % server_id,
            json={'createImage': {'name': 'bfv-image'}})
        self.assertEqual(202, resp.status_code, resp.text)
        image = self.client.session.get('%s/image/v2/images/%s' % (
            self.stack.api_url, resp.json()['image_id']), timeout=30).json()
        [mapping] = json.loads(image['block_device_mapping'])
        snap_url = '%s/snapshots/%s' % (self.vbase, mapping['snapshot_id'])
        self.wait(lambda: self.client.session.get(snap_url, timeout=30)
                  .json()['snapshot']['status'] == 'available',
                  'volume snapshot available')
        resp = self.client.create_server(name='from-image',
                                         image=image['id'], networks='auto')
        self.assertEqual(202, resp.status_code, resp.text)
        new_id = resp.json()['server']['id']
        found = self.client.wait_for_servers([new_id])[new_id]
        self.assertEqual('ACTIVE', found['status'], found.get('fault'))
        [attached] = found['os-extended-volumes:volumes_attached']
        self.assertEqual(mapping['snapshot_id'],
                         self.volume(attached['id'])['snapshot_id'])
        self.assertEqual(204, self.client.delete_server(new_id).status_code)
        self.client.wait_for_deleted([new_id])
        self.wait(lambda: self.volume(attached['id']) is None,
                  'volume of the snapshot deleted')
        return mapping['snapshot_id']

    def test_boot_from_volume(self):
        image = self.client.image_id('tiny')
        self.client.session.headers.update(V)
        # --boot-from-volume 1 (with --delete-on-termination): the build
        # makes the volume of the image; it goes with the server.
        server = self.boot_from_volume({
            'uuid': image, 'source_type': 'image', 'volume_size': 1,
            'delete_on_termination': True})
        self.assertEqual('', server['image'])
        [attached] = server['os-extended-volumes:volumes_attached']
        self.assertTrue(attached['delete_on_termination'])
        made = self.volume(attached['id'])
        self.assertEqual(('in-use', 1, 'true', server['id']),
                         (made['status'], made['size'], made['bootable'],
                          made['attachments'][0]['server_id']))
        self.assertEqual('/dev/vda', made['attachments'][0]['device'])
        # createImage: a forced snapshot of the in-use volume (its file
        # held by the qemu-nbd export) and an image of mappings.
        snap_id = self.create_image_of(server['id'])
        self.assertEqual(204, self.client.delete_server(server['id'])
                         .status_code)
        self.client.wait_for_deleted([server['id']])
        # A volume with snapshots is not deleted (Cinder refuses it, Nova
        # leaves it): it stays, available, until its snapshot goes.
        self.wait(self.status_is(attached['id'], 'available'),
                  'root volume kept for its snapshot')
        self.assertEqual(202, self.client.session.delete(
            '%s/snapshots/%s' % (self.vbase, snap_id), timeout=30)
            .status_code)
        self.wait(lambda: self.client.session.get(
            '%s/snapshots/%s' % (self.vbase, snap_id), timeout=30)
            .status_code == 404, 'snapshot deleted')
        self.assertEqual(202, self.client.session.delete(
            '%s/volumes/%s' % (self.vbase, attached['id']), timeout=30)
            .status_code)
        self.wait(lambda: self.volume(attached['id']) is None,
                  'root volume deleted')

        # --volume VOL: an existing volume, kept when the server goes.
        resp = self.client.session.post(self.vbase + '/volumes', json={
            'volume': {'size': 1, 'imageRef': image}}, timeout=30)
        self.assertEqual(202, resp.status_code, resp.text)
        volume_id = resp.json()['volume']['id']
        self.wait(self.status_is(volume_id, 'available'), 'volume')
        server = self.boot_from_volume({'uuid': volume_id,
                                        'source_type': 'volume'})
        self.assertEqual([{'id': volume_id, 'delete_on_termination': False}],
                         server['os-extended-volumes:volumes_attached'])
        self.assertEqual('in-use', self.volume(volume_id)['status'])
        self.assertEqual(204, self.client.delete_server(server['id'])
                         .status_code)
        self.client.wait_for_deleted([server['id']])
        self.wait(self.status_is(volume_id, 'available'), 'kept volume')
