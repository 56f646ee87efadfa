"""Flavor statements on every backend: the name filter of flavor lists
(a regular expression, microversion 2.102) and extra spec keys that the
database compares equal under another spelling (MariaDB's collation
ignores case: a 409, never a 500), on MariaDB, PostgreSQL and SQLite."""
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

import nova_lite.conf  # noqa: F401 - registers [database]
from nova_lite import context as nl_context
from nova_lite.db import flavor_extras as extra_db
from nova_lite.db import flavors as flavor_db
from nova_lite.db import migration
from nova_lite.db import session as db_session
from nova_lite import exception
from tests.functional.fixtures import backends

CONF = cfg.CONF


class FlavorQueriesMixin:
    backend = None
    #: Whether the backend compares 'Ssd' and 'ssd' equal.
    case_insensitive = False

    def setUp(self):
        super().setUp()
        database = self.useFixture(backends.Database(self.backend))
        self.useFixture(config_fixture.Config(CONF)).config(
            connection=database.url, group='database')
        db_session.reset()
        self.addCleanup(db_session.reset)
        migration.db_sync()
        self.admin = nl_context.get_admin_context()
        self.flavors = {}
        for flavorid, name in (('1', 'm1.tiny'), ('2', 'm1.small'),
                               ('3', 'gpu.large')):
            self.flavors[flavorid] = flavor_db.flavor_create(self.admin, {
                'flavorid': flavorid, 'name': name, 'memory_mb': 64,
                'vcpus': 1, 'root_gb': 0})

    def names(self, pattern):
        return [f['name'] for f in flavor_db.flavor_get_all(
            self.admin, is_public=None, name=pattern)]

    def test_name_filter_is_a_regular_expression(self):
        self.assertEqual(['m1.small'], self.names('small'))
        self.assertEqual(['m1.tiny', 'm1.small'], self.names('^m1[.]'))
        self.assertEqual(['gpu.large'], self.names('(gpu|cpu)'))
        self.assertEqual([], self.names('^tiny'))

    def test_extra_spec_spellings(self):
        row_id = self.flavors['1']['id']
        extra_db.extra_specs_update_or_create(self.admin, row_id,
                                              {'ssd': 'true'})
        if self.case_insensitive:
            self.assertRaises(exception.Conflict,
                              extra_db.extra_specs_update_or_create,
                              self.admin, row_id, {'SSD': 'false'})
            expected = {'ssd': 'true'}
        else:
            extra_db.extra_specs_update_or_create(self.admin, row_id,
                                                  {'SSD': 'false'})
            expected = {'ssd': 'true', 'SSD': 'false'}
        self.assertEqual(expected, extra_db.extra_specs_get(self.admin,
                                                            row_id))
        extra_db.extra_specs_update_or_create(self.admin, row_id,
                                              {'ssd': 'no'})
        self.assertEqual('no', extra_db.extra_specs_get(self.admin,
                                                        row_id)['ssd'])


class TestFlavorQueriesMariaDB(FlavorQueriesMixin, testtools.TestCase):
    backend = 'mysql'
    case_insensitive = True


class TestFlavorQueriesPostgreSQL(FlavorQueriesMixin, testtools.TestCase):
    backend = 'postgresql'


class TestFlavorQueriesSQLite(FlavorQueriesMixin, testtools.TestCase):
    backend = 'sqlite'
