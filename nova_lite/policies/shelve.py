"""Policies of shelve, shelve offload and unshelve (compute API
reference, "Servers - run an action"), named and given as Nova's: the
project's members (and admins) shelve and unshelve; only admins
offload a server (shelveOffload) or pick the host of an unshelve
(microversion 2.91)."""
from oslo_policy import policy

from nova_lite.policies import base

SHELVE = 'os_compute_api:os-shelve:shelve'
SHELVE_OFFLOAD = 'os_compute_api:os-shelve:shelve_offload'
UNSHELVE = 'os_compute_api:os-shelve:unshelve'
UNSHELVE_TO_HOST = 'os_compute_api:os-shelve:unshelve_to_host'

_ACTION = '/servers/{server_id}/action (%s)'


def _rule(name, check, description, action):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': 'POST', 'path': _ACTION % action}],
        scope_types=['project'])


rules = [
    _rule(SHELVE, base.PROJECT_MEMBER_OR_ADMIN, 'Shelve a server',
          'shelve'),
    _rule(SHELVE_OFFLOAD, base.ADMIN, 'Shelf-offload (remove) a shelved '
          'server from its host', 'shelveOffload'),
    _rule(UNSHELVE, base.PROJECT_MEMBER_OR_ADMIN,
          'Unshelve (restore) a shelved server', 'unshelve'),
    _rule(UNSHELVE_TO_HOST, base.ADMIN, 'Unshelve a shelved offloaded '
          'server onto a given host (microversion 2.91)', 'unshelve'),
]


def list_rules():
    """The shelve rules."""
    return rules
