"""``/v2.1/os-aggregates``: host aggregates and availability zones
(compute API reference, "Host Aggregates (os-aggregates)", microversion
2.1). Administrators only.

An aggregate with ``availability_zone`` is a zone the scheduler honours
(``AvailabilityZoneFilter``); its other metadata is matched against image
properties (``AggregateImagePropertiesIsolation``). Unknown aggregate ids
are 404, unknown hosts 404, a host already in the aggregate or in another
zone 409, deleting a non-empty aggregate or a zone change that would put
a host in two zones 400.  From microversion 2.81 ``POST
/os-aggregates/{id}/images`` has the aggregate's hosts download images
into their image cache ahead of builds.
"""
import flask

from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import aggregates as views
from nova_lite.compute import host_api
from nova_lite import policy
from nova_lite.policies import aggregates as aggregate_policies

bp = flask.Blueprint('aggregates', __name__,
                     url_prefix='/v2.1/os-aggregates')
AGGREGATES = aggregate_policies.AGGREGATES


def _authorized(action):
    context = openstack.context()
    policy.authorize(context, AGGREGATES % action)
    return context


@bp.get('')
def index():
    """200 ``{"aggregates": [<aggregate>, ...]}``."""
    context = _authorized('index')
    return {'aggregates': [views.detail(a) for a in
                           host_api.aggregate_list(context)]}


@bp.post('')
def create():
    """200 ``{"aggregate": <aggregate without hosts and metadata>}``; 409
    when the name is taken."""
    context = _authorized('create')
    body = openstack.body()['aggregate']
    aggregate = host_api.aggregate_create(
        context, body['name'], body.get('availability_zone'))
    return {'aggregate': views.basic(aggregate)}


@bp.get('/<aggregate_id>')
def show(aggregate_id):
    """200 ``{"aggregate": <aggregate>}``; 404 for unknown ids."""
    context = _authorized('show')
    return {'aggregate': views.detail(host_api.aggregate_get(
        context, aggregate_id))}


@bp.put('/<aggregate_id>')
def update(aggregate_id):
    """200 ``{"aggregate": <aggregate>}``: rename and/or change the zone
    (null removes it)."""
    context = _authorized('update')
    body = openstack.body()['aggregate']
    aggregate = host_api.aggregate_update(
        context, aggregate_id, name=body.get('name'),
        availability_zone=body.get('availability_zone', False))
    return {'aggregate': views.detail(aggregate)}


@bp.delete('/<aggregate_id>')
def delete(aggregate_id):
    """200 with no body; 400 while the aggregate has hosts."""
    context = _authorized('delete')
    host_api.aggregate_delete(context, aggregate_id)
    return '', 200


def _add_host(context, aggregate_id, args):
    return host_api.aggregate_add_host(context, aggregate_id, args['host'])


def _remove_host(context, aggregate_id, args):
    return host_api.aggregate_remove_host(context, aggregate_id,
                                          args['host'])


def _set_metadata(context, aggregate_id, args):
    return host_api.aggregate_set_metadata(context, aggregate_id,
                                           args['metadata'])


#: action name → handler(context, aggregate_id, args) → aggregate dict.
ACTIONS = {'add_host': _add_host, 'remove_host': _remove_host,
           'set_metadata': _set_metadata}


@bp.post('/<aggregate_id>/images')
def cache_images(aggregate_id):
    """202 with no body (from microversion 2.81): every host of the
    aggregate downloads the images into its image cache, in the
    background; 404 for an unknown aggregate, 400 for an unknown or
    inactive image."""
    context = openstack.context()
    policy.authorize(context, aggregate_policies.IMAGES)
    image_ids = [item['id'] for item in openstack.body()['cache']]
    host_api.aggregate_cache_images(context, aggregate_id, image_ids,
                                    openstack.compute_api())
    return '', 202


@bp.post('/<aggregate_id>/action')
def action(aggregate_id):
    """200 ``{"aggregate": <aggregate>}`` after add_host, remove_host or
    set_metadata (one per request)."""
    (name, args), = openstack.body().items()
    context = _authorized(name)
    return {'aggregate': views.detail(ACTIONS[name](context, aggregate_id,
                                                    args))}
