"""CloudStack events (API reference, "Event": listEvents), recorded from
nova_lite's versioned notifications.

Design: the conductor runs an oslo.messaging notification listener
(``EventRecorder``) in a pool of its own (``POOL``, a queue of its own
bound to the versioned topics, so operators' consumers still get every
notification) and writes one ``events`` row per notification of
``EVENT_TYPES``; listEvents reads the table. The notification's
``message_id`` is unique in the table: a redelivery is recorded once.
Events exist only where notifications are versioned (``[notifications]
notification_format`` versioned or both) and ``[cloudstack]
record_events`` is on; each costs one INSERT in the conductor, outside
the request and build paths.

Volume events (``VOLUME_TYPES``: VOLUME.RESIZE, SNAPSHOT.CREATE,
SNAPSHOT.DELETE) likewise come from the CloudStack API's own async
commands (the volume service sends no notifications): a ``Scheduled``
event when the command starts the work, a ``Completed`` one when its
job ends (``record_action``).

Security group events (``SG_TYPES``: SG.CREATE, SG.DELETE, SG.UPDATE,
SG.AUTH.INGRESS, SG.AUTH.EGRESS, SG.REVOKE.INGRESS, SG.REVOKE.EGRESS)
have no notification behind them (security groups are the Networking
API's, which sends none), nor have the secondary IP events
(``NIC_IP_TYPES``: addIpToNic, removeIpFromNic; their notifications are
legacy-only): the CloudStack API records them itself when
its command has done the change (``record_action``), as CloudStack's
management server records the events of its actions; one INSERT in the
request, only with ``[cloudstack] record_events``.
"""
import datetime
import re
import uuid as uuidlib

from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite.db import events as event_db

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

POOL = 'nova_lite-cloudstack-events'
COMPLETED = 'Completed'

#: notification event_type → (CloudStack type, level, description with
#: %s for the instance uuid).
EVENT_TYPES = {
    'instance.create.end': ('VM.CREATE', 'INFO',
                            'Successfully completed deploying Vm. Vm Id: '
                            '%s'),
    'instance.create.error': ('VM.CREATE', 'ERROR',
                              'Error while deploying Vm. Vm Id: %s'),
    'instance.power_on.end': ('VM.START', 'INFO',
                              'Successfully completed starting Vm. Vm Id: '
                              '%s'),
    'instance.power_off.end': ('VM.STOP', 'INFO',
                               'Successfully completed stopping Vm. Vm '
                               'Id: %s'),
    'instance.reboot.end': ('VM.REBOOT', 'INFO',
                            'Successfully completed rebooting Vm. Vm Id: '
                            '%s'),
    'instance.reboot.error': ('VM.REBOOT', 'ERROR',
                              'Error while rebooting Vm. Vm Id: %s'),
    'instance.delete.end': ('VM.DESTROY', 'INFO',
                            'Successfully completed destroying Vm. Vm Id: '
                            '%s'),
    # A soft delete leaves the VM Destroyed (doc/lifecycle.md).
    'instance.soft_delete.end': ('VM.DESTROY', 'INFO',
                                 'Successfully completed destroying Vm. Vm '
                                 'Id: %s'),
    # addNicToVirtualMachine / removeNicFromVirtualMachine, and the
    # compute API's os-interface (doc/interfaces.md).
    'instance.interface_attach.end': ('NIC.CREATE', 'INFO',
                                      'Successfully added a NIC to Vm. Vm '
                                      'Id: %s'),
    'instance.interface_attach.error': ('NIC.CREATE', 'ERROR',
                                        'Error while adding a NIC to Vm. '
                                        'Vm Id: %s'),
    # A live migration done (migrateVirtualMachine, host maintenance,
    # os-migrateLive).
    'instance.live_migration_post.end': ('VM.MIGRATE', 'INFO',
                                         'Successfully completed migrating '
                                         'Vm. Vm Id: %s'),
    'instance.interface_detach.end': ('NIC.DELETE', 'INFO',
                                      'Successfully removed a NIC from Vm. '
                                      'Vm Id: %s'),
}
#: Events the CloudStack API records itself (``record_action``).
SG_TYPES = ('SG.CREATE', 'SG.DELETE', 'SG.UPDATE', 'SG.AUTH.INGRESS',
            'SG.AUTH.EGRESS', 'SG.REVOKE.INGRESS', 'SG.REVOKE.EGRESS')
#: Admin and tag events the API records itself (CloudStack EventTypes):
#: host maintenance, configuration, service offerings, tags, VM update.
ADMIN_TYPES = ('MAINT.PREPARE', 'MAINT.CANCEL', 'CONFIGURATION.VALUE.EDIT',
               'SERVICE.OFFERING.CREATE', 'SERVICE.OFFERING.DELETE',
               'CREATE_TAGS', 'DELETE_TAGS', 'VM.UPDATE')
