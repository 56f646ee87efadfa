"""Policies of the project networks proxy (compute API reference,
"Project Networks (os-tenant-networks) (DEPRECATED)"): readers of the
project list and show, members create and delete."""
from oslo_policy import policy

from nova_lite.policies import base

TENANT_NETWORKS = 'os_compute_api:os-tenant-networks:%s'


def _rule(action, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=TENANT_NETWORKS % action, check_str=check,
        description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _rule('list', base.PROJECT_READER_OR_ADMIN, 'List project networks',
          'GET', '/os-tenant-networks'),
    _rule('show', base.PROJECT_READER_OR_ADMIN, 'Show a project network',
          'GET', '/os-tenant-networks/{network_id}'),
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a project network', 'POST', '/os-tenant-networks'),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN,
          'Delete a project network', 'DELETE',
          '/os-tenant-networks/{network_id}'),
]


def list_rules():
    return rules
