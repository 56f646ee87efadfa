"""The CloudStack command API (/client/api) end to end.

Separate processes on RabbitMQ and MariaDB, a real Keystone, and the
reference client ``cs`` from PyPI (library and CLI): API keys made by
``nova-lite-manage cloudstack register-keys`` (secrets in Keystone's
credential store), signatures v1 and v3 (+expires), login sessions,
async jobs polled to completion, the same servers seen through the
compute API, and refused requests that change nothing.
"""
import datetime
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time

from cs import client as cs_client
import fixtures
import requests
import sqlalchemy as sa
import testtools

from nova_lite.db import models
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import cloudstack as cs_fixture
from tests.functional.fixtures import keystone as keystone_fixture
from tests.functional.fixtures import processes

JOB_TIMEOUT = 90  # seconds


def keystone_conf(ks):
    """[api], [keystone_authtoken] and [service_user] (computes upload
    snapshots, createTemplate, as the service user) of a stack using
    Keystone ``ks``."""
    group = 'keystone_authtoken'
    conf = {
        ('api', 'auth_strategy'): 'keystone',
        (group, 'auth_type'): 'password', (group, 'auth_url'): ks.auth_url,
        (group, 'username'): ks.service_user,
        (group, 'password'): ks.service_password,
        (group, 'project_name'): ks.service_project,
        (group, 'user_domain_name'): 'Default',
        (group, 'project_domain_name'): 'Default',
        (group, 'www_authenticate_uri'): ks.auth_url,
        (group, 'interface'): 'internal', (group, 'region_name'): 'RegionOne',
        (group, 'service_token_roles_required'): 'true',
        (group, 'http_connect_timeout'): 10,
    }
    for name in ('auth_type', 'auth_url', 'username', 'password',
                 'project_name', 'user_domain_name', 'project_domain_name'):
        conf[('service_user', name)] = conf[(group, name)]
    return conf


