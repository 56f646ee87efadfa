"""Policies of the server usage audit log API (compute API reference,
"Server usage audit log (os-instance-usage-audit-log)"):
administrators only."""
from oslo_policy import policy

from nova_lite.policies import base

INSTANCE_USAGE_AUDIT_LOG = 'os_compute_api:os-instance-usage-audit-log:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=INSTANCE_USAGE_AUDIT_LOG % 'list', check_str=base.ADMIN,
        description='List the usage audits of the last completed period',
        operations=[{'method': 'GET',
                     'path': '/os-instance_usage_audit_log'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=INSTANCE_USAGE_AUDIT_LOG % 'show', check_str=base.ADMIN,
        description='List the usage audits of the last period completed '
                    'before a time',
        operations=[{'method': 'GET',
                     'path': '/os-instance_usage_audit_log/'
                             '{before_timestamp}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
