"""Policies of the key pairs API (compute API reference, "Keypairs
(keypairs)"): a key pair is its user's; admins may act on any."""
from oslo_policy import policy

from nova_lite.policies import base

KEYPAIRS = 'os_compute_api:os-keypairs:%s'
ADMIN_OR_OWNER = base.ADMIN + ' or user_id:%(user_id)s'


def _op(action, description, method, path):
    return policy.DocumentedRuleDefault(
        name=KEYPAIRS % action, check_str=ADMIN_OR_OWNER,
        description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _op('index', 'List the key pairs of the user', 'GET', '/os-keypairs'),
    _op('create', 'Create or import a key pair', 'POST', '/os-keypairs'),
    _op('show', 'Show a key pair', 'GET', '/os-keypairs/{keypair_name}'),
    _op('delete', 'Delete a key pair', 'DELETE',
        '/os-keypairs/{keypair_name}'),
]


def list_rules():
    return rules
