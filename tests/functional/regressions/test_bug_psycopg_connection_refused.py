"""Regression: on PostgreSQL (psycopg 3) a refused or dropped database
connection was a bare ``sqlalchemy.exc.OperationalError``: the API
answered 500 instead of 503 and the services' writers did not retry it.

Found by test_reliability.TestDatabaseOutagePostgreSQL.  oslo.db maps
psycopg2's "could not connect to server" to DBConnectionError but not
psycopg 3's "connection failed: ... Connection refused".  Fix: an oslo.db
exception filter in ``nova_lite.db.session`` for psycopg's wording.
"""
import threading

from oslo_db import exception as db_exc
import sqlalchemy as sa
import testtools

import nova_lite.conf  # noqa: F401 - registers the options
from nova_lite import context as nl_context
from nova_lite.db import services as service_db
from nova_lite.db import session as db_session
from tests.functional.fixtures import backends
from tests.functional.fixtures import db_proxy


class TestPsycopgConnectionRefused(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(backends.ConfiguredDatabase(
            'postgresql', wrap_url=self._through_proxy))
        self.ctxt = nl_context.get_admin_context()

    def _through_proxy(self, url):
        """``url`` by way of a proxy the test can cut."""
        parsed = sa.engine.make_url(url)
        self.proxy = self.useFixture(db_proxy.DBProxy(parsed.host,
                                                      parsed.port or 5432))
        return self.proxy.url_for(url)

    def test_refused_connection_is_a_connection_error(self):
        db_session.ping(self.ctxt)
        self.proxy.cut()
        for _attempt in range(2):
            # The first attempt finds the pooled connection dead, the
            # second cannot connect at all.
            self.assertRaises(db_exc.DBConnectionError, db_session.ping,
                              self.ctxt)

    def test_writer_retries_until_the_database_is_back(self):
        db_session.ping(self.ctxt)
        self.proxy.cut()
        restore = threading.Timer(1.0, self.proxy.restore)
        restore.start()
        self.addCleanup(restore.cancel)
        service = service_db.service_register(self.ctxt, 'node1',
                                              'nova-lite-compute', 'compute')
        self.assertEqual('node1', service['host'])
