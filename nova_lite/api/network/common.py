"""Request and response helpers of the Networking API (Networking API
reference, "Filtering and column selection", "Sorting", "Pagination"):

- bodies: ``{"<resource>": {...}}`` JSON objects; an attribute the
  resource does not have is a 400 ("Unrecognized attribute(s)"), one
  that cannot be changed a 400 too;
- lists: any attribute of the resource filters by equality (repeat a
  parameter for "any of"; booleans as true/false; unknown attributes
  are ignored, as Neutron without strict filter validation does);
  ``fields`` (repeated or comma-separated) selects attributes;
  ``sort_key``/``sort_dir`` (repeatable pairs, asc by default) sort;
  ``limit`` and ``marker`` (an id) page, with a ``next`` link in
  ``<collection>_links`` when a page is full (``page_reverse`` turns
  the page backwards, with a ``previous`` link).
"""
import json
from urllib import parse as urlparse

import flask

from nova_lite.api import openstack
from nova_lite import exception
from nova_lite.network import errors
from nova_lite import policy

RESERVED = frozenset({'fields', 'sort_key', 'sort_dir', 'limit', 'marker',
                      'page_reverse'})


def context():
    """The request's RequestContext (401 for anonymous ones)."""
    return openstack.context()


def authorize(ctx, action, project_id):
    """Check the policy ``action`` with ``project_id`` as the target's.

    :raises: PolicyNotAuthorized (403)
    """
    try:
        policy.authorize(ctx, action, {'project_id': project_id or '',
                                       'tenant_id': project_id or '',
                                       'user_id': ctx.user_id})
    except exception.Forbidden:
        raise errors.PolicyNotAuthorized(action=action) from None


def _json_body():
    data = flask.request.get_data(cache=True)
    try:
        return json.loads(data) if data.strip() else None
    except (ValueError, RecursionError):
        raise errors.BadRequest(attribute='body', reason='the body is '
                                'not valid JSON') from None


def _checked(resource, inner, allowed):
    unknown = sorted(set(inner) - set(allowed))
    if unknown:
        raise errors.BadRequest(attribute=resource, reason="Unrecognized "
                                "attribute(s) '%s'" % ', '.join(
                                    k[:64] for k in unknown))
    if _has_nul(inner):
        raise errors.BadRequest(attribute=resource, reason='NUL '
                                'characters are not allowed')
    return inner


def resource_body(resource, allowed):
    """The ``{"<resource>": {...}}`` body's inner object.

    :raises: BadRequest for a body that is not such an object, or holds
        attributes outside ``allowed``
    """
    body = _json_body()
    if not isinstance(body, dict) or not isinstance(body.get(resource),
                                                    dict):
        raise errors.BadRequest(attribute='body', reason='a JSON object '
                                '{"%s": {...}} is required' % resource)
    return _checked(resource, body[resource], allowed)


#: Most resources one bulk create makes.
MAX_BULK = 100


def resource_bodies(resource, collection, allowed):
    """The inner objects of a create body: ``([{...}], False)`` for
    ``{"<resource>": {...}}``, ``([{...}, ...], True)`` for a bulk
    create ``{"<collection>": [{...}, ...]}`` (Networking API reference,
    "Bulk create"; 1 to ``MAX_BULK`` items).

    :raises: BadRequest
    """
    body = _json_body()
    if isinstance(body, dict) and collection in body and resource not in \
            body:
        items = body[collection]
        if not isinstance(items, list) or not 0 < len(items) <= MAX_BULK \
                or not all(isinstance(i, dict) for i in items) \
                or len(body) != 1:
            raise errors.BadRequest(attribute='body', reason='a JSON object '
                                    '{"%s": [{...}, ...]} of 1 to %d items '
                                    'is required' % (collection, MAX_BULK))
        return [_checked(resource, i, allowed) for i in items], True
    return [resource_body(resource, allowed)], False


def bulk_create(resource, collection, items, bulk, create, delete):
    """Create each item with ``create(inner) -> (view, undo)``; when one
    fails the ones made before are deleted (``delete(undo)``: a bulk
    create is all or nothing) and the error is raised.

    :returns: the 201 response body and status
    """
    made = []
    try:
        for inner in items:
            made.append(create(inner))
    except Exception:
        for _view, undo in reversed(made):
            delete(undo)
        raise
    if bulk:
        return {collection: [view for view, _undo in made]}, 201
    return {resource: made[0][0]}, 201


def _has_nul(value):
    if isinstance(value, str):
        return '\x00' in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def owner(ctx, inner):
    """The project of a new resource: the body's ``project_id`` /
    ``tenant_id`` (they must agree) or the caller's."""
    given = {inner[k] for k in ('project_id', 'tenant_id') if k in inner}
    if len(given) > 1:
        raise errors.BadRequest(attribute='project_id', reason='project_id '
                                'and tenant_id do not match')
    project = given.pop() if given else ctx.project_id
    if not isinstance(project, str) or not project:
        raise errors.BadRequest(attribute='project_id', reason='a project '
                                'id is required')
    return project


