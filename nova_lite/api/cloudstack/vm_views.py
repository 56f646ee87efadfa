"""The CloudStack ``virtualmachine`` object of instances.

``VirtualMachineViews.load(request, instances)`` reads once, for a whole
list, what the objects need besides the instance rows (networks, compute
nodes, images, server group membership); ``render(instance)`` then builds
one object with the fields of the CloudStack API reference
(listVirtualMachines response): id, name, displayname, account, domain,
domainid, userid, created, state, zoneid/zonename, hostid/hostname
(admins only), templateid/templatename, serviceofferingid/
serviceofferingname, cpunumber, cpuspeed (MHz), memory (MiB), nic[],
hypervisor, instancename (admins only), keypair, securitygroup[],
affinitygroup[], details (the server metadata), group (its ``group``
key), tags[] (its server tags, ``commands.vm_tags``), publicip/
publicipid (the VM's static NAT, when it has a floating IP); with
``stats`` (``vm_stats``) also the usage counters of a running VM:
cpuused, networkkbsread/write, diskkbsread/write, diskioread/write,
memorykbs, memorytargetkbs and memoryintfreekbs.
"""
from concurrent import futures

from oslo_log import log as logging
import oslo_messaging as messaging

from nova_lite.api.cloudstack import views
from nova_lite.compute import states
from nova_lite.compute import tags as tag_api
from nova_lite import exception
from nova_lite.compute import topology
from nova_lite import context as nl_context
from nova_lite.image import api as image_api
from nova_lite.network import api as network_api
from nova_lite.network import floating_ips as fip_api
from nova_lite.network import security_groups as sg_api

LOG = logging.getLogger(__name__)
#: The server metadata key of a VM's ``group`` (updateVirtualMachine).
GROUP_KEY = 'group'
KiB = 1024
NS_PER_S = 10 ** 9


def _total(items, key):
    """Sum of ``key`` over the items that have it; None when none has."""
    values = [item[key] for item in items if item.get(key) is not None]
    return sum(values) if values else None


def stats_fields(found):
    """The CloudStack usage fields of a VM from its standardized
    diagnostics (``nova_lite.virt.diagnostics``); a counter the driver
    cannot tell is left out.

    ``cpuused`` is the average use of the VM's vCPUs since it started
    (CPU time over uptime times vCPUs, e.g. ``"12.5%"``); network and
    disk counters are totals since it started over every NIC and disk,
    in KiB (``*kbs*``) or requests (``diskio*``); ``memorykbs`` is its
    memory, ``memorytargetkbs`` what it holds now, ``memoryintfreekbs``
    what the guest reports free (KiB).
    """
    cpus, uptime = found.get('cpu_details') or [], found.get('uptime')
    cpu_ns = _total(cpus, 'time')
    fields = {}
    if cpu_ns is not None and uptime is not None:
        capacity = uptime * NS_PER_S * len(cpus)
        used = 100.0 * cpu_ns / capacity if capacity else 0.0
        fields['cpuused'] = '%s%%' % round(min(used, 100.0), 2)
    nics, disks = found.get('nic_details') or [], found.get('disk_details') \
        or []
    for name, items, key, scale in (
            ('networkkbsread', nics, 'rx_octets', KiB),
            ('networkkbswrite', nics, 'tx_octets', KiB),
            ('diskkbsread', disks, 'read_bytes', KiB),
            ('diskkbswrite', disks, 'write_bytes', KiB),
            ('diskioread', disks, 'read_requests', 1),
            ('diskiowrite', disks, 'write_requests', 1)):
        total = _total(items, key)
        if total is not None:
            fields[name] = total // scale
    memory = found.get('memory_details') or {}
    for name, value in (('memorykbs', memory.get('maximum')),
                        ('memorytargetkbs', memory.get('used'))):
        if value is not None:
            fields[name] = value * KiB
    if found.get('memory_unused_kib') is not None:
        fields['memoryintfreekbs'] = found['memory_unused_kib']
    return fields


def vm_stats(request, instances):
    """``{uuid: CloudStack usage fields}`` of the running ``instances``
    (ACTIVE on a host), asked of their computes over RPC (at most
    ``[cloudstack] vm_stats_workers`` at once, each within
    ``[cloudstack] vm_stats_timeout`` seconds); a VM whose compute
    cannot answer is left out (logged)."""
    running = [i for i in instances
               if i.host and i.vm_state == states.ACTIVE]
    if not running:
        return {}
    conf = request.conf.cloudstack
    compute_api, ctx = request.compute_api, request.context

    def _one(instance):
        try:
            return stats_fields(compute_api.get_diagnostics(
                ctx, instance, timeout=conf.vm_stats_timeout))
        except (exception.NovaLiteException,
                messaging.MessagingException) as exc:
            LOG.info('No stats of VM %s on %s: %s', instance.uuid,
                     instance.host, exc)
            return None

    workers = min(conf.vm_stats_workers, len(running))
    with futures.ThreadPoolExecutor(max_workers=workers) as pool:
        found = dict(zip([i.uuid for i in running],
                         pool.map(_one, running), strict=True))
    return {uuid: fields for uuid, fields in found.items()
            if fields is not None}


