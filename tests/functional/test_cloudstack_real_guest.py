"""Lab check: CloudStack VM snapshots and registerTemplate with a real
QEMU (TCG) guest: separate services with Keystone, one libvirt compute
on ``qemu:///system``, the tiny guest of doc/guest-image.md with a
config drive (``[DEFAULT] force_config_drive``: the read-only raw CD-ROM
a VM snapshot must cope with), driven through the ``cs`` client.

The guest's console says which disk it booted from and how often:
``NOVA_LITE_DISK_ID <id> BOOT <n>`` (the count is kept on the disk).
The check:

1. deployVirtualMachine: ``<A> BOOT 1``;
2. createVMSnapshot with snapshotmemory=true (a libvirt internal
   snapshot of disk and memory): Ready, DiskAndMemory;
3. stop and start: ``<A> BOOT 2`` (the disk counts 2 now);
4. revertToVMSnapshot: Running again, from the snapshot's memory (no
   boot line);
5. stop and start: ``<A> BOOT 2`` again, not 3: the disk went back to
   the snapshot's count of 1;
6. deleteVMSnapshot (gone from libvirt too); another VM snapshot, then
   the VM is expunged with it (libvirt undefines a domain with
   snapshots only with SNAPSHOTS_METADATA): no domain, no snapshot;
7. registerTemplate from an HTTP server of this test on 127.0.0.1
   serving the tiny guest's qcow2: Download Complete; its kernel and
   ramdisk are set through the image API (a URL template is a disk
   image), then a VM deployed from it boots: ``<C> BOOT 1`` with a new
   disk id C.

TCG boots take minutes on a shared machine, so it runs only with
``NOVA_LITE_CLOUDSTACK_REAL_GUEST=1`` (and QEMU/libvirt present):
``NOVA_LITE_CLOUDSTACK_REAL_GUEST=1 python -m stestr run
tests.functional.test_cloudstack_real_guest``.
"""
import functools
import http.server
import os
import re
import shutil
import tempfile
import threading
import time

from cs import client as cs_client
from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
import requests
import testtools

from tests.functional.fixtures import cloudstack as cs_fixture
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_real_guest as real

