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
affinitygroup[], details.
"""
from nova_lite.api.cloudstack import views
from nova_lite.compute import topology
from nova_lite import context as nl_context
from nova_lite.image import api as image_api
from nova_lite.network import api as network_api


class VirtualMachineViews:
    """Renders ``virtualmachine`` objects for one request."""

    def __init__(self, request, networks, nodes, images, groups):
        self.request = request
        self.networks = networks
        self.nodes = nodes
        self.images = images
        self.groups = groups

    @classmethod
    def load(cls, request, instances):
        """Views for ``instances`` (records of the compute API's ``get``,
        ``get_all`` or ``get_page``)."""
        ctx = request.context
        networks = {n['id']: n for n in network_api.get_all(ctx)}
        nodes = {(n['host'], n['hypervisor_hostname']): n
                 for n in topology.compute_nodes()}
        image_ids = sorted({i.image_ref for i in instances if i.image_ref})
        images = {i['uuid']: i for i in image_api.API().list(
            nl_context.get_admin_context(), ids=image_ids)} \
            if image_ids else {}
        groups = request.groups_of_instances([i.uuid for i in instances])
        return cls(request, networks, nodes, images, groups)

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
        return [views.nic(instance.uuid, fip, self.networks[fip.network_id])
                for fip in sorted(instance.fixed_ips, key=lambda f: f.id)
                if fip.network_id in self.networks]

    def render(self, instance, state=None):
        """The ``virtualmachine`` object of an instance row; ``state``
        overrides the state computed from vm_state/task_state."""
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
            'securitygroup': [],
            'affinitygroup': [
                {'id': g['uuid'], 'name': g['name'],
                 'type': views.POLICY_TYPES.get(g['policy'], g['policy'])}
                for g in self.groups.get(instance.uuid, [])],
            'details': {m.key: m.value for m in instance.metadata_items},
        }
        vm.update(self._owner(instance))
        vm.update(self._placement(instance))
        return vm
