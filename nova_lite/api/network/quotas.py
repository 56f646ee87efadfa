"""``/network/v2.0/quotas`` (Networking API reference, "Quotas
extension"): a project's limits of networks, subnets and ports
(``nova_lite.network.quotas``).

- ``GET /quotas/{project_id}``: 200 ``{"quota": {"network", "subnet",
  "port"}}`` (readers of the project, admins);
- ``PUT /quotas/{project_id}`` ``{"quota": {...}}``: 200 with the new
  limits (admins; -1 unlimited);
- ``DELETE /quotas/{project_id}``: 204, back to the defaults (admins);
- ``GET /quotas/{project_id}/default``: the defaults.
"""
import flask

from nova_lite.api.network import common
from nova_lite.network import quotas as quota_api

bp = flask.Blueprint('network_quotas', __name__, url_prefix='/network/v2.0')


@bp.get('/quotas/<project_id>')
def show_quota(project_id):
    """200 ``{"quota": {...}}``."""
    ctx = common.context()
    common.authorize(ctx, 'get_quota', project_id)
    return {'quota': quota_api.limits(ctx, project_id)}


@bp.get('/quotas/<project_id>/default')
def show_default_quota(project_id):
    """200 ``{"quota": {...}}``: the defaults (``[network] quota_*``)."""
    ctx = common.context()
    common.authorize(ctx, 'get_quota', project_id)
    return {'quota': quota_api.defaults()}


@bp.put('/quotas/<project_id>')
def update_quota(project_id):
    """200 ``{"quota": {...}}``; 400 for unknown resources or limits."""
    ctx = common.context()
    common.authorize(ctx, 'update_quota', project_id)
    inner = common.resource_body('quota', quota_api.RESOURCES)
    return {'quota': quota_api.update(ctx, project_id, inner)}


@bp.delete('/quotas/<project_id>')
def delete_quota(project_id):
    """204: the project's limits are the defaults again."""
    ctx = common.context()
    common.authorize(ctx, 'delete_quota', project_id)
    quota_api.reset(ctx, project_id)
    return '', 204
