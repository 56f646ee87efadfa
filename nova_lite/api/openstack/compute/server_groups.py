"""``/v2.1/os-server-groups``: server groups of a project (compute API
reference, "Server groups (os-server-groups)", microversion 2.1).

A server joins a group with the ``group`` scheduler hint on create; the
group's policy (affinity, anti-affinity, and from microversion 2.15
soft-affinity, soft-anti-affinity) then constrains where the scheduler
puts it; from microversion 2.64 a group has one ``policy`` and
``rules`` (``max_server_per_host`` of anti-affinity: how many members
one host may run). Groups
of other projects are 404 (admins see all); ``all_projects`` lists every
project's groups and needs the admin policy.
"""
import flask

from nova_lite.api import microversion
from nova_lite.api import openstack
from nova_lite.api.openstack.compute.views import server_groups as views
from nova_lite.compute import server_groups as group_api
from nova_lite import exception
from nova_lite import policy
from nova_lite.policies import server_groups as group_policies

bp = flask.Blueprint('server_groups', __name__,
                     url_prefix='/v2.1/os-server-groups')
SERVER_GROUPS = group_policies.SERVER_GROUPS
_INT_MAX = 2 ** 31 - 1


def _all_projects(context, args):
    if 'all_projects' not in args:
        return False
    value = args['all_projects']
    wanted = value == '' or openstack.parse_bool(value, 'all_projects')
    if wanted:
        policy.authorize(context, SERVER_GROUPS % 'index:all_projects')
    return wanted


@bp.get('')
def index():
    """200 ``{"server_groups": [<group>, ...]}``; ``limit`` and
    ``offset`` page the list."""
    context = openstack.context()
    policy.authorize(context, SERVER_GROUPS % 'index')
    args = flask.request.args
    all_projects = _all_projects(context, args)
    limit = openstack.conf().api.max_limit
    if 'limit' in args:
        limit = min(openstack.parse_int(args['limit'], 'limit', 0), limit)
    offset = openstack.parse_int(args.get('offset', 0), 'offset', 0,
                                 _INT_MAX)
    groups = group_api.get_all(context, all_projects=all_projects,
                               limit=limit, offset=offset)
    return {'server_groups': [views.detail(g) for g in groups]}


@bp.post('')
def create():
    """200 ``{"server_group": <group>}`` with no members."""
    context = openstack.context()
    policy.authorize(context, SERVER_GROUPS % 'create')
    body = openstack.body()['server_group']
    if not microversion.at_least('2.64'):
        return {'server_group': views.detail(group_api.create(
            context, body['name'], body['policies'][0]))}
    rules = body.get('rules') or {}
    if rules and body['policy'] != 'anti-affinity':
        raise exception.ValidationError(
            attribute='rules', reason='only the anti-affinity policy takes '
            'rules (max_server_per_host)')
    if 'max_server_per_host' in rules:
        rules = {'max_server_per_host': openstack.parse_int(
            rules['max_server_per_host'], 'max_server_per_host', 1,
            _INT_MAX)}
    return {'server_group': views.detail(group_api.create(
        context, body['name'], body['policy'], rules))}


def _group(context, rule, group_id):
    """The group, checked against ``rule`` on its project; 404 when it is
    not the caller's (admins: any)."""
    group = group_api.get(context, group_id)
    policy.authorize(context, SERVER_GROUPS % rule,
                     {'project_id': group['project_id'],
                      'user_id': group['user_id']})
    return group


@bp.get('/<group_id>')
def show(group_id):
    """200 ``{"server_group": <group>}``; 404 for unknown ids."""
    context = openstack.context()
    return {'server_group': views.detail(_group(context, 'show', group_id))}


@bp.delete('/<group_id>')
def delete(group_id):
    """204; the group's servers keep running."""
    context = openstack.context()
    _group(context, 'delete', group_id)
    group_api.delete(context, group_id)
    return '', 204
