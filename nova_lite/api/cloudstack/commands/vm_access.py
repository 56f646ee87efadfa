"""Guest credentials of virtual machines (CloudStack API reference,
"Virtual Machine"): getVMPassword, resetSSHKeyForVirtualMachine,
resetPasswordForVirtualMachine.

The password a guest posted to the metadata service
(``/openstack/latest/password``, encrypted with its public key) is what
getVMPassword answers. The resets need a stopped VM (431 otherwise) and
take effect at its next boot: the metadata service then hands the guest
the new key, and the new password once (as ``admin_pass`` of
meta_data.json); they complete at once, as async jobs with the VM in
their result (resetPasswordForVirtualMachine's with ``password``).
"""
from nova_lite.api.cloudstack.commands import keypairs
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.compute import guest_access
from nova_lite import exception
from nova_lite.policies import server_password as password_policies

_ID = P.Parameter('id', P.UUID, required=True, description='the VM ID')


def _authorized_instance(request, rule):
    instance = vms.get_instance(request)
    request.authorize(rule, {'project_id': instance.project_id,
                             'user_id': instance.user_id})
    return instance


@command('getVMPassword', response_object='password', params=(_ID,))
def get_vm_password(request):
    """Returns the encrypted password the VM's guest posted."""
    instance = _authorized_instance(
        request, password_policies.SERVER_PASSWORD % 'show')
    password = guest_access.get_password(request.context, instance.uuid)
    if not password:
        raise errors.InvalidParameter(
            'No password for VM with specified id found.')
    return {'password': {'encryptedpassword': password}}


def _not_stopped(request, instance):
    state = views.vm_state(instance.vm_state, instance.task_state)
    return errors.InvalidParameter(
        'Unable to execute API command %s: virtual machine %s must be '
        'Stopped (it is %s)' % (request.command.name.lower(),
                                instance.uuid, state))


def _done(request, instance_uuid, password=None):
    instance = vms.get_instance(request)
    view = vm_views.VirtualMachineViews.load(request, [instance])
    vm = view.render(instance)
    if password is not None:
        vm['password'] = password
    job = jobs.create(request, instance_uuid,
                      result={'virtualmachine': vm})
    return {'id': instance_uuid, 'jobid': job['uuid']}


@command('resetSSHKeyForVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(
             _ID, P.Parameter('keypair', required=True,
                              description='name of the SSH key pair')))
def reset_ssh_key_for_virtual_machine(request):
    """Gives a stopped VM another SSH key pair for its next boot."""
    instance = _authorized_instance(request, password_policies.RESET_KEY)
    name = request.params['keypair']
    key = keypairs.public_key(request, name, 'keypair')
    try:
        guest_access.reset_key(request.context, instance, name, key)
    except exception.InstanceInvalidState:
        raise _not_stopped(request, instance) from None
    return _done(request, instance.uuid)


@command('resetPasswordForVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(_ID,))
def reset_password_for_virtual_machine(request):
    """Sets a new password for the next boot of a stopped VM; the job
    result carries it."""
    instance = _authorized_instance(request,
                                    password_policies.ADMIN_PASSWORD)
    try:
        password = guest_access.reset_password(request.context, instance)
    except exception.InstanceInvalidState:
        raise _not_stopped(request, instance) from None
    return _done(request, instance.uuid, password)
