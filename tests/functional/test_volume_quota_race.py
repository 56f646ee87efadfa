"""Volume quota claims are atomic on each real backend (doc/volumes.md,
"Quotas and capacity"): many threads creating volumes at once for one
project whose quota fits only some of them; exactly that many rows are
created and the usage counter equals what they hold."""
import threading
import uuid

import sqlalchemy as sa
import testtools

import nova_lite.conf  # noqa: F401 - registers the options
from nova_lite import context as nl_context
from nova_lite.db import models
from nova_lite.db import session as db_session
from nova_lite.db import volume_quotas
from nova_lite.db import volumes as volume_db
from nova_lite.volume import errors
from tests.functional.fixtures import backends

THREADS = 12
LIMIT = 5


class _RaceTests:
    backend = None

    def setUp(self):
        super().setUp()
        self.useFixture(backends.ConfiguredDatabase(self.backend))

    def _create(self, results):
        ctx = nl_context.get_admin_context()
        try:
            volume_db.volume_create(ctx, {
                'uuid': str(uuid.uuid4()), 'project_id': 'p', 'size': 2,
                'status': 'creating', 'attach_status': 'detached',
                'bootable': False, 'multiattach': False},
                {'volumes': 1, 'gigabytes': 2},
                {'volumes': LIMIT, 'gigabytes': -1}, host='storage1',
                capacity_gb=1000)
            results.append('ok')
        except errors.OverQuota:
            results.append('over')

    def test_concurrent_creates_never_overcommit(self):
        results = []
        threads = [threading.Thread(target=self._create, args=(results,))
                   for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(LIMIT, results.count('ok'), results)
        self.assertEqual(THREADS - LIMIT, results.count('over'))
        with db_session.get_engine().connect() as conn:
            rows = conn.execute(sa.select(sa.func.count()).select_from(
                models.Volume)).scalar()
        self.assertEqual(LIMIT, rows)
        usage = volume_quotas.usage(nl_context.get_admin_context(), 'p')
        self.assertEqual({'volumes': LIMIT, 'gigabytes': 2 * LIMIT}, usage)
        host = volume_quotas.usage(nl_context.get_admin_context(),
                                   volume_quotas.host_key('storage1'))
        self.assertEqual({'gigabytes': 2 * LIMIT}, host)


class TestVolumeQuotaRaceMySQL(_RaceTests, testtools.TestCase):
    backend = 'mysql'


class TestVolumeQuotaRacePostgreSQL(_RaceTests, testtools.TestCase):
    backend = 'postgresql'
