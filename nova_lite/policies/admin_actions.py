"""Policies of the administrative server actions (compute API reference,
"Servers - run an administrative action")."""
from oslo_policy import policy

from nova_lite.policies import base

RESET_STATE = 'os_compute_api:os-admin-actions:reset_state'
MIGRATE = 'os_compute_api:os-migrate-server:migrate'
MIGRATE_HOST = 'os_compute_api:os-migrate-server:migrate:host'
EVACUATE = 'os_compute_api:os-evacuate'
MIGRATE_LIVE = 'os_compute_api:os-migrate-server:migrate_live'

rules = [
    policy.DocumentedRuleDefault(
        name=RESET_STATE, check_str=base.ADMIN,
        description='Reset the state of a server (active or error) and '
                    'clear its task',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (os-resetState)'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MIGRATE, check_str=base.ADMIN,
        description='Cold migrate a server to another host (a resize to '
                    'the same flavor, confirmed or reverted as one)',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (migrate)'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MIGRATE_HOST, check_str=base.ADMIN,
        description='Cold migrate a server to a named host (the host '
                    'parameter of the migrate action, microversion 2.56)',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (migrate)'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=EVACUATE, check_str=base.ADMIN,
        description='Evacuate a server whose compute service is down: '
                    'rebuild it on another host',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action (evacuate)'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=MIGRATE_LIVE, check_str=base.ADMIN,
        description='Live migrate a running server to another host',
        operations=[{'method': 'POST',
                     'path': '/servers/{server_id}/action '
                             '(os-migrateLive)'}],
        scope_types=['project']),
]


def list_rules():
    return rules
