"""``/v2.1/servers``: create, list, show, rename and delete servers.

Request and response formats follow the compute API reference,
"Servers" (microversion 2.1, and the versions of
``nova_lite.api.versions_history`` naming ``servers``).  Bodies are
validated against ``nova_lite.api.schemas.servers`` before these
handlers run; the work is done by ``nova_lite.compute.api.API``.
"""
import copy
import ipaddress
import secrets

import flask
from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_utils import timeutils
from sqlalchemy import exc as sa_exc

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute import create_destination as destination
from nova_lite.api.openstack.compute import lifecycle_actions
from nova_lite.api.openstack.compute.views import servers as views
from nova_lite.api.schemas import servers as schema
from nova_lite.compute import block_device
from nova_lite.compute import host_api
from nova_lite.compute import server_groups as group_api
from nova_lite.compute import states
from nova_lite.compute import tags as tag_api
from nova_lite.compute import zone_pinning
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite.network import floating_ips as fip_api
from nova_lite.network import security_groups as sg_api
from nova_lite import policy
from nova_lite.policies import flavor_extras as flavor_extra_policies
from nova_lite.policies import servers as server_policies
from nova_lite.volume import server_volumes

LOG = logging.getLogger(__name__)
SERVERS = server_policies.SERVERS

bp = flask.Blueprint('servers', __name__, url_prefix='/v2.1/servers')


def network_labels(context, instances):
    """``{network id: label}`` of the networks of the instances' NICs
    for the views: loaded with the addresses (``network_label``), read
    for records without it."""
    labels, missing = {}, set()
    for fip in (f for inst in instances for f in inst.fixed_ips):
        label = getattr(fip, 'network_label', None)
        if label is None:
            missing.add(fip.network_id)
        else:
            labels[fip.network_id] = label
    if missing - set(labels):
        labels.update(network_api.labels(context, missing - set(labels)))
    return labels


def _detail_args(context, rows):
    """Keyword arguments of ``views.detail`` common to every server of a
    request (policy, config, base URL and, from microversion 2.16 for
    callers ``servers:show:host_status`` allows, the compute services of
    the servers' hosts looked up once)."""
    args = {'is_admin': policy.can(context,
                                   server_policies.EXTENDED_ATTRIBUTES),
            'host_zones': zone_pinning.host_zones(context, rows),
            'base': openstack.base_url()}
    if microversion.at_least('2.16') and policy.can(
            context, server_policies.HOST_STATUS):
        args['compute_services'] = host_api.compute_services_of(
            context.elevated(), {row.host for row in rows})
    if microversion.at_least('2.26'):
        args['tags'] = tag_api.of_instances(context,
                                            [row.uuid for row in rows])
    with_nics = [row.uuid for row in rows if row.fixed_ips]
    args['security_groups'] = sg_api.names_of_instances(context, with_nics)
    args['floating_ips'] = fip_api.floating_of_instances(context, with_nics)
    args['show_extra_specs'] = _show_extra_specs(context)
    args['volumes'] = server_volumes.volumes_attached(
        context, [row.uuid for row in rows])
    return args


def update_view_args(context, row):
    """Keyword arguments of ``views.show`` for the Update Server (and,
    before 2.75, Rebuild Server) body of ``row``: ``tags`` from 2.26, as
    Nova's server view shows them at every use."""
    args = {'is_admin': policy.can(context,
                                   server_policies.EXTENDED_ATTRIBUTES),
            'show_extra_specs': _show_extra_specs(context)}
    if microversion.at_least('2.26'):
        args['tags'] = tag_api.of_instances(context, [row.uuid])
    args['floating_ips'] = fip_api.floating_of_instances(
        context, [row.uuid] if row.fixed_ips else [])
    return args


def _show_extra_specs(context):
    """Whether the embedded flavor (2.47) shows ``extra_specs``: only to
    callers who may list a flavor's extra specs."""
    return microversion.at_least('2.47') and policy.can(
        context, flavor_extra_policies.EXTRA_SPECS % 'index')


# ------------------------------------------------------------------ create

