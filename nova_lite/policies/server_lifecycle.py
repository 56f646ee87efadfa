"""Policies of pause, suspend and deferred delete (compute API
reference, "Servers - run an action": Pause Server, Unpause Server,
Suspend Server, Resume Suspended Server, Restore Soft-Deleted Instance,
Force-Delete Server). Nova names the rules so and gives each to the
project's members (and admins)."""
from oslo_policy import policy

from nova_lite.policies import base

PAUSE = 'os_compute_api:os-pause-server:pause'
UNPAUSE = 'os_compute_api:os-pause-server:unpause'
SUSPEND = 'os_compute_api:os-suspend-server:suspend'
RESUME = 'os_compute_api:os-suspend-server:resume'
RESTORE = 'os_compute_api:os-deferred-delete:restore'
FORCE_DELETE = 'os_compute_api:os-deferred-delete:force'

_ACTION = '/servers/{server_id}/action (%s)'


def _rule(name, description, action):
    return policy.DocumentedRuleDefault(
        name=name, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description=description,
        operations=[{'method': 'POST', 'path': _ACTION % action}],
        scope_types=['project'])


rules = [
    _rule(PAUSE, 'Pause a server', 'pause'),
    _rule(UNPAUSE, 'Unpause a paused server', 'unpause'),
    _rule(SUSPEND, 'Suspend a server', 'suspend'),
    _rule(RESUME, 'Resume a suspended server', 'resume'),
    _rule(RESTORE, 'Restore a soft-deleted server', 'restore'),
    _rule(FORCE_DELETE, 'Delete a (soft-deleted) server at once',
          'forceDelete'),
]


def list_rules():
    """The pause, suspend and deferred delete rules."""
    return rules