#: Volume events the CloudStack API records itself: ``Scheduled`` when
#: its async command starts the work, ``Completed`` (INFO, or ERROR
#: when it failed) when the job ends (``commands.volume_actions``).
VOLUME_TYPES = ('VOLUME.RESIZE', 'SNAPSHOT.CREATE', 'SNAPSHOT.DELETE')
#: Secondary IP events the CloudStack API records itself (addIpToNic,
#: removeIpFromNic: the compute's legacy create_ip/delete_ip
#: notifications are not versioned ones).
NIC_IP_TYPES = ('NIC.SECONDARY.IP.ASSIGN', 'NIC.SECONDARY.IP.UNASSIGN')
#: Every type ``record_action`` takes.
API_TYPES = SG_TYPES + ADMIN_TYPES + VOLUME_TYPES + NIC_IP_TYPES
#: The types listEvents knows.
TYPES = sorted({t for t, _, _ in EVENT_TYPES.values()} | set(API_TYPES))
#: listEvents ``resourcetype`` by the prefix of the event type.
RESOURCE_TYPES = {'VM': 'VirtualMachine', 'SG': 'SecurityGroup',
                  'MAINT': 'Host', 'CONFIGURATION': 'None',
                  'SERVICE': 'ServiceOffering', 'CREATE_TAGS': 'UserVm',
                  'DELETE_TAGS': 'UserVm', 'VOLUME': 'Volume',
                  'SNAPSHOT': 'Snapshot'}
LEVELS = ('INFO', 'WARN', 'ERROR')
#: Event states: an action's start (or its scheduling), and its end.
STARTED = 'Started'
SCHEDULED = 'Scheduled'


def _timestamp(metadata):
    """Naive UTC datetime of a notification's ``timestamp`` metadata
    ('YYYY-MM-DD HH:MM:SS.ffffff'), now when missing."""
    text = (metadata or {}).get('timestamp')
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return datetime.datetime.utcnow()


def record(context, event_type, payload, metadata):
    """Write the event of a versioned notification (``payload`` its
    primitive); None for an event type not in ``EVENT_TYPES`` or a
    message recorded already, else the event dict."""
    mapped = EVENT_TYPES.get(event_type)
    if mapped is None:
        return None
    cs_type, level, description = mapped
    data = (payload or {}).get('nova_object.data', {})
    return event_db.event_create(context, {
        'uuid': str(uuidlib.uuid4()), 'type': cs_type, 'level': level,
        'state': COMPLETED, 'description': description % data.get('uuid'),
        'resource_id': data.get('uuid'), 'user_id': data.get('user_id'),
        'project_id': data.get('tenant_id'),
        'message_id': (metadata or {}).get('message_id'),
        'created_at': _timestamp(metadata)})


def record_action(context, event_type, description, resource_id,
                  level='INFO', state=COMPLETED):
    """Record the event of an action the CloudStack API has just done
    or started (``event_type`` one of ``API_TYPES``; ``level`` one of
    ``LEVELS``, ``state`` ``COMPLETED``, ``STARTED`` or ``SCHEDULED``)
    for the caller's user and project.

    :returns: the event dict
    :raises: ValueError for a type not in ``API_TYPES``, a bad level or
        state
    """
    if event_type not in API_TYPES:
        raise ValueError('not an API-recorded event type: %s' % event_type)
    if level not in LEVELS or state not in (COMPLETED, STARTED, SCHEDULED):
        raise ValueError('bad level %s or state %s' % (level, state))
    return event_db.event_create(context, {
        'uuid': str(uuidlib.uuid4()), 'type': event_type, 'level': level,
        'state': state, 'description': description[:255],
        'resource_id': resource_id, 'user_id': context.user_id,
        'project_id': context.project_id,
        'created_at': datetime.datetime.utcnow()})


def resource_type(event_type):
    """The ``resourcetype`` of an event type (``VM.CREATE`` →
    VirtualMachine, ``SG.CREATE`` → SecurityGroup, ``MAINT.PREPARE`` →
    Host)."""
    return RESOURCE_TYPES.get(event_type.split('.')[0], 'None')


def list_events(context, all_projects=False, event_type=None, level=None,
                start=None, end=None):
    """Events (dicts, oldest first) of the caller's project, or of every
    project with ``all_projects`` (the caller checks the role)."""
    return event_db.event_get_all(
        context, project_id=None if all_projects else context.project_id,
        event_type=event_type, level=level, start=start, end=end)


class _Endpoint:
    filter_rule = messaging.NotificationFilter(
        event_type='^(%s)$' % '|'.join(re.escape(e) for e in EVENT_TYPES))

    def _record(self, ctxt, event_type, payload, metadata):
        from nova_lite import context as nl_context
        try:
            record(nl_context.get_admin_context(), event_type, payload,
                   metadata)
        except db_exc.DBConnectionError:
            LOG.warning('Database unreachable: event %s requeued',
                        event_type)
            return messaging.NotificationResult.REQUEUE
        except Exception:  # noqa: BLE001 - a bad message is dropped
            LOG.exception('Could not record event %s', event_type)
        return messaging.NotificationResult.HANDLED

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record(ctxt, event_type, payload, metadata)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        return self._record(ctxt, event_type, payload, metadata)


def wanted():
    """True when this deployment records events (see module doc)."""
    return (CONF.cloudstack.enabled and CONF.cloudstack.record_events
            and CONF.notifications.notification_format in ('versioned',
                                                           'both'))


def start_recorder():
    """Start the notification listener writing events (the conductor's
    ``post_start_hook``); None when not ``wanted()``, else the listener
    (``stop()`` then ``wait()`` it)."""
    if not wanted():
        return None
    transport = messaging.get_notification_transport(CONF)
    listener = messaging.get_notification_listener(
        transport, [messaging.Target(topic=topic) for topic in
                    CONF.notifications.versioned_notifications_topics],
        [_Endpoint()], executor='threading', pool=POOL)
    listener.start()
    return listener
