"""Policies of the hypervisors API (compute API reference, "Hypervisors
(os-hypervisors)"): administrators only."""
from oslo_policy import policy

from nova_lite.policies import base

HYPERVISORS = 'os_compute_api:os-hypervisors:%s'
_H = '/os-hypervisors'


def _op(action, description, path):
    return policy.DocumentedRuleDefault(
        name=HYPERVISORS % action, check_str=base.ADMIN,
        description=description,
        operations=[{'method': 'GET', 'path': path}],
        scope_types=['project'])


rules = [
    _op('list', 'List hypervisors', _H),
    _op('list-detail', 'List hypervisors with details', _H + '/detail'),
    _op('show', 'Show a hypervisor', _H + '/{hypervisor_id}'),
    _op('uptime', 'Show the uptime of a hypervisor\'s host',
        _H + '/{hypervisor_id}/uptime'),
    _op('statistics', 'Show the totals of all hypervisors',
        _H + '/statistics'),
    _op('search', 'Find hypervisors by host name',
        _H + '/{hypervisor_hostname_pattern}/search'),
    _op('servers', 'List the servers of hypervisors',
        _H + '/{hypervisor_hostname_pattern}/servers'),
]


def list_rules():
    return rules
