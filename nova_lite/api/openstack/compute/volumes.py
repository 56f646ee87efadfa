"""The compute API's volume proxies (compute API reference, "Volume
extension (os-volumes, os-snapshots) (DEPRECATED)"; microversions
2.1-2.35, 404 from 2.36 as every proxy API): the volumes and snapshots
of nova_lite's volume service (``nova_lite.volume``), in Nova's shapes.

- ``GET /os-volumes``, ``/os-volumes/detail`` (``limit``, ``offset``):
  200 ``{"volumes": [volume]}`` of the caller's project, newest first;
- ``GET /os-volumes/{id}``: 200 ``{"volume": volume}``; 404;
- ``POST /os-volumes`` ``{"volume": {"size", ...}}``: 200 with the
  volume (``creating``) and a Location header; 400 bad size, 404
  unknown snapshot or type, 403 over quota (Nova's answer for the
  Block Storage API's 413);
- ``DELETE /os-volumes/{id}``: 202; 404; 400 when the volume is
  attached or busy (Nova passes on the volume service's 400);
- ``/os-snapshots`` likewise: list, detail, show, create
  ``{"snapshot": {"volume_id", "force"?, "display_name"?,
  "display_description"?}}`` (200; 404 unknown volume; 400 a volume
  that is not available, in-use without ``force``; 403 over quota),
  delete (202).

A volume is ``{"id", "status", "size", "availabilityZone",
"createdAt", "displayName", "displayDescription", "volumeType",
"snapshotId", "metadata", "attachments"}``; ``attachments`` holds the
volume's attachment ``{"id", "volumeId", "serverId", "device"?}`` when
it is attached, else one empty object (``[{}]``, Nova's quirk). A
snapshot is ``{"id", "volumeId", "status", "size", "createdAt",
"displayName", "displayDescription"}``. Rules
``os_compute_api:os-volumes:*`` and ``os-volumes:snapshots:*``.
"""
import flask

from nova_lite.api import openstack
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import compute_volumes as policies
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors
from nova_lite.volume import snapshots as snapshot_api

bp = flask.Blueprint('os_volumes', __name__, url_prefix='/v2.1')


def _context(rule):
    context = openstack.context()
    policy.authorize(context, rule)
    return context


def _iso(value):
    """Nova passes on the volume service's time: microseconds kept."""
    return value.isoformat(timespec='microseconds') if value else None


def volume_view(vol, attachments, type_names):
    """The Nova volume of a volume dict (``nova_lite.db.volumes``), its
    live attachments and ``{type uuid: name}``."""
    attached = [a for a in attachments if a['attach_status'] == 'attached'
                and a.get('instance_uuid')]
    summary = {}
    if vol['attach_status'] == 'attached' and attached:
        summary = {'id': vol['uuid'], 'volumeId': vol['uuid'],
                   'serverId': attached[0]['instance_uuid']}
        if attached[0].get('mountpoint'):
            summary['device'] = attached[0]['mountpoint']
    return {'id': vol['uuid'], 'status': vol['status'],
            'size': vol['size'],
            'availabilityZone': vol['availability_zone'],
            'createdAt': _iso(vol['created_at']),
            'attachments': [summary],
            'displayName': vol['display_name'],
            'displayDescription': vol['display_description'],
            'volumeType': type_names.get(vol['volume_type_id'],
                                         vol['volume_type_id']),
            'snapshotId': vol['snapshot_id'],
            'metadata': vol['volume_metadata'] or {}}


def snapshot_view(snap):
    """The Nova snapshot of a snapshot dict (``size``: the volume's GiB,
    as Nova maps it)."""
    return {'id': snap['uuid'], 'volumeId': snap['volume_uuid'],
            'status': snap['status'], 'size': snap['volume_size'],
            'createdAt': _iso(snap['created_at']),
            'displayName': snap['display_name'],
            'displayDescription': snap['display_description']}


def _volume(context, vol):
    return volume_view(vol, volume_api.attachments_of(context, vol['uuid']),
                       volume_api.type_names(context))


def _get_volume(context, volume_id):
    try:
        return volume_api.get(context, volume_id)
    except errors.VolumeNotFound as exc:
        raise exception.NotFound(exc.format_message()) from None


