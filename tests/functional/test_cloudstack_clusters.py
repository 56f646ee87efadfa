"""Issue 22, acceptance 1 to 3 through the ``cs`` CLI (the reference
client from PyPI, ``python -m cs``) on three fake computes: createPod,
two clusters with different memory overcommit ratios (addCluster), hosts
moved into them (updateHost clusterid); with FirstFitPlanner the VMs
fill the first cluster before the second, with UserDispersingPlanner
one account's VMs spread over both; listCapacity per cluster equals the
claims; updateCluster changes what fits next and leaves running VMs
alone; prepareHostForMaintenance moves a host's VMs to the other host
of its cluster (live migrations of the fake driver), the host reports
Maintenance, os-services shows it disabled with the maintenance reason,
new deploys avoid it and cancelHostMaintenance returns it; the compute
API's os-aggregates (a cluster per aggregate) and os-hypervisors agree
with listCapacity.

The engine runs in process (fake bus, SQLite, fake driver), the API is
served over HTTP on loopback and the ``cs`` CLI runs as a separate
process with an admin's API key; Keystone (a process boundary) is a
stand-in knowing that key, as in the CloudStack unit tests.
"""
import json
import os
import subprocess
import sys

import fixtures
import testtools

from nova_lite.api.cloudstack import keystone
from nova_lite.db import api_keys as api_key_db
from nova_lite.db import compute_nodes as node_db
from tests.functional.fixtures import inprocess

API_KEY, SECRET = 'cs-topo-key', 'cs-topo-secret'
ADMIN = {'X-User-Id': 'demo-user', 'X-Project-Id': 'demo',
         'X-Roles': 'admin,member,reader'}
MIB = 1024 * 1024


class _Keystone:
    """The Keystone calls of the CloudStack API for one admin API key."""

    def __init__(self):
        self.identity = keystone.Identity(
            'demo-user', 'demo', 'demo', 'demo', 'default', 'Default',
            ['admin', 'member', 'reader'], expires_at=None)

    def api_key_identity(self, row):
        return SECRET, self.identity


class ClusterStackTestBase(testtools.TestCase):
    """node1, node2 (cluster c1, memory ratio 1.0) and node3 (c2, ratio
    3.0), each 1024 MiB with nothing reserved; m1.tiny is 512 MiB.
    ``OVERRIDES``: more options of the stack."""

    OVERRIDES = {}

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake', 'node2': 'fake', 'node3': 'fake'},
            overrides={('fake', 'memory_mb'): 1024,
                       ('compute', 'reserved_host_memory_mb'): 0,
                       ('scheduler', 'deployment_planner'):
                       'FirstFitPlanner', **self.OVERRIDES}))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.cloudstack.keystone.get_client',
            lambda conf: _Keystone()))
        self.http = self.useFixture(inprocess.HTTPAPI(self.stack))
        api_key_db.api_key_replace(self.stack.admin, API_KEY, 'cred-topo',
                                   'demo-user', 'demo')
        inprocess.wait_for(lambda: len(node_db.compute_node_get_all(
            self.stack.admin)) == 3, message='three compute nodes')
        self.zone = self.cs('listZones')['zone'][0]['id']
        pod = self.cs('createPod', 'zoneid=%s' % self.zone, 'name=rack1',
                      'gateway=10.9.0.1', 'netmask=255.255.255.0')['pod']
        self.clusters = {}
        for name, ratio in (('c1', '1.0'), ('c2', '3.0')):
            self.clusters[name], = self.cs(
                'addCluster', 'zoneid=%s' % self.zone, 'podid=%s' % pod['id'],
                'clustername=%s' % name, 'hypervisor=Simulator',
                'clustertype=CloudManaged',
                'memoryovercommitratio=%s' % ratio)['cluster']
        hosts = {h['name']: h['id'] for h in self.cs('listHosts')['host']}
        for host, name in (('node1', 'c1'), ('node2', 'c1'),
                           ('node3', 'c2')):
            self.cs('updateHost', 'id=%s' % hosts[host],
                    'clusterid=%s' % self.clusters[name]['id'])
        self.cluster_of = {'node1': 'c1', 'node2': 'c1', 'node3': 'c2'}

    def cs(self, *args, expect_ok=True):
        """``python -m cs args`` (async jobs polled by the CLI): its JSON
        answer; with ``expect_ok`` a non-zero exit fails the test."""
        env = dict(os.environ, CLOUDSTACK_ENDPOINT=self.http.url +
                   '/client/api', CLOUDSTACK_KEY=API_KEY,
                   CLOUDSTACK_SECRET=SECRET, CLOUDSTACK_POLL_INTERVAL='0.2',
                   CLOUDSTACK_JOB_TIMEOUT='60')
        env.pop('CLOUDSTACK_CONFIG', None)
        result = subprocess.run([sys.executable, '-m', 'cs'] + list(args),
                                env=env, capture_output=True, text=True,
                                timeout=120)
        if expect_ok:
            self.assertEqual(0, result.returncode, (args, result.stdout,
                                                    result.stderr))
        text = result.stdout.strip() or result.stderr.strip()
        try:
            return json.loads(text) if text else {}
        except ValueError:
            return {'error': text}

    def deploy(self, name, expect_ok=True):
        answer = self.cs('deployVirtualMachine', 'name=%s' % name,
                         'serviceofferingid=1',
                         'templateid=%s' % self.stack.image['uuid'],
                         'zoneid=%s' % self.zone, expect_ok=expect_ok)
        return answer.get('virtualmachine', answer)

    def memory(self, cluster):
        entry, = self.cs('listCapacity', 'type=0', 'clusterid=%s' %
                         self.clusters[cluster]['id'])['capacity']
        return entry['capacitytotal'] // MIB, entry['capacityused'] // MIB


