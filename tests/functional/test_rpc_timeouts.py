"""select_destinations over RabbitMQ: a scheduler that works longer than
``rpc_response_timeout`` (a large multi-create) is waited for as long as it
sends oslo.messaging's call-monitor heartbeats; a scheduler that is gone
fails the call after ``rpc_response_timeout``, not ``long_rpc_timeout``.
"""
import time

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import oslo_messaging as messaging
import testtools

from nova_lite import context as nl_context
from nova_lite import rpc
from nova_lite.scheduler import rpcapi as scheduler_rpcapi
from tests.functional.fixtures import backends

CONF = cfg.CONF
RESPONSE_TIMEOUT = 2    # s, [DEFAULT] rpc_response_timeout of the test
WORK = 5                # s the slow scheduler takes, > RESPONSE_TIMEOUT


class SlowScheduler:
    """A scheduler endpoint that answers after ``WORK`` seconds."""

    target = messaging.Target(version='1.0')

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates):
        time.sleep(WORK)
        return [['host-%s' % uuid] for uuid in instance_uuids]


class TestSelectDestinationsTimeouts(testtools.TestCase):

    def setUp(self):
        super().setUp()
        vhost = self.useFixture(backends.RabbitVhost())
        conf = self.useFixture(config_fixture.Config(CONF))
        conf.config(transport_url=vhost.transport_url)
        rpc.cleanup()
        rpc.init()
        self.addCleanup(rpc.cleanup)
        # The client registers oslo.messaging's client options.
        self.api = scheduler_rpcapi.SchedulerAPI()
        conf.config(rpc_response_timeout=RESPONSE_TIMEOUT,
                    long_rpc_timeout=60)
        self.ctxt = nl_context.get_admin_context()

    def start_scheduler(self):
        server = rpc.get_server(
            messaging.Target(topic=scheduler_rpcapi.TOPIC, server='sched'),
            [SlowScheduler()])
        server.start()
        self.addCleanup(server.wait)
        self.addCleanup(server.stop)

    def test_slow_scheduler_is_waited_for(self):
        self.start_scheduler()
        start = time.monotonic()
        result = self.api.select_destinations(self.ctxt, {}, ['a', 'b'])
        self.assertEqual([['host-a'], ['host-b']], result)
        self.assertGreaterEqual(time.monotonic() - start, WORK)

    def test_absent_scheduler_fails_after_response_timeout(self):
        start = time.monotonic()
        self.assertRaises(messaging.MessagingTimeout,
                          self.api.select_destinations, self.ctxt, {}, ['a'])
        elapsed = time.monotonic() - start
        # Ended by the call monitor (no heartbeat for RESPONSE_TIMEOUT),
        # not by long_rpc_timeout (60 s).
        self.assertLess(elapsed, 30)
