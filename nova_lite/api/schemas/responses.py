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
from nova_lite.api.openstack.compute.views import limits as views

_STRING = {'type': 'string'}
_NULLABLE_STRING = {'type': ['string', 'null']}
_LINKS = {'type': 'array', 'items': {
    'type': 'object',
    'properties': {'rel': _STRING, 'href': _STRING, 'type': _STRING},
    'required': ['rel', 'href'], 'additionalProperties': False}}


def _at_least(version, text):
    return version >= microversion.parse(text)


def _object(properties, required=None, extra=False):
    return {'type': 'object', 'properties': properties,
            'required': sorted(properties) if required is None
            else required,
            'additionalProperties': extra}


def _wrap(key, schema):
    return _object({key: schema})


# ---------------------------------------------------------------- flavors

_EXTRA_SPECS = {'type': 'object',
                'additionalProperties': {'type': 'string'}}


def flavor(version):
    """Show Flavor Details (compute API reference, "Flavors");
    ``description`` from 2.55."""
    properties = {
        'id': _STRING, 'name': _STRING, 'links': _LINKS,
        'ram': {'type': 'integer'}, 'disk': {'type': 'integer'},
        'vcpus': {'type': 'integer'},
        'OS-FLV-EXT-DATA:ephemeral': {'type': 'integer'},
        'OS-FLV-DISABLED:disabled': {'type': 'boolean'},
        'swap': {'type': 'integer'} if _at_least(version, '2.75')
        else {'type': ['integer', 'string']},
        'rxtx_factor': {'type': 'number'},
        'os-flavor-access:is_public': {'type': 'boolean'},
    }
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


# ------------------------------------------------------------------ limits

def absolute_limit_names(version):
    """The ``absolute`` keys of Show Rate And Absolute Limits: 19 at 2.1;
    the network limits go at 2.36, ``maxImageMeta`` at 2.39,
    ``maxPersonality`` and ``maxPersonalitySize`` at 2.57."""
    names = {name for name, _res in views.MAX_LIMITS + views.USED_LIMITS}
    if _at_least(version, '2.36'):
        names -= views.NETWORK_LIMITS
    if _at_least(version, '2.39'):
        names.discard('maxImageMeta')
    if _at_least(version, '2.57'):
        names -= {'maxPersonality', 'maxPersonalitySize'}
    return names


def _limits(version):
    absolute = _object({name: {'type': 'integer'}
                        for name in absolute_limit_names(version)})
    return _wrap('limits', _object({
        'absolute': absolute, 'rate': {'type': 'array', 'maxItems': 0}}))


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
    ('GET', '/v2.1/limits'): [('2.1', None, 200, _limits)],
    ('GET', '/v2.1/servers/<server_id>/topology'): [
        ('2.78', None, 200, _topology)],
    ('GET', _AGGREGATES): [('2.1', None, 200, _aggregate_list)],
    ('POST', _AGGREGATES): [('2.1', None, 200, lambda v: _wrap(
        'aggregate', aggregate(v, detail=False)))],
    ('GET', _AGGREGATES + '/<aggregate_id>'): [
        ('2.1', None, 200, lambda v: _wrap('aggregate', aggregate(v)))],
    ('PUT', _TAGS): [('2.26', None, 200, _tags)],
}


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
