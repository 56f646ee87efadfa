"""nova-lite-metadata as a process (started as the bench starts console
scripts, ``python -c`` when the script is not installed) over a SQLite
database: unsigned requests are refused, signed ones answered, SIGTERM
stops it."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid as uuidlib

import testtools

from nova_lite.bench import processes
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.metadata import proxy
from tests import environment

SECRET = 'functional-secret'


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class MetadataProcessTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        env = self.useFixture(environment.Environment())
        self.uuid = str(uuidlib.uuid4())
        instance_db.instances_create(env.admin, [{
            'uuid': self.uuid, 'project_id': 'p1', 'user_id': 'u1',
            'display_name': 'vm', 'hostname': 'vm', 'vcpus': 1,
            'memory_mb': 64, 'root_gb': 1, 'ephemeral_gb': 0,
            'vm_state': states.ACTIVE, 'power_state': 1}])
        self.port = _free_port()
        conf = os.path.join(env.state_path, 'metadata.conf')
        with open(conf, 'w') as f:
            f.write('[DEFAULT]\nstate_path = %s\n[database]\nconnection = '
                    'sqlite:///%s\n[metadata]\nmetadata_listen = 127.0.0.1\n'
                    'metadata_listen_port = %d\n'
                    'metadata_proxy_shared_secret = %s\n' % (
                        env.state_path,
                        os.path.join(env.state_path, 'nova_lite.sqlite'),
                        self.port, SECRET))
        self.log = open(os.path.join(env.state_path, 'metadata.log'), 'wb')
        self.addCleanup(self.log.close)
        self.proc = subprocess.Popen(
            processes.command('nova-lite-metadata') + ['--config-file',
                                                        conf],
            env=processes.process_env(), stdout=self.log,
            stderr=subprocess.STDOUT)
        self.addCleanup(self._stop)
        self._wait_listening()

    def _stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def _wait_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.fail('nova-lite-metadata exited with %s'
                          % self.proc.returncode)
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.fail('nova-lite-metadata did not listen')

    def _get(self, path, headers):
        req = urllib.request.Request(
            'http://127.0.0.1:%d%s' % (self.port, path), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def test_signed_only_then_sigterm(self):
        path = '/openstack/latest/meta_data.json'
        self.assertEqual(403, self._get(path, {})[0])
        status, body = self._get(path, {
            'X-Instance-ID': self.uuid, 'X-Tenant-ID': 'p1',
            'X-Instance-ID-Signature': proxy.sign(SECRET, self.uuid)})
        self.assertEqual(200, status, body)
        self.assertEqual(self.uuid, json.loads(body)['uuid'])
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(0, self.proc.wait(20))
