"""Policies of a server's addresses (compute API reference, "Servers IPs
(servers, ips)"): readers of the server's project, and admins."""
from oslo_policy import policy

from nova_lite.policies import base

IPS = 'os_compute_api:ips:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=IPS % 'index', check_str=base.PROJECT_READER_OR_ADMIN,
        description="List a server's addresses",
        operations=[{'method': 'GET', 'path': '/servers/{server_id}/ips'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=IPS % 'show', check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show a server's addresses on one network",
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/ips/{network_label}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
