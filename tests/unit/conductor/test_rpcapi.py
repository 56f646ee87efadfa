"""The conductor client's repeated calls: a call that is harmless to
repeat (build_finish, the start-up ping) is asked again after a short
wait when no conductor answers, and the last timeout is raised when the
attempts run out."""
from unittest import mock

import fixtures
import oslo_messaging as messaging
import testtools

from nova_lite.cmd import common
from nova_lite.conductor import rpcapi
from nova_lite import exception
from nova_lite import service


class TestRepeatedCalls(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.prepared = mock.Mock()
        client = mock.Mock()
        client.prepare.return_value = self.prepared
        self.useFixture(mock_client(client))
        self.api = rpcapi.ConductorAPI()
        self.client = client

    def test_build_finish_asked_again_after_a_timeout(self):
        self.prepared.call.side_effect = [messaging.MessagingTimeout(),
                                          messaging.MessagingTimeout(),
                                          'active']
        self.assertEqual('active', self.api.build_finish(
            mock.sentinel.ctx, 'uuid-1', 'node1', {'event': 'x'}))
        self.assertEqual(3, self.prepared.call.call_count)
        self.client.prepare.assert_called_with(
            version='1.1', timeout=rpcapi.RETRY_ATTEMPT_TIMEOUT)

    def test_build_finish_gives_up_after_its_attempts(self):
        self.prepared.call.side_effect = messaging.MessagingTimeout()
        self.assertRaises(messaging.MessagingTimeout, self.api.build_finish,
                          mock.sentinel.ctx, 'uuid-1', 'node1', {})
        self.assertEqual(rpcapi.BUILD_CALL_ATTEMPTS,
                         self.prepared.call.call_count)

    def test_build_start_asked_again_while_the_database_is_down(self):
        # The conductor answers DBConnectionError (its database is cut);
        # build_start is repeat-safe, so the compute asks until it is back.
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.DB_RETRY_MAX_WAIT', 0))
        down = messaging.RemoteError('DBConnectionError', 'refused')
        self.prepared.call.side_effect = [down] * 8 + [{'network_info': [],
                                                        'guest_data': None}]
        self.client.can_send_version.return_value = True
        started = self.api.build_start(mock.sentinel.ctx, 'uuid-1', 'node1')
        self.assertEqual([], started['network_info'])
        self.assertEqual(9, self.prepared.call.call_count)

    def test_database_errors_stop_after_their_time(self):
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.DB_RETRY_MAX_WAIT', 0))
        self.useFixture(fixtures.MonkeyPatch(
            'nova_lite.conductor.rpcapi.DB_RETRY_SECONDS', 0))
        self.prepared.call.side_effect = messaging.RemoteError(
            'DBConnectionError', 'refused')
        self.assertRaises(messaging.RemoteError, self.api.build_finish,
                          mock.sentinel.ctx, 'uuid-1', 'node1', {})
        self.assertEqual(1, self.prepared.call.call_count)

    def test_other_errors_are_not_repeated(self):
        self.prepared.call.side_effect = messaging.RemoteError('Boom')
        self.assertRaises(messaging.RemoteError, self.api.build_finish,
                          mock.sentinel.ctx, 'uuid-1', 'node1', {})
        self.assertEqual(1, self.prepared.call.call_count)

    def test_wait_until_ready_pings_until_answered(self):
        self.prepared.call.side_effect = [messaging.MessagingTimeout(),
                                          None]
        self.api.wait_until_ready(mock.sentinel.ctx)
        self.prepared.call.assert_called_with(mock.sentinel.ctx, 'ping')
        self.assertEqual(2, self.prepared.call.call_count)

    def test_wait_until_ready_with_bounded_attempts(self):
        self.prepared.call.side_effect = messaging.MessagingTimeout()
        self.assertRaises(messaging.MessagingTimeout,
                          self.api.wait_until_ready, mock.sentinel.ctx,
                          attempts=2)

    def test_wait_until_ready_ends_when_the_process_is_stopping(self):
        self.prepared.call.side_effect = messaging.MessagingTimeout()
        calls = self.prepared.call
        self.assertRaises(messaging.MessagingTimeout,
                          self.api.wait_until_ready, mock.sentinel.ctx,
                          stopping=lambda: calls.call_count >= 2)
        self.assertEqual(2, calls.call_count)


class TestStartInterrupted(testtools.TestCase):
    """A compute asked to stop while it waits for its first conductor
    answer gives up the wait and reports it; nothing is registered."""

    def test_register_raises_start_interrupted(self):
        conductor = mock.Mock()
        conductor.wait_until_ready.side_effect = messaging.MessagingTimeout()
        report = service.ConductorStateReport(conductor)
        self.assertRaises(exception.ServiceStartInterrupted, report.register,
                          mock.sentinel.ctx, 'node1', 'nova-lite-compute',
                          'compute', stopping=lambda: True)
        conductor.service_register.assert_not_called()

    def test_timeout_without_a_stop_is_raised_as_is(self):
        conductor = mock.Mock()
        conductor.wait_until_ready.side_effect = messaging.MessagingTimeout()
        report = service.ConductorStateReport(conductor)
        self.assertRaises(messaging.MessagingTimeout, report.register,
                          mock.sentinel.ctx, 'node1', 'nova-lite-compute',
                          'compute', stopping=lambda: False)

    def test_start_services_stops_at_the_interrupted_one(self):
        first, second, third = mock.Mock(), mock.Mock(), mock.Mock()
        second.start.side_effect = exception.ServiceStartInterrupted(
            binary='nova-lite-compute', host='node2')
        started = common.start_services([first, second, third],
                                        lambda: False)
        self.assertEqual([first], started)
        third.start.assert_not_called()

    def test_start_services_starts_nothing_once_stopping(self):
        first = mock.Mock()
        self.assertEqual([], common.start_services([first], lambda: True))
        first.start.assert_not_called()


def mock_client(client):
    """Fixture: ``rpc.get_client`` returns ``client`` (the bus boundary)."""
    return fixtures.MockPatch('nova_lite.rpc.get_client',
                              return_value=client)
