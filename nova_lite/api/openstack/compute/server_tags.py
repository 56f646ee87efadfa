"""``/v2.1/servers/{server_id}/tags``: the tags of a server (compute API
reference, "Server tags (servers, tags)", microversion 2.26; a 404 before,
``versions_history.ROUTES``).

A tag is 1-60 characters without ``/`` or ``,``; a server has at most 50
(400 past them).  Listing and checking need the server to be visible
(404); changes also need it at rest (409, ``nova_lite.compute.tags``).
"""
import re
import urllib.parse

import flask

from nova_lite.api import openstack
from nova_lite.api.schemas import server_tags as schema
from nova_lite.compute import tags as tag_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import server_tags as tag_policies

bp = flask.Blueprint('server_tags', __name__,
                     url_prefix='/v2.1/servers/<server_id>/tags')
SERVER_TAGS = tag_policies.SERVER_TAGS
_TAG_RE = re.compile(schema.TAG['pattern'])


def _context(action):
    context = openstack.context()
    policy.authorize(context, SERVER_TAGS % action)
    return context


def _checked(tag):
    """``tag`` of the URL, checked as the body's tags are.

    :raises: ValidationError (400)
    """
    if not 1 <= len(tag) <= schema.TAG['maxLength'] or \
            not _TAG_RE.match(tag):
        raise exception.ValidationError(
            attribute='tag', reason='a tag is 1-60 characters without "/" '
            'or ","')
    return tag


def _too_many(count):
    if count > tag_api.MAX_TAGS:
        raise exception.ValidationError(
            attribute='tags', reason='a server has at most %d tags'
            % tag_api.MAX_TAGS)


@bp.get('')
def index(server_id):
    """200 ``{"tags": [...]}``."""
    context = _context('index')
    return {'tags': tag_api.get(context, server_id)}


@bp.put('')
def update_all(server_id):
    """200 ``{"tags": [...]}``: the server's tags are now these."""
    context = _context('update_all')
    tags = sorted(set(openstack.body()['tags']))
    _too_many(len(tags))
    return {'tags': tag_api.replace(context, server_id, tags)}


@bp.delete('')
def delete_all(server_id):
    """204: the server has no tag."""
    tag_api.delete_all(_context('delete_all'), server_id)
    return '', 204


@bp.get('/<tag>')
def show(server_id, tag):
    """204 if the server has ``tag``, 404 if not."""
    context = _context('show')
    if not tag_api.exists(context, server_id, tag):
        raise exception.NotFound('Tag %s of instance %s could not be found.'
                                 % (tag[:80], server_id))
    return '', 204


@bp.put('/<tag>')
def update(server_id, tag):
    """201 with a Location header when the tag is added, 204 when the
    server had it already."""
    context = _context('update')
    if not tag_api.add(context, server_id, _checked(tag)):
        return '', 204
    location = '%sv2.1/servers/%s/tags/%s' % (
        openstack.base_url(), server_id, urllib.parse.quote(tag, safe=''))
    return '', 201, {'Location': location}


@bp.delete('/<tag>')
def delete(server_id, tag):
    """204; 404 if the server does not have ``tag``."""
    tag_api.delete(_context('delete'), server_id, tag)
    return '', 204
