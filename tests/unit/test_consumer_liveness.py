"""A service's liveness from its self-ping and its dispatch progress
(``rpc.ConsumerLiveness``): a consumer busy with other messages past
the ping's timeout keeps heartbeating; one that dispatches nothing
stops. The counting is checked on a real oslo.messaging server over
the ``fake://`` transport."""
from unittest import mock

import fixtures
import oslo_messaging as messaging
import testtools

from nova_lite import context as nl_context
from nova_lite import rpc
from nova_lite import service
from tests import environment


class LivenessTest(testtools.TestCase):

    def test_judge(self):
        liveness = rpc.ConsumerLiveness()
        self.assertTrue(liveness.judge(True))
        self.assertFalse(liveness.judge(False))
        liveness.tick()
        liveness.tick()
        self.assertEqual(2, liveness.progress_since())
        self.assertTrue(liveness.judge(False))      # busy, not dead
        self.assertEqual(0, liveness.progress_since())
        self.assertFalse(liveness.judge(False))     # nothing since


class ServiceTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(environment.Environment())
        self.client = mock.Mock()
        self.useFixture(fixtures.MockPatch('nova_lite.rpc.get_client',
                                           return_value=self.client))
        self.useFixture(fixtures.MockPatch(
            'nova_lite.service.state_report'))
        self.service = service.Service('node1', 'nova-lite-conductor',
                                       'conductor', mock.Mock())

    def test_unanswered_ping_of_a_busy_consumer(self):
        self.client.call.side_effect = messaging.MessagingTimeout('late')
        self.service.liveness.tick()
        self.assertTrue(self.service.consumer_alive())
        self.assertFalse(self.service.consumer_alive())
        self.service.report_state()
        self.service.state.heartbeat.assert_not_called()
        self.client.call.side_effect = None
        self.client.call.return_value = 'pong'
        self.service.report_state()
        self.assertEqual(1, self.service.state.heartbeat.call_count)


class Echo:
    target = messaging.Target(version='1.0')

    def echo(self, context, value):
        return value


class DispatchCountTest(testtools.TestCase):

    def test_server_counts_each_dispatched_message(self):
        self.useFixture(environment.Environment())   # fake:// transport
        liveness = rpc.ConsumerLiveness()
        target = messaging.Target(topic='livetest', server='h1')
        server = rpc.get_server(target, [Echo()], liveness=liveness)
        server.start()
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)
        client = rpc.get_client(target, timeout=10)
        ctx = nl_context.get_admin_context()
        self.assertEqual([1, 2, 3], [client.call(ctx, 'echo', value=v)
                                     for v in (1, 2, 3)])
        self.assertEqual(3, liveness.progress_since())
        self.assertTrue(liveness.judge(False))
