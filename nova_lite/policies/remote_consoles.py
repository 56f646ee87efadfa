"""Policies of the remote consoles (compute API reference, "Server
Remote Consoles" and "Server Consoles"): the server's project creates
consoles; only administrators read what a token connects to."""
from oslo_policy import policy

from nova_lite.policies import base

REMOTE_CONSOLES = 'os_compute_api:os-remote-consoles'
CONSOLE_AUTH_TOKENS = 'os_compute_api:os-console-auth-tokens'

rules = [
    policy.DocumentedRuleDefault(
        name=REMOTE_CONSOLES, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Create a remote console of a server (noVNC or '
                    'serial): a URL with a token',
        operations=[
            {'method': 'POST', 'path': '/servers/{server_id}/remote-consoles'},
            {'method': 'POST',
             'path': '/servers/{server_id}/action (os-getVNCConsole)'},
            {'method': 'POST',
             'path': '/servers/{server_id}/action (os-getSerialConsole)'},
        ],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=CONSOLE_AUTH_TOKENS, check_str=base.ADMIN,
        description='Show what a console token connects to',
        operations=[{'method': 'GET',
                     'path': '/os-console-auth-tokens/{console_token}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
