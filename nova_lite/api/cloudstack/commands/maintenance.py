"""Host maintenance (CloudStack API reference, "Host":
prepareHostForMaintenance, cancelHostMaintenance), admin only, over
``nova_lite.compute.maintenance`` (doc/cloudstack.md, "Host
maintenance").

prepareHostForMaintenance (async) disables the host's compute service
(reason ``maintenance.REASON``) and live-migrates its running VMs to
other hosts of its cluster; the job is resolved when polled, from the
host's derived resource state: PrepareForMaintenance → pending,
Maintenance → succeeded with the host, ErrorInMaintenance → failed
naming the VMs left on it and why, Enabled/Disabled (maintenance
cancelled meanwhile) → failed. cancelHostMaintenance (async, complete
when returned) enables the host again. Events: MAINT.PREPARE (Started
when asked, Completed INFO or ERROR when its job completes; ERROR for
each VM whose live migration could not start) and MAINT.CANCEL.

Policy: the compute API's ``os_compute_api:os-hosts:update`` (the rule
of os-hosts ``maintenance_mode``) and, for prepare,
``os_compute_api:os-migrate-server:migrate_live``.
"""
import datetime

from nova_lite.api.cloudstack.commands import admin
from nova_lite.api.cloudstack.commands import events
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import views
from nova_lite.cloudstack import events as cs_events
from nova_lite.compute import cluster_api
from nova_lite.compute import instance_actions as action_api
from nova_lite.compute import maintenance
from nova_lite import exception
from nova_lite.policies import admin_actions as admin_policies
from nova_lite.policies import hosts as host_policies

HOST = 'Host'
#: How long before its job a live migration may have started and still
#: be the one the job started (the job is recorded after them).
_SLACK = datetime.timedelta(seconds=60)
_ID = P.Parameter('id', P.UUID, 'the host ID', required=True)


def _node(request, host_uuid):
    nodes = [n for n in cluster_api.hosts(request.context)
             if n['uuid'] == host_uuid]
    return nodes[0] if nodes else None


def _engine_error(exc):
    """The CloudStack error of a maintenance refusal (409 → 536)."""
    return errors.from_exception(exc)


@command('prepareHostForMaintenance', is_async=True, role=ADMIN,
         response_object='host', params=(_ID,))
def prepare_host_for_maintenance(request):
    """Prepares a host for maintenance: its running VMs live-migrate to
    other hosts of its cluster, new VMs avoid it."""
    request.authorize(host_policies.HOSTS % 'update')
    request.authorize(admin_policies.MIGRATE_LIVE)
    node = admin.find_host(request, request.params['id'])
    try:
        result = maintenance.prepare(request.context, node['host'],
                                     request.compute_api)
    except exception.NovaLiteException as exc:
        raise _engine_error(exc) from None
    events.record(request, 'MAINT.PREPARE', 'starting maintenance for host '
                  '%s: %d VMs to migrate' % (node['host'],
                                             len(result['migrating']) +
                                             len(result['refused'])),
                  node['uuid'], state=cs_events.STARTED)
    for instance_uuid, reason in sorted(result['refused'].items()):
        events.record(request, 'MAINT.PREPARE', 'maintenance of host %s: '
                      'VM %s cannot be migrated: %s' % (
                          node['host'], instance_uuid, reason),
                      node['uuid'], level='ERROR')
    job = jobs.create(request, node['uuid'], resource_type=HOST)
    return {'jobid': job['uuid']}


def _why(request, job, instance):
    """Why ``instance`` (a Record) is still on the host: the failed
    live migration's error, else its state."""
    act = action_api.latest(request.context, instance.uuid,
                            'live-migration', job['created_at'])
    failed = [e.details for e in (act.events if act else ())
              if e.result == 'Error' and e.details]
    if failed and act.start_time >= job['created_at'] - _SLACK:
        return failed[-1]
    return 'it is %s; its live migration did not start (see listEvents)' % (
        views.vm_state(instance.vm_state, instance.task_state))


def _failed(text):
    return jobs.FAILED, errors.INTERNAL_ERROR, {
        'errorcode': errors.INTERNAL_ERROR, 'errortext': text}


def _resolve_prepare(request, job):
    node = _node(request, job['instance_uuid'])
    if node is None:
        return _failed('Host %s is gone.' % job['instance_uuid'])
    state = maintenance.resource_state(request.context, node['service'])
    if state == maintenance.PREPARING:
        return None
    if state == maintenance.MAINTENANCE:
        return jobs.SUCCEEDED, 0, {'host': admin.host_view(request, node)}
    if state == maintenance.ERROR:
        left = maintenance.left_behind(request.context, node['host'])
        return _failed('Unable to prepare host %s for maintenance: VMs '
                       'left on it: %s' % (node['host'], '; '.join(
                           '%s (%s): %s' % (i.display_name, i.uuid,
                                            _why(request, job, i))
                           for i in left)))
    return _failed('The maintenance of host %s was cancelled; it is %s.'
                   % (node['host'], state))


def _prepare_done(request, job, status, result):
    node_uuid = job['instance_uuid']
    if status == jobs.SUCCEEDED:
        events.record(request, 'MAINT.PREPARE', 'completed maintenance for '
                      'host %s' % node_uuid, node_uuid)
    else:
        events.record(request, 'MAINT.PREPARE', result['errortext'],
                      node_uuid, level='ERROR')


jobs.register_resolver('prepareHostForMaintenance', _resolve_prepare,
                       on_done=_prepare_done)


@command('cancelHostMaintenance', is_async=True, role=ADMIN,
         response_object='host', params=(_ID,))
def cancel_host_maintenance(request):
    """Cancels the maintenance of a host: it takes new VMs again."""
    request.authorize(host_policies.HOSTS % 'update')
    node = admin.find_host(request, request.params['id'])
    try:
        maintenance.cancel(request.context, node['host'])
    except exception.NovaLiteException as exc:
        raise _engine_error(exc) from None
    events.record(request, 'MAINT.CANCEL', 'canceling maintenance for host '
                  '%s' % node['host'], node['uuid'])
    view = admin.host_view(request, _node(request, node['uuid']))
    job = jobs.create(request, node['uuid'], resource_type=HOST,
                      result={'host': view})
    return {'jobid': job['uuid']}
