"""Issue 4 acceptance 1 and 3: the libvirt driver through the whole stack.

Separate API, conductor, scheduler and two computes on RabbitMQ and
MariaDB, each compute running ``LibvirtDriver`` on libvirt's built-in
``test:///default`` hypervisor (no daemon, no QEMU: its domains live inside
each compute process). Root disks are real qcow2 overlays made by
``qemu-img`` on the per-host base image cache.

What a test cannot see inside the computes it checks from outside: the
``running_vms`` each compute reports (its domain count), the files under
each host's ``instances_path``, and the claims and fixed IPs in the
database.
"""
import os

import testtools

from nova_lite.compute import states
from nova_lite.bench import client as compute_client
from tests.functional.fixtures import libvirt_stack

HOSTS = ('node1', 'node2')
#: Seconds between two resource reports of a compute (the running_vms
#: the tests wait for): 1 s instead of the fixture's 5 s.
REPORT_INTERVAL = 1
# Seconds: builds of 10 guests take a few seconds.
REPORT_TIMEOUT = 30
BUILD_TIMEOUT = 120
ACTION_TIMEOUT = 120


class LibvirtStackTestCase(testtools.TestCase):
    """Two libvirt computes on test:///default behind the compute API."""

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(libvirt_stack.LibvirtStack(
            'mysql', hosts=HOSTS, connection_uri='test:///default',
            conf={('libvirt', 'soft_reboot_timeout'): 5,
                  ('compute', 'resource_update_interval'):
                      REPORT_INTERVAL}))
        self.client = compute_client.ComputeClient(self.stack.api_url)
        self.admin = compute_client.ComputeClient(
            self.stack.api_url, project_id='admin', user_id='admin',
            roles='admin')
        self.image = self.client.image_id('tiny')

    def server(self, server_id):
        """The admin's view of a server (with OS-EXT-SRV-ATTR:host)."""
        resp = self.admin.get_server(server_id)
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['server']

    def wait_server(self, server_id, status, timeout=ACTION_TIMEOUT):
        """Wait until the server has ``status`` and no task; return it.

        On timeout the message names the last status, task and power
        state seen, and the server's action events.
        """
        seen = {}
        try:
            return libvirt_stack.wait_for(
                lambda: self._settled(server_id, status, seen), timeout,
                '%s to be %s with no task' % (server_id, status))
        except AssertionError as exc:
            raise AssertionError('%s; last seen %s; events %s' % (
                exc, seen, self.stack.action_events(server_id))) from None

    def _settled(self, server_id, status, seen):
        server = self.server(server_id)
        seen.update((k, server.get(k)) for k in (
            'status', 'OS-EXT-STS:task_state', 'OS-EXT-STS:vm_state',
            'OS-EXT-STS:power_state'))
        if (server['status'] == status
                and server['OS-EXT-STS:task_state'] is None):
            return server
        return None

    def action(self, server_id, body):
        resp = self.client.request('POST', '/servers/%s/action' % server_id,
                                   json=body)
        self.assertEqual(202, resp.status_code, resp.text)

    def assert_hosts_clean(self):
        """No domain, instance directory, claim or fixed IP is left."""
        libvirt_stack.wait_for(
            lambda: set(self.stack.running_vms().values()) == {0},
            REPORT_TIMEOUT, 'running_vms 0 on every host')
        for host in HOSTS:
            self.assertEqual([], self.stack.instance_dirs(host), host)
            self.assertEqual([], [f for f in self.stack.image_cache_files(
                host) if f.endswith('.part')], host)
        self.assertEqual([], self.stack.allocations())
        self.assertEqual([], self.stack.allocated_fixed_ips())
        self.assertEqual({(0, 0, 0)}, set(self.stack.node_usage().values()))


