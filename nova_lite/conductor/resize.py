"""The conductor's part of a resize: schedule and claim the destination,
and the database writes of every compute step (the computes have no
database access; RPC API 1.4, ``conductor.rpcapi_resize``).

Claims (``nova_lite.db.resize``): the scheduler claims the new flavor on
the destination for the migration's uuid while the instance keeps its
claim of the old flavor on the source; a confirm drops the source claim
and hands the destination claim to the instance; a revert or a failure
drops the destination claim. Project quota usage is counted from the
instance row, whose flavor columns change when the destination finishes
(RESIZED) and back on a revert.

The failure rule (doc/lifecycle-resize.md): the migration becomes
'error', the destination claim is released and the instance is on its
source host with its old flavor; when the source guest is known to be
as before (``restored``: nothing moved yet, or the source compute put it
back) the server keeps its ACTIVE/STOPPED state with a fault recorded,
else it goes to ERROR with a fault (reset-state and a hard reboot bring
it back).
"""
from oslo_config import cfg
from oslo_log import log as logging
from oslo_serialization import jsonutils
import oslo_messaging as messaging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.db import actions as action_db
from nova_lite.db import instances as instance_db
from nova_lite.db import resize as resize_db
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import request_spec as spec_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
SCHEDULE_EVENT = 'conductor_migrate_server'
#: Task states of a resize in progress or of its revert.
IN_FLIGHT = states.RESIZE_TASKS + (states.RESIZE_REVERTING,)
_VIEW_KEYS = ('id', 'uuid', 'instance_uuid', 'status', 'source_compute',
              'source_node', 'dest_compute', 'dest_node', 'dest_host')


def migration_view(migration):
    """An RPC-safe dict of a migration dict: ``_VIEW_KEYS`` and the
    flavors as dicts (``old_flavor``, ``new_flavor``)."""
    view = {key: migration.get(key) for key in _VIEW_KEYS}
    for key in ('old_flavor', 'new_flavor'):
        view[key] = jsonutils.loads(migration[key]) \
            if migration.get(key) else None
    return view


def vm_state_for(power_state):
    """The vm_state of a settled server whose guest is in
    ``power_state``: ACTIVE when running, else STOPPED (as Nova's
    confirm and revert choose)."""
    return states.ACTIVE if power_state == states.RUNNING else \
        states.STOPPED


def _event(context, instance_uuid, host, event):
    if event is not None:
        action_db.action_event_record(
            context, instance_uuid, event['name'], event['result'], host,
            compute_utils.parse_isotime(event.get('start')),
            details=event.get('details'),
            finish_action=event.get('finish_action', False))


def _update(context, instance_uuid, values, fault=None, **expected):
    """Conditional instance write; True when it matched."""
    try:
        instance_db.instance_update(context, instance_uuid, values,
                                    fault=fault, **expected)
        return True
    except (exception.InstanceNotFound,
            exception.UnexpectedTaskStateError) as exc:
        LOG.info('Resize step of %s not recorded: %s', instance_uuid, exc)
        return False


#: The conditional instance write and the action event record of a move
#: step, shared with ``conductor.evacuate``.
update_if = _update
record_event = _event


# ------------------------------------------------ compute steps (1.4)

def migration_get(context, migration_uuid=None, instance_uuid=None):
    """``migration_view`` of the migration, or of the open resize of
    ``instance_uuid`` (``db.resize.open_resize``); None when there is
    none."""
    if migration_uuid is None:
        found = resize_db.open_resize(context, instance_uuid)
        return migration_view(found) if found else None
    try:
        return migration_view(resize_db.migration_get(context,
                                                      migration_uuid))
    except exception.MigrationNotFound:
        return None


def resize_update(context, instance_uuid, migration_uuid, values,
                  migration_values, expected_task_state, host, event=None):
    """A step: ``values`` if the task state is ``expected_task_state``,
    then the migration's ``migration_values`` and ``event``."""
    if not _update(context, instance_uuid, values,
                   expected_task_state=expected_task_state):
        return False
    if migration_values:
        resize_db.migration_update(context, migration_uuid,
                                   migration_values)
    _event(context, instance_uuid, host, event)
    return True


