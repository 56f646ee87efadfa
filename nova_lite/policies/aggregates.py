"""Policies of the host aggregates API (compute API reference, "Host
Aggregates (os-aggregates)"): administrators only."""
from oslo_policy import policy

from nova_lite.policies import base

AGGREGATES = 'os_compute_api:os-aggregates:%s'
#: Pre-cache images on an aggregate's hosts (microversion 2.81), as Nova
#: names it.
IMAGES = 'compute:aggregates:images'

_A = '/os-aggregates/{aggregate_id}'


def _op(action, description, method, path):
    return policy.DocumentedRuleDefault(
        name=AGGREGATES % action, check_str=base.ADMIN,
        description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op('index', 'List host aggregates', 'GET', '/os-aggregates'),
    _op('create', 'Create a host aggregate', 'POST', '/os-aggregates'),
    _op('show', 'Show a host aggregate', 'GET', _A),
    _op('update', 'Rename a host aggregate or change its zone', 'PUT', _A),
    _op('delete', 'Delete an empty host aggregate', 'DELETE', _A),
    _op('add_host', 'Add a host to an aggregate', 'POST',
        _A + '/action (add_host)'),
    _op('remove_host', 'Remove a host from an aggregate', 'POST',
        _A + '/action (remove_host)'),
    _op('set_metadata', 'Set or delete metadata of an aggregate', 'POST',
        _A + '/action (set_metadata)'),
    policy.DocumentedRuleDefault(
        name=IMAGES, check_str=base.ADMIN,
        description='Download images into the image cache of the hosts '
                    'of an aggregate (microversion 2.81)',
        operations=[{'method': 'POST', 'path': _A + '/images'}],
        scope_types=['project']),
]


def list_rules():
    return rules
