"""CloudStack response objects built from nova_lite records.

Field names, types and state names follow the CloudStack API reference
(responses of listVirtualMachines, listZones, listServiceOfferings,
listTemplates, listNetworks, listHosts, listSSHKeyPairs,
listAffinityGroups, queryAsyncJobResult). Mapping to nova_lite:

* zone = availability zone; its id is a name-based UUID (uuid5), stable
  across processes;
* service offering = flavor (same id); template = image (same UUID);
  virtual machine = instance (same UUID); network = the flat network;
  host = compute node (same UUID);
* affinity group = server group: ``host affinity`` ↔ ``affinity``,
  ``host anti-affinity`` ↔ ``anti-affinity`` (and the non-strict types
  ↔ the soft policies).

Times are ``yyyy-MM-dd'T'HH:mm:ssZ`` (e.g. ``2026-11-22T03:00:00+0000``),
as CloudStack writes them.
"""
import ipaddress
import uuid as uuidlib

from nova_lite.api.cloudstack import os_types
from nova_lite.compute import states

_ZONE_NAMESPACE = uuidlib.UUID('6c0f3a8e-8d51-4c43-9c5c-2f0b8d6f3b51')

#: CloudStack affinity group type → server group policy.
AFFINITY_TYPES = {
    'host anti-affinity': 'anti-affinity',
    'host affinity': 'affinity',
    'non-strict host anti-affinity': 'soft-anti-affinity',
    'non-strict host affinity': 'soft-affinity',
}
POLICY_TYPES = {policy: kind for kind, policy in AFFINITY_TYPES.items()}

#: libvirt/nova_lite hypervisor_type → CloudStack hypervisor name.
_HYPERVISORS = {'qemu': 'KVM', 'kvm': 'KVM', 'fake': 'Simulator',
                'test': 'Simulator'}

#: (vm_state, task_state) → CloudStack VM state; task None is the default.
_VM_STATES = {
    (states.BUILDING, None): 'Starting',
    (states.ACTIVE, None): 'Running',
    (states.ACTIVE, states.POWERING_OFF): 'Stopping',
    # A live migration (doc/migrations-servers.md).
    (states.ACTIVE, states.MIGRATING): 'Migrating',
    (states.VM_PAUSED, states.MIGRATING): 'Migrating',
    (states.STOPPED, None): 'Stopped',
    (states.STOPPED, states.POWERING_ON): 'Starting',
    (states.ERROR, None): 'Error',
    (states.DELETED, None): 'Destroyed',
    # Resized, waiting for its confirmation (scaleVirtualMachine confirms
    # at once: nova_lite.api.cloudstack.commands.vm_scale).
    (states.RESIZED, None): 'Running',
    # doc/lifecycle.md: soft-deleted is Destroyed; a paused guest is
    # powered on, a suspended one off, as CloudStack's KVM agent sees them.
    (states.SOFT_DELETED, None): 'Destroyed',
    (states.SOFT_DELETED, states.RESTORING): 'Starting',
    (states.VM_PAUSED, None): 'Running',
    (states.VM_SUSPENDED, None): 'Stopped',
    (states.VM_SUSPENDED, states.RESUMING): 'Starting',
    # doc/lifecycle-rescue.md: CloudStack has no rescue; a rescued
    # server's (rescue) guest runs.
    (states.RESCUED, None): 'Running',
    # doc/lifecycle-shelve.md: CloudStack has no shelve; a shelved guest
    # is off (an offloaded one has no host, as a CloudStack Stopped VM).
    (states.SHELVED, None): 'Stopped',
    (states.SHELVED_OFFLOADED, None): 'Stopped',
    (states.SHELVED, states.UNSHELVING): 'Starting',
    (states.SHELVED_OFFLOADED, states.UNSHELVING): 'Starting',
    (states.SHELVED_OFFLOADED, states.SPAWNING): 'Starting',
}

VM_STATE_NAMES = ('Starting', 'Running', 'Stopping', 'Stopped', 'Migrating',
                  'Destroyed', 'Expunging', 'Error', 'Unknown')


def cs_time(value):
    """A naive UTC datetime as ``2026-11-22T03:00:00+0000``."""
    return value.strftime('%Y-%m-%dT%H:%M:%S+0000') if value else None


def zone_id(name):
    """The UUID of the zone (availability zone) called ``name``."""
    return str(uuidlib.uuid5(_ZONE_NAMESPACE, name))


