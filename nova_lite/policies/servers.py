"""Policies of the servers API (compute API reference, "Servers",
"Servers - run an action", "Server metadata")."""
from oslo_policy import policy

from nova_lite.policies import base

SERVERS = 'os_compute_api:servers:%s'
#: Create servers on a host and/or node named in the request (compute
#: API microversion 2.74), as Nova names the rule.
REQUESTED_DESTINATION = 'compute:servers:create:requested_destination'
#: Force a host or node through ``availability_zone`` (``ZONE:HOST:NODE``),
#: as Nova names the rule.
FORCED_HOST = SERVERS % 'create:forced_host'
#: The server topology API (microversion 2.78), as Nova names it.
TOPOLOGY = 'compute:server:topology:%s'
EXTENDED_ATTRIBUTES = 'os_compute_api:os-extended-server-attributes'
CONSOLE_OUTPUT = 'os_compute_api:os-console-output'
LOCK = 'os_compute_api:os-lock-server:lock'
UNLOCK = 'os_compute_api:os-lock-server:unlock'
METADATA = 'os_compute_api:server-metadata:%s'
#: createBackup, as Nova names the rule.
CREATE_BACKUP = 'os_compute_api:os-create-backup'
#: Show ``host_status`` (microversion 2.16).
HOST_STATUS = SERVERS % 'show:host_status'
#: Create servers with volumes in their block device mappings (boot
#: from volume; doc/volumes.md), as Nova names the rule.
CREATE_ATTACH_VOLUME = SERVERS % 'create:attach_volume'


def _op(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


_S = '/servers/{server_id}'

rules = [
    _op(SERVERS % 'index', base.PROJECT_READER_OR_ADMIN, 'List servers',
        'GET', '/servers'),
    _op(SERVERS % 'detail', base.PROJECT_READER_OR_ADMIN,
        'List servers with details', 'GET', '/servers/detail'),
    _op(SERVERS % 'index:get_all_tenants', base.ADMIN,
        'List servers of all projects', 'GET', '/servers?all_tenants'),
    _op(SERVERS % 'detail:get_all_tenants', base.ADMIN,
        'List servers of all projects with details', 'GET',
        '/servers/detail?all_tenants'),
    _op(SERVERS % 'allow_all_filters', base.ADMIN,
        'List deleted servers (status DELETED, deleted=true)', 'GET',
        '/servers/detail?deleted=true'),
    _op(SERVERS % 'show', base.PROJECT_READER_OR_ADMIN, 'Show a server',
        'GET', _S),
    _op(SERVERS % 'create', base.PROJECT_MEMBER_OR_ADMIN, 'Create servers',
        'POST', '/servers'),
    _op(CREATE_ATTACH_VOLUME, base.PROJECT_MEMBER_OR_ADMIN,
        'Create servers with volumes (block_device_mapping_v2 with '
        'destination_type volume, or the legacy block_device_mapping)',
        'POST', '/servers'),
    _op(REQUESTED_DESTINATION, base.ADMIN,
        'Create servers on a requested host and/or hypervisor_hostname '
        '(microversion 2.74)', 'POST', '/servers'),
    _op(FORCED_HOST, base.ADMIN,
        'Create servers on a host and/or node named in availability_zone '
        '(ZONE:HOST:NODE)', 'POST', '/servers'),
    _op(TOPOLOGY % 'index', base.PROJECT_READER_OR_ADMIN,
        'Show the NUMA topology of a server (microversion 2.78)', 'GET',
        _S + '/topology'),
    _op(SERVERS % 'update', base.PROJECT_MEMBER_OR_ADMIN, 'Rename a server',
        'PUT', _S),
    _op(SERVERS % 'delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server',
        'DELETE', _S),
    _op(SERVERS % 'reboot', base.PROJECT_MEMBER_OR_ADMIN, 'Reboot a server',
        'POST', _S + '/action (reboot)'),
    _op(SERVERS % 'stop', base.PROJECT_MEMBER_OR_ADMIN, 'Stop a server',
        'POST', _S + '/action (os-stop)'),
    _op(SERVERS % 'start', base.PROJECT_MEMBER_OR_ADMIN, 'Start a server',
        'POST', _S + '/action (os-start)'),
    _op(SERVERS % 'rebuild', base.PROJECT_MEMBER_OR_ADMIN,
        'Rebuild a server', 'POST', _S + '/action (rebuild)'),
    _op(SERVERS % 'create_image', base.PROJECT_MEMBER_OR_ADMIN,
        'Create an image from a server', 'POST',
        _S + '/action (createImage)'),
    _op(CREATE_BACKUP, base.PROJECT_MEMBER_OR_ADMIN,
        'Create a back up of a server', 'POST',
        _S + '/action (createBackup)'),
    _op(SERVERS % 'resize', base.PROJECT_MEMBER_OR_ADMIN,
        'Resize a server', 'POST', _S + '/action (resize)'),
    _op(SERVERS % 'confirm_resize', base.PROJECT_MEMBER_OR_ADMIN,
        'Confirm a server resize', 'POST', _S + '/action (confirmResize)'),
    _op(SERVERS % 'revert_resize', base.PROJECT_MEMBER_OR_ADMIN,
        'Revert a server resize', 'POST', _S + '/action (revertResize)'),
    _op(LOCK, base.PROJECT_MEMBER_OR_ADMIN, 'Lock a server', 'POST',
        _S + '/action (lock)'),
    _op(UNLOCK, base.PROJECT_MEMBER_OR_ADMIN, 'Unlock a server', 'POST',
        _S + '/action (unlock)'),
    _op(CONSOLE_OUTPUT, base.PROJECT_MEMBER_OR_ADMIN,
        'Show the console output of a server', 'POST',
        _S + '/action (os-getConsoleOutput)'),
    _op(EXTENDED_ATTRIBUTES, base.ADMIN,
        'Show OS-EXT-SRV-ATTR:host, hypervisor_hostname and instance_name '
        'and the details of faults', 'GET', _S),
    _op(HOST_STATUS, base.ADMIN,
        'Show host_status (UP, DOWN, MAINTENANCE, UNKNOWN or empty) in '
        'server details from microversion 2.16', 'GET', _S),
    _op(METADATA % 'index', base.PROJECT_READER_OR_ADMIN,
        'List server metadata', 'GET', _S + '/metadata'),
    _op(METADATA % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show a server metadata item', 'GET', _S + '/metadata/{key}'),
    _op(METADATA % 'create', base.PROJECT_MEMBER_OR_ADMIN,
        'Merge server metadata', 'POST', _S + '/metadata'),
    _op(METADATA % 'update_all', base.PROJECT_MEMBER_OR_ADMIN,
        'Replace server metadata', 'PUT', _S + '/metadata'),
    _op(METADATA % 'update', base.PROJECT_MEMBER_OR_ADMIN,
        'Set a server metadata item', 'PUT', _S + '/metadata/{key}'),
    _op(METADATA % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete a server metadata item', 'DELETE', _S + '/metadata/{key}'),
]


def list_rules():
    """The servers API rules."""
    return rules
