"""oslo.messaging plumbing: transport, clients, servers and the serializer.

The request context and nova_lite objects cross the bus through
``RequestContextSerializer``; servers use the threading executor.
Clients are ``MeteredClient``: calls are timed and their timeouts counted
by method (``nova_lite.metrics``), casts counted by method.
"""
import threading
import time

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher

from nova_lite import context as nl_context
from nova_lite import metrics
from nova_lite import notifications
from nova_lite import objects
from nova_lite.objects import base as obj_base

CONF = cfg.CONF
_TRANSPORT = None
_SHARED_CLIENTS = {}

messaging.set_transport_defaults(control_exchange='nova_lite')


def init(conf=CONF):
    """Create the RPC transport from ``transport_url`` (once)."""
    global _TRANSPORT
    objects.register_all()
    if _TRANSPORT is None:
        _TRANSPORT = messaging.get_rpc_transport(
            conf, allowed_remote_exmods=['nova_lite.exception'])
    return _TRANSPORT


def cleanup():
    """Close the transport (service shutdown, tests)."""
    global _TRANSPORT
    notifications.reset()
    _SHARED_CLIENTS.clear()
    if _TRANSPORT is not None:
        _TRANSPORT.cleanup()
        _TRANSPORT = None


def get_transport():
    return _TRANSPORT or init()


class RequestContextSerializer(messaging.Serializer):
    """Serializes nova_lite objects and carries the RequestContext."""

    def __init__(self):
        self._objects = obj_base.NovaLiteObjectSerializer()

    def serialize_entity(self, context, entity):
        return self._objects.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        return self._objects.deserialize_entity(context, entity)

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        ctxt = nl_context.RequestContext.from_dict(context)
        ctxt.update_store()
        return ctxt


class ConsumerLiveness:
    """Whether an RPC consumer is alive, from its self-ping and its
    progress: the servers built with ``get_server(..., liveness=this)``
    count each message they dispatch (their serializer's
    ``deserialize_context`` runs once per message, in the executor's
    worker). A consumer is alive when its self-ping was answered, or,
    when the ping waited in a queue behind other work past its timeout,
    when it dispatched messages since the last check: busy, not dead.
    One that lost its broker or whose executor is stuck dispatches
    nothing and is judged dead."""

    def __init__(self):
        self._lock = threading.Lock()
        self.dispatched = 0
        self._seen = 0

    def tick(self):
        with self._lock:
            self.dispatched += 1

    def judge(self, answered):
        """``answered``: the self-ping's outcome. :returns: alive?"""
        with self._lock:
            progressed = self.dispatched - self._seen
            self._seen = self.dispatched
        return bool(answered) or progressed > 0

    def progress_since(self):
        """Messages dispatched since the last ``judge``."""
        with self._lock:
            return self.dispatched - self._seen


class _CountingSerializer(RequestContextSerializer):
    """The context serializer of a server whose dispatches a
    ``ConsumerLiveness`` counts."""

    def __init__(self, liveness):
        super().__init__()
        self._liveness = liveness

    def deserialize_context(self, context):
        self._liveness.tick()
        return super().deserialize_context(context)


class MeteredClient:
    """An oslo.messaging RPCClient (or a ``prepare()``'d context of one)
    that records ``nova_lite_rpc_call_seconds`` (by method and outcome),
    ``nova_lite_rpc_call_timeouts_total`` and ``nova_lite_rpc_casts_total``;
    everything else is the wrapped client's."""

    def __init__(self, client):
        self._client = client

    def prepare(self, *args, **kwargs):
        """The wrapped client's ``prepare``, metered too."""
        return MeteredClient(self._client.prepare(*args, **kwargs))

    def call(self, ctxt, method, **kwargs):
        """RPC call; raises what the wrapped call raises (e.g.
        MessagingTimeout, a remote exception)."""
        start = time.monotonic()
        outcome = 'error'
        try:
            result = self._client.call(ctxt, method, **kwargs)
            outcome = 'success'
            return result
        except messaging.MessagingTimeout:
            outcome = 'timeout'
            metrics.RPC_CALL_TIMEOUTS.labels(method).inc()
            raise
        finally:
            metrics.RPC_CALL_SECONDS.labels(method, outcome).observe(
                time.monotonic() - start)

    def cast(self, ctxt, method, **kwargs):
        """RPC cast (counted before sending)."""
        metrics.RPC_CASTS.labels(method).inc()
        return self._client.cast(ctxt, method, **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


def shared_client(api_class):
    """One ``api_class()`` (an RPC API such as ``VolumeAPI``) per
    transport, made at first use and dropped by ``cleanup``."""
    client = _SHARED_CLIENTS.get(api_class)
    if client is None:
        client = _SHARED_CLIENTS[api_class] = api_class()
    return client


def get_client(target, version_cap=None, timeout=None):
    """A MeteredClient around an RPCClient for ``target`` with the
    context serializer; calls wait ``timeout`` seconds, by default
    oslo.messaging's ``[DEFAULT] rpc_response_timeout``."""
    return MeteredClient(messaging.get_rpc_client(
        get_transport(), target, version_cap=version_cap,
        serializer=RequestContextSerializer(),
        timeout=timeout))


def get_server(target, endpoints, server_cls=None, liveness=None):
    """A threading-executor RPC server for ``endpoints``; its pool size is
    oslo.messaging's ``executor_thread_pool_size``. ``server_cls``: a
    subclass of oslo.messaging's RPCServer to build instead (a fleet of
    hosts in one process, ``compute.fleet_rpc``); ``liveness``: a
    ``ConsumerLiveness`` counting the server's dispatches."""
    extra = {'server_cls': server_cls} if server_cls is not None else {}
    serializer = _CountingSerializer(liveness) if liveness is not None \
        else RequestContextSerializer()
    return messaging.get_rpc_server(
        get_transport(), target, endpoints, executor='threading',
        serializer=serializer,
        access_policy=dispatcher.DefaultRPCAccessPolicy, **extra)
