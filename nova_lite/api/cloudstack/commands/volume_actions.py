"""resizeVolume and volume snapshots of the CloudStack API (CloudStack
API reference, "Volume": resizeVolume; "Snapshot": createSnapshot,
listSnapshots, deleteSnapshot; doc/volumes.md, "CloudStack"), over the
block storage service (``nova_lite.volume.api.extend``,
``nova_lite.volume.snapshots``).

- resizeVolume (async; ``id``, ``size`` GB or ``diskofferingid``,
  ``shrinkok``): a DATADISK grows through the volume extend path; the
  job ends when the volume is Ready at its new size (1 with the
  ``volume``) or Error (2). Shrinking is refused (431, with or without
  ``shrinkok``: the file driver only grows), as is a volume that is
  attached or busy (431: detach it first), a ROOT volume (431: the
  VM's local root disk, resized with its VM's offering) and a size
  past the quota (532).
- createSnapshot (async; ``volumeid``, ``name``): a full copy of the
  DATADISK, attached or not (CloudStack snapshots volumes in use); the
  job ends when the snapshot is BackedUp (1 with the ``snapshot``) or
  Error (2). Quota (``snapshots``, ``gigabytes``) over: 532.
- listSnapshots (``id``, ``volumeid``, ``name``, ``keyword``,
  ``listall`` for admins): the caller's snapshots, newest first.
- deleteSnapshot (async; ``id``): the job ends when the snapshot is
  gone (1, ``success``) or Error (2); a snapshot still being made: 431.

Events (listEvents; ``nova_lite.cloudstack.events``): VOLUME.RESIZE,
SNAPSHOT.CREATE and SNAPSHOT.DELETE, ``Scheduled`` when the command
starts the work and ``Completed`` (INFO, or ERROR when it failed) when
its job ends, with ``[cloudstack] record_events``.

Rules (``nova_lite.policies.volume``): ``volume:extend``,
``volume:create_snapshot``, ``volume:get_snapshot``,
``volume:delete_snapshot``. Unknown volumes and snapshots are 431.
"""
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack.commands import volumes
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.cloudstack import events as cs_events
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors as volume_errors
from nova_lite.volume import snapshots as snapshot_api

GiB = volumes.GiB
#: Snapshot status → CloudStack snapshot state (Snapshot.State).
STATES = {'creating': 'Creating', 'available': 'BackedUp',
          'deleting': 'Destroying', 'error': 'Error',
          'error_deleting': 'Error'}


def _over_quota(exc):
    return errors.CloudStackError(exc.format_message(),
                                  errors.ACCOUNT_RESOURCE_LIMIT_ERROR,
                                  errors.CS_RESOURCE_ALLOCATION)


def _data_volume(request, param):
    """The block storage volume of ``param``; a ROOT volume's id or an
    unknown one is a 431."""
    volume_id = request.params[param]
    try:
        return volume_api.get(request.context, volume_id)
    except volume_errors.VolumeNotFound:
        pass
    if any(volumes.root_volume_id(i.uuid) == volume_id for i in
           request.compute_api.get_all(request.context)):
        raise vms.invalid(request, param, volume_id, 'a ROOT volume is the '
                          'VM\'s local root disk: it is resized with the '
                          'VM\'s service offering and snapshotted with '
                          'createVMSnapshot')
    raise vms.invalid(request, param, volume_id, 'no such volume')


def _event(request, event_type, what, resource_id, status=None):
    """Record ``event_type``: Scheduled when ``status`` is None, else
    Completed (INFO) or its ERROR."""
    if not request.conf.cloudstack.record_events:
        return
    kind = event_type.split('.')[0].capitalize()
    if status is None:
        level, state = 'INFO', cs_events.SCHEDULED
        text = 'Scheduled async job for %s %s. %s Id: %s'
    elif status == jobs.SUCCEEDED:
        level, state = 'INFO', cs_events.COMPLETED
        text = 'Successfully completed %s %s. %s Id: %s'
    else:
        level, state = 'ERROR', cs_events.COMPLETED
        text = 'Error while %s %s. %s Id: %s'
    cs_events.record_action(request.context, event_type, text % (
        what, kind, kind, resource_id), resource_id, level=level,
        state=state)


# ---------------------------------------------------------- resizeVolume