def nics(instance, networks):
    """The ``nic`` list of a VM: one NIC per port, in the order of the
    ports' first addresses (the first NIC is the default one), its first
    address as ``ipaddress`` and the others as ``secondaryip`` (compute
    API ``addFixedIp``, CloudStack ``addIpToNic``; doc/interfaces.md).

    :param instance: a read model with ``uuid`` and ``fixed_ips`` (rows
        with ``id``, ``port_id``, ``network_id``, ``address``, ``mac``)
    :param networks: {network id: network dict}; addresses on other
        networks are left out
    """
    ports = {}
    for fip in sorted(instance.fixed_ips, key=lambda f: f.id):
        if fip.network_id in networks:
            ports.setdefault(fip.port_id or ('address', fip.id),
                             []).append(fip)
    found = []
    for index, held in enumerate(ports.values()):
        net = networks[held[0].network_id]
        nic = views.nic(instance.uuid, held[0], net, index)
        if len(held) > 1:
            nic['secondaryip'] = [views.secondary_ip(instance.uuid, net, f)
                                  for f in held[1:]]
        found.append(nic)
    return found


class VirtualMachineViews:
    """Renders ``virtualmachine`` objects for one request."""

    def __init__(self, request, networks, nodes, images, groups,
                 security_groups=None, static_nat=None, tags=None):
        self.request = request
        # {instance uuid: [server tag, ...]}
        self.tags = tags or {}
        self.security_groups = security_groups or {}
        # {instance uuid: {"publicip", "publicipid"}}
        self.static_nat = static_nat or {}
        self.networks = networks
        self.nodes = nodes
        self.images = images
        self.groups = groups

    @classmethod
    def load(cls, request, instances):
        """Views for ``instances`` (records of the compute API's ``get``,
        ``get_all`` or ``get_page``)."""
        ctx = request.context
        networks = network_api.with_addresses(ctx)
        nodes = {(n['host'], n['hypervisor_hostname']): n
                 for n in topology.compute_nodes()}
        image_ids = sorted({i.image_ref for i in instances if i.image_ref})
        images = {i['uuid']: i for i in image_api.API().list(
            nl_context.get_admin_context(), ids=image_ids)} \
            if image_ids else {}
        uuids = [i.uuid for i in instances]
        groups = request.groups_of_instances(uuids)
        security_groups = sg_api.groups_of_instances(ctx, uuids)
        static_nat = fip_api.static_nat_of_instances(
            ctx, [i.uuid for i in instances if i.fixed_ips])
        return cls(request, networks, nodes, images, groups,
                   security_groups, static_nat,
                   tag_api.of_instances(ctx, uuids))

    def _owner(self, instance):
        identity = self.request.identity
        if instance.project_id == identity.project_id:
            return {'account': identity.project_name,
                    'domainid': identity.domain_id,
                    'domain': identity.domain_name or 'ROOT'}
        return {'account': instance.project_id}

    def _placement(self, instance):
        conf = self.request.conf
        zone_name = (instance.availability_zone
                     or conf.compute.default_availability_zone)
        node = self.nodes.get((instance.host, instance.node))
        values = {'zoneid': views.zone_id(zone_name), 'zonename': zone_name,
                  'hypervisor': views.hypervisor_name(
                      node['hypervisor_type'] if node else None)}
        if self.request.context.is_admin and node:
            values.update(hostid=node['uuid'], hostname=node['host'],
                          instancename=instance.instance_name or '')
        return values

    def _nics(self, instance):
        return nics(instance, self.networks)

    def render(self, instance, state=None, stats=None):
        """The ``virtualmachine`` object of an instance row; ``state``
        overrides the state computed from vm_state/task_state, ``stats``
        (``stats_fields``) are added."""
        image = self.images.get(instance.image_ref) or {}
        vm = {
            'id': instance.uuid, 'name': instance.hostname,
            'displayname': instance.display_name,
            'userid': instance.user_id,
            'created': views.cs_time(instance.created_at),
            'state': state or views.vm_state(instance.vm_state,
                                             instance.task_state),
            'templateid': instance.image_ref,
            'templatename': image.get('name'),
            'serviceofferingid': instance.flavor_id,
            'serviceofferingname': instance.flavor_name,
            'cpunumber': instance.vcpus,
            'cpuspeed': self.request.conf.cloudstack.cpu_speed_mhz,
            'memory': instance.memory_mb, 'rootdevicetype': 'ROOT',
            'rootdeviceid': 0, 'passwordenabled': False, 'haenable': False,
            'isdynamicallyscalable': False, 'displayvm': True,
            'keypair': instance.key_name, 'nic': self._nics(instance),
            'securitygroup': [
                {'id': g['uuid'], 'name': g['name'],
                 'description': g['description'] or ''}
                for g in self.security_groups.get(instance.uuid, [])],
            'affinitygroup': [
                {'id': g['uuid'], 'name': g['name'],
                 'type': views.POLICY_TYPES.get(g['policy'], g['policy'])}
                for g in self.groups.get(instance.uuid, [])],
            'details': {m.key: m.value for m in instance.metadata_items},
            'group': next((m.value for m in instance.metadata_items
                           if m.key == GROUP_KEY), None),
            'tags': [views.tag(self.request, instance,
                               *views.split_tag(t))
                     for t in self.tags.get(instance.uuid, ())],
        }
        vm.update(self._owner(instance))
        vm.update(self._placement(instance))
        vm.update(self.static_nat.get(instance.uuid, {}))
        vm.update(stats or {})
        return vm
