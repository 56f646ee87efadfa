"""Policies of the server actions API (compute API reference, "Servers
actions (servers, os-instance-actions)")."""
from oslo_policy import policy

from nova_lite.policies import base

INSTANCE_ACTIONS = 'os_compute_api:os-instance-actions:%s'
_A = '/servers/{server_id}/os-instance-actions'


def _op(action, check, description, path):
    return policy.DocumentedRuleDefault(
        name=INSTANCE_ACTIONS % action, check_str=check,
        description=description,
        operations=[{'method': 'GET', 'path': path}],
        scope_types=['project'])


rules = [
    _op('list', base.PROJECT_READER_OR_ADMIN,
        'List the actions of a server', _A),
    _op('show', base.PROJECT_READER_OR_ADMIN,
        'Show an action of a server', _A + '/{request_id}'),
    # Before microversion 2.51 only callers this rule allows see the
    # events of an action; from 2.51 every caller who may show the action
    # sees them (without traceback unless events:details allows it).
    _op('events', base.ADMIN,
        'Show the events of an action (before microversion 2.51) and '
        'their tracebacks when events:details allows', _A + '/{request_id}'),
    _op('events:details', base.ADMIN,
        'Show the traceback of failed events', _A + '/{request_id}'),
]


def list_rules():
    return rules
