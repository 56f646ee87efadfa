"""Volume types, limits and quota sets of the Block Storage API
(Block Storage API reference v3, "Volume types", "Limits", "Quota
sets extension"):

- ``GET /types``, ``GET /types/default``, ``GET /types/{id}``: 200;
  ``POST /types`` ``{"volume_type": {"name", "description",
  "os-volume-type-access:is_public", "extra_specs"}}``: 200 (admins;
  409 for a taken name); ``DELETE /types/{id}``: 202 (admins; 400 in
  use or ``__DEFAULT__``);
- ``GET /limits``: 200 ``{"limits": {"rate": [], "absolute": {...}}}``;
- ``GET /os-quota-sets/{project_id}`` (``?usage=true``), ``.../
  defaults``: 200 ``{"quota_set": {"id", "volumes", "gigabytes",
  "snapshots", ...}}``; ``PUT`` (admins) 200; ``DELETE`` (admins) 200.
"""
import flask

from nova_lite.api.volume import common
from nova_lite.api.volume import views
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors
from nova_lite.volume import quotas

bp = flask.Blueprint('volume_types_quotas', __name__,
                     url_prefix='/volume/v3/<project_id>')


@bp.get('/types')
def types_index(project_id):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:types_get')
    return {'volume_types': [views.volume_type(t)
                             for t in volume_api.type_get_all(ctx)]}


@bp.get('/types/<type_id>')
def types_show(project_id, type_id):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:types_get')
    if type_id == 'default':
        type_id = volume_api.DEFAULT_TYPE
    return {'volume_type': views.volume_type(volume_api.type_get(
        ctx, type_id))}


@bp.post('/types')
def types_create(project_id):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:types_manage')
    inner = common.body('volume_type')
    common.check_keys(inner, ('name', 'description', 'extra_specs',
                              'os-volume-type-access:is_public'),
                      'volume_type')
    specs = inner.get('extra_specs') or {}
    if not isinstance(specs, dict) or not all(
            isinstance(v, str) for v in specs.values()):
        raise errors.Invalid(reason='extra_specs must be an object of '
                             'strings')
    vtype = volume_api.type_create(
        ctx, common.string(inner, 'name', required=True),
        common.string(inner, 'description'),
        common.parse_bool(inner.get('os-volume-type-access:is_public',
                                    True), 'is_public'), specs)
    return {'volume_type': views.volume_type(vtype, extended=False)}


@bp.delete('/types/<type_id>')
def types_delete(project_id, type_id):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:types_manage')
    volume_api.type_delete(ctx, type_id)
    return '', 202


@bp.get('/limits')
def limits(project_id):
    ctx = common.context()
    common.authorize(ctx, 'limits_extension:used_limits')
    limit = quotas.limits(ctx, ctx.project_id)
    used = volume_api.usage_summary(ctx, ctx.project_id)
    return {'limits': {'rate': [], 'absolute': {
        'maxTotalVolumes': limit['volumes'],
        'maxTotalSnapshots': limit['snapshots'],
        'maxTotalVolumeGigabytes': limit['gigabytes'],
        'maxTotalBackups': 0, 'maxTotalBackupGigabytes': 0,
        'totalVolumesUsed': used['volumes'],
        'totalGigabytesUsed': used['gigabytes'],
        'totalSnapshotsUsed': used['snapshots'],
        'totalBackupsUsed': 0, 'totalBackupGigabytesUsed': 0}}}


def _quota_set(target, values, usage=None):
    body = {'id': target}
    for resource in quotas.RESOURCES:
        if usage is None:
            body[resource] = values[resource]
        else:
            body[resource] = {'limit': values[resource], 'reserved': 0,
                              'in_use': usage[resource], 'allocated': 0}
    for extra, default in quotas.EXTRA.items():
        limit = values.get(extra, default)
        body[extra] = limit if usage is None else {
            'limit': limit, 'reserved': 0, 'in_use': 0, 'allocated': 0}
    return {'quota_set': body}


@bp.get('/os-quota-sets/<target>')
def quota_show(project_id, target):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:quotas:show', target)
    usage = None
    if common.parse_bool(flask.request.args.get('usage', False), 'usage'):
        usage = volume_api.usage_summary(ctx, target)
    return _quota_set(target, quotas.all_limits(ctx, target), usage)


@bp.get('/os-quota-sets/<target>/defaults')
def quota_defaults(project_id, target):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:quotas:show', target)
    return _quota_set(target, quotas.defaults())


@bp.put('/os-quota-sets/<target>')
def quota_update(project_id, target):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:quotas:update', target)
    inner = common.body('quota_set')
    inner = {k: v for k, v in inner.items() if k not in ('id',)}
    return _quota_set(target, quotas.update(ctx, target, inner))


@bp.delete('/os-quota-sets/<target>')
def quota_delete(project_id, target):
    ctx = common.context()
    common.authorize(ctx, 'volume_extension:quotas:update', target)
    quotas.reset(ctx, target)
    return '', 200
