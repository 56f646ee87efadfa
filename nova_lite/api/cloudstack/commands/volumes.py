"""Volumes and disk offerings of the CloudStack API (CloudStack API
reference, "Volume" and "Disk Offering"; doc/volumes.md, "CloudStack"):
the engine's block storage (``nova_lite.volume``) and its compute side
(``compute.api_volumes``).

- listVolumes: the ROOT volume of every VM (its root volume when it
  boots from one; else its local root disk, as
  CloudStack shows it: type ROOT, deviceid 0, the flavor's root size,
  state Ready; its id is derived from the VM's) and a DATADISK per
  block storage volume (deviceid from its device, vdb → 1);
- createVolume (``name``, ``diskofferingid`` or ``size`` in GiB,
  ``zoneid``): the job completes once the volume is Ready;
- attachVolume / detachVolume (``id``, ``virtualmachineid``): the
  compute API's attach (done at once) and detach (the job completes
  once the volume is detached);
- deleteVolume (``id``): a synchronous command in CloudStack, answered
  ``{"success": true}`` once deleting started;
- listDiskOfferings: three fixed sizes and one custom offering.

Rules: ``volume:create``/``volume:get_all``/``volume:delete`` and
``os_compute_api:os-volumes-attachments:{create,delete}``. Unknown
volumes, VMs and offerings are 431; a volume in the wrong state 431.
"""
import uuid as uuidlib

from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.api.cloudstack.commands import vms
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import volume as volume_policies
from nova_lite.policies import volume_attachments as attach_policies
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors as volume_errors
from nova_lite.volume import pools

_NAMESPACE = uuidlib.UUID('6d0c1f0e-4c1a-4a51-9d0b-5e0b0c7a2f11')
#: (name, GiB; 0: custom size) of the disk offerings.
OFFERINGS = (('Small', 5), ('Medium', 20), ('Large', 100), ('Custom', 0))
_STATES = {'creating': 'Allocated', 'available': 'Ready',
           'reserved': 'Ready', 'attaching': 'Ready', 'in-use': 'Ready',
           'detaching': 'Ready', 'extending': 'Resizing',
           'deleting': 'Destroy', 'error': 'Error',
           'error_deleting': 'Error', 'error_extending': 'Error'}
GiB = 1024 ** 3


def offering_id(name):
    """The stable UUID of the disk offering ``name``."""
    return str(uuidlib.uuid5(_NAMESPACE, 'diskoffering:' + name))


def root_volume_id(instance_uuid):
    """The stable UUID of a VM's ROOT volume (its local root disk)."""
    return str(uuidlib.uuid5(_NAMESPACE, 'root:' + instance_uuid))


def disk_offering(name, size_gb):
    """A ``listDiskOfferings`` object."""
    return {'id': offering_id(name), 'name': name,
            'displaytext': '%s disk' % name if size_gb == 0 else
            '%s disk, %d GB' % (name, size_gb),
            'disksize': size_gb, 'iscustomized': size_gb == 0,
            'storagetype': 'shared', 'provisioningtype': 'thin',
            'displayoffering': True, 'cacheMode': 'none'}


def offering_size(request, offering):
    """``(name, GiB; 0: custom)`` of the disk offering ``offering``.

    :raises: InvalidParameter (431) for an unknown one
    """
    for name, size in OFFERINGS:
        if offering_id(name) == offering:
            return name, size
    raise vms.invalid(request, 'diskofferingid', offering,
                      'no such disk offering')


def _zone(request, instance=None):
    name = (instance.availability_zone if instance is not None else None) \
        or request.conf.compute.default_availability_zone
    return {'zoneid': views.zone_id(name), 'zonename': name}


