"""``/volume/v3/{project_id}/attachments`` (Block Storage API reference
v3, "Attachments", microversion 3.27 and later; 404 below):

- ``POST /attachments`` ``{"attachment": {"volume_uuid",
  "instance_uuid", "connector", "mode"}}``: 200 ``{"attachment":
  {...}}`` (volume ``reserved``; with a connector its export is open and
  ``connection_info`` set, volume ``attaching``);
- ``GET /attachments``, ``/attachments/detail`` (filters
  ``volume_id``, ``instance_id``, ``all_tenants``), ``GET
  /attachments/{id}``: 200;
- ``PUT /attachments/{id}`` ``{"attachment": {"connector": {...}}}``:
  200 with ``connection_info``;
- ``POST /attachments/{id}/action`` ``{"os-complete": null}``: 204
  (volume ``in-use``);
- ``DELETE /attachments/{id}``: 200 (export closed; volume
  ``available``).
"""
import flask

from nova_lite.api.volume import common
from nova_lite.api.volume import views
from nova_lite.volume import attach
from nova_lite.volume import errors

bp = flask.Blueprint('volume_attachments', __name__,
                     url_prefix='/volume/v3/<project_id>')
ATTACHMENTS_VERSION = (3, 27)


def _start(rule):
    common.require_version(ATTACHMENTS_VERSION)
    ctx = common.context()
    common.authorize(ctx, rule)
    return ctx


@bp.post('/attachments')
def create(project_id):
    """200 ``{"attachment": {...}}``; 400, 404 (volume)."""
    ctx = _start('volume:attachment_create')
    inner = common.body('attachment')
    common.check_keys(inner, ('volume_uuid', 'instance_uuid', 'connector',
                              'mode'), 'attachment')
    volume_id = common.string(inner, 'volume_uuid', 36, required=True)
    connector = inner.get('connector')
    if connector is not None and not isinstance(connector, dict):
        raise errors.Invalid(reason='connector must be an object')
    att = attach.attachment_create(
        ctx, volume_id, common.string(inner, 'instance_uuid', 36),
        connector, inner.get('mode', 'rw'))
    return {'attachment': views.attachment(att)}


def _list():
    ctx = _start('volume:attachment_get')
    args = flask.request.args
    all_projects = common.parse_bool(args.get('all_tenants', False),
                                     'all_tenants')
    return {'attachments': [views.attachment(a) for a in
                            attach.attachment_list(
                                ctx, args.get('volume_id'),
                                args.get('instance_id'), all_projects)]}


@bp.get('/attachments')
def index(project_id):
    return _list()


@bp.get('/attachments/detail')
def index_detail(project_id):
    return _list()


@bp.get('/attachments/<attachment_id>')
def show(project_id, attachment_id):
    ctx = _start('volume:attachment_get')
    return {'attachment': views.attachment(attach.attachment_get(
        ctx, attachment_id))}


@bp.put('/attachments/<attachment_id>')
def update(project_id, attachment_id):
    """200 ``{"attachment": {... "connection_info"}}``."""
    ctx = _start('volume:attachment_update')
    inner = common.body('attachment')
    common.check_keys(inner, ('connector',), 'attachment')
    return {'attachment': views.attachment(attach.attachment_update(
        ctx, attachment_id, inner.get('connector')))}


@bp.post('/attachments/<attachment_id>/action')
def action(project_id, attachment_id):
    """``{"os-complete": null}``: 204."""
    ctx = _start('volume:attachment_complete')
    body = common.body()
    if list(body) != ['os-complete']:
        raise errors.Invalid(reason='There is no such action: %s'
                             % ', '.join(k[:32] for k in body))
    attach.attachment_complete(ctx, attachment_id)
    return '', 204


@bp.delete('/attachments/<attachment_id>')
def delete(project_id, attachment_id):
    """200 ``{"attachments": []}`` (Cinder answers the remaining ones of
    the volume)."""
    ctx = _start('volume:attachment_delete')
    att = attach.attachment_get(ctx, attachment_id)
    attach.attachment_delete(ctx, attachment_id)
    return {'attachments': [views.attachment(a) for a in
                            attach.attachment_list(ctx, att['volume_uuid'],
                                                   all_projects=True)]}
