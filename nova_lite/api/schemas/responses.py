"""JSON schemas of compute API response bodies by microversion, for the
OpenAPI documents (``nova_lite.api.openapi``) and the unit test walking
the history (each version's views are validated against them).

Objects are closed (``additionalProperties: false``) so a field shown
before its version, or after its removal, fails validation.  Fields
follow the compute API reference's response tables: a field marked "New
in version 2.X" is added from 2.X.

``RESPONSES`` maps (method, Flask rule) to ``[(first, last, status,
schema function or None)]``: the success status of each version range
and a function of the APIVersion giving the body's schema (None: no
body).
"""
from nova_lite.api import microversion
from nova_lite.api.schemas import response_base as base
from nova_lite.api.schemas import responses_interfaces as interfaces
from nova_lite.api.schemas import responses_quotas as quotas
from nova_lite.api.schemas import responses_volumes as volumes

_STRING = base.STRING
_NULLABLE_STRING = base.NULLABLE_STRING
_LINKS = base.LINKS
_at_least = base.at_least
_object = base.object_schema
_wrap = base.wrap


# ---------------------------------------------------------------- flavors

_EXTRA_SPECS = {'type': 'object',
                'additionalProperties': {'type': 'string'}}


def flavor(version):
    """Show Flavor Details (compute API reference, "Flavors");
    ``description`` from 2.55; no ``rxtx_factor`` nor
    ``OS-FLV-DISABLED:disabled`` from 2.102."""
    properties = {
        'id': _STRING, 'name': _STRING, 'links': _LINKS,
        'ram': {'type': 'integer'}, 'disk': {'type': 'integer'},
        'vcpus': {'type': 'integer'},
        'OS-FLV-EXT-DATA:ephemeral': {'type': 'integer'},
        'swap': {'type': 'integer'} if _at_least(version, '2.75')
        else {'type': ['integer', 'string']},
        'os-flavor-access:is_public': {'type': 'boolean'},
    }
    if not _at_least(version, '2.102'):
        properties.update({'OS-FLV-DISABLED:disabled': {'type': 'boolean'},
                           'rxtx_factor': {'type': 'number'}})
    required = sorted(properties)
    if _at_least(version, '2.55'):
        properties['description'] = _NULLABLE_STRING
        required.append('description')
    if _at_least(version, '2.61'):
        # Only for callers the extra-specs index policy allows.
        properties['extra_specs'] = _EXTRA_SPECS
    return _object(properties, required=sorted(required))


def _flavor_show(version):
    return _wrap('flavor', flavor(version))


def _flavor_list(version):
    return _object({'flavors': {'type': 'array', 'items': flavor(version)},
                    'flavors_links': _LINKS}, required=['flavors'])


def _extra_specs(version):
    return _wrap('extra_specs', _EXTRA_SPECS)


def _extra_spec(version):
    return {'type': 'object', 'minProperties': 1, 'maxProperties': 1,
            'additionalProperties': {'type': 'string'}}


def _flavor_access(version):
    return _wrap('flavor_access', {'type': 'array', 'items': _object(
        {'flavor_id': _STRING, 'tenant_id': _STRING})})


# ---------------------------------------------------------------- keypairs

def keypair_summary(version):
    """An item of List Keypairs; ``type`` from 2.2."""
    properties = {'name': _STRING, 'public_key': _STRING,
                  'fingerprint': _STRING}
    if _at_least(version, '2.2'):
        properties['type'] = {'type': 'string', 'enum': ['ssh', 'x509']}
    return _object(properties)


def keypair_created(version):
    """Create Or Import Keypair response (``private_key`` when
    generated)."""
    schema = keypair_summary(version)
    schema['properties'].update(user_id=_STRING, private_key=_STRING)
    schema['required'] = sorted(set(schema['properties'])
                                - {'private_key'})
    return schema


def keypair_detail(version):
    """Show Keypair Details."""
    schema = keypair_summary(version)
    schema['properties'].update(
        user_id=_STRING, deleted={'type': 'boolean'},
        created_at=_STRING, updated_at=_NULLABLE_STRING,
        deleted_at=_NULLABLE_STRING, id={'type': 'integer'})
    schema['required'] = sorted(schema['properties'])
    return schema


def _keypair_list(version):
    """List Keypairs; ``keypairs_links`` (a full page) from 2.35."""
    properties = {'keypairs': {'type': 'array', 'items': _wrap(
        'keypair', keypair_summary(version))}}
    if _at_least(version, '2.35'):
        properties['keypairs_links'] = _LINKS
    return _object(properties, required=['keypairs'])