class CloudStackAPITest(testtools.TestCase):
    """One Keystone and one stack for the whole class (start-up ~20 s)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ks = keystone_fixture.KeystoneFixture(
            'http://127.0.0.1:8774/v2.1', 'http://127.0.0.1:8774/image')
        cls.ks.setUp()
        try:
            # Users expunge their VMs here (doc/lifecycle.md); one host
            # takes scaleVirtualMachine's resize.
            conf = {**keystone_conf(cls.ks),
                    ('cloudstack', 'allow_user_expunge_recover_vm'): 'true',
                    ('DEFAULT', 'allow_resize_to_same_host'): 'true'}
            cls.stack = processes.MultiProcessStack(
                backend='mysql', hosts=('node1',), conf=conf)
            cls.stack.setUp()
        except Exception:
            cls.ks.cleanUp()
            raise
        cls.endpoint = cls.stack.api_url + '/client/api'
        cls.keys = {user: cls.register_keys(user)
                    for user in ('demo', 'alt_demo')}

    @classmethod
    def tearDownClass(cls):
        cls.stack.cleanUp()
        cls.ks.cleanUp()
        super().tearDownClass()

    @classmethod
    def register_keys(cls, user):
        return cs_fixture.register_keys(cls.stack, user,
                                        cls.ks.projects[user])

    def setUp(self):
        super().setUp()
        self.useFixture(_StackDetails(self.stack))

    # -------------------------------------------------------------- helpers

    def cs(self, user='demo', **kwargs):
        key, secret = self.keys[user]
        kwargs.setdefault('timeout', 30)
        return cs_client.CloudStack(self.endpoint, key=key, secret=secret,
                                    **kwargs)

    def wait_job(self, api, jobid, **extra):
        """Poll queryAsyncJobResult until the job is done; its body."""
        return cs_fixture.wait_job(api, jobid, JOB_TIMEOUT, **extra)

    def catalog(self, api, **session):
        zone = api.listZones(**session)['zone'][0]
        offering = next(o for o in api.listServiceOfferings(**session)[
            'serviceoffering'] if o['name'] == 'm1.nano')
        template = next(t for t in api.listTemplates(
            templatefilter='executable', **session)['template']
            if t['name'] == 'tiny')
        return zone, offering, template

    def deploy(self, api, name, **extra):
        session = {k: v for k, v in extra.items()
                   if k in ('sessionkey', 'headers')}
        zone, offering, template = self.catalog(api, **session)
        return api.deployVirtualMachine(
            serviceofferingid=offering['id'], templateid=template['id'],
            zoneid=zone['id'], name=name, **extra)

    def vm(self, api, vm_id):
        found = api.listVirtualMachines(id=vm_id).get('virtualmachine', [])
        return found[0] if found else None

    def row_counts(self):
        tables = (models.Instance, models.AsyncJob, models.ApiKey,
                  models.KeyPair, models.InstanceAction, models.Allocation)
        return {t.__tablename__: self.stack.query(sa.select(
            sa.func.count()).select_from(t))[0][0] for t in tables}

    # ---------------------------------------------------------------- tests

    def test_lifecycle_with_signature_v3(self):
        api = self.cs()   # cs signs with signatureVersion=3 + expires
        zone, offering, template = self.catalog(api)
        self.assertEqual('nova', zone['name'])
        self.assertEqual(128, offering['memory'])
        self.assertTrue(api.listNetworks()['network'][0]['cidr'])
        deployed = self.deploy(api, 'cs-vm1', displayname='CS VM 1')
        job = self.wait_job(api, deployed['jobid'])
        self.assertEqual(1, job['jobstatus'], job)
        vm = job['jobresult']['virtualmachine']
        self.assertEqual((deployed['id'], 'Running', 'cs-vm1', 'CS VM 1'),
                         (vm['id'], vm['state'], vm['name'],
                          vm['displayname']))
        listed = self.vm(api, deployed['id'])
        self.assertEqual('Running', listed['state'])
        self.assertEqual(template['id'], listed['templateid'])
        self.assertEqual(offering['id'], listed['serviceofferingid'])
        self.assertTrue(listed['nic'][0]['ipaddress'])
        self.assertTrue(listed['nic'][0]['macaddress'])
        for command, state in (('stopVirtualMachine', 'Stopped'),
                               ('startVirtualMachine', 'Running'),
                               ('rebootVirtualMachine', 'Running')):
            job = self.wait_job(api, getattr(api, command)(
                id=deployed['id'])['jobid'])
            self.assertEqual(1, job['jobstatus'], (command, job))
            self.assertEqual(state, self.vm(api, deployed['id'])['state'])
        job = self.wait_job(api, api.destroyVirtualMachine(
            id=deployed['id'], expunge=True)['jobid'])
        self.assertEqual(1, job['jobstatus'], job)
        self.assertIsNone(self.vm(api, deployed['id']))
        jobs = api.listAsyncJobs()['asyncjobs']
        self.assertTrue(all(j['jobstatus'] == 1 for j in jobs))

    def test_list_events(self):
        # Events are written by the conductor from the notifications of
        # the computes: deploy, stop, destroy give three, in order.
        api = self.cs()
        deployed = self.deploy(api, 'cs-events')
        self.assertEqual(1, self.wait_job(api, deployed['jobid'])[
            'jobstatus'])
        for call in (api.stopVirtualMachine, api.destroyVirtualMachine):
            job = self.wait_job(api, call(id=deployed['id'])['jobid'])
            self.assertEqual(1, job['jobstatus'], job)
        deadline = time.monotonic() + 30
        while True:
            events = [e for e in api.listEvents().get('event', [])
                      if e['resourceid'] == deployed['id']]
            if len(events) >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual([('VM.CREATE', 'INFO'), ('VM.STOP', 'INFO'),
                          ('VM.DESTROY', 'INFO')],
                         [(e['type'], e['level']) for e in events])
        for event in events:
            self.assertEqual('Completed', event['state'])
            self.assertEqual(self.ks.projects['demo'], event['account'])
            self.assertTrue(event['domain'])
            self.assertTrue(event['created'].endswith('+0000'))
        self.assertEqual([], [e for e in self.cs('alt_demo').listEvents(
            ).get('event', []) if e['resourceid'] == deployed['id']])
        self.assertEqual(['VM.STOP'], [
            e['type'] for e in api.listEvents(type='VM.STOP')['event']
            if e['resourceid'] == deployed['id']])

    def test_signature_v1_and_xml(self):
        api = self.cs(expiration=-1)   # no signatureVersion, no expires
        self.assertEqual('nova', api.listZones()['zone'][0]['name'])
        key, secret = self.keys['demo']
        params = {'command': 'listZones', 'apiKey': key}
        cs_client.CloudStack(self.endpoint, key=key, secret=secret)._sign(
            params)
        resp = requests.get(self.endpoint, params=params, timeout=30)
        self.assertEqual(200, resp.status_code)
        self.assertIn('text/xml', resp.headers['Content-Type'])
        self.assertIn('<name>nova</name>', resp.text)

    def test_cli(self):
        key, secret = self.keys['demo']
        env = dict(os.environ, CLOUDSTACK_ENDPOINT=self.endpoint,
                   CLOUDSTACK_KEY=key, CLOUDSTACK_SECRET=secret,
                   CLOUDSTACK_POLL_INTERVAL='0.5',
                   CLOUDSTACK_JOB_TIMEOUT=str(JOB_TIMEOUT))
        env.pop('CLOUDSTACK_CONFIG', None)
        zone, offering, template = self.catalog(self.cs())

        def run(*args):
            result = subprocess.run(
                [sys.executable, '-m', 'cs'] + list(args), env=env,
                capture_output=True, text=True, timeout=120)
            self.assertEqual(0, result.returncode, result.stderr)
            return json.loads(result.stdout)

        self.assertEqual('nova', run('listZones')['zone'][0]['name'])
        vm = run('deployVirtualMachine', 'name=cs-cli',
                 'serviceofferingid=%s' % offering['id'],
                 'templateid=%s' % template['id'], 'zoneid=%s' % zone['id'])
        self.assertEqual('Running', vm['virtualmachine']['state'])
        gone = run('destroyVirtualMachine', 'expunge=true',
                   'id=%s' % vm['virtualmachine']['id'])
        self.assertEqual(vm['virtualmachine']['id'],
                         gone['virtualmachine']['id'])

    def cli(self, *args):
        """``python -m cs`` (the reference client's CLI) as demo with
        ``args``: (exit status, its JSON output or None)."""
        key, secret = self.keys['demo']
        env = dict(os.environ, CLOUDSTACK_ENDPOINT=self.endpoint,
                   CLOUDSTACK_KEY=key, CLOUDSTACK_SECRET=secret,
                   CLOUDSTACK_POLL_INTERVAL='0.5',
                   CLOUDSTACK_JOB_TIMEOUT=str(JOB_TIMEOUT))
        env.pop('CLOUDSTACK_CONFIG', None)
        result = subprocess.run(
            [sys.executable, '-m', 'cs'] + list(args), env=env,
            capture_output=True, text=True, timeout=120)
        return result.returncode, (json.loads(result.stdout)
                                   if result.stdout.strip() else None)

    def cli_job(self, command, response, *args, instance=None):
        """``cs --async command args``: it answers a job id at once; then
        ``cs queryAsyncJobResult`` until the job is done. Checks the job
        against queryAsyncJobResult's documented response (CloudStack API
        reference) and returns ``jobresult[response]``."""
        code, started = self.cli('--async', command, *args)
        self.assertEqual(0, code, (command, started))
        self.assertIn('jobid', started, command)
        deadline = time.monotonic() + JOB_TIMEOUT
        while True:
            code, job = self.cli('queryAsyncJobResult',
                                 'jobid=%s' % started['jobid'])
            self.assertEqual(0, code, (command, job))
            if job['jobstatus'] != 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual((1, 0, 'object', started['jobid']), (
            job['jobstatus'], job['jobresultcode'], job['jobresulttype'],
            job['jobid']), (command, job))
        for field in ('accountid', 'userid', 'cmd', 'created', 'completed',
                      'jobprocstatus', 'jobinstancetype'):
            self.assertIn(field, job, (command, field))
        if instance is not None:
            self.assertEqual(('VirtualMachine', instance), (
                job['jobinstancetype'], job['jobinstanceid']), command)
        self.assertIn(response, job['jobresult'], (command, job))
        return job['jobresult'][response]

    def assertVM(self, vm, vm_id, state, **values):
        """``vm`` is a UserVmResponse of ``vm_id`` in ``state`` with the
        documented fields (and ``values``)."""
        for field in ('id', 'name', 'displayname', 'state', 'templateid',
                      'serviceofferingid', 'serviceofferingname',
                      'cpunumber', 'memory', 'zoneid', 'created', 'nic'):
            self.assertIn(field, vm, field)
        self.assertEqual((vm_id, state), (vm['id'], vm['state']), vm)
        for key, value in values.items():
            self.assertEqual(value, vm[key], key)

    def test_vm_lifecycle_through_the_cli(self):
        """Acceptance 3 of the lifecycle work, with the ``cs`` CLI:
        scaleVirtualMachine, restoreVirtualMachine, destroyVirtualMachine
        → recoverVirtualMachine (synchronous in CloudStack) →
        startVirtualMachine, createVMSnapshot → revertToVMSnapshot,
        createTemplate then a deploy from it, destroy → expunge: each an
        async job answering its documented object."""
        zone, _offering, template = self.catalog(self.cs())
        offerings = {o['name']: o for o in self.cs().listServiceOfferings()[
            'serviceoffering']}
        nano, micro = offerings['m1.nano'], offerings['m1.micro']
        deploy = ('serviceofferingid=%s' % nano['id'],
                  'zoneid=%s' % zone['id'])
        vm = self.cli_job('deployVirtualMachine', 'virtualmachine',
                          'name=cs-cli-life', 'templateid=%s' %
                          template['id'], *deploy)
        vm_id = vm['id']
        self.assertVM(vm, vm_id, 'Running', templateid=template['id'],
                      serviceofferingid=nano['id'])
        vm = self.cli_job('scaleVirtualMachine', 'virtualmachine',
                          'id=%s' % vm_id, 'serviceofferingid=%s' %
                          micro['id'], instance=vm_id)
        self.assertVM(vm, vm_id, 'Running', serviceofferingid=micro['id'],
                      serviceofferingname='m1.micro',
                      memory=micro['memory'])
        vm = self.cli_job('restoreVirtualMachine', 'virtualmachine',
                          'virtualmachineid=%s' % vm_id, instance=vm_id)
        self.assertVM(vm, vm_id, 'Running', templateid=template['id'])
        vm = self.cli_job('destroyVirtualMachine', 'virtualmachine',
                          'id=%s' % vm_id, instance=vm_id)
        self.assertVM(vm, vm_id, 'Destroyed')
        code, recovered = self.cli('recoverVirtualMachine', 'id=%s' % vm_id)
        self.assertEqual(0, code, recovered)
        self.assertVM(recovered['virtualmachine'], vm_id, 'Stopped')
        vm = self.cli_job('startVirtualMachine', 'virtualmachine',
                          'id=%s' % vm_id, instance=vm_id)
        self.assertVM(vm, vm_id, 'Running')

        snap = self.cli_job('createVMSnapshot', 'vmsnapshot',
                            'virtualmachineid=%s' % vm_id, 'name=cli-s1',
                            'snapshotmemory=true')
        for field in ('id', 'name', 'displayname', 'state', 'type',
                      'current', 'virtualmachineid', 'created'):
            self.assertIn(field, snap, field)
        self.assertEqual(('cli-s1', 'Ready', 'DiskAndMemory', vm_id), (
            snap['displayname'], snap['state'], snap['type'],
            snap['virtualmachineid']))
        vm = self.cli_job('revertToVMSnapshot', 'virtualmachine',
                          'vmsnapshotid=%s' % snap['id'])
        self.assertVM(vm, vm_id, 'Running')
        self.assertIs(True, self.cli_job(
            'deleteVMSnapshot', 'success', 'vmsnapshotid=%s' % snap['id']))

        vm = self.cli_job('stopVirtualMachine', 'virtualmachine',
                          'id=%s' % vm_id, instance=vm_id)
        self.assertVM(vm, vm_id, 'Stopped')
        made = self.cli_job('createTemplate', 'template', 'name=cli-tpl',
                            'displaytext=from cs-cli-life',
                            'virtualmachineid=%s' % vm_id)
        for field in ('id', 'name', 'displaytext', 'isready', 'format',
                      'ispublic', 'created', 'account'):
            self.assertIn(field, made, field)
        self.assertEqual(('cli-tpl', True), (made['name'], made['isready']))
        child = self.cli_job('deployVirtualMachine', 'virtualmachine',
                             'name=cs-cli-child', 'templateid=%s' %
                             made['id'], *deploy)
        self.assertVM(child, child['id'], 'Running', templateid=made['id'])

        for gone in (vm_id, child['id']):
            self.cli_job('destroyVirtualMachine', 'virtualmachine',
                         'id=%s' % gone, instance=gone)
            self.assertIs(True, self.cli_job(
                'expungeVirtualMachine', 'success', 'id=%s' % gone,
                instance=gone))
            self.assertIsNone(self.vm(self.cs(), gone))
        self.assertIs(True, self.cli_job('deleteTemplate', 'success',
                                         'id=%s' % made['id']))

    def test_login_session(self):
        api = cs_client.CloudStack(self.endpoint, method='post', timeout=30)
        resp = api.login(username='demo', password=self.ks.passwords['demo'],
                         domain='/')
        self.assertEqual(self.ks.ids['users']['demo'], resp['userid'])
        self.assertEqual('0', resp['type'])
        # cs sends prepared requests, which skip its session's cookie jar:
        # the JSESSIONID cookie goes in a header, as cs users pass it.
        cookie = 'JSESSIONID=%s' % api.session.cookies['JSESSIONID']
        session = {'sessionkey': resp['sessionkey'],
                   'headers': {'Cookie': cookie}}
        zones = api.listZones(**session)
        self.assertEqual('nova', zones['zone'][0]['name'])
        deployed = self.deploy(api, 'cs-session', **session)
        job = self.wait_job(api, deployed['jobid'], **session)
        self.assertEqual(1, job['jobstatus'], job)
        job = self.wait_job(api, api.destroyVirtualMachine(
            id=deployed['id'], **session)['jobid'], **session)
        self.assertEqual(1, job['jobstatus'], job)
        self.assertRefused(401, lambda: api.listZones(
            sessionkey=resp['sessionkey']))
        self.assertRefused(401, lambda: api.listZones(
            sessionkey='not-the-key', headers=session['headers']))
        api.logout(**session)
        self.assertRefused(401, lambda: api.listZones(**session))

    def test_bad_password_and_get_login(self):
        resp = requests.post(self.endpoint, timeout=30, data={
            'command': 'login', 'username': 'demo', 'password': 'wrong',
            'response': 'json'})
        self.assertEqual(401, resp.status_code)
        self.assertEqual(401, resp.json()['loginresponse']['errorcode'])
        resp = requests.get(self.endpoint, timeout=30, params={
            'command': 'login', 'username': 'demo', 'password': 'x',
            'response': 'json'})
        self.assertEqual(405, resp.status_code)

    def test_visible_through_both_apis(self):
        api = self.cs()
        compute = compute_client.ComputeClient(
            self.stack.api_url, token=self.ks.token('demo'))
        deployed = self.deploy(api, 'cs-both')
        self.assertEqual(1, self.wait_job(api, deployed['jobid'])[
            'jobstatus'])
        self.assertIn(deployed['id'],
                      [s['id'] for s in compute.list_servers()])
        image = compute.image_id('tiny')
        resp = compute.create_server(name='from-nova', flavor='42',
                                     image=image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        compute.wait_for_servers([server_id])
        vm = self.vm(api, server_id)
        self.assertEqual(('from-nova', 'Running'),
                         (vm['displayname'], vm['state']))
        self.assertIsNone(self.vm(self.cs('alt_demo'), server_id))
        for vm_id in (deployed['id'], server_id):
            self.wait_job(api, api.destroyVirtualMachine(
                id=vm_id, expunge=True)['jobid'])
        compute.wait_for_deleted([deployed['id'], server_id])

    def assertRefused(self, code, api_call, *needles):
        exc = self.assertRaises(cs_client.CloudStackApiException, api_call)
        self.assertEqual(code, exc.response.status_code)
        self.assertEqual(code, exc.error['errorcode'])
        for needle in needles:
            self.assertIn(needle, exc.error['errortext'])
        return exc

    def test_refused_requests_change_nothing(self):
        api = self.cs()
        alt = self.cs('alt_demo')
        deployed = self.deploy(alt, 'alt-vm')
        self.assertEqual(1, self.wait_job(alt, deployed['jobid'])[
            'jobstatus'])
        before = self.row_counts()
        key, secret = self.keys['demo']
        bad_secret = cs_client.CloudStack(self.endpoint, key=key,
                                          secret='not-the-secret')
        self.assertRefused(401, lambda: bad_secret.deployVirtualMachine(
            serviceofferingid='42', templateid=deployed['id'], zoneid='x'))
        expired = self.cs(expiration=-1)
        past = (datetime.datetime.now(datetime.timezone.utc)
                - datetime.timedelta(minutes=5))
        self.assertRefused(401, lambda: expired.listZones(
            signatureVersion='3',
            expires=past.strftime('%Y-%m-%dT%H:%M:%S+0000')))
        unknown = cs_client.CloudStack(self.endpoint, key='no-such-key',
                                       secret=secret)
        self.assertRefused(401, unknown.listZones)
        for command in ('stopVirtualMachine', 'destroyVirtualMachine'):
            self.assertRefused(431, lambda c=command: getattr(api, c)(
                id=deployed['id']), 'parameter id')
        self.assertRefused(431, lambda: api.deployVirtualMachine(
            serviceofferingid='42', zoneid='x'), 'missing parameter')
        self.assertRefused(431, lambda: api.deployVirtualMachine(
            serviceofferingid='42', templateid='not-a-uuid',
            zoneid=api.listZones()['zone'][0]['id']), 'templateid')
        self.assertRefused(432, api.dropAllTables)
        self.assertRefused(432, api.listHosts)
        self.assertEqual(before, self.row_counts())
        self.wait_job(alt, alt.destroyVirtualMachine(
            id=deployed['id'])['jobid'])

    def test_no_valid_host_fails_the_job(self):
        # A root disk larger than any host's (fake hosts: 1 TiB), within
        # every quota (there is no disk quota).
        self.stack.manage('flavor', 'create', 'cs.huge', '--vcpus', '1',
                          '--ram', '128', '--disk', str(64 * 1024),
                          '--id', 'cs-huge')
        api = self.cs()
        zone, _offering, template = self.catalog(api)
        deployed = api.deployVirtualMachine(
            serviceofferingid='cs-huge', templateid=template['id'],
            zoneid=zone['id'])
        job = self.wait_job(api, deployed['jobid'])
        self.assertEqual(2, job['jobstatus'], job)
        self.assertEqual(530, job['jobresult']['errorcode'])
        self.assertIn('No valid host', job['jobresult']['errortext'])
        self.assertEqual('Error', self.vm(api, deployed['id'])['state'])
        self.wait_job(api, api.destroyVirtualMachine(
            id=deployed['id'])['jobid'])

    def test_compute_quota_applies(self):
        self.stack.manage('flavor', 'create', 'cs.bigram', '--vcpus', '1',
                          '--ram', str(1024 * 1024), '--disk', '1',
                          '--id', 'cs-bigram')
        api = self.cs()
        zone, _offering, template = self.catalog(api)
        before = self.row_counts()
        self.assertRefused(532, lambda: api.deployVirtualMachine(
            serviceofferingid='cs-bigram', templateid=template['id'],
            zoneid=zone['id']), 'Quota exceeded')
        self.assertEqual(before, self.row_counts())

    def test_admin_hosts_and_capacity(self):
        admin_keys = self.register_keys('admin')
        admin = cs_client.CloudStack(self.endpoint, key=admin_keys[0],
                                     secret=admin_keys[1], timeout=30)
        hosts = admin.listHosts()['host']
        self.assertEqual(['node1'], [h['name'] for h in hosts])
        self.assertEqual('Up', hosts[0]['state'])
        self.assertGreater(hosts[0]['memorytotal'], 0)
        capacity = admin.listCapacity(type=0)['capacity']
        self.assertEqual('MEMORY', capacity[0]['name'])

    def test_key_pairs_and_affinity_groups(self):
        api = self.cs()
        created = api.createSSHKeyPair(name='cs-key')['keypair']
        self.assertIn('PRIVATE KEY', created['privatekey'])
        listed = api.listSSHKeyPairs(name='cs-key')['sshkeypair']
        self.assertEqual(created['fingerprint'], listed[0]['fingerprint'])
        self.assertNotIn('privatekey', listed[0])
        job = api.createAffinityGroup(name='cs-anti',
                                      type='host anti-affinity')
        group = self.wait_job(api, job['jobid'])['jobresult'][
            'affinitygroup']
        deployed = self.deploy(api, 'cs-grouped', keypair='cs-key',
                               affinitygroupids=group['id'])
        self.assertEqual(1, self.wait_job(api, deployed['jobid'])[
            'jobstatus'])
        vm = self.vm(api, deployed['id'])
        self.assertEqual('cs-key', vm['keypair'])
        self.assertEqual([group['id']],
                         [g['id'] for g in vm['affinitygroup']])
        groups = api.listAffinityGroups(id=group['id'])['affinitygroup']
        self.assertEqual([deployed['id']], groups[0]['virtualmachineIds'])
        self.wait_job(api, api.destroyVirtualMachine(
            id=deployed['id'])['jobid'])
        self.wait_job(api, api.deleteAffinityGroup(id=group['id'])['jobid'])
        self.assertTrue(api.deleteSSHKeyPair(name='cs-key')['success'])
        self.assertEqual({}, api.listSSHKeyPairs(name='cs-key'))


    def test_vm_snapshots_and_templates(self):
        """createVMSnapshot → revertToVMSnapshot → deleteVMSnapshot,
        createTemplate then a deploy from it, registerTemplate from an
        HTTP server on this machine then a deploy from it: each async
        job answers the documented object."""
        api = self.cs()
        deployed = self.deploy(api, 'cs-snap')
        self.assertEqual(1, self.wait_job(api, deployed['jobid'])[
            'jobstatus'])
        vm_id = deployed['id']
        created = api.createVMSnapshot(virtualmachineid=vm_id, name='s1',
                                       snapshotmemory='true')
        job = self.wait_job(api, created['jobid'])
        self.assertEqual(1, job['jobstatus'], job)
        snap = job['jobresult']['vmsnapshot']
        self.assertEqual((created['id'], 's1', 'Ready', 'DiskAndMemory',
                          True, vm_id),
                         (snap['id'], snap['displayname'], snap['state'],
                          snap['type'], snap['current'],
                          snap['virtualmachineid']))
        listed = api.listVMSnapshot(virtualmachineid=vm_id)
        self.assertEqual([snap['id']],
                         [s['id'] for s in listed['vmSnapshot']])
        job = self.wait_job(api, api.revertToVMSnapshot(
            vmsnapshotid=snap['id'])['jobid'])
        self.assertEqual((1, 'Running'), (
            job['jobstatus'], job['jobresult']['virtualmachine']['state']))
        job = self.wait_job(api, api.deleteVMSnapshot(
            vmsnapshotid=snap['id'])['jobid'])
        self.assertEqual({'success': True}, job['jobresult'])
        self.assertEqual({}, api.listVMSnapshot(virtualmachineid=vm_id))
        # createTemplate from the stopped VM, then deploy from it.
        self.wait_job(api, api.stopVirtualMachine(id=vm_id)['jobid'])
        made = api.createTemplate(name='cs-tpl', virtualmachineid=vm_id)
        template = self.wait_job(api, made['jobid'])['jobresult'][
            'template']
        self.assertEqual((made['id'], True), (template['id'],
                                              template['isready']))
        self.deploy_from(api, template['id'], 'cs-from-tpl')
        # registerTemplate from an HTTP server of this test.
        url = self.serve_file(b'QFI\xfb' + b'\0' * 508)
        zone = api.listZones()['zone'][0]
        registered = api.registerTemplate(
            name='cs-url', displaytext='from a URL', url=url,
            format='QCOW2', hypervisor='KVM', zoneid=zone['id'])[
            'template'][0]
        self.assertEqual('Download In Progress', registered['status'])
        deadline = time.monotonic() + JOB_TIMEOUT
        while True:
            found = api.listTemplates(templatefilter='self',
                                      id=registered['id'])['template'][0]
            if found['isready'] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self.assertEqual((True, 'Download Complete'),
                         (found['isready'], found['status']))
        self.deploy_from(api, registered['id'], 'cs-from-url')

    def deploy_from(self, api, template_id, name):
        zone, offering, _template = self.catalog(api)
        deployed = api.deployVirtualMachine(
            serviceofferingid=offering['id'], templateid=template_id,
            zoneid=zone['id'], name=name)
        job = self.wait_job(api, deployed['jobid'])
        self.assertEqual((1, template_id), (
            job['jobstatus'], job['jobresult']['virtualmachine'][
                'templateid']), job)
        self.wait_job(api, api.destroyVirtualMachine(
            id=deployed['id'], expunge='true')['jobid'])

    def serve_file(self, data):
        """A URL on 127.0.0.1 serving ``data`` (until the test ends)."""
        served = self.useFixture(fixtures.TempDir()).path
        with open(os.path.join(served, 'image.qcow2'), 'wb') as f:
            f.write(data)
        handler = functools.partial(_QuietHandler, directory=served)
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return 'http://127.0.0.1:%d/image.qcow2' % server.server_address[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

class _StackDetails(fixtures.Fixture):
    """Attach the stack's process logs to each test's details."""

    def __init__(self, stack):
        super().__init__()
        self.stack = stack

    def getDetails(self):
        return self.stack.getDetails()