def vm_state(vm_state_value, task_state=None):
    """CloudStack state of an instance: Starting, Running, Stopping,
    Stopped, Destroyed, Expunging (being deleted), Error or Unknown."""
    if task_state == states.DELETING:
        return 'Expunging'
    if task_state == states.SOFT_DELETING:
        return 'Stopping'
    return (_VM_STATES.get((vm_state_value, task_state))
            or _VM_STATES.get((vm_state_value, None)) or 'Unknown')


def hypervisor_name(hypervisor_type):
    """CloudStack hypervisor name (KVM, Simulator, ...)."""
    kind = (hypervisor_type or '').lower()
    return _HYPERVISORS.get(kind, hypervisor_type or 'Unknown')


def zone(name, network_type='Basic'):
    """A ``listZones`` zone."""
    return {'id': zone_id(name), 'name': name, 'description': name,
            'networktype': network_type, 'allocationstate': 'Enabled',
            'securitygroupsenabled': True, 'localstorageenabled': True,
            'dhcpprovider': 'VirtualRouter', 'tags': []}


def service_offering(flavor, cpu_speed):
    """A ``listServiceOfferings`` service offering from a flavor dict
    (memory MiB, rootdisksize GiB, cpuspeed MHz); ``deploymentplanner``
    from its ``extra_specs`` when they were read."""
    planner = (flavor.get('extra_specs') or {}).get(
        'cloudstack:deployment_planner')
    return {
        'id': flavor['flavorid'], 'name': flavor['name'],
        'displaytext': flavor.get('description') or flavor['name'],
        'cpunumber': flavor['vcpus'], 'cpuspeed': cpu_speed,
        'memory': flavor['memory_mb'], 'rootdisksize': flavor['root_gb'],
        'created': cs_time(flavor.get('created_at')),
        'storagetype': 'local', 'offerha': False, 'limitcpuuse': False,
        'isvolatile': False, 'issystem': False, 'defaultuse': False,
        'iscustomized': False, 'provisioningtype': 'thin',
        'networkrate': int(100 * flavor.get('rxtx_factor', 1.0)),
        'deploymentplanner': planner,
    }


#: Image status → template ``status`` (CloudStack's download states);
#: a killed image adds why (its ``import_error`` property).
TEMPLATE_STATUS = {'active': 'Download Complete',
                   'queued': 'Download In Progress',
                   'saving': 'Download In Progress',
                   'importing': 'Download In Progress',
                   'killed': 'Download Failed'}


def template_status(image):
    """The ``status`` of a template of ``image`` (``TEMPLATE_STATUS``;
    another image status as it is)."""
    status = TEMPLATE_STATUS.get(image['status'], image['status'])
    error = (image.get('properties') or {}).get('import_error')
    if image['status'] == 'killed' and error:
        status = '%s: %s' % (status, error)
    return status


def template(image, zone_name, own_project):
    """A ``listTemplates`` template from an image dict."""
    ostype = os_types.of_image(image.get('properties'))
    ready = image['status'] == 'active'
    return {
        'id': image['uuid'], 'name': image['name'] or image['uuid'],
        'displaytext': image['name'] or image['uuid'],
        'ispublic': image['visibility'] == 'public',
        'isfeatured': image['visibility'] == 'public',
        'isready': ready,
        'status': template_status(image),
        'format': (image.get('disk_format') or 'raw').upper(),
        'hypervisor': 'KVM', 'size': image.get('size'),
        'checksum': image.get('checksum'),
        'created': cs_time(image.get('created_at')),
        'zoneid': zone_id(zone_name), 'zonename': zone_name,
        'crossZones': True, 'templatetype': 'USER',
        'passwordenabled': False, 'sshkeyenabled': True,
        'isdynamicallyscalable': False, 'isextractable': False,
        'account': own_project if image.get('owner') == own_project
        else None,
        'ostypeid': ostype[0], 'ostypename': ostype[1],
        'details': {},
    }


def network(net, subnet, zone_name, account=''):
    """A ``listNetworks`` network from a network dict
    (``nova_lite.network.networks``) and its first subnet (or None): the
    shared flat network is a ``Shared`` network, a project's an
    ``Isolated`` one of its account."""
    shared = bool(net['shared'])
    cidr = subnet['cidr'] if subnet else net.get('cidr')
    return {
        'id': net['uuid'], 'name': net['label'],
        'displaytext': net['description'] or net['label'], 'cidr': cidr,
        'gateway': subnet['gateway_ip'] if subnet else net.get('gateway'),
        'netmask': str(ipaddress.ip_network(cidr).netmask) if cidr else None,
        'broadcastdomaintype': 'Native', 'traffictype': 'Guest',
        'type': 'Shared' if shared else 'Isolated',
        'state': 'Setup' if shared else 'Implemented',
        'acltype': 'Domain' if shared else 'Account',
        'account': account, 'zoneid': zone_id(zone_name),
        'zonename': zone_name, 'isdefault': shared,
        'canusefordeploy': True, 'specifyipranges': shared,
        'restartrequired': False, 'ispersistent': True,
        'networkofferingid': ISOLATED_OFFERING_ID if not shared else None,
        'networkofferingname': 'DefaultSharedNetwork' if shared
        else ISOLATED_OFFERING_NAME,
        'service': [{'name': 'Dhcp'}, {'name': 'Dns'}],
    }


