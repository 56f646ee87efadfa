"""JSON schemas of the compute API request bodies and their validator.

One schema per body-taking route (``route_schemas()``), or a
``Versioned`` list of schemas by microversion range where a version
changes the body; written for JSON Schema draft 7 with
``additionalProperties: false`` on every object whose keys are not
free-form.  Field rules (lengths, patterns, count types) follow the
compute API reference at each schema's microversions.

A validation failure is a 400 whose message names the field, e.g.
``Invalid input for field/attribute server/name. Value: ''. '' should be
non-empty``.
"""
import base64
import binascii

import jsonschema
from oslo_utils import uuidutils

from nova_lite import exception

#: Fields whose values never appear in error messages (or logs).
SECRET_FIELDS = frozenset({'adminPass', 'user_data'})

#: Printable, 1-255 characters, not only whitespace, no control chars.
NAME_PATTERN = r'^(?=.*\S)[^\x00-\x1f\x7f]+\Z'

name = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': NAME_PATTERN}

#: An id in a request body (flavor, key pair, ...): 1-255 characters.
string_id = {'type': 'string', 'minLength': 1, 'maxLength': 255}

uuid_string = {'type': 'string', 'format': 'uuid', 'maxLength': 36}

#: Booleans as the compute API accepts them: JSON booleans or the usual
#: strings ('true', 'False', '1', 'yes', 'on', ...).
_TRUE = ['true', 'True', 'TRUE', '1', 'yes', 'Yes', 'YES', 'on', 'On', 'ON',
         't', 'y']
_FALSE = ['false', 'False', 'FALSE', '0', 'no', 'No', 'NO', 'off', 'Off',
          'OFF', 'f', 'n']
boolean = {'type': ['boolean', 'string'], 'enum': [True, False] + _TRUE +
           _FALSE}


def positive_count(maximum):
    """An integer 1..maximum, or a string of digits (checked again by the
    handler once converted)."""
    return {'type': ['integer', 'string'], 'minimum': 1,
            'maximum': maximum, 'maxLength': 10,
            'pattern': r'^[1-9][0-9]{0,9}\Z'}


def non_negative_int(maximum=2 ** 31 - 1, allow_string=True):
    """An integer 0..maximum (optionally also as a string of digits)."""
    schema = {'type': ['integer', 'string'] if allow_string else 'integer',
              'minimum': 0, 'maximum': maximum}
    if allow_string:
        schema.update(pattern=r'^[0-9]{1,10}\Z', maxLength=10)
    return schema


