"""``/v2.1/os-quota-sets/{project_id}``: show, show with usage
(``/detail``), show the defaults (``/defaults``), update and reset a
project's quotas (compute API reference, "Quota sets (os-quota-sets)",
microversion 2.1).

Readers see their own project's quotas, admins any project's; updating
(200) and resetting (202) need the admin policy.  Quotas are per project:
``user_id`` is accepted when showing (the user's limits are the
project's) and refused when updating or resetting.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import quota_sets as views
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import quota_sets as quota_policies
from nova_lite import quota

bp = flask.Blueprint('quota_sets', __name__,
                     url_prefix='/v2.1/os-quota-sets/<project_id>')
QUOTA_SETS = quota_policies.QUOTA_SETS
#: Longest project id (the ``quotas.project_id`` column).
MAX_PROJECT_ID = 255
MAX_LIMIT = 2 ** 31 - 1


def _authorized_context(action, project_id):
    """:raises: NotFound (404) for a project id no project can have"""
    if len(project_id) > MAX_PROJECT_ID:
        raise exception.NotFound('Project %s... could not be found.'
                                 % project_id[:64])
    context = openstack.context()
    policy.authorize(context, QUOTA_SETS % action,
                     {'project_id': project_id, 'user_id': context.user_id})
    return context


def _refuse_user_id():
    if 'user_id' in flask.request.args:
        raise exception.ValidationError(
            attribute='user_id', reason='quotas are per project: per-user '
            'quotas are not supported')


@bp.get('')
def show(project_id):
    """200 ``{"quota_set": {"id", <14 limits>}}``."""
    context = _authorized_context('show', project_id)
    return {'quota_set': views.quota_set(
        quota.get_limits(context, project_id), project_id)}


@bp.get('/detail')
def detail(project_id):
    """200 ``{"quota_set": {"id", <resource>: {in_use, limit,
    reserved}}}``."""
    context = _authorized_context('detail', project_id)
    user_id = flask.request.args.get('user_id') or context.user_id
    return {'quota_set': views.detail(
        quota.get_limits(context, project_id),
        quota.usages(context, project_id, user_id), project_id)}


@bp.get('/defaults')
def defaults(project_id):
    """200 ``{"quota_set": {"id", <14 default limits>}}``."""
    _authorized_context('defaults', project_id)
    return {'quota_set': views.quota_set(quota.defaults(), project_id)}


@bp.put('')
def update(project_id):
    """200 ``{"quota_set": {<14 limits>}}`` (no ``id``); 400 for limits
    below -1, or below the usage without ``force``."""
    context = _authorized_context('update', project_id)
    _refuse_user_id()
    body = dict(openstack.body()['quota_set'])
    force = openstack.parse_bool(body.pop('force', False), 'force')
    values = {name: openstack.parse_int(value, name, minimum=-1,
                                        maximum=MAX_LIMIT)
              for name, value in body.items()}
    limits = quota.update(context, project_id, values, force=force)
    return {'quota_set': views.quota_set(limits)}


@bp.delete('')
def delete(project_id):
    """202: the project is back to the default quotas."""
    context = _authorized_context('delete', project_id)
    _refuse_user_id()
    quota.reset(context, project_id)
    return '', 202
