"""Policies of the compute API's floating IP proxies (compute API
reference, "Floating IPs (os-floating-ips) (DEPRECATED)", "Floating IP
pools (os-floating-ip-pools) (DEPRECATED)", microversions 2.1-2.35) and
of the ``addFloatingIp``/``removeFloatingIp`` server actions (up to
2.43): readers of the project (or admins) read, members (or admins)
change. The Networking API's rules (``network_api``) still apply to the
floating IPs behind them."""
from oslo_policy import policy

from nova_lite.policies import base

FLOATING_IPS = 'os_compute_api:os-floating-ips:%s'
POOLS = 'os_compute_api:os-floating-ip-pools:list'
_F = '/os-floating-ips'
_S = '/servers/{server_id}/action'


def _op(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op(FLOATING_IPS % 'list', base.PROJECT_READER_OR_ADMIN,
        'List floating IPs', 'GET', _F),
    _op(FLOATING_IPS % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show a floating IP', 'GET', _F + '/{floating_ip_id}'),
    _op(FLOATING_IPS % 'create', base.PROJECT_MEMBER_OR_ADMIN,
        'Allocate a floating IP from a pool', 'POST', _F),
    _op(FLOATING_IPS % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Release a floating IP', 'DELETE', _F + '/{floating_ip_id}'),
    _op(FLOATING_IPS % 'add', base.PROJECT_MEMBER_OR_ADMIN,
        'Associate a floating IP with a server (addFloatingIp)', 'POST',
        _S),
    _op(FLOATING_IPS % 'remove', base.PROJECT_MEMBER_OR_ADMIN,
        'Disassociate a floating IP from a server (removeFloatingIp)',
        'POST', _S),
    _op(POOLS, base.PROJECT_READER_OR_ADMIN, 'List floating IP pools',
        'GET', '/os-floating-ip-pools'),
]


def list_rules():
    return rules