ENV = 'NOVA_LITE_CLOUDSTACK_REAL_GUEST'
JOB_TIMEOUT = 300   # seconds


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class TestCloudStackRealGuest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        if os.environ.get(ENV) != '1':
            self.skipTest('%s is not 1 (a lab check of several TCG boots)'
                          % ENV)
        reason = real.why_no_qemu()
        if reason:
            self.skipTest(reason)
        self.started = time.monotonic()
        self.kernel, self.initrd, self.disk = real.build_tiny_image()
        files_dir = tempfile.mkdtemp(prefix='nova-lite-csguest-',
                                     dir='/var/tmp')
        self.addCleanup(shutil.rmtree, files_dir, ignore_errors=True)
        os.chmod(files_dir, 0o755)
        self.vms = []
        self.addCleanup(self._remove_leftover_domains)
        self.stack = self.useFixture(libvirt_stack.LibvirtStack(
            'mysql', hosts=(real.HOST,), connection_uri=real.URI,
            files_dir=files_dir, keystone=True,
            conf={('libvirt', 'virt_type'): 'qemu',
                  ('DEFAULT', 'force_config_drive'): 'true',
                  ('cloudstack', 'allow_user_expunge_recover_vm'): 'true'}))
        key, secret = cs_fixture.register_keys(
            self.stack, 'demo', self.stack.projects['demo'])
        self.api = cs_client.CloudStack(self.stack.api_url + '/client/api',
                                        key=key, secret=secret, timeout=60)
        self.phase('stack up')

    def phase(self, name):
        print('cloudstack real guest: %-24s at %6.1f s'
              % (name, time.monotonic() - self.started))

    def _remove_leftover_domains(self):
        for vm_id in self.vms:
            real.remove_domain('instance-%s' % vm_id)

    def job(self, answer, status=1):
        done = cs_fixture.wait_job(self.api, answer['jobid'], JOB_TIMEOUT)
        self.assertEqual(status, done['jobstatus'], done)
        return done.get('jobresult') or {}

    def template_id(self, name):
        found = self.api.listTemplates(templatefilter='executable',
                                       name=name)['template']
        return found[0]['id']

    def deploy(self, name, template_id):
        zone = self.api.listZones()['zone'][0]
        answer = self.api.deployVirtualMachine(
            serviceofferingid=real.FLAVOR, templateid=template_id,
            zoneid=zone['id'], name=name)
        self.vms.append(answer['id'])
        vm = self.job(answer)['virtualmachine']
        self.assertEqual('Running', vm['state'])
        return answer['id']

    def disk_lines(self, vm_id, count):
        """The first ``count`` ``(disk id, boot)`` of the VM's console
        log, waiting for them."""
        path = os.path.join(self.stack.instances_path(real.HOST), vm_id,
                            'console.log')

        def found():
            try:
                with open(path, errors='replace') as log:
                    lines = [line.strip() for line in log
                             if real.DISK_ID in line]
            except FileNotFoundError:
                return None
            return lines if len(lines) >= count else None
        lines = libvirt_stack.wait_for(found, real.CONSOLE_TIMEOUT,
                                       '%d disk id lines' % count,
                                       interval=2)
        print('cloudstack real guest: %s console: %s' % (vm_id, lines))
        return [tuple(re.search(r'%s ([0-9a-f]{32}) BOOT (\d+)'
                                % real.DISK_ID, line).groups())
                for line in lines[:count]]

    def restart(self, vm_id):
        self.job(self.api.stopVirtualMachine(id=vm_id))
        self.job(self.api.startVirtualMachine(id=vm_id))

    def test_vm_snapshot_revert_and_register_template(self):
        real.register_guest_image(self.stack, self.template_id,
                                  self.kernel, self.initrd, self.disk)
        vm_id = self.deploy('snap-vm', self.template_id('tiny-guest'))
        ((disk, boot),) = self.disk_lines(vm_id, 1)
        self.assertEqual('1', boot)
        self.phase('booted')
        snap = self.job(self.api.createVMSnapshot(
            virtualmachineid=vm_id, name='after-boot-1',
            snapshotmemory='true'))['vmsnapshot']
        self.assertEqual(('Ready', 'DiskAndMemory', True),
                         (snap['state'], snap['type'], snap['current']))
        self.phase('VM snapshot taken')
        self.restart(vm_id)
        self.assertEqual([(disk, '1'), (disk, '2')],
                         self.disk_lines(vm_id, 2))
        self.phase('booted again')
        vm = self.job(self.api.revertToVMSnapshot(
            vmsnapshotid=snap['id']))['virtualmachine']
        self.assertEqual('Running', vm['state'])
        self.assertIn('running', real.virsh('domstate',
                                            'instance-%s' % vm_id))
        self.phase('reverted')
        self.restart(vm_id)
        self.assertEqual([(disk, '1'), (disk, '2'), (disk, '2')],
                         self.disk_lines(vm_id, 3))
        self.phase('disk count came back')
        self.assertEqual({'success': True}, self.job(
            self.api.deleteVMSnapshot(vmsnapshotid=snap['id'])))
        self.assertNotIn(snap['id'], real.virsh(
            'snapshot-list', 'instance-%s' % vm_id, '--name'))
        # Expunged with a VM snapshot still there: the domain goes with
        # its snapshot metadata.
        self.job(self.api.createVMSnapshot(
            virtualmachineid=vm_id, name='kept', snapshotmemory='true'))
        self.job(self.api.destroyVirtualMachine(id=vm_id, expunge='true'))
        self.assertNotIn('instance-%s' % vm_id,
                         real.virsh('list', '--all', '--name'))
        self.assertEqual({}, self.api.listVMSnapshot(virtualmachineid=vm_id))
        self.register_and_boot(disk)

    def register_and_boot(self, first_disk):
        url = self.serve(self.disk)
        zone = self.api.listZones()['zone'][0]
        template = self.api.registerTemplate(
            name='tiny-from-url', displaytext='tiny guest from a URL',
            url=url, format='QCOW2', hypervisor='KVM',
            zoneid=zone['id'])['template'][0]
        ready = libvirt_stack.wait_for(
            lambda: (t if (t := self.api.listTemplates(
                templatefilter='self', id=template['id'])['template'][0])[
                'status'] != 'Download In Progress' else None),
            JOB_TIMEOUT, 'template downloaded')
        self.assertEqual((True, 'Download Complete'),
                         (ready['isready'], ready['status']))
        self.phase('template registered')
        self.set_boot_files(template['id'])
        vm_id = self.deploy('url-vm', template['id'])
        ((disk, boot),) = self.disk_lines(vm_id, 1)
        self.assertEqual('1', boot)
        self.assertNotEqual(first_disk, disk)
        self.phase('booted from the URL template')
        self.job(self.api.destroyVirtualMachine(id=vm_id, expunge='true'))

    def serve(self, path):
        served = tempfile.mkdtemp(prefix='nova-lite-served-')
        self.addCleanup(shutil.rmtree, served, ignore_errors=True)
        shutil.copyfile(path, os.path.join(served, 'tiny.qcow2'))
        server = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), functools.partial(_Quiet, directory=served))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return 'http://127.0.0.1:%d/tiny.qcow2' % server.server_address[1]

    def set_boot_files(self, image_id):
        """kernel_id and ramdisk_id of the tiny guest, through the image
        API as the owner (Glance v2 JSON patch)."""
        env = self.stack.openstack_env('demo')
        auth = v3.Password(auth_url=env['OS_AUTH_URL'],
                           username=env['OS_USERNAME'],
                           password=env['OS_PASSWORD'],
                           project_name=env['OS_PROJECT_NAME'],
                           user_domain_id='default',
                           project_domain_id='default')
        token = ks_session.Session(auth=auth).get_token()
        patch = [{'op': 'add', 'path': '/kernel_id',
                  'value': self.template_id('tiny-guest-kernel')},
                 {'op': 'add', 'path': '/ramdisk_id',
                  'value': self.template_id('tiny-guest-ramdisk')}]
        resp = requests.patch(
            '%s/image/v2/images/%s' % (self.stack.api_url, image_id),
            json=patch, timeout=60, headers={
                'X-Auth-Token': token, 'Content-Type':
                'application/openstack-images-v2.1-json-patch'})
        self.assertEqual(200, resp.status_code, resp.text)
