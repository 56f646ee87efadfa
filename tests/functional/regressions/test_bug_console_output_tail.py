"""Regression: ``os-getConsoleOutput`` with ``length: N`` returned N
lines of ``splitlines()``, dropping the empty piece after the log's last
newline, where Nova keeps the last N pieces of ``split('\\n')`` (Tempest's
ServerActionsTestJSON.test_get_console_output counts 3 pieces for
``length=3``)."""
import testtools

from nova_lite.compute import api as compute_api
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import states
from tests.functional.fixtures import inprocess


class TestConsoleOutputTail(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.stack = self.useFixture(inprocess.InProcessStack(
            {'node1': 'fake'}))
        self.ctxt = self.stack.context()
        api = compute_api.API()
        rows, _ = api.create(self.ctxt, 'vm', self.stack.image['uuid'], '1')
        self.uuid = rows[0].uuid
        inprocess.wait_for(
            lambda: api.get(self.ctxt, self.uuid).vm_state == states.ACTIVE,
            message='server active')
        self.rpc = compute_rpcapi.ComputeAPI()

    def tail(self, length):
        return self.rpc.get_console_output(self.ctxt, 'node1', self.uuid,
                                           length)

    def test_tail_counts_pieces_like_nova(self):
        full = self.tail(None)
        self.assertTrue(full.endswith('\n'), repr(full))
        pieces = full.split('\n')
        for length in (1, 2, 3):
            self.assertEqual('\n'.join(pieces[-length:]), self.tail(length))
            self.assertEqual(min(length, len(pieces)),
                             len(self.tail(length).split('\n')))
        self.assertEqual('', self.tail(0))