def root_volume(request, instance):
    """The ROOT volume object of a VM (its local root disk)."""
    body = {'id': root_volume_id(instance.uuid),
            'name': 'ROOT-%s' % instance.uuid[:8], 'type': 'ROOT',
            'deviceid': 0, 'virtualmachineid': instance.uuid,
            'vmname': instance.hostname or instance.display_name,
            'vmdisplayname': instance.display_name,
            'vmstate': views.vm_state(instance.vm_state,
                                      instance.task_state),
            'size': int(instance.root_gb or 0) * GiB, 'state': 'Ready',
            'created': views.cs_time(instance.created_at),
            'storagetype': 'local', 'provisioningtype': 'thin',
            'destroyed': False, 'isextractable': False,
            'account': instance.project_id, 'templateid':
            instance.image_ref, 'tags': []}
    body.update(_zone(request, instance))
    return body


def _storage(request, volume):
    """``storageid`` and ``storage`` (name) of the volume's storage pool
    (``nova_lite.volume.pools``; its host's default pool when it has no
    stored one); empty before a host holds it."""
    if volume.get('pool_uuid'):
        return {'storageid': volume['pool_uuid'],
                'storage': volume_api.pool_name(request.context,
                                                volume['pool_uuid'])}
    if volume.get('host'):
        return {'storageid': pools.default_pool_id(volume['host']),
                'storage': '%s-default' % volume['host']}
    return {'storageid': '', 'storage': ''}


def data_volume(request, volume, attachment=None, instance=None):
    """The DATADISK object of a block storage volume (dict of
    ``nova_lite.db.volumes``) and its attachment to ``instance``."""
    name, _size = next(((n, s) for n, s in OFFERINGS
                        if s == volume['size']), ('Custom', 0))
    body = {'id': volume['uuid'], 'name': volume.get('display_name') or
            volume['uuid'], 'type': 'DATADISK', 'size': volume['size'] * GiB,
            'state': _STATES.get(volume['status'], 'Error'),
            'created': views.cs_time(volume.get('created_at')),
            'diskofferingid': offering_id(name), 'diskofferingname': name,
            'storagetype': 'shared', 'provisioningtype': 'thin',
            'destroyed': volume['status'] == 'deleting',
            'isextractable': True, 'account': volume['project_id'],
            'tags': []}
    body.update(_storage(request, volume))
    body.update(_zone(request))
    if attachment is not None and instance is not None:
        device = (attachment.get('mountpoint') or '').rsplit('/', 1)[-1]
        if attachment.get('boot_index') == 0:
            # The VM boots from it (boot from volume): its ROOT volume.
            body['type'] = 'ROOT'
        body.update({
            'virtualmachineid': instance.uuid,
            'vmname': instance.hostname or instance.display_name,
            'vmdisplayname': instance.display_name,
            'vmstate': views.vm_state(instance.vm_state,
                                      instance.task_state),
            'deviceid': (ord(device[-1]) - ord('a')) if device else None,
            'attached': views.cs_time(attachment.get('attach_time'))})
    return body


def _volume(request, param='id'):
    try:
        return volume_api.get(request.context, request.params[param])
    except volume_errors.VolumeNotFound:
        raise vms.invalid(request, param, request.params[param],
                          'no such volume') from None


def _instances(request, instance_uuids):
    found = {}
    for uuid in instance_uuids:
        try:
            found[uuid] = request.compute_api.get(request.context, uuid)
        except exception.InstanceNotFound:
            continue
    return found


def _data_volumes(request, vm_id=None):
    ctx = request.context
    volumes = volume_api.get_all(ctx)
    atts = {a['volume_uuid']: a for v in volumes
            for a in volume_api.attachments_of(ctx, v['uuid'])
            if a.get('instance_uuid')}
    instances = _instances(request, {a['instance_uuid']
                                     for a in atts.values()})
    bodies = []
    for vol in volumes:
        att = atts.get(vol['uuid'])
        instance = instances.get(att['instance_uuid']) if att else None
        if vm_id and (instance is None or instance.uuid != vm_id):
            continue
        bodies.append(data_volume(request, vol, att, instance))
    return bodies


