"""``/v2.1/os-hypervisors``: list, detail, show, uptime, statistics,
search by host name and list servers of hypervisors (compute API
reference, "Hypervisors (os-hypervisors)", microversion 2.1; admins only).

Hypervisors are the compute nodes whose compute service exists; ids are
integers (a non-integer id is a 404).  ``search`` and ``servers`` match
the pattern as a substring of ``hypervisor_hostname`` and answer 404 when
nothing matches.  The reads are ``nova_lite.compute.host_api``'s: one
SELECT per listing whatever the number of nodes.  From microversion 2.33
the list and the detail are paged by ``limit`` (at most ``[api]
max_limit``) and ``marker`` (the id of the last hypervisor of the
previous page; an unknown one is a 400), with ``hypervisors_links``
when a page is full; before 2.33 both parameters are ignored.  From
microversion 2.53 hypervisors (and their services) are named by uuid
(ids, markers and the paths of show and uptime: a non-uuid is a 400),
list and detail take ``hypervisor_hostname_pattern`` (no paging with it)
and ``with_servers``, show takes ``with_servers``, and ``search`` and
``servers`` answer 404.  From microversion 2.88 the detail (list and
show) has no resource figures but the host's ``uptime`` (asked of each
running compute service over RPC; null when the service is down or its
driver cannot tell), and ``statistics`` and ``uptime`` answer 404
(``versions_history.ROUTES``).
"""
import functools

import flask
import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_utils import uuidutils

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import hypervisors as views
from nova_lite.compute import host_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import hypervisors as hypervisor_policies

LOG = logging.getLogger(__name__)
bp = flask.Blueprint('hypervisors', __name__,
                     url_prefix='/v2.1/os-hypervisors')
HYPERVISORS = hypervisor_policies.HYPERVISORS


def _authorized_context(action):
    context = openstack.context()
    policy.authorize(context, HYPERVISORS % action)
    return context


def _paged(hypervisors, view):
    """``{"hypervisors": [...]}`` of the request's page (2.33), with
    ``hypervisors_links`` when the page is full.

    :raises: ValidationError (400) for a bad limit or an unknown marker
    """
    if not microversion.at_least('2.33'):
        return {'hypervisors': [view(h) for h in hypervisors]}
    limit, marker = openstack.limit_and_marker()
    if marker is not None:
        key = 'uuid' if microversion.at_least('2.53') else 'id'
        ids = [str(h[key]) for h in hypervisors]
        if marker not in ids:
            raise exception.ValidationError(
                attribute='marker', reason='marker [%s] not found'
                % marker[:64])
        hypervisors = hypervisors[ids.index(marker) + 1:]
    body = {'hypervisors': [view(h) for h in hypervisors[:limit]]}
    links = openstack.collection_links('os-hypervisors', body['hypervisors'],
                                       limit)
    if links:
        body['hypervisors_links'] = links
    return body


def _with_servers():
    """The ``with_servers`` query parameter (2.53; False before).

    :raises: ValidationError (400) for a non-boolean
    """
    if not microversion.at_least('2.53'):
        return False
    return openstack.parse_bool(flask.request.args.get('with_servers',
                                                       'false'),
                                'with_servers')


def _listing(context, view, detail=False):
    """List or detail: paged (2.33); from 2.53 filtered by
    ``hypervisor_hostname_pattern`` (a substring; no paging with it, and
    404 when nothing matches) and with the servers of each hypervisor
    when ``with_servers``."""
    args = flask.request.args
    pattern = args.get('hypervisor_hostname_pattern') \
        if microversion.at_least('2.53') else None
    with_servers = _with_servers()
    if pattern is not None and ('limit' in args or 'marker' in args):
        raise exception.ValidationError(
            attribute='hypervisor_hostname_pattern', reason='paging over '
            'hypervisors with hypervisor_hostname_pattern is not supported')
    found = host_api.hypervisor_list(context, pattern, detail=detail)
    if pattern is not None and not found:
        raise exception.ComputeHostNotFound(
            'No hypervisor matching %s could be found.' % pattern[:64])
    render = view
    if with_servers:
        servers = {h['id']: listed for h, listed in
                   host_api.hypervisor_servers(context, hypervisors=found)}
        render = functools.partial(_view_with_servers, view, servers)
    if pattern is not None:
        return {'hypervisors': [render(h) for h in found]}
    return _paged(found, render)


