"""Compute API microversions (compute API reference, "Microversions").

A request asks for a version with ``OpenStack-API-Version: compute X``
(preferred) or the legacy ``X-OpenStack-Nova-API-Version: X``; without
either it gets the minimum.  ``latest`` means the maximum.  A malformed
version is a 400, a version outside [MIN, MAX] a 406.  Responses under
``/v2.1`` echo both headers and ``Vary`` on them.
"""
import contextvars
import functools
import re

import flask
from werkzeug import exceptions as http_exceptions

from nova_lite.api import openstack
from nova_lite.api import versions_history
from nova_lite import exception

SERVICE = 'compute'
HEADER = 'OpenStack-API-Version'
LEGACY_HEADER = 'X-OpenStack-Nova-API-Version'

_VERSION_RE = re.compile(r'^([1-9][0-9]*)\.(0|[1-9][0-9]*)\Z')


class APIVersion(tuple):
    """A (major, minor) pair, ordered as tuples are; ``str`` gives 'X.Y'."""

    def __new__(cls, major, minor):
        return super().__new__(cls, (major, minor))

    def __str__(self):
        return '%d.%d' % self

    @classmethod
    def parse(cls, text):
        """'2.1' → APIVersion(2, 1); ``latest`` → MAX_VERSION.

        :raises: ValidationError (400) for a malformed version string
        """
        text = (text or '').strip()
        if text.lower() == 'latest':
            return MAX_VERSION
        match = _VERSION_RE.match(text)
        if not match:
            raise exception.ValidationError(
                'Invalid API version %r: expected "latest" or MAJOR.MINOR '
                '(e.g. 2.1).' % text[:40])
        return cls(int(match.group(1)), int(match.group(2)))


MIN_VERSION = APIVersion(2, 1)
#: The advertised maximum: the last row of the history.
MAX_VERSION = APIVersion.parse(versions_history.MAX)

#: Microversion bumps after 2.1, oldest first: ``(version, description)``.
VERSION_BUMPS = [(row.version, row.description)
                 for row in versions_history.HISTORY[1:]]


@functools.lru_cache(maxsize=None)
def parse(text):
    """APIVersion of a literal version string of the code (cached)."""
    return APIVersion.parse(text)


def all_versions():
    """Every supported APIVersion, oldest first."""
    return [APIVersion(2, minor)
            for minor in range(MIN_VERSION[1], MAX_VERSION[1] + 1)]


def in_range(version, minimum=None, maximum=None):
    """True when ``minimum <= version <= maximum`` (strings or
    APIVersions; None is unbounded)."""
    if minimum is not None and version < parse(str(minimum)):
        return False
    return maximum is None or version <= parse(str(maximum))


def requested_text(headers):
    """The version string a request asks for, or None.

    ``OpenStack-API-Version`` may list several services
    (``compute 2.1, image 2.5``); only its ``compute`` entry counts.  The
    legacy header is used when that header has no compute entry.
    """
    for item in headers.get(HEADER, '').split(','):
        service, _, version = item.strip().partition(' ')
        if service.lower() == SERVICE and version.strip():
            return version.strip()
    return headers.get(LEGACY_HEADER) or None


def from_headers(headers):
    """The APIVersion a request asks for (MIN_VERSION by default).

    :raises: ValidationError (400) if malformed, NotAcceptable (406) if
        outside [MIN_VERSION, MAX_VERSION]
    """
    text = requested_text(headers)
    if text is None:
        return MIN_VERSION
    version = APIVersion.parse(text)
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise openstack.NotAcceptable(
            'Version %s is not supported by the API. Minimum is %s and '
            'maximum is %s.' % (version, MIN_VERSION, MAX_VERSION))
    return version


def response_headers(version):
    """The headers echoing ``version`` (or only ``Vary`` for None)."""
    headers = {'Vary': '%s, %s' % (HEADER, LEGACY_HEADER)}
    if version is not None:
        headers[HEADER] = '%s %s' % (SERVICE, version)
        headers[LEGACY_HEADER] = str(version)
    return headers


def _versioned(path):
    return path == '/v2.1' or path.startswith('/v2.1/')


def route_available(method, rule, version):
    """False when ``versions_history.ROUTES`` bounds the route to
    versions excluding ``version``."""
    bounds = versions_history.ROUTES.get((method, rule))
    return bounds is None or in_range(version, *bounds)


#: The current request's version, also kept here: ``requested()`` runs a
#: dozen times per server of a list (the views' version branches), and
#: a context variable is read in a fraction of ``flask.g``'s time
#: (detail of 1,000 servers: 30 ms less per request). Set before and
#: cleared after each request; ``flask.g`` stays the reference.
_CURRENT = contextvars.ContextVar('nova_lite_api_version', default=None)


def _teardown_request(_exc=None):
    _CURRENT.set(None)


def _before_request():
    flask.g.api_version = None
    _CURRENT.set(None)
    if _versioned(flask.request.path):
        flask.g.api_version = from_headers(flask.request.headers)
        _CURRENT.set(flask.g.api_version)
        rule = flask.request.url_rule
        if rule is not None and not route_available(
                flask.request.method, rule.rule, flask.g.api_version):
            raise http_exceptions.NotFound()


def _after_request(response):
    if _versioned(flask.request.path):
        for name, value in response_headers(
                flask.g.get('api_version')).items():
            response.headers[name] = value
    return response


def install(app):
    """Parse the requested version before every ``/v2.1`` request
    (``flask.g.api_version``) and echo it in every response, errors
    included."""
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.teardown_request(_teardown_request)


def requested():
    """The APIVersion of the current request."""
    return _CURRENT.get() or flask.g.get('api_version') or MIN_VERSION


def at_least(version, requested_version=None):
    """True when the request (or ``requested_version``) asks for
    ``version`` ('2.19') or later: the one test of every version branch
    of the handlers and views."""
    current = requested_version or requested()
    return current >= parse(version)
