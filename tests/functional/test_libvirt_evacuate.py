"""Cold migration and evacuation with the libvirt driver on
``test:///default`` through the whole multi-process stack (RabbitMQ,
MariaDB, two computes with their own instances and images paths;
doc/migrations-servers.md):

* a server is cold-migrated and confirmed: its domain and directory
  move to the other host;
* its compute process is killed (the test hypervisor's domains die with
  it), the service forced down, the server evacuated: the other host
  spawns it from the image and takes its claim; when the killed compute
  starts again it removes the evacuated instance's directory and marks
  the migration completed, leaving the server record alone.
"""
from tests.functional.fixtures import libvirt_stack
from tests.functional import test_libvirt_stack as base

HOSTS = base.HOSTS


def _at(version):
    return {'OpenStack-API-Version': 'compute %s' % version}


class TestLibvirtMoves(base.LibvirtStackTestCase):

    def admin_action(self, server_id, body, code, version='2.14'):
        resp = self.admin.request('POST', '/servers/%s/action' % server_id,
                                  json=body, headers=_at(version))
        self.assertEqual(code, resp.status_code, resp.text)

    def migration(self, server_id):
        resp = self.admin.request('GET', '/os-migrations', params={
            'instance_uuid': server_id}, headers=_at('2.23'))
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['migrations'][0]

    def test_migrate_then_evacuate(self):
        resp = self.client.create_server(name='mover', image=self.image)
        self.assertEqual(202, resp.status_code, resp.text)
        server_id = resp.json()['server']['id']
        src = self.wait_server(server_id, 'ACTIVE')['OS-EXT-SRV-ATTR:host']
        dst = next(h for h in HOSTS if h != src)

        self.admin_action(server_id, {'migrate': None}, 202)
        self.wait_server(server_id, 'VERIFY_RESIZE')
        self.admin_action(server_id, {'confirmResize': None}, 204)
        server = self.wait_server(server_id, 'ACTIVE')
        self.assertEqual(dst, server['OS-EXT-SRV-ATTR:host'])
        self.assertEqual(('migration', 'confirmed'), (
            self.migration(server_id)['migration_type'],
            self.migration(server_id)['status']))
        self.assertEqual([server_id], self.stack.instance_dirs(dst))
        self.assertEqual([], self.stack.instance_dirs(src))

        # The server's host (now dst) dies; evacuate it back to src.
        self.stack.processes['compute-%s' % dst].kill()
        resp = self.admin.request('PUT', '/os-services/force-down', json={
            'host': dst, 'binary': 'nova-compute', 'forced_down': True},
            headers=_at('2.11'))
        self.assertEqual(200, resp.status_code, resp.text)
        self.admin_action(server_id, {'evacuate': {}}, 200)
        server = self.wait_server(server_id, 'ACTIVE')
        self.assertEqual(src, server['OS-EXT-SRV-ATTR:host'])
        self.assertEqual(('evacuation', 'done'), (
            self.migration(server_id)['migration_type'],
            self.migration(server_id)['status']))
        self.assertEqual([server_id], self.stack.instance_dirs(src))
        self.assertEqual([server_id], self.stack.instance_dirs(dst))
        # One claim (the instance's, on src: the flavor's usage there).
        self.assertEqual([(server_id,)], [tuple(r) for r in
                                          self.stack.allocations()])
        usage = self.stack.node_usage()
        self.assertEqual((0, 0, 0), usage[dst])
        self.assertNotEqual((0, 0, 0), usage[src])

        resp = self.admin.request('PUT', '/os-services/force-down', json={
            'host': dst, 'binary': 'nova-compute', 'forced_down': False},
            headers=_at('2.11'))
        self.assertEqual(200, resp.status_code, resp.text)
        self.stack.start_compute(dst)
        libvirt_stack.wait_for(
            lambda: self.migration(server_id)['status'] == 'completed',
            base.ACTION_TIMEOUT, 'the evacuation completed by %s' % dst)
        self.assertEqual([], self.stack.instance_dirs(dst))
        self.assertEqual([server_id], self.stack.instance_dirs(src))
        self.assertEqual(src, self.wait_server(server_id, 'ACTIVE')[
            'OS-EXT-SRV-ATTR:host'])

        self.assertEqual(204,
                         self.client.delete_server(server_id).status_code)
        self.client.wait_for_deleted([server_id])
        self.assert_hosts_clean()