# ----------------------------------------------------------- server groups

def server_group(version):
    """A server group; ``project_id`` and ``user_id`` from 2.13;
    ``policy`` and ``rules`` instead of ``policies`` and ``metadata``
    from 2.64."""
    properties = {'id': _STRING, 'name': _STRING,
                  'members': {'type': 'array', 'items': _STRING}}
    if _at_least(version, '2.64'):
        properties.update(policy=_STRING, rules=_object(
            {'max_server_per_host': {'type': 'integer', 'minimum': 1}},
            required=[]))
    else:
        properties.update(policies={'type': 'array', 'items': _STRING},
                          metadata={'type': 'object'})
    if _at_least(version, '2.13'):
        properties.update(project_id=_STRING, user_id=_STRING)
    return _object(properties)


def _server_group_show(version):
    return _wrap('server_group', server_group(version))


def _server_group_list(version):
    return _wrap('server_groups', {'type': 'array',
                                   'items': server_group(version)})


# ---------------------------------------------------------------- services

def service(version):
    """An item of List Compute Services; ``forced_down`` from 2.11; the
    ``id`` a uuid from 2.53."""
    properties = {'id': ({'type': 'string', 'format': 'uuid'}
                         if _at_least(version, '2.53')
                         else {'type': 'integer'}), 'binary': _STRING,
                  'host': _STRING, 'zone': _STRING,
                  'status': {'type': 'string',
                             'enum': ['enabled', 'disabled']},
                  'state': {'type': 'string', 'enum': ['up', 'down']},
                  'updated_at': _NULLABLE_STRING,
                  'disabled_reason': _NULLABLE_STRING}
    if _at_least(version, '2.11'):
        properties['forced_down'] = {'type': 'boolean'}
    return _object(properties)


def _service_list(version):
    return _wrap('services', {'type': 'array', 'items': service(version)})


def _forced_down(version):
    return _wrap('service', _object({'host': _STRING, 'binary': _STRING,
                                     'forced_down': {'type': 'boolean'}}))


# ------------------------------------------------------------- server tags

def _tags(version):
    """List Tags and Replace Tags (from 2.26)."""
    return _wrap('tags', {'type': 'array', 'items': _STRING})


# ------------------------------------------------------------ usage

_NUMBER = {'type': 'number'}
_INTEGER = {'type': 'integer'}


def server_usage(version):
    """An item of ``server_usages`` (os-simple-tenant-usage)."""
    return _object({
        'instance_id': _STRING, 'name': _STRING, 'tenant_id': _STRING,
        'flavor': _STRING, 'vcpus': _INTEGER, 'memory_mb': _INTEGER,
        'local_gb': _INTEGER, 'hours': _NUMBER, 'started_at': _STRING,
        'ended_at': _NULLABLE_STRING, 'state': _STRING, 'uptime': _INTEGER})


def tenant_usage(version, detailed=True):
    """The usage of one project; ``server_usages`` optional in the list
    (``detailed=1``)."""
    schema = _object({
        'tenant_id': _STRING, 'start': _STRING, 'stop': _STRING,
        'total_hours': _NUMBER, 'total_vcpus_usage': _NUMBER,
        'total_memory_mb_usage': _NUMBER, 'total_local_gb_usage': _NUMBER,
        'server_usages': {'type': 'array', 'items': server_usage(version)}})
    if not detailed:
        schema['required'].remove('server_usages')
    return schema


def _usage_list(version):
    """List Tenant Usage Statistics; ``tenant_usages_links`` from 2.40."""
    properties = {'tenant_usages': {'type': 'array', 'items': tenant_usage(
        version, detailed=False)}}
    if _at_least(version, '2.40'):
        properties['tenant_usages_links'] = _LINKS
    return _object(properties, required=['tenant_usages'])


def _usage_show(version):
    """Show Usage Statistics For Tenant (``{}`` without usage);
    ``tenant_usage_links`` from 2.40."""
    properties = {'tenant_usage': {'anyOf': [
        tenant_usage(version), _object({})]}}
    if _at_least(version, '2.40'):
        properties['tenant_usage_links'] = _LINKS
    return _object(properties, required=['tenant_usage'])


