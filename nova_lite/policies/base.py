"""Personas every API policy is built from: the Keystone default roles
``reader``, ``member`` and ``admin``, as in Nova's secure RBAC defaults.

Keystone puts implied roles in tokens (admin → member → reader), but a
token or noauth request may carry only ``member``: the reader persona
accepts members too so the hierarchy does not depend on implied roles.
"""
from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'rule:project_member_api'
PROJECT_READER = 'rule:project_reader_api'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
ANYONE = '@'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       'Administrators of the deployment.'),
    policy.RuleDefault('project_member_api',
                       'role:member and project_id:%(project_id)s',
                       'Members of the project owning the resource.'),
    policy.RuleDefault('project_reader_api',
                       'role:reader and project_id:%(project_id)s',
                       'Readers of the project owning the resource.'),
    policy.RuleDefault('project_member_or_admin',
                       'rule:project_member_api or rule:context_is_admin',
                       'Project members, or administrators.'),
    policy.RuleDefault('project_reader_or_admin',
                       'rule:project_reader_api or rule:project_member_api '
                       'or rule:context_is_admin',
                       'Project readers or members, or administrators.'),
]


def list_rules():
    """The persona rules."""
    return rules