#: The one network offering (listNetworkOfferings): isolated guest
#: networks of an account, DHCP by dnsmasq.
ISOLATED_OFFERING_NAME = 'DefaultIsolatedNetworkOffering'
ISOLATED_OFFERING_ID = str(uuidlib.uuid5(uuidlib.NAMESPACE_URL,
                                         'nova-lite:network-offering:'
                                         'isolated'))


def network_offering():
    """The ``listNetworkOfferings`` offering."""
    return {
        'id': ISOLATED_OFFERING_ID, 'name': ISOLATED_OFFERING_NAME,
        'displaytext': 'Isolated guest network of an account with DHCP',
        'traffictype': 'Guest', 'guestiptype': 'Isolated',
        'isdefault': True, 'specifyvlan': False, 'specifyipranges': False,
        'availability': 'Optional', 'state': 'Enabled',
        'conservemode': True, 'forvpc': False, 'ispersistent': True,
        'egressdefaultpolicy': True,
        'service': [{'name': 'Dhcp'}, {'name': 'Dns'}],
    }


def nic(instance_uuid, fixed_ip, net, index=0):
    """A ``nic`` of a virtual machine, the ``index``-th (the first is the
    default one); id: uuid5 of instance + network + address."""
    name = net['uuid'] if index == 0 else '%s/%s' % (net['uuid'],
                                                     fixed_ip.address)
    return {
        'id': str(uuidlib.uuid5(uuidlib.UUID(instance_uuid), name)),
        'networkid': net['uuid'], 'networkname': net['label'],
        'ipaddress': fixed_ip.address, 'macaddress': fixed_ip.mac,
        'gateway': net['gateway'], 'netmask': net['netmask'],
        'isdefault': index == 0, 'traffictype': 'Guest',
        'type': 'Shared' if net.get('shared', True) else 'Isolated',
        'deviceid': str(index), 'broadcasturi': 'vlan://untagged',
    }


def secondary_ip(instance_uuid, net, fixed_ip):
    """A ``secondaryip`` of a NIC (CloudStack NicSecondaryIpResponse:
    ``id``, ``ipaddress``): an address of the NIC's port after its
    first. id: uuid5 of instance + ``ip/<network uuid>/<address>``."""
    return {'id': secondary_ip_id(instance_uuid, net['uuid'],
                                  fixed_ip.address),
            'ipaddress': fixed_ip.address}


def secondary_ip_id(instance_uuid, network_uuid, address):
    """The id of a VM's secondary IP ``address`` on a network."""
    return str(uuidlib.uuid5(uuidlib.UUID(instance_uuid),
                             'ip/%s/%s' % (network_uuid, address)))


def affinity_group(group, member_uuids, account=None):
    """A ``listAffinityGroups`` affinity group from a server group dict."""
    return {'id': group['uuid'], 'name': group['name'],
            'type': POLICY_TYPES.get(group['policy'], group['policy']),
            'account': account, 'virtualmachineIds': list(member_uuids),
            'description': ''}


#: The resource type of the tags nova_lite keeps (a VM's server tags).
TAG_RESOURCE_TYPE = 'UserVm'


def split_tag(tag):
    """(key, value) of a server tag: ``key=value``, else (tag, '')
    (``commands.vm_tags``)."""
    key, _sep, value = tag.partition('=')
    return key, value


def tag(request, instance, key, value):
    """The ``tag`` object (listTags, a VM's ``tags``) of a tag of VM
    ``instance``."""
    owner = instance.project_id == request.identity.project_id
    return {'key': key, 'value': value, 'resourcetype': TAG_RESOURCE_TYPE,
            'resourceid': instance.uuid,
            'account': request.identity.project_name if owner
            else instance.project_id,
            'domainid': request.identity.domain_id if owner else None,
            'domain': request.identity.domain_name if owner else None,
            'projectid': instance.project_id}
