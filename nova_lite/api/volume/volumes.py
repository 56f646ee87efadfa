"""``/volume/v3/{project_id}/volumes`` (Block Storage API reference v3,
"Volumes"):

- ``POST /volumes`` ``{"volume": {"size", "name", "description",
  "imageRef", "snapshot_id", "volume_type", "availability_zone",
  "metadata", "multiattach"}}``: 202 with the volume (``creating``);
  400 bad input, 404 unknown snapshot/type, 413 over quota;
- ``GET /volumes`` (``id``, ``name`` links), ``GET /volumes/detail``:
  filters ``status``, ``name``, ``availability_zone``, ``bootable``,
  ``all_tenants`` (admins), paging ``limit``/``marker`` with a
  ``volumes_links`` next link, ``sort``/``sort_key``/``sort_dir``;
- ``GET /volumes/{id}``: 200; ``PUT /volumes/{id}`` ``{"volume":
  {"name", "description", "metadata"}}``: 200;
- ``DELETE /volumes/{id}`` (``cascade``): 202; 400 when attached or in
  a transition.
"""
import flask

from nova_lite.api.volume import common
from nova_lite.api.volume import views
from nova_lite.volume import api as volume_api
from nova_lite.volume import errors

bp = flask.Blueprint('volumes', __name__,
                     url_prefix='/volume/v3/<project_id>')

_CREATE_KEYS = ('size', 'name', 'description', 'imageRef', 'snapshot_id',
                'volume_type', 'availability_zone', 'metadata',
                'multiattach', 'display_name', 'display_description',
                'source_volid', 'consistencygroup_id', 'backup_id',
                'scheduler_hints', 'image_id')


def _metadata(inner):
    value = inner.get('metadata')
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= 255
            and len(v) <= 255 for k, v in value.items()):
        raise errors.Invalid(reason='metadata must be an object of '
                             'strings of at most 255 characters')
    return value


def detail(ctx, vol, type_names=None, extended=True):
    atts = volume_api.attachments_of(ctx, vol['uuid'])
    return views.volume_detail(ctx, vol, atts, type_names or
                               volume_api.type_names(ctx), extended)


@bp.post('/volumes')
def create(project_id):
    """202 ``{"volume": {...}}``."""
    ctx = common.context()
    common.authorize(ctx, 'volume:create')
    inner = common.body('volume')
    common.check_keys(inner, _CREATE_KEYS, 'volume')
    for unsupported in ('source_volid', 'backup_id', 'consistencygroup_id'):
        if inner.get(unsupported):
            raise errors.Invalid(reason='%s is not supported' % unsupported)
    snapshot_id = common.string(inner, 'snapshot_id', 36)
    size = inner.get('size')
    if size is None and not snapshot_id:
        raise errors.Invalid(reason='Invalid input received: size is '
                             'required')
    if size is not None:
        size = common.integer(size, 'size')
    vol = volume_api.create(
        ctx, size, name=common.string(inner, 'name') or common.string(
            inner, 'display_name'),
        description=common.string(inner, 'description') or common.string(
            inner, 'display_description'),
        image_ref=common.string(inner, 'imageRef', 36) or common.string(
            inner, 'image_id', 36),
        snapshot_id=snapshot_id,
        volume_type=common.string(inner, 'volume_type'),
        availability_zone=common.string(inner, 'availability_zone'),
        metadata=_metadata(inner),
        multiattach=common.parse_bool(inner.get('multiattach', False),
                                      'multiattach'))
    return {'volume': detail(ctx, vol, extended=False)}, 202


def _filters(ctx):
    args = flask.request.args
    filters = {}
    for key, column in (('status', 'status'), ('name', 'display_name'),
                        ('availability_zone', 'availability_zone')):
        if args.get(key):
            filters[column] = args[key]
    if args.get('bootable'):
        filters['bootable'] = common.parse_bool(args['bootable'],
                                                'bootable')
    all_projects = common.parse_bool(args.get('all_tenants', False),
                                     'all_tenants')
    if all_projects:
        common.authorize(ctx, 'volume:get_all_tenants')
        if args.get('project_id'):
            filters['project_id'] = args['project_id']
    return filters, all_projects


def _list(with_detail):
    ctx = common.context()
    common.authorize(ctx, 'volume:get_all')
    filters, all_projects = _filters(ctx)
    limit, marker, sort = common.paging()
    vols = volume_api.get_all(ctx, filters, limit, marker, sort,
                              all_projects=all_projects)
    names = volume_api.type_names(ctx)
    items = [detail(ctx, v, names) if with_detail else
             views.volume_summary(v) for v in vols]
    body = {'volumes': items}
    links = common.next_link('volumes', items, limit)
    if links:
        body['volumes_links'] = links
    return body


@bp.get('/volumes')
def index(project_id):
    """200 ``{"volumes": [{"id", "name", "links"}]}``."""
    return _list(False)


@bp.get('/volumes/detail')
def index_detail(project_id):
    """200 ``{"volumes": [detail...]}``."""
    return _list(True)


@bp.get('/volumes/summary')
def summary(project_id):
    """3.12: 200 ``{"volume-summary": {"total_size", "total_count"}}``
    of the caller's volumes (every project's with ``all_tenants``)."""
    common.require_version((3, 12))
    ctx = common.context()
    common.authorize(ctx, 'volume:get_all')
    _filters_unused, all_projects = _filters(ctx)
    vols = volume_api.get_all(ctx, all_projects=all_projects)
    return {'volume-summary': {'total_size': sum(v['size'] for v in vols),
                               'total_count': len(vols)}}


@bp.get('/volumes/<volume_id>')
def show(project_id, volume_id):
    """200 ``{"volume": {...}}``; 404."""
    ctx = common.context()
    common.authorize(ctx, 'volume:get')
    return {'volume': detail(ctx, volume_api.get(ctx, volume_id))}


@bp.put('/volumes/<volume_id>')
def update(project_id, volume_id):
    """200 ``{"volume": {...}}``."""
    ctx = common.context()
    common.authorize(ctx, 'volume:update')
    inner = common.body('volume')
    common.check_keys(inner, ('name', 'description', 'metadata',
                              'display_name', 'display_description'),
                      'volume')
    values = {}
    for key, column in (('name', 'display_name'),
                        ('display_name', 'display_name'),
                        ('description', 'display_description'),
                        ('display_description', 'display_description')):
        if key in inner:
            values[column] = common.string(inner, key)
    if 'metadata' in inner:
        values['volume_metadata'] = _metadata(inner) or {}
    if not values:
        raise errors.Invalid(reason='Missing request body element: name, '
                             'description or metadata')
    return {'volume': detail(ctx, volume_api.update(ctx, volume_id,
                                                     values),
                             extended=False)}


@bp.delete('/volumes/<volume_id>')
def delete(project_id, volume_id):
    """202; 400 when the status does not allow it."""
    ctx = common.context()
    common.authorize(ctx, 'volume:delete')
    cascade = common.parse_bool(flask.request.args.get('cascade', False),
                                'cascade')
    volume_api.delete(ctx, volume_id, cascade=cascade)
    return '', 202
