"""Policies of flavor extra specs and flavor access (compute API
reference, "Flavors extra-specs (flavors, os-flavor-extra-specs)" and
"Flavors access (flavors, os-flavor-access)")."""
from oslo_policy import policy

from nova_lite.policies import base

EXTRA_SPECS = 'os_compute_api:os-flavor-extra-specs:%s'
ACCESS = 'os_compute_api:os-flavor-access'
ADD_ACCESS = ACCESS + ':add_tenant_access'
REMOVE_ACCESS = ACCESS + ':remove_tenant_access'

_SPECS = '/flavors/{flavor_id}/os-extra_specs'
_ACTION = [{'method': 'POST', 'path': '/flavors/{flavor_id}/action'}]

rules = [
    policy.DocumentedRuleDefault(
        name=EXTRA_SPECS % 'index', check_str=base.ANYONE,
        description='List the extra specs of a flavor',
        operations=[{'method': 'GET', 'path': _SPECS}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=EXTRA_SPECS % 'show', check_str=base.ANYONE,
        description='Show one extra spec of a flavor',
        operations=[{'method': 'GET', 'path': _SPECS + '/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=EXTRA_SPECS % 'create', check_str=base.ADMIN,
        description='Create or update extra specs of a flavor',
        operations=[{'method': 'POST', 'path': _SPECS}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=EXTRA_SPECS % 'update', check_str=base.ADMIN,
        description='Update one extra spec of a flavor',
        operations=[{'method': 'PUT', 'path': _SPECS + '/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=EXTRA_SPECS % 'delete', check_str=base.ADMIN,
        description='Delete one extra spec of a flavor',
        operations=[{'method': 'DELETE', 'path': _SPECS + '/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ACCESS, check_str=base.ADMIN,
        description='List the projects with access to a private flavor',
        operations=[{'method': 'GET',
                     'path': '/flavors/{flavor_id}/os-flavor-access'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ADD_ACCESS, check_str=base.ADMIN,
        description='Give a project access to a private flavor '
                    '(addTenantAccess)',
        operations=_ACTION, scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=REMOVE_ACCESS, check_str=base.ADMIN,
        description='Take a project\'s access to a private flavor away '
                    '(removeTenantAccess)',
        operations=_ACTION, scope_types=['project']),
]


def list_rules():
    """The flavor extra specs and access rules."""
    return rules
