"""db.text.fit_text: fault and event details fit a MariaDB TEXT column
(65,535 bytes); a longer value was refused (1406) and its instance left
in BUILD (seen at 1,000 fake hosts)."""
import testtools

from nova_lite.db import instance_faults
from nova_lite.db import text


class FitTextTest(testtools.TestCase):

    def test_short_and_none_unchanged(self):
        self.assertIsNone(text.fit_text(None))
        self.assertEqual('No valid host', text.fit_text('No valid host'))
        exact = 'x' * text.TEXT_BYTES
        self.assertIs(exact, text.fit_text(exact))

    def test_long_cut_to_the_limit_with_its_length(self):
        value = 'é' * 40000          # 80,000 bytes of UTF-8
        cut = text.fit_text(value)
        self.assertLessEqual(len(cut.encode('utf-8')), text.TEXT_BYTES)
        self.assertTrue(cut.startswith('é' * 30000))
        self.assertTrue(cut.endswith('(cut: 80000 bytes in all)'))
        # Cut at a character boundary: it still encodes and decodes.
        self.assertEqual(cut, cut.encode('utf-8').decode('utf-8'))

    def test_fault_rows_are_cut(self):
        row = instance_faults.fault_row('u', 500, 'm' * 300,
                                        details='d' * 100000)
        self.assertEqual(255, len(row.message))
        self.assertLessEqual(len(row.details), text.TEXT_BYTES)

