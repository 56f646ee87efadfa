"""Virtual machines: deploy, list, start, stop, reboot, destroy
(CloudStack API reference, "Virtual Machine"). A VM is an instance of
the compute API, with the same UUID; the work is done by
``nova_lite.compute.api.API`` and followed by async jobs (``jobs``)."""
import base64
import binascii
import re
import uuid as uuidlib

from nova_lite.api.cloudstack.commands import catalog
from nova_lite.api.cloudstack.commands import keypairs
from nova_lite.api.cloudstack.commands import pods_clusters
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.compute import flavors as flavor_api
from nova_lite.compute import server_groups as group_api
from nova_lite.compute import states
from nova_lite import exception
from nova_lite.image import api as image_api
from nova_lite.network import api as network_api
from nova_lite.network import errors as network_errors
from nova_lite.network import security_groups as sg_api
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
        flavor_api.get(ctx, params['serviceofferingid'])
    except exception.FlavorNotFound:
        raise invalid(request, 'serviceofferingid',
                      params['serviceofferingid'],
                      'no such service offering') from None
    try:
        image_api.API().get_visible_record(ctx, params['templateid'])
    except exception.ImageNotFound:
        raise invalid(request, 'templateid', params['templateid'],
                      'no such template') from None
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
    if ids:
        group = group_api.find(request.context, group_uuid=wanted[0])
    else:
        group = group_api.find(request.context, name=wanted[0])
    if group is not None:
        return group
    raise invalid(request, 'affinitygroupids' if ids else
                  'affinitygroupnames', wanted[0], 'no such affinity group')


def _network_items(request):
    """The compute API's ``networks`` items of ``networkids`` with
    ``ipaddress`` (the address on the first network), or of
    ``iptonetworklist`` (``iptonetworklist[0].networkid=ID``,
    ``iptonetworklist[0].ip=ADDRESS``: one NIC each), None for neither.

    :raises: InvalidParameter (431)
    """
    params = request.params
    ids, mapped = params['networkids'] or [], params['iptonetworklist']
    if mapped and (ids or params['ipaddress']):
        raise invalid(request, 'iptonetworklist', '(map)', 'give '
                      'iptonetworklist or networkids (and ipaddress), not '
                      'both')
    if params['ipaddress'] and not ids:
        raise invalid(request, 'ipaddress', params['ipaddress'],
                      'an address needs networkids')
    if not mapped:
        networks = [{'uuid': network_id} for network_id in ids] or None
        if params['ipaddress']:
            networks[0]['fixed_ip'] = params['ipaddress']
        return networks
    networks = []
    for entry in mapped:
        network_id = entry.get('networkid')
        try:
            network_id = str(uuidlib.UUID(network_id or ''))
        except ValueError:
            raise invalid(request, 'iptonetworklist', network_id,
                          'each entry needs a networkid (a UUID)') from None
        item = {'uuid': network_id}
        if entry.get('ip'):
            item['fixed_ip'] = entry['ip']
        networks.append(item)
    return networks


def _networks(request):
    """``(network_request, requested_networks)`` of ``networkids``,
    ``ipaddress`` and ``iptonetworklist`` (``_network_items``), as
    ``network_api.resolve_requests`` makes them.

    :raises: InvalidParameter (431) for unknown networks, a taken or
        invalid address
    """
    networks = _network_items(request)
    try:
        return network_api.resolve_requests(request.context, networks)
    except exception.NovaLiteException as exc:
        raise invalid(request, 'networkids' if request.params['networkids']
                      else 'iptonetworklist',
                      ','.join(n['uuid'] for n in networks or ()),
                      exc.format_message()) from None