def audit_log(version):
    """The usage audit summary of a period
    (os-instance-usage-audit-log)."""
    return _object({
        'period_beginning': _STRING, 'period_ending': _STRING,
        'num_hosts': _INTEGER, 'num_hosts_done': _INTEGER,
        'num_hosts_running': _INTEGER, 'num_hosts_not_run': _INTEGER,
        'hosts_not_run': {'type': 'array', 'items': _STRING},
        'total_instances': _INTEGER, 'total_errors': _INTEGER,
        'overall_status': _STRING,
        'log': {'type': 'object', 'additionalProperties': _object({
            'state': {'type': 'string', 'enum': ['RUNNING', 'DONE']},
            'instances': _INTEGER, 'errors': _INTEGER,
            'message': _STRING})}})


def _audit_logs(version):
    return _wrap('instance_usage_audit_logs', audit_log(version))


def _audit_log_before(version):
    return _wrap('instance_usage_audit_log', audit_log(version))


# ------------------------------------------------------------------ hosts

def _host_list(version):
    return _wrap('hosts', {'type': 'array', 'items': _object({
        'host_name': _STRING, 'zone': _STRING,
        'service': {'type': 'string',
                    'enum': ['compute', 'conductor', 'scheduler']}})})


def _host_show(version):
    return _wrap('host', {'type': 'array', 'items': _wrap(
        'resource', _object({'host': _STRING, 'project': _STRING,
                             'cpu': _INTEGER, 'memory_mb': _INTEGER,
                             'disk_gb': _INTEGER}))})


def _host_update(version):
    return _object({'host': _STRING, 'status': {
        'type': 'string', 'enum': ['enabled', 'disabled']}})


# ------------------------------------------------------ server diagnostics

_NULLABLE_INT = {'type': ['integer', 'null']}


def _legacy_diagnostics(version):
    """Show Server Diagnostics before 2.48: the driver's own counters
    (names are the driver's; libvirt's are integers)."""
    return {'type': 'object', 'additionalProperties': {
        'type': ['integer', 'number', 'string', 'null']}}


def _items(keys, mac=False):
    properties = {key: _NULLABLE_INT for key in keys}
    if mac:
        properties['mac_address'] = _NULLABLE_STRING
    return {'type': 'array', 'items': _object(properties)}


def _diagnostics(version):
    """Show Server Diagnostics from 2.48 (the standardized form)."""
    from nova_lite.virt import diagnostics
    return _object({
        'state': {'type': 'string', 'enum': [
            'pending', 'running', 'paused', 'shutdown', 'crashed',
            'suspended']},
        'driver': _STRING, 'hypervisor': _NULLABLE_STRING,
        'hypervisor_os': _NULLABLE_STRING, 'uptime': _NULLABLE_INT,
        'config_drive': {'type': 'boolean'},
        'num_cpus': _NULLABLE_INT, 'num_nics': _NULLABLE_INT,
        'num_disks': _NULLABLE_INT,
        'cpu_details': _items(diagnostics.CPU_KEYS),
        'nic_details': _items(diagnostics.NIC_KEYS[1:], mac=True),
        'disk_details': _items(diagnostics.DISK_KEYS),
        'memory_details': _object({key: _NULLABLE_INT
                                   for key in diagnostics.MEMORY_KEYS}),
    })


# -------------------------------------------------------------- migrations

def _migration_common(version):
    properties = {key: _NULLABLE_STRING for key in (
        'dest_compute', 'dest_host', 'dest_node', 'source_compute',
        'source_node')}
    properties.update(id={'type': 'integer'}, status=_NULLABLE_STRING,
                      created_at=_STRING, updated_at=_NULLABLE_STRING)
    if _at_least(version, '2.59'):
        properties['uuid'] = _STRING
    if _at_least(version, '2.80'):
        properties.update(user_id=_NULLABLE_STRING,
                          project_id=_NULLABLE_STRING)
    return properties


def migration(version):
    """An item of List Migrations; ``migration_type`` and (in-progress
    live migrations) ``links`` from 2.23, ``uuid`` from 2.59,
    ``user_id``/``project_id`` from 2.80."""
    properties = _migration_common(version)
    properties.update(instance_uuid=_NULLABLE_STRING,
                      old_instance_type_id=_NULLABLE_INT,
                      new_instance_type_id=_NULLABLE_INT)
    required = sorted(properties)
    if _at_least(version, '2.23'):
        properties.update(migration_type=_NULLABLE_STRING, links=_LINKS)
        required.append('migration_type')
    return _object(properties, required=sorted(required))


def _migration_list(version):
    properties = {'migrations': {'type': 'array',
                                 'items': migration(version)}}
    if _at_least(version, '2.59'):
        properties['migrations_links'] = _LINKS
    return _object(properties, required=['migrations'])