# -------------------------------------------------------------------- lists

def _matches(value, wanted):
    if isinstance(value, bool):
        return str(value).lower() in {w.lower() for w in wanted}
    if value is None:
        return False
    if isinstance(value, (list, tuple)):
        return any(str(v) in wanted for v in value)
    return str(value) in wanted


def filtered(items, special=None):
    """``items`` (view dicts) kept by the query's filters; ``special``
    maps attribute → predicate(item, [values]) for attributes that do
    not compare by equality (e.g. a port's ``fixed_ips``)."""
    special = special or {}
    args = flask.request.args
    for key in set(args) - RESERVED:
        wanted = args.getlist(key)
        if key in special:
            items = [i for i in items if special[key](i, wanted)]
        elif items and key in items[0]:
            items = [i for i in items if _matches(i.get(key), wanted)]
    return items


def _sort_key(value):
    return (value is not None, str(value) if not isinstance(
        value, (int, float)) or isinstance(value, bool) else value)


def _sorted(items):
    args = flask.request.args
    keys, dirs = args.getlist('sort_key'), args.getlist('sort_dir')
    if len(dirs) > len(keys):
        raise errors.BadRequest(attribute='sort_dir', reason='each sort_dir '
                                'needs a sort_key')
    for index in reversed(range(len(keys))):
        key = keys[index]
        direction = dirs[index] if index < len(dirs) else 'asc'
        if direction not in ('asc', 'desc'):
            raise errors.BadRequest(attribute='sort_dir', reason="'%s' is "
                                    "not asc or desc" % direction[:16])
        if items and key not in items[0]:
            raise errors.BadRequest(attribute='sort_key', reason='%s is '
                                    'not an attribute of the resource'
                                    % key[:64])
        items = sorted(items, key=lambda i, k=key: _sort_key(i.get(k)),
                       reverse=direction == 'desc')
    return items


def _page(items, collection):
    args = flask.request.args
    if 'limit' not in args:
        return items, []
    try:
        limit = int(args['limit'])
    except ValueError:
        raise errors.BadRequest(attribute='limit', reason="'%s' is not an "
                                'integer' % args['limit'][:32]) from None
    if limit < 0:
        raise errors.BadRequest(attribute='limit', reason='it must be >= 0')
    reverse = args.get('page_reverse', 'false').lower() == 'true'
    ordered = list(reversed(items)) if reverse else items
    marker = args.get('marker')
    if marker:
        ids = [i['id'] for i in ordered]
        if marker not in ids:
            raise errors.BadRequest(attribute='marker', reason='%s is not '
                                    'an id of the collection' % marker[:64])
        ordered = ordered[ids.index(marker) + 1:]
    if limit == 0:
        return (list(reversed(ordered)) if reverse else ordered), []
    page = ordered[:limit]
    links = []
    if len(page) == limit and len(ordered) > limit:
        links.append(_link('previous' if reverse else 'next',
                           page[-1]['id']))
    return (list(reversed(page)) if reverse else page), links


def _link(rel, marker):
    params = [(k, v) for k, v in flask.request.args.items(multi=True)
              if k != 'marker'] + [('marker', marker)]
    return {'rel': rel, 'href': '%s%s?%s' % (
        openstack.base_url(), flask.request.path.lstrip('/'),
        urlparse.urlencode(params))}


def fields():
    """The attributes ``fields`` asks for, or None for all."""
    wanted = [f for value in flask.request.args.getlist('fields')
              for f in value.split(',') if f]
    return wanted or None


def select(item, wanted=None):
    """``item`` reduced to the ``fields`` of the query."""
    wanted = fields() if wanted is None else wanted
    if not wanted:
        return item
    return {k: v for k, v in item.items() if k in wanted}


def listing(collection, items, special=None):
    """The list response ``{collection: [...], collection_links?}``."""
    items, links = _page(_sorted(filtered(items, special)), collection)
    wanted = fields()
    body = {collection: [select(i, wanted) for i in items]}
    if links:
        body[collection + '_links'] = links
    return body


def isotime(value):
    """``2026-12-06T15:00:00Z`` (None stays None)."""
    return openstack.isotime(value)


def authorize_shared(ctx, action, project_id, shared):
    """Check ``action`` on a resource of ``project_id`` that may be
    ``shared`` (networks and their subnets: readable by all when
    shared). :raises: PolicyNotAuthorized (403)"""
    try:
        policy.authorize(ctx, action, {'project_id': project_id or '',
                                       'tenant_id': project_id or '',
                                       'shared': bool(shared),
                                       'user_id': ctx.user_id})
    except exception.Forbidden:
        raise errors.PolicyNotAuthorized(action=action) from None