#: Server metadata: keys of 1-255 characters of ``[a-zA-Z0-9-_:. ]``,
#: string values of at most 255 characters.  The number of items is the
#: ``metadata_items`` quota's to refuse (403, as the compute API does),
#: and ``[api] max_request_body_size`` bounds the body.
metadata = {
    'type': 'object',
    'patternProperties': {
        r'^[a-zA-Z0-9-_:. ]{1,255}\Z': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}


# ------------------------------------------------------- microversions

class Versioned:
    """The request schemas of one route by microversion range.

    ``Versioned(('2.1', '2.18', old), ('2.19', None, new))``: each range
    is ``(first, last or None)``, inclusive, as the compute API
    reference's "New in version" / "Available until" notes; a version no
    range covers has no body schema (the route is not served there).
    """

    def __init__(self, *ranges):
        self.ranges = tuple(ranges)

    def at(self, version):
        """The schema of ``version`` (an APIVersion), or None."""
        from nova_lite.api import microversion
        for minimum, maximum, schema in self.ranges:
            if microversion.in_range(version, minimum, maximum):
                return schema
        return None


def version_key(version):
    """``'2.56'`` as ``(2, 56)``, for ordering microversions."""
    major, minor = version.split('.')
    return int(major), int(minor)


def at_version(table, version):
    """The schema of ``table`` (``(first, last or None, schema)``
    triples, inclusive) that covers ``version`` (a '2.N' string).

    :raises: ValueError when none does
    """
    for first, last, schema in table:
        if version_key(first) <= version_key(version) and (
                last is None or version_key(version) <= version_key(last)):
            return schema
    raise ValueError('no schema at %s' % version)


def split_at(entry, bounds, transform):
    """``entry`` (a ``Versioned``) with each range cut at the versions
    ``bounds`` (``(major, minor)`` tuples, sorted) that fall inside it,
    and each piece's schema replaced by ``transform(schema, first
    version of the piece)``: how action tables whose own schemas change
    at other versions (shelve, migrate) join a route's ranges."""
    ranges = []
    for first, last, schema in entry.ranges:
        cuts = [first] + ['%d.%d' % b for b in bounds
                          if version_key(first) < b and (
                              last is None or b <= version_key(last))]
        for index, start in enumerate(cuts):
            if index + 1 < len(cuts):
                major, minor = version_key(cuts[index + 1])
                end = '%d.%d' % (major, minor - 1)
            else:
                end = last
            ranges.append((start, end, transform(schema, start)))
    return Versioned(*ranges)


def all_schemas(entry):
    """Every schema of a ``route_schemas()`` entry (one, or one per
    version range)."""
    if isinstance(entry, Versioned):
        return [schema for _first, _last, schema in entry.ranges]
    return [entry]


def for_version(entry, version):
    """The schema of a ``route_schemas()`` entry at ``version``."""
    if isinstance(entry, Versioned):
        return entry.at(version)
    return entry


def extend(schema, path, **properties):
    """A deep copy of ``schema`` with ``properties`` added to the object
    at ``path`` (a tuple of property names), for a version that adds
    body fields."""
    import copy
    result = copy.deepcopy(schema)
    node = result
    for key in path:
        node = node['properties'][key]
    node['properties'].update(copy.deepcopy(properties))
    return result


# ---------------------------------------------------------------- formats

FORMAT_CHECKER = jsonschema.FormatChecker()


@FORMAT_CHECKER.checks('uuid')
def _is_uuid(value):
    return not isinstance(value, str) or uuidutils.is_uuid_like(value)


@FORMAT_CHECKER.checks('base64', raises=(binascii.Error, ValueError))
def _is_base64(value):
    if not isinstance(value, str):
        return True
    base64.b64decode(value.replace('\n', '').replace('\r', ''),
                     validate=True)
    return True


# -------------------------------------------------------------- validation

def _redacted(value):
    """``value`` with the values of SECRET_FIELDS keys replaced by '***'
    at any depth."""
    if isinstance(value, dict):
        return {k: '***' if k in SECRET_FIELDS else _redacted(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def _shown_value(error):
    if any(part in SECRET_FIELDS for part in error.absolute_path):
        return '***'
    text = repr(_redacted(error.instance))
    return text if len(text) <= 80 else text[:77] + '...'


def _message(error):
    """Nova-style message naming the field of a jsonschema error."""
    field = '/'.join(str(p) for p in error.absolute_path) or 'body'
    reason = error.message
    if any(part in SECRET_FIELDS for part in error.absolute_path):
        reason = 'invalid value (%s)' % error.validator
    if error.validator == 'format':
        reason = "'%s' is not a valid %s" % (
            field.rsplit('/', 1)[-1], error.validator_value)
    elif error.validator == 'pattern' and \
            error.validator_value == NAME_PATTERN:
        reason = 'must be printable and not only whitespace'
    return 'Invalid input for field/attribute %s. Value: %s. %s' % (
        field, _shown_value(error), reason)


def validate(schema, body):
    """Validate ``body`` against ``schema``.

    :raises: ValidationError (400) with a message naming the field
    """
    validator = jsonschema.Draft7Validator(schema,
                                           format_checker=FORMAT_CHECKER)
    error = jsonschema.exceptions.best_match(validator.iter_errors(body))
    if error is not None:
        raise exception.ValidationError(_message(error))


#: (method, Flask rule) of the PUT/POST routes that take no body (the
#: compute API reference documents none): no schema, nothing parsed.
BODYLESS = frozenset({
    ('PUT', '/v2.1/servers/<server_id>/tags/<tag>'),
})


def route_schemas():
    """``{(method, Flask rule): schema}`` of every body-taking route.

    The app validates each request of these routes before its handler
    runs; a meta-test checks every POST/PUT route is listed.
    """
    from nova_lite.api.schemas import aggregates
    from nova_lite.api.schemas import attach_interfaces
    from nova_lite.api.schemas import compute_volumes
    from nova_lite.api.schemas import flavor_extras
    from nova_lite.api.schemas import flavors
    from nova_lite.api.schemas import hosts
    from nova_lite.api.schemas import keypairs
    from nova_lite.api.schemas import migrate_server
    from nova_lite.api.schemas import quota_sets
    from nova_lite.api.schemas import remote_consoles
    from nova_lite.api.schemas import security_groups
    from nova_lite.api.schemas import floating_ips
    from nova_lite.api.schemas import server_groups
    from nova_lite.api.schemas import server_image_actions
    from nova_lite.api.schemas import server_actions
    from nova_lite.api.schemas import server_metadata
    from nova_lite.api.schemas import server_tags
    from nova_lite.api.schemas import shelve_actions
    from nova_lite.api.schemas import servers
    from nova_lite.api.schemas import services
    from nova_lite.api.schemas import volume_attachments

    server = '/v2.1/servers/<server_id>'
    flavor = '/v2.1/flavors/<flavor_id>'
    return {
        ('POST', '/v2.1/servers'): servers.create,
        ('POST', '/v2.1/os-volumes_boot'): servers.volumes_boot,
        ('PUT', server): servers.update,
        ('POST', server + '/action'): migrate_server.with_move_actions(
            remote_consoles.with_console_actions(
                shelve_actions.with_shelve_actions(
                    server_image_actions.with_image_actions(Versioned(
                        ('2.1', '2.72', server_actions.action),
                        ('2.73', None, server_actions.action_2_73)))))),
        ('POST', server + '/remote-consoles'): remote_consoles.create,
        ('POST', server + '/migrations/<migration_id>/action'):
            migrate_server.force_complete,
        ('POST', server + '/metadata'): server_metadata.update,
        ('PUT', server + '/metadata'): server_metadata.update_all,
        ('PUT', server + '/metadata/<key>'): server_metadata.update_item,
        ('PUT', server + '/tags'): server_tags.update_all,
        ('POST', server + '/os-interface'): attach_interfaces.create,
        ('POST', server + '/os-volume_attachments'):
            volume_attachments.create,
        ('PUT', server + '/os-volume_attachments/<volume_id>'):
            volume_attachments.update,
        ('POST', '/v2.1/flavors'): flavors.create,
        ('PUT', '/v2.1/flavors/<flavor_id>'): flavors.update,
        ('POST', flavor + '/os-extra_specs'): flavor_extras.create,
        ('PUT', flavor + '/os-extra_specs/<key>'): flavor_extras.update,
        ('POST', flavor + '/action'): flavor_extras.action,
        ('POST', '/v2.1/os-aggregates'): aggregates.create,
        ('PUT', '/v2.1/os-aggregates/<aggregate_id>'): aggregates.update,
        ('POST', '/v2.1/os-aggregates/<aggregate_id>/images'):
            aggregates.cache_images,
        ('POST', '/v2.1/os-aggregates/<aggregate_id>/action'):
            aggregates.action,
        ('POST', '/v2.1/os-server-groups'): server_groups.create,
        ('POST', '/v2.1/os-keypairs'): keypairs.create,
        ('PUT', '/v2.1/os-quota-sets/<project_id>'): quota_sets.update,
        ('PUT', '/v2.1/os-quota-class-sets/<class_name>'):
            quota_sets.update_class,
        ('PUT', '/v2.1/os-services/enable'): services.enable,
        ('PUT', '/v2.1/os-services/disable'): services.disable,
        ('PUT', '/v2.1/os-services/disable-log-reason'):
            services.disable_log_reason,
        ('PUT', '/v2.1/os-services/force-down'): services.force_down,
        ('PUT', '/v2.1/os-hosts/<host_name>'): hosts.update,
        ('PUT', '/v2.1/os-services/<service_id>'): services.update,
        ('POST', '/v2.1/os-security-groups'): security_groups.group,
        ('PUT', '/v2.1/os-security-groups/<group_id>'):
            security_groups.group,
        ('POST', '/v2.1/os-security-group-rules'): security_groups.rule,
        ('POST', '/v2.1/os-floating-ips'): floating_ips.create,
        ('POST', '/v2.1/os-tenant-networks'):
            security_groups.tenant_network,
        ('POST', '/v2.1/os-volumes'): compute_volumes.create_volume,
        ('POST', '/v2.1/os-snapshots'): compute_volumes.create_snapshot,
    }
