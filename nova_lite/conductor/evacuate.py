"""The conductor's part of an evacuation (RPC API 1.10,
``conductor.rpcapi_migrate``): a server whose compute service is down
is rebuilt from its image on another host (doc/migrations-servers.md).

Steps and claims (``nova_lite.db.resize``):

* the API records the migration (type 'evacuation', status 'accepted',
  the server's flavor) with task_state ``rebuilding`` and casts
  ``evacuate_server``;
* the scheduler claims a destination other than the source (only the
  named ``host`` when given) for the **migration's uuid**; the migration
  becomes 'pre-migrating' and the destination compute is cast
  ``evacuate_instance``; no host: the migration is 'error', the server
  keeps its state with a fault;
* the destination spawns the guest and calls ``evacuate_finished``: in
  one transaction the source claim is released and the destination
  claim handed to the instance, the instance's host is the destination,
  the migration 'done'; a failure (``evacuate_failed``) releases the
  destination claim, the migration is 'failed', the server ERROR on its
  source with a fault (it can be evacuated again);
* the source compute, when it comes back, destroys the guests of the
  evacuations of its host (``evacuations_to_clean``) and marks the
  'done' ones 'completed' (``evacuation_cleaned``).
"""
from oslo_log import log as logging
from oslo_serialization import jsonutils
import oslo_messaging as messaging

from nova_lite.compute import states
from nova_lite.compute import utils as compute_utils
from nova_lite.conductor import resize
from nova_lite.db import instances as instance_db
from nova_lite.db import resize as resize_db
from nova_lite import exception

LOG = logging.getLogger(__name__)
SCHEDULE_EVENT = 'conductor_rebuild_server'
#: Task states of an evacuation (set by the API, then the destination).
TASKS = (states.REBUILDING, states.REBUILD_SPAWNING)
#: Statuses whose source guest the source compute removes at its start.
TO_CLEAN = resize_db.EVACUATING + ('done',)


def evacuate_spec(instance, flavor, host=None):
    """The RequestSpec of an evacuation of ``instance`` (a row) with its
    ``flavor`` (dict): never the source, only ``host`` when given."""
    spec = resize.request_spec(instance, flavor)
    spec.ignore_hosts = [instance.host]
    spec.requested_host = host
    return spec


def _event(start, name, result, details=None, finish=None):
    return {'name': name, 'result': result,
            'start': compute_utils.isotime(start), 'details': details,
            'finish_action': result != 'Success' if finish is None
            else finish}


def evacuate_finished(context, instance_uuid, migration_uuid, host, node,
                      vm_state, power_state, event):
    """The destination runs the guest: host ``host``/``node``, the
    claims swapped, migration 'done', in one transaction; True when the
    instance was still being evacuated."""
    try:
        resize_db.finish_move(context, instance_uuid, migration_uuid, {
            'host': host, 'node': node, 'vm_state': vm_state,
            'task_state': None, 'power_state': power_state},
            states.REBUILD_SPAWNING, {'status': 'done'})
    except (exception.InstanceNotFound,
            exception.UnexpectedTaskStateError) as exc:
        LOG.info('Evacuation of %s not recorded: %s', instance_uuid, exc)
        resize_db.drop_claim(context, migration_uuid)
        return False
    resize.record_event(context, instance_uuid, host, event)
    LOG.info('Evacuated %s to %s', instance_uuid, host)
    return True


