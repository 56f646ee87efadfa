"""A NIC's secondary IPs and the NIC list of a VM (CloudStack API
reference, "Nic": addIpToNic, removeIpFromNic, listNics;
doc/interfaces.md, "Fixed IPs of a NIC"), over the engine's fixed IPs of
a server's ports (``compute.api_fixed_ips``: the same addresses,
actions and compute casts as the compute API's addFixedIp and
removeFixedIp).

A NIC is a port of the VM; its first address is its ``ipaddress``, the
others its ``secondaryip`` list (``vm_views.nics``; listVirtualMachines
shows the same).

- addIpToNic (``nicid``, ``ipaddress``): async; the address (a free one
  of the NIC's network when none is given) is on the port at once, the
  job completes with the ``nicsecondaryip`` once the VM's host has
  applied it (the ``addFixedIp`` action finished; it fails when that
  action ended in Error). The answer also carries the new ``id``, as
  CloudStack's async create commands do.
- removeIpFromNic (``id``, a ``secondaryip`` id): async; the job
  completes with ``{"success": true}`` once the host applied it.
- listNics (``virtualmachineid``; ``nicid``, ``networkid`` filter): the
  VM's NICs with ``virtualmachineid``.

A NIC or secondary IP is found among the VMs the caller may see (a
NIC id names its VM only through a hash: one listing of those VMs per
call). Unknown NICs, secondary IPs and VMs are 431, as are VMs in the
wrong state or locked; an address in use is 536. Rules: addIpToNic
``os_compute_api:os-multinic:add``, removeIpFromNic ``:remove``,
listNics ``os_compute_api:os-attach-interfaces:list``. With
``[cloudstack] record_events`` the events NIC.SECONDARY.IP.ASSIGN and
NIC.SECONDARY.IP.UNASSIGN are recorded.
"""
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack import vm_views
from nova_lite.api.cloudstack.commands import vms
from nova_lite.cloudstack import events as cs_events
from nova_lite.compute import api_fixed_ips
from nova_lite.compute import instance_actions as action_api
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.policies import attach_interfaces as interface_policies
from nova_lite.policies import multinic as multinic_policies

ASSIGN = 'NIC.SECONDARY.IP.ASSIGN'
UNASSIGN = 'NIC.SECONDARY.IP.UNASSIGN'


def _vm_nics(request, instances):
    """(instance, [nic]) of ``instances``."""
    networks = network_api.with_addresses(request.context)
    return [(instance, vm_views.nics(instance, networks))
            for instance in instances]


def _visible(request):
    """(instance, [nic]) of every VM the caller may see."""
    ctx = request.context
    return _vm_nics(request, request.compute_api.get_all(
        ctx, all_tenants=ctx.is_admin))


def _authorize(request, rule, instance):
    request.authorize(rule, {'project_id': instance.project_id,
                             'user_id': instance.user_id})


def _record(request, event_type, description, resource_id):
    if request.conf.cloudstack.record_events:
        cs_events.record_action(request.context, event_type, description,
                                resource_id)


def _port_of(instance, nic):
    for fip in instance.fixed_ips:
        if fip.address == nic['ipaddress']:
            return fip.port_id
    return None


@command('addIpToNic', is_async=True, role=MEMBER,
         response_object='nicsecondaryip', params=(
             P.Parameter('nicid', P.UUID, required=True,
                         description='the ID of the NIC to which you want '
                         'to assign a secondary IP'),
             P.Parameter('ipaddress', P.STRING, length=64,
                         description='Secondary IP Address (a free one of '
                         "the NIC's network when absent)")))
def add_ip_to_nic(request):
    """Assigns secondary IP to NIC."""
    nic_id = request.params['nicid']
    for instance, nics in _visible(request):
        for nic in nics:
            if nic['id'] == nic_id and _port_of(instance, nic):
                return _add(request, instance, nic)
    raise vms.invalid(request, 'nicid', nic_id, 'no such NIC')


def _add(request, instance, nic):
    _authorize(request, multinic_policies.MULTINIC % 'add', instance)
    _port, address = request.compute_api.add_fixed_ip(
        request.context, instance.uuid, port_id=_port_of(instance, nic),
        address=request.params.get('ipaddress') or None)
    ip_id = views.secondary_ip_id(instance.uuid, nic['networkid'],
                                           address)
    _record(request, ASSIGN, 'Associating secondary IP address to NIC with '
            'ID: %s belonging to Network with ID: %s' % (
                nic['id'], nic['networkid']), ip_id)
    job = jobs.create(request, instance.uuid, expected_state=ip_id)
    return {'jobid': job['uuid'], 'id': ip_id}


