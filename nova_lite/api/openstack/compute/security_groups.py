"""The compute API's security group proxies over the Networking API's
groups (compute API reference, "Security groups (os-security-groups)
(DEPRECATED)", "Rules for security group (os-security-group-rules)
(DEPRECATED)"; microversions 2.1-2.35, 404 from 2.36), and the
``addSecurityGroup``/``removeSecurityGroup`` server actions (every
microversion). Same data and rules as ``nova_lite.network
.security_groups``, in Nova's shapes and codes:

- ``GET/POST /os-security-groups``, ``GET/PUT/DELETE
  /os-security-groups/{id}``: ``{"security_group": {"id", "name",
  "description", "tenant_id", "rules"}}`` with the ingress rules only
  (create and update 200, delete 202); ``name`` and ``description``
  must not be blank (400); a Networking API conflict (in use, the
  reserved ``default`` name) is a 400 here, as Nova answers it;
- ``POST /os-security-group-rules`` (200), ``DELETE .../{id}`` (202):
  an ingress rule ``{"id", "parent_group_id", "ip_protocol",
  "from_port", "to_port", "ip_range": {"cidr"} | {}, "group": {"name",
  "tenant_id"} | {}}``; ICMP's -1 means any type/code; a rule that
  exists already is a 400;
- ``GET /servers/{id}/os-security-groups``: the server's groups.
"""
import ipaddress

import flask
from oslo_utils import uuidutils

from nova_lite.api import openstack
from nova_lite import exception
from nova_lite.network import errors
from nova_lite.network import security_groups as sg_api
from nova_lite import policy
from nova_lite.policies import security_groups as sg_policies

bp = flask.Blueprint('os_security_groups', __name__, url_prefix='/v2.1')
SECURITY_GROUPS = sg_policies.SECURITY_GROUPS
_FULL_RANGE = {'tcp': (1, 65535), 'udp': (1, 65535), 'icmp': (-1, -1)}


def _rule_view(rule, groups_by_id):
    protocol = rule['protocol']
    low, high = rule['port_range_min'], rule['port_range_max']
    if protocol in _FULL_RANGE:
        full = _FULL_RANGE[protocol]
        low = full[0] if low is None else low
        high = (full[1] if protocol != 'icmp' else -1) if high is None \
            else high
    view = {'id': rule['uuid'], 'parent_group_id':
            rule['security_group_uuid'], 'ip_protocol': protocol,
            'from_port': low, 'to_port': high, 'ip_range': {}, 'group': {}}
    remote = groups_by_id.get(rule['remote_group_id'])
    if rule['remote_group_id'] is not None and remote is not None:
        view['group'] = {'name': remote['name'],
                         'tenant_id': remote['project_id']}
    else:
        view['ip_range'] = {'cidr': rule['remote_ip_prefix'] or (
            '0.0.0.0/0' if rule['ethertype'] == 'IPv4' else '::/0')}
    return view


def _group_view(group, groups_by_id):
    return {'id': group['uuid'], 'name': group['name'],
            'description': group['description'],
            'tenant_id': group['project_id'],
            'rules': [_rule_view(r, groups_by_id) for r in group['rules']
                      if r['direction'] == 'ingress']}


def _views(context, groups):
    remotes = {r['remote_group_id'] for g in groups for r in g['rules']
               if r['remote_group_id'] is not None}
    by_id = {g['id']: g for g in groups}
    if remotes - set(by_id):
        by_id.update({g['id']: g for g in sg_api.list_groups(context)})
    return [_group_view(g, by_id) for g in groups]


def _nova_errors(call, *args):
    """Run ``call``; Networking API conflicts become 400s (Nova's
    ``Invalid``), its 404s the compute API's."""
    try:
        return call(*args)
    except errors.NetworkError as exc:
        if exc.code == 404:
            raise exception.NotFound(exc.format_message()) from None
        if exc.code in (400, 409):
            raise exception.Invalid(reason=exc.format_message()) from None
        raise


def _context(action):
    context = openstack.context()
    policy.authorize(context, SECURITY_GROUPS % action)
    return context


def _blank_check(body):
    for key in ('name', 'description'):
        if not body[key].strip():
            raise exception.ValidationError(
                attribute=key, reason='security group %s cannot be empty'
                % key)


# ------------------------------------------------------------------ groups

@bp.get('/os-security-groups')
def index():
    """200 ``{"security_groups": [...]}`` (an admin's ``all_tenants``
    lists every project's)."""
    context = _context('get')
    groups = sg_api.list_groups(context)
    all_tenants = openstack.parse_bool(
        flask.request.args.get('all_tenants', 'false'), 'all_tenants')
    if not (all_tenants and sg_api.is_admin(context)):
        groups = [g for g in groups if g['project_id'] == context.project_id]
    return {'security_groups': _views(context, groups)}


