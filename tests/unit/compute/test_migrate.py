"""Cold migration (the ``migrate`` action) through the compute API, the
conductor's ``migrate_server``, the scheduler and three compute managers
with fake drivers (``resize_harness``): policy, microversions, states,
errors, claims and quota usage after every step, confirm, revert, the
confirm window and a stuck migration."""
import datetime
import os

import fixtures

from nova_lite.api import microversion
from nova_lite.compute import states
from nova_lite.conductor import resize_sweep
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import models
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from nova_lite.network import dhcp
from nova_lite import quota
from tests.unit.api import fakes
from tests.unit.compute import resize_harness

TINY = (1, 512, 1)      # flavor '1': vcpus, memory_mb, root_gb


def at(version, headers=fakes.ADMIN):
    return dict(headers, **{microversion.HEADER: 'compute %s' % version})


class MigrateTestCase(fakes.APITestCase):

    hosts = ('src', 'dst', 'dst2')

    def setUp(self):
        super().setUp()
        self.admin = self.api.admin_context
        self.stack = self.useFixture(resize_harness.ResizeStack(
            self.admin, self.hosts))
        self.server = self.create_server()
        self.stack.queue.clear()
        self.stack.boot(self.server, 'src')

    def action(self, body, headers=fakes.ADMIN):
        return self.post('/v2.1/servers/%s/action' % self.server, body,
                         headers)

    def migrate(self, body=None, headers=fakes.ADMIN, code=202):
        resp = self.action({'migrate': body}, headers)
        self.assertEqual(code, resp.status_code, resp.get_data(True))
        return resp

    def show(self):
        resp = self.get('/v2.1/servers/%s' % self.server, fakes.ADMIN)
        return resp.json['server']

    def migration(self):
        (row,) = migration_db.migration_get_all(
            self.admin, {'instance_uuid': self.server})
        return row

    def exact(self):
        return self.stack.check_exact(self, fakes.PROJECT)

    def disable(self, host):
        (service,) = service_db.service_get_all(
            self.admin, binary='nova-lite-compute', host=host)
        service_db.service_update(self.admin, service['id'],
                                  {'disabled': True})

    def usage(self):
        used = quota.usages(self.admin, fakes.PROJECT)
        return used['cores'], used['ram'], used['instances']


