"""[notifications] options: what the services tell the message bus.

As Nova's ``[notifications]`` group: versioned notifications (payloads
are versioned objects, ``nova_lite.notifications.objects``) go to the
``versioned_notifications`` topic, legacy ("unversioned") ones (plain
dict payloads) to the topics of ``[oslo_messaging_notifications]
topics`` (``notifications``). Both use the bus of ``[DEFAULT]
transport_url`` unless ``[oslo_messaging_notifications] transport_url``
names another; the driver is ``messagingv2`` unless
``[oslo_messaging_notifications] driver`` is set.
"""
from oslo_config import cfg

notifications_group = cfg.OptGroup('notifications',
                                   title='Notifications')

#: Values of ``notification_format``.
FORMATS = ('versioned', 'unversioned', 'both', 'none')

notifications_opts = [
    cfg.StrOpt('notification_format', default='versioned', choices=FORMATS,
               help='Which notifications to send: "versioned" (the '
                    'default: versioned object payloads on the '
                    'versioned_notifications_topics), "unversioned" '
                    '(legacy dict payloads on [oslo_messaging_'
                    'notifications] topics), "both", or "none" (nothing '
                    'is built or sent).'),
    cfg.StrOpt('notify_on_state_change', default=None,
               choices=(None, 'vm_state', 'vm_and_task_state'),
               help='Send instance.update when an instance changes state: '
                    '"vm_state" on vm_state changes, "vm_and_task_state" '
                    'on task_state changes too; unset (the default) never. '
                    'Sent by the compute at the ends of its builds and '
                    'actions.'),
    cfg.ListOpt('versioned_notifications_topics',
                default=['versioned_notifications'],
                help='Topics of the versioned notifications.'),
]


def register_opts(conf):
    conf.register_group(notifications_group)
    conf.register_opts(notifications_opts, group=notifications_group)


def list_opts():
    return {notifications_group: notifications_opts}
