"""Regression: ``POST /v2.1/os-aggregates/{id}/action`` ``set_metadata``
answered 500 on MariaDB for a key differing only in case from an existing
one ('d' set, then 'D').

Found by the API fuzz test (tests/functional/test_fuzz_api.py).  The
metadata merge matched existing keys in Python (case-sensitive) and
inserted 'D', which the unique (aggregate_id, key) index refuses: MySQL's
collation compares 'd' and 'D' (and 'd ') as equal.  Fix: the duplicate
is a 409 Conflict, the aggregate is left as it was.
"""
import testtools

import nova_lite.conf  # noqa: F401 - registers the options
from nova_lite import context as nl_context
from nova_lite.db import aggregates
from nova_lite import exception
from tests.functional.fixtures import backends


class TestAggregateMetadataCase(testtools.TestCase):
    backend = 'mysql'

    def setUp(self):
        super().setUp()
        self.useFixture(backends.ConfiguredDatabase(self.backend))
        self.ctxt = nl_context.get_admin_context()
        self.aggregate = aggregates.aggregate_create(self.ctxt, 'agg')

    def test_key_differing_in_case_is_a_conflict(self):
        aggregates.aggregate_metadata_set(self.ctxt, self.aggregate['id'],
                                          {'d': 'x'})
        error = self.assertRaises(
            exception.Conflict, aggregates.aggregate_metadata_set,
            self.ctxt, self.aggregate['id'], {'k': 'v', 'D': ''})
        self.assertEqual(409, error.code)
        self.assertEqual({'d': 'x'}, aggregates.aggregate_get(
            self.ctxt, self.aggregate['id'])['metadata'])

    def test_same_key_is_updated(self):
        aggregates.aggregate_metadata_set(self.ctxt, self.aggregate['id'],
                                          {'d': 'x'})
        result = aggregates.aggregate_metadata_set(
            self.ctxt, self.aggregate['id'], {'d': 'y'})
        self.assertEqual({'d': 'y'}, result['metadata'])