def _new_size(request, volume):
    params = request.params
    size = params['size']
    if params['diskofferingid']:
        _name, fixed = volumes.offering_size(request,
                                             params['diskofferingid'])
        size = fixed or size
    if not size:
        raise vms.invalid(request, 'size', size, 'size (GB) or the '
                          'diskofferingid of a fixed size is required')
    if size < volume['size']:
        raise vms.invalid(request, 'size', size, 'going from %d GB to %d '
                          'GB would shrink the volume: shrinking is not '
                          'supported' % (volume['size'], size))
    if size == volume['size']:
        raise vms.invalid(request, 'size', size, 'the volume is %d GB '
                          'already' % size)
    return int(size)


@command('resizeVolume', is_async=True, role=MEMBER,
         response_object='volume', params=(
             P.Parameter('id', P.UUID, 'the volume ID', required=True),
             P.Parameter('size', P.LONG, 'the new size in GB'),
             P.Parameter('diskofferingid', P.UUID, 'a disk offering of the '
                         'new size (Custom: with size)'),
             P.Parameter('shrinkok', P.BOOLEAN, 'allow shrinking (nova_lite '
                         'never shrinks)', default=False)))
def resize_volume(request):
    """Grows a detached data disk; the job ends when it is Ready at its
    new size."""
    volume = _data_volume(request, 'id')
    request.authorize('volume:extend', {'project_id': volume['project_id']})
    new_size = _new_size(request, volume)
    try:
        volume_api.extend(request.context, volume['uuid'], new_size)
    except volume_errors.OverQuota as exc:
        raise _over_quota(exc) from None
    except volume_errors.Invalid as exc:
        raise vms.invalid(request, 'id', volume['uuid'], '%s (detach it '
                          'first)' % exc.format_message()) from None
    job = jobs.create(request, volume['uuid'], expected_state=str(new_size),
                      resource_type='Volume')
    _event(request, 'VOLUME.RESIZE', 'resizing', volume['uuid'])
    return {'jobid': job['uuid'], 'id': volume['uuid']}


def _resolve_resize(request, job):
    try:
        volume = volume_api.get(request.context, job['instance_uuid'])
    except volume_errors.VolumeNotFound:
        return jobs._failed('Volume %s was deleted.' % job['instance_uuid'])
    if volume['status'] == 'extending':
        return None
    if volume['status'] == 'available' and \
            volume['size'] >= int(job['expected_state']):
        return jobs._succeeded({'volume': volumes.data_volume(request,
                                                              volume)})
    return jobs._failed('Failed to resize volume %s to %s GB.' % (
        volume['uuid'], job['expected_state']))


# ------------------------------------------------------------- snapshots

def snapshot_view(request, snap, volume=None):
    """The ``snapshot`` object of a volume snapshot (dict of
    ``nova_lite.db.volume_attachments``) and its volume (None when
    gone): the fields of CloudStack's SnapshotResponse."""
    identity = request.identity
    own = snap['project_id'] == identity.project_id
    zone = request.conf.compute.default_availability_zone
    size = snap['volume_size'] * GiB
    return {
        'id': snap['uuid'], 'name': snap['display_name'] or snap['uuid'],
        'volumeid': snap['volume_uuid'],
        'volumename': (volume.get('display_name') or volume['uuid'])
        if volume else None,
        'volumetype': 'DATADISK', 'snapshottype': 'MANUAL',
        'intervaltype': 'MANUAL', 'locationtype': 'PRIMARY',
        'state': STATES.get(snap['status'], 'Error'),
        'created': views.cs_time(snap['created_at']),
        'physicalsize': size, 'virtualsize': size, 'revertable': False,
        'account': identity.project_name if own else snap['project_id'],
        'domain': (identity.domain_name or 'ROOT') if own else None,
        'domainid': identity.domain_id if own else None,
        'projectid': snap['project_id'],
        'zoneid': views.zone_id(zone), 'zonename': zone, 'tags': []}


def _volume_of(request, snap):
    try:
        return volume_api.get(request.context.elevated(),
                              snap['volume_uuid'])
    except volume_errors.VolumeNotFound:
        return None


def _snapshot(request, param='id'):
    try:
        return snapshot_api.get(request.context, request.params[param])
    except volume_errors.SnapshotNotFound:
        raise vms.invalid(request, param, request.params[param],
                          'no such snapshot') from None


@command('createSnapshot', is_async=True, role=MEMBER,
         response_object='snapshot', params=(
             P.Parameter('volumeid', P.UUID, 'the volume ID', required=True),
             P.Parameter('name', P.STRING, length=255,
                         description='the snapshot name'),
             P.Parameter('quiescevm', P.BOOLEAN, 'accepted: no guest agent, '
                         'the guest is not quiesced', default=False)))
