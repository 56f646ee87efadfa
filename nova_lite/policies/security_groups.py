"""Policies of the compute API's security group proxies (compute API
reference, "Security groups (os-security-groups) (DEPRECATED)",
"Rules for default security group"... up to microversion 2.35) and of
the ``addSecurityGroup``/``removeSecurityGroup`` server actions: readers
of the project (or admins) read, members (or admins) change. The
Networking API's own rules (``network_api``) still apply to the groups
behind them."""
from oslo_policy import policy

from nova_lite.policies import base

SECURITY_GROUPS = 'os_compute_api:os-security-groups:%s'
_G = '/os-security-groups'
_R = '/os-security-group-rules'
_S = '/servers/{server_id}'


def _op(action, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=SECURITY_GROUPS % action, check_str=check,
        description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op('get', base.PROJECT_READER_OR_ADMIN, 'List security groups',
        'GET', _G),
    _op('show', base.PROJECT_READER_OR_ADMIN, 'Show a security group',
        'GET', _G + '/{security_group_id}'),
    _op('create', base.PROJECT_MEMBER_OR_ADMIN, 'Create a security group',
        'POST', _G),
    _op('update', base.PROJECT_MEMBER_OR_ADMIN, 'Update a security group',
        'PUT', _G + '/{security_group_id}'),
    _op('delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a security group',
        'DELETE', _G + '/{security_group_id}'),
    _op('rule:create', base.PROJECT_MEMBER_OR_ADMIN,
        'Create a security group rule', 'POST', _R),
    _op('rule:delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete a security group rule', 'DELETE',
        _R + '/{security_group_rule_id}'),
    _op('list', base.PROJECT_READER_OR_ADMIN,
        'List the security groups of a server', 'GET',
        _S + '/os-security-groups'),
    _op('add', base.PROJECT_MEMBER_OR_ADMIN,
        'Add a security group to a server (addSecurityGroup)', 'POST',
        _S + '/action'),
    _op('remove', base.PROJECT_MEMBER_OR_ADMIN,
        'Remove a security group from a server (removeSecurityGroup)',
        'POST', _S + '/action'),
]


def list_rules():
    return rules
