"""RPC servers of a fleet of compute hosts in one process.

Each host keeps its own queue (topic ``compute.<host>``, the routing key
the compute RPC API casts to) and its own oslo.messaging ``RPCServer``
(dispatcher, replies, expected exceptions, call-monitor heartbeats as
usual), but:

- on RabbitMQ every host's consumer is declared on **one** AMQP
  connection (``SharedConnection``), drained by one thread that hands
  each message to its host's server. oslo.messaging's own listener opens
  one connection (and one polling thread) per server: 1,000 hosts made
  1,000 connections, beyond the broker's default limit of 1,024 file
  descriptors (measured: the broker ran out of descriptors and its
  Mnesia database stopped);
- every server dispatches on one bounded thread pool of the fleet
  (``FleetServer``), not a pool of its own.

On another transport (the in-process ``fake://`` bus) each server has
oslo.messaging's own listener and only the thread pool is shared.

oslo.messaging has no public API for either (``get_rpc_server`` takes a
``server_cls``, which ``FleetServer`` is); ``SharedConnection`` uses the
RabbitMQ driver's connection and RPC listener classes, as
oslo.messaging 18 defines them (pinned by upper-constraints.txt).
"""
import itertools
import threading

from oslo_log import log as logging
from oslo_messaging._drivers import amqpdriver
from oslo_messaging._drivers import base as driver_base
from oslo_messaging._drivers import common as driver_common
from oslo_messaging.rpc import server as rpc_server

LOG = logging.getLogger(__name__)

#: Seconds one drain of the shared connection waits for a message.
POLL_SECONDS = 1.0


class FleetServer(rpc_server.RPCServer):
    """An oslo.messaging RPCServer (``get_rpc_server(server_cls=...)``)
    that runs its messages on ``shared_executor`` and takes its listener
    from ``listener_factory(target)`` when one is set (both set by the
    fleet before ``start``)."""

    shared_executor = None
    listener_factory = None

    def _create_listener(self):
        if self.listener_factory is None:
            return super()._create_listener()
        return self.listener_factory(self._target)

    def _on_incoming(self, incoming):
        self.shared_executor.submit(self._process_incoming, incoming)


class HostListener(driver_base.Listener):
    """The listener of one host's server on a shared connection: the
    connection's thread calls ``deliver`` with each of its messages."""

    def __init__(self, host):
        super().__init__(batch_size=1, batch_timeout=None)
        self.host = host

    def deliver(self, message):
        """Hand ``message`` (already acknowledged) to the server; dropped
        with a warning once the server stopped (a cast then is lost, as
        when any compute stops with messages in flight)."""
        callback = self.on_incoming_callback
        if callback is None:
            LOG.warning('Server of %s stopped: message dropped', self.host)
            return
        callback([message])

    def cleanup(self):
        """Nothing of its own: the connection is the fleet's."""


class SharedConnection:
    """The consumers of every host's queue on one RabbitMQ connection.

    ``listener(target)`` (a ``FleetServer.listener_factory``) declares
    the queue ``topic.server`` of a host with its consumer; the first one
    also consumes the topic's shared queue (messages to any compute: one
    host in turn takes each) and its fanout queue (every host gets each).
    Declare every host before ``start``: the draining thread holds the
    connection while it waits for messages.
    """

    def __init__(self, transport):
        self._driver = transport._driver
        self._conn = self._driver._get_connection(
            driver_common.PURPOSE_LISTEN)
        # Acknowledges each message, drops duplicates and wraps it as
        # oslo.messaging's listener of a server would.
        self._wrap = amqpdriver.RpcAMQPListener(self._driver, self._conn)
        self._listeners = []
        self._turn = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._drain,
                                        name='fleet-rpc', daemon=True)

    @staticmethod
    def supported(transport):
        """Whether ``transport`` runs on oslo.messaging's RabbitMQ driver
        (``rabbit://``, ``kombu+memory://``)."""
        driver = getattr(transport, '_driver', None)
        return type(driver).__name__ == 'RabbitDriver'

    def listener(self, target):
        """A HostListener for ``target`` (topic and server), its queue
        declared and consumed on the shared connection."""
        listener = HostListener(target.server)
        exchange = self._driver._get_exchange(target)
        self._conn.declare_topic_consumer(
            exchange_name=exchange,
            topic='%s.%s' % (target.topic, target.server),
            callback=self._route(listener.deliver))
        if not self._listeners:
            self._conn.declare_topic_consumer(
                exchange_name=exchange, topic=target.topic,
                callback=self._route(self._to_one))
            self._conn.declare_fanout_consumer(target.topic,
                                               self._route(self._to_all))
        self._listeners.append(listener)
        return listener

    def _route(self, deliver):
        def _on_message(message):
            self._wrap(message)
            while self._wrap.incoming:
                deliver(self._wrap.incoming.pop(0))
        return _on_message

    def _to_one(self, message):
        if self._turn is None:
            self._turn = itertools.cycle(self._listeners)
        next(self._turn).deliver(message)

    def _to_all(self, message):
        for listener in self._listeners:
            listener.deliver(message)

    def start(self):
        """Start draining the connection."""
        self._thread.start()

    def _drain(self):
        while not self._stopped.is_set():
            try:
                self._conn.consume(timeout=POLL_SECONDS)
            except driver_common.Timeout:
                continue
            except Exception:  # noqa: BLE001 - keep consuming
                LOG.exception('Consuming the fleet connection failed')
                self._stopped.wait(1)

    def stop(self):
        """Stop draining (messages not yet delivered stay queued at the
        broker, unacknowledged) and close the connection; once."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._conn.stop_consuming()
        if self._thread.is_alive():
            self._thread.join(POLL_SECONDS * 10)
        self._conn.close()
