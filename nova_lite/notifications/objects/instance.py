"""Instance payloads: InstanceActionPayload (instance.<action>.start/end/
error), InstanceUpdatePayload (instance.update) and their parts, with
Nova's field names: ``tenant_id`` is the project, ``host_name`` the
guest's hostname, ``state`` the vm_state, ``power_state`` its name
('running', 'shutdown', ...), ``image_uuid`` the image id, ``flavor`` a
FlavorPayload (memory MiB, disks GiB), ``ip_addresses`` [IpPayload].

Payloads are built from the ``objects.Instance`` (and NICs,
``objects.VIF``) a service already holds: building one reads nothing
from the database, so times the object does not carry (``launched_at``,
``updated_at``, ...) are None unless the sender knows them.
"""
from oslo_versionedobjects import fields

from nova_lite.compute import states
from nova_lite.notifications.objects import base as payload_base
from nova_lite.notifications.objects import exception as exc_payload
from nova_lite.objects import base


@base.NovaLiteObjectRegistry.register
class FlavorPayload(payload_base.NotificationPayloadBase):
    """The instance's flavor: memory_mb (MiB), root_gb/ephemeral_gb
    (GiB), swap (MiB)."""
    VERSION = '1.0'
    fields = {
        'flavorid': fields.StringField(nullable=True),
        'name': fields.StringField(nullable=True),
        'memory_mb': fields.IntegerField(nullable=True),
        'vcpus': fields.IntegerField(nullable=True),
        'root_gb': fields.IntegerField(nullable=True),
        'ephemeral_gb': fields.IntegerField(nullable=True),
        'swap': fields.IntegerField(default=0),
        'rxtx_factor': fields.FloatField(default=1.0),
        'vcpu_weight': fields.IntegerField(default=0),
        'disabled': fields.BooleanField(default=False),
        'is_public': fields.BooleanField(default=True),
        'extra_specs': fields.DictOfStringsField(default={}),
        'projects': fields.ListOfStringsField(nullable=True),
        'description': fields.StringField(nullable=True),
    }

    @classmethod
    def from_instance(cls, instance):
        get = instance.get
        return cls(flavorid=get('flavor_id', None),
                   name=get('flavor_name', None),
                   memory_mb=get('memory_mb', None),
                   vcpus=get('vcpus', None), root_gb=get('root_gb', None),
                   ephemeral_gb=get('ephemeral_gb', None))

    @classmethod
    def from_flavor(cls, flavor):
        """The payload of a flavor dict (``flavorid``, ``name``,
        ``vcpus``, ``memory_mb`` MiB, ``root_gb``/``ephemeral_gb`` GiB;
        ``swap`` MiB, ``description``, ``is_public``, ``disabled`` when
        present)."""
        values = {key: flavor.get(key) for key in (
            'flavorid', 'name', 'vcpus', 'memory_mb', 'root_gb',
            'ephemeral_gb', 'description')}
        if values['flavorid'] is not None:
            values['flavorid'] = str(values['flavorid'])
        for key in ('swap', 'is_public', 'disabled'):
            if flavor.get(key) is not None:
                values[key] = flavor[key]
        return cls(**values)


@base.NovaLiteObjectRegistry.register
class IpPayload(payload_base.NotificationPayloadBase):
    """One fixed address: label (network), mac, version (4), address."""
    VERSION = '1.0'
    fields = {
        'label': fields.StringField(),
        'mac': fields.MACAddressField(),
        'meta': fields.DictOfStringsField(default={}),
        'port_uuid': fields.UUIDField(nullable=True),
        'version': fields.IntegerField(),
        'address': fields.IPV4AndV6AddressField(),
        'device_name': fields.StringField(nullable=True),
    }

    @classmethod
    def from_vifs(cls, vifs):
        """[IpPayload] of [objects.VIF] (None: [])."""
        return [cls(label=vif.network_label, mac=vif.mac, version=4,
                    address=vif.address, device_name=vif.bridge)
                for vif in vifs or ()]


def _instance_values(instance, network_info, overrides):
    """Field values of InstancePayload from ``instance``; ``overrides``
    (payload field names) win."""
    def get(name):
        return instance.get(name, None)

    power_state = get('power_state')
    values = {
        'uuid': instance.uuid,
        'user_id': get('user_id'),
        'tenant_id': get('project_id'),
        'reservation_id': get('reservation_id'),
        'display_name': get('display_name'),
        'host_name': get('hostname'),
        'host': get('host'),
        'node': get('node'),
        'availability_zone': get('availability_zone'),
        'flavor': FlavorPayload.from_instance(instance),
        'image_uuid': get('image_ref'),
        'key_name': get('key_name'),
        'created_at': get('created_at'),
        'state': get('vm_state'),
        'power_state': states.POWER_STATE_NAMES.get(power_state),
        'task_state': get('task_state'),
        'ip_addresses': IpPayload.from_vifs(network_info),
        'metadata': dict(get('metadata') or {}),
    }
    values.update(overrides)
    return values