def _host_uptime(context, hypervisor):
    """The ``uptime`` line of the hypervisor's host, or None when its
    compute service is down, its driver has none or the call times out
    (microversion 2.88's detail)."""
    if not hypervisor['service']['up']:
        return None
    try:
        return openstack.compute_api().get_host_uptime(context,
                                                       hypervisor['host'])
    except (exception.NotSupportedByDriver, messaging.MessagingTimeout) \
            as exc:
        LOG.info('No uptime of host %s: %s', hypervisor['host'], exc)
        return None


def _detail_view(context):
    """The detail view of this request: from 2.88 with ``uptime``."""
    if not microversion.at_least('2.88'):
        return views.detail
    return lambda hypervisor: views.detail(
        hypervisor, _host_uptime(context, hypervisor))


def _view_with_servers(view, servers, hypervisor):
    return views.with_servers(hypervisor, servers[hypervisor['id']], view)


@bp.get('')
def index():
    """200 ``{"hypervisors": [{"id", "hypervisor_hostname", "state",
    "status"}]}`` (paged from 2.33; ``hypervisor_hostname_pattern`` and
    ``with_servers`` from 2.53)."""
    context = _authorized_context('list')
    return _listing(context, views.summary)


@bp.get('/detail')
def detail():
    """200 ``{"hypervisors": [<hypervisor detail>]}`` (paged from
    2.33; ``hypervisor_hostname_pattern`` and ``with_servers`` from
    2.53)."""
    context = _authorized_context('list-detail')
    return _listing(context, _detail_view(context), detail=True)


@bp.get('/statistics')
def statistics():
    """200 ``{"hypervisor_statistics": {count, vcpus, ...}}`` (404 from
    2.88)."""
    context = _authorized_context('statistics')
    return {'hypervisor_statistics': views.statistics(
        host_api.hypervisor_statistics(context))}


@bp.get('/<hypervisor_id>')
def show(hypervisor_id):
    """200 ``{"hypervisor": <hypervisor detail>}``; 404 for unknown or
    non-integer ids."""
    context = _authorized_context('show')
    by_uuid = _by_uuid(hypervisor_id)
    with_servers = _with_servers()
    hypervisor = host_api.hypervisor_get(context, hypervisor_id,
                                         detail=True, by_uuid=by_uuid)
    view = _detail_view(context)
    if with_servers:
        ((_h, servers),) = host_api.hypervisor_servers(
            context, hypervisors=[hypervisor])
        return {'hypervisor': views.with_servers(hypervisor, servers,
                                                 view)}
    return {'hypervisor': view(hypervisor)}


def _by_uuid(hypervisor_id):
    """True from 2.53, when the path's id is a uuid.

    :raises: ValidationError (400) for a non-uuid id from 2.53
    """
    if not microversion.at_least('2.53'):
        return False
    if not uuidutils.is_uuid_like(hypervisor_id):
        raise exception.ValidationError(
            attribute='hypervisor_id', reason='invalid uuid %s'
            % hypervisor_id[:64])
    return True


@bp.get('/<hypervisor_id>/uptime')
def uptime(hypervisor_id):
    """200 ``{"hypervisor": <summary> + "uptime"}``, ``uptime`` being the
    host's ``uptime`` line, asked of its compute service over RPC; 404 for
    unknown ids, 400 when that compute service is down, 501 when its
    driver cannot tell (404 from 2.88: the detail has ``uptime``)."""
    context = _authorized_context('uptime')
    hypervisor, line = host_api.hypervisor_uptime(
        context, hypervisor_id, openstack.compute_api(),
        by_uuid=_by_uuid(hypervisor_id))
    return {'hypervisor': views.with_uptime(hypervisor, line)}


@bp.get('/<hostname_pattern>/search')
def search(hostname_pattern):
    """200 ``{"hypervisors": [<summary>]}``; 404 when none matches."""
    context = _authorized_context('search')
    return {'hypervisors': [
        views.summary(h)
        for h in host_api.hypervisor_search(context, hostname_pattern)]}


@bp.get('/<hostname_pattern>/servers')
def servers(hostname_pattern):
    """200 ``{"hypervisors": [<summary> + "servers"]}``; 404 when none
    matches."""
    context = _authorized_context('servers')
    return {'hypervisors': [
        views.with_servers(h, found)
        for h, found in host_api.hypervisor_servers(context,
                                                    hostname_pattern)]}
