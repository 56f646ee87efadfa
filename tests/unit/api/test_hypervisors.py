"""``/v2.1/os-hypervisors`` (compute API reference, "Hypervisors
(os-hypervisors)", microversion 2.1) through the full WSGI pipeline."""
import fixtures
import sqlalchemy as sa
from sqlalchemy import event

from nova_lite.db import compute_nodes as node_db
from nova_lite.db import services as service_db
from nova_lite import exception
from tests import db_helpers
from tests.unit.api import fakes
from tests.unit.api import test_services

HYPERVISORS = '/v2.1/os-hypervisors'
SUMMARY_KEYS = {'id', 'hypervisor_hostname', 'state', 'status'}
DETAIL_KEYS = SUMMARY_KEYS | {
    'vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
    'local_gb_used', 'free_ram_mb', 'free_disk_gb', 'current_workload',
    'running_vms', 'hypervisor_type', 'hypervisor_version', 'host_ip',
    'cpu_info', 'disk_available_least', 'service'}
STATS_KEYS = {'count', 'current_workload', 'disk_available_least',
              'free_disk_gb', 'free_ram_mb', 'local_gb', 'local_gb_used',
              'memory_mb', 'memory_mb_used', 'running_vms', 'vcpus',
              'vcpus_used'}
RATIOS = {'cpu_allocation_ratio': 16.0, 'ram_allocation_ratio': 1.5,
          'disk_allocation_ratio': 1.0}


