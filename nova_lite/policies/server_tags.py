"""Policies of the server tags API (compute API reference, "Server tags
(servers, tags)", microversion 2.26): readers of a server's project list
and check its tags, members change them."""
from oslo_policy import policy

from nova_lite.policies import base

SERVER_TAGS = 'os_compute_api:os-server-tags:%s'

_T = '/servers/{server_id}/tags'


def _op(action, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=SERVER_TAGS % action, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op('index', base.PROJECT_READER_OR_ADMIN, 'List the tags of a server',
        'GET', _T),
    _op('show', base.PROJECT_READER_OR_ADMIN,
        'Check whether a server has a tag', 'GET', _T + '/{tag}'),
    _op('update_all', base.PROJECT_MEMBER_OR_ADMIN,
        'Replace the tags of a server', 'PUT', _T),
    _op('update', base.PROJECT_MEMBER_OR_ADMIN, 'Add a tag to a server',
        'PUT', _T + '/{tag}'),
    _op('delete_all', base.PROJECT_MEMBER_OR_ADMIN,
        'Remove every tag of a server', 'DELETE', _T),
    _op('delete', base.PROJECT_MEMBER_OR_ADMIN, 'Remove a tag of a server',
        'DELETE', _T + '/{tag}'),
]


def list_rules():
    """The server tags API rules."""
    return rules
