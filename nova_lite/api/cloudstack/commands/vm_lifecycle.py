"""Destroyed virtual machines: destroyVirtualMachine without expunge,
recoverVirtualMachine and expungeVirtualMachine (CloudStack API
reference, "Virtual Machine"; doc/lifecycle.md).

A Destroyed VM is an instance SOFT_DELETED by the engine (as a server
deleted through the compute API with ``[DEFAULT]
reclaim_instance_interval``): powered off, its claim, addresses and disk
kept, no longer counted against the quota (CloudStack decrements the
account's VM count on destroy and checks it again on recover). It stays
so for ``[cloudstack] expunge_delay`` seconds (``instances.reclaim_at``),
then its compute's reclaim periodic expunges it. Both APIs see the same
instance: a Destroyed VM is a SOFT_DELETED server (the compute API's
restore makes it ACTIVE, forceDelete expunges it) and a server
soft-deleted through the compute API is a Destroyed VM (recoverable,
expungeable).

recover and expunge, and destroy with ``expunge=true``, are for admins
unless ``[cloudstack] allow_user_expunge_recover_vm`` (CloudStack's
allow.user.expunge.recover.vm).
"""
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import vm_views
from nova_lite.compute import states
from nova_lite import exception
from nova_lite.policies import servers as server_policies

SERVERS = server_policies.SERVERS
_ID = P.Parameter('id', P.UUID, required=True, description='the VM ID')


def check_expunge_recover_allowed(request, what):
    """Admins, or users when ``[cloudstack] allow_user_expunge_recover_vm``.

    :raises: PermissionDenied (531)
    """
    if request.context.is_admin or \
            request.conf.cloudstack.allow_user_expunge_recover_vm:
        return
    raise errors.PermissionDenied(
        'Only admins may %s a virtual machine (allow.user.expunge.'
        'recover.vm is false)' % what)


def destroy(request, instance):
    """The work of destroyVirtualMachine once the VM is found and the
    caller may delete it: with ``expunge=true`` (or ``[cloudstack]
    expunge_delay`` 0, or a VM that cannot be kept: never started, or
    busy) the instance is deleted, else soft-deleted for
    ``expunge_delay`` seconds. A VM Destroyed already completes at once.

    :returns: ``{'jobid': ...}``
    :raises: PermissionDenied for expunge=true without the right
    """
    expunge = bool(request.params['expunge'])
    if expunge:
        check_expunge_recover_allowed(request, 'expunge')
    elif instance.vm_state == states.SOFT_DELETED:
        view = vm_views.VirtualMachineViews.load(request, [instance])
        job = jobs.create(request, instance.uuid, result={
            'virtualmachine': view.render(instance)})
        return {'jobid': job['uuid']}
    delay = request.conf.cloudstack.expunge_delay
    api = request.compute_api
    kept = (not expunge and delay > 0
            and api.soft_delete(request.context, instance.uuid, delay))
    if not kept:
        api.delete(request.context, instance.uuid)
    job = jobs.create(request, instance.uuid,
                      'Destroyed' if kept else 'Expunging')
    return {'jobid': job['uuid']}


def _destroyed_instance(request):
    """The VM of ``id`` (any project for admins).

    :raises: InvalidParameter (431) when there is none
    """
    uuid = request.params['id']
    try:
        return request.compute_api.get(request.context, uuid)
    except exception.InstanceNotFound:
        raise errors.InvalidParameter(
            'Unable to execute API command %s due to invalid value %s '
            'for parameter id: no such virtual machine'
            % (request.command.name.lower(), uuid)) from None


@command('recoverVirtualMachine', role=MEMBER,
         response_object='virtualmachine', params=(_ID,))
def recover_virtual_machine(request):
    """Recovers a Destroyed virtual machine: it becomes Stopped (at once,
    no job)."""
    check_expunge_recover_allowed(request, 'recover')
    instance = _destroyed_instance(request)
    request.authorize(SERVERS % 'delete', {
        'project_id': instance.project_id, 'user_id': instance.user_id})
    recovered = request.compute_api.recover(request.context, instance.uuid)
    view = vm_views.VirtualMachineViews.load(request, [recovered])
    return {'virtualmachine': view.render(recovered)}


@command('expungeVirtualMachine', is_async=True, role=MEMBER,
         response_object='success', params=(_ID,))
def expunge_virtual_machine(request):
    """Expunges a Destroyed virtual machine; it cannot be recovered."""
    check_expunge_recover_allowed(request, 'expunge')
    instance = _destroyed_instance(request)
    request.authorize(SERVERS % 'delete', {
        'project_id': instance.project_id, 'user_id': instance.user_id})
    if instance.vm_state != states.SOFT_DELETED:
        raise errors.InvalidParameter(
            'Unable to expunge virtual machine %s: it is not Destroyed '
            '(destroy it first)' % instance.uuid)
    request.compute_api.force_delete(request.context, instance.uuid)
    job = jobs.create(request, instance.uuid, 'Expunging')
    return {'jobid': job['uuid']}
