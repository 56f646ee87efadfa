"""Policies of the ``addFixedIp``/``removeFixedIp`` server actions
(compute API reference, "Add (Associate) Fixed Ip (addFixedIp Action)
(DEPRECATED)", up to microversion 2.43), named as Nova's
``os_compute_api:os-multinic:*``; CloudStack's ``addIpToNic`` and
``removeIpFromNic`` check the same rules: members of the server's
project (or admins) change its fixed IPs."""
from oslo_policy import policy

from nova_lite.policies import base

MULTINIC = 'os_compute_api:os-multinic:%s'
_PATH = '/servers/{server_id}/action (%s)'


def _op(action, check, description, server_action):
    return policy.DocumentedRuleDefault(
        name=MULTINIC % action, check_str=check, description=description,
        operations=[{'method': 'POST', 'path': _PATH % server_action}],
        scope_types=['project'])


rules = [
    _op('add', base.PROJECT_MEMBER_OR_ADMIN,
        'Add a fixed IP address to a server (a deprecated proxy of the '
        'Networking API)', 'addFixedIp'),
    _op('remove', base.PROJECT_MEMBER_OR_ADMIN,
        'Remove a fixed IP address from a server (a deprecated proxy of '
        'the Networking API)', 'removeFixedIp'),
]


def list_rules():
    return rules
