"""Helpers shared by the compute API handlers.

Faults follow the compute API reference ("Faults" in the API guide): a
JSON body ``{"<faultName>": {"code": <status>, "message": "..."}}``.
Links follow "Links and References": a ``self`` link under ``/v2.1`` and a
version-less ``bookmark`` link.  Pagination follows "Paginated
collections": ``limit`` and ``marker`` query parameters and a ``next``
link in ``<collection>_links`` when a page is full.
"""
import json
import re
from urllib import parse as urlparse

import flask
from oslo_utils import strutils
from werkzeug import wrappers

from nova_lite import exception

CONF_KEY = 'NOVA_LITE_CONF'
COMPUTE_API_KEY = 'nova_lite.compute_api'
CONTEXT_KEY = 'nova_lite.context'
BASE_URL_KEY = 'nova_lite.base_url'

#: HTTP status → fault name (compute API reference, "Faults"); any other
#: status is a ``computeFault``.
FAULT_NAMES = {
    400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
    404: 'itemNotFound', 405: 'badMethod', 406: 'notAcceptable',
    409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType',
    429: 'overLimit', 501: 'notImplemented', 503: 'serviceUnavailable',
}


class NotAcceptable(exception.NovaLiteException):
    """406: e.g. a microversion outside the supported range."""
    msg_fmt = 'Not acceptable: %(reason)s'
    code = 406


class RequestTooLarge(exception.NovaLiteException):
    """413: the request body exceeds ``[api] max_request_body_size``."""
    msg_fmt = 'Request is too large: the limit is %(limit)d bytes.'
    code = 413


class UnsupportedMediaType(exception.NovaLiteException):
    """415: a request body that is not ``application/json``."""
    msg_fmt = 'Unsupported Content-Type %(content_type)s: request bodies ' \
              'must be application/json.'
    code = 415


def fault_name(code):
    """The fault name of an HTTP status (``computeFault`` by default)."""
    return FAULT_NAMES.get(code, 'computeFault')


def fault_body(code, message):
    """``{"<faultName>": {"code": code, "message": message}}``."""
    return {fault_name(code): {'code': code, 'message': message}}


def fault_response(code, message, headers=None):
    """A werkzeug Response (itself a WSGI app) carrying a fault body."""
    body = json.dumps(fault_body(code, message))
    response = wrappers.Response(body, status=code,
                                 content_type='application/json')
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# ----------------------------------------------------------- request state

def conf():
    """The ConfigOpts the app was built with."""
    return flask.current_app.config[CONF_KEY]


def compute_api():
    """The app's ``nova_lite.compute.api.API``."""
    return flask.current_app.extensions[COMPUTE_API_KEY]


def context():
    """The request's RequestContext (set by ``nova_lite.api.auth``).

    :raises: NotAuthenticated when the auth pipeline set none or an
        anonymous one (version documents only)
    """
    ctx = flask.request.environ.get(CONTEXT_KEY)
    if ctx is None or ctx.project_id is None:
        raise exception.NotAuthenticated()
    return ctx


def body():
    """The request body, parsed and validated against the route's schema
    by the app's ``before_request`` hook (``nova_lite.api.wsgi``)."""
    return flask.g.body


def parse_bool(value, name):
    """A boolean query parameter or body value ('true', 'False', '1', ...).

    :raises: ValidationError (400) for anything else
    """
    if isinstance(value, bool):
        return value
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.ValidationError(
            attribute=name, reason='%r is not a boolean' % value) from None


def parse_int(value, name, minimum=None, maximum=None):
    """An integer from a query parameter or digit-string body value.

    :raises: ValidationError (400) when it is not an integer in range
    """
    try:
        number = int(str(value).strip())
    except ValueError:
        raise exception.ValidationError(
            attribute=name, reason='%r is not an integer' % value) from None
    if minimum is not None and number < minimum:
        raise exception.ValidationError(
            attribute=name, reason='%d is less than %d' % (number, minimum))
    if maximum is not None and number > maximum:
        raise exception.ValidationError(
            attribute=name, reason='%d is greater than %d'
            % (number, maximum))
    return number


