"""Service offering changes of a VM (CloudStack API reference, "Virtual
Machine": scaleVirtualMachine, changeServiceForVirtualMachine), over the
compute API's resize (``nova_lite.compute.api_resize``).

CloudStack scales a running VM in place only with dynamic scaling (a
hypervisor hot-plugging vCPUs and memory); nova_lite has none, so both
commands resize and confirm at once: the guest is powered off, moved to
the new offering (same host or another, as the scheduler picks) and
started again when it ran. doc/lifecycle-resize.md has the mapping.

* scaleVirtualMachine (async): a Running or Stopped VM; its job starts
  the resize, confirms it when it reaches VERIFY_RESIZE (when polled:
  ``jobs``) and succeeds with the VM once confirmed, or fails with the
  resize's fault.
* changeServiceForVirtualMachine (sync): a Stopped VM only (as in
  CloudStack); the command waits, up to ``[cloudstack]
  change_service_timeout`` seconds, for the resize and its confirmation
  and answers the VM.
"""
import time

from nova_lite.api.cloudstack.commands import vm_snapshots
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.compute import states
from nova_lite.compute import migrations as migration_api
from nova_lite import exception

SERVERS = vms.SERVERS
#: Seconds between two reads of a VM changeServiceForVirtualMachine
#: waits for (tests replace ``wait`` to drive the engine instead).
POLL_INTERVAL = 0.25
wait = time.sleep

_PARAMS = (
    P.Parameter('id', P.UUID, required=True, description='the VM ID'),
    P.Parameter('serviceofferingid', required=True,
                description='the new service offering (flavor) ID'),
)


def _latest_resize(context, instance_uuid, migration_type='resize'):
    """The newest migration of ``migration_type`` of the instance (dict),
    or None."""
    rows = migration_api.get_all(
        context.elevated(), {'instance_uuid': instance_uuid,
                             'migration_type': migration_type}, limit=1)
    return rows[0] if rows else None


def _start(request, allowed):
    """Check and start the resize of the ``id`` VM; the instance.

    :raises: InvalidParameter (431) when the VM is not in ``allowed``
        vm_states, has VM snapshots (as CloudStack refuses) or the
        offering is unknown; the engine's errors
        (``errors.from_exception``)
    """
    instance = vms.get_instance(request)
    request.authorize(SERVERS % 'resize', {
        'project_id': instance.project_id, 'user_id': instance.user_id})
    if instance.vm_state not in allowed or instance.task_state:
        raise errors.InvalidParameter(
            'Unable to execute API command %s: virtual machine %s is %s' % (
                request.command.name.lower(), instance.uuid,
                views.vm_state(instance.vm_state, instance.task_state)))
    vm_snapshots.refuse_if_snapshots(request, instance,
                                     'change the service offering of')
    try:
        request.compute_api.resize(request.context, instance.uuid,
                                   request.params['serviceofferingid'])
    except exception.Invalid as exc:
        raise vms.invalid(request, 'serviceofferingid',
                          request.params['serviceofferingid'],
                          exc.kwargs.get('reason', 'unusable')) from None
    return instance


def step(request, instance_uuid, migration_type='resize', what='scale'):
    """Move a scale (or, with ``migration_type`` 'migration', a cold
    migration) on by one look at the engine: confirm a finished move.
    Returns ('done', instance), ('failed', text) or ('pending', None)."""
    ctx = request.context
    try:
        instance = request.compute_api.get(ctx, instance_uuid)
    except exception.InstanceNotFound:
        return 'failed', 'Virtual machine %s was destroyed.' % instance_uuid
    migration = _latest_resize(ctx, instance_uuid, migration_type)
    status = migration['status'] if migration else 'error'
    if status == 'error' or instance.vm_state == states.ERROR:
        fault = getattr(instance, 'fault', None)
        return 'failed', 'Failed to %s virtual machine %s: %s' % (
            what, instance_uuid, fault.message if fault is not None and
            fault.message else 'the resize failed on its host')
    if status == 'finished' and instance.vm_state == states.RESIZED and \
            instance.task_state is None:
        try:
            request.compute_api.confirm_resize(ctx, instance_uuid)
        except (exception.Invalid, exception.Conflict):
            pass
        return 'pending', None
    if status == 'confirmed' and instance.task_state is None and \
            instance.vm_state in (states.ACTIVE, states.STOPPED):
        return 'done', instance
    return 'pending', None


def _resolve_scale(request, job):
    outcome, value = step(request, job['instance_uuid'])
    if outcome == 'pending':
        return None
    if outcome == 'failed':
        return jobs.FAILED, errors.INTERNAL_ERROR, {
            'errorcode': errors.INTERNAL_ERROR, 'errortext': value}
    view = vm_views.VirtualMachineViews.load(request, [value])
    return jobs.SUCCEEDED, 0, {'virtualmachine': view.render(value)}


jobs.register_resolver('scaleVirtualMachine', _resolve_scale)


@command('scaleVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=_PARAMS)
def scale_virtual_machine(request):
    """Scales the virtual machine to a new service offering (resize and
    confirm; a running VM restarts)."""
    instance = _start(request, (states.ACTIVE, states.STOPPED))
    job = jobs.create(request, instance.uuid, 'Running'
                      if instance.vm_state == states.ACTIVE else 'Stopped')
    return {'jobid': job['uuid']}


@command('changeServiceForVirtualMachine', role=MEMBER,
         response_object='virtualmachine', params=_PARAMS)
def change_service_for_virtual_machine(request):
    """Changes the service offering of a Stopped virtual machine."""
    instance = _start(request, (states.STOPPED,))
    deadline = time.monotonic() + request.conf.cloudstack.\
        change_service_timeout
    while True:
        outcome, value = step(request, instance.uuid)
        if outcome == 'done':
            view = vm_views.VirtualMachineViews.load(request, [value])
            return {'virtualmachine': view.render(value)}
        if outcome == 'failed':
            raise errors.CloudStackError(value, errors.INTERNAL_ERROR,
                                         errors.CS_CLOUD_RUNTIME)
        if time.monotonic() >= deadline:
            raise errors.CloudStackError(
                'The service offering change of virtual machine %s is '
                'still in progress; list the VM to follow it.'
                % instance.uuid, errors.INTERNAL_ERROR,
                errors.CS_CLOUD_RUNTIME)
        wait(POLL_INTERVAL)