class MigrateFlowTest(MigrateTestCase):

    def test_migrate_then_confirm(self):
        before = self.usage()
        self.migrate()
        self.assertEqual('RESIZE', self.show()['status'])
        self.assertEqual(['prep_resize', 'resize_instance', 'finish_resize'],
                         self.stack.drain())
        server = self.show()
        self.assertEqual('VERIFY_RESIZE', server['status'])
        dest = server['OS-EXT-SRV-ATTR:host']
        self.assertIn(dest, ('dst', 'dst2'))
        self.assertEqual('1', server['flavor']['id'])
        migration = self.migration()
        self.assertEqual(('finished', 'migration', 'src', dest), (
            migration['status'], migration['migration_type'],
            migration['source_compute'], migration['dest_compute']))
        self.assertEqual(migration['old_instance_type_id'],
                         migration['new_instance_type_id'])
        self.assertEqual({self.server: ('src',) + TINY,
                          migration['uuid']: (dest,) + TINY}, self.exact())
        self.assertEqual(before, self.usage())
        resp = self.action({'confirmResize': None})
        self.assertEqual(204, resp.status_code, resp.get_data(True))
        self.assertEqual(['confirm_resize'], self.stack.drain())
        self.assertEqual('ACTIVE', self.show()['status'])
        self.assertEqual('confirmed', self.migration()['status'])
        self.assertEqual({self.server: (dest,) + TINY}, self.exact())
        self.assertEqual(before, self.usage())
        self.assertNotIn(self.server, self.stack.drivers['src']._guests)
        self.assertEqual(states.RUNNING, self.stack.drivers[dest]._guests[
            self.server]['state'])

    def test_migrate_then_revert(self):
        self.migrate()
        self.stack.drain()
        dest = self.migration()['dest_compute']
        resp = self.action({'revertResize': None})
        self.assertEqual(202, resp.status_code, resp.get_data(True))
        self.stack.drain()
        server = self.show()
        self.assertEqual(('ACTIVE', 'src'), (
            server['status'], server['OS-EXT-SRV-ATTR:host']))
        self.assertEqual('reverted', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())
        self.assertNotIn(self.server, self.stack.drivers[dest]._guests)

    def test_named_host_at_2_56(self):
        self.migrate({'host': 'dst2'}, at('2.56'))
        self.stack.drain()
        self.assertEqual('dst2', self.show()['OS-EXT-SRV-ATTR:host'])
        self.assertEqual('dst2', self.migration()['dest_compute'])

    def test_null_host_lets_the_scheduler_choose(self):
        self.migrate({'host': None}, at('2.56'))
        self.stack.drain()
        self.assertIn(self.show()['OS-EXT-SRV-ATTR:host'], ('dst', 'dst2'))

    def test_stopped_server_stays_stopped(self):
        instance_db.instance_update(self.admin, self.server, {
            'vm_state': states.STOPPED, 'power_state': states.SHUTDOWN})
        self.stack.drivers['src'].power_off(
            self.stack.managers['src']._instance(self.admin, self.server))
        self.migrate()
        self.stack.drain()
        self.action({'confirmResize': None})
        self.stack.drain()
        self.assertEqual('SHUTOFF', self.show()['status'])

    def test_instance_action_migrate(self):
        self.migrate()
        self.stack.drain()
        resp = self.get('/v2.1/servers/%s/os-instance-actions' %
                        self.server, fakes.ADMIN)
        self.assertEqual(['migrate', 'create'], [
            a['action'] for a in resp.json['instanceActions']])

    def test_os_migrations_shows_the_type_from_2_23(self):
        self.migrate()
        self.stack.drain()
        (row,) = self.get('/v2.1/os-migrations',
                          at('2.23')).json['migrations']
        self.assertEqual(('migration', 'finished'),
                         (row['migration_type'], row['status']))
        (row,) = self.get('/v2.1/os-migrations',
                          at('2.1')).json['migrations']
        self.assertNotIn('migration_type', row)
        # Server migrations list in-progress live migrations only.
        self.assertEqual([], self.get(
            '/v2.1/servers/%s/migrations' % self.server,
            at('2.23')).json['migrations'])


class MigrateErrorsTest(MigrateTestCase):

    def test_policy_admin_only(self):
        self.migrate(None, fakes.MEMBER, 403)
        self.migrate({'host': 'dst'}, at('2.56', fakes.MEMBER), 403)
        self.assertEqual([], migration_db.migration_get_all(self.admin))

    def test_host_refused_before_2_56(self):
        self.migrate({'host': 'dst'}, at('2.55'), 400)
        self.migrate({'bogus': 1}, at('2.56'), 400)

    def test_same_or_unknown_host_is_400(self):
        resp = self.migrate({'host': 'src'}, at('2.56'), 400)
        self.assertIn('own host', resp.json['badRequest']['message'])
        resp = self.migrate({'host': 'nowhere'}, at('2.56'), 400)
        self.assertIn('could not be found', resp.json['badRequest'][
            'message'])
        self.assertEqual([], migration_db.migration_get_all(self.admin))
        self.assertEqual('ACTIVE', self.show()['status'])

    def test_no_valid_host_is_400_and_the_server_keeps_its_state(self):
        for host in ('dst', 'dst2'):
            self.disable(host)
        resp = self.migrate(None, code=400)
        self.assertIn('No valid host', resp.json['badRequest']['message'])
        server = self.show()
        self.assertEqual(('ACTIVE', None, 'src'), (
            server['status'], server['OS-EXT-STS:task_state'],
            server['OS-EXT-SRV-ATTR:host']))
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())

    def test_named_host_rejected_by_the_scheduler(self):
        self.disable('dst')
        self.migrate({'host': 'dst'}, at('2.56'), 400)
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())

    def test_state_and_lock(self):
        self.action({'lock': None}, fakes.MEMBER)
        self.migrate(None, fakes.ADMIN, 202)    # an admin passes a lock
        self.stack.drain()
        self.migrate(None, code=409)            # VERIFY_RESIZE
        self.assertEqual(409, self.action(
            {'resize': {'flavorRef': '1'}}).status_code)

    def test_unknown_server_is_404(self):
        resp = self.post('/v2.1/servers/%s/action' % (
            '00000000-0000-0000-0000-000000000000'), {'migrate': None},
            fakes.ADMIN)
        self.assertEqual(404, resp.status_code)


