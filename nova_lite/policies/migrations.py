"""Policies of the migrations APIs (compute API reference, "Migrations
(os-migrations)" and "Server migrations (servers, migrations)"):
administrators only by default."""
from oslo_policy import policy

from nova_lite.policies import base

MIGRATIONS = 'os_compute_api:os-migrations:%s'
SERVER_MIGRATIONS = 'os_compute_api:servers:migrations:%s'
_S = '/servers/{server_id}/migrations'

rules = [
    policy.DocumentedRuleDefault(
        name=MIGRATIONS % 'index', check_str=base.ADMIN,
        description='List migrations',
        operations=[{'method': 'GET', 'path': '/os-migrations'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SERVER_MIGRATIONS % 'index', check_str=base.ADMIN,
        description='List the in-progress live migrations of a server',
        operations=[{'method': 'GET', 'path': _S}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SERVER_MIGRATIONS % 'show', check_str=base.ADMIN,
        description='Show an in-progress live migration of a server',
        operations=[{'method': 'GET', 'path': _S + '/{migration_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SERVER_MIGRATIONS % 'force_complete', check_str=base.ADMIN,
        description='Force an in-progress live migration of a server to '
                    'complete (microversion 2.22)',
        operations=[{'method': 'POST',
                     'path': _S + '/{migration_id}/action '
                             '(force_complete)'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=SERVER_MIGRATIONS % 'delete', check_str=base.ADMIN,
        description='Abort an in-progress live migration of a server '
                    '(microversion 2.24)',
        operations=[{'method': 'DELETE', 'path': _S + '/{migration_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