@command('listVolumes', response_object='volume', listing=True, params=(
    P.Parameter('id', P.UUID, 'the volume ID'),
    P.Parameter('virtualmachineid', P.UUID, 'the VM the volumes belong to'),
    P.Parameter('type', description='ROOT or DATADISK'),
    P.Parameter('name', description='the volume name'),
))
def list_volumes(request):
    """Lists the ROOT volume of every VM and the data disks."""
    request.authorize('volume:get_all', {
        'project_id': request.context.project_id})
    params = request.params
    vm_id = params['virtualmachineid']
    instances = [request.compute_api.get(request.context, vm_id)] if \
        vm_id and _instances(request, [vm_id]) else (
        [] if vm_id else request.compute_api.get_all(request.context))
    volumes = _data_volumes(request, vm_id)
    # A VM booted from a volume has that volume as its ROOT volume
    # instead of a local root disk.
    volume_backed = {v.get('virtualmachineid') for v in volumes
                     if v['type'] == 'ROOT'}
    found = [root_volume(request, i) for i in instances
             if i.uuid not in volume_backed]
    found += volumes
    kind = (params['type'] or '').upper()
    found = [v for v in found if (not kind or v['type'] == kind)
             and (not params['id'] or v['id'] == params['id'])
             and (not params['name'] or v['name'] == params['name'])]
    page, total = request_mod.paginate(request, found)
    return request_mod.listing(page, 'volume', total)


@command('listDiskOfferings', response_object='diskoffering', listing=True,
         params=(P.Parameter('id', P.UUID, 'the disk offering ID'),
                 P.Parameter('name', description='the offering name')))
def list_disk_offerings(request):
    """Lists the disk offerings (fixed sizes and one custom size)."""
    params = request.params
    found = [disk_offering(n, s) for n, s in OFFERINGS
             if (not params['id'] or offering_id(n) == params['id'])
             and (not params['name'] or n == params['name'])]
    page, total = request_mod.paginate(request, found)
    return request_mod.listing(page, 'diskoffering', total)


@command('createVolume', is_async=True, role=MEMBER,
         response_object='volume', params=(
             P.Parameter('name', P.STRING, length=255,
                         description='the volume name'),
             P.Parameter('diskofferingid', P.UUID, 'the disk offering'),
             P.Parameter('size', P.LONG, 'size in GB (custom offering)'),
             P.Parameter('zoneid', P.UUID, 'the zone'),
             P.Parameter('storageid', P.UUID, 'admin: the storage pool to '
                         'create it in')))
def create_volume(request):
    """Creates a data disk (on the zone's storage pool with most room, or
    the admin's ``storageid``); the job completes once it is Ready."""
    request.authorize('volume:create', {
        'project_id': request.context.project_id})
    params = request.params
    if params['storageid']:
        request.authorize(volume_policies.MANAGE_POOLS)
    size = params['size']
    if params['diskofferingid']:
        _name, fixed = offering_size(request, params['diskofferingid'])
        size = fixed or size
    if not size:
        raise errors.InvalidParameter(
            'Unable to execute API command createvolume: either '
            'diskofferingid (of a fixed size) or size is required')
    try:
        volume = volume_api.create(request.context, int(size),
                                   name=params['name'],
                                   pool_uuid=params['storageid'])
    except volume_errors.StoragePoolNotFound as exc:
        raise vms.invalid(request, 'storageid', params['storageid'],
                          exc.format_message()) from None
    except volume_errors.OverQuota as exc:
        raise errors.CloudStackError(
            exc.format_message(), errors.ACCOUNT_RESOURCE_LIMIT_ERROR,
            errors.CS_RESOURCE_ALLOCATION) from None
    except volume_errors.Invalid as exc:
        raise vms.invalid(request, 'size', size,
                          exc.format_message()) from None
    job = jobs.create(request, resource_type='Volume',
                      expected_state=volume['uuid'])
    return {'jobid': job['uuid'], 'id': volume['uuid']}


def _resolve_create(request, job):
    try:
        volume = volume_api.get(request.context, job['expected_state'])
    except volume_errors.VolumeNotFound:
        return jobs._failed('Volume %s was deleted.' % job['expected_state'])
    if volume['status'] == 'available':
        return jobs._succeeded({'volume': data_volume(request, volume)})
    if volume['status'].startswith('error'):
        return jobs._failed('Failed to create volume %s.' % volume['uuid'])
    return None