def _get(context, group_id):
    sg_api.ensure_default(context, context.project_id)
    group = _nova_errors(sg_api.get_group, context, group_id)
    return sg_api.with_rules(context, [group])[0]


@bp.get('/os-security-groups/<group_id>')
def show(group_id):
    """200 ``{"security_group": {...}}``; 404 for unknown ids."""
    context = _context('show')
    return {'security_group': _views(context, [_get(context,
                                                    group_id)])[0]}


@bp.post('/os-security-groups')
def create():
    """200 ``{"security_group": {...}}``."""
    context = _context('create')
    body = openstack.body()['security_group']
    _blank_check(body)
    group = _nova_errors(sg_api.create_group, context, context.project_id,
                         body['name'], body['description'])
    return {'security_group': _views(context, [group])[0]}


@bp.put('/os-security-groups/<group_id>')
def update(group_id):
    """200 ``{"security_group": {...}}``."""
    context = _context('update')
    body = openstack.body()['security_group']
    _blank_check(body)
    group = _nova_errors(sg_api.update_group, context,
                         _get(context, group_id), dict(body))
    return {'security_group': _views(context, [group])[0]}


@bp.delete('/os-security-groups/<group_id>')
def delete(group_id):
    """202; 400 while servers are in the group."""
    context = _context('delete')
    _nova_errors(sg_api.delete_group, context, _get(context, group_id))
    return '', 202


# ------------------------------------------------------------------- rules

def _ports(protocol, body):
    low, high = body.get('from_port'), body.get('to_port')
    low = None if low is None else int(low)
    high = None if high is None else int(high)
    if protocol == 'icmp':
        return (None if low == -1 else low), (None if high == -1 else high)
    if protocol is None and (low, high) in ((-1, -1), (None, None)):
        return None, None
    return low, high


def _ethertype(cidr):
    try:
        return 'IPv%d' % ipaddress.ip_network(cidr, strict=False).version
    except ValueError:
        raise exception.ValidationError(
            attribute='cidr', reason='%s is not a CIDR' % cidr[:64]) from None


def _check_uuid(body, key):
    value = body.get(key)
    if value is not None and not uuidutils.is_uuid_like(value):
        raise exception.ValidationError(
            attribute=key, reason='security group id should be a uuid')


@bp.post('/os-security-group-rules')
def create_rule():
    """200 ``{"security_group_rule": {...}}`` (an ingress rule); a
    ``parent_group_id`` or ``group_id`` that is not a uuid is a 400."""
    context = _context('rule:create')
    body = openstack.body()['security_group_rule']
    _check_uuid(body, 'parent_group_id')
    _check_uuid(body, 'group_id')
    protocol = (body.get('ip_protocol') or '').lower() or None
    low, high = _ports(protocol, body)
    cidr, group_id = body.get('cidr'), body.get('group_id')
    if cidr and group_id:
        raise exception.ValidationError(
            attribute='cidr', reason='give cidr or group_id, not both')
    rule = {'security_group_id': body['parent_group_id'],
            'direction': 'ingress', 'protocol': protocol,
            'port_range_min': low, 'port_range_max': high,
            'ethertype': _ethertype(cidr) if cidr else 'IPv4',
            'remote_ip_prefix': None if group_id else (cidr or '0.0.0.0/0'),
            'remote_group_id': group_id or None}
    created = _nova_errors(sg_api.create_rule, context, rule)
    groups = sg_api.list_groups(context)
    return {'security_group_rule': _rule_view(created, {
        g['id']: g for g in groups})}


@bp.delete('/os-security-group-rules/<rule_id>')
def delete_rule(rule_id):
    """202; 404 for unknown ids."""
    context = _context('rule:delete')
    rule = _nova_errors(sg_api.get_rule, context, rule_id)
    sg_api.delete_rule(context, rule)
    return '', 202


# ----------------------------------------------------------------- servers

@bp.get('/servers/<server_id>/os-security-groups')
def server_groups(server_id):
    """200 ``{"security_groups": [...]}``: the server's groups."""
    context = _context('list')
    openstack.compute_api().get(context, server_id)
    return {'security_groups': _views(
        context, sg_api.groups_of_instance(context, server_id))}


def add_security_group(context, server_id, args):
    """``addSecurityGroup``: 202; 404 unknown group, 400 already in."""
    openstack.compute_api().get(context, server_id)
    _nova_errors(sg_api.add_to_instance, context, server_id, args['name'])
    return '', 202


def remove_security_group(context, server_id, args):
    """``removeSecurityGroup``: 202; 404 unknown group, 400 not in."""
    openstack.compute_api().get(context, server_id)
    _nova_errors(sg_api.remove_from_instance, context, server_id,
                 args['name'])
    return '', 202


ACTIONS = {
    'addSecurityGroup': (SECURITY_GROUPS % 'add', add_security_group),
    'removeSecurityGroup': (SECURITY_GROUPS % 'remove',
                            remove_security_group),
}
