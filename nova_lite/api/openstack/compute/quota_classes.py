"""``/v2.1/os-quota-class-sets/{id}``: show and update the limits of a
quota class (compute API reference, "Quota class sets
(os-quota-class-sets)"); admins only.

The ``default`` class holds the default quotas: its limits, where set,
replace the ``[quota]`` options for every project and user without an
override, in ``os-quota-sets/{id}/defaults`` and at enforcement.  Other
classes are stored and shown but apply to no project, as in the compute
API (projects are never assigned a class).

Bodies: before 2.50 without server_groups and server_group_members; from
2.50 with them and without the network resources; from 2.57 without the
injected file resources either.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import quota_sets as views
from nova_lite import policy
from nova_lite.policies import quota_sets as quota_policies
from nova_lite import quota

bp = flask.Blueprint('quota_classes', __name__,
                     url_prefix='/v2.1/os-quota-class-sets/<class_name>')
QUOTA_CLASS_SETS = quota_policies.QUOTA_CLASS_SETS
MAX_LIMIT = 2 ** 31 - 1


def _authorized_context(action):
    context = openstack.context()
    policy.authorize(context, QUOTA_CLASS_SETS % action, {})
    return context


def _body(limits, class_name=None):
    """``{"quota_class_set": {["id"], <limits of the version>}}``."""
    return {'quota_class_set': views.quota_set(
        limits, class_name, names=views.class_resources())}


@bp.get('')
def show(class_name):
    """200 ``{"quota_class_set": {"id", <limits>}}``."""
    context = _authorized_context('show')
    return _body(quota.class_limits(context, class_name), class_name)


@bp.put('')
def update(class_name):
    """200 ``{"quota_class_set": {<limits>}}`` (no ``id``); 400 for a
    class name of more than 255 characters."""
    context = _authorized_context('update')
    body = openstack.body()['quota_class_set']
    values = {name: openstack.parse_int(value, name, minimum=-1,
                                        maximum=MAX_LIMIT)
              for name, value in body.items()}
    return _body(quota.update_class(context, class_name, values))
