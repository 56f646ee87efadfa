"""VM snapshots: createVMSnapshot, listVMSnapshot, revertToVMSnapshot and
deleteVMSnapshot (CloudStack API reference, "Snapshot"), over the
compute API's VM snapshots (``nova_lite.compute.vm_snapshots``: the
rules, and doc/cloudstack.md "VM snapshots").

* createVMSnapshot (async): the job ends when the snapshot is Ready (1
  with the ``vmsnapshot``) or Error (2 with the VM's fault).
* revertToVMSnapshot (async): the job ends when the snapshot is Ready
  again (1 with the ``virtualmachine``, Running for a DiskAndMemory
  snapshot, Stopped for a Disk one) or Error (2).
* deleteVMSnapshot (async): the job ends when the snapshot is gone (1,
  ``success``) or Error (2).
* listVMSnapshot: the caller's VM snapshots (every project's with
  ``listall`` for admins) under the list key ``vmSnapshot``, as
  CloudStack names it.

Errors: an unknown VM or snapshot, a rule of the VM snapshot manager or
a VM in another state or task → 431; another VM snapshot operation of
the VM in progress → 530, as CloudStack answers.
"""
from nova_lite.api.cloudstack.commands import vms
from nova_lite.api.cloudstack import errors
from nova_lite.api.cloudstack import jobs
from nova_lite.api.cloudstack import params as P
from nova_lite.api.cloudstack.registry import command
from nova_lite.api.cloudstack.registry import MEMBER
from nova_lite.api.cloudstack import request as request_mod
from nova_lite.api.cloudstack import views
from nova_lite.compute import vm_snapshots as vm_snapshot_api
from nova_lite import exception

SERVERS = vms.SERVERS
RESOURCE = 'VMSnapshot'
LIST_KEY = 'vmSnapshot'
_STATE_NAMES = {s.lower(): s for s in vm_snapshot_api.STATES}


def vm_snapshot_view(request, row, parent_name=None, zone_name=None):
    """The ``vmsnapshot`` object of a VM snapshot record (fields of the
    API reference's VMSnapshotResponse)."""
    identity = request.identity
    own = row['project_id'] == identity.project_id
    zone_name = zone_name or request.conf.compute.default_availability_zone
    return {
        'id': row['uuid'], 'name': row['name'],
        'displayname': row['display_name'],
        'description': row['description'] or '',
        'state': row['state'], 'type': row['type'],
        'current': bool(row['current']),
        'parent': row['parent_uuid'], 'parentName': parent_name,
        'virtualmachineid': row['instance_uuid'],
        'created': views.cs_time(row['created_at']),
        'account': identity.project_name if own else row['project_id'],
        'domain': (identity.domain_name or 'ROOT') if own else None,
        'domainid': identity.domain_id if own else None,
        'project': identity.project_name if own else None,
        'projectid': row['project_id'],
        'zoneid': views.zone_id(zone_name),
    }


def _views(request, rows):
    """``vmsnapshot`` objects of ``rows`` (parent names and zones read
    once for the list)."""
    names = {r['uuid']: r['display_name'] for r in rows}
    missing = {r['parent_uuid'] for r in rows
               if r['parent_uuid'] and r['parent_uuid'] not in names}
    for uuid in missing:
        try:
            names[uuid] = request.compute_api.vm_snapshot_get(
                request.context, uuid)['display_name']
        except exception.VMSnapshotNotFound:
            pass
    zones = {}
    for row in rows:
        if row['instance_uuid'] not in zones:
            try:
                inst = request.compute_api.get(request.context,
                                               row['instance_uuid'])
                zones[row['instance_uuid']] = inst.availability_zone
            except exception.InstanceNotFound:
                zones[row['instance_uuid']] = None
    return [vm_snapshot_view(request, r, names.get(r['parent_uuid']),
                             zones[r['instance_uuid']]) for r in rows]


def _snapshot(request, param='vmsnapshotid'):
    """The VM snapshot of ``param``. :raises: InvalidParameter (431)"""
    uuid = request.params[param]
    try:
        return request.compute_api.vm_snapshot_get(request.context, uuid)
    except exception.VMSnapshotNotFound:
        raise vms.invalid(request, param, uuid,
                          'no such VM snapshot') from None


def _authorize_on(request, rule, row):
    request.authorize(rule, {'project_id': row['project_id'],
                             'user_id': request.context.user_id})


# ----------------------------------------------------------------- create

@command('createVMSnapshot', is_async=True, role=MEMBER,
         response_object='vmsnapshot', since='4.2.0', params=(
             P.Parameter('virtualmachineid', P.UUID, required=True,
                         description='the VM ID'),
             P.Parameter('name', description='display name, unique among '
                         'the VM\'s snapshots (default: the internal name)'),
             P.Parameter('description', description='the description'),
             P.Parameter('snapshotmemory', P.BOOLEAN, default=False,
                         description='true: with the memory of the '
                         'Running VM (DiskAndMemory); a Running KVM VM '
                         'needs it'),
             P.Parameter('quiescevm', P.BOOLEAN, default=False,
                         description='accepted: no guest agent, the guest '
                         'is not quiesced (a memory snapshot needs none)'),
         ))
def create_vm_snapshot(request):
    """Creates a snapshot of a virtual machine (its disk, and memory)."""
    instance = vms.get_instance(request, 'virtualmachineid')
    request.authorize(SERVERS % 'create_image', {
        'project_id': instance.project_id, 'user_id': instance.user_id})
    params = request.params
    row = request.compute_api.vm_snapshot_create(
        request.context, instance.uuid, display_name=params['name'],
        description=params['description'],
        memory=bool(params['snapshotmemory']),
        max_count=request.conf.cloudstack.vm_snapshot_max)
    job = jobs.create(request, instance.uuid, expected_state=row['uuid'],
                      resource_type=RESOURCE)
    return {'id': row['uuid'], 'jobid': job['uuid']}


