"""nova_lite.db.session: the Record read model and utcnow."""
import datetime

import testtools

from nova_lite.db import session as db_session


class RecordTest(testtools.TestCase):

    def test_attributes_are_read_only(self):
        record = db_session.Record({'uuid': 'u1'}, host='h1')
        self.assertEqual(('u1', 'h1'), (record.uuid, record.host))
        self.assertRaises(AttributeError, setattr, record, 'host', 'h2')
        self.assertRaises(AttributeError, delattr, record, 'host')
        self.assertRaises(AttributeError, getattr, record, 'user_data')
        self.assertEqual({'uuid': 'u1', 'host': 'h1'}, record.as_dict())

    def test_equality_by_values(self):
        self.assertEqual(db_session.Record(a=1), db_session.Record({'a': 1}))
        self.assertNotEqual(db_session.Record(a=1), {'a': 1})


class UtcnowTest(testtools.TestCase):

    def test_naive_utc(self):
        now = db_session.utcnow()
        self.assertIsNone(now.tzinfo)
        aware = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs(aware.replace(tzinfo=None) - now),
                        datetime.timedelta(seconds=5))