class MigrateSweeperTest(MigrateTestCase):

    def _age(self):
        old = datetime.datetime(2020, 1, 1)
        with db_session.writer(self.admin) as session:
            session.query(models.Migration).filter_by(
                instance_uuid=self.server).update({'updated_at': old})
            session.query(models.Instance).filter_by(
                uuid=self.server).update({'updated_at': old})

    def test_auto_confirm_after_the_window(self):
        self.migrate()
        self.stack.drain()
        dest = self.migration()['dest_compute']
        self.api.conf.config(resize_confirm_window=1)
        self._age()
        compute = self.stack.managers['src'].compute_api
        self.assertEqual(1, resize_sweep.auto_confirm(self.admin, compute))
        self.stack.drain()
        self.assertEqual('ACTIVE', self.show()['status'])
        self.assertEqual({self.server: (dest,) + TINY}, self.exact())

    def test_stuck_migration_fails_on_the_source(self):
        self.migrate()
        self.stack.drain(stop_before='finish_resize')
        self.stack.queue.clear()
        self._age()
        compute = self.stack.managers['src'].compute_api
        self.assertEqual(1, resize_sweep.fail_stuck(self.admin, compute))
        server = self.show()
        self.assertEqual(('ERROR', 'src'), (server['status'],
                                            server['OS-EXT-SRV-ATTR:host']))
        self.assertEqual('error', self.migration()['status'])
        self.assertEqual({self.server: ('src',) + TINY}, self.exact())
        self.assertEqual(['finish_revert_resize'], self.stack.drain())
        self.assertIn(self.server, self.stack.drivers['src']._guests)


class MigrateDhcpTest(MigrateTestCase):
    """Each host's dnsmasq answers only the guests of its own hosts file
    ([network] dhcp_hostsfile, one per compute node): a migrated guest's
    entries follow it (added on the destination before its guest boots,
    removed from the source once its guest is off, from the destination
    on revert; doc/networking.md, "Faults")."""

    def setUp(self):
        super().setUp()
        tmp = self.useFixture(fixtures.TempDir()).path
        self.hosts_files = {}
        for host in self.hosts:
            self.hosts_files[host] = dhcp.HostsFile(
                os.path.join(tmp, host, 'dhcp-hosts'))
            self.stack.managers[host].dhcp = self.hosts_files[host]
        found = self.stack.managers['src'].conductor.instance_get(
            self.admin, self.server, with_network=True)
        self.nic = found['network_info'][0]
        self.hosts_files['src'].add(found['network_info'],
                                    found['instance'].hostname)

    def macs(self, host):
        return sorted(self.hosts_files[host].entries())

    def test_confirm_moves_the_entry(self):
        self.migrate()
        self.stack.drain()
        dest = self.migration()['dest_compute']
        mac = self.nic['mac'].lower()
        self.assertEqual([mac], self.macs(dest))
        self.assertEqual(self.nic['address'],
                         self.hosts_files[dest].entries()[mac][0])
        self.assertEqual([], self.macs('src'))    # its guest is off
        self.action({'confirmResize': None})
        self.stack.drain()
        self.assertEqual([], self.macs('src'))
        self.assertEqual([mac], self.macs(dest))

    def test_revert_removes_the_new_entry(self):
        self.migrate()
        self.stack.drain()
        dest = self.migration()['dest_compute']
        self.assertEqual([self.nic['mac'].lower()], self.macs(dest))
        self.action({'revertResize': None})
        self.stack.drain()
        self.assertEqual('ACTIVE', self.show()['status'])
        self.assertEqual([], self.macs(dest))
        self.assertEqual([self.nic['mac'].lower()], self.macs('src'))