def _last_segment(ref):
    """An id from an id or a URL of the resource (``.../flavors/1``)."""
    return str(ref).rstrip('/').rsplit('/', 1)[-1]


def _counts(server):
    """(min_count, max_count); max defaults to min.

    :raises: ValidationError (400) out of range or min > max
    """
    min_count = openstack.parse_int(server.get('min_count', 1), 'min_count',
                                    1, schema.MAX_COUNT)
    max_count = openstack.parse_int(server.get('max_count', min_count),
                                    'max_count', 1, schema.MAX_COUNT)
    if min_count > max_count:
        raise exception.ValidationError(
            attribute='min_count', reason='min_count (%d) must be <= '
            'max_count (%d)' % (min_count, max_count))
    return min_count, max_count




def _security_groups(server):
    """The group names (or ids) of a create body without repeats, None
    without any (the project's ``default`` group; compute API "Create
    Server")."""
    groups = server.get('security_groups')
    if not groups:
        return None
    return list(dict.fromkeys(group['name'] for group in groups))


def _access_ips(server):
    """``accessIPv4``/``accessIPv6`` of a create or update body as
    instance columns (only the keys given), in canonical text form
    (RFC 5952 for IPv6: ``0:0:0:0:0:babe:220.12.22.2`` is stored and shown
    as ``::babe:dc0c:1602``, as Nova does). The schema has already checked
    that each is an address of its version or empty."""
    names = {'accessIPv4': 'access_ip_v4', 'accessIPv6': 'access_ip_v6'}
    return {column: _canonical_ip(server[key])
            for key, column in names.items() if key in server}


def _canonical_ip(value):
    """``value`` as ipaddress writes it; None for an empty value."""
    return str(ipaddress.ip_address(value)) if value else None


def _create_kwargs(context, body):
    """Keyword arguments of ``API.create`` from a validated body."""
    server = body['server']
    min_count, max_count = _counts(server)
    image_ref, mappings = block_device.parse(server)
    network_request, requested_networks = network_api.resolve_requests(
        context, server.get('networks'), max_count)
    return {
        'name': server['name'], 'image_ref': image_ref,
        'block_device_mapping': mappings,
        'flavor_id': _last_segment(server['flavorRef']),
        'min_count': min_count, 'max_count': max_count,
        'metadata': server.get('metadata'),
        'availability_zone': server.get('availability_zone'),
        'user_data': server.get('user_data'),
        'key_name': server.get('key_name'),
        'access_ips': _access_ips(server),
        'description': server.get('description'),
        'config_drive': openstack.parse_bool(
            server.get('config_drive', False), 'config_drive'),
        'network_request': network_request,
        'requested_networks': requested_networks,
        'tags': server.get('tags'),
        'requested_host': server.get('host'),
        'requested_node': server.get('hypervisor_hostname'),
        'security_groups': _security_groups(server),
        'hostname': _requested_hostname(server, max_count),
        'scheduler_hints': (body.get('os:scheduler_hints')
                            or body.get('OS-SCH-HNT:scheduler_hints')),
    }


def _requested_hostname(server, max_count):
    """2.90's ``hostname`` (the schema admits it from 2.90), or None.

    :raises: ValidationError (400) with several servers (one hostname
        cannot name them all)
    """
    hostname = server.get('hostname')
    if hostname and max_count > 1:
        raise exception.ValidationError(
            attribute='hostname', reason='a hostname cannot be given to '
            'several servers (max_count %d)' % max_count)
    return hostname


