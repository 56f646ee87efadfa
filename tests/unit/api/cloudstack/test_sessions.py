"""CloudStack login sessions in the database (``SessionStore`` over
``nova_lite.cloudstack.sessions``): what two API processes share, and the
semantics the in-memory store had: idle timeout, token expiry, most
sessions (least recently used out), logout, and no plaintext secret."""
import sqlalchemy as sa
import testtools

from nova_lite.api.cloudstack import keystone
from nova_lite.api.cloudstack import sessions
from nova_lite.cloudstack import sessions as session_api
from nova_lite.db import models
from nova_lite.db import session as db_session
from tests.unit.scheduler import fakes

T0 = 1_800_000_000.0


def identity(user='u1', expires_at=None):
    return keystone.Identity(
        user_id=user, user_name=user + '-name', project_id='p1',
        project_name='demo', domain_id='default', domain_name='Default',
        roles=['member', 'reader'], expires_at=expires_at)


class SessionStoreTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fakes.Database())
        self.now = T0
        self.store = self.make_store()

    def make_store(self, max_sessions=3, idle_timeout=100):
        """A store as another API process would have it."""
        return sessions.SessionStore(max_sessions, idle_timeout,
                                     clock=lambda: self.now)

    def test_another_process_knows_the_session(self):
        session_id, key = self.store.create(identity(expires_at=T0 + 3600))
        other = self.make_store()
        self.assertEqual(identity(expires_at=T0 + 3600),
                         other.get(session_id, key))
        other.delete(session_id)
        self.assertIsNone(self.store.get(session_id, key))

    def test_wrong_or_missing_key_is_refused(self):
        session_id, key = self.store.create(identity())
        self.assertIsNone(self.store.get(session_id, 'x' + key[1:]))
        self.assertIsNone(self.store.get(session_id, None))
        self.assertIsNone(self.store.get(None, key))
        self.assertIsNone(self.store.get(key, session_id))
        self.assertIsNotNone(self.store.get(session_id, key))

    def test_only_digests_are_stored(self):
        session_id, key = self.store.create(identity())
        with db_session.get_engine().connect() as conn:
            row = conn.execute(sa.select(
                models.CloudStackSession.__table__)).one()._asdict()
        self.assertNotIn(session_id, row.values())
        self.assertNotIn(key, row.values())
        self.assertEqual(session_api.digest(session_id), row['session_hash'])
        self.assertEqual(session_api.digest(key), row['key_hash'])

    def test_idle_session_ends_and_use_keeps_it(self):
        session_id, key = self.store.create(identity())
        for _ in range(3):
            self.now += 60
            self.assertIsNotNone(self.store.get(session_id, key))
        self.now += 101
        self.assertIsNone(self.store.get(session_id, key))
        self.assertEqual(0, len(self.store))

    def test_token_expiry_ends_the_session(self):
        session_id, key = self.store.create(identity(expires_at=T0 + 50))
        self.now += 49
        self.assertIsNotNone(self.store.get(session_id, key))
        self.now += 1
        self.assertIsNone(self.store.get(session_id, key))

    def test_least_recently_used_goes_first(self):
        made = []
        for index in range(3):
            made.append(self.store.create(identity('u%d' % index)))
            self.now += 20
        self.assertIsNotNone(self.store.get(*made[0]))     # used again
        self.store.create(identity('u3'))
        self.assertEqual(3, len(self.store))
        self.assertIsNone(self.store.get(*made[1]))
        self.assertIsNotNone(self.store.get(*made[0]))
        self.assertIsNotNone(self.store.get(*made[2]))

    def test_login_removes_stale_sessions(self):
        self.store.create(identity('u0'))
        self.now += 200
        self.store.create(identity('u1'))
        self.assertEqual(1, len(self.store))
