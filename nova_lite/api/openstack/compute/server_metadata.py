"""``/v2.1/servers/{id}/metadata``: server metadata (compute API
reference, "Server metadata").

``GET`` lists, ``POST`` merges, ``PUT`` replaces all items (each
answering ``{"metadata": {...}}``); ``/metadata/{key}`` shows, sets
(``{"meta": {key: value}}``, the key must match the URL) and deletes
(204) one item.
"""
import flask

from nova_lite.api import openstack
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import servers as server_policies

bp = flask.Blueprint('server_metadata', __name__,
                     url_prefix='/v2.1/servers/<server_id>/metadata')
METADATA = server_policies.METADATA


def _current(context, server_id):
    row = openstack.compute_api().get(context, server_id)
    return {m.key: m.value for m in row.metadata_items}


def _authorized_context(rule):
    context = openstack.context()
    policy.authorize(context, METADATA % rule)
    return context


@bp.get('')
def index(server_id):
    """200 ``{"metadata": {...}}``."""
    context = _authorized_context('index')
    return {'metadata': _current(context, server_id)}


@bp.post('')
def create(server_id):
    """200 ``{"metadata": {...}}``: the body's items merged in."""
    context = _authorized_context('create')
    metadata = openstack.compute_api().update_metadata(
        context, server_id, openstack.body()['metadata'], delete=False)
    return {'metadata': metadata}


@bp.put('')
def update_all(server_id):
    """200 ``{"metadata": {...}}``: the body's items replace all."""
    context = _authorized_context('update_all')
    metadata = openstack.compute_api().update_metadata(
        context, server_id, openstack.body()['metadata'], delete=True)
    return {'metadata': metadata}


@bp.get('/<key>')
def show(server_id, key):
    """200 ``{"meta": {key: value}}``; 404 for an unknown key."""
    context = _authorized_context('show')
    metadata = _current(context, server_id)
    if key not in metadata:
        raise exception.MetadataNotFound(key=key)
    return {'meta': {key: metadata[key]}}


@bp.put('/<key>')
def update(server_id, key):
    """200 ``{"meta": {key: value}}``; 400 when the body's key is not the
    URL's."""
    context = _authorized_context('update')
    meta = openstack.body()['meta']
    if key not in meta:
        raise exception.ValidationError(
            attribute='meta', reason='request body and URI mismatch: the '
            'body must set the key %r of the URL' % key)
    openstack.compute_api().update_metadata(context, server_id, meta,
                                            delete=False)
    return {'meta': meta}


@bp.delete('/<key>')
def delete(server_id, key):
    """204; 404 for an unknown key."""
    context = _authorized_context('delete')
    openstack.compute_api().delete_metadata_item(context, server_id, key)
    return '', 204