@bp.post('')
def create():
    """202 ``{"server": {...}}`` with a Location header, or
    ``{"reservation_id": "r-..."}`` with ``return_reservation_id``."""
    context = openstack.context()
    policy.authorize(context, SERVERS % 'create')
    body = openstack.body()
    kwargs = _create_kwargs(context, body)
    if kwargs['block_device_mapping']:
        policy.authorize(context, server_policies.CREATE_ATTACH_VOLUME)
    destination.resolve(context, kwargs)
    # The password the guest gets at first boot (config drive or the
    # metadata service's first answer), shown once in the response.
    password = body['server'].get('adminPass') or secrets.token_urlsafe(9)
    rows, reservation_id = openstack.compute_api().create(
        context, admin_pass=password, **kwargs)
    if openstack.parse_bool(body['server'].get('return_reservation_id',
                                               False),
                            'return_reservation_id'):
        return {'reservation_id': reservation_id}, 202
    if not openstack.conf().api.enable_instance_password:
        password = None
    server = views.create_response(rows[0], password,
                                   kwargs['security_groups'])
    return {'server': server}, 202, {'Location': server['links'][0]['href']}


# -------------------------------------------------------------------- list

def _status_filters(context, statuses):
    """vm/task state filters of ``status`` values (compute API reference,
    "Server status"); None when no status is known (empty result before
    microversion 2.38).

    :raises: Forbidden (403) for DELETED unless allowed; ValidationError
        (400) from 2.38 when no status is known
    """
    known = [s.upper() for s in statuses
             if s.upper() in states.VM_STATES_BY_STATUS]
    if not known:
        if microversion.at_least('2.38'):
            raise exception.ValidationError(
                attribute='status', reason='invalid status value %r'
                % statuses[0][:64])
        return None
    if 'DELETED' in known:
        policy.authorize(context, SERVERS % 'allow_all_filters')
    filters = {'vm_state': sorted({vm for s in known for vm in
                                   states.VM_STATES_BY_STATUS[s]})}
    task_filters = {'REBOOT': (states.REBOOTING,),
                    'HARD_REBOOT': (states.REBOOTING_HARD,),
                    'REBUILD': states.REBUILD_TASKS,
                    'RESIZE': states.RESIZE_TASKS,
                    'REVERT_RESIZE': (states.RESIZE_REVERTING,)}
    if all(s in task_filters for s in known):
        filters['task_state'] = sorted({t for s in known
                                        for t in task_filters[s]})
    return filters


def _changes_since(value, attribute='changes-since'):
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    except ValueError:
        raise exception.ValidationError(
            attribute=attribute, reason='%r is not an ISO 8601 '
            'date and time' % value[:64]) from None


def _changes_filters(args):
    """``changes_since`` and, from microversion 2.66, ``changes_before``
    of the query.

    :raises: ValidationError (400) for a bad time, or changes-before
        earlier than changes-since
    """
    filters = {}
    if 'changes-since' in args:
        filters['changes_since'] = _changes_since(args['changes-since'])
    if microversion.at_least('2.66') and 'changes-before' in args:
        filters['changes_before'] = _changes_since(args['changes-before'],
                                                   'changes-before')
        if filters.get('changes_since', filters['changes_before']) > \
                filters['changes_before']:
            raise exception.ValidationError(
                attribute='changes-before', reason='changes-since must be '
                'less than or equal to changes-before')
    return filters


def _name_filter(value, attribute='name'):
    return openstack.regex_param(value, attribute)


#: List Servers query parameters of tags (microversion 2.26) → filter.
TAG_FILTERS = {'tags': 'tags', 'tags-any': 'tags_any',
               'not-tags': 'not_tags', 'not-tags-any': 'not_tags_any'}


def _tag_filters(args):
    """The tag filters of the query: each a comma-separated list of tags
    (``tags``: has all, ``tags-any``: one at least, ``not-tags``: lacks
    one at least, ``not-tags-any``: has none)."""
    filters = {}
    for param, key in TAG_FILTERS.items():
        tags = [tag for value in args.getlist(param)
                for tag in value.split(',') if tag]
        if tags:
            filters[key] = tags
    return filters


#: Filters only admins may use before microversion 2.83, everyone from
#: 2.83 (compute API reference, List Servers): query parameter → filter.
FILTERS_2_83 = ('availability_zone', 'config_drive', 'key_name',
                'created_at', 'launched_at', 'terminated_at', 'power_state',
                'task_state', 'vm_state', 'progress', 'user_id')