def _authorized_vm(request, action):
    instance = vms.get_instance(request, 'virtualmachineid')
    request.authorize(attach_policies.VOLUME_ATTACHMENTS % action,
                      {'project_id': instance.project_id,
                       'user_id': instance.user_id})
    return instance


@command('attachVolume', is_async=True, role=MEMBER,
         response_object='volume', params=(
             P.Parameter('id', P.UUID, 'the volume ID', required=True),
             P.Parameter('virtualmachineid', P.UUID, 'the VM',
                         required=True)))
def attach_volume(request):
    """Attaches a data disk to a VM (hot-plugged when it runs)."""
    instance = _authorized_vm(request, 'create')
    volume = _volume(request)
    try:
        # A shelved server is Stopped here, and CloudStack attaches to
        # stopped VMs: the compute API's 2.20 rule applies.
        att = request.compute_api.attach_volume(
            request.context, instance.uuid, volume['uuid'], shelved=True)
    except volume_errors.Invalid as exc:
        raise vms.invalid(request, 'id', volume['uuid'],
                          exc.format_message()) from None
    except exception.Conflict as exc:
        raise vms.invalid(request, 'virtualmachineid', instance.uuid,
                          exc.format_message()) from None
    volume = volume_api.get(request.context, volume['uuid'])
    job = jobs.create(request, resource_type='Volume', result={
        'volume': data_volume(request, volume, att, instance)})
    return {'jobid': job['uuid'], 'id': volume['uuid']}


@command('detachVolume', is_async=True, role=MEMBER,
         response_object='volume', params=(
             P.Parameter('id', P.UUID, 'the volume ID', required=True),
             P.Parameter('virtualmachineid', P.UUID, 'the VM')))
def detach_volume(request):
    """Detaches a data disk from its VM; the job completes once it is
    detached."""
    volume = _volume(request)
    if not request.params['virtualmachineid']:
        atts = [a for a in volume_api.attachments_of(request.context,
                                                     volume['uuid'])
                if a.get('instance_uuid')]
        if not atts:
            raise vms.invalid(request, 'id', volume['uuid'],
                              'the volume is not attached')
        request.params['virtualmachineid'] = atts[0]['instance_uuid']
    instance = _authorized_vm(request, 'delete')
    try:
        request.compute_api.detach_volume(request.context, instance.uuid,
                                          volume['uuid'], shelved=True)
    except (exception.NotFound, exception.Conflict,
            volume_errors.Invalid) as exc:
        raise vms.invalid(request, 'id', volume['uuid'],
                          exc.format_message()) from None
    job = jobs.create(request, resource_type='Volume',
                      expected_state=volume['uuid'])
    return {'jobid': job['uuid'], 'id': volume['uuid']}


def _resolve_detach(request, job):
    try:
        volume = volume_api.get(request.context, job['expected_state'])
    except volume_errors.VolumeNotFound:
        return jobs._failed('Volume %s was deleted.' % job['expected_state'])
    if volume['status'] == 'available':
        return jobs._succeeded({'volume': data_volume(request, volume)})
    if volume['status'] == 'in-use':
        return jobs._failed('Failed to detach volume %s.' % volume['uuid'])
    return None


@command('deleteVolume', role=MEMBER, response_object='success', params=(
    P.Parameter('id', P.UUID, 'the volume ID', required=True),))
def delete_volume(request):
    """Deletes a detached data disk."""
    volume = _volume(request)
    policy.authorize(request.context, 'volume:delete',
                     {'project_id': volume['project_id']})
    try:
        volume_api.delete(request.context, volume['uuid'])
    except volume_errors.Invalid as exc:
        raise vms.invalid(request, 'id', volume['uuid'],
                          exc.format_message()) from None
    return {'success': True}


jobs.register_resolver('createVolume', _resolve_create)
jobs.register_resolver('detachVolume', _resolve_detach)
