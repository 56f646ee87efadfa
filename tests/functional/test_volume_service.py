"""The volume service as a process (doc/volumes.md): ``nova-lite-volume``
runs in a network namespace (its storage node) over the real RabbitMQ
and MariaDB, exports on the namespace's address; the Block Storage API
(``build_app``, noauth) runs in the test process.

One test walks a volume through create (from the API: the service makes
its file), an attachment for the test host's address (read and write
through ``nbd://`` with qemu-io), an attachment for another address (its
export refuses the test host: the nftables filter of the storage
namespace), detach (the export closes), and a restart of the service
after an attachment row vanished (the orphan export is closed at start).

Needs root, ``ip netns``, ``socat``, ``nft``, ``qemu-nbd`` and
``qemu-io``; skipped otherwise. About 30 s.
"""
import json
import os
import shutil
import subprocess
import sys

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import sqlalchemy as sa
import testtools
import testtools.content
from werkzeug import test as werkzeug_test

from nova_lite.api import wsgi
from nova_lite.bench import processes
from nova_lite.conf import rpc as rpc_conf
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite import rpc
from tests.functional.fixtures import backends
from tests.functional.fixtures import libvirt_stack
from tests.functional.fixtures import netns

CONF = cfg.CONF
HOST = 'storage1'
PROJECT = 'project-a'
P = '/volume/v3/%s' % PROJECT
MEMBER = {'X-User-Id': 'user-a', 'X-Project-Id': PROJECT,
          'X-Roles': 'member', 'OpenStack-API-Version': 'volume 3.27',
          'Content-Type': 'application/json'}
TIMEOUT = 60


def _skip_reason():
    reason = netns.skip_reason()
    if reason:
        return reason
    for tool in ('nft', 'qemu-nbd', 'qemu-io'):
        if not shutil.which(tool):
            return 'needs %s' % tool
    return None


