"""instance.update from the API's changes to a server.

Nova sends instance.update at every save of an instance when
``[notifications] notify_on_state_change`` is set: a state change, or a
"regular" update (a rename, with ``old_display_name``; a lock; new
metadata). The compute sends those of the states it drives; the service
layer of both APIs (``compute.api``) sends these, built from the rows it
read for the change: no event costs an SQL statement, and nothing is
built while the option is unset.
"""
from oslo_config import cfg

from nova_lite import notifications
from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF

#: Instance columns the payload takes that ``objects.Instance`` lacks.
_ROW_FIELDS = ('locked', 'locked_reason', 'display_description',
               'launched_at', 'terminated_at', 'updated_at')


def server_changed(context, before, after=None, **changes):
    """Send the instance.update of a change the API made.

    :param before: the server's row (``db.session.Record``) as read
        before the change
    :param after: its row read after the change, when the caller has it
    :param changes: payload fields the change set and ``after`` lacks
        (``state`` / ``task_state`` for the new vm/task state,
        ``locked``, ``locked_reason``, ``metadata``)
    """
    if not notifications.updates_enabled():
        return
    row = after if after is not None else before
    values = {name: getattr(row, name, None) for name in _ROW_FIELDS}
    values['locked'] = bool(values['locked'])
    values.update(changes)
    old_name = None
    if after is not None and after.display_name != before.display_name:
        old_name = before.display_name
    notifications.instance_update(
        context, instance_obj.Instance.from_db(row), CONF.host,
        before.vm_state, before.task_state, binary=notifications.API,
        regular=True, old_display_name=old_name, **values)