def _security_groups(request):
    """The security groups (ids or names) of ``securitygroupids`` or
    ``securitygroupnames``, each a group of the caller's account; None
    (the account's default group) for neither.

    :raises: InvalidParameter (431)
    """
    params = request.params
    ids, names = params['securitygroupids'], params['securitygroupnames']
    if ids and names:
        raise invalid(request, 'securitygroupnames', ','.join(names),
                      'give securitygroupids or securitygroupnames, not '
                      'both')
    param = 'securitygroupids' if ids else 'securitygroupnames'
    for wanted in ids or names or ():
        try:
            sg_api.find_for_server(request.context, wanted)
        except network_errors.SecurityGroupNotFound:
            raise invalid(request, param, wanted, 'no such security group '
                          'in the account') from None
        except sg_api.SecurityGroupNotUnique:
            raise invalid(request, param, wanted, 'several security groups '
                          'have that name; use securitygroupids') from None
    return ids or names


def _create(request, checked):
    """Create the instance from the checked parameters; the VM name
    (``name``) is its host name from the start, in the record and in the
    build the compute receives."""
    params = request.params
    name = checked['name']
    rows, _reservation = request.compute_api.create(
        request.context, name=params['displayname'] or name or 'VM',
        image_ref=params['templateid'],
        flavor_id=params['serviceofferingid'],
        availability_zone=checked['zone'], user_data=checked['userdata'],
        key_name=params['keypair'], key_data=checked['key_data'],
        scheduler_hints=({'group': checked['group']['uuid']}
                         if checked['group'] else None),
        hostname=name, network_request=checked['networks'][0],
        requested_networks=checked['networks'][1],
        security_groups=checked['security_groups'],
        placement=checked['placement'][0],
        requested_host=checked['placement'][1])
    return rows[0]


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
                         description='the networks of the VM\'s NICs (the '
                         'account\'s network, else the shared one, when '
                         'omitted)'),
             P.Parameter('ipaddress', description='the IPv4 address of '
                         'the VM on the first of networkids'),
             P.Parameter('iptonetworklist', P.MAP, description='NICs as '
                         'iptonetworklist[0].networkid=ID and '
                         'iptonetworklist[0].ip=ADDRESS (not with '
                         'networkids)'),
             P.Parameter('securitygroupids', P.LIST, item_type=P.UUID,
                         description='security groups of the VM (the '
                         'account\'s default group when omitted)'),
             P.Parameter('securitygroupnames', P.LIST, description='names '
                         'of security groups of the VM (not with '
                         'securitygroupids)'),
             P.Parameter('startvm', P.BOOLEAN, default=True,
                         description='false: leave the VM Stopped'),
             P.Parameter('podid', P.UUID, 'admin: deploy in this pod'),
             P.Parameter('clusterid', P.UUID, 'admin: deploy in this '
                         'cluster'),
             P.Parameter('hostid', P.UUID, 'admin: deploy on this host'),
         ))
def deploy_virtual_machine(request):
    """Creates and starts a virtual machine (an instance)."""
    request.authorize(SERVERS % 'create')
    keypair = request.params['keypair']
    checked = {
        'zone': _checked_catalog(request), 'name': _checked_name(request),
        'networks': _networks(request),
        'security_groups': _security_groups(request),
        'group': _affinity_group(request),
        'userdata': _checked_userdata(request),
        'key_data': keypairs.public_key(request, keypair, 'keypair')
        if keypair else None,
    }
    checked['placement'] = pods_clusters.deploy_placement(
        request, checked['zone'])
    instance = _create(request, checked)
    job = jobs.create(request, instance.uuid, 'Running'
                      if request.params['startvm'] else 'Stopped')
    return {'id': instance.uuid, 'jobid': job['uuid']}


# ------------------------------------------------------------------- list

def _state_pairs():
    """``{CloudStack state in lower case: [(vm_state, task_state)]}``:
    the (vm_state, task_state) pairs the engine writes, by the state
    ``views.vm_state`` shows for them."""
    pairs = {}
    for vm_state in states.VM_STATES:
        for task_state in states.TASK_STATES + (None,):
            name = views.vm_state(vm_state, task_state).lower()
            pairs.setdefault(name, []).append((vm_state, task_state))
    return pairs


_STATE_PAIRS = _state_pairs()