class _HypervisorsTestCase(fakes.APITestCase):
    """Two compute nodes: node1 (service up) and node2 (service down)."""

    def setUp(self):
        super().setUp()
        self.service_ids = test_services.register_services(self)
        ctx = self.api.admin_context
        self.nodes = {}
        for host, vcpus in (('node1', 8), ('node2', 4)):
            self.nodes[host] = node_db.compute_node_report(
                ctx, host, host + '.example.org',
                {'vcpus': vcpus, 'memory_mb': 8192, 'local_gb': 100,
                 'hypervisor_type': 'QEMU', 'hypervisor_version': 9000000,
                 'running_vms': 1}, RATIOS, 512, 0)

    def admin_get(self, path):
        resp = self.get(HYPERVISORS + path, fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json


class HypervisorsTest(_HypervisorsTestCase):

    def test_list(self):
        hypervisors = self.admin_get('')['hypervisors']
        self.assertEqual([
            {'id': self.nodes['node1']['id'],
             'hypervisor_hostname': 'node1.example.org', 'state': 'up',
             'status': 'enabled'},
            {'id': self.nodes['node2']['id'],
             'hypervisor_hostname': 'node2.example.org', 'state': 'down',
             'status': 'enabled'}], hypervisors)

    def test_detail_and_show(self):
        server_id = self.create_server()
        self.set_instance(server_id, host='node1',
                          node='node1.example.org', task_state=None,
                          vm_state='active')
        building = self.create_server()
        self.set_instance(building, host='node1', node='node1.example.org')
        detail = self.admin_get('/detail')['hypervisors']
        self.assertEqual(2, len(detail))
        node1 = detail[0]
        self.assertEqual(DETAIL_KEYS, set(node1))
        self.assertEqual((8, 8192, 100, 8192, 100, 1, 'QEMU', 9000000),
                         (node1['vcpus'], node1['memory_mb'],
                          node1['local_gb'], node1['free_ram_mb'],
                          node1['free_disk_gb'], node1['current_workload'],
                          node1['hypervisor_type'],
                          node1['hypervisor_version']))
        self.assertEqual({'host': 'node1', 'disabled_reason': None,
                          'id': self.service_ids[('node1',
                                                  'nova-lite-compute')]},
                         node1['service'])
        shown = self.admin_get('/%d' % node1['id'])['hypervisor']
        self.assertEqual(node1, shown)

    def test_show_unknown_is_404(self):
        for bad in ('999', 'abc', 'node1.example.org',
                    '6f9c9a36-1111-4c1e-9e9e-8f0a7f5e0a11'):
            self.assertFault(self.get(HYPERVISORS + '/' + bad, fakes.ADMIN),
                             404, 'itemNotFound')

    def test_statistics(self):
        stats = self.admin_get('/statistics')['hypervisor_statistics']
        self.assertEqual(STATS_KEYS, set(stats))
        self.assertEqual((2, 12, 16384, 200, 2, 0, None),
                         (stats['count'], stats['vcpus'],
                          stats['memory_mb'], stats['local_gb'],
                          stats['running_vms'], stats['current_workload'],
                          stats['disk_available_least']))

    def test_search_and_servers(self):
        found = self.admin_get('/node1/search')['hypervisors']
        self.assertEqual(['node1.example.org'],
                         [h['hypervisor_hostname'] for h in found])
        self.assertEqual(2, len(self.admin_get('/example/search')[
            'hypervisors']))
        self.assertFault(self.get(HYPERVISORS + '/nomatch/search',
                                  fakes.ADMIN), 404, 'itemNotFound')
        server_id = self.create_server()
        self.set_instance(server_id, host='node2', node='node2.example.org')
        listed = self.admin_get('/example/servers')['hypervisors']
        self.assertNotIn('servers', listed[0])
        self.assertEqual([server_id],
                         [s['uuid'] for s in listed[1]['servers']])
        self.assertEqual({'uuid': server_id,
                          'name': 'instance-%s' % server_id},
                         listed[1]['servers'][0])
        self.assertFault(self.get(HYPERVISORS + '/nomatch/servers',
                                  fakes.ADMIN), 404, 'itemNotFound')

    def test_node_without_service_is_hidden(self):
        db_helpers.service_row_delete(self.api.admin_context,
                                      self.service_ids[
                                          ('node2', 'nova-lite-compute')])
        self.assertEqual(['node1.example.org'], [
            h['hypervisor_hostname']
            for h in self.admin_get('')['hypervisors']])

    def test_admin_only(self):
        for path in ('', '/detail', '/statistics', '/node1/search',
                     '/node1/servers', '/%d' % self.nodes['node1']['id']):
            self.assertFault(self.get(HYPERVISORS + path), 403, 'forbidden')


class HypervisorStatementsTest(_HypervisorsTestCase):
    """The detail and the statistics aggregate in SQL: one SELECT whatever
    the number of nodes and instances."""

    def statements(self, path):
        seen = []

        def count(conn, cursor, statement, params, context, many):
            if not statement.startswith('BEGIN'):
                seen.append(statement)
        event.listen(sa.engine.Engine, 'before_cursor_execute', count)
        try:
            self.admin_get(path)
        finally:
            event.remove(sa.engine.Engine, 'before_cursor_execute', count)
        return seen

    def test_one_select_whatever_the_count(self):
        before = {path: self.statements(path)
                  for path in ('/detail', '/statistics')}
        ctx = self.api.admin_context
        for index in range(3, 7):
            host = 'node%d' % index
            service_db.service_register(ctx, host, 'nova-lite-compute', 'c')
            node_db.compute_node_report(
                ctx, host, host, {'vcpus': 2, 'memory_mb': 1024,
                                  'local_gb': 10}, RATIOS, 0, 0)
            server_id = self.create_server()
            self.set_instance(server_id, host=host, node=host)
        for path, statements in before.items():
            after = self.statements(path)
            self.assertEqual(1, len(after), after)
            self.assertEqual(len(statements), len(after), after)
        detail = self.admin_get('/detail')['hypervisors']
        self.assertEqual([0, 0, 1, 1, 1, 1],
                         [h['current_workload'] for h in detail])
        stats = self.admin_get('/statistics')['hypervisor_statistics']
        self.assertEqual((6, 20, 4), (stats['count'], stats['vcpus'],
                                      stats['current_workload']))


class HypervisorUptimeTest(_HypervisorsTestCase):
    """GET /os-hypervisors/{id}/uptime asks the node's compute service
    (an RPC call, replaced here by a fake compute RPC API)."""

    LINE = ' 10:00:00 up 2 days,  3:04,  0 users,  load average: 0.0, 0.0, 0.0'

    def setUp(self):
        super().setUp()
        self.calls = []
        self.fake_uptime = self.LINE

        def get_host_uptime(rpcapi, context, host):
            self.calls.append(host)
            if isinstance(self.fake_uptime, Exception):
                raise self.fake_uptime
            return self.fake_uptime

        self.useFixture(fixtures.MockPatch(
            'nova_lite.compute.api.API.get_host_uptime',
            get_host_uptime))

    def uptime_path(self, host):
        return '%s/%d/uptime' % (HYPERVISORS, self.nodes[host]['id'])

    def test_uptime(self):
        body = self.admin_get(self.uptime_path('node1')[len(HYPERVISORS):])
        self.assertEqual({'hypervisor': {
            'id': self.nodes['node1']['id'],
            'hypervisor_hostname': 'node1.example.org', 'state': 'up',
            'status': 'enabled', 'uptime': self.LINE}}, body)
        self.assertEqual(['node1'], self.calls)

    def test_compute_down_is_400_without_a_call(self):
        self.assertFault(self.get(self.uptime_path('node2'), fakes.ADMIN),
                         400, 'badRequest', 'node2 is unavailable')
        self.assertEqual([], self.calls)

    def test_driver_without_uptime_is_501(self):
        self.fake_uptime = exception.NotSupportedByDriver(
            operation='uptime', host='node1')
        self.assertFault(self.get(self.uptime_path('node1'), fakes.ADMIN),
                         501, 'notImplemented', 'not supported')

    def test_unknown_is_404_and_member_is_403(self):
        self.assertFault(self.get(HYPERVISORS + '/999/uptime', fakes.ADMIN),
                         404, 'itemNotFound')
        self.assertFault(self.get(self.uptime_path('node1'), fakes.MEMBER),
                         403, 'forbidden')
        self.assertEqual([], self.calls)
