"""Policies of the administrative server actions (compute API reference,
"Servers - run an administrative action")."""
from oslo_policy import policy

from nova_lite.policies import base

RESET_STATE = 'os_compute_api:os-admin-actions:reset_state'

rules = [
    policy.DocumentedRuleDefault(
        name=RESET_STATE, check_str=base.ADMIN,
        description='Reset the state of a server (active or error) and '
                    'clear its task',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (os-resetState)'}],
        scope_types=['project']),
]


def list_rules():
    return rules