def _state_filters(args):
    """The filters of ``FILTERS_2_83`` in the query.  ``config_drive``
    matches servers built with (true) or without (false) a config drive;
    servers show ``progress`` 0 while building and 100 when active (the
    only values it matches).

    :raises: ValidationError (400) for malformed values
    """
    filters = {}
    for key in ('availability_zone', 'key_name', 'user_id'):
        if args.get(key):
            filters[key] = args[key]
    for key in ('vm_state', 'task_state'):
        if args.getlist(key):
            filters[key] = [None if v.lower() in ('none', 'null') else v
                            for v in args.getlist(key)]
    if args.getlist('power_state'):
        filters['power_state'] = [
            openstack.parse_int(v, 'power_state', 0, 9)
            for v in args.getlist('power_state')]
    for key in ('created_at', 'launched_at', 'terminated_at'):
        if args.get(key):
            filters[key] = _changes_since(args[key], key)
    if 'config_drive' in args:
        filters['config_drive'] = openstack.parse_bool(
            args['config_drive'] or 'false', 'config_drive')
    if args.get('progress'):
        progress = openstack.parse_int(args['progress'], 'progress', 0, 100)
        by_progress = {0: [states.BUILDING], 100: [states.ACTIVE]}
        filters['vm_state'] = [v for v in by_progress.get(progress, [])
                               if v in filters.get('vm_state', [v])]
    return filters


def _simple_filters(args, is_admin):
    """Filters of the query string; ``ip`` for everyone, ``ip6`` for
    admins and, from microversion 2.5, for everyone (regular
    expressions on fixed addresses)."""
    filters = {}
    if 'name' in args:
        filters['name'] = _name_filter(args['name'])
    ip_filters = ['ip']
    if is_admin or microversion.at_least('2.5'):
        ip_filters.append('ip6')
    for key in ip_filters:
        if args.get(key):
            filters[key] = _name_filter(args[key], key)
    if microversion.at_least('2.26'):
        filters.update(_tag_filters(args))
    for param, key in (('reservation_id', 'reservation_id'),
                       ('image', 'image_ref'), ('flavor', 'flavor_id')):
        if args.get(param):
            filters[key] = _last_segment(args[param])
    filters.update(_changes_filters(args))
    if microversion.at_least('2.73') and 'locked' in args:
        filters['locked'] = openstack.parse_bool(args['locked'], 'locked')
    if is_admin or microversion.at_least('2.83'):
        filters.update(_state_filters(args))
    if is_admin and args.get('host'):
        filters['host'] = args['host']
    return filters


def _list_scope(context, args, rule):
    """(all_tenants, context to list with) from ``all_tenants`` and
    ``deleted``; both need admin rights (403 otherwise)."""
    all_tenants = 'all_tenants' in args and (
        args['all_tenants'] == '' or
        openstack.parse_bool(args['all_tenants'], 'all_tenants'))
    if all_tenants:
        policy.authorize(context, SERVERS % (rule + ':get_all_tenants'))
    deleted = 'deleted' in args and openstack.parse_bool(args['deleted'],
                                                         'deleted')
    if deleted:
        policy.authorize(context, SERVERS % 'allow_all_filters')
        context = copy.copy(context)
        context.read_deleted = 'only'
    return all_tenants, context


def _list(rule, details=True):
    """Servers of the query (filters: compute API reference, "List
    Servers"); returns (rows, limit, list context) or None for an empty
    result known without asking the database.  Without ``details`` the
    rows have no metadata, addresses nor faults."""
    context = openstack.context()
    policy.authorize(context, SERVERS % rule)
    args = flask.request.args
    all_tenants, list_context = _list_scope(context, args, rule)
    filters = _simple_filters(args, context.is_admin)
    limit, marker = openstack.limit_and_marker()
    if 'status' in args:
        status_filters = _status_filters(context, args.getlist('status'))
        if status_filters is None:
            return [], limit, context
        if states.DELETED in status_filters['vm_state'] and \
                list_context.read_deleted == 'no':
            list_context = copy.copy(list_context)
            list_context.read_deleted = 'yes'
        filters.update(status_filters)
    list_context, filters = lifecycle_actions.list_scope(list_context,
                                                         filters)
    rows = _get_all(list_context, filters, marker, limit, all_tenants,
                    details)
    return rows, limit, context