def _get_snapshot(context, snapshot_id):
    try:
        return snapshot_api.get(context, snapshot_id)
    except errors.SnapshotNotFound as exc:
        raise exception.NotFound(exc.format_message()) from None


def _over_quota_is_403(func, *args, **kwargs):
    """Run ``func``; the volume service's OverQuota (413) becomes Nova's
    403."""
    try:
        return func(*args, **kwargs)
    except errors.OverQuota as exc:
        raise exception.Forbidden(exc.format_message()) from None


# ------------------------------------------------------------- volumes

def _volume_list(rule):
    context = _context(policies.VOLUMES % rule)
    names = volume_api.type_names(context)
    vols = openstack.limited(volume_api.get_all(context))
    return {'volumes': [volume_view(v, volume_api.attachments_of(
        context, v['uuid']), names) for v in vols]}


@bp.get('/os-volumes')
def index():
    """200 ``{"volumes": [...]}``."""
    return _volume_list('list')


@bp.get('/os-volumes/detail')
def detail():
    """200 ``{"volumes": [...]}`` (the same view as the list, as
    Nova's)."""
    return _volume_list('detail')


@bp.get('/os-volumes/<volume_id>')
def show(volume_id):
    """200 ``{"volume": {...}}``; 404."""
    context = _context(policies.VOLUMES % 'show')
    return {'volume': _volume(context, _get_volume(context, volume_id))}


@bp.post('/os-volumes')
def create():
    """200 ``{"volume": {...}}`` with a Location header."""
    context = _context(policies.VOLUMES % 'create')
    body = openstack.body()['volume']
    try:
        vol = _over_quota_is_403(
            volume_api.create, context, int(body['size']),
            name=body.get('display_name'),
            description=body.get('display_description'),
            snapshot_id=body.get('snapshot_id'),
            volume_type=body.get('volume_type'),
            availability_zone=body.get('availability_zone'),
            metadata=body.get('metadata'))
    except (errors.SnapshotNotFound, errors.VolumeTypeNotFound) as exc:
        raise exception.NotFound(exc.format_message()) from None
    response = flask.jsonify({'volume': _volume(context, vol)})
    response.headers['Location'] = '%sv2.1/os-volumes/%s' % (
        openstack.base_url(), vol['uuid'])
    return response


@bp.delete('/os-volumes/<volume_id>')
def delete(volume_id):
    """202; 404; 400 while attached or busy."""
    context = _context(policies.VOLUMES % 'delete')
    _get_volume(context, volume_id)
    volume_api.delete(context, volume_id)
    return '', 202


# ----------------------------------------------------------- snapshots

def _snapshot_list(rule):
    context = _context(policies.SNAPSHOTS % rule)
    snaps = openstack.limited(snapshot_api.get_all(context))
    return {'snapshots': [snapshot_view(s) for s in snaps]}


@bp.get('/os-snapshots')
def snapshot_index():
    """200 ``{"snapshots": [...]}``."""
    return _snapshot_list('list')


@bp.get('/os-snapshots/detail')
def snapshot_detail():
    """200 ``{"snapshots": [...]}``."""
    return _snapshot_list('detail')


@bp.get('/os-snapshots/<snapshot_id>')
def snapshot_show(snapshot_id):
    """200 ``{"snapshot": {...}}``; 404."""
    context = _context(policies.SNAPSHOTS % 'show')
    return {'snapshot': snapshot_view(_get_snapshot(context, snapshot_id))}


@bp.post('/os-snapshots')
def snapshot_create():
    """200 ``{"snapshot": {...}}``; 404 unknown volume, 400 volume not
    available (in-use without force), 403 over quota."""
    context = _context(policies.SNAPSHOTS % 'create')
    body = openstack.body()['snapshot']
    _get_volume(context, body['volume_id'])
    snap = _over_quota_is_403(
        snapshot_api.create, context, body['volume_id'],
        name=body.get('display_name'),
        description=body.get('display_description'),
        force=openstack.parse_bool(body.get('force', False), 'force'))
    return {'snapshot': snapshot_view(snap)}


@bp.delete('/os-snapshots/<snapshot_id>')
def snapshot_delete(snapshot_id):
    """202; 404; 400 while the snapshot is busy."""
    context = _context(policies.SNAPSHOTS % 'delete')
    _get_snapshot(context, snapshot_id)
    snapshot_api.delete(context, snapshot_id)
    return '', 202
