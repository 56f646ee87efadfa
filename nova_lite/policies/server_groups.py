"""Policies of the server groups API (compute API reference, "Server
groups (os-server-groups)"): groups belong to a project; administrators
may list every project's."""
from oslo_policy import policy

from nova_lite.policies import base

SERVER_GROUPS = 'os_compute_api:os-server-groups:%s'

_G = '/os-server-groups/{server_group_id}'


def _op(action, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=SERVER_GROUPS % action, check_str=check,
        description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op('index', base.PROJECT_READER_OR_ADMIN, 'List server groups', 'GET',
        '/os-server-groups'),
    _op('index:all_projects', base.ADMIN,
        'List the server groups of every project', 'GET',
        '/os-server-groups?all_projects=True'),
    _op('create', base.PROJECT_MEMBER_OR_ADMIN, 'Create a server group',
        'POST', '/os-server-groups'),
    _op('show', base.PROJECT_READER_OR_ADMIN, 'Show a server group', 'GET',
        _G),
    _op('delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server group',
        'DELETE', _G),
]


def list_rules():
    return rules
