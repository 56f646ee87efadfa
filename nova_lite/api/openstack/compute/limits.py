"""``GET /v2.1/limits``: the absolute limits and usage of the caller's
project, or with ``tenant_id`` (admins) of another one (compute API
reference, "Limits (limits)", microversion 2.1)."""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import limits as views
from nova_lite import policy
from nova_lite.policies import quota_sets as quota_policies
from nova_lite import quota

bp = flask.Blueprint('limits', __name__, url_prefix='/v2.1/limits')


@bp.get('')
def index():
    """200 ``{"limits": {"absolute": {...19 keys}, "rate": []}}``; 403
    for another project's limits unless admin."""
    context = openstack.context()
    policy.authorize(context, quota_policies.LIMITS)
    project_id = flask.request.args.get('tenant_id') or context.project_id
    if project_id != context.project_id:
        policy.authorize(context, quota_policies.LIMITS_OTHER_PROJECT,
                         {'project_id': project_id,
                          'user_id': context.user_id})
    return views.limits(quota.get_limits(context, project_id),
                        quota.usages(context, project_id))