def regex_param(value, name):
    """A query parameter that is a regular expression (server and, from
    microversion 2.102, flavor name filters), returned as it is.

    :raises: ValidationError (400) when it does not compile
    """
    try:
        re.compile(value)
    except re.error as exc:
        raise exception.ValidationError(
            attribute=name, reason='not a valid regular expression: %s'
            % exc) from None
    return value


# ------------------------------------------------------------------- links

def base_url():
    """``[api] public_endpoint`` or the request's root URL, ending in '/'.

    Computed once per request (Flask's ``url_root`` and the config lookup
    cost ~15 µs, and a page of servers asks for it thousands of times)."""
    environ = flask.request.environ
    base = environ.get(BASE_URL_KEY)
    if base is None:
        endpoint = conf().api.public_endpoint or flask.request.url_root
        base = environ[BASE_URL_KEY] = endpoint.rstrip('/') + '/'
    return base


def resource_links(collection, resource_id, base=None):
    """``self`` (``/v2.1/<collection>/<id>``) and ``bookmark``
    (``/<collection>/<id>``) links of a resource.

    :param base: the request's ``base_url()`` when the caller has it
    """
    base = base or base_url()
    path = '%s/%s' % (collection, _quote(resource_id))
    return [{'rel': 'self', 'href': base + 'v2.1/' + path},
            {'rel': 'bookmark', 'href': base + path}]


def bookmark_link(collection, resource_id, base=None):
    """The single bookmark link used for a server's image and flavor."""
    return [{'rel': 'bookmark', 'href': '%s%s/%s' % (
        base or base_url(), collection, _quote(resource_id))}]


_URL_SAFE = re.compile(r'[A-Za-z0-9._~-]*')


def _quote(resource_id):
    """An id as one URL path segment (uuids and digits unchanged)."""
    text = str(resource_id)
    if _URL_SAFE.fullmatch(text):
        return text
    return urlparse.quote(text, safe='')


def isotime(value):
    """A naive UTC datetime as ``2026-11-22T03:00:00Z`` (None stays None);
    microseconds are dropped, an aware one's zone ignored."""
    if not value:
        return None
    if value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    # isoformat is ~2x faster than strftime (twice per listed server).
    return value.isoformat(timespec='seconds') + 'Z'


# -------------------------------------------------------------- pagination

def limit_and_marker():
    """``(limit, marker)`` of the query string; limit capped at
    ``[api] max_limit`` and defaulting to it.

    :raises: ValidationError (400) for a negative or non-integer limit
    """
    args = flask.request.args
    max_limit = conf().api.max_limit
    limit = max_limit
    if 'limit' in args:
        limit = min(parse_int(args['limit'], 'limit', minimum=0), max_limit)
    marker = args.get('marker') or None
    return limit, marker


def limited(items):
    """The page of ``items`` the query's ``offset`` and ``limit`` ask
    for (Nova's offset paging of its older lists: ``limit`` capped at
    ``[api] max_limit``, 0 or absent meaning the cap).

    :raises: ValidationError (400) for a negative or non-integer value
    """
    args = flask.request.args
    offset = parse_int(args.get('offset', 0), 'offset', minimum=0)
    limit = conf().api.max_limit
    if 'limit' in args:
        limit = min(parse_int(args['limit'], 'limit', minimum=0) or limit,
                    limit)
    return items[offset:offset + limit]


def collection_links(collection, items, limit, id_key='id'):
    """``[{"rel": "next", "href": ...}]`` when ``items`` fills a page of
    ``limit``; the link keeps the other query parameters."""
    if not items or len(items) < limit:
        return []
    params = [(k, v) for k, v in flask.request.args.items(multi=True)
              if k not in ('marker', 'limit')]
    params += [('limit', str(limit)), ('marker', str(items[-1][id_key]))]
    path = flask.request.path.lstrip('/')
    return [{'rel': 'next', 'href': '%s%s?%s' % (
        base_url(), path, urlparse.urlencode(params))}]
