"""``GET /v2.1/os-migrations``: the migrations of the cloud (compute API
reference, "Migrations (os-migrations)"; admins only by default, rule
``os_compute_api:os-migrations:index``).

Filters: ``host`` (source or destination compute), ``source_compute``,
``status`` (repeatable), ``instance_uuid``, ``hidden``;
``migration_type`` from 2.23; ``changes-since`` (2.59) and
``changes-before`` (2.66) bound ``updated_at``; ``user_id`` and
``project_id`` from 2.80.  From 2.59 the list is paged by ``limit`` and
``marker`` (a migration uuid; an unknown one is a 400) with
``migrations_links``, and an unknown query parameter is a 400 (before
2.59 unknown parameters are ignored, as Nova's additionalProperties
query schema does).  Newest first; hidden migrations are never shown.
Resizes, cold and live migrations and evacuations are listed
(doc/migrations-servers.md).
"""
import flask
from oslo_utils import timeutils

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import migrations as views
from nova_lite.compute import migrations as migration_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import migrations as migration_policies

bp = flask.Blueprint('migrations', __name__, url_prefix='/v2.1/os-migrations')

_BASE = ('hidden', 'host', 'instance_uuid', 'source_compute', 'status',
         'migration_type')
#: Query parameters by the version that added them (strict from 2.59).
_ADDED = (('2.59', ('limit', 'marker', 'changes-since')),
          ('2.66', ('changes-before',)),
          ('2.80', ('user_id', 'project_id')))
#: Parameters that take one value (the others may repeat, e.g. status).
_SINGLE = frozenset({'limit', 'marker', 'changes-since', 'changes-before',
                     'user_id', 'project_id'})


def query_parameters(version=None):
    """The query parameters os-migrations reads at ``version``."""
    names = list(_BASE)
    for first, added in _ADDED:
        if microversion.at_least(first, version):
            names.extend(added)
    return tuple(names)


def _check_strict(args):
    """From 2.59, unknown or repeated single parameters are a 400."""
    known = set(query_parameters())
    for key in args:
        if key not in known:
            raise exception.ValidationError(
                attribute=key[:64], reason='unknown query parameter')
        if key in _SINGLE and len(args.getlist(key)) > 1:
            raise exception.ValidationError(
                attribute=key, reason='only one value is allowed')


def _time(args, name):
    if name not in args:
        return None
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(args[name]))
    except ValueError:
        raise exception.ValidationError(
            attribute=name, reason='%r is not an ISO 8601 date-time'
            % args[name][:64]) from None


def _filters(args):
    """The db filters of the request's query parameters."""
    filters = {}
    for key in ('host', 'source_compute', 'instance_uuid'):
        if args.get(key):
            filters[key] = args[key]
    if args.getlist('status'):
        filters['status'] = args.getlist('status')
    if 'hidden' in args:
        filters['hidden'] = openstack.parse_bool(args['hidden'], 'hidden')
    if microversion.at_least('2.23') and args.get('migration_type'):
        filters['migration_type'] = args['migration_type']
    if microversion.at_least('2.59'):
        filters['changes_since'] = _time(args, 'changes-since')
    if microversion.at_least('2.66'):
        filters['changes_before'] = _time(args, 'changes-before')
        if filters['changes_since'] and filters['changes_before'] and \
                filters['changes_before'] < filters['changes_since']:
            raise exception.ValidationError(
                attribute='changes-before', reason='The value of '
                'changes-since must be less than or equal to '
                'changes-before.')
    if microversion.at_least('2.80'):
        for key in ('user_id', 'project_id'):
            if args.get(key):
                filters[key] = args[key]
    return filters


@bp.get('')
def index():
    """200 ``{"migrations": [...]}`` (``migrations_links`` from 2.59 when
    a page is full)."""
    context = openstack.context()
    policy.authorize(context, migration_policies.MIGRATIONS % 'index')
    args = flask.request.args
    if not microversion.at_least('2.59'):
        rows = migration_api.get_all(context, _filters(args))
        return {'migrations': [views.migration(r) for r in rows]}
    _check_strict(args)
    limit, marker = openstack.limit_and_marker()
    rows = migration_api.get_all(context, _filters(args), limit=limit,
                                 marker=marker)
    body = {'migrations': [views.migration(r) for r in rows]}
    links = openstack.collection_links('os-migrations', body['migrations'],
                                       limit, id_key='uuid')
    if links:
        body['migrations_links'] = links
    return body
