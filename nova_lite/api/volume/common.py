"""Request helpers of the Block Storage API: context and policy, JSON
bodies, the volume microversion (``OpenStack-API-Version: volume 3.x``,
3.0 to ``MAX_VERSION``; out of range: 406 as Cinder answers), list
paging (``limit``, ``marker``, ``sort``/``sort_key``/``sort_dir``) and
links.
"""
import json
import re

import flask

from nova_lite.api import openstack
from nova_lite import exception
from nova_lite import policy
from nova_lite.volume import errors

MIN_VERSION = (3, 0)
#: Highest microversion served (3.68: ``os-reimage``). What nova_lite
#: does of Cinder's versions past 3.27 (the attachments API):
#: volume bodies gain ``shared_targets`` and ``service_uuid`` (3.48),
#: ``cluster_name`` (3.61, admins), ``volume_type_id`` (3.63),
#: ``encryption_key_id`` (3.64) and ``consumes_quota`` (3.65); a volume
#: is re-imaged with ``os-reimage`` (3.68). The other features those
#: versions add (user messages, backups, groups, transfers, default
#: types, new list filters, ``with_count``) are not built: their routes
#: are 404s at every version and unknown filters are ignored
#: (doc/volumes.md, "Microversions").
MAX_VERSION = (3, 68)
HEADER = 'OpenStack-API-Version'
_VERSION_RE = re.compile(r'^3\.(0|[1-9][0-9]*)$')


class NotAcceptable(errors.VolumeError):
    msg_fmt = ('Version %(version)s is not supported by the API. Minimum '
               'is 3.0 and maximum is %(max)s.')
    code = 406


def fmt(version):
    return '%d.%d' % version


def parse_version(headers):
    """The requested ``(3, minor)``; 3.0 when absent, MAX for latest.

    :raises: NotAcceptable (406) out of range; Invalid (400) malformed
    """
    value = None
    for part in (headers.get(HEADER) or '').split(','):
        words = part.strip().split()
        if len(words) == 2 and words[0].lower() == 'volume':
            value = words[1]
    if value is None:
        return MIN_VERSION
    if value.lower() == 'latest':
        return MAX_VERSION
    if not _VERSION_RE.match(value):
        if re.match(r'^\d+\.\d+$', value):
            raise NotAcceptable(version=value, max=fmt(MAX_VERSION))
        raise errors.Invalid(reason='Invalid API version request string '
                             '%s' % value[:32])
    version = (3, int(value.split('.')[1]))
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise NotAcceptable(version=value, max=fmt(MAX_VERSION))
    return version


def version():
    """The request's microversion (set by ``before_request``)."""
    return flask.g.get('volume_version', MIN_VERSION)


def require_version(minimum):
    """:raises: NotFound-like 404 (Cinder's VersionNotFoundForAPIMethod)
    below ``minimum``."""
    if version() < minimum:
        raise errors.NotFound(kind='API version', id='%s (this method '
                              'needs %s)' % (fmt(version()), fmt(minimum)))


def context():
    return openstack.context()


def authorize(ctx, action, project_id=None):
    """:raises: Forbidden (403) in the Block Storage fault format"""
    policy.authorize(ctx, action, {'project_id': project_id or
                                   ctx.project_id, 'user_id': ctx.user_id})


def body(root=None):
    """The JSON body (a dict); with ``root``, its ``{root: {...}}`` inner
    object.

    :raises: Invalid (400)
    """
    data = flask.request.get_data(cache=True)
    try:
        parsed = json.loads(data) if data.strip() else None
    except (ValueError, RecursionError):
        raise errors.Invalid(reason='Malformed request body') from None
    if not isinstance(parsed, dict):
        raise errors.Invalid(reason='The request body must be a JSON '
                             'object')
    if root is not None:
        if not isinstance(parsed.get(root), dict):
            raise errors.Invalid(reason='Missing required element \'%s\' '
                                 'in request body.' % root)
        return parsed[root]
    return parsed


def check_keys(inner, allowed, what):
    unknown = sorted(set(inner) - set(allowed))
    if unknown:
        raise errors.Invalid(reason='Invalid input for field/attribute '
                             '%s. Additional properties are not allowed '
                             '(%s were unexpected)' % (what, ', '.join(
                                 repr(k[:64]) for k in unknown)))


def string(inner, key, maxlen=255, required=False):
    value = inner.get(key)
    if value is None:
        if required:
            raise errors.Invalid(reason='%s is required' % key)
        return None
    if not isinstance(value, str) or len(value) > maxlen or '\0' in value:
        raise errors.Invalid(reason='%s must be a string of at most %d '
                             'characters' % (key, maxlen))
    return value


def integer(value, key):
    if isinstance(value, bool):
        value = None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise errors.Invalid(reason='%s must be an integer' % key) from None


def parse_bool(value, key):
    try:
        return openstack.parse_bool(value, key)
    except exception.NovaLiteException:
        raise errors.Invalid(reason='%s must be a boolean' % key) from None


def paging():
    """``(limit or None, marker or None, [(key, dir)])`` of the query.

    :raises: Invalid (400)
    """
    args = flask.request.args
    limit = args.get('limit')
    if limit is not None:
        limit = integer(limit, 'limit')
        if limit < 0:
            raise errors.Invalid(reason='limit must be >= 0')
    sort = []
    if args.get('sort'):
        for item in args['sort'].split(','):
            key, _, direction = item.strip().partition(':')
            sort.append((key, direction or 'desc'))
    elif args.get('sort_key'):
        sort.append((args['sort_key'], args.get('sort_dir', 'desc')))
    for key, direction in sort:
        if key not in ('created_at', 'updated_at', 'id', 'name', 'size',
                       'status'):
            raise errors.Invalid(reason='Invalid sort key %s' % key[:32])
        if direction not in ('asc', 'desc'):
            raise errors.Invalid(reason='Invalid sort direction %s'
                                 % direction[:8])
    sort = [({'id': 'uuid', 'name': 'display_name'}.get(k, k), d)
            for k, d in sort] or [('created_at', 'desc')]
    return limit, args.get('marker'), sort


def link(kind, uuid):
    base = flask.request.host_url.rstrip('/') + '/volume/v3/%s/%s/%s' % (
        flask.request.view_args.get('project_id', ''), kind, uuid)
    return [{'href': base, 'rel': 'self'},
            {'href': base.replace('/v3/', '/', 1), 'rel': 'bookmark'}]


def next_link(kind, items, limit):
    """``[{"href", "rel": "next"}]`` when a page is full, else []."""
    if not limit or len(items) < limit:
        return []
    args = dict(flask.request.args)
    args['marker'] = items[-1]['id']
    from urllib import parse
    return [{'href': flask.request.base_url + '?' + parse.urlencode(args),
             'rel': 'next'}]


def iso(value):
    return value.isoformat(timespec='microseconds') if value else None
