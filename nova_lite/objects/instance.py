"""Instance, Flavor, ImageMeta and VIF objects passed to services/drivers."""
from oslo_serialization import jsonutils
from oslo_utils import versionutils
from oslo_versionedobjects import fields

from nova_lite.objects import base


@base.NovaLiteObjectRegistry.register
class Flavor(base.NovaLiteObject):
    """A flavor: vcpus, memory_mb (MiB), root_gb/ephemeral_gb (GiB)."""
    VERSION = '1.0'
    fields = {
        'id': fields.IntegerField(nullable=True),
        'flavorid': fields.StringField(),
        'name': fields.StringField(),
        'vcpus': fields.IntegerField(),
        'memory_mb': fields.IntegerField(),
        'root_gb': fields.IntegerField(),
        'ephemeral_gb': fields.IntegerField(default=0),
        'swap': fields.IntegerField(default=0),
        'is_public': fields.BooleanField(default=True),
    }


@base.NovaLiteObjectRegistry.register
class ImageMeta(base.NovaLiteObject):
    """An image as a driver needs it.

    ``properties`` holds image properties as strings, e.g.
    ``kernel_id``/``ramdisk_id`` (ids of kernel and initrd images),
    ``os_command_line``, ``hw_architecture``, ``img_hv_type``.
    """
    VERSION = '1.0'
    fields = {
        'id': fields.StringField(),
        'name': fields.StringField(nullable=True),
        'disk_format': fields.StringField(nullable=True),
        'container_format': fields.StringField(nullable=True),
        'size': fields.IntegerField(nullable=True),
        'min_disk': fields.IntegerField(default=0),
        'min_ram': fields.IntegerField(default=0),
        'properties': fields.DictOfNullableStringsField(default={}),
    }


def nics(vifs):
    """The guest's NICs of ``vifs`` (``VIF`` objects or dicts with
    ``mac``): the first VIF of each MAC, in order. A port with several
    fixed IPs (``addFixedIp``, a Networking API port update) has one
    VIF per address, all with its MAC: one NIC in the guest, with the
    first address as the one DHCP hands out."""
    seen, found = set(), []
    for vif in vifs or ():
        mac = vif['mac'].lower()
        if mac not in seen:
            seen.add(mac)
            found.append(vif)
    return found