def create_snapshot(request):
    """Snapshots a data disk (attached or not); the job ends when the
    snapshot is BackedUp."""
    volume = _data_volume(request, 'volumeid')
    request.authorize('volume:create_snapshot',
                      {'project_id': volume['project_id']})
    try:
        snap = snapshot_api.create(request.context, volume['uuid'],
                                   name=request.params['name'], force=True)
    except volume_errors.OverQuota as exc:
        raise _over_quota(exc) from None
    except volume_errors.Invalid as exc:
        raise vms.invalid(request, 'volumeid', volume['uuid'],
                          exc.format_message()) from None
    job = jobs.create(request, snap['uuid'], resource_type='Snapshot')
    _event(request, 'SNAPSHOT.CREATE', 'creating', snap['uuid'])
    return {'jobid': job['uuid'], 'id': snap['uuid']}


def _resolve_create(request, job):
    try:
        snap = snapshot_api.get(request.context, job['instance_uuid'])
    except volume_errors.SnapshotNotFound:
        return jobs._failed('Snapshot %s was deleted.' % job['instance_uuid'])
    if snap['status'] == 'available':
        return jobs._succeeded({'snapshot': snapshot_view(
            request, snap, _volume_of(request, snap))})
    if snap['status'].startswith('error'):
        return jobs._failed('Failed to create snapshot %s of volume %s.' % (
            snap['uuid'], snap['volume_uuid']))
    return None


@command('listSnapshots', response_object='snapshot', listing=True, params=(
    P.Parameter('id', P.UUID, 'the snapshot ID'),
    P.Parameter('volumeid', P.UUID, 'the volume the snapshots are of'),
    P.Parameter('name', description='the snapshot name'),
    P.Parameter('listall', P.BOOLEAN, 'true (admins): every account\'s'),
))
def list_snapshots(request):
    """Lists the caller's volume snapshots, newest first."""
    ctx, params = request.context, request.params
    request.authorize('volume:get_snapshot',
                      {'project_id': ctx.project_id})
    snaps = snapshot_api.get_all(
        ctx, volume_id=params['volumeid'],
        all_projects=bool(params['listall']) and ctx.is_admin)
    keyword = (params['keyword'] or '').lower()
    snaps = [s for s in snaps
             if (not params['id'] or s['uuid'] == params['id'])
             and (not params['name'] or s['display_name'] == params['name'])
             and (not keyword or keyword in (s['display_name'] or
                                             '').lower())]
    page, total = request_mod.paginate(request, snaps)
    found = {}
    for snap in page:
        if snap['volume_uuid'] not in found:
            found[snap['volume_uuid']] = _volume_of(request, snap)
    return request_mod.listing([snapshot_view(
        request, s, found[s['volume_uuid']]) for s in page], 'snapshot',
        total)


@command('deleteSnapshot', is_async=True, role=MEMBER,
         response_object='success', params=(
             P.Parameter('id', P.UUID, 'the snapshot ID', required=True),))
def delete_snapshot(request):
    """Deletes a snapshot; the job ends when it is gone."""
    snap = _snapshot(request)
    request.authorize('volume:delete_snapshot',
                      {'project_id': snap['project_id']})
    try:
        snapshot_api.delete(request.context, snap['uuid'])
    except volume_errors.Invalid as exc:
        raise vms.invalid(request, 'id', snap['uuid'],
                          exc.format_message()) from None
    job = jobs.create(request, snap['uuid'], resource_type='Snapshot')
    _event(request, 'SNAPSHOT.DELETE', 'deleting', snap['uuid'])
    return {'jobid': job['uuid']}


def _resolve_delete(request, job):
    try:
        snap = snapshot_api.get(request.context, job['instance_uuid'])
    except volume_errors.SnapshotNotFound:
        return jobs._succeeded({'success': True})
    if snap['status'] == 'error_deleting':
        return jobs._failed('Failed to delete snapshot %s.' % snap['uuid'])
    return None


def _finish(event_type, what):
    def on_done(request, job, status, _result):
        _event(request, event_type, what, job['instance_uuid'], status)
    return on_done


jobs.register_resolver('resizeVolume', _resolve_resize,
                       _finish('VOLUME.RESIZE', 'resizing'))
jobs.register_resolver('createSnapshot', _resolve_create,
                       _finish('SNAPSHOT.CREATE', 'creating'))
jobs.register_resolver('deleteSnapshot', _resolve_delete,
                       _finish('SNAPSHOT.DELETE', 'deleting'))
