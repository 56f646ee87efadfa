"""Cold migration of a VM (CloudStack API reference, "Virtual Machine":
migrateVirtualMachine), over the compute API's ``migrate``
(``nova_lite.compute.api_migrate``; doc/migrations-servers.md).

migrateVirtualMachine (async, admin): a Stopped VM (a Running one would
need live migration, which nova_lite does not do: 431) moves to the host
``hostid`` (a host id of listHosts) or, without it, to one the scheduler
chooses; the job confirms the migration when it reaches VERIFY_RESIZE
(when polled) and succeeds with the VM on its new host, or fails with
the migration's fault. ``storageid`` (a volume migration) is refused:
nova_lite has no storage pools.
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


def _start(request):
    """Check and start the cold migration; the instance."""
    if request.params['storageid']:
        raise vms.invalid(request, 'storageid', request.params['storageid'],
                          'volume migration is not supported')
    instance = vms.get_instance(request, 'virtualmachineid')
    if instance.vm_state != states.STOPPED or instance.task_state:
        raise errors.InvalidParameter(
            'Unable to execute API command migratevirtualmachine: virtual '
            'machine %s is %s; only a Stopped VM can be migrated (no live '
            'migration)' % (instance.uuid, views.vm_state(
                instance.vm_state, instance.task_state)))
    vm_snapshots.refuse_if_snapshots(request, instance, 'migrate')
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
    return instance


def _resolve(request, job):
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


@command('migrateVirtualMachine', is_async=True, role=ADMIN,
         response_object='virtualmachine', params=_PARAMS)
def migrate_virtual_machine(request):
    """Attempts migration of a Stopped VM to a different host."""
    request.authorize(admin_policies.MIGRATE)
    instance = _start(request)
    job = jobs.create(request, instance.uuid, 'Stopped')
    return {'jobid': job['uuid']}
