"""Host maintenance (CloudStack's prepareHostForMaintenance and
cancelHostMaintenance, the compute API's os-hosts ``maintenance_mode``;
doc/cloudstack.md, "Host maintenance").

A host in maintenance is a compute host whose compute service is
disabled with the reason ``REASON``: the flag the scheduler honours
(ComputeFilter), so new deploys avoid it, and the one os-services shows
(``disabled_reason``). Nothing else is stored: the CloudStack resource
state of such a host is derived from its instances whenever it is read
(``resource_state``), the database being the source of truth, as for
async jobs:

* ``PrepareForMaintenance`` while an instance on the host has a task in
  progress (its live migration away, or anything else still running);
* ``ErrorInMaintenance`` when none has, but running, paused or ERROR
  instances are still on the host (a migration failed or could not
  start, e.g. no other host of the cluster had room);
* ``Maintenance`` when only stopped (or shelved, deleted) instances are
  left on it.

``prepare`` disables the service and live-migrates every running or
paused instance of the host with the scheduler choosing the destination
and ``block_migration`` 'auto': a migration that is not a block
migration stays in the host's cluster (``nova_lite.conductor.
live_migrate``), so the instances move to other hosts of the same
cluster. Stopped instances stay where they are, as in CloudStack (whose
stopped VMs are on no host): their disk lives on the host; an admin
moves one with a cold migration (migrateVirtualMachine). As CloudStack
(ResourceManagerImpl), prepare is refused while an instance of the host
is in transition or in ERROR, while a migration to the host is open, or
when the host is already in PrepareForMaintenance or Maintenance; from
ErrorInMaintenance it tries the instances left again. ``cancel``
enables the service (in any of the three states); enabling it through
os-services or updateHost ends maintenance as well.
"""
from oslo_log import log as logging

from nova_lite.compute import host_api
from nova_lite.compute import states
from nova_lite.db import instances as instance_db
from nova_lite.db import migrations_records as migration_db
from nova_lite.db import resize as resize_db
from nova_lite import exception
from nova_lite import servicegroup

LOG = logging.getLogger(__name__)

#: ``disabled_reason`` of a compute service in maintenance (exact).
REASON = 'Maintenance (prepareHostForMaintenance)'
#: CloudStack resource states (ResourceState) of a compute host.
ENABLED, DISABLED = 'Enabled', 'Disabled'
PREPARING = 'PrepareForMaintenance'
MAINTENANCE = 'Maintenance'
ERROR = 'ErrorInMaintenance'
#: The states ``cancel`` ends.
IN_MAINTENANCE = (PREPARING, MAINTENANCE, ERROR)
#: vm_states of an instance that must leave the host (live-migrated).
RUNNING = (states.ACTIVE, states.VM_PAUSED)
#: Migration statuses of a move that is not over.
_OPEN = resize_db.LIVE_OPEN + resize_db.OPEN + resize_db.EVACUATING


def in_maintenance(service):
    """True when ``service`` (a compute service dict, or None) was put
    into maintenance: disabled with ``REASON``."""
    return bool(service and service['disabled']
                and service.get('disabled_reason') == REASON)


def _blocking(instances):
    """(busy, left): instances with a task in progress, and those
    without a task that keep the host out of maintenance (running,
    paused, in ERROR or still building)."""
    busy = [i for i in instances if i.task_state is not None]
    left = [i for i in instances if i.task_state is None
            and i.vm_state in RUNNING + (states.ERROR, states.BUILDING)]
    return busy, left


def state_of(service, instances):
    """The resource state of a host from its compute ``service`` and
    the live ``instances`` on it (Records); see the module doc."""
    if not in_maintenance(service):
        return DISABLED if service and service['disabled'] else ENABLED
    busy, left = _blocking(instances)
    if busy:
        return PREPARING
    return ERROR if left else MAINTENANCE


def resource_state(context, service):
    """The resource state of the host of compute ``service`` (a dict or
    None); one SELECT for a host in maintenance, none otherwise."""
    if not in_maintenance(service):
        return state_of(service, ())
    return state_of(service, instance_db.instances_on_host(
        context, service['host']))


def left_behind(context, host):
    """Instances (Records) that keep ``host`` out of maintenance
    (running, paused, ERROR or building, with no task)."""
    return _blocking(instance_db.instances_on_host(context, host))[1]


def _check_can_prepare(context, service, instances):
    """:raises: Conflict (409) when the host may not enter maintenance
    now (see the module doc)"""
    host = service['host']
    state = state_of(service, instances)
    if state in (PREPARING, MAINTENANCE):
        raise exception.Conflict(reason='host %s is already in state %s'
                                 % (host, state))
    busy = [i.uuid for i in instances if i.task_state is not None]
    if busy:
        raise exception.Conflict(
            reason='host %s has instances in transition (%s): wait for '
            'them to complete' % (host, ', '.join(sorted(busy)[:5])))
    failed = [i.uuid for i in instances if i.vm_state == states.ERROR]
    if failed:
        raise exception.Conflict(
            reason='host %s has instances in error state (%s): fix them '
            'first' % (host, ', '.join(sorted(failed)[:5])))
    incoming = [m for m in migration_db.migration_get_all(
        context, {'host': host, 'status': list(_OPEN)})
        if m['dest_compute'] == host]
    if incoming:
        raise exception.Conflict(
            reason='host %s has incoming migrations (%s): wait for them '
            'to complete' % (host, incoming[0]['instance_uuid']))


def prepare(context, host, compute_api):
    """Put compute host ``host`` into maintenance: disable its compute
    service with ``REASON`` and live-migrate its running and paused
    instances (scheduler's choice of destination, block migration
    'auto', without waiting).

    :param compute_api: a ``nova_lite.compute.api.API``
    :returns: ``{"migrating": [uuid, ...], "refused": {uuid: reason}}``:
        the instances whose live migration started, and those whose
        migration was refused at once (they keep the host in
        ErrorInMaintenance)
    :raises: ComputeHostNotFound (404) for a host without compute
        service; Conflict (409) as ``_check_can_prepare``
    """
    service = host_api.compute_service_of(context, host)
    instances = instance_db.instances_on_host(context, host)
    _check_can_prepare(context, service, instances)
    host_api.service_update(context, host, servicegroup.COMPUTE,
                            {'disabled': True, 'disabled_reason': REASON})
    result = {'migrating': [], 'refused': {}}
    for instance in instances:
        if instance.vm_state not in RUNNING:
            continue
        try:
            compute_api.live_migrate(context, instance.uuid, host=None,
                                     block_migration='auto', wait=False)
        except exception.NovaLiteException as exc:
            LOG.warning('Maintenance of %s: %s cannot be live-migrated: %s',
                        host, instance.uuid, exc.format_message())
            result['refused'][instance.uuid] = exc.format_message()
        else:
            result['migrating'].append(instance.uuid)
    LOG.info('Host %s prepared for maintenance: %d instances migrating, '
             '%d refused', host, len(result['migrating']),
             len(result['refused']))
    return result


def cancel(context, host):
    """End the maintenance of ``host``: enable its compute service
    (live migrations still running go on).

    :raises: ComputeHostNotFound (404); Conflict (409) when the host is
        not in maintenance
    """
    service = host_api.compute_service_of(context, host)
    if not in_maintenance(service):
        raise exception.Conflict(
            reason='host %s is not in maintenance (resource state %s)' % (
                host, state_of(service, ())))
    host_api.service_update(context, host, servicegroup.COMPUTE,
                            {'disabled': False, 'disabled_reason': None})
    LOG.info('Maintenance of host %s cancelled', host)
