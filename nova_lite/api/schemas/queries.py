"""Query parameters of the compute API routes that refuse unknown ones
from microversion 2.75 (compute API reference, REST API version history
2.75: "400 error response for an unknown parameter in the
querystring").

``STRICT`` maps (method, Flask rule) to the parameters the route knows
from 2.75 (nova_lite ignores some of them, as the compute API ignores
filters it cannot apply); any other parameter is a 400.  Before 2.75
unknown parameters are ignored.
"""
from nova_lite import exception

#: ``GET /servers`` and ``/servers/detail``: filters, sort and paging
#: parameters of the compute API reference's List Servers, and the
#: joined-table names the compute API accepts and ignores.
SERVER_LIST = frozenset({
    'user_id', 'project_id', 'tenant_id', 'launch_index', 'image_ref',
    'image', 'kernel_id', 'ramdisk_id', 'hostname', 'key_name',
    'power_state', 'vm_state', 'task_state', 'host', 'node', 'flavor',
    'reservation_id', 'launched_at', 'terminated_at', 'availability_zone',
    'name', 'display_name', 'description', 'display_description',
    'locked_by', 'uuid', 'root_device_name', 'config_drive',
    'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'progress',
    'sort_key', 'sort_dir', 'all_tenants', 'soft_deleted', 'deleted',
    'status', 'changes-since', 'changes-before', 'ip', 'ip6', 'created_at',
    'tags', 'tags-any', 'not-tags', 'not-tags-any', 'locked', 'limit',
    'marker', 'block_device_mapping', 'services', 'metadata',
    'system_metadata', 'info_cache', 'security_groups', 'pci_devices'})

_FLAVOR_LIST = frozenset({'is_public', 'minRam', 'minDisk', 'limit',
                          'marker', 'sort_key', 'sort_dir'})
_USER = frozenset({'user_id'})
_QUOTAS = '/v2.1/os-quota-sets/<project_id>'
_KEYPAIR = '/v2.1/os-keypairs/<keypair_name>'
_USAGE = '/v2.1/os-simple-tenant-usage'

STRICT = {
    ('GET', '/v2.1/servers'): SERVER_LIST,
    ('GET', '/v2.1/servers/detail'): SERVER_LIST,
    ('GET', '/v2.1/flavors'): _FLAVOR_LIST,
    ('GET', '/v2.1/flavors/detail'): _FLAVOR_LIST,
    ('GET', '/v2.1/os-keypairs'): frozenset({'user_id', 'limit', 'marker'}),
    ('GET', _KEYPAIR): _USER,
    ('DELETE', _KEYPAIR): _USER,
    ('GET', '/v2.1/limits'): frozenset({'tenant_id', 'reserved'}),
    ('GET', _QUOTAS): _USER,
    ('GET', _QUOTAS + '/detail'): _USER,
    ('PUT', _QUOTAS): _USER,
    ('DELETE', _QUOTAS): _USER,
    ('GET', '/v2.1/os-server-groups'): frozenset({'all_projects', 'limit',
                                                  'offset'}),
    ('GET', '/v2.1/os-services'): frozenset({'host', 'binary'}),
    ('GET', _USAGE): frozenset({'start', 'end', 'detailed', 'limit',
                                'marker'}),
    ('GET', _USAGE + '/<tenant_id>'): frozenset({'start', 'end', 'limit',
                                                 'marker'}),
}


def check(method, rule, params):
    """Refuse parameters ``rule`` does not know (call from 2.75 only).

    :raises: ValidationError (400) naming the first unknown parameter
    """
    known = STRICT.get((method, rule))
    if known is None:
        return
    unknown = sorted(set(params) - known)
    if unknown:
        raise exception.ValidationError(
            attribute=unknown[0][:64], reason='unknown query parameter '
            '(microversion 2.75 and later refuse them)')