def _list_filters(request):
    """Instance filters of the listVirtualMachines parameters
    (``nova_lite.db.instances``), or None when no VM can match (a zone
    id of no zone). ``name`` and ``keyword`` are parts of the display
    name or host name, in any case; a VM without zone is in the default
    zone."""
    params = request.params
    filters = {}
    uuids = params['ids'] or ([params['id']] if params['id'] else None)
    if uuids:
        filters['uuids'] = uuids
    if params['state']:
        filters['vm_task_states'] = _STATE_PAIRS.get(params['state'], [])
    texts = [text for text in (params['name'], params['keyword']) if text]
    if texts:
        filters['name_contains'] = texts
    if params['zoneid']:
        zones = [name for name in catalog.zone_names(request)
                 if views.zone_id(name) == params['zoneid']]
        if not zones:
            return None
        if request.conf.compute.default_availability_zone in zones:
            zones.append(None)
        filters['availability_zones'] = zones
    return filters


#: listVirtualMachines ``details`` values (CloudStack API reference);
#: only ``stats`` (or ``all``) changes the answer: the others name
#: fields every VM object has.
_DETAILS = frozenset({'all', 'group', 'nics', 'stats', 'secgrp', 'tmpl',
                      'servoff', 'diskoff', 'backoff', 'iso', 'volume',
                      'min', 'affgrp'})


def _wants_stats(request):
    """True when ``details`` asks for stats (``stats`` or ``all``).

    :raises: InvalidParameter for a value CloudStack does not know
    """
    details = [d.lower() for d in request.params['details'] or ()]
    unknown = sorted(set(details) - _DETAILS)
    if unknown:
        raise invalid(request, 'details', ','.join(unknown),
                      'must be some of %s' % ', '.join(sorted(_DETAILS)))
    return bool({'stats', 'all'} & set(details))


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
             P.Parameter('details', P.LIST, description='details to '
                         'return: all, or some of %s; stats (or all) adds '
                         'the usage counters of running VMs, asked of their '
                         'computes' % ', '.join(sorted(_DETAILS - {'all'}))),
         ))
def list_virtual_machines(request):
    """Lists virtual machines (instances) with count (paged in SQL); with
    ``details`` stats or all, the running ones with their usage counters
    (one RPC call each, ``vm_views.vm_stats``; none without)."""
    params, ctx = request.params, request.context
    request.authorize(SERVERS % 'detail')
    wants_stats = _wants_stats(request)
    # Destroyed VMs are listed to admins only (CloudStack).
    hide_destroyed = not ctx.is_admin
    all_tenants = bool(params['listall']) and ctx.is_admin
    if all_tenants:
        request.authorize(SERVERS % 'detail:get_all_tenants')
    offset, limit = request.page()
    filters = _list_filters(request)
    if filters is None:
        return request_mod.listing([], 'virtualmachine')
    if hide_destroyed:
        filters['soft_deleted'] = False
    page, total = request.compute_api.get_page(
        ctx, filters, offset=offset, limit=limit, all_tenants=all_tenants)
    view = vm_views.VirtualMachineViews.load(request, page)
    stats = vm_views.vm_stats(request, page) if wants_stats else {}
    return request_mod.listing(
        [view.render(r, stats=stats.get(r.uuid)) for r in page],
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
             _ID, P.Parameter('expunge', P.BOOLEAN, 'true: expunge at once; '
                              'else the VM stays Destroyed (recoverable) '
                              'for [cloudstack] expunge_delay seconds')))
def destroy_virtual_machine(request):
    """Destroys a virtual machine (doc/lifecycle.md)."""
    # Imported here: vm_lifecycle uses this module's neighbours.
    from nova_lite.api.cloudstack.commands import vm_lifecycle
    instance = get_instance(request)
    request.authorize(SERVERS % 'delete', {
        'project_id': instance.project_id, 'user_id': instance.user_id})
    return vm_lifecycle.destroy(request, instance)
