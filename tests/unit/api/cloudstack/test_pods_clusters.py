"""CloudStack pods and clusters through the ``build_app()`` WSGI app:
createPod/addCluster/updateCluster/delete*, listHosts by pod and
cluster, updateHost clusterid, listCapacity per cluster after the
cluster's ratios (what claims use), and admin-only access."""
from nova_lite.db import claims
from nova_lite.db import compute_nodes as node_db
from tests.unit.api.cloudstack import test_admin
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes

MIB = 1024 * 1024


class _TopologyTestCase(test_admin._HostsTestCase):
    """``make_topology``: pod1 with c1 (memory ratio 2; node1) and c2
    (node2)."""

    def ok(self, command, **params):
        status, body = self.json(command, **params)
        self.assertEqual(200, status, body)
        return body[command.lower() + 'response']

    def zone_id(self):
        return self.ok('listZones')['zone'][0]['id']

    def make_topology(self):
        zone = self.zone_id()
        pod = self.ok('createPod', zoneid=zone, name='pod1',
                      gateway='10.1.0.1', netmask='255.255.255.0')['pod']
        c1, = self.ok('addCluster', zoneid=zone, podid=pod['id'],
                      clustername='c1', hypervisor='Simulator',
                      clustertype='CloudManaged',
                      memoryovercommitratio='2')['cluster']
        c2, = self.ok('addCluster', zoneid=zone, podid=pod['id'],
                      clustername='c2', hypervisor='KVM')['cluster']
        hosts = {h['name']: h['id'] for h in self.ok('listHosts')['host']}
        self.ok('updateHost', id=hosts['node1'], clusterid=c1['id'])
        self.ok('updateHost', id=hosts['node2'], clusterid=c2['id'])
        return pod, c1, c2


class PodsClustersTest(_TopologyTestCase):

    def test_pods_and_clusters_listed_with_their_hosts(self):
        pod, c1, c2 = self.make_topology()
        self.assertEqual(('nova', '10.1.0.1', 'Simulator', '2', ''), (
            pod['zonename'], pod['gateway'], c1['hypervisortype'],
            c1['memoryovercommitratio'], c1['cpuovercommitratio']))
        self.assertEqual(['pod1'], [p['name'] for p in self.ok(
            'listPods', zoneid=self.zone_id())['pod']])
        self.assertEqual(['c1', 'c2'], [c['name'] for c in self.ok(
            'listClusters', podid=pod['id'])['cluster']])
        self.assertEqual(['c2'], [c['name'] for c in self.ok(
            'listClusters', hypervisor='KVM')['cluster']])
        host, = self.ok('listHosts', clusterid=c1['id'])['host']
        self.assertEqual(('node1', 'pod1', pod['id'], 'c1'), (
            host['name'], host['podname'], host['podid'],
            host['clustername']))
        self.assertEqual(2, self.ok('listHosts', podid=pod['id'])['count'])

    def test_capacity_per_cluster_follows_ratio_and_claims(self):
        _pod, c1, c2 = self.make_topology()
        node1 = node_db.compute_node_get_all(self.api.admin_context,
                                             host='node1')[0]
        self.assertTrue(claims.claim(self.api.admin_context, node1['id'],
                                     'vm-1', 1, 6144, 1))
        memory, = self.ok('listCapacity', clusterid=c1['id'],
                          type='0')['capacity']
        self.assertEqual((8192 * MIB, 6144 * MIB, '75.00', 'c1'), (
            memory['capacitytotal'], memory['capacityused'],
            memory['percentused'], memory['clustername']))
        self.ok('updateCluster', id=c1['id'], memoryovercommitratio='1.5')
        memory, = self.ok('listCapacity', clusterid=c1['id'],
                          type='0')['capacity']
        self.assertEqual((6144 * MIB, 6144 * MIB), (
            memory['capacitytotal'], memory['capacityused']))
        self.assertFalse(claims.claim(self.api.admin_context, node1['id'],
                                      'vm-2', 1, 64, 1))
        memory, = self.ok('listCapacity', clusterid=c2['id'],
                          type='0')['capacity']
        self.assertEqual(4096 * MIB, memory['capacitytotal'])
        zone_memory, = self.ok('listCapacity', type='0')['capacity']
        self.assertEqual(10240 * MIB, zone_memory['capacitytotal'])

    def test_deletes_refused_while_in_use(self):
        pod, c1, c2 = self.make_topology()
        status, body = self.json('deletePod', id=pod['id'])
        self.assertEqual(536, body['deletepodresponse']['errorcode'], body)
        status, body = self.json('deleteCluster', id=c1['id'])
        self.assertNotEqual(200, status, body)
        empty, = self.ok('addCluster', zoneid=self.zone_id(),
                         podid=pod['id'], clustername='c3',
                         hypervisor='KVM')['cluster']
        self.assertTrue(self.ok('deleteCluster', id=empty['id'])['success'])

    def test_bad_input_is_431(self):
        zone = self.zone_id()
        pod = self.ok('createPod', zoneid=zone, name='pod1')['pod']
        for params in (
                {'memoryovercommitratio': '0'},
                {'cpuovercommitratio': 'lots'},
                {'hypervisor': 'Hyper-V'},
                {'podid': '5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000'}):
            args = dict({'zoneid': zone, 'podid': pod['id'],
                         'clustername': 'cx', 'hypervisor': 'KVM'},
                        **params)
            status, body = self.json('addCluster', **args)
            self.assertEqual(431, status, (params, body))
        status, body = self.json('createPod', name='p',
                                 zoneid='5f0e8a52-1b1c-4c43-a7cc-'
                                 '8c1c1f5ef000')
        self.assertEqual(431, status, body)
        status, body = self.json('updateCluster',
                                 id='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000',
                                 memoryovercommitratio='2')
        self.assertEqual(431, body['updateclusterresponse']['errorcode'])


