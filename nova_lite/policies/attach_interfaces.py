"""Policies of a server's port interfaces (compute API reference, "Port
interfaces (servers, os-interface)"): listing and showing for readers
of the server's project, attaching and detaching for its members, and
admins, as Nova's defaults."""
from oslo_policy import policy

from nova_lite.policies import base

ATTACH_INTERFACES = 'os_compute_api:os-attach-interfaces:%s'
_PATH = '/servers/{server_id}/os-interface'

rules = [
    policy.DocumentedRuleDefault(
        name=ATTACH_INTERFACES % 'list',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description="List a server's port interfaces",
        operations=[{'method': 'GET', 'path': _PATH}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ATTACH_INTERFACES % 'show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show a port interface of a server",
        operations=[{'method': 'GET', 'path': _PATH + '/{port_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ATTACH_INTERFACES % 'create',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Attach a port interface (a network or a port) to a "
        "server",
        operations=[{'method': 'POST', 'path': _PATH}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=ATTACH_INTERFACES % 'delete',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Detach a port interface from a server",
        operations=[{'method': 'DELETE', 'path': _PATH + '/{port_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