def resize_finished(context, instance_uuid, migration_uuid, host, node,
                    power_state, event):
    """The new guest runs on ``host``: the new flavor, RESIZED."""
    migration = resize_db.migration_get(context, migration_uuid)
    values = resize_db.flavor_values(jsonutils.loads(
        migration['new_flavor']))
    values.update(host=host, node=node, vm_state=states.RESIZED,
                  task_state=None, power_state=power_state)
    if not _update(context, instance_uuid, values,
                   expected_task_state=states.RESIZE_FINISH):
        return False
    resize_db.migration_update(context, migration_uuid,
                               {'status': 'finished'})
    _event(context, instance_uuid, host, event)
    return True


def resize_confirmed(context, instance_uuid, migration_uuid, host, event):
    """The source guest is removed: swap the claims, settle the state."""
    try:
        row = instance_db.instance_get(context, instance_uuid)
    except exception.InstanceNotFound:
        resize_db.drop_claim(context, migration_uuid)
        return False
    resize_db.confirm_claims(context, instance_uuid, migration_uuid)
    matched = _update(context, instance_uuid,
                      {'vm_state': vm_state_for(row.power_state)},
                      expected_vm_state=states.RESIZED,
                      expected_task_state=None)
    resize_db.migration_update(context, migration_uuid,
                               {'status': 'confirmed'},
                               expected_status=('confirming', 'finished'))
    _event(context, instance_uuid, host, event)
    return matched


def resize_reverted(context, instance_uuid, migration_uuid, power_state,
                    host, event):
    """The source guest runs again: old flavor on the source host."""
    migration = resize_db.migration_get(context, migration_uuid)
    values = resize_db.flavor_values(jsonutils.loads(
        migration['old_flavor']))
    values.update(host=migration['source_compute'],
                  node=migration['source_node'], task_state=None,
                  vm_state=vm_state_for(power_state),
                  power_state=power_state)
    if not _update(context, instance_uuid, values,
                   expected_task_state=states.RESIZE_REVERTING):
        return False
    resize_db.drop_claim(context, migration_uuid)
    resize_db.migration_update(context, migration_uuid,
                               {'status': 'reverted'})
    _event(context, instance_uuid, host, event)
    return True


def resize_failed(context, instance_uuid, migration_uuid, message, host,
                  event, restored=True):
    """See the module doc's failure rule; True when it matched."""
    migration = resize_db.migration_get(context, migration_uuid)
    try:
        row = instance_db.instance_get(context, instance_uuid)
    except exception.InstanceNotFound:
        resize_db.drop_claim(context, migration_uuid)
        return False
    values = resize_db.flavor_values(jsonutils.loads(
        migration['old_flavor']))
    values.update(host=migration['source_compute'],
                  node=migration['source_node'], task_state=None)
    if not restored:
        values['vm_state'] = states.ERROR
    elif row.vm_state not in (states.ACTIVE, states.STOPPED):
        values['vm_state'] = vm_state_for(row.power_state)
    fault = {'code': 500, 'message': message[:255], 'host': host,
             'details': None}
    try:
        # One transaction: the server's ERROR never shows beside its
        # migration still in flight.
        resize_db.fail_move(context, instance_uuid, migration_uuid, values,
                            fault, IN_FLIGHT, {'status': 'error'})
    except (exception.InstanceNotFound,
            exception.UnexpectedTaskStateError) as exc:
        LOG.info('Resize failure of %s not recorded: %s', instance_uuid,
                 exc)
        return False
    _event(context, instance_uuid, host, event)
    LOG.warning('Resize of %s failed (%s): %s', instance_uuid,
                'restored' if restored else 'ERROR', message)
    return True


# ----------------------------------------------------- scheduling (1.4)

def request_spec(instance, flavor):
    """The RequestSpec of a resize of ``instance`` (a row) to ``flavor``
    (dict): the source host is ignored unless ``[DEFAULT]
    allow_resize_to_same_host``. Server group policies are not applied
    to resizes (doc/lifecycle-resize.md)."""
    ignore = [] if CONF.allow_resize_to_same_host else [instance.host]
    return spec_obj.RequestSpec(
        project_id=instance.project_id, user_id=instance.user_id,
        flavor=instance_obj.Flavor.from_dict(flavor), image=None,
        num_instances=1, availability_zone=instance.availability_zone,
        scheduler_hints={}, ignore_hosts=ignore)


