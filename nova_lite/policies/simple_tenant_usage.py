"""Policies of the usage reports API (compute API reference, "Usage
reports (os-simple-tenant-usage)"): every project's usage for
administrators, one project's usage for its readers and members (Nova's
defaults)."""
from oslo_policy import policy

from nova_lite.policies import base

SIMPLE_TENANT_USAGE = 'os_compute_api:os-simple-tenant-usage:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=SIMPLE_TENANT_USAGE % 'list', check_str=base.ADMIN,
        description='List the usage of every project',
        operations=[{'method': 'GET', 'path': '/os-simple-tenant-usage'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SIMPLE_TENANT_USAGE % 'show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show the usage of one project',
        operations=[{'method': 'GET',
                     'path': '/os-simple-tenant-usage/{tenant_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
