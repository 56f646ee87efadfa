"""Policies of a server's volume attachments (compute API reference,
"Servers with volume attachments (servers, os-volume_attachments)"):
listing and showing for readers of the server's project, attaching,
updating (2.85) and detaching for its members, and admins; swapping the
volume for admins and the service role, as Nova's defaults."""
from oslo_policy import policy

from nova_lite.policies import base

VOLUME_ATTACHMENTS = 'os_compute_api:os-volumes-attachments:%s'
_PATH = '/servers/{server_id}/os-volume_attachments'
#: Nova's swap rule: admins and the service role (the volume service
#: asks for a swap when it migrates or retypes a volume).
SWAP = base.ADMIN + ' or role:service'

rules = [
    policy.DocumentedRuleDefault(
        name=VOLUME_ATTACHMENTS % 'index',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description="List the volume attachments of a server",
        operations=[{'method': 'GET', 'path': _PATH}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=VOLUME_ATTACHMENTS % 'show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show a volume attachment of a server",
        operations=[{'method': 'GET', 'path': _PATH + '/{volume_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=VOLUME_ATTACHMENTS % 'create',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Attach a volume to a server",
        operations=[{'method': 'POST', 'path': _PATH}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=VOLUME_ATTACHMENTS % 'update',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Update a volume attachment of a server "
                    "(delete_on_termination, microversion 2.85)",
        operations=[{'method': 'PUT', 'path': _PATH + '/{volume_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=VOLUME_ATTACHMENTS % 'swap',
        check_str=SWAP,
        description="Swap the volume of an attachment for another "
                    "(refused: nova_lite cannot swap volumes)",
        operations=[{'method': 'PUT', 'path': _PATH + '/{volume_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=VOLUME_ATTACHMENTS % 'delete',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Detach a volume from a server",
        operations=[{'method': 'DELETE', 'path': _PATH + '/{volume_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