@base.NovaLiteObjectRegistry.register
class BlockDevicePayload(payload_base.NotificationPayloadBase):
    """One volume of an instance (Nova's BlockDevicePayload): its
    ``volume_id``, ``device_name`` (``/dev/vda``), ``boot_index`` (0:
    the instance boots from it), ``delete_on_termination`` and
    ``tag``."""
    VERSION = '1.0'
    fields = {
        'device_name': fields.StringField(nullable=True),
        'boot_index': fields.IntegerField(nullable=True),
        'delete_on_termination': fields.BooleanField(default=False),
        'volume_id': fields.UUIDField(),
        'tag': fields.StringField(nullable=True),
    }

    @classmethod
    def from_block_device_info(cls, block_device_info):
        """[BlockDevicePayload] of a build's ``block_device_info``
        (``compute.build_volumes``); None without volumes."""
        found = [cls(device_name=bdm['mount_device'],
                     boot_index=bdm.get('boot_index'),
                     delete_on_termination=bool(
                         bdm.get('delete_on_termination')),
                     volume_id=bdm['volume_id'], tag=bdm.get('tag'))
                 for bdm in (block_device_info or {}).get(
                     'block_device_mapping') or ()]
        return found or None


@base.NovaLiteObjectRegistry.register
class InstancePayload(payload_base.NotificationPayloadBase):
    """The instance part of instance payloads (see the module doc).

    Version 1.1: ``block_devices`` is a list of BlockDevicePayload
    (given where the sender holds the instance's volumes: the build's
    instance.create.end and .error), None elsewhere.
    """
    VERSION = '1.1'
    fields = {
        'uuid': fields.UUIDField(),
        'user_id': fields.StringField(nullable=True),
        'tenant_id': fields.StringField(nullable=True),
        'reservation_id': fields.StringField(nullable=True),
        'display_name': fields.StringField(nullable=True),
        'display_description': fields.StringField(nullable=True),
        'host_name': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'node': fields.StringField(nullable=True),
        'os_type': fields.StringField(nullable=True),
        'architecture': fields.StringField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('FlavorPayload'),
        'image_uuid': fields.StringField(nullable=True),
        'key_name': fields.StringField(nullable=True),
        'kernel_id': fields.StringField(nullable=True),
        'ramdisk_id': fields.StringField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'launched_at': fields.DateTimeField(nullable=True),
        'terminated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'state': fields.StringField(nullable=True),
        'power_state': fields.StringField(nullable=True),
        'task_state': fields.StringField(nullable=True),
        'progress': fields.IntegerField(nullable=True),
        'ip_addresses': fields.ListOfObjectsField('IpPayload'),
        # Nova's [BlockDevicePayload], where the sender knows them.
        'block_devices': fields.ListOfObjectsField('BlockDevicePayload',
                                                   nullable=True),
        'metadata': fields.DictOfStringsField(default={}),
        'locked': fields.BooleanField(default=False),
        'locked_reason': fields.StringField(nullable=True),
        'auto_disk_config': fields.StringField(default='MANUAL'),
        'request_id': fields.StringField(nullable=True),
        'action_initiator_user': fields.StringField(nullable=True),
        'action_initiator_project': fields.StringField(nullable=True),
    }

    @classmethod
    def from_instance(cls, context, instance, network_info=None,
                      **overrides):
        """The payload of ``instance`` (``objects.Instance``) with its
        NICs ``network_info`` ([objects.VIF]); ``overrides`` are payload
        fields (e.g. ``state='active'``, ``launched_at``). The request
        id and initiator come from ``context``."""
        values = _instance_values(instance, network_info, overrides)
        values.setdefault('request_id', getattr(context, 'request_id',
                                                None))
        values.setdefault('action_initiator_user',
                          getattr(context, 'user_id', None))
        values.setdefault('action_initiator_project',
                          getattr(context, 'project_id', None))
        return cls(**values)


@base.NovaLiteObjectRegistry.register
class InstanceActionPayload(InstancePayload):
    """instance.<action>.start/end/error: the instance and, on error,
    its ``fault`` (ExceptionPayload; None otherwise)."""
    VERSION = '1.1'
    fields = dict(InstancePayload.fields,
                  fault=fields.ObjectField('ExceptionPayload',
                                           nullable=True))

    @classmethod
    def from_instance(cls, context, instance, network_info=None,
                      fault=None, **overrides):
        """As InstancePayload's; ``fault`` is an ExceptionPayload or an
        exception."""
        if isinstance(fault, BaseException):
            fault = exc_payload.ExceptionPayload.from_exception(fault)
        return super().from_instance(context, instance, network_info,
                                     fault=fault, **overrides)


