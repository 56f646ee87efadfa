"""Notifications: what the services tell the message bus (Nova's format).

Versioned notifications are sent with oslo.messaging's Notifier on the
``[notifications] versioned_notifications_topics`` (default
``versioned_notifications``); each message is

    {"event_type": "instance.create.end", "priority": "INFO",
     "publisher_id": "nova-lite-compute:<host>",
     "payload": {"nova_object.name": "InstanceActionPayload",
                 "nova_object.version": "1.0",
                 "nova_object.namespace": "nova_lite",
                 "nova_object.data": {...}},
     "message_id": ..., "timestamp": ...}

as Nova sends them (Nova's publishers are ``nova-compute:<host>``...;
nova_lite's are its binaries). ``[notifications] notification_format``
picks versioned, unversioned (legacy: the same data as a plain dict,
event types of instances prefixed ``compute.``, on the topics of
``[oslo_messaging_notifications]``), both, or none; with none no payload
is built. Payloads are ``nova_lite.notifications.objects``;
doc/notification_samples has one sample per event.

Who sends what: the compute its instance.* events (every lifecycle
action's, doc/admin/notifications.md; instance.exists from its usage
audit) and
compute.exception (it has the bus, not the database); the conductor
instance.create.error of builds it fails (no valid host); the API's
service modules service.*, aggregate.*, keypair.*, server_group.* and
the instance.update of every change they make to a server (rename,
description, lock, metadata, a task started, a state reset).
Payloads are built from objects the sender already holds: no event
costs an SQL statement. Sending never raises: a failure is logged (the
operation it describes went through).
"""
import threading

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite.notifications.objects import exception as exc_payload
from nova_lite.notifications.objects import instance as inst_payload
from nova_lite.notifications.objects import others

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

API = 'nova-lite-api'
COMPUTE = 'nova-lite-compute'
CONDUCTOR = 'nova-lite-conductor'

_LOCK = threading.Lock()
_STATE = {}


class _ContextSerializer(messaging.Serializer):
    """Context as its dict; payloads are primitives already."""

    def serialize_entity(self, ctxt, entity):
        return entity

    def deserialize_entity(self, ctxt, entity):
        return entity

    def serialize_context(self, ctxt):
        return ctxt.to_dict() if hasattr(ctxt, 'to_dict') else dict(
            ctxt or {})

    def deserialize_context(self, ctxt):
        return ctxt


def _format():
    return CONF.notifications.notification_format


def enabled():
    """True unless ``notification_format`` is none."""
    return _format() != 'none'


def updates_enabled():
    """True when instance.update is sent at all (``enabled()`` and
    ``[notifications] notify_on_state_change`` set)."""
    return bool(CONF.notifications.notify_on_state_change) and enabled()


def _notifiers():
    """(versioned Notifier or None, legacy Notifier or None), made once
    per format on the notification transport."""
    fmt = _format()
    with _LOCK:
        if _STATE.get('format') != fmt:
            _reset_locked()
            transport = messaging.get_notification_transport(CONF)
            driver = _driver()
            serializer = _ContextSerializer()
            versioned = legacy = None
            if fmt in ('versioned', 'both'):
                versioned = messaging.Notifier(
                    transport, driver=driver, serializer=serializer,
                    topics=CONF.notifications.versioned_notifications_topics)
            if fmt in ('unversioned', 'both'):
                legacy = messaging.Notifier(transport, driver=driver,
                                            serializer=serializer)
            _STATE.update(format=fmt, transport=transport,
                          versioned=versioned, legacy=legacy)
        return _STATE['versioned'], _STATE['legacy']


def _driver():
    """None (the operator's ``[oslo_messaging_notifications] driver``)
    when set; else ``noop`` on the in-process ``fake://`` bus (of
    nova-lite-all and tests: nobody outside could consume them and its
    in-memory queues would only grow), else ``messagingv2``."""
    if CONF.oslo_messaging_notifications.driver:
        return None
    url = messaging.TransportURL.parse(
        CONF, CONF.oslo_messaging_notifications.transport_url or
        CONF.transport_url)
    return 'noop' if url.transport == 'fake' else 'messagingv2'


