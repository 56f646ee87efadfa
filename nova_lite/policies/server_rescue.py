"""Policies of rescue and unrescue (compute API reference, "Rescue
Server (rescue Action)", "Unrescue Server (unrescue Action)"). Nova names
the rules so and gives both to the project's members (and admins)."""
from oslo_policy import policy

from nova_lite.policies import base

RESCUE = 'os_compute_api:os-rescue'
UNRESCUE = 'os_compute_api:os-unrescue'

_ACTION = '/servers/{server_id}/action (%s)'

rules = [
    policy.DocumentedRuleDefault(
        name=name, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description=description,
        operations=[{'method': 'POST', 'path': _ACTION % action}],
        scope_types=['project'])
    for name, description, action in (
        (RESCUE, 'Rescue a server: boot it from a rescue image with its '
         'root disk attached second', 'rescue'),
        (UNRESCUE, 'Boot a rescued server from its own root disk again',
         'unrescue'))
]


def list_rules():
    """The rescue and unrescue rules."""
    return rules
