"""CloudStack listHosts and the compute API's os-services through the
same ``build_app()`` WSGI app: both say whether a compute host is up by
nova_lite.servicegroup's rule, so they agree on a forced down host."""
from nova_lite.db import compute_nodes as node_db
from tests.unit.api.cloudstack import test_endpoint
from tests.unit.api import fakes
from tests.unit.api import test_services

RATIOS = {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
          'disk_allocation_ratio': 1.0}


class _HostsTestCase(test_endpoint.CloudStackTestCase):

    roles = ['admin', 'member', 'reader']

    def setUp(self):
        super().setUp()
        test_services.register_services(self)
        for host in ('node1', 'node2'):
            node_db.compute_node_report(
                self.api.admin_context, host, host,
                {'vcpus': 4, 'memory_mb': 4096, 'local_gb': 40}, RATIOS,
                0, 0)

    def os_services(self):
        resp = self.api.request('GET', '/v2.1/os-services?binary='
                                'nova-compute', headers=fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        return {s['host']: s['state'] for s in resp.json['services']}

    def list_hosts(self, **params):
        status, body = self.json('listHosts', **params)
        self.assertEqual(200, status, body)
        return {h['name']: h['state']
                for h in body['listhostsresponse'].get('host', [])}


class HostStateAgreesTest(_HostsTestCase):

    def test_forced_down_host_is_down_in_both_apis(self):
        # node2's heartbeat is 10 minutes old (register_services).
        self.assertEqual({'node1': 'up', 'node2': 'down'}, self.os_services())
        self.assertEqual({'node1': 'Up', 'node2': 'Down'}, self.list_hosts())
        resp = self.api.request(
            'PUT', '/v2.1/os-services/force-down',
            {'host': 'node1', 'binary': 'nova-compute', 'forced_down': True},
            headers=dict(fakes.ADMIN, **{
                'OpenStack-API-Version': 'compute 2.11'}))
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'node1': 'down', 'node2': 'down'},
                         self.os_services())
        self.assertEqual({'node1': 'Down', 'node2': 'Down'},
                         self.list_hosts())
        self.assertEqual({}, self.list_hosts(state='Up'))

    def test_list_capacity_sums_the_zone(self):
        status, body = self.json('listCapacity', type='0')
        self.assertEqual(200, status, body)
        memory, = body['listcapacityresponse']['capacity']
        self.assertEqual(('MEMORY', 'nova', 2 * 4096 * 1024 * 1024),
                         (memory['name'], memory['zonename'],
                          memory['capacitytotal']))


class UpdateHostAgreesTest(_HostsTestCase):
    """updateHost allocationstate sets the flag os-hosts and os-services
    set, and listHosts shows what os-hosts changed."""

    def host_ids(self):
        status, body = self.json('listHosts')
        self.assertEqual(200, status, body)
        return {h['name']: (h['id'], h['resourcestate'])
                for h in body['listhostsresponse']['host']}

    def test_update_host_disables_the_compute_service(self):
        node1_id = self.host_ids()['node1'][0]
        status, body = self.json('updateHost', id=node1_id,
                                 allocationstate='Disable')
        self.assertEqual(200, status, body)
        self.assertEqual('Disabled',
                         body['updatehostresponse']['host']['resourcestate'])
        resp = self.api.request('GET', '/v2.1/os-services?host=node1',
                                headers=fakes.ADMIN)
        self.assertEqual('disabled', resp.json['services'][0]['status'])
        self.assertNotIn('node1', [h['host_name'] for h in self.api.request(
            'GET', '/v2.1/os-hosts', headers=fakes.ADMIN).json['hosts']])
        resp = self.api.request('PUT', '/v2.1/os-hosts/node1',
                                {'status': 'enable'}, headers=fakes.ADMIN)
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual('Enabled', self.host_ids()['node1'][1])

    def test_update_unknown_host(self):
        status, body = self.json(
            'updateHost', id='5f0e8a52-1b1c-4c43-a7cc-8c1c1f5ef000',
            allocationstate='Enable')
        self.assertEqual(431, status, body)
