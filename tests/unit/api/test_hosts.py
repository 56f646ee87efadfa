"""``/v2.1/os-hosts`` (compute API reference, "Hosts (os-hosts)
(DEPRECATED)") through the full WSGI pipeline."""
import fixtures

from nova_lite.api import microversion
from nova_lite.compute import maintenance
from nova_lite.db import compute_nodes as node_db
from nova_lite.db import services as service_db
from tests.unit.api import fakes
from tests.unit.api import test_services

HOSTS = '/v2.1/os-hosts'
RATIOS = {'cpu_allocation_ratio': 16.0, 'ram_allocation_ratio': 1.5,
          'disk_allocation_ratio': 1.0}


class HostsTest(fakes.APITestCase):

    def setUp(self):
        super().setUp()
        self.ids = test_services.register_services(self)
        node_db.compute_node_report(
            self.api.admin_context, 'node1', 'node1.example.org',
            {'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100,
             'hypervisor_type': 'QEMU', 'hypervisor_version': 1,
             'running_vms': 0}, RATIOS, 512, 0)

    def admin(self, method, path, body=None):
        return self.api.request(method, HOSTS + path, body, fakes.ADMIN)

    def test_list(self):
        resp = self.admin('GET', '')
        self.assertEqual(200, resp.status_code, resp.json)
        self.assertEqual([
            {'host_name': 'node1', 'service': 'compute', 'zone': 'nova'},
            {'host_name': 'node2', 'service': 'compute', 'zone': 'nova'},
            {'host_name': 'ctl', 'service': 'conductor',
             'zone': 'internal'},
            {'host_name': 'ctl', 'service': 'scheduler',
             'zone': 'internal'}], resp.json['hosts'])

    def test_list_by_zone_and_disabled_hidden(self):
        self.assertEqual(['ctl', 'ctl'], [
            h['host_name'] for h in
            self.admin('GET', '?zone=internal').json['hosts']])
        self.assertEqual([], self.admin('GET', '?zone=xxx').json['hosts'])
        self.assertEqual(4, len(self.admin('GET', '?zone=').json['hosts']))
        resp = self.admin('PUT', '/node2', {'status': 'disable'})
        self.assertEqual({'host': 'node2', 'status': 'disabled'}, resp.json)
        self.assertEqual(['node1'], [
            h['host_name'] for h in
            self.admin('GET', '?zone=nova').json['hosts']])

    def test_show_resources(self):
        server = self.create_server()
        self.set_instance(server, host='node1', vm_state='active',
                          task_state=None)
        other = self.create_server(fakes.OTHER, flavorRef='2')
        self.set_instance(other, host='node1')
        resp = self.admin('GET', '/node1')
        self.assertEqual(200, resp.status_code, resp.json)
        rows = [r['resource'] for r in resp.json['host']]
        self.assertEqual(
            [('(total)', 8, 8192, 100), ('(used_now)', 0, 0, 0),
             ('(used_max)', 2, 2560, 21), (fakes.PROJECT, 1, 512, 1),
             (fakes.OTHER_PROJECT, 1, 2048, 20)],
            [(r['project'], r['cpu'], r['memory_mb'], r['disk_gb'])
             for r in rows])
        self.assertEqual({'node1'}, {r['host'] for r in rows})

    def test_show_unknown_host(self):
        self.assertFault(self.admin('GET', '/nope'), 404, 'itemNotFound')

    def test_enable_disable_sets_the_service_flag(self):
        service_id = self.ids[('node1', 'nova-lite-compute')]
        resp = self.admin('PUT', '/node1', {'status': 'Disable'})
        self.assertEqual({'host': 'node1', 'status': 'disabled'}, resp.json)
        ctx = self.api.admin_context
        self.assertTrue(service_db.service_get(ctx, service_id)['disabled'])
        services = self.get('/v2.1/os-services?host=node1',
                            fakes.ADMIN).json['services']
        self.assertEqual('disabled', services[0]['status'])
        resp = self.admin('PUT', '/node1', {'status': 'ENABLE'})
        self.assertEqual({'host': 'node1', 'status': 'enabled'}, resp.json)
        self.assertFalse(service_db.service_get(ctx, service_id)['disabled'])

    def test_update_errors(self):
        self.assertFault(self.admin('PUT', '/nope', {'status': 'enable'}),
                         404, 'itemNotFound')
        for body in ({}, {'status': 'bad'}, {'maintenance_mode': 'bad'},
                     {'status': 'enable', 'other': 1}):
            self.assertFault(self.admin('PUT', '/node1', body), 400,
                             'badRequest')
        self.assertFault(self.admin('PUT', '/nope',
                                    {'maintenance_mode': 'enable'}),
                         404, 'itemNotFound')
        self.assertFault(self.admin('PUT', '/node1',
                                    {'maintenance_mode': 'disable'}),
                         409, 'conflictingRequest', 'not in maintenance')
        self.assertFalse(service_db.service_get(
            self.api.admin_context,
            self.ids[('node1', 'nova-lite-compute')])['disabled'])

    def test_maintenance_mode_live_migrates_the_servers(self):
        """The flow of CloudStack's prepareHostForMaintenance: the
        compute service disabled with the maintenance reason, running
        servers live-migrating (scheduler's choice), stopped ones left."""
        running = self.create_server()
        self.set_instance(running, host='node1', vm_state='active',
                          task_state=None)
        stopped = self.create_server()
        self.set_instance(stopped, host='node1', vm_state='stopped',
                          task_state=None)
        resp = self.admin('PUT', '/node1', {'maintenance_mode': 'enable',
                                            'status': 'disable'})
        self.assertEqual({'host': 'node1', 'status': 'disabled',
                          'maintenance_mode': 'on_maintenance'}, resp.json)
        service = service_db.service_get(
            self.api.admin_context, self.ids[('node1', 'nova-lite-compute')])
        self.assertEqual((True, maintenance.REASON), (
            service['disabled'], service['disabled_reason']))
        states = {uuid: self.get('/v2.1/servers/%s' % uuid).json[
            'server']['status'] for uuid in (running, stopped)}
        self.assertEqual({running: 'MIGRATING', stopped: 'SHUTOFF'}, states)
        self.assertFault(self.admin('PUT', '/node1',
                                    {'maintenance_mode': 'enable'}),
                         409, 'conflictingRequest', 'PrepareForMaintenance')
        resp = self.admin('PUT', '/node1', {'maintenance_mode': 'disable'})
        self.assertEqual({'host': 'node1',
                          'maintenance_mode': 'off_maintenance'}, resp.json)
        self.assertFalse(service_db.service_get(
            self.api.admin_context,
            self.ids[('node1', 'nova-lite-compute')])['disabled'])

    def test_power_actions(self):
        for action in ('startup', 'shutdown', 'reboot'):
            self.assertFault(self.admin('GET', '/node1/' + action), 501,
                             'notImplemented', action)
            self.assertFault(self.admin('GET', '/nope/' + action), 404,
                             'itemNotFound')

    def test_admin_only(self):
        for method, path in (('GET', ''), ('GET', '/node1'),
                             ('GET', '/node1/reboot'),
                             ('GET', '/node1/startup'),
                             ('GET', '/node1/shutdown')):
            self.assertFault(self.api.request(method, HOSTS + path), 403,
                             'forbidden')
        self.assertFault(self.put(HOSTS + '/node1', {'status': 'enable'}),
                         403, 'forbidden')

    def test_gone_from_2_43(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.api.microversion.MAX_VERSION',
            microversion.APIVersion(2, 43)))
        for version, code in (('2.42', 200), ('2.43', 404)):
            resp = self.api.request('GET', HOSTS, headers=dict(
                fakes.ADMIN, **{microversion.HEADER: 'compute ' + version}))
            self.assertEqual(code, resp.status_code)