def server_migration(version):
    """A live migration of a server (from 2.23)."""
    properties = _migration_common(version)
    properties['server_uuid'] = _STRING
    for what in ('memory', 'disk'):
        for part in ('total', 'processed', 'remaining'):
            properties['%s_%s_bytes' % (what, part)] = _NULLABLE_INT
    return _object(properties)


# -------------------------------------------------------------- aggregates

def aggregate(version, detail=True):
    """An aggregate of os-aggregates; ``uuid`` from 2.41; Create
    Aggregate (``detail`` False) has no ``hosts`` nor ``metadata``."""
    properties = {'availability_zone': _NULLABLE_STRING,
                  'created_at': _STRING, 'deleted': {'type': 'boolean'},
                  'deleted_at': _NULLABLE_STRING, 'id': {'type': 'integer'},
                  'name': _STRING, 'updated_at': _NULLABLE_STRING}
    if detail:
        properties.update(hosts={'type': 'array', 'items': _STRING},
                          metadata={'type': 'object',
                                    'additionalProperties': _STRING})
    if _at_least(version, '2.41'):
        properties['uuid'] = {'type': 'string', 'format': 'uuid'}
    return _object(properties)


def _aggregate_list(version):
    return _wrap('aggregates', {'type': 'array',
                                'items': aggregate(version)})


# ---------------------------------------------------------------- topology

def _topology(version):
    """Show Server Topology (2.78): NUMA ``nodes`` (none: nova_lite
    guests have no NUMA topology) and ``pagesize_kb``."""
    return _object({'nodes': {'type': 'array', 'maxItems': 0},
                    'pagesize_kb': {'type': ['integer', 'null']}})


# ------------------------------------------------------------------ table

_KEYPAIRS = '/v2.1/os-keypairs'
_FLAVOR = '/v2.1/flavors/<flavor_id>'
_EXTRA = _FLAVOR + '/os-extra_specs'
_GROUPS = '/v2.1/os-server-groups'
_SERVICES = '/v2.1/os-services'
_TAGS = '/v2.1/servers/<server_id>/tags'
_USAGE = '/v2.1/os-simple-tenant-usage'
_PASSWORD = '/v2.1/servers/<server_id>/os-server-password'
_HOSTS = '/v2.1/os-hosts'
_AUDIT = '/v2.1/os-instance_usage_audit_log'
_QUOTAS = '/v2.1/os-quota-sets/<project_id>'
_CLASSES = '/v2.1/os-quota-class-sets/<class_name>'
_AGGREGATES = '/v2.1/os-aggregates'

