"""CloudStack pods and clusters through the ``build_app()`` WSGI app:
createPod/addCluster/updateCluster/delete*, listHosts by pod and
cluster, updateHost clusterid, listCapacity per cluster after the
cluster's ratios (what claims use), and admin-only access."""
from nova_lite.db import claims
from nova_lite.db import compute_nodes as node_db
from tests.unit.api.cloudstack import test_admin
from tests.unit.api.cloudstack import test_endpoint

MIB = 1024 * 1024


class PodsClustersTest(test_admin._HostsTestCase):

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


class MemberCannotTest(test_endpoint.CloudStackTestCase):

    def test_pod_and_cluster_commands_are_admin_only(self):
        for command in ('listPods', 'listClusters', 'createPod',
                        'updateCluster', 'deletePod'):
            status, body = self.json(
                command, zoneid='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000',
                id='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000', name='x')
            self.assertIn(status, (401, 432), (command, body))