class CloudStackClustersCLITest(ClusterStackTestBase):
    """Acceptance 1 to 3 of issue 22 (see the module doc)."""

    def test_first_fit_capacity_and_update_cluster(self):
        vms = [self.deploy('ff%d' % i) for i in range(5)]
        self.assertEqual(['Running'] * 5, [vm['state'] for vm in vms])
        self.assertEqual(['c1'] * 4 + ['c2'], [
            self.cluster_of[vm['hostname']] for vm in vms])
        self.assertEqual((2048, 2048), self.memory('c1'))
        self.assertEqual((3072, 512), self.memory('c2'))
        used = {n['host']: n['memory_mb_used'] for n in
                node_db.compute_node_get_all(self.stack.admin)}
        self.assertEqual(2048, used['node1'] + used['node2'])
        self.assertEqual(512, used['node3'])
        # A lower ratio on c2: nothing more fits, the running VM stays.
        self.cs('updateCluster', 'id=%s' % self.clusters['c2']['id'],
                'memoryovercommitratio=0.75')
        self.assertEqual((768, 512), self.memory('c2'))
        failed = self.deploy('ff-late', expect_ok=False)
        self.assertNotEqual('Running', failed.get('state'), failed)
        self.assertIn('FirstFitPlanner: no cluster of the zone has a host '
                      'with room', json.dumps(failed))
        states = {vm['name']: vm['state'] for vm in self.cs(
            'listVirtualMachines', 'listall=true')['virtualmachine']}
        self.assertEqual(['Running'] * 5,
                         [states['ff%d' % i] for i in range(5)])
        # A higher one lets the next VM in.
        self.cs('updateCluster', 'id=%s' % self.clusters['c2']['id'],
                'memoryovercommitratio=2')
        self.assertEqual('node3', self.deploy('ff-next')['hostname'])

    def test_user_dispersing_spreads_the_account(self):
        self.stack.conf.config(deployment_planner='UserDispersingPlanner',
                               group='scheduler')
        vms = [self.deploy('ud%d' % i) for i in range(4)]
        clusters = [self.cluster_of[vm['hostname']] for vm in vms]
        self.assertEqual(2, clusters.count('c1'), clusters)
        self.assertEqual(2, clusters.count('c2'), clusters)
        self.assertEqual(2, len({vm['hostname'] for vm in vms
                                 if self.cluster_of[vm['hostname']] ==
                                 'c1'}))

    def test_host_anti_affinity_inside_a_cluster(self):
        """An admin's clusterid narrows the hosts first; a host
        anti-affinity group then keeps its VMs on distinct hosts of that
        cluster, and a third VM finds none there (each host still has
        room for it)."""
        group = self.cs('createAffinityGroup', 'name=spread',
                        'type=host anti-affinity')['affinitygroup']
        placed = []
        for i in range(3):
            answer = self.cs(
                'deployVirtualMachine', 'name=aa%d' % i,
                'serviceofferingid=1', 'affinitygroupids=%s' % group['id'],
                'templateid=%s' % self.stack.image['uuid'],
                'zoneid=%s' % self.zone,
                'clusterid=%s' % self.clusters['c1']['id'],
                expect_ok=i < 2)
            placed.append(answer.get('virtualmachine', answer))
        self.assertEqual(['node1', 'node2'], sorted(
            vm['hostname'] for vm in placed[:2]))
        text = json.dumps(placed[2])
        self.assertIn('at the cluster level of cluster %s' %
                      self.clusters['c1']['id'], text)
        self.assertIn('ServerGroupAntiAffinityFilter', text)
        self.assertEqual((2048, 1024), self.memory('c1'))

    def hosts(self):
        return {h['name']: h for h in self.cs('listHosts')['host']}

    def vm_hosts(self):
        return {vm['name']: vm['hostname'] for vm in self.cs(
            'listVirtualMachines', 'listall=true')['virtualmachine']}

    def test_maintenance_moves_vms_within_the_cluster(self):
        vms = [self.deploy('mt%d' % i) for i in range(2)]
        first = vms[0]['hostname']
        other = {'node1': 'node2', 'node2': 'node1'}[first]
        self.assertEqual(['c1', 'c1'], [self.cluster_of[vm['hostname']]
                                        for vm in vms])
        host_id = self.hosts()[first]['id']
        host = self.cs('prepareHostForMaintenance', 'id=%s' % host_id)[
            'host']
        self.assertEqual('Maintenance', host['resourcestate'])
        self.assertEqual({'mt0': other, 'mt1': other}, self.vm_hosts())
        service, = self.http.request(
            'GET', '/os-services?host=%s&binary=nova-compute' % first,
            headers=ADMIN).json()['services']
        self.assertEqual(('disabled', 'Maintenance '
                          '(prepareHostForMaintenance)'),
                         (service['status'], service['disabled_reason']))
        # c1's other host is full and this one is in maintenance: c2.
        self.assertEqual('node3', self.deploy('mt2')['hostname'])
        self.assertEqual('Enabled', self.cs(
            'cancelHostMaintenance', 'id=%s' % host_id)['host'][
            'resourcestate'])
        self.assertEqual(first, self.deploy('mt3')['hostname'])
        events = [(e['type'], e['state']) for e in self.cs(
            'listEvents', 'listall=true')['event']
            if e['type'].startswith('MAINT')]
        self.assertEqual([('MAINT.PREPARE', 'Started'),
                          ('MAINT.PREPARE', 'Completed'),
                          ('MAINT.CANCEL', 'Completed')], events)

    def test_compute_api_agrees_with_list_capacity(self):
        self.deploy('ag0')
        aggregates = {a['name']: a for a in self.http.request(
            'GET', '/os-aggregates', headers=dict(ADMIN, **{
                'OpenStack-API-Version': 'compute 2.41'})).json()[
            'aggregates']}
        hypervisors = {h['service']['host']: h for h in self.http.request(
            'GET', '/os-hypervisors/detail', headers=ADMIN).json()[
            'hypervisors']}
        for name in ('c1', 'c2'):
            aggregate = aggregates['cluster:rack1/%s' % name]
            self.assertEqual(self.clusters[name]['id'], aggregate['uuid'])
            self.assertEqual(sorted(h for h, c in self.cluster_of.items()
                                    if c == name), aggregate['hosts'])
            ratio = float(aggregate['metadata']['ram_allocation_ratio'])
            nodes = [hypervisors[h] for h in aggregate['hosts']]
            self.assertEqual(self.memory(name), (
                int(sum(n['memory_mb'] for n in nodes) * ratio),
                sum(n['memory_mb_used'] for n in nodes)))