RESPONSES = {
    ('GET', '/v2.1/flavors/detail'): [('2.1', None, 200, _flavor_list)],
    ('GET', _FLAVOR): [('2.1', None, 200, _flavor_show)],
    ('POST', '/v2.1/flavors'): [('2.1', None, 200, _flavor_show)],
    ('PUT', _FLAVOR): [('2.55', None, 200, _flavor_show)],
    ('GET', _EXTRA): [('2.1', None, 200, _extra_specs)],
    ('POST', _EXTRA): [('2.1', None, 200, _extra_specs)],
    ('GET', _EXTRA + '/<key>'): [('2.1', None, 200, _extra_spec)],
    ('PUT', _EXTRA + '/<key>'): [('2.1', None, 200, _extra_spec)],
    ('GET', _FLAVOR + '/os-flavor-access'): [
        ('2.1', None, 200, _flavor_access)],
    ('POST', _FLAVOR + '/action'): [('2.1', None, 200, _flavor_access)],
    ('GET', _KEYPAIRS): [('2.1', None, 200, _keypair_list)],
    ('POST', _KEYPAIRS): [
        ('2.1', '2.1', 200, lambda v: _wrap('keypair', keypair_created(v))),
        ('2.2', None, 201, lambda v: _wrap('keypair', keypair_created(v)))],
    ('GET', _KEYPAIRS + '/<keypair_name>'): [
        ('2.1', None, 200, lambda v: _wrap('keypair', keypair_detail(v)))],
    ('DELETE', _KEYPAIRS + '/<keypair_name>'): [
        ('2.1', '2.1', 202, None), ('2.2', None, 204, None)],
    ('GET', _GROUPS): [('2.1', None, 200, _server_group_list)],
    ('POST', _GROUPS): [('2.1', None, 200, _server_group_show)],
    ('GET', _GROUPS + '/<group_id>'): [
        ('2.1', None, 200, _server_group_show)],
    ('GET', _SERVICES): [('2.1', None, 200, _service_list)],
    ('PUT', _SERVICES + '/force-down'): [('2.11', '2.52', 200,
                                          _forced_down)],
    ('PUT', _SERVICES + '/<service_id>'): [
        ('2.53', None, 200, lambda v: _wrap('service', service(v)))],
    ('GET', _TAGS): [('2.26', None, 200, _tags)],
    ('GET', '/v2.1/limits'): [('2.1', None, 200, quotas.limits)],
    ('GET', '/v2.1/servers/<server_id>/topology'): [
        ('2.78', None, 200, _topology)],
    ('GET', _AGGREGATES): [('2.1', None, 200, _aggregate_list)],
    ('POST', _AGGREGATES): [('2.1', None, 200, lambda v: _wrap(
        'aggregate', aggregate(v, detail=False)))],
    ('GET', _AGGREGATES + '/<aggregate_id>'): [
        ('2.1', None, 200, lambda v: _wrap('aggregate', aggregate(v)))],
    ('PUT', _TAGS): [('2.26', None, 200, _tags)],
    ('GET', _USAGE): [('2.1', None, 200, _usage_list)],
    ('GET', _USAGE + '/<tenant_id>'): [('2.1', None, 200, _usage_show)],
    ('GET', _AUDIT): [('2.1', None, 200, _audit_logs)],
    ('GET', _AUDIT + '/<before_timestamp>'): [
        ('2.1', None, 200, _audit_log_before)],
    ('GET', _HOSTS): [('2.1', '2.42', 200, _host_list)],
    ('GET', _HOSTS + '/<host_name>'): [('2.1', '2.42', 200, _host_show)],
    ('PUT', _HOSTS + '/<host_name>'): [('2.1', '2.42', 200, _host_update)],
    ('GET', _QUOTAS): [('2.1', None, 200, quotas.quota_set(True))],
    ('GET', _QUOTAS + '/defaults'): [
        ('2.1', None, 200, quotas.quota_set(True))],
    ('GET', _QUOTAS + '/detail'): [
        ('2.1', None, 200, quotas.quota_detail)],
    ('PUT', _QUOTAS): [('2.1', None, 200, quotas.quota_set(False))],
    ('DELETE', _QUOTAS): [('2.1', None, 202, None)],
    ('GET', _CLASSES): [
        ('2.1', None, 200, quotas.quota_class_set(True))],
    ('PUT', _CLASSES): [
        ('2.1', None, 200, quotas.quota_class_set(False))],
    ('GET', '/v2.1/os-migrations'): [('2.1', None, 200, _migration_list)],
    ('GET', '/v2.1/servers/<server_id>/migrations'): [
        ('2.23', None, 200, lambda v: _wrap('migrations', {
            'type': 'array', 'items': server_migration(v)}))],
    ('GET', '/v2.1/servers/<server_id>/migrations/<migration_id>'): [
        ('2.23', None, 200, lambda v: _wrap('migration',
                                            server_migration(v)))],
    ('POST', '/v2.1/servers/<server_id>/migrations/<migration_id>/action'):
        [('2.22', None, 202, None)],
    ('DELETE', '/v2.1/servers/<server_id>/migrations/<migration_id>'): [
        ('2.24', None, 202, None)],
    ('GET', _PASSWORD): [
        ('2.1', None, 200, lambda v: _object({'password': _STRING},
                                             ['password']))],
    ('DELETE', _PASSWORD): [('2.1', None, 204, None)],
    ('GET', '/v2.1/servers/<server_id>/diagnostics'): [
        ('2.1', '2.47', 200, _legacy_diagnostics),
        ('2.48', None, 200, _diagnostics)],
}
RESPONSES.update(interfaces.RESPONSES)
RESPONSES.update(volumes.RESPONSES)


def _entry(method, rule, version):
    for first, last, status, function in RESPONSES.get((method, rule), ()):
        if microversion.in_range(version, first, last):
            return status, function
    return None


def statuses(method, rule, version, default):
    """``{status: empty body}`` of a route at ``version`` (``default``,
    read from the handler, when the table does not list the route)."""
    entry = _entry(method, rule, version)
    if entry is None:
        return default
    return {entry[0]: entry[1] is None}


def schema(method, rule, status, version):
    """The response body schema of a route's ``status`` at ``version``,
    or None when the table has none."""
    entry = _entry(method, rule, version)
    if entry is None or entry[0] != status or entry[1] is None:
        return None
    return entry[1](version)
