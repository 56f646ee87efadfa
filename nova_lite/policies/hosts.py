"""Policies of the hosts API (compute API reference, "Hosts (os-hosts)
(DEPRECATED)"): administrators only."""
from oslo_policy import policy

from nova_lite.policies import base

HOSTS = 'os_compute_api:os-hosts:%s'
_H = '/os-hosts'


def _op(action, description, method, path):
    return policy.DocumentedRuleDefault(
        name=HOSTS % action, check_str=base.ADMIN, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op('list', 'List hosts and their services', 'GET', _H),
    _op('show', 'Show the resources of a host', 'GET', _H + '/{host_name}'),
    _op('update', 'Enable or disable a host, or set its maintenance mode',
        'PUT', _H + '/{host_name}'),
    _op('start', 'Start a host', 'GET', _H + '/{host_name}/startup'),
    _op('shutdown', 'Shut down a host', 'GET', _H + '/{host_name}/shutdown'),
    _op('reboot', 'Reboot a host', 'GET', _H + '/{host_name}/reboot'),
]


def list_rules():
    return rules