class TestLibvirtLifecycle(LibvirtStackTestCase):

    def boot_ten(self):
        resp = self.client.create_server(
            name='lv', image=self.image, min_count=10, max_count=10,
            return_reservation_id=True)
        self.assertEqual(202, resp.status_code, resp.text)
        ids = [s['id'] for s in self.client.list_servers(
            reservation_id=resp.json()['reservation_id'])]
        self.assertEqual(10, len(ids))
        return ids

    def assert_guests_on_hosts(self, servers):
        """Each host has a directory with a disk for each of its servers,
        and reports that many domains."""
        by_host = {h: [] for h in HOSTS}
        for server in servers.values():
            by_host[server['OS-EXT-SRV-ATTR:host']].append(server['id'])
        for host, ids in by_host.items():
            self.assertEqual(sorted(ids), self.stack.instance_dirs(host))
            for server_id in ids:
                disk = os.path.join(self.stack.instances_path(host),
                                    server_id, 'disk')
                self.assertTrue(os.path.isfile(disk), disk)
            self.assertIn(self.image, self.stack.image_cache_files(host))
        expected = {h: len(ids) for h, ids in by_host.items()}
        libvirt_stack.wait_for(lambda: self.stack.running_vms() == expected,
                               REPORT_TIMEOUT, 'running_vms %s' % expected)

    def test_boot_actions_delete(self):
        ids = self.boot_ten()
        self.client.wait_for_servers(ids, timeout=BUILD_TIMEOUT)
        servers = {i: self.server(i) for i in ids}
        self.assertEqual({'ACTIVE'}, {s['status'] for s in servers.values()})
        self.assertEqual({states.RUNNING}, {
            s['OS-EXT-STS:power_state'] for s in servers.values()})
        self.assert_guests_on_hosts(servers)

        for server_id in ids:
            self.assertEqual(204,
                             self.client.delete_server(server_id).status_code)
        self.client.wait_for_deleted(ids)
        self.assert_hosts_clean()

    def test_power_actions(self):
        ids = self.boot_ten()[:1]
        self.client.wait_for_servers(ids, timeout=BUILD_TIMEOUT)
        self.check_power_actions(ids[0])
        self.check_pause_suspend(ids[0])

    def check_power_actions(self, server_id):
        """Soft and hard reboot, stop and start one server; power_state
        and status follow the domain."""
        for reboot_type in ('SOFT', 'HARD'):
            self.action(server_id, {'reboot': {'type': reboot_type}})
            server = self.wait_server(server_id, 'ACTIVE')
            self.assertEqual(states.RUNNING,
                             server['OS-EXT-STS:power_state'])
        self.assertEqual(
            [('compute_reboot_instance', 'Success')] * 2,
            [e[:2] for e in self.stack.action_events(server_id)
             if e[0] == 'compute_reboot_instance'])

        self.action(server_id, {'os-stop': None})
        server = self.wait_server(server_id, 'SHUTOFF')
        self.assertEqual(states.SHUTDOWN, server['OS-EXT-STS:power_state'])
        self.assertEqual('stopped', server['OS-EXT-STS:vm_state'])

        self.action(server_id, {'os-start': None})
        server = self.wait_server(server_id, 'ACTIVE')
        self.assertEqual(states.RUNNING, server['OS-EXT-STS:power_state'])

    def check_pause_suspend(self, server_id):
        """Pause and unpause (the domain keeps running: same id), suspend
        (managed save: power state shutdown, as Nova) and resume;
        doc/lifecycle.md."""
        for action, status, power in (
                ('pause', 'PAUSED', states.PAUSED),
                ('unpause', 'ACTIVE', states.RUNNING),
                ('suspend', 'SUSPENDED', states.SHUTDOWN),
                ('resume', 'ACTIVE', states.RUNNING)):
            self.action(server_id, {action: None})
            server = self.wait_server(server_id, status)
            self.assertEqual(power, server['OS-EXT-STS:power_state'],
                             action)
        events = [e[:2] for e in self.stack.action_events(server_id)]
        for action in ('pause', 'unpause', 'suspend', 'resume'):
            self.assertIn(('compute_%s_instance' % action, 'Success'),
                          events)


class TestLibvirtSpawnFailure(LibvirtStackTestCase):
    """Spawn fails after the driver has started making the guest's files:
    nothing stays on either host and the build ends in ERROR (after
    trying the other host) with a fault that names the missing image."""

    def register_image(self, name, *properties):
        """``nova-lite-manage image create`` a 1 MiB blank raw image;
        returns its id."""
        args = ['image', 'create', name]
        for prop in properties:
            args += ['--property', prop]
        self.stack.manage(*args)
        return self.client.image_id(name)

    def remove_image_file(self, image_id):
        """Delete an image's file from the image store, keeping its
        record (``[image] store_path`` = ``$state_path/images``)."""
        os.unlink(os.path.join(self.stack.state_dir, 'images', image_id))

    def test_missing_image_files(self):
        no_file = self.register_image('no-file')
        self.remove_image_file(no_file)
        kernel = self.register_image('kernel-no-file')
        self.remove_image_file(kernel)
        needs_kernel = self.register_image('needs-kernel',
                                           'kernel_id=%s' % kernel)
        cases = {}
        for image_id, missing in ((no_file, no_file),
                                  (needs_kernel, kernel)):
            resp = self.client.create_server(name='broken', image=image_id)
            self.assertEqual(202, resp.status_code, resp.text)
            cases[resp.json()['server']['id']] = missing

        servers = self.client.wait_for_servers(list(cases),
                                               timeout=BUILD_TIMEOUT)
        for server_id, missing in cases.items():
            self.assertEqual('ERROR', servers[server_id]['status'])
            message = self.server(server_id)['fault']['message']
            self.assertIn('Image %s could not be found' % missing, message)
            faults = self.stack.faults(server_id)
            self.assertEqual(set(HOSTS), {host for host, _ in faults},
                             'rescheduled to the other host: %s' % faults)
        self.stack.wait_next_reports(REPORT_TIMEOUT)
        self.assert_hosts_clean()
