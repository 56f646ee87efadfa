"""A VM's NICs after deploy: addNicToVirtualMachine and
removeNicFromVirtualMachine (CloudStack API reference, "Nic";
doc/interfaces.md), the engine's interface attach and detach
(``compute.api_interfaces``): the same ports, actions and notifications
as the compute API's os-interface.

- addNicToVirtualMachine (``virtualmachineid``, ``networkid``,
  ``ipaddress``): the NIC is plugged before the answer (the compute's
  RPC call), so the job is done at once with the VM and its new ``nic``;
- removeNicFromVirtualMachine (``virtualmachineid``, ``nicid``, a
  ``nic`` id of listVirtualMachines): the compute unplugs it after the
  answer; the job completes, with the VM, once the NIC's port left the
  VM (it fails when the ``detach_interface`` action ended in Error).

Rules ``os_compute_api:os-attach-interfaces:create`` and ``:delete``.
Unknown VMs, networks and NICs are 431; a VM that is not Running or
Stopped, or busy, 431; an address in use 536.
"""
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.api.cloudstack.commands import vms
from nova_lite.compute import instance_actions as action_api
from nova_lite import exception
from nova_lite.network import interfaces as network_interfaces
from nova_lite.policies import attach_interfaces as policies

_VM = P.Parameter('virtualmachineid', P.UUID, required=True,
                  description='Virtual Machine ID')


def _authorized_instance(request, action):
    instance = vms.get_instance(request, 'virtualmachineid')
    request.authorize(policies.ATTACH_INTERFACES % action,
                      {'project_id': instance.project_id,
                       'user_id': instance.user_id})
    return instance


def _vm(request, instance):
    view = vm_views.VirtualMachineViews.load(request, [instance])
    return {'virtualmachine': view.render(instance)}


@command('addNicToVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(
             _VM,
             P.Parameter('networkid', P.UUID, required=True,
                         description='Network ID'),
             P.Parameter('ipaddress', P.STRING, length=64,
                         description='IP Address for the new network')))
def add_nic_to_virtual_machine(request):
    """Adds a VM to a Network: a new NIC (port) on it, plugged into the
    guest."""
    instance = _authorized_instance(request, 'create')
    try:
        request.compute_api.attach_interface(
            request.context, instance.uuid,
            net_id=request.params['networkid'],
            fixed_ip=request.params.get('ipaddress'))
    except exception.NetworkNotFound:
        raise vms.invalid(request, 'networkid', request.params['networkid'],
                          'no such network') from None
    instance = vms.get_instance(request, 'virtualmachineid')
    job = jobs.create(request, instance.uuid, result=_vm(request, instance))
    return {'jobid': job['uuid']}


def _port_of_nic(request, instance, nic_id):
    """The port of the VM's ``nic`` whose id is ``nic_id``.

    :raises: InvalidParameter (431) when the VM has no such NIC
    """
    view = vm_views.VirtualMachineViews.load(request, [instance])
    by_address = {f.address: f.port_id for f in instance.fixed_ips}
    for nic in view.render(instance)['nic']:
        if nic['id'] == nic_id and by_address.get(nic['ipaddress']):
            return by_address[nic['ipaddress']]
    raise vms.invalid(request, 'nicid', nic_id,
                      'no such NIC of virtual machine %s' % instance.uuid)


@command('removeNicFromVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(
             _VM,
             P.Parameter('nicid', P.UUID, required=True,
                         description='NIC ID')))
def remove_nic_from_virtual_machine(request):
    """Removes a VM from a Network: its NIC is unplugged and the port
    released (deleted when made for the VM)."""
    instance = _authorized_instance(request, 'delete')
    port_id = _port_of_nic(request, instance, request.params['nicid'])
    request.compute_api.detach_interface(request.context, instance.uuid,
                                         port_id)
    job = jobs.create(request, instance.uuid, expected_state=port_id)
    return {'jobid': job['uuid']}


def _resolve_remove_nic(request, job):
    """Done when the job's port (``expected_state``) left the VM; failed
    when the detach action ended in Error or the VM is gone."""
    act = action_api.latest(request.context, job['instance_uuid'],
                            'detach_interface', job['created_at'])
    try:
        instance = request.compute_api.get(request.context,
                                           job['instance_uuid'])
    except exception.InstanceNotFound:
        return jobs._failed('Virtual machine %s was destroyed.'
                            % job['instance_uuid'])
    ports = [p['uuid'] for p in network_interfaces.list_ports(
        request.context, instance.uuid)]
    if job['expected_state'] not in ports:
        return jobs._succeeded(_vm(request, instance))
    if act is not None and act.finish_time is not None and \
            act.message == 'Error':
        return jobs._failed(
            'Failed to remove NIC from virtual machine %s: the detach '
            'failed on its host; the virtual machine is %s.' % (
                instance.uuid, views.vm_state(instance.vm_state,
                                              instance.task_state)))
    return None


jobs.register_resolver('removeNicFromVirtualMachine', _resolve_remove_nic)