def evacuate_failed(context, instance_uuid, migration_uuid, message, host,
                    event, scheduled=True):
    """See the module doc: with ``scheduled`` (a destination was chosen)
    ERROR on the source and migration 'failed', else the server keeps
    its state and the migration is 'error'; True when it matched."""
    values = {'task_state': None}
    if scheduled:
        values.update(vm_state=states.ERROR, power_state=states.NOSTATE)
    fault = {'code': 500, 'message': message[:255], 'host': host,
             'details': None}
    status = {'status': 'failed' if scheduled else 'error'}
    try:
        # One transaction: the server's ERROR never shows beside its
        # migration still in flight.
        resize_db.fail_move(context, instance_uuid, migration_uuid, values,
                            fault, TASKS, status,
                            expected_status=resize_db.EVACUATING)
        matched = True
    except (exception.InstanceNotFound,
            exception.UnexpectedTaskStateError) as exc:
        LOG.info('Evacuation failure of %s not recorded on the server: '
                 '%s', instance_uuid, exc)
        matched = False
        resize_db.drop_claim(context, migration_uuid)
        resize_db.migration_update(context, migration_uuid, status,
                                   expected_status=resize_db.EVACUATING)
    if matched:
        resize.record_event(context, instance_uuid, host, event)
    LOG.warning('Evacuation of %s failed: %s', instance_uuid, message)
    return matched


def evacuations_to_clean(context, host):
    """The evacuations away from ``host`` whose source guest is to be
    removed (statuses ``TO_CLEAN``), as ``migration_view``s."""
    return [resize.migration_view(m) for m in resize_db.evacuations(
        context, TO_CLEAN, source_compute=host)]


def evacuation_cleaned(context, migration_uuid):
    """The source guest of a 'done' evacuation is gone: 'completed'."""
    return resize_db.migration_update(context, migration_uuid,
                                      {'status': 'completed'},
                                      expected_status='done')


class EvacuateFlow:
    """Schedules evacuations; ``scheduler`` and ``compute`` are RPC
    clients."""

    def __init__(self, scheduler_rpcapi, compute_rpcapi):
        self.scheduler = scheduler_rpcapi
        self.compute = compute_rpcapi

    def evacuate_server(self, context, instance_uuid, migration_uuid,
                        host=None, target_state=None):
        """Claim a destination and cast ``evacuate_instance`` to it
        (``target_state``: 'stopped' from microversion 2.95, else
        None: the server's own state)."""
        start = compute_utils.utcnow()
        try:
            row = instance_db.instance_get(context, instance_uuid)
            migration = resize_db.migration_get(context, migration_uuid)
        except (exception.InstanceNotFound, exception.MigrationNotFound):
            return None
        if row.task_state != states.REBUILDING or \
                migration['status'] != 'accepted':
            return None
        spec = evacuate_spec(row, jsonutils.loads(migration['new_flavor']),
                             host)
        try:
            (selection, *_rest), = self.scheduler.select_destinations(
                context, spec, [migration_uuid], return_alternates=False)
        except (exception.NoValidHost, messaging.MessagingTimeout) as exc:
            message = exc.format_message() if isinstance(
                exc, exception.NoValidHost) else \
                'Timed out waiting for the scheduler'
            evacuate_failed(context, instance_uuid, migration_uuid, message,
                            None, _event(start, SCHEDULE_EVENT, 'Error',
                                         message), scheduled=False)
            return None
        resize_db.migration_update(context, migration_uuid, {
            'status': 'pre-migrating',
            'dest_compute': selection.service_host,
            'dest_node': selection.nodename,
            'dest_host': selection.service_host})
        resize.record_event(context, instance_uuid, None,
                      _event(start, SCHEDULE_EVENT, 'Success'))
        self.compute.evacuate_instance(
            context, selection.service_host, instance_uuid, migration_uuid,
            target_state=target_state)
        return selection.service_host


class EvacuateEndpoint:
    """The conductor's evacuation methods (mixed into
    ``ConductorManager``; uses its ``build_flow``'s clients)."""

    def evacuate_server(self, context, instance_uuid, migration_uuid,
                        host=None, target_state=None):
        EvacuateFlow(self.build_flow.scheduler,
                     self.build_flow.compute).evacuate_server(
            context, instance_uuid, migration_uuid, host, target_state)

    def evacuate_finished(self, context, **kwargs):
        return evacuate_finished(context, **kwargs)

    def evacuate_failed(self, context, **kwargs):
        return evacuate_failed(context, **kwargs)

    def evacuations_to_clean(self, context, host):
        return evacuations_to_clean(context, host)

    def evacuation_cleaned(self, context, migration_uuid):
        return evacuation_cleaned(context, migration_uuid)
