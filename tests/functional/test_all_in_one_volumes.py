"""nova-lite-all runs the volume service too (nova_lite.cmd.all): over
real HTTP on SQLite with its embedded defaults (volumes under
``state_path``, exports on 127.0.0.1 without the nftables filter), a
volume made through the Block Storage API becomes ``available``, is
attached to a fake-driver server through ``os-volume_attachments``
(``in-use``, the attachment's NBD export open), detached
(``available``, the export closed) and deleted.

Needs ``qemu-nbd`` (the export); skipped otherwise. About 10 s.
"""
import os
import shutil
import time

import testtools

from nova_lite.bench import client as compute_client
from tests.functional.fixtures import processes

TIMEOUT = 60  # seconds, one status change


class AllInOneVolumesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if not shutil.which('qemu-nbd'):
            self.skipTest('needs qemu-nbd')
        # volume=True: the stack stops the exports a failure leaves.
        self.stack = self.useFixture(processes.MultiProcessStack(
            'sqlite', hosts=('node1',), all_in_one=True, volume=True))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.volumes = self.stack.api_url + '/volume/v3/demo/volumes'

    def _volume(self, volume_id):
        resp = self.client.session.get('%s/%s' % (self.volumes, volume_id),
                                       timeout=30)
        return resp.status_code, resp.json()

    def _wait_volume(self, volume_id, status):
        deadline = time.monotonic() + TIMEOUT
        while True:
            code, body = self._volume(volume_id)
            if code == 200 and body['volume']['status'] == status:
                return body['volume']
            if code == 404 and status is None:
                return None
            if time.monotonic() > deadline:
                self.fail('volume %s: %s, not %s' % (volume_id, body, status))
            time.sleep(0.5)

    def _exports(self):
        exports = os.path.join(self.stack.state_dir, 'volumes', 'exports')
        return sorted(os.listdir(exports)) if os.path.isdir(exports) else []

    def test_volume_attach_detach_delete(self):
        resp = self.client.session.post(self.volumes, json={
            'volume': {'size': 1, 'name': 'aio'}}, timeout=30)
        self.assertEqual(202, resp.status_code, resp.text)
        volume_id = resp.json()['volume']['id']
        resp = self.client.create_server(
            name='vm', image=self.client.image_id('tiny'))
        self.assertEqual(202, resp.status_code, resp.text)
        server = resp.json()['server']['id']
        self.assertEqual('ACTIVE', self.client.wait_for_servers(
            [server])[server]['status'])
        self.assertEqual(1, self._wait_volume(volume_id, 'available')['size'])
        resp = self.client.request(
            'POST', '/servers/%s/os-volume_attachments' % server,
            json={'volumeAttachment': {'volumeId': volume_id}})
        self.assertEqual(200, resp.status_code, resp.text)
        attached = self._wait_volume(volume_id, 'in-use')
        self.assertEqual([server], [a['server_id']
                                    for a in attached['attachments']])
        self.assertEqual(1, len(self._exports()))
        resp = self.client.request(
            'DELETE', '/servers/%s/os-volume_attachments/%s' % (
                server, volume_id))
        self.assertEqual(202, resp.status_code, resp.text)
        self.assertEqual([], self._wait_volume(
            volume_id, 'available')['attachments'])
        self.assertEqual([], self._exports())
        resp = self.client.session.delete('%s/%s' % (self.volumes,
                                                     volume_id), timeout=30)
        self.assertEqual(202, resp.status_code, resp.text)
        self.assertIsNone(self._wait_volume(volume_id, None))