def _secondary_ip(request, ip_id):
    """(instance, nic, secondary ip) of ``ip_id``, or None."""
    for instance, nics in _visible(request):
        for nic in nics:
            for item in nic.get('secondaryip', ()):
                if item['id'] == ip_id:
                    return instance, nic, item
    return None


@command('removeIpFromNic', is_async=True, role=MEMBER,
         response_object='success', params=(
             P.Parameter('id', P.UUID, required=True,
                         description='the ID of the secondary IP address '
                         'of the NIC'),))
def remove_ip_from_nic(request):
    """Removes secondary IP from the NIC."""
    ip_id = request.params['id']
    found = _secondary_ip(request, ip_id)
    if found is None:
        raise vms.invalid(request, 'id', ip_id, 'no such secondary IP')
    instance, _nic, item = found
    _authorize(request, multinic_policies.MULTINIC % 'remove', instance)
    request.compute_api.remove_fixed_ip(request.context, instance.uuid,
                                        item['ipaddress'])
    _record(request, UNASSIGN, 'Disassociating IP address with ID: %s'
            % ip_id, ip_id)
    job = jobs.create(request, instance.uuid, expected_state=ip_id)
    return {'jobid': job['uuid']}


@command('listNics', response_object='nic', listing=True, params=(
    P.Parameter('virtualmachineid', P.UUID, required=True,
                description='the ID of the vm'),
    P.Parameter('nicid', P.UUID, 'the ID of the nic'),
    P.Parameter('networkid', P.UUID, "list nic of the specific vm's "
                'network'),
))
def list_nics(request):
    """Lists the NICs of a VM, with their secondary IPs."""
    params = request.params
    instance = vms.get_instance(request, 'virtualmachineid')
    _authorize(request, interface_policies.ATTACH_INTERFACES % 'list',
               instance)
    ((_instance, nics),) = _vm_nics(request, [instance])
    found = [dict(nic, virtualmachineid=instance.uuid) for nic in nics
             if (not params['nicid'] or nic['id'] == params['nicid'])
             and (not params['networkid']
                  or nic['networkid'] == params['networkid'])]
    page, total = request_mod.paginate(request, found)
    return request_mod.listing(page, 'nic', total)


# ------------------------------------------------------------------- jobs

def _action_done(request, job, action):
    """None while the job's ``action`` runs; else (instance or None,
    failure text or None)."""
    act = action_api.latest(request.context, job['instance_uuid'], action,
                            job['created_at'])
    try:
        instance = request.compute_api.get(request.context,
                                           job['instance_uuid'])
    except exception.InstanceNotFound:
        return None, 'Virtual machine %s was destroyed.' % (
            job['instance_uuid'])
    if act is None or act.finish_time is None:
        return None
    if act.message == 'Error':
        return instance, ('The host of virtual machine %s failed to apply '
                          'its changed IP addresses (%s).' % (
                              instance.uuid, action))
    return instance, None


def _resolve_add(request, job):
    done = _action_done(request, job, api_fixed_ips.ADD_ACTION)
    if done is None:
        return None
    instance, failure = done
    if failure:
        return jobs._failed(failure)
    result = {'id': job['expected_state'],
              'virtualmachineid': instance.uuid}
    for _inst, nics in _vm_nics(request, [instance]):
        for nic in nics:
            for item in nic.get('secondaryip', ()):
                if item['id'] == job['expected_state']:
                    result.update(ipaddress=item['ipaddress'],
                                  nicid=nic['id'],
                                  networkid=nic['networkid'])
    return jobs._succeeded({'nicsecondaryip': result})


def _resolve_remove(request, job):
    done = _action_done(request, job, api_fixed_ips.REMOVE_ACTION)
    if done is None:
        return None
    _instance, failure = done
    if failure:
        return jobs._failed(failure)
    return jobs._succeeded({'success': True})


jobs.register_resolver('addIpToNic', _resolve_add)
jobs.register_resolver('removeIpFromNic', _resolve_remove)
