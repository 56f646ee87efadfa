"""listConfigurations / updateConfiguration of the overcommit ratios:
global (``global_settings``, for hosts whose cluster sets none) and per
cluster (the cluster's own ratio), honoured by listCapacity and by the
claim's conditional UPDATE."""
from nova_lite.db import claims
from nova_lite.db import compute_nodes as node_db
from tests.unit.api.cloudstack import test_pods_clusters

MIB = 1024 * 1024


class ConfigurationsTest(test_pods_clusters._TopologyTestCase):

    def settings(self, **params):
        return {c['name']: c for c in self.ok(
            'listConfigurations', **params)['configuration']}

    def memory_total(self, cluster):
        entry, = self.ok('listCapacity', clusterid=cluster['id'],
                         type='0')['capacity']
        return entry['capacitytotal'] // MIB

    def test_global_ratio_applies_where_the_cluster_sets_none(self):
        _pod, c1, c2 = self.make_topology()
        found = self.settings()
        self.assertEqual(['cpu.overcommit.ratio', 'mem.overcommit.ratio'],
                         sorted(found))
        # Unset: the [compute] option of this service is shown.
        self.assertEqual(('1.5', '1.5', 'cluster'), (
            found['mem.overcommit.ratio']['value'],
            found['mem.overcommit.ratio']['defaultvalue'],
            found['mem.overcommit.ratio']['scope']))
        self.assertEqual((8192, 4096), (self.memory_total(c1),
                                        self.memory_total(c2)))
        updated = self.ok('updateConfiguration', name='mem.overcommit.ratio',
                          value='0.5')['configuration']
        self.assertEqual('0.5', updated['value'])
        # c1 keeps its own ratio 2; c2 (none) takes the global 0.5.
        self.assertEqual((8192, 2048), (self.memory_total(c1),
                                        self.memory_total(c2)))
        node2 = node_db.compute_node_get_all(self.api.admin_context,
                                             host='node2')[0]
        self.assertFalse(claims.claim(self.api.admin_context, node2['id'],
                                      'vm-1', 1, 3072, 1))
        self.assertTrue(claims.claim(self.api.admin_context, node2['id'],
                                     'vm-1', 1, 2048, 1))
        by_cluster = self.settings(clusterid=c2['id'])
        self.assertEqual(('0.5', c2['id']), (
            by_cluster['mem.overcommit.ratio']['value'],
            by_cluster['mem.overcommit.ratio']['id']))
        self.assertEqual('2', self.settings(clusterid=c1['id'])[
            'mem.overcommit.ratio']['value'])
        # An empty value unsets it: the hosts' own ratio again.
        self.ok('updateConfiguration', name='mem.overcommit.ratio', value='')
        self.assertEqual(4096, self.memory_total(c2))

    def test_cluster_scope_is_the_clusters_ratio(self):
        _pod, c1, _c2 = self.make_topology()
        self.ok('updateConfiguration', name='cpu.overcommit.ratio',
                value='3', clusterid=c1['id'])
        cluster, = self.ok('listClusters', id=c1['id'])['cluster']
        self.assertEqual('3', cluster['cpuovercommitratio'])
        self.assertEqual('3', self.settings(
            clusterid=c1['id'], name='cpu.overcommit.ratio')[
            'cpu.overcommit.ratio']['value'])
        events = [e['description'] for e in self.ok(
            'listEvents', type='CONFIGURATION.VALUE.EDIT')['event']]
        self.assertEqual(['Successfully edited configuration value: '
                          'cpu.overcommit.ratio = 3 (cluster c1)'], events)

    def test_bad_input_is_431(self):
        _pod, c1, _c2 = self.make_topology()
        for params in ({'name': 'vm.allocation.algorithm', 'value': '1'},
                       {'name': 'cpu.overcommit.ratio', 'value': '-1'},
                       {'name': 'cpu.overcommit.ratio', 'value': 'x'},
                       {'name': 'cpu.overcommit.ratio', 'value': '2',
                        'clusterid': '5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000'}):
            status, body = self.json('updateConfiguration', **params)
            self.assertEqual(431, status, (params, body))
