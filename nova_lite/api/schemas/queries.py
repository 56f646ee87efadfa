"""Query parameters of the compute API routes that refuse unknown ones
from microversion 2.75 (compute API reference, REST API version history
2.75: "400 error response for an unknown parameter in the
querystring").

``STRICT`` maps (method, Flask rule) to the parameters the route knows
from 2.75 (nova_lite ignores some of them, as the compute API ignores
filters it cannot apply); any other parameter is a 400.  Before 2.75
unknown parameters are ignored.

From 2.102 (REST API version history 2.102: "all APIs now reject
unknown query string parameters") every ``/v2.1`` route refuses the
parameters it does not know: ``STRICT_2_102`` gives those of the routes
that take any (``STRICT``'s, the flavor lists' ``name`` filter, and the
routes that checked their own parameters before: hypervisors, instance
actions, migrations); any other route takes none.  ``OWN_RULES`` lists
the routes that are no compute API resource (the version and OpenAPI
documents) and keep their own parameters.
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


_HYPERVISOR_LIST = frozenset({'limit', 'marker',
                              'hypervisor_hostname_pattern', 'with_servers'})
_CHANGES = frozenset({'limit', 'marker', 'changes-since', 'changes-before'})

STRICT_2_102 = {**STRICT, **{
    ('GET', '/v2.1/flavors'): _FLAVOR_LIST | {'name'},
    ('GET', '/v2.1/flavors/detail'): _FLAVOR_LIST | {'name'},
    ('GET', '/v2.1/os-hypervisors'): _HYPERVISOR_LIST,
    ('GET', '/v2.1/os-hypervisors/detail'): _HYPERVISOR_LIST,
    ('GET', '/v2.1/os-hypervisors/<hypervisor_id>'): frozenset(
        {'with_servers'}),
    ('GET', '/v2.1/servers/<server_id>/os-instance-actions'): _CHANGES,
    ('GET', '/v2.1/os-migrations'): _CHANGES | {
        'hidden', 'host', 'instance_uuid', 'source_compute', 'status',
        'migration_type', 'user_id', 'project_id'},
}}

#: Routes outside the compute API's resources (the version document
#: and the OpenAPI document), whose parameters are their own at every
#: version.
OWN_RULES = frozenset({('GET', '/v2.1'), ('GET', '/v2.1/'),
                       ('GET', '/v2.1/openapi.json')})


def check(method, rule, params, strict_everywhere=False):
    """Refuse parameters ``rule`` does not know (call from 2.75 only;
    ``strict_everywhere`` from 2.102).

    :raises: ValidationError (400) naming the first unknown parameter
    """
    if strict_everywhere:
        if (method, rule) in OWN_RULES:
            return
        known = STRICT_2_102.get((method, rule), frozenset())
    else:
        known = STRICT.get((method, rule))
        if known is None:
            return
    unknown = sorted(set(params) - known)
    if unknown:
        raise exception.ValidationError(
            attribute=unknown[0][:64], reason='unknown query parameter '
            '(microversion %s and later refuse them)'
            % ('2.102' if strict_everywhere else '2.75'))