class TestVolumeService(testtools.TestCase):

    def setUp(self):
        super().setUp()
        reason = _skip_reason()
        if reason:
            self.skipTest(reason)
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.db = self.useFixture(backends.ConfiguredDatabase('mysql'))
        vhost = self.useFixture(backends.RabbitVhost())
        CONF([], project='nova_lite', default_config_files=[])
        conf = self.useFixture(config_fixture.Config(CONF))
        conf.config(transport_url=vhost.transport_url)
        # The service declares durable exchanges (nova_lite's default):
        # this process must too, whatever an earlier test of the same
        # worker left as the option's default.
        rpc_conf.register_opts(CONF)
        conf.config(group='oslo_messaging_rabbit', amqp_durable_queues=True)
        conf.config(group='api', auth_strategy='noauth')
        rpc.cleanup()
        rpc.init(CONF)
        self.addCleanup(rpc.cleanup)
        self.node = self.useFixture(netns.NetnsNode((5672, 3306)))
        self.config = self._write_config(vhost.transport_url)
        self.service = self._start_service()
        self.client = werkzeug_test.Client(wsgi.build_app(CONF))

    def _write_config(self, transport_url):
        gw = self.node.gw
        path = os.path.join(self.tmp, 'volume.conf')
        with open(path, 'w') as out:
            out.write('[DEFAULT]\nhost = %s\ntransport_url = %s\n'
                      'state_path = %s\nreport_interval = 2\n'
                      '[oslo_messaging_rabbit]\namqp_durable_queues = true\n'
                      '[database]\nconnection = %s\n'
                      '[volume]\nvolumes_dir = %s\nexport_address = %s\n'
                      'export_filter = nftables\nsweep_interval = 5\n' % (
                          HOST, transport_url.replace('127.0.0.1', gw),
                          self.tmp, self.db.url.replace('127.0.0.1', gw),
                          os.path.join(self.tmp, 'volumes'),
                          self.node.addr))
        return path

    def _start_service(self):
        proc = processes.ServiceProcess('volume-%d' % len(os.listdir(
            self.tmp)), self.node.wrap([
                sys.executable, '-c', 'from nova_lite.cmd.volume import '
                'main; main()', '--config-file', self.config]), self.tmp)
        proc.start()
        self.addCleanup(proc.stop)
        self.addCleanup(lambda: self.addDetail(
            proc.name, testtools.content.text_content(_tail(proc))))
        # Registered, and consuming: the services row is written before
        # the RPC server declares its queues, and a cast sent in between
        # (the test's first create) reaches no queue.
        libvirt_stack.wait_for(
            lambda: (self._registered() and 'started on' in _tail(proc))
            or not proc.alive(), TIMEOUT, 'service consuming')
        self.assertTrue(proc.alive(), _tail(proc))
        return proc

    def _registered(self):
        svc = models.Service
        with db_session.get_engine().connect() as conn:
            return conn.execute(sa.select(svc.id).where(
                svc.binary == 'nova-lite-volume', svc.host == HOST,
                svc.deleted == 0)).first() is not None

    def call(self, method, path, body=None):
        resp = self.client.open(P + path, method=method, headers=MEMBER,
                                data=None if body is None else
                                json.dumps(body))
        return resp.status_code, resp.json

    def wait_status(self, volume_id, status):
        def _check():
            code, body = self.call('GET', '/volumes/' + volume_id)
            return body['volume']['status'] == status and body['volume']
        return libvirt_stack.wait_for(_check, TIMEOUT, '%s %s' % (
            volume_id, status))

    def create_volume(self):
        code, body = self.call('POST', '/volumes', {'volume': {'size': 1}})
        self.assertEqual(202, code, body)
        return self.wait_status(body['volume']['id'], 'available')

    def attach(self, volume_id, ip):
        code, body = self.call('POST', '/attachments', {'attachment': {
            'volume_uuid': volume_id, 'instance_uuid': 'i-' + ip,
            'connector': {'ip': ip, 'host': 'node-' + ip}}})
        self.assertEqual(200, code, body)
        return body['attachment']

    def qemu_io(self, info, command):
        data = info['data']
        url = 'nbd://%s:%d/%s' % (data['host'], data['port'],
                                  data['export_name'])
        return subprocess.run(['qemu-io', '-f', 'raw', '-c', command, url],
                              capture_output=True, text=True, timeout=30)

    def test_export_read_write_refuse_close_and_orphans(self):
        vol = self.create_volume()
        path = os.path.join(self.tmp, 'volumes', 'volume-' + vol['id'])
        self.assertEqual(1024 ** 3, int(json.loads(subprocess.run(
            ['qemu-img', 'info', '--output=json', path], check=True,
            capture_output=True, text=True).stdout)['virtual-size']))
        # The test host reaches the storage namespace from the gateway.
        att = self.attach(vol['id'], self.node.gw)
        info = att['connection_info']
        self.assertEqual(('nbd', self.node.addr),
                         (info['driver_volume_type'], info['data']['host']))
        result = self.qemu_io(info, 'write -P 0xab 0 64k')
        self.assertEqual(0, result.returncode, result.stderr)
        result = self.qemu_io(info, 'read -P 0xab 0 64k')
        self.assertEqual(0, result.returncode, result.stderr + result.stdout)
        self.assertEqual(204, self.client.open(
            P + '/attachments/%s/action' % att['id'], method='POST',
            headers=MEMBER, data=json.dumps({'os-complete': None}))
            .status_code)
        self.assertEqual('in-use', self.wait_status(vol['id'],
                                                    'in-use')['status'])

        # An export for another host refuses this one.
        other = self.create_volume()
        att2 = self.attach(other['id'], '192.0.2.77')
        refused = self.qemu_io(att2['connection_info'], 'read 0 4k')
        self.assertNotEqual(0, refused.returncode)
        self.assertIn('refused', (refused.stderr + refused.stdout).lower())

        # Detach closes the export; the data stays in the file.
        code, _body = self.call('DELETE', '/attachments/' + att['id'])
        self.assertEqual(200, code)
        self.wait_status(vol['id'], 'available')
        self.assertNotEqual(0, self.qemu_io(info, 'read 0 4k').returncode)
        check = subprocess.run(['qemu-io', '-f', 'raw', '-r', '-c',
                                'read -P 0xab 0 64k', path],
                               capture_output=True, text=True)
        self.assertEqual(0, check.returncode, check.stderr)

        # The service dies; the second attachment's row goes away; the
        # restarted service closes its orphan export.
        pidfile = os.path.join(self.tmp, 'volumes', 'exports',
                               att2['id'] + '.pid')
        with open(pidfile) as handle:
            orphan = int(handle.read())
        self.service.kill()
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.update(models.VolumeAttachment).where(
                models.VolumeAttachment.uuid == att2['id']).values(
                    deleted=1))
        self.assertTrue(os.path.exists('/proc/%d' % orphan))
        self.service = self._start_service()
        libvirt_stack.wait_for(lambda: not os.path.exists(pidfile) and (
            not os.path.exists('/proc/%d' % orphan) or _zombie(orphan)),
            TIMEOUT, 'orphan export closed')
        # The attachment still live kept nothing open either: detached.
        self.assertEqual([], [n for n in os.listdir(os.path.join(
            self.tmp, 'volumes', 'exports'))])


def _zombie(pid):
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().split()[2] == 'Z'
    except OSError:
        return True


def _tail(proc):
    try:
        with open(proc.log_path) as log:
            return log.read()[-6000:]
    except OSError:
        return ''
