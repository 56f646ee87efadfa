"""Policies of the networks API (compute API reference, "Networks
(os-networks) (DEPRECATED)")."""
from oslo_policy import policy

from nova_lite.policies import base

NETWORKS = 'os_compute_api:os-networks:%s'
#: Who sees every field of a network (others see a subset).
NETWORKS_ALL_FIELDS = 'os_compute_api:os-networks:all_fields'

rules = [
    policy.DocumentedRuleDefault(
        name=NETWORKS % 'list', check_str=base.PROJECT_READER_OR_ADMIN,
        description='List networks',
        operations=[{'method': 'GET', 'path': '/os-networks'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=NETWORKS % 'view', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show a network',
        operations=[{'method': 'GET', 'path': '/os-networks/{network_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=NETWORKS_ALL_FIELDS, check_str=base.ADMIN,
        description='Show the bridge, VLAN, DHCP and host fields of '
                    'networks',
        operations=[{'method': 'GET', 'path': '/os-networks'},
                    {'method': 'GET', 'path': '/os-networks/{network_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
