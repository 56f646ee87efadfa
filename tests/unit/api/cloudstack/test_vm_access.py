"""getVMPassword, resetSSHKeyForVirtualMachine and
resetPasswordForVirtualMachine: the guest-posted password, and the key
and password of a stopped VM's next boot (what the metadata service
then serves)."""
import json

from oslo_config import cfg
from werkzeug import test as werkzeug_test

from nova_lite.api import metadata
from nova_lite.compute import states
from nova_lite.db import guest_metadata as guest_db
from nova_lite.db import instances as instance_db
from nova_lite.metadata import proxy
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api.cloudstack import test_keypairs
from tests.unit.api import fakes

SECRET = 'cs-proxy-secret'


class VMAccessTest(test_endpoint.CloudStackTestCase):

    def setUp(self):
        super().setUp()
        self.api.conf.config(metadata_proxy_shared_secret=SECRET,
                             group='metadata')
        zone = self.json('listZones')[1]['listzonesresponse']['zone'][0]
        status, body = self.json(
            'deployVirtualMachine', serviceofferingid='1',
            templateid=fakes.IMAGE_UUID, zoneid=zone['id'], name='vm1')
        self.assertEqual(200, status, body)
        self.vm_id = body['deployvirtualmachineresponse']['id']
        self.key = test_keypairs.ed25519_public_key()
        status, body = self.json('registerSSHKeyPair', name='newkey',
                                 publickey=self.key)
        self.assertEqual(200, status, body)

    def set_state(self, vm_state):
        instance_db.instance_update(self.api.admin_context, self.vm_id, {
            'vm_state': vm_state, 'task_state': None})

    def metadata(self, path):
        client = werkzeug_test.Client(metadata.create_app(cfg.CONF))
        return client.get(path, headers={
            'X-Instance-ID': self.vm_id, 'X-Tenant-ID': fakes.PROJECT,
            'X-Instance-ID-Signature': proxy.sign(SECRET, self.vm_id)})

    def job_result(self, body, command):
        job_id = body[command.lower() + 'response']['jobid']
        job = self.json('queryAsyncJobResult', jobid=job_id)[1][
            'queryasyncjobresultresponse']
        self.assertEqual(1, job['jobstatus'], job)
        return job['jobresult']['virtualmachine']

    def test_get_vm_password(self):
        status, body = self.json('getVMPassword', id=self.vm_id)
        self.assertEqual(431, status, body)
        guest_db.guest_password_set_once(self.api.admin_context,
                                         self.vm_id, 'ZW5jcnlwdGVk')
        status, body = self.json('getVMPassword', id=self.vm_id)
        self.assertEqual(200, status, body)
        self.assertEqual({'encryptedpassword': 'ZW5jcnlwdGVk'},
                         body['getvmpasswordresponse']['password'])

    def test_reset_ssh_key_needs_a_stopped_vm(self):
        self.set_state(states.ACTIVE)
        status, body = self.json('resetSSHKeyForVirtualMachine',
                                 id=self.vm_id, keypair='newkey')
        self.assertEqual(431, status, body)
        self.assertIn('Stopped', body[
            'resetsshkeyforvirtualmachineresponse']['errortext'])
        self.set_state(states.STOPPED)
        status, body = self.json('resetSSHKeyForVirtualMachine',
                                 id=self.vm_id, keypair='nokey')
        self.assertEqual(431, status, body)
        status, body = self.json('resetSSHKeyForVirtualMachine',
                                 id=self.vm_id, keypair='newkey')
        self.assertEqual(200, status, body)
        vm = self.job_result(body, 'resetSSHKeyForVirtualMachine')
        self.assertEqual('newkey', vm['keypair'])
        resp = self.metadata('/latest/meta-data/public-keys/0/openssh-key')
        self.assertEqual(self.key.encode(), resp.data)

    def test_reset_password_is_delivered_once_at_next_boot(self):
        self.set_state(states.ACTIVE)
        status, body = self.json('resetPasswordForVirtualMachine',
                                 id=self.vm_id)
        self.assertEqual(431, status, body)
        self.set_state(states.STOPPED)
        status, body = self.json('resetPasswordForVirtualMachine',
                                 id=self.vm_id)
        self.assertEqual(200, status, body)
        password = self.job_result(
            body, 'resetPasswordForVirtualMachine')['password']
        self.assertGreaterEqual(len(password), 12)
        md = json.loads(self.metadata(
            '/openstack/latest/meta_data.json').data)
        self.assertEqual(password, md['admin_pass'])
        md = json.loads(self.metadata(
            '/openstack/latest/meta_data.json').data)
        self.assertNotIn('admin_pass', md)

    def test_other_projects_vm_is_431(self):
        other = self.api.request('POST', '/v2.1/servers', {'server': {
            'name': 'x', 'imageRef': fakes.IMAGE_UUID, 'flavorRef': '1'}},
            fakes.OTHER).json['server']['id']
        for command in ('getVMPassword', 'resetPasswordForVirtualMachine'):
            status, body = self.json(command, id=other)
            self.assertEqual(431, status, body)