def _reset_locked():
    transport = _STATE.pop('transport', None)
    _STATE.clear()
    if transport is not None:
        transport.cleanup()


def reset():
    """Drop the notifiers and their transport (service stop, tests)."""
    with _LOCK:
        _reset_locked()


def legacy_payload(primitive):
    """The plain dict of a payload primitive: ``nova_object.data``
    unwrapped at every depth."""
    if isinstance(primitive, dict):
        if 'nova_object.data' in primitive:
            return legacy_payload(primitive['nova_object.data'])
        return {k: legacy_payload(v) for k, v in primitive.items()}
    if isinstance(primitive, list):
        return [legacy_payload(v) for v in primitive]
    return primitive


def send(context, event_type, payload, binary, host, priority='INFO',
         legacy_only=False):
    """Send ``payload`` (a payload object) as ``event_type`` from
    ``binary:host`` at ``priority`` (INFO or ERROR) in the configured
    format(s); with ``legacy_only`` only in the unversioned one (an
    event Nova has no versioned notification of). Never raises: returns
    False when sending failed."""
    try:
        versioned, legacy = _notifiers()
        publisher = '%s:%s' % (binary, host)
        primitive = payload.obj_to_primitive()
        method = priority.lower()
        if versioned is not None and not legacy_only:
            getattr(versioned.prepare(publisher_id=publisher), method)(
                context, event_type, primitive)
        if legacy is not None:
            legacy_type = ('compute.' + event_type
                           if event_type.startswith('instance.')
                           else event_type)
            getattr(legacy.prepare(publisher_id=publisher), method)(
                context, legacy_type, legacy_payload(primitive))
    except Exception:  # noqa: BLE001 - a notification never fails its op
        LOG.exception('Could not send notification %s', event_type)
        return False
    return True


# ----------------------------------------------------------- instances

def instance_action(context, instance, event_type, publisher_host,
                    binary=COMPUTE, network_info=None, fault=None,
                    **overrides):
    """instance.<action>.<phase> of ``instance`` (``objects.Instance``)
    from ``binary:publisher_host``: an InstanceActionPayload, or the
    payload Nova sends for that action (``inst_payload.ACTION_PAYLOADS``:
    rebuild, rescue, resize_prep, snapshot), whose extra fields come in
    ``overrides`` (e.g. ``snapshot_image_id``); ``fault`` (an exception
    or ExceptionPayload) makes it an ERROR; ``overrides`` are payload
    fields (e.g. the state the instance just reached)."""
    if not enabled():
        return
    action = event_type.split('.')[1] if event_type.count('.') == 2 \
        else None
    cls = inst_payload.ACTION_PAYLOADS.get(
        action, inst_payload.InstanceActionPayload)
    try:
        payload = cls.from_instance(
            context, instance, network_info, fault=fault, **overrides)
    except Exception:  # noqa: BLE001 - see send
        LOG.exception('Could not build %s of %s', event_type,
                      instance.uuid)
        return
    send(context, event_type, payload, binary, publisher_host,
         'ERROR' if fault is not None else 'INFO')


def legacy_instance_action(context, instance, event_type, publisher_host,
                           binary=COMPUTE, network_info=None):
    """``compute.<event_type>`` of ``instance`` (``objects.Instance``) in
    the unversioned format only (an InstanceActionPayload as a plain
    dict), for the events Nova sends only there:
    ``instance.create_ip.start``/``.end`` (addFixedIp) and
    ``instance.delete_ip.start``/``.end`` (removeFixedIp). Nothing is
    built unless ``notification_format`` is unversioned or both."""
    if _format() not in ('unversioned', 'both'):
        return
    try:
        payload = inst_payload.InstanceActionPayload.from_instance(
            context, instance, network_info)
    except Exception:  # noqa: BLE001 - see send
        LOG.exception('Could not build %s of %s', event_type,
                      instance.uuid)
        return
    send(context, event_type, payload, binary, publisher_host,
         legacy_only=True)


