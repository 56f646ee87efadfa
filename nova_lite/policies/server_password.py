"""Policies of a server's guest credentials: the server password API
(compute API reference, "Servers password (servers,
os-server-password)"; readers of a server's project show the password
its guest posted, members clear it), and the admin password and key pair
of a server's next boot (members; CloudStack's resetPasswordFor- and
resetSSHKeyForVirtualMachine)."""
from oslo_policy import policy

from nova_lite.policies import base

SERVER_PASSWORD = 'os_compute_api:os-server-password:%s'
#: Nova's rule of the changePassword action, here the new admin password
#: of a server's next boot.
ADMIN_PASSWORD = 'os_compute_api:os-admin-password'
#: The key pair of a stopped server's next boot (no Nova equivalent).
RESET_KEY = 'os_compute_api:servers:reset_key'

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
    policy.DocumentedRuleDefault(
        name=ADMIN_PASSWORD, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Set a new admin password for the next boot of a '
                    'stopped server (CloudStack '
                    'resetPasswordForVirtualMachine)',
        operations=[{'method': 'GET', 'path':
                     '/client/api?command=resetPasswordForVirtualMachine'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=RESET_KEY, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Give a stopped server another key pair for its next '
                    'boot (CloudStack resetSSHKeyForVirtualMachine)',
        operations=[{'method': 'GET', 'path':
                     '/client/api?command=resetSSHKeyForVirtualMachine'}],
        scope_types=['project']),
]


def list_rules():
    """The server password API rules."""
    return rules
