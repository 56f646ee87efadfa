"""updateVirtualMachine (CloudStack API reference, "Virtual Machine"),
synchronous, over the compute API's server update
(``compute.api.API.update``) and server metadata:

* ``displayname`` → the server name (the host name stays);
* ``name`` → the host name (the ``hostname`` of microversion 2.90: what
  the metadata service and a new config drive tell the guest; a running
  guest picks it up at its next boot, as in CloudStack);
* ``userdata`` (base64, at most 32 KiB decoded) → the server's user
  data, served by the metadata service from then on (a config drive
  keeps its copy);
* ``group`` → the server metadata key ``group`` (the VM's ``group``;
  the compute API's server metadata removes it).

Policy: ``os_compute_api:servers:update`` and, for ``group``,
``os_compute_api:server-metadata:update`` on the VM's project. Event:
VM.UPDATE. Other CloudStack parameters (haenable, ostypeid, details,
...) are not taken.
"""
from nova_lite.api.cloudstack.commands import events
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import vm_views
from nova_lite import exception
from nova_lite.policies import servers as server_policies


def _authorize(request, instance, rule):
    request.authorize(rule, {'project_id': instance.project_id,
                             'user_id': instance.user_id})


def _update_group(request, instance):
    _authorize(request, instance, server_policies.METADATA % 'update')
    request.compute_api.update_metadata(
        request.context, instance.uuid,
        {vm_views.GROUP_KEY: request.params['group']})


@command('updateVirtualMachine', role=MEMBER,
         response_object='virtualmachine', params=(
             P.Parameter('id', P.UUID, required=True, description='the VM '
                         'ID'),
             P.Parameter('displayname', description='the display name (the '
                         'server name)'),
             P.Parameter('name', description='the host name (letters, '
                         'digits, hyphens)'),
             P.Parameter('userdata', length=65536, description='base64 '
                         'user data, at most 32 KiB decoded'),
             P.Parameter('group', description='the group of the VM (server '
                         'metadata "group")'),
         ))
def update_virtual_machine(request):
    """Updates the display name, host name, user data or group of a
    VM."""
    params = request.params
    instance = vms.get_instance(request)
    _authorize(request, instance, server_policies.SERVERS % 'update')
    name = vms._checked_name(request)
    userdata = vms._checked_userdata(request)
    changes = {}
    if params['displayname']:
        changes.update(name=params['displayname'],
                       hostname=name or instance.hostname)
    elif name:
        changes['hostname'] = name
    if userdata is not None:
        changes['user_data'] = userdata
    try:
        if changes:
            request.compute_api.update(request.context, instance.uuid,
                                       **changes)
        if params['group']:
            _update_group(request, instance)
    except exception.NovaLiteException as exc:
        raise errors.from_exception(exc) from None
    instance = request.compute_api.get(request.context, instance.uuid)
    events.record(request, 'VM.UPDATE', 'Successfully completed updating '
                  'Vm. Vm Id: %s' % instance.uuid, instance.uuid)
    view = vm_views.VirtualMachineViews.load(request, [instance])
    return {'virtualmachine': view.render(instance)}
