"""``/volume/v3/{project_id}/snapshots`` (Block Storage API reference
v3, "Volume snapshots"):

- ``POST /snapshots`` ``{"snapshot": {"volume_id", "name",
  "description", "force", "metadata"}}``: 202 (``creating``); 400 when
  the volume is not available (in-use needs ``force``), 413 over quota;
- ``GET /snapshots``, ``/snapshots/detail`` (filters ``volume_id``,
  ``status``, ``all_tenants``), ``GET /snapshots/{id}``: 200;
- ``DELETE /snapshots/{id}``: 202.
"""
import flask

from nova_lite.api.volume import common
from nova_lite.api.volume import views
from nova_lite.volume import errors
from nova_lite.volume import snapshots as snapshot_api

bp = flask.Blueprint('volume_snapshots', __name__,
                     url_prefix='/volume/v3/<project_id>')


@bp.post('/snapshots')
def create(project_id):
    ctx = common.context()
    common.authorize(ctx, 'volume:create_snapshot')
    inner = common.body('snapshot')
    common.check_keys(inner, ('volume_id', 'name', 'description', 'force',
                              'metadata', 'display_name',
                              'display_description'), 'snapshot')
    metadata = inner.get('metadata')
    if metadata is not None and not isinstance(metadata, dict):
        raise errors.Invalid(reason='metadata must be an object')
    volume_id = common.string(inner, 'volume_id', 36)
    if not volume_id:
        # Cinder looks the volume up first: a missing one is a 404.
        raise errors.VolumeNotFound(volume_id=None)
    snap = snapshot_api.create(
        ctx, volume_id,
        name=common.string(inner, 'name') or common.string(
            inner, 'display_name'),
        description=common.string(inner, 'description'),
        force=common.parse_bool(inner.get('force', False), 'force'),
        metadata=metadata)
    return {'snapshot': views.snapshot(snap, extended=False)}, 202


def _list():
    ctx = common.context()
    common.authorize(ctx, 'volume:get_snapshot')
    args = flask.request.args
    all_projects = common.parse_bool(args.get('all_tenants', False),
                                     'all_tenants')
    if all_projects:
        common.authorize(ctx, 'volume:get_all_tenants')
    limit, marker, sort = common.paging()
    snaps = snapshot_api.get_all(ctx, args.get('volume_id'), all_projects,
                                 args.get('status'))
    if marker is not None:
        ids = [s['uuid'] for s in snaps]
        if marker not in ids:
            raise errors.SnapshotNotFound(snapshot_id=marker)
        snaps = snaps[ids.index(marker) + 1:]
    if limit is not None:
        snaps = snaps[:limit]
    return {'snapshots': [views.snapshot(s) for s in snaps]}


@bp.get('/snapshots')
def index(project_id):
    return _list()


@bp.get('/snapshots/detail')
def index_detail(project_id):
    return _list()


@bp.get('/snapshots/<snapshot_id>')
def show(project_id, snapshot_id):
    ctx = common.context()
    common.authorize(ctx, 'volume:get_snapshot')
    return {'snapshot': views.snapshot(snapshot_api.get(ctx, snapshot_id))}


@bp.delete('/snapshots/<snapshot_id>')
def delete(project_id, snapshot_id):
    ctx = common.context()
    common.authorize(ctx, 'volume:delete_snapshot')
    snapshot_api.delete(ctx, snapshot_id)
    return '', 202