@base.NovaLiteObjectRegistry.register
class InstanceActionRebuildPayload(InstanceActionPayload):
    """instance.rebuild.start/end/error: the instance (``image_uuid`` the
    image rebuilt from) and ``trusted_image_certificates`` (Nova's
    field; nova_lite verifies no certificates: always None)."""
    VERSION = '1.1'
    fields = dict(InstanceActionPayload.fields,
                  trusted_image_certificates=fields.ListOfStringsField(
                      nullable=True))


@base.NovaLiteObjectRegistry.register
class InstanceActionRescuePayload(InstanceActionPayload):
    """instance.rescue.start/end: the instance and ``rescue_image_ref``,
    the image the rescue guest boots from."""
    VERSION = '1.1'
    fields = dict(InstanceActionPayload.fields,
                  rescue_image_ref=fields.UUIDField(nullable=True))


@base.NovaLiteObjectRegistry.register
class InstanceActionResizePrepPayload(InstanceActionPayload):
    """instance.resize_prep.start/end: the instance (its current flavor)
    and ``new_flavor`` (FlavorPayload), the flavor it is resized to."""
    VERSION = '1.1'
    fields = dict(InstanceActionPayload.fields,
                  new_flavor=fields.ObjectField('FlavorPayload',
                                                nullable=True))

    @classmethod
    def from_instance(cls, context, instance, network_info=None,
                      fault=None, new_flavor=None, **overrides):
        """As InstanceActionPayload's; ``new_flavor`` is a flavor dict
        (flavorid, name, vcpus, memory_mb, root_gb, ephemeral_gb: a
        migration's ``new_flavor``) or a FlavorPayload."""
        if isinstance(new_flavor, dict):
            new_flavor = FlavorPayload.from_flavor(new_flavor)
        return super().from_instance(context, instance, network_info,
                                     fault=fault, new_flavor=new_flavor,
                                     **overrides)


@base.NovaLiteObjectRegistry.register
class InstanceActionSnapshotPayload(InstanceActionPayload):
    """instance.snapshot.start/end (createImage, createBackup,
    CloudStack's createTemplate): the instance and ``snapshot_image_id``,
    the image the snapshot is written into."""
    VERSION = '1.1'
    fields = dict(InstanceActionPayload.fields,
                  snapshot_image_id=fields.UUIDField())


@base.NovaLiteObjectRegistry.register
class InstanceActionVolumePayload(InstanceActionPayload):
    """instance.volume_attach.start/end/error and
    instance.volume_detach.start/end (doc/volumes.md): the instance and
    ``volume_id``, the volume plugged in or out (Nova's payload)."""
    VERSION = '1.1'
    fields = dict(InstanceActionPayload.fields,
                  volume_id=fields.UUIDField())


#: The action of an instance.<action>.<phase> event → its payload class
#: (Nova's; InstanceActionPayload for the others).
ACTION_PAYLOADS = {
    'rebuild': InstanceActionRebuildPayload,
    'rescue': InstanceActionRescuePayload,
    'resize_prep': InstanceActionResizePrepPayload,
    'snapshot': InstanceActionSnapshotPayload,
    'volume_attach': InstanceActionVolumePayload,
    'volume_detach': InstanceActionVolumePayload,
}


@base.NovaLiteObjectRegistry.register
class InstanceStateUpdatePayload(payload_base.NotificationPayloadBase):
    """old_state/state (vm_state) and old_task_state/new_task_state of
    an instance.update."""
    VERSION = '1.0'
    fields = {
        'old_state': fields.StringField(nullable=True),
        'state': fields.StringField(nullable=True),
        'old_task_state': fields.StringField(nullable=True),
        'new_task_state': fields.StringField(nullable=True),
    }


@base.NovaLiteObjectRegistry.register
class InstanceUpdatePayload(InstancePayload):
    """instance.update: the instance and ``state_update``."""
    VERSION = '1.1'
    fields = dict(InstancePayload.fields,
                  state_update=fields.ObjectField(
                      'InstanceStateUpdatePayload'),
                  old_display_name=fields.StringField(nullable=True),
                  tags=fields.ListOfStringsField(default=[]))


@base.NovaLiteObjectRegistry.register
class AuditPeriodPayload(payload_base.NotificationPayloadBase):
    """The audit period of an instance.exists (naive UTC)."""
    VERSION = '1.0'
    fields = {
        'audit_period_beginning': fields.DateTimeField(),
        'audit_period_ending': fields.DateTimeField(),
    }


@base.NovaLiteObjectRegistry.register
class InstanceExistsPayload(InstancePayload):
    """instance.exists (the instance usage audit): the instance and the
    ``audit_period`` during which it existed (Nova's 2.x payload: no
    bandwidth)."""
    VERSION = '1.1'
    fields = dict(InstancePayload.fields,
                  audit_period=fields.ObjectField('AuditPeriodPayload'))
