"""Migration of a VM (CloudStack API reference, "Virtual Machine":
migrateVirtualMachine, migrateVirtualMachineWithVolume), over the
compute API's ``migrate`` (``nova_lite.compute.api_migrate``) and
``os-migrateLive`` (``nova_lite.compute.api_live_migrate``);
doc/migrations-servers.md.

migrateVirtualMachine (async, admin):

* a Stopped VM is cold-migrated to the host ``hostid`` (a host id of
  listHosts) or, without it, to one the scheduler chooses; the job
  confirms the migration when it reaches VERIFY_RESIZE (when polled)
  and succeeds with the VM on its new host, or fails with the
  migration's fault;
* a Running VM is live-migrated to ``hostid`` (required, as in
  CloudStack), its disk copied when the hosts share no storage; the VM
  is Migrating meanwhile; the job succeeds with it Running on its new
  host, or fails (the VM still Running on its source) with the fault.

``storageid`` (a volume migration) is refused: nova_lite has no storage
pools. migrateVirtualMachineWithVolume moves a Running VM's disk with
it (a live block migration to ``hostid``), a Stopped VM as
migrateVirtualMachine does.
"""
from nova_lite.api.cloudstack.commands import vm_scale
from nova_lite.api.cloudstack.commands import vm_snapshots
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import ADMIN
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.compute import host_api
from nova_lite.compute import instance_actions as action_api
from nova_lite.compute import states
from nova_lite import exception
from nova_lite.policies import admin_actions as admin_policies

_PARAMS = (
    P.Parameter('virtualmachineid', P.UUID, required=True,
                description='the ID of the virtual machine'),
    P.Parameter('hostid', P.UUID,
                description='the destination host (default: the '
                            'scheduler chooses one)'),
    P.Parameter('storageid', P.UUID,
                description='not supported: nova_lite has no storage '
                            'pools'),
)


def _host_name(request):
    """The compute host of ``hostid`` (None without it).

    :raises: InvalidParameter (431) for an unknown host
    """
    host_id = request.params['hostid']
    if not host_id:
        return None
    for node in host_api.compute_hosts(request.context):
        if node['uuid'] == host_id:
            return node['host']
    raise vms.invalid(request, 'hostid', host_id, 'no such host')


def _start(request, block_migration='auto'):
    """Check and start the cold or live migration; (instance, live)."""
    if request.params.get('storageid'):
        raise vms.invalid(request, 'storageid', request.params['storageid'],
                          'volume migration is not supported')
    instance = vms.get_instance(request, 'virtualmachineid')
    running = instance.vm_state in (states.ACTIVE, states.VM_PAUSED)
    if not (running or instance.vm_state == states.STOPPED) or \
            instance.task_state:
        raise errors.InvalidParameter(
            'Unable to execute API command %s: virtual machine %s is %s; '
            'only a Running or Stopped VM can be migrated' % (
                request.command.name.lower(), instance.uuid,
                views.vm_state(instance.vm_state, instance.task_state)))
    vm_snapshots.refuse_if_snapshots(request, instance, 'migrate')
    if running:
        return _start_live(request, instance, block_migration), True
    host = _host_name(request)
    if host is not None:
        request.authorize(admin_policies.MIGRATE_HOST)
    try:
        request.compute_api.migrate(request.context, instance.uuid,
                                    host=host)
    except exception.Invalid as exc:
        raise errors.InvalidParameter(
            'Unable to migrate virtual machine %s: %s' % (
                instance.uuid, exc.kwargs.get('reason', exc))) from None
    return instance, False


def _start_live(request, instance, block_migration):
    """Start the live migration of a Running VM to ``hostid``."""
    request.authorize(admin_policies.MIGRATE_LIVE)
    host = _host_name(request)
    if host is None:
        raise errors.InvalidParameter(
            'Unable to execute API command %s: hostid is required to '
            'migrate a Running virtual machine' % (
                request.command.name.lower()))
    try:
        request.compute_api.live_migrate(
            request.context, instance.uuid, host=host,
            block_migration=block_migration, wait=False)
    except exception.Invalid as exc:
        raise errors.InvalidParameter(
            'Unable to migrate virtual machine %s: %s' % (
                instance.uuid, exc.kwargs.get('reason', exc))) from None
    return instance


def _resolve_live(request, job):
    """Done when the newest live migration of the job's VM completed
    and the VM has no task; failed when it ended otherwise."""
    ctx = request.context
    migration = vm_scale._latest_resize(ctx, job['instance_uuid'],
                                        'live-migration')
    try:
        instance = request.compute_api.get(ctx, job['instance_uuid'])
    except exception.InstanceNotFound:
        return jobs.FAILED, errors.INTERNAL_ERROR, {
            'errorcode': errors.INTERNAL_ERROR,
            'errortext': 'Virtual machine %s was destroyed.'
            % job['instance_uuid']}
    status = migration['status'] if migration else 'error'
    if status in ('error', 'failed', 'cancelled'):
        if instance.task_state is not None:
            return None
        return jobs.FAILED, errors.INTERNAL_ERROR, {
            'errorcode': errors.INTERNAL_ERROR,
            'errortext': 'Failed to migrate virtual machine %s: %s' % (
                instance.uuid, _live_error(ctx, job) or
                'live migration %s' % status)}
    if status != 'completed' or instance.task_state is not None:
        return None
    view = vm_views.VirtualMachineViews.load(request, [instance])
    return jobs.SUCCEEDED, 0, {'virtualmachine': view.render(instance)}


def _live_error(context, job):
    """The details of the last failed event of the job's live-migration
    action (the computes' error), or None."""
    act = action_api.latest(context, job['instance_uuid'], 'live-migration',
                            job['created_at'])
    failed = [e for e in (act.events if act else ()) if
              e.result == 'Error' and e.details]
    return failed[-1].details if failed else None


def _resolve(request, job):
    if job['expected_state'] == 'Running':
        return _resolve_live(request, job)
    outcome, value = vm_scale.step(request, job['instance_uuid'],
                                   'migration', 'migrate')
    if outcome == 'pending':
        return None
    if outcome == 'failed':
        return jobs.FAILED, errors.INTERNAL_ERROR, {
            'errorcode': errors.INTERNAL_ERROR, 'errortext': value}
    view = vm_views.VirtualMachineViews.load(request, [value])
    return jobs.SUCCEEDED, 0, {'virtualmachine': view.render(value)}


jobs.register_resolver('migrateVirtualMachine', _resolve)
jobs.register_resolver('migrateVirtualMachineWithVolume', _resolve)


@command('migrateVirtualMachine', is_async=True, role=ADMIN,
         response_object='virtualmachine', params=_PARAMS)
def migrate_virtual_machine(request):
    """Attempts migration of a VM to a different host (live when it
    runs)."""
    request.authorize(admin_policies.MIGRATE)
    instance, live = _start(request)
    job = jobs.create(request, instance.uuid,
                      'Running' if live else 'Stopped')
    return {'jobid': job['uuid']}


@command('migrateVirtualMachineWithVolume', is_async=True, role=ADMIN,
         response_object='virtualmachine', params=_PARAMS[:2])
def migrate_virtual_machine_with_volume(request):
    """Attempts migration of a VM with its volumes to a different host
    (a live block migration when it runs)."""
    request.authorize(admin_policies.MIGRATE)
    instance, live = _start(request, block_migration=True)
    job = jobs.create(request, instance.uuid,
                      'Running' if live else 'Stopped')
    return {'jobid': job['uuid']}
