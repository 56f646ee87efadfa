"""Schema migrations on each backend: 0004 adds ``instances.instance_name``
and backfills it with the name the instance's libvirt domain already has
(``instance-<uuid>``), live and soft-deleted rows alike."""
import datetime
import uuid as uuidlib

from oslo_db import exception as db_exc
import sqlalchemy as sa
import testtools

import nova_lite.conf  # noqa: F401 - registers the options
from nova_lite import context as nl_context
from nova_lite.db import instances as instance_db
from nova_lite.db import migration
from nova_lite.db import network as network_db
from nova_lite.db import session as db_session
from tests.functional.fixtures import backends

UUIDS = ('6f1c4d0e-8a51-4a86-9a33-1e2b4c5d6e7f',
         '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d')


class _MigrationTests:
    """Mixed into one TestCase per backend ('sqlite', 'mysql',
    'postgresql')."""
    backend = None

    def setUp(self):
        super().setUp()
        self.useFixture(backends.ConfiguredDatabase(self.backend,
                                                    migrate=False))

    def _insert_instances(self):
        """Two instances as 0003 stores them: one live, one deleted."""
        now = datetime.datetime(2026, 1, 1)
        instances = sa.table(
            'instances', *(sa.column(name) for name in (
                'uuid', 'vcpus', 'memory_mb', 'root_gb', 'ephemeral_gb',
                'vm_state', 'power_state', 'locked', 'deleted',
                'created_at')))
        with db_session.get_engine().begin() as conn:
            for index, uuid in enumerate(UUIDS):
                conn.execute(instances.insert().values(
                    uuid=uuid, vcpus=1, memory_mb=64, root_gb=1,
                    ephemeral_gb=0, vm_state='active', power_state=1,
                    locked=False, deleted=index, created_at=now))

    def test_0004_backfills_instance_name(self):
        migration.db_sync('0003')
        self._insert_instances()
        migration.db_sync('0004')
        self.assertEqual('0004', migration.db_version())
        with db_session.get_engine().connect() as conn:
            names = dict(conn.execute(sa.text(
                'SELECT uuid, instance_name FROM instances')).all())
        self.assertEqual({uuid: 'instance-%s' % uuid for uuid in UUIDS},
                         names)
        # The db layer reads the backfilled name once the schema is whole
        # (its model has the columns of every later revision).
        migration.db_sync()
        ctxt = nl_context.get_admin_context()
        self.assertEqual('instance-%s' % UUIDS[0], instance_db.instance_get(
            ctxt, UUIDS[0]).instance_name)

    def test_0021_gives_allocated_addresses_port_ids(self):
        migration.db_sync('0020')
        now = datetime.datetime(2026, 1, 1)
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO networks (id, uuid, label, cidr, deleted, "
                "created_at) VALUES (1, 'n1', 'private', '10.0.0.0/29', 0, "
                ":now)"), {'now': now})
            for index, owner in enumerate((UUIDS[0], None, UUIDS[1])):
                conn.execute(sa.text(
                    'INSERT INTO fixed_ips (network_id, address, '
                    'instance_uuid, created_at) VALUES (1, :address, '
                    ':owner, :now)'), {'address': '10.0.0.%d' % (index + 2),
                                       'owner': owner, 'now': now})
        migration.db_sync('0021')
        with db_session.get_engine().connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT instance_uuid, port_id FROM fixed_ips ORDER BY '
                'address')).all()
        self.assertIsNone(rows[1].port_id)
        ports = {rows[0].port_id, rows[2].port_id}
        self.assertEqual(2, len(ports))
        self.assertNotIn(None, ports)

    def _flat_network_at_0021(self):
        """The flat network 10.0.0.0/29 (gateway .1) with .2 and .4
        allocated to the two instances (MACs, port ids) and .3, .5, .6
        free, as 0021 stores them."""
        migration.db_sync('0021')
        self._insert_instances()
        now = datetime.datetime(2026, 1, 1)
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO networks (id, uuid, label, cidr, gateway, "
                "bridge, deleted, created_at) VALUES (1, 'n1', 'private', "
                "'10.0.0.0/29', '10.0.0.1', 'br-x', 0, :now)"), {'now': now})
            owners = {2: UUIDS[0], 4: UUIDS[1]}
            for host in range(2, 7):
                owner = owners.get(host)
                conn.execute(sa.text(
                    'INSERT INTO fixed_ips (network_id, address, '
                    'instance_uuid, mac, port_id, allocated_at, created_at) '
                    'VALUES (1, :address, :owner, :mac, :port, :at, :now)'),
                    {'address': '10.0.0.%d' % host, 'owner': owner,
                     'mac': owner and 'fa:16:3e:00:00:0%d' % host,
                     'port': owner and 'port-%d' % host,
                     'at': owner and now, 'now': now})

    def test_0022_turns_allocations_into_ports(self):
        self._flat_network_at_0021()
        migration.db_sync('0022')
        with db_session.get_engine().connect() as conn:
            network = conn.execute(sa.text(
                'SELECT config_key, shared, project_id FROM networks'
            )).one()
            subnet = conn.execute(sa.text(
                'SELECT id, uuid, cidr, gateway_ip, allocation_pools '
                'FROM subnets')).one()
            ports = conn.execute(sa.text(
                'SELECT uuid, mac_address, device_id, device_owner, '
                'auto_delete FROM ports ORDER BY uuid')).all()
            addresses = conn.execute(sa.text(
                'SELECT address, port_id, subnet_id, mac FROM fixed_ips '
                'ORDER BY address')).all()
        self.assertEqual(('private', True, ''), (
            network.config_key, bool(network.shared), network.project_id))
        self.assertEqual('10.0.0.0/29', subnet.cidr)
        self.assertEqual('10.0.0.1', subnet.gateway_ip)
        # The subnet keeps the id the API derived before 0022.
        self.assertEqual(str(uuidlib.uuid5(uuidlib.UUID(
            '0f7d2c8e-6a34-5b1e-9d2f-4c8b7e1a3d55'), 'n1')), subnet.uuid)
        self.assertEqual(
            [('port-2', 'fa:16:3e:00:00:02', UUIDS[0], 'compute:nova'),
             ('port-4', 'fa:16:3e:00:00:04', UUIDS[1], 'compute:nova')],
            [(p.uuid, p.mac_address, p.device_id, p.device_owner)
             for p in ports])
        self.assertEqual(
            [('10.0.0.2', 'port-2', subnet.id),
             ('10.0.0.4', 'port-4', subnet.id)],
            [(a.address, a.port_id, a.subnet_id) for a in addresses])
        # The db layer reads them once the schema is whole; a new NIC
        # takes a free address (a conditional insert).
        migration.db_sync()
        ctxt = nl_context.get_admin_context()
        self.assertEqual(['10.0.0.2'], [
            fip['address'] for _net, fip in
            network_db.fixed_ips_get_by_instance(ctxt, UUIDS[0])])
        fixed = network_db.fixed_ip_allocate(ctxt, 1, 'new-instance')
        self.assertIn(fixed['address'], {'10.0.0.3', '10.0.0.5',
                                         '10.0.0.6'})

    def test_0022_downgrade_keeps_the_allocations(self):
        self._flat_network_at_0021()
        migration.db_sync('0022')
        migration.downgrade('0021')
        with db_session.get_engine().connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT address, instance_uuid, mac, port_id FROM fixed_ips '
                'ORDER BY address')).all()
        self.assertEqual(
            [('10.0.0.2', UUIDS[0], 'fa:16:3e:00:00:02', 'port-2'),
             ('10.0.0.3', None, None, None),
             ('10.0.0.4', UUIDS[1], 'fa:16:3e:00:00:04', 'port-4'),
             ('10.0.0.5', None, None, None), ('10.0.0.6', None, None, None)],
            [tuple(r) for r in rows])

    def test_0023_routers_and_floating_ips(self):
        """The tables as the models say, the one-floating-IP-per-fixed-IP
        constraint, and a downgrade that drops them."""
        migration.db_sync('0023')
        inspector = sa.inspect(db_session.get_engine())
        from nova_lite.db import models
        for table in ('routers', 'floatingips'):
            self.assertEqual(
                sorted(c.name for c in models.Base.metadata.tables[
                    table].columns),
                sorted(c['name'] for c in inspector.get_columns(table)))
        row = ("INSERT INTO floatingips (uuid, project_id, "
               "floating_network_id, floating_port_id, floating_ip_address, "
               "fixed_port_id, fixed_ip_address, description, "
               "revision_number, created_at) VALUES ('%s', 'p', 1, '%s', "
               "'%s', 'port-1', '10.0.0.5', '', 0, '2026-01-01')")
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO networks (uuid, label, project_id, shared, "
                "admin_state_up, router_external, mtu, status, description, "
                "revision_number, deleted, created_at) VALUES ('n', 'pub', "
                "'', false, true, true, 1500, 'ACTIVE', '', 0, 0, "
                "'2026-01-01')"))
            conn.execute(sa.text(row % ('f1', 'fp1', '172.24.4.10')))
        with testtools.ExpectedException(db_exc.DBDuplicateEntry):
            with db_session.get_engine().begin() as conn:
                conn.execute(sa.text(row % ('f2', 'fp2', '172.24.4.11')))
        migration.downgrade('0022')
        tables = sa.inspect(db_session.get_engine()).get_table_names()
        self.assertNotIn('floatingips', tables)
        self.assertNotIn('routers', tables)

    def test_0024_port_tags(self):
        """``ports.tag`` as the model says; the downgrade drops it and
        keeps the ports."""
        migration.db_sync('0023')
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO networks (uuid, label, project_id, shared, "
                "admin_state_up, router_external, mtu, status, description, "
                "revision_number, deleted, created_at) VALUES ('n', 'net', "
                "'', false, true, false, 1500, 'ACTIVE', '', 0, 0, "
                "'2026-01-01')"))
            conn.execute(sa.text(
                "INSERT INTO ports (uuid, network_id, project_id, name, "
                "mac_address, admin_state_up, device_id, device_owner, "
                "description, auto_delete, revision_number, created_at) "
                "SELECT 'p1', id, 'p', '', 'fa:16:3e:00:00:01', true, '', "
                "'', '', false, 0, '2026-01-01' FROM networks"))
        migration.db_sync('0024')
        from nova_lite.db import models
        self.assertEqual(
            sorted(c.name for c in models.Base.metadata.tables[
                'ports'].columns),
            sorted(c['name'] for c in sa.inspect(
                db_session.get_engine()).get_columns('ports')))
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.text("UPDATE ports SET tag = 'nic1'"))
            self.assertEqual([('p1', 'nic1')], conn.execute(sa.text(
                'SELECT uuid, tag FROM ports')).all())
        migration.downgrade('0023')
        columns = [c['name'] for c in sa.inspect(
            db_session.get_engine()).get_columns('ports')]
        self.assertNotIn('tag', columns)
        with db_session.get_engine().begin() as conn:
            self.assertEqual(1, conn.execute(sa.text(
                'SELECT count(*) FROM ports')).scalar())

    def test_0025_pods_clusters(self):
        """pods, clusters and cluster_hosts as the models say; the
        downgrade drops them."""
        migration.db_sync('0025')
        from nova_lite.db import models
        inspector = sa.inspect(db_session.get_engine())
        for table in ('pods', 'clusters', 'cluster_hosts'):
            self.assertEqual(
                sorted(c.name for c in models.Base.metadata.tables[
                    table].columns),
                sorted(c['name'] for c in inspector.get_columns(table)))
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO pods (uuid, zone, name, deleted, created_at) "
                "VALUES ('p', 'nova', 'pod1', 0, '2026-01-01')"))
            conn.execute(sa.text(
                "INSERT INTO clusters (uuid, pod_id, name, "
                "mem_overcommit_ratio, deleted, created_at) SELECT 'c', id, "
                "'c1', 2.0, 0, '2026-01-01' FROM pods"))
        with testtools.ExpectedException(db_exc.DBDuplicateEntry):
            with db_session.get_engine().begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO pods (uuid, zone, name, deleted, "
                    "created_at) VALUES ('p2', 'nova', 'pod1', 0, "
                    "'2026-01-01')"))
        migration.downgrade('0024')
        tables = sa.inspect(db_session.get_engine()).get_table_names()
        for table in ('pods', 'clusters', 'cluster_hosts'):
            self.assertNotIn(table, tables)

    def test_0027_global_settings(self):
        """global_settings as the model says, one row per name; the
        downgrade drops it."""
        migration.db_sync('0027')
        from nova_lite.db import models
        self.assertEqual(
            sorted(c.name for c in models.Base.metadata.tables[
                'global_settings'].columns),
            sorted(c['name'] for c in sa.inspect(
                db_session.get_engine()).get_columns('global_settings')))
        insert = sa.text(
            "INSERT INTO global_settings (name, value, created_at) VALUES "
            "('mem.overcommit.ratio', 2.5, '2026-01-01')")
        with db_session.get_engine().begin() as conn:
            conn.execute(insert)
        with testtools.ExpectedException(db_exc.DBDuplicateEntry):
            with db_session.get_engine().begin() as conn:
                conn.execute(insert)
        migration.downgrade('0026')
        self.assertNotIn('global_settings', sa.inspect(
            db_session.get_engine()).get_table_names())

    def test_0028_instances_list_index(self):
        """The project listing's index (project_id, deleted, created_at,
        id) replaces (project_id, deleted); the downgrade puts it back."""
        migration.db_sync('0028')

        def indexes():
            return {i['name']: i['column_names'] for i in sa.inspect(
                db_session.get_engine()).get_indexes('instances')}
        found = indexes()
        self.assertEqual(['project_id', 'deleted', 'created_at', 'id'],
                         found['instances_project_deleted_created_idx'])
        self.assertNotIn('instances_project_id_deleted_idx', found)
        migration.downgrade('0027')
        found = indexes()
        self.assertEqual(['project_id', 'deleted'],
                         found['instances_project_id_deleted_idx'])
        self.assertNotIn('instances_project_deleted_created_idx', found)

    def test_v004_storage_pools(self):
        """storage_pools and volumes.pool_uuid as the models say; pool
        names unique among live pools; the downgrade drops both."""
        migration.db_sync('v004')
        from nova_lite.db import models
        inspector = sa.inspect(db_session.get_engine())
        self.assertEqual(
            sorted(c.name for c in models.Base.metadata.tables[
                'storage_pools'].columns),
            sorted(c['name'] for c in inspector.get_columns(
                'storage_pools')))
        self.assertIn('pool_uuid', [c['name'] for c in inspector.get_columns(
            'volumes')])
        insert = sa.text(
            "INSERT INTO storage_pools (uuid, name, host, path, zone, "
            "capacity_gb, over_provisioning, state, deleted, created_at) "
            "VALUES (:uuid, 'p1', 'storage1', '/srv/p1', 'nova', 10, 1.5, "
            "'Up', 0, '2026-01-01')")
        with db_session.get_engine().begin() as conn:
            conn.execute(insert, {'uuid': UUIDS[0]})
        with testtools.ExpectedException(db_exc.DBDuplicateEntry):
            with db_session.get_engine().begin() as conn:
                conn.execute(insert, {'uuid': UUIDS[1]})
        migration.downgrade('v003')
        inspector = sa.inspect(db_session.get_engine())
        self.assertNotIn('storage_pools', inspector.get_table_names())
        self.assertNotIn('pool_uuid', [c['name'] for c in
                                       inspector.get_columns('volumes')])


    def _check_session_table(self, revision, table, insert, previous):
        """``table`` has the model's columns after ``revision``, one row
        per session digest (``insert`` twice is a duplicate); the
        downgrade to ``previous`` drops it."""
        migration.db_sync(revision)
        from nova_lite.db import models
        self.assertEqual(
            sorted(c.name for c in models.Base.metadata.tables[
                table].columns),
            sorted(c['name'] for c in sa.inspect(
                db_session.get_engine()).get_columns(table)))
        with db_session.get_engine().begin() as conn:
            conn.execute(sa.text(insert))
        with testtools.ExpectedException(db_exc.DBDuplicateEntry):
            with db_session.get_engine().begin() as conn:
                conn.execute(sa.text(insert))
        migration.downgrade(previous)
        self.assertNotIn(table, sa.inspect(
            db_session.get_engine()).get_table_names())

    def test_0029_cloudstack_sessions(self):
        self._check_session_table(
            '0029', 'cloudstack_sessions',
            "INSERT INTO cloudstack_sessions (session_hash, key_hash, "
            "user_id, project_id, roles, last_used, created_at) VALUES "
            "('%s', '%s', 'u', 'p', '[]', '2026-01-01', '2026-01-01')"
            % ('a' * 64, 'b' * 64), '0028')

    def test_0030_dashboard_sessions(self):
        self._check_session_table(
            '0030', 'dashboard_sessions',
            "INSERT INTO dashboard_sessions (session_hash, token_blob, "
            "user_id, project_id, roles, endpoints, last_used, created_at) "
            "VALUES ('%s', 'x', 'u', 'p', '[]', '{}', '2026-01-01', "
            "'2026-01-01')" % ('a' * 64), '0029')


class TestMigrationsSQLite(_MigrationTests, testtools.TestCase):
    backend = 'sqlite'


class TestMigrationsMySQL(_MigrationTests, testtools.TestCase):
    backend = 'mysql'


class TestMigrationsPostgreSQL(_MigrationTests, testtools.TestCase):
    backend = 'postgresql'
