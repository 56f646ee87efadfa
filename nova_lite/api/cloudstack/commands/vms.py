"""Virtual machines: deploy, list, start, stop, reboot, destroy
(CloudStack API reference, "Virtual Machine"). A VM is an instance of
the compute API, with the same UUID; the work is done by
``nova_lite.compute.api.API`` and followed by async jobs (``jobs``)."""
import base64
import binascii
import re

from nova_lite.api.cloudstack.commands import catalog
from nova_lite.api.cloudstack.commands import keypairs
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.compute import states
from nova_lite.db import flavors as flavor_db
from nova_lite.db import instances as instance_db
from nova_lite.db import network as network_db
from nova_lite.db import server_groups as group_db
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.policies import servers as server_policies

SERVERS = server_policies.SERVERS
#: CloudStack VM names are host names: RFC 1123 labels not starting
#: with a digit.
_VM_NAME = re.compile(r'^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$')
MAX_USERDATA = 32768


def invalid(request, param, value, reason):
    """InvalidParameter naming the command and ``param``."""
    return errors.InvalidParameter(
        'Unable to execute API command %s due to invalid value %s for '
        'parameter %s: %s' % (request.command.name.lower(), value, param,
                              reason))


def get_instance(request, param='id'):
    """The instance of the ``param`` parameter (caller's project unless
    admin).

    :raises: InvalidParameter (431) when there is none
    """
    uuid = request.params[param]
    try:
        return request.compute_api.get(request.context, uuid)
    except exception.InstanceNotFound:
        raise invalid(request, param, uuid,
                      'no such virtual machine') from None


# ----------------------------------------------------------------- deploy

def _checked_name(request):
    name = request.params['name']
    if name is not None and not _VM_NAME.match(name):
        raise invalid(request, 'name', name, 'a VM name is a host name: '
                      'letters, digits and hyphens, 1 to 63 characters, '
                      'starting with a letter')
    return name


def _checked_userdata(request):
    userdata = request.params['userdata']
    if userdata is None:
        return None
    try:
        decoded = base64.b64decode(userdata, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(request, 'userdata', '(not shown)',
                      'not base64-encoded') from None
    if len(decoded) > MAX_USERDATA:
        raise invalid(request, 'userdata', '(not shown)', 'longer than '
                      '%d bytes once decoded' % MAX_USERDATA)
    return userdata


def _checked_catalog(request):
    params, ctx = request.params, request.context
    try:
        flavor_db.flavor_get_by_flavorid(ctx, params['serviceofferingid'])
    except exception.FlavorNotFound:
        raise invalid(request, 'serviceofferingid',
                      params['serviceofferingid'],
                      'no such service offering') from None
    try:
        image_api.API().get_visible_record(ctx, params['templateid'])
    except exception.ImageNotFound:
        raise invalid(request, 'templateid', params['templateid'],
                      'no such template') from None
    known = {n['uuid'] for n in network_db.network_get_all(ctx)}
    for net in params['networkids'] or ():
        if net not in known:
            raise invalid(request, 'networkids', net, 'no such network')
    zone = catalog.zone_name(request, params['zoneid'])
    default = request.conf.compute.default_availability_zone
    return None if zone == default else zone


def _affinity_group(request):
    """The one server group of affinitygroupids/affinitygroupnames, or
    None. :raises: InvalidParameter (431)"""
    params = request.params
    ids, names = params['affinitygroupids'], params['affinitygroupnames']
    if ids and names:
        raise invalid(request, 'affinitygroupnames', ','.join(names),
                      'give affinitygroupids or affinitygroupnames, not '
                      'both')
    wanted = ids or names or []
    if len(wanted) > 1:
        raise invalid(request, 'affinitygroupids' if ids else
                      'affinitygroupnames', ','.join(wanted),
                      'a VM can be in one affinity group only')
    if not wanted:
        return None
    for group in group_db.instance_group_get_all(request.context):
        if wanted[0] in (group['uuid'] if ids else group['name'],):
            return group
    raise invalid(request, 'affinitygroupids' if ids else
                  'affinitygroupnames', wanted[0], 'no such affinity group')


def _create(request, checked):
    """Create the instance from the checked parameters."""
    params = request.params
    name = checked['name']
    rows, _reservation = request.compute_api.create(
        request.context, name=params['displayname'] or name or 'VM',
        image_ref=params['templateid'],
        flavor_id=params['serviceofferingid'],
        availability_zone=checked['zone'], user_data=checked['userdata'],
        key_name=params['keypair'], key_data=checked['key_data'],
        scheduler_hints=({'group': checked['group']['uuid']}
                         if checked['group'] else None))
    instance = rows[0]
    if name and name != instance.hostname:
        instance_db.instance_update(request.context, instance.uuid,
                                    {'hostname': name})
    return instance


@command('deployVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(
             P.Parameter('serviceofferingid', required=True,
                         description='the service offering (flavor) ID'),
             P.Parameter('templateid', P.UUID, required=True,
                         description='the template (image) ID'),
             P.Parameter('zoneid', P.UUID, required=True,
                         description='the zone to deploy in'),
             P.Parameter('name', length=63, description='host name of the '
                         'VM'),
             P.Parameter('displayname', description='display name'),
             P.Parameter('keypair', description='name of an SSH key pair'),
             P.Parameter('userdata', length=65536, description='base64 '
                         'user data'),
             P.Parameter('affinitygroupids', P.LIST, item_type=P.UUID,
                         description='affinity group ID (one)'),
             P.Parameter('affinitygroupnames', P.LIST,
                         description='affinity group name (one)'),
             P.Parameter('networkids', P.LIST, item_type=P.UUID,
                         description='the flat network ID'),
             P.Parameter('startvm', P.BOOLEAN, default=True,
                         description='false: leave the VM Stopped'),
         ))