@base.NovaLiteObjectRegistry.register
class VIF(base.NovaLiteObject):
    """One address of an instance on a network: a NIC (its port), or
    another fixed IP of the same port (same ``port_id`` and ``mac``;
    ``nics`` gives one VIF per NIC).

    Version 1.1: ``port_id`` (the Networking API port; the compute names
    the tap after it, ``network.firewall.device_name``).
    Version 1.2: ``dhcp``, ``dns_nameservers`` and ``mtu`` of its subnet
    and network: what a compute needs to run the network's bridge and
    dnsmasq (``nova_lite.network.linux_net``).
    """
    VERSION = '1.2'
    fields = {
        'port_id': fields.StringField(nullable=True, default=None),
        'address': fields.StringField(),      # IPv4 address
        'mac': fields.StringField(),          # fa:16:3e:xx:xx:xx
        'network_label': fields.StringField(),
        'network_id': fields.IntegerField(),
        'cidr': fields.StringField(),
        'gateway': fields.StringField(nullable=True),
        'bridge': fields.StringField(nullable=True),
        'dhcp': fields.BooleanField(nullable=True),
        'dns_nameservers': fields.ListOfStringsField(nullable=True),
        'mtu': fields.IntegerField(nullable=True),   # bytes
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        if target < (1, 2):
            for key in ('dhcp', 'dns_nameservers', 'mtu'):
                primitive.pop(key, None)
        if target < (1, 1):
            primitive.pop('port_id', None)


@base.NovaLiteObjectRegistry.register
class Instance(base.NovaLiteObject):
    """A server as it crosses the bus. Secrets are not carried: user_data
    and key material are read from the database by the compute that needs
    them.

    Version 1.1: ``instance_name``.
    Version 1.2: ``launched_at`` (the guest's uptime in diagnostics).
    Version 1.3: ``config_drive`` (the compute asks for the guest data
    only for a build with a config drive).
    Version 1.4: ``shelved_image_id`` (a compute restarting mid-shelve
    or mid-unshelve knows the image; doc/lifecycle-shelve.md).
    Version 1.5: ``flavor_extra_specs`` (the driver reads the flavor's
    ``hw_rng:*`` specs).
    Version 1.6: ``block_device_mapping`` (the build prepares the
    instance's volumes first; doc/volumes.md, "Boot from volume").
    """
    VERSION = '1.6'
    fields = {
        'id': fields.IntegerField(nullable=True),
        'uuid': fields.UUIDField(),
        'display_name': fields.StringField(nullable=True),
        'hostname': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'image_ref': fields.StringField(nullable=True),
        'flavor_id': fields.StringField(nullable=True),
        'flavor_name': fields.StringField(nullable=True),
        'vcpus': fields.IntegerField(),
        'memory_mb': fields.IntegerField(),
        'root_gb': fields.IntegerField(),
        'ephemeral_gb': fields.IntegerField(default=0),
        'host': fields.StringField(nullable=True),
        'node': fields.StringField(nullable=True),
        'vm_state': fields.StringField(nullable=True),
        'task_state': fields.StringField(nullable=True),
        'power_state': fields.IntegerField(nullable=True),
        'reservation_id': fields.StringField(nullable=True),
        'launch_index': fields.IntegerField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'key_name': fields.StringField(nullable=True),
        'metadata': fields.DictOfNullableStringsField(default={}),
        'created_at': fields.DateTimeField(nullable=True),
        # The hypervisor-side name, stored at create time ([DEFAULT]
        # instance_name_template, see nova_lite.compute.naming).
        'instance_name': fields.StringField(nullable=True),
        # When the build made the guest ACTIVE (naive UTC), or None.
        'launched_at': fields.DateTimeField(nullable=True),
        'config_drive': fields.BooleanField(default=False),
        # The image of a shelve, while shelving or shelved, else None.
        'shelved_image_id': fields.StringField(nullable=True),
        # The flavor's extra specs ({key: value}) as the instance keeps
        # them (a copy made at create and resize).
        'flavor_extra_specs': fields.DictOfNullableStringsField(default={}),
        # The create request's volume mappings (``compute.block_device``;
        # values as strings here), or None without any.
        'block_device_mapping': fields.ListOfDictOfNullableStringsField(
            nullable=True, default=None),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        target = versionutils.convert_version_to_tuple(target_version)
        if target < (1, 2):
            primitive.pop('launched_at', None)
        if target < (1, 3):
            primitive.pop('config_drive', None)
        if target < (1, 1):
            primitive.pop('instance_name', None)
        if target < (1, 4):
            primitive.pop('shelved_image_id', None)
        if target < (1, 5):
            primitive.pop('flavor_extra_specs', None)
        if target < (1, 6):
            primitive.pop('block_device_mapping', None)

    def shelved_image(self):
        """``shelved_image_id``, or None when unset (an object from a
        sender older than 1.4, or made without it)."""
        if self.obj_attr_is_set('shelved_image_id'):
            return self.shelved_image_id
        return None

    @property
    def name(self):
        """The hypervisor-side name of the guest (str): ``instance_name``,
        else ``instance-<uuid>``, the name of every guest before
        ``instance_name`` existed (an object from a 1.0 sender)."""
        if self.obj_attr_is_set('instance_name') and self.instance_name:
            return self.instance_name
        return 'instance-%s' % self.uuid

    @property
    def flavor(self):
        """The instance's flavor as a Flavor object."""
        return Flavor(flavorid=self.flavor_id or '', name=self.flavor_name
                      or '', vcpus=self.vcpus, memory_mb=self.memory_mb,
                      root_gb=self.root_gb, ephemeral_gb=self.ephemeral_gb)

    @classmethod
    def from_dict(cls, values):
        """As ``NovaLiteObject.from_dict``; ``flavor_extra_specs`` may
        be the instance row's JSON text (or None)."""
        specs = values.get('flavor_extra_specs', {})
        if not isinstance(specs, dict):
            values = dict(values, flavor_extra_specs=_extra_specs(specs))
        return super().from_dict(values)

    @classmethod
    def from_db(cls, row):
        """Build from a ``db.models.Instance`` row (metadata included)."""
        values = {name: getattr(row, name) for name in cls.fields
                  if name != 'metadata' and hasattr(row, name)}
        values['metadata'] = {m.key: m.value for m in row.metadata_items}
        values['config_drive'] = bool(values.get('config_drive'))
        return cls.from_dict(values)


def _extra_specs(text):
    """The instance row's ``flavor_extra_specs`` (JSON text or None) as
    a dict of str; {} when unset or unreadable."""
    if not text:
        return {}
    try:
        specs = jsonutils.loads(text)
    except ValueError:
        return {}
    if not isinstance(specs, dict):
        return {}
    return {str(k): None if v is None else str(v) for k, v in specs.items()}
