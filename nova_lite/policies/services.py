"""Policies of the compute services API (compute API reference, "Compute
services (os-services)"): administrators only."""
from oslo_policy import policy

from nova_lite.policies import base

SERVICES = 'os_compute_api:os-services:%s'


def _op(action, description, operations):
    return policy.DocumentedRuleDefault(
        name=SERVICES % action, check_str=base.ADMIN,
        description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _op('list', 'List compute services', [('GET', '/os-services')]),
    _op('update', 'Enable, disable or force down a compute service', [
        ('PUT', '/os-services/enable'), ('PUT', '/os-services/disable'),
        ('PUT', '/os-services/disable-log-reason'),
        ('PUT', '/os-services/force-down')]),
    _op('delete', 'Delete a compute service and its compute nodes',
        [('DELETE', '/os-services/{service_id}')]),
]


def list_rules():
    return rules