class ComputeAPISeesClustersTest(_TopologyTestCase):
    """The compute API shows each cluster as a read-only aggregate, and
    os-hypervisors agrees with listCapacity: used = the claims, total ×
    the ratio that applies = capacitytotal."""

    def nova(self, method, path, body=None, version='2.41'):
        headers = dict(fakes.ADMIN, **{
            'OpenStack-API-Version': 'compute %s' % version})
        return self.api.request(method, '/v2.1' + path, body, headers)

    def cluster_aggregates(self):
        resp = self.nova('GET', '/os-aggregates')
        self.assertEqual(200, resp.status_code, resp.json)
        return {a['name']: a for a in resp.json['aggregates']
                if a['name'].startswith('cluster:')}

    def test_clusters_are_read_only_aggregates(self):
        pod, c1, c2 = self.make_topology()
        found = self.cluster_aggregates()
        self.assertEqual(['cluster:pod1/c1', 'cluster:pod1/c2'],
                         sorted(found))
        agg = found['cluster:pod1/c1']
        self.assertEqual((c1['id'], ['node1'], None), (
            agg['uuid'], agg['hosts'], agg['availability_zone']))
        self.assertEqual({'ram_allocation_ratio': '2',
                          'cloudstack:zone': 'nova', 'cloudstack:pod': 'pod1',
                          'cloudstack:pod_id': pod['id'],
                          'hypervisor_type': 'fake'}, agg['metadata'])
        self.assertNotIn('ram_allocation_ratio',
                         found['cluster:pod1/c2']['metadata'])
        path = '/os-aggregates/%d' % agg['id']
        self.assertEqual(agg, self.nova('GET', path).json['aggregate'])
        for method, sub, body in (
                ('PUT', '', {'aggregate': {'name': 'x'}}),
                ('DELETE', '', None),
                ('POST', '/action', {'add_host': {'host': 'node2'}}),
                ('POST', '/action', {'set_metadata': {'metadata': {
                    'ram_allocation_ratio': '9'}}})):
            resp = self.nova(method, path + sub, body)
            self.assertEqual(400, resp.status_code, (method, sub))
            self.assertIn('CloudStack cluster pod1/c1',
                          resp.json['badRequest']['message'])
        self.assertEqual(404, self.nova(
            'GET', '/os-aggregates/%d' % (agg['id'] + 99)).status_code)
        resp = self.nova('POST', '/os-aggregates',
                         {'aggregate': {'name': 'cluster:mine'}})
        self.assertEqual(400, resp.status_code, resp.json)
        # updateCluster shows at once (nothing is copied).
        self.ok('updateCluster', id=c2['id'], cpuovercommitratio='4')
        self.assertEqual('4', self.cluster_aggregates()['cluster:pod1/c2'][
            'metadata']['cpu_allocation_ratio'])

    def test_hypervisors_agree_with_list_capacity(self):
        _pod, c1, _c2 = self.make_topology()
        node1 = node_db.compute_node_get_all(self.api.admin_context,
                                             host='node1')[0]
        self.assertTrue(claims.claim(self.api.admin_context, node1['id'],
                                     'vm-1', 3, 5120, 1))
        hypervisor, = [h for h in self.nova(
            'GET', '/os-hypervisors/detail', version='2.1').json[
            'hypervisors'] if h['service']['host'] == 'node1']
        memory, cpu = [self.ok('listCapacity', clusterid=c1['id'],
                               type=kind)['capacity'][0]
                       for kind in ('0', '19')]
        ratios = self.cluster_aggregates()['cluster:pod1/c1']['metadata']
        self.assertEqual(memory['capacityused'],
                         hypervisor['memory_mb_used'] * MIB)
        self.assertEqual(memory['capacitytotal'], int(
            hypervisor['memory_mb'] * float(ratios['ram_allocation_ratio'])
            * MIB))
        self.assertEqual((cpu['capacityused'], cpu['capacitytotal']), (
            hypervisor['vcpus_used'], hypervisor['vcpus'] * 1))
        stats = self.nova('GET', '/os-hypervisors/statistics',
                          version='2.1').json['hypervisor_statistics']
        zone_memory, = self.ok('listCapacity', type='0')['capacity']
        self.assertEqual(zone_memory['capacityused'],
                         stats['memory_mb_used'] * MIB)


class MemberCannotTest(test_endpoint.CloudStackTestCase):

    def test_pod_and_cluster_commands_are_admin_only(self):
        for command in ('listPods', 'listClusters', 'createPod',
                        'updateCluster', 'deletePod'):
            status, body = self.json(
                command, zoneid='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000',
                id='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000', name='x')
            self.assertIn(status, (401, 432), (command, body))
