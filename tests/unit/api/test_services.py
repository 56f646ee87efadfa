"""``/v2.1/os-services`` (compute API reference, "Compute services
(os-services)", microversion 2.1) through the full WSGI pipeline."""
import datetime

from nova_lite.api import microversion
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import services as service_db
from tests.unit.api import fakes

SERVICES = '/v2.1/os-services'
KEYS = {'id', 'binary', 'host', 'zone', 'status', 'state', 'updated_at',
        'disabled_reason'}


def register_services(test):
    """compute on node1 and node2, conductor and scheduler on ctl;
    node2's last heartbeat is 10 minutes old."""
    ctx = test.api.admin_context
    ids = {}
    for host, binary in (('node1', 'nova-lite-compute'),
                         ('node2', 'nova-lite-compute'),
                         ('ctl', 'nova-lite-conductor'),
                         ('ctl', 'nova-lite-scheduler')):
        ids[(host, binary)] = service_db.service_register(
            ctx, host, binary, binary)['id']
    old = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
           - datetime.timedelta(minutes=10))
    service_db.service_update(ctx, ids[('node2', 'nova-lite-compute')],
                              {'last_seen_up': old})
    return ids


class ServicesTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.ids = register_services(self)

    def admin(self, method, path, body=None, version='2.11'):
        """A request as admin at ``version`` (force-down needs 2.11)."""
        return self.api.request(method, path, body, dict(
            fakes.ADMIN, **{microversion.HEADER: 'compute ' + version}))

    def services(self, query=''):
        resp = self.admin('GET', SERVICES + query, version='2.1')
        self.assertEqual(200, resp.status_code, resp.json)
        return resp.json['services']

    def test_list(self):
        services = self.services()
        self.assertEqual(4, len(services))
        self.assertEqual(KEYS, set(services[0]))
        by_key = {(s['host'], s['binary']): s for s in services}
        node1 = by_key[('node1', 'nova-compute')]
        self.assertEqual(('nova', 'enabled', 'up', None),
                         (node1['zone'], node1['status'], node1['state'],
                          node1['disabled_reason']))
        self.assertIsInstance(node1['id'], int)
        self.assertRegex(node1['updated_at'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$')
        self.assertEqual('down', by_key[('node2', 'nova-compute')]['state'])
        self.assertEqual('internal',
                         by_key[('ctl', 'nova-conductor')]['zone'])
        self.assertIn(('ctl', 'nova-scheduler'), by_key)

    def test_filters(self):
        computes = self.services('?binary=nova-compute')
        self.assertEqual({'node1', 'node2'}, {s['host'] for s in computes})
        self.assertEqual(2, len(self.services(
            '?binary=nova-lite-compute')))
        self.assertEqual(['nova-compute'], [
            s['binary'] for s in self.services(
                '?binary=nova-compute&host=node1')])
        self.assertEqual(2, len(self.services('?host=ctl')))
        self.assertEqual([], self.services('?host=ctl&binary=xxx'))
        self.assertEqual([], self.services('?host=xxx'))
        self.assertEqual(4, len(self.services('?xxx=nova-compute')))

    def test_zone_from_aggregate(self):
        from nova_lite.db import aggregates as aggregate_db
        ctx = self.api.admin_context
        agg = aggregate_db.aggregate_create(ctx, 'rack', 'az1')
        aggregate_db.aggregate_host_add(ctx, agg['id'], 'node1')
        zones = {s['host']: s['zone']
                 for s in self.services('?binary=nova-compute')}
        self.assertEqual({'node1': 'az1', 'node2': 'nova'}, zones)

    def test_disable_enable(self):
        body = {'host': 'node1', 'binary': 'nova-compute'}
        resp = self.admin('PUT', SERVICES + '/disable', body)
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual({'service': dict(body, status='disabled')},
                         resp.json)
        self.assertEqual('disabled', self.services('?host=node1')[0][
            'status'])
        resp = self.admin('PUT', SERVICES + '/disable-log-reason',
                          dict(body, disabled_reason='maintenance'))
        self.assertEqual({'service': dict(body, status='disabled',
                                          disabled_reason='maintenance')},
                         resp.json)
        self.assertEqual('maintenance', self.services('?host=node1')[0][
            'disabled_reason'])
        resp = self.admin('PUT', SERVICES + '/enable', body)
        self.assertEqual({'service': dict(body, status='enabled')},
                         resp.json)
        service = self.services('?host=node1')[0]
        self.assertEqual(('enabled', None), (service['status'],
                                             service['disabled_reason']))

    def test_force_down(self):
        body = {'host': 'node1', 'binary': 'nova-compute'}
        resp = self.admin('PUT', SERVICES + '/force-down',
                          dict(body, forced_down=True))
        self.assertEqual({'service': dict(body, forced_down=True)},
                         resp.json)
        self.assertEqual('down', self.services('?host=node1')[0]['state'])
        self.admin('PUT', SERVICES + '/force-down',
                   dict(body, forced_down='false'))
        self.assertEqual('up', self.services('?host=node1')[0]['state'])

    def test_unknown_service_is_404(self):
        for body in ({'host': 'nohost', 'binary': 'nova-compute'},
                     {'host': 'node1', 'binary': 'nova-conductor'}):
            self.assertFault(self.admin('PUT', SERVICES + '/enable', body),
                             404, 'itemNotFound')

    def test_bad_bodies_are_400(self):
        for action, body in (
                ('enable', {'host': 'node1'}),
                ('enable', {'host': 'node1', 'binary': 'nova-compute',
                            'status': 'enabled'}),
                ('disable-log-reason', {'host': 'node1',
                                        'binary': 'nova-compute'}),
                ('disable-log-reason', {'host': 'node1',
                                        'binary': 'nova-compute',
                                        'disabled_reason': 'x' * 256}),
                ('force-down', {'host': 'node1', 'binary': 'nova-compute',
                                'forced_down': 'perhaps'})):
            self.assertFault(self.admin('PUT', SERVICES + '/' + action,
                                        body), 400, 'badRequest')
        # An unknown action: a 404 as in the compute API (from 2.53 the
        # path names a service by uuid).
        self.assertFault(self.admin('PUT', SERVICES + '/reboot', {}), 404,
                         'itemNotFound')

    def test_delete(self):
        service_id = self.ids[('node2', 'nova-lite-compute')]
        node_db.compute_node_report(
            self.api.admin_context, 'node2', 'node2',
            {'vcpus': 4, 'memory_mb': 4096, 'local_gb': 40},
            {'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
             'disk_allocation_ratio': 1.0}, 0, 0)
        resp = self.admin('DELETE', '%s/%d' % (SERVICES, service_id))
        self.assertEqual(204, resp.status_code)
        self.assertEqual(3, len(self.services()))
        self.assertEqual([], node_db.compute_node_get_all(
            self.api.admin_context, host='node2'))
        self.assertFault(self.admin('DELETE', '%s/%d' % (SERVICES,
                                                         service_id)),
                         404, 'itemNotFound')
        for bad in ('abc', '1.5', '9' * 30, '9999999999', '-1',
                    'e0b5e4b4-3bd8-4ef2-9bbb-a19d2e3b0a1e'):
            self.assertFault(self.admin('DELETE', SERVICES + '/' + bad),
                             404, 'itemNotFound')

    def test_delete_compute_with_instances_is_409(self):
        server_id = self.create_server()
        self.set_instance(server_id, host='node1', node='node1')
        service_id = self.ids[('node1', 'nova-lite-compute')]
        self.assertFault(self.admin('DELETE', '%s/%d' % (SERVICES,
                                                         service_id)),
                         409, 'conflictingRequest', 'hosting instances')
        self.assertEqual(4, len(self.services()))

    def test_admin_only(self):
        body = {'host': 'node1', 'binary': 'nova-compute'}
        for headers in (fakes.MEMBER, fakes.READER):
            self.assertFault(self.get(SERVICES, headers), 403, 'forbidden')
            self.assertFault(self.put(SERVICES + '/disable', body, headers),
                             403, 'forbidden')
            self.assertFault(self.delete('%s/%d' % (
                SERVICES, self.ids[('node1', 'nova-lite-compute')]),
                headers), 403, 'forbidden')
        self.assertEqual('enabled', self.services('?host=node1')[0][
            'status'])
