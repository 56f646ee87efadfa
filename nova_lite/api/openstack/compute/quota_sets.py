"""``/v2.1/os-quota-sets/{project_id}``: show, show with usage
(``/detail``), show the defaults (``/defaults``), update and reset a
project's quotas, or with ``?user_id=`` those of one user within the
project (compute API reference, "Quota sets (os-quota-sets)").

Readers see their own project's quotas (and its users'), admins any
project's; updating (200) and resetting (202) need the admin policy.  A
user's limits are the project's unless set for the user; setting them
follows ``nova_lite.quota.update`` (400 when a user limit would exceed
what the project has left, or go below the usage, unless ``force``).
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
#: Longest project or user id (the ``quotas`` columns).
MAX_PROJECT_ID = 255
MAX_USER_ID = 255
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


def _user_id():
    """The ``user_id`` query parameter, or None when absent or empty.

    :raises: ValidationError (400) for more than 255 characters
    """
    user_id = flask.request.args.get('user_id') or None
    if user_id is not None and len(user_id) > MAX_USER_ID:
        raise exception.ValidationError(
            attribute='user_id', reason='more than %d characters'
            % MAX_USER_ID)
    return user_id


@bp.get('')
def show(project_id):
    """200 ``{"quota_set": {"id", <limits>}}`` of the project, or of the
    user of ``?user_id=`` in it."""
    context = _authorized_context('show', project_id)
    return {'quota_set': views.quota_set(
        quota.get_limits(context, project_id, _user_id()), project_id)}


@bp.get('/detail')
def detail(project_id):
    """200 ``{"quota_set": {"id", <resource>: {in_use, limit,
    reserved}}}`` of the project, or of the user of ``?user_id=`` (usage
    counted for that user)."""
    context = _authorized_context('detail', project_id)
    user_id = _user_id()
    return {'quota_set': views.detail(
        quota.get_limits(context, project_id, user_id),
        quota.usages(context, project_id, user_id), project_id)}


@bp.get('/defaults')
def defaults(project_id):
    """200 ``{"quota_set": {"id", <default limits>}}``: the ``default``
    quota class."""
    context = _authorized_context('defaults', project_id)
    return {'quota_set': views.quota_set(quota.defaults(context),
                                         project_id)}


@bp.put('')
def update(project_id):
    """200 ``{"quota_set": {<limits>}}`` (no ``id``) of the project, or
    of the user of ``?user_id=``; 400 for limits below -1, or out of the
    settable range without ``force``."""
    context = _authorized_context('update', project_id)
    user_id = _user_id()
    body = dict(openstack.body()['quota_set'])
    force = openstack.parse_bool(body.pop('force', False), 'force')
    values = {name: openstack.parse_int(value, name, minimum=-1,
                                        maximum=MAX_LIMIT)
              for name, value in body.items()}
    limits = quota.update(context, project_id, values, force=force,
                          user_id=user_id)
    return {'quota_set': views.quota_set(limits)}


@bp.delete('')
def delete(project_id):
    """202: the project (and its users) back to the default quotas, or
    the user of ``?user_id=`` back to the project's."""
    context = _authorized_context('delete', project_id)
    quota.reset(context, project_id, _user_id())
    return '', 202
