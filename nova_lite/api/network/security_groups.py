"""``/network/v2.0/security-groups`` and ``/security-group-rules``
(Networking API reference, "Security groups", "Security group rules"),
with the semantics of ``nova_lite.network.security_groups`` (default
group per project, validation, 409s).

- groups: list (filters, ``fields``...), show, create (201), update
  ``name``/``description`` (200), delete (204); a group shows its rules
  in ``security_group_rules``;
- rules: list, show, create (201), delete (204); no update (405, as
  Neutron's rules have no writable attribute).

Someone else's group or rule is a 404; a reader's change a 403
``PolicyNotAuthorized``.
"""
import flask

from nova_lite.api.network import common
from nova_lite.network import errors
from nova_lite.network import security_groups as sg_api

bp = flask.Blueprint('network_security_groups', __name__,
                     url_prefix='/network/v2.0')
GROUP_CREATE = ('name', 'description', 'project_id', 'tenant_id')
GROUP_UPDATE = ('name', 'description')
RULE_CREATE = ('security_group_id', 'direction', 'ethertype', 'protocol',
               'port_range_min', 'port_range_max', 'remote_ip_prefix',
               'remote_group_id', 'description', 'project_id', 'tenant_id')


def rule_view(rule):
    """A rule as Show security group rule answers it."""
    return {
        'id': rule['uuid'], 'security_group_id': rule['security_group_uuid'],
        'direction': rule['direction'], 'ethertype': rule['ethertype'],
        'protocol': rule['protocol'],
        'port_range_min': rule['port_range_min'],
        'port_range_max': rule['port_range_max'],
        'remote_ip_prefix': rule['remote_ip_prefix'],
        'remote_group_id': rule['remote_group_uuid'],
        'description': rule['description'] or '',
        'tenant_id': rule['project_id'], 'project_id': rule['project_id'],
        'created_at': common.isotime(rule['created_at']),
        'updated_at': common.isotime(rule['updated_at']
                                     or rule['created_at']),
        'revision_number': 0,
    }


def group_view(group):
    """A group (with ``rules``) as Show security group answers it."""
    return {
        'id': group['uuid'], 'name': group['name'],
        'description': group['description'] or '',
        'tenant_id': group['project_id'], 'project_id': group['project_id'],
        'security_group_rules': [rule_view(r) for r in group['rules']],
        'created_at': common.isotime(group['created_at']),
        'updated_at': common.isotime(group['updated_at']
                                     or group['created_at']),
        'revision_number': group['revision_number'],
    }


# ------------------------------------------------------------------ groups

@bp.get('/security-groups')
def list_groups():
    """200 ``{"security_groups": [...]}``."""
    ctx = common.context()
    common.authorize(ctx, 'get_security_group', ctx.project_id)
    return common.listing('security_groups', [
        group_view(g) for g in sg_api.list_groups(ctx)])


def _group(ctx, group_id):
    sg_api.ensure_default(ctx, ctx.project_id)
    group = sg_api.get_group(ctx, group_id)
    return group


@bp.get('/security-groups/<group_id>')
def show_group(group_id):
    """200 ``{"security_group": {...}}``; 404 ``SecurityGroupNotFound``."""
    ctx = common.context()
    group = _group(ctx, group_id)
    common.authorize(ctx, 'get_security_group', group['project_id'])
    view = group_view(sg_api.with_rules(ctx, [group])[0])
    return {'security_group': common.select(view)}


@bp.post('/security-groups')
def create_group():
    """201 ``{"security_group": {...}}`` with its egress rules."""
    ctx = common.context()
    body = common.resource_body('security_group', GROUP_CREATE)
    project = common.owner(ctx, body)
    common.authorize(ctx, 'create_security_group', project)
    group = sg_api.create_group(ctx, project, body.get('name', ''),
                                body.get('description'))
    return {'security_group': group_view(group)}, 201


@bp.put('/security-groups/<group_id>')
def update_group(group_id):
    """200 ``{"security_group": {...}}``."""
    ctx = common.context()
    body = common.resource_body('security_group', GROUP_UPDATE)
    group = _group(ctx, group_id)
    common.authorize(ctx, 'update_security_group', group['project_id'])
    return {'security_group': group_view(
        sg_api.update_group(ctx, group, body))}


@bp.delete('/security-groups/<group_id>')
def delete_group(group_id):
    """204; 409 ``SecurityGroupInUse`` while servers are in it."""
    ctx = common.context()
    group = sg_api.get_group(ctx, group_id)
    common.authorize(ctx, 'delete_security_group', group['project_id'])
    sg_api.delete_group(ctx, group)
    return '', 204


# ------------------------------------------------------------------- rules

@bp.get('/security-group-rules')
def list_rules():
    """200 ``{"security_group_rules": [...]}``."""
    ctx = common.context()
    common.authorize(ctx, 'get_security_group_rule', ctx.project_id)
    return common.listing('security_group_rules', [
        rule_view(r) for r in sg_api.list_rules(ctx)])


@bp.get('/security-group-rules/<rule_id>')
def show_rule(rule_id):
    """200 ``{"security_group_rule": {...}}``; 404
    ``SecurityGroupRuleNotFound``."""
    ctx = common.context()
    rule = sg_api.get_rule(ctx, rule_id)
    common.authorize(ctx, 'get_security_group_rule', rule['project_id'])
    return {'security_group_rule': common.select(rule_view(rule))}


@bp.post('/security-group-rules')
def create_rule():
    """201 ``{"security_group_rule": {...}}``."""
    ctx = common.context()
    body = common.resource_body('security_group_rule', RULE_CREATE)
    group_id = body.get('security_group_id')
    project = ctx.project_id
    if isinstance(group_id, str):
        try:
            project = sg_api.get_group(ctx, group_id)['project_id']
        except errors.SecurityGroupNotFound:
            pass  # create_rule answers the 404
    common.authorize(ctx, 'create_security_group_rule', project)
    return {'security_group_rule': rule_view(
        sg_api.create_rule(ctx, body))}, 201


@bp.delete('/security-group-rules/<rule_id>')
def delete_rule(rule_id):
    """204."""
    ctx = common.context()
    rule = sg_api.get_rule(ctx, rule_id)
    common.authorize(ctx, 'delete_security_group_rule', rule['project_id'])
    sg_api.delete_rule(ctx, rule)
    return '', 204