def instance_exists(context, instance, publisher_host, begin, end,
                    binary=COMPUTE, **overrides):
    """instance.exists (InstanceExistsPayload) of ``instance``
    (``objects.Instance``) for the audit period ``[begin, end)`` (naive
    UTC), from the instance usage audit; ``overrides`` are payload fields
    (``launched_at``, ``terminated_at``, ``deleted_at``). True when sent
    (or notifications are off), False when it could not be built or
    sent."""
    if not enabled():
        return True
    try:
        period = inst_payload.AuditPeriodPayload(
            audit_period_beginning=begin, audit_period_ending=end)
        payload = inst_payload.InstanceExistsPayload.from_instance(
            context, instance, audit_period=period, **overrides)
    except Exception:  # noqa: BLE001 - see send
        LOG.exception('Could not build instance.exists of %s',
                      instance.uuid)
        return False
    return send(context, 'instance.exists', payload, binary,
                publisher_host)


def instance_update(context, instance, publisher_host, old_state,
                    old_task_state, binary=COMPUTE, network_info=None,
                    regular=False, old_display_name=None, **overrides):
    """instance.update, as ``[notifications] notify_on_state_change``
    asks: ``instance``'s new states are ``overrides['state']`` /
    ``['task_state']`` (else the object's).

    :param regular: send it also when no state it watches changed (Nova
        sends one for every save of an instance: a rename, a lock, new
        metadata); the API's changes are regular updates
    :param old_display_name: the name before a rename (None otherwise)
    """
    mode = CONF.notifications.notify_on_state_change
    if not mode or not enabled():
        return
    state = overrides.get('state', instance.get('vm_state', None))
    task_state = overrides.get('task_state', instance.get('task_state', None))
    if not regular and state == old_state and (
            mode == 'vm_state' or task_state == old_task_state):
        return
    try:
        update = inst_payload.InstanceStateUpdatePayload(
            old_state=old_state, state=state,
            old_task_state=old_task_state, new_task_state=task_state)
        payload = inst_payload.InstanceUpdatePayload.from_instance(
            context, instance, network_info, state_update=update,
            old_display_name=old_display_name, **overrides)
    except Exception:  # noqa: BLE001 - see send
        LOG.exception('Could not build instance.update of %s',
                      instance.uuid)
        return
    send(context, 'instance.update', payload, binary, publisher_host)


def compute_exception(context, exc, host, binary=COMPUTE):
    """compute.exception (ExceptionPayload, ERROR) of ``exc``."""
    if enabled():
        send(context, 'compute.exception',
             exc_payload.ExceptionPayload.from_exception(exc), binary, host,
             'ERROR')


# ------------------------------------------------------ API-side events

def _api(context, event_type, build, row):
    if not enabled() or row is None:
        return
    try:
        payload = build(row)
    except Exception:  # noqa: BLE001 - see send
        LOG.exception('Could not build %s', event_type)
        return
    send(context, event_type, payload, API, CONF.host)


def service(context, action, service_ref, binary=API, host=None):
    """service.<action> (create, update, delete) of a services dict; the
    services that register themselves send their own create."""
    if not enabled() or service_ref is None:
        return
    try:
        payload = others.ServiceStatusPayload.from_service(service_ref)
    except Exception:  # noqa: BLE001 - see send
        LOG.exception('Could not build service.%s', action)
        return
    send(context, 'service.' + action, payload, binary, host or CONF.host)


def aggregate(context, event_type, aggregate_ref):
    """aggregate.<action>.<phase> of an aggregate dict."""
    _api(context, event_type, others.AggregatePayload.from_aggregate,
         aggregate_ref)


def keypair(context, event_type, keypair_ref):
    """keypair.<action>.<phase> of a key pair dict."""
    _api(context, event_type, others.KeypairPayload.from_keypair,
         keypair_ref)


def server_group(context, event_type, group):
    """server_group.<action> of a server group dict."""
    _api(context, event_type, others.ServerGroupPayload.from_group, group)
