"""Policies of the server password API (compute API reference, "Servers
password (servers, os-server-password)"): readers of a server's project
show the password its guest posted, members clear it."""
from oslo_policy import policy

from nova_lite.policies import base

SERVER_PASSWORD = 'os_compute_api:os-server-password:%s'

_P = '/servers/{server_id}/os-server-password'

rules = [
    policy.DocumentedRuleDefault(
        name=SERVER_PASSWORD % 'show', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show the encrypted admin password a server\'s guest '
                    'posted to the metadata service',
        operations=[{'method': 'GET', 'path': _P}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SERVER_PASSWORD % 'clear',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Clear the encrypted admin password of a server',
        operations=[{'method': 'DELETE', 'path': _P}],
        scope_types=['project']),
]


def list_rules():
    """The server password API rules."""
    return rules
