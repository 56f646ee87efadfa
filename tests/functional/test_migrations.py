"""Schema migrations on each backend: 0004 adds ``instances.instance_name``
and backfills it with the name the instance's libvirt domain already has
(``instance-<uuid>``), live and soft-deleted rows alike."""
import datetime

import sqlalchemy as sa
import testtools

import nova_lite.conf  # noqa: F401 - registers the options
from nova_lite import context as nl_context
from nova_lite.db import instances as instance_db
from nova_lite.db import migration
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


class TestMigrationsSQLite(_MigrationTests, testtools.TestCase):
    backend = 'sqlite'


class TestMigrationsMySQL(_MigrationTests, testtools.TestCase):
    backend = 'mysql'


class TestMigrationsPostgreSQL(_MigrationTests, testtools.TestCase):
    backend = 'postgresql'