class ResizeFlow:
    """Schedules resizes; ``scheduler`` and ``compute`` are RPC
    clients."""

    def __init__(self, scheduler_rpcapi, compute_rpcapi):
        self.scheduler = scheduler_rpcapi
        self.compute = compute_rpcapi

    def resize_instance(self, context, instance_uuid, migration_uuid):
        """Claim a destination for the migration and cast
        ``prep_resize`` to it; a failure follows the failure rule
        (nothing moved: the server keeps its state, with a fault)."""
        try:
            self.schedule(context, instance_uuid, migration_uuid)
        except exception.NoValidHost:
            return

    def schedule(self, context, instance_uuid, migration_uuid, spec=None):
        """Claim a destination for the resize or cold migration
        ``migration_uuid`` (``spec``: its RequestSpec, by default
        ``request_spec``'s), record it and cast ``prep_resize`` to it.

        :returns: the destination host name, or None when there is
            nothing to do (the instance or migration is gone or moved on)
        :raises: NoValidHost (after the failure rule: nothing moved, the
            server keeps its state with a fault; a scheduler timeout is
            reported as one)
        """
        start = compute_utils.utcnow()
        try:
            row = instance_db.instance_get(context, instance_uuid)
            migration = resize_db.migration_get(context, migration_uuid)
        except (exception.InstanceNotFound, exception.MigrationNotFound):
            return None
        if row.task_state != states.RESIZE_PREP:
            LOG.info('Not scheduling resize %s: %s is %s', migration_uuid,
                     instance_uuid, row.task_state)
            return None
        if spec is None:
            spec = request_spec(row, jsonutils.loads(migration['new_flavor']))
        try:
            (selection, *_rest), = self.scheduler.select_destinations(
                context, spec, [migration_uuid], return_alternates=False)
        except (exception.NoValidHost, messaging.MessagingTimeout) as exc:
            message = exc.format_message() if isinstance(
                exc, exception.NoValidHost) else \
                'Timed out waiting for the scheduler'
            resize_failed(context, instance_uuid, migration_uuid, message,
                          None, self._event(start, 'Error', message))
            if isinstance(exc, exception.NoValidHost):
                raise
            raise exception.NoValidHost(reason=message) from exc
        resize_db.migration_update(context, migration_uuid, {
            'dest_compute': selection.service_host,
            'dest_node': selection.nodename,
            'dest_host': selection.service_host})
        _event(context, instance_uuid, None, self._event(start, 'Success'))
        self.compute.prep_resize(context, selection.service_host,
                                 instance_uuid, migration_uuid)
        return selection.service_host

    @staticmethod
    def _event(start, result, details=None):
        return {'name': SCHEDULE_EVENT, 'result': result,
                'start': compute_utils.isotime(start), 'details': details,
                'finish_action': result != 'Success'}


class ResizeEndpoint:
    """The conductor's resize methods (mixed into ``ConductorManager``;
    uses its ``build_flow``'s scheduler and compute clients)."""

    def _resize_flow(self):
        return ResizeFlow(self.build_flow.scheduler, self.build_flow.compute)

    def resize_instance(self, context, instance_uuid, migration_uuid):
        self._resize_flow().resize_instance(context, instance_uuid,
                                            migration_uuid)

    def migration_get(self, context, migration_uuid=None,
                      instance_uuid=None):
        return migration_get(context, migration_uuid, instance_uuid)

    def resize_update(self, context, **kwargs):
        return resize_update(context, **kwargs)

    def resize_finished(self, context, **kwargs):
        return resize_finished(context, **kwargs)

    def resize_confirmed(self, context, **kwargs):
        return resize_confirmed(context, **kwargs)

    def resize_reverted(self, context, **kwargs):
        return resize_reverted(context, **kwargs)

    def resize_failed(self, context, **kwargs):
        return resize_failed(context, **kwargs)