def deploy_virtual_machine(request):
    """Creates and starts a virtual machine (an instance)."""
    request.authorize(SERVERS % 'create')
    keypair = request.params['keypair']
    checked = {
        'zone': _checked_catalog(request), 'name': _checked_name(request),
        'group': _affinity_group(request),
        'userdata': _checked_userdata(request),
        'key_data': keypairs.public_key(request, keypair, 'keypair')
        if keypair else None,
    }
    instance = _create(request, checked)
    job = jobs.create(request, instance.uuid, 'Running'
                      if request.params['startvm'] else 'Stopped')
    return {'id': instance.uuid, 'jobid': job['uuid']}


# ------------------------------------------------------------------- list

def _keep(request, instance):
    params = request.params
    state = views.vm_state(instance.vm_state, instance.task_state)
    zone = instance.availability_zone or \
        request.conf.compute.default_availability_zone
    names = (instance.display_name or '', instance.hostname or '')
    keyword = (params['keyword'] or '').lower()
    return ((not params['state'] or state.lower() == params['state'])
            and (not params['name'] or any(
                params['name'].lower() in n.lower() for n in names))
            and (not keyword or any(keyword in n.lower() for n in names))
            and (not params['zoneid']
                 or views.zone_id(zone) == params['zoneid']))


@command('listVirtualMachines', response_object='virtualmachine',
         listing=True, params=(
             P.Parameter('id', P.UUID, 'the VM ID'),
             P.Parameter('ids', P.LIST, item_type=P.UUID,
                         description='VM IDs'),
             P.Parameter('name', description='part of the VM name'),
             P.Parameter('state', choices=tuple(
                 s.lower() for s in views.VM_STATE_NAMES),
                 description='VM state (Running, Stopped, ...)'),
             P.Parameter('zoneid', P.UUID, 'VMs of this zone'),
             P.Parameter('listall', P.BOOLEAN, 'true (admins): VMs of '
                         'every account'),
         ))
def list_virtual_machines(request):
    """Lists virtual machines (instances) with count."""
    params, ctx = request.params, request.context
    request.authorize(SERVERS % 'detail')
    all_tenants = bool(params['listall']) and ctx.is_admin
    if all_tenants:
        request.authorize(SERVERS % 'detail:get_all_tenants')
    uuids = params['ids'] or ([params['id']] if params['id'] else None)
    rows = request.compute_api.get_all(
        ctx, {'uuids': uuids} if uuids else {}, all_tenants=all_tenants)
    rows = [r for r in rows if _keep(request, r)]
    page, total = request_mod.paginate(request, rows)
    view = vm_views.VirtualMachineViews.load(request, page)
    return request_mod.listing([view.render(r) for r in page],
                               'virtualmachine', total)


# ---------------------------------------------------------------- actions

def _done_now(request, instance):
    """A job completed at once (the VM is already where asked)."""
    view = vm_views.VirtualMachineViews.load(request, [instance])
    job = jobs.create(request, instance.uuid,
                      result={'virtualmachine': view.render(instance)})
    return {'jobid': job['uuid']}


def _power(request, rule, call, target_vm_state, expected):
    instance = get_instance(request)
    request.authorize(rule, {'project_id': instance.project_id,
                             'user_id': instance.user_id})
    if instance.vm_state == target_vm_state and instance.task_state is None:
        return _done_now(request, instance)
    call(request.context, instance.uuid)
    job = jobs.create(request, instance.uuid, expected)
    return {'jobid': job['uuid']}


_ID = P.Parameter('id', P.UUID, required=True, description='the VM ID')


@command('startVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(_ID,))
def start_virtual_machine(request):
    """Starts a stopped virtual machine."""
    return _power(request, SERVERS % 'start', request.compute_api.start,
                  states.ACTIVE, 'Running')


@command('stopVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(
             _ID, P.Parameter('forced', P.BOOLEAN, 'accepted: the guest '
                              'is always powered off')))
def stop_virtual_machine(request):
    """Stops (powers off) a running virtual machine."""
    return _power(request, SERVERS % 'stop', request.compute_api.stop,
                  states.STOPPED, 'Stopped')


@command('rebootVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(_ID,))
def reboot_virtual_machine(request):
    """Reboots a running virtual machine."""
    instance = get_instance(request)
    request.authorize(SERVERS % 'reboot', {
        'project_id': instance.project_id, 'user_id': instance.user_id})
    request.compute_api.reboot(request.context, instance.uuid)
    job = jobs.create(request, instance.uuid, 'Running')
    return {'jobid': job['uuid']}


@command('destroyVirtualMachine', is_async=True, role=MEMBER,
         response_object='virtualmachine', params=(
             _ID, P.Parameter('expunge', P.BOOLEAN, 'ignored: a destroyed '
                              'VM is always expunged')))
def destroy_virtual_machine(request):
    """Destroys and expunges a virtual machine."""
    instance = get_instance(request)
    request.authorize(SERVERS % 'delete', {
        'project_id': instance.project_id, 'user_id': instance.user_id})
    request.compute_api.delete(request.context, instance.uuid)
    job = jobs.create(request, instance.uuid, 'Expunging'
                      if request.params['expunge'] else 'Destroyed')
    return {'jobid': job['uuid']}
