"""Policy of the server diagnostics API (compute API reference, "Servers
diagnostics (servers, diagnostics)"): administrators only by default."""
from oslo_policy import policy

from nova_lite.policies import base

SERVER_DIAGNOSTICS = 'os_compute_api:os-server-diagnostics'

rules = [
    policy.DocumentedRuleDefault(
        name=SERVER_DIAGNOSTICS, check_str=base.ADMIN,
        description='Show the usage data of a server (its hypervisor '
                    'counters)',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/diagnostics'}],
        scope_types=['project']),
]


def list_rules():
    return rules