def _get_all(context, filters, marker, limit, all_tenants, details):
    """``API.get_all``; a ``name`` regular expression valid in Python
    but refused by the database (PostgreSQL and MySQL dialects differ) is
    a 400, not a 500."""
    try:
        return openstack.compute_api().get_all(context, filters, marker,
                                               limit, all_tenants, details)
    except db_exc.DBConnectionError:
        raise
    except (db_exc.DBError, sa_exc.DBAPIError) as exc:
        if not {'name', 'ip', 'ip6'} & set(filters) or getattr(
                exc, 'connection_invalidated', False):
            raise
        LOG.info('Database refused name filter %r: %s', filters['name'],
                 exc)
        raise exception.ValidationError(
            attribute='name', reason='the database cannot evaluate this '
            'regular expression') from None


@bp.get('')
def index():
    """200 ``{"servers": [{"id", "name", "links"}], "servers_links"}``."""
    rows, limit, _context = _list('index', details=False)
    base = openstack.base_url()
    return _page([views.basic(row, base) for row in rows], limit)


@bp.get('/detail')
def detail():
    """200 ``{"servers": [<server detail>, ...], "servers_links"}``."""
    rows, limit, context = _list('detail')
    labels = network_labels(context, rows)
    kwargs = _detail_args(context, rows)
    return _page([views.detail(row, labels, **kwargs) for row in rows],
                 limit)


def _page(servers, limit):
    body = {'servers': servers}
    links = openstack.collection_links('servers', servers, limit)
    if links:
        body['servers_links'] = links
    return body


# ---------------------------------------------------- show, update, delete

@bp.get('/<server_id>')
def show(server_id):
    """200 ``{"server": <server detail>}``; 404 for unknown ids."""
    context = openstack.context()
    policy.authorize(context, SERVERS % 'show')
    row = openstack.compute_api().get(context, server_id)
    server = views.detail(row, network_labels(context, [row]),
                          **_detail_args(context, [row]))
    return {'server': _with_server_groups(context, server)}


def _with_server_groups(context, server):
    """``server`` with, from microversion 2.71, ``server_groups``: the
    uuids of the groups the server is in (Show Server and Update Server
    only, not the lists)."""
    if microversion.at_least('2.71'):
        server['server_groups'] = group_api.groups_of_instance(
            context, server['id'])
    return server


@bp.put('/<server_id>')
def update(server_id):
    """200 ``{"server": <server without extensions>}`` (Update Server);
    from 2.75 the whole server, as Show Server gives it."""
    context = openstack.context()
    policy.authorize(context, SERVERS % 'update')
    server = openstack.body()['server']
    # 2.19's description and 2.104's pinned zone: absent leaves them,
    # null clears them; 2.90's hostname.
    extra = {'hostname': server.get('hostname')}
    if 'description' in server:
        extra['description'] = server['description']
    if 'pinned_availability_zone' in server:
        extra['pinned_zone'] = server['pinned_availability_zone']
    row = openstack.compute_api().update(context, server_id,
                                         server.get('name'),
                                         _access_ips(server), **extra)
    if microversion.at_least('2.75'):
        # The same representation as Show Server (microversion 2.75).
        row = openstack.compute_api().get(context, server_id)
        server = views.detail(row, network_labels(context, [row]),
                              **_detail_args(context, [row]))
        return {'server': _with_server_groups(context, server)}
    server = views.show(row, network_labels(context, [row]),
                        **update_view_args(context, row))
    return {'server': _with_server_groups(context, server)}


@bp.delete('/<server_id>')
def delete(server_id):
    """204; the server is gone (404) once its compute has deleted it."""
    context = openstack.context()
    policy.authorize(context, SERVERS % 'delete')
    # Soft delete with [DEFAULT] reclaim_instance_interval (lifecycle.md)
    openstack.compute_api().delete_server(context, server_id)
    return '', 204