def _fault_text(request, job, what, row):
    reason = request.compute_api.vm_snapshot_failure(request.context, row) \
        or 'the operation failed on the VM\'s host'
    return 'Failed to %s VM snapshot %s of virtual machine %s: %s' % (
        what, job['expected_state'], job['instance_uuid'], reason)


def _job_snapshot(request, job):
    try:
        return request.compute_api.vm_snapshot_get(request.context,
                                                   job['expected_state'])
    except exception.VMSnapshotNotFound:
        return None


def _resolve_create(request, job):
    row = _job_snapshot(request, job)
    if row is None:
        return jobs._failed('VM snapshot %s was deleted before it was '
                            'made.' % job['expected_state'])
    if row['state'] == vm_snapshot_api.ERROR:
        return jobs._failed(_fault_text(request, job, 'create', row))
    if row['state'] != vm_snapshot_api.READY:
        return None
    return jobs._succeeded({'vmsnapshot': _views(request, [row])[0]})


# ------------------------------------------------------------------- list

@command('listVMSnapshot', response_object='vmsnapshot', listing=True,
         since='4.2.0', params=(
             P.Parameter('virtualmachineid', P.UUID, 'the VM ID'),
             P.Parameter('vmsnapshotid', P.UUID, 'the VM snapshot ID'),
             P.Parameter('name', description='the display name'),
             P.Parameter('state', choices=tuple(_STATE_NAMES),
                         description='Allocated, Creating, Ready, '
                         'Reverting, Expunging or Error'),
             P.Parameter('listall', P.BOOLEAN, 'true (admins): of every '
                         'account'),
         ))
def list_vm_snapshot(request):
    """Lists VM snapshots."""
    params, ctx = request.params, request.context
    request.authorize(SERVERS % 'detail')
    filters = {'instance_uuid': params['virtualmachineid'],
               'uuid': params['vmsnapshotid'],
               'display_name': params['name'],
               'state': _STATE_NAMES.get(params['state'] or ''),
               'keyword': params['keyword']}
    offset, limit = request.page()
    rows, total = request.compute_api.vm_snapshot_list(
        ctx, {k: v for k, v in filters.items() if v},
        offset=offset, limit=limit,
        all_projects=bool(params['listall']) and ctx.is_admin)
    return request_mod.listing(_views(request, rows), LIST_KEY, total)


# ----------------------------------------------------------------- revert

_SNAPSHOT_ID = P.Parameter('vmsnapshotid', P.UUID, required=True,
                           description='the VM snapshot ID')


@command('revertToVMSnapshot', is_async=True, role=MEMBER,
         response_object='virtualmachine', since='4.2.0',
         params=(_SNAPSHOT_ID,))
def revert_to_vm_snapshot(request):
    """Reverts a virtual machine to a VM snapshot."""
    row = _snapshot(request)
    _authorize_on(request, SERVERS % 'rebuild', row)
    instance = request.compute_api.vm_snapshot_revert(request.context,
                                                      row['uuid'])
    job = jobs.create(request, instance.uuid, expected_state=row['uuid'])
    return {'jobid': job['uuid']}


def _resolve_revert(request, job):
    row = _job_snapshot(request, job)
    if row is None:
        return jobs._failed('VM snapshot %s was deleted during the '
                            'revert.' % job['expected_state'])
    if row['state'] == vm_snapshot_api.ERROR:
        return jobs._failed(_fault_text(request, job, 'revert to', row))
    if row['state'] != vm_snapshot_api.READY:
        return None
    instance = jobs._live_instance(request, job)
    if instance is None:
        return jobs._failed('Virtual machine %s was destroyed.'
                            % job['instance_uuid'])
    return jobs._succeeded(jobs._vm_result(request, instance))


# ----------------------------------------------------------------- delete

@command('deleteVMSnapshot', is_async=True, role=MEMBER,
         response_object='success', since='4.2.0', params=(_SNAPSHOT_ID,))
def delete_vm_snapshot(request):
    """Deletes a VM snapshot."""
    row = _snapshot(request)
    _authorize_on(request, SERVERS % 'create_image', row)
    request.compute_api.vm_snapshot_delete(request.context, row['uuid'])
    job = jobs.create(request, row['instance_uuid'],
                      expected_state=row['uuid'], resource_type=RESOURCE)
    return {'jobid': job['uuid']}


def _resolve_delete(request, job):
    row = _job_snapshot(request, job)
    if row is None or row.get('deleted'):
        return jobs._succeeded({'success': True})
    if row['state'] == vm_snapshot_api.ERROR:
        return jobs._failed(_fault_text(request, job, 'delete', row))
    return None


def refuse_if_snapshots(request, instance, what):
    """CloudStack refuses to change the service offering of, or restore,
    a VM that has VM snapshots (an older snapshot would bring back the
    old disk, or name a disk that is gone).

    :raises: InvalidParameter (431)
    """
    if request.compute_api.vm_snapshot_count(request.context,
                                             instance.uuid):
        raise errors.InvalidParameter(
            'Unable to %s virtual machine %s: it has VM snapshots; delete '
            'them first' % (what, instance.uuid))


jobs.register_resolver('createVMSnapshot', _resolve_create)
jobs.register_resolver('revertToVMSnapshot', _resolve_revert)
jobs.register_resolver('deleteVMSnapshot', _resolve_delete)
