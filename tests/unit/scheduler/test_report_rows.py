"""scheduler.report: the NoValidHost details keep MAX_ROWS host rows
(the counts cover every host): 1,000 rows overflowed the fault's TEXT
column."""
import testtools

from nova_lite.scheduler import report


class FilterReportRowsTest(testtools.TestCase):

    def test_rows_bounded_counts_complete(self):
        rep = report.FilterReport()
        for index in range(1000):
            rep.reject('ComputeFilter', 'fake-%d' % index, 'down')
        self.assertEqual(report.MAX_ROWS, len(rep.rows))
        self.assertEqual('ComputeFilter rejected 1000 of 1000 hosts (down)',
                         rep.summary(1000))
