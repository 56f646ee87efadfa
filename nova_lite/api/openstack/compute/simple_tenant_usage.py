"""``/v2.1/os-simple-tenant-usage``: usage of every project (admins) and
of one project (its readers and members, or admins) over a time window
(compute API reference, "Usage reports (os-simple-tenant-usage)",
microversion 2.1).

``start`` and ``end`` are naive UTC times (``YYYY-MM-DDTHH:MM:SS``, with
optional ``.ffffff``, or ``YYYY-MM-DD HH:MM:SS.ffffff``; default now); a
malformed one, or a start not before the end, is a 400. An end in the
future is read as now. ``detailed=1`` adds ``server_usages`` to each
project of the list (the show always has them). The numbers are
``nova_lite.compute.usage``'s.

Paging: from microversion 2.40 by ``limit`` (at most ``[api]
max_limit``) instances and ``marker`` (the uuid of the last instance of
the previous page; an unknown one is a 400), with
``tenant_usages_links`` / ``tenant_usage_links`` when a page is full;
before 2.40 both are ignored and the answer is silently limited to
``[api] max_limit`` instances, as in Nova.
"""
import datetime

import flask
from oslo_utils import timeutils

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.compute import usage as usage_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import simple_tenant_usage as usage_policies

bp = flask.Blueprint('simple_tenant_usage', __name__,
                     url_prefix='/v2.1/os-simple-tenant-usage')
SIMPLE_TENANT_USAGE = usage_policies.SIMPLE_TENANT_USAGE

#: Accepted ``start``/``end`` formats (Nova's).
TIME_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
                '%Y-%m-%d %H:%M:%S.%f')


def parse_time(value, name):
    """A ``start``/``end`` query value as a naive UTC datetime (None or
    empty: now).

    :raises: ValidationError (400) for another format
    """
    if not value:
        return timeutils.utcnow()
    for fmt in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise exception.ValidationError(
        attribute=name, reason='%r is not a time of the form '
        'YYYY-MM-DDTHH:MM:SS[.ffffff]' % value[:64])


def _window():
    """``(start, stop, detailed)`` of the query string, stop capped at
    now.

    :raises: ValidationError (400)
    """
    args = flask.request.args
    start = parse_time(args.get('start'), 'start')
    stop = parse_time(args.get('end'), 'end')
    if not start < stop:
        raise exception.ValidationError(
            attribute='start', reason='Invalid start time. The start time '
            'cannot occur after the end time.')
    stop = min(stop, timeutils.utcnow())
    return start, stop, args.get('detailed', '0') == '1'


def _page():
    """``(limit, marker, links)``: the request's page from 2.40, else
    ``[api] max_limit`` without paging."""
    if microversion.at_least('2.40'):
        limit, marker = openstack.limit_and_marker()
        return limit, marker, True
    return openstack.conf().api.max_limit, None, False


def _time(value):
    return value.isoformat() if value is not None else None


def _server_view(info):
    return dict(info, started_at=_time(info['started_at']),
                ended_at=_time(info['ended_at']))


def _usage_view(usage):
    view = dict(usage, start=_time(usage['start']),
                stop=_time(usage['stop']))
    if 'server_usages' in usage:
        view['server_usages'] = [_server_view(s)
                                 for s in usage['server_usages']]
    return view


@bp.get('')
def index():
    """200 ``{"tenant_usages": [{tenant_id, start, stop, total_hours,
    total_vcpus_usage, total_memory_mb_usage, total_local_gb_usage[,
    server_usages]}]}`` (``tenant_usages_links`` from 2.40)."""
    context = openstack.context()
    policy.authorize(context, SIMPLE_TENANT_USAGE % 'list')
    start, stop, detailed = _window()
    limit, marker, links = _page()
    usages, servers = usage_api.tenant_usages(
        context, start, stop, detailed=detailed, limit=limit, marker=marker)
    body = {'tenant_usages': [_usage_view(u) for u in usages]}
    if links:
        found = openstack.collection_links(
            'os-simple-tenant-usage', servers, limit, id_key='instance_id')
        if found:
            body['tenant_usages_links'] = found
    return body


@bp.get('/<tenant_id>')
def show(tenant_id):
    """200 ``{"tenant_usage": {... , "server_usages": [...]}}``, ``{}``
    when the project has no usage in the window (``tenant_usage_links``
    from 2.40); 403 for another project's usage unless admin."""
    context = openstack.context()
    policy.authorize(context, SIMPLE_TENANT_USAGE % 'show',
                     {'project_id': tenant_id,
                      'user_id': context.user_id})
    start, stop, _detailed = _window()
    limit, marker, links = _page()
    usages, servers = usage_api.tenant_usages(
        context, start, stop, project_id=tenant_id, detailed=True,
        limit=limit, marker=marker)
    body = {'tenant_usage': _usage_view(usages[0]) if usages else {}}
    if links:
        found = openstack.collection_links(
            'os-simple-tenant-usage', servers, limit, id_key='instance_id')
        if found:
            body['tenant_usage_links'] = found
    return body
