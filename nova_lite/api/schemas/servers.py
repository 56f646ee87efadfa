"""Bodies of ``POST /v2.1/servers`` and ``PUT /v2.1/servers/{id}``.

Fields and their types follow the compute API reference, "Create Server"
and "Update Server", at microversion 2.1; from 2.19 both take
``description`` (null or at most 255 printable characters).  From 2.37
create requires ``networks``: a list of networks, ``auto`` (the
project's usable network) or ``none`` (no network).  Before 2.37
``networks`` may be omitted (the flat network); the two strings are
accepted there too, as clients send them, and network uuids are UUIDs at
every version.  From 2.52 create takes ``tags`` (at most 50 server
tags, as in ``PUT /servers/{id}/tags``); at 2.32 and from 2.42 each
item of ``networks`` takes a device ``tag`` (doc/interfaces.md); from
2.74 ``host`` and
``hypervisor_hostname`` (the requested destination, admins by default).
From 2.90 create and update take ``hostname`` (the guest's host name: a
DNS label of 2-63 letters, digits and '-', from 2.94 a fully qualified
name of up to 255 letters, digits, '-', '_' and '.'); from 2.104 update
takes ``pinned_availability_zone`` (a zone name, or null to unpin).
"""
import copy

from nova_lite.api import schemas
from nova_lite.api.schemas import server_tags

#: Largest ``max_count`` of one request (quota is the finer limit).
MAX_COUNT = 1000

# accessIPv4/accessIPv6: addresses the user declares for the server.
ACCESS_IPV4 = {'type': 'string', 'format': 'ipv4', 'maxLength': 15}
ACCESS_IPV6 = {'type': 'string', 'format': 'ipv6', 'maxLength': 45}

_network = {
    'type': 'object',
    'properties': {
        'uuid': schemas.uuid_string,
        'port': {'type': ['string', 'null'], 'format': 'uuid',
                 'maxLength': 36},
        'fixed_ip': {'type': 'string', 'maxLength': 64,
                     'anyOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]},
    },
    'additionalProperties': False,
}

_block_device_mapping = {
    'type': 'object',
    'properties': {
        'source_type': {'type': 'string',
                        'enum': ['volume', 'image', 'snapshot', 'blank']},
        'destination_type': {'type': 'string', 'enum': ['local', 'volume']},
        'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': r'^[a-zA-Z0-9._-]*\Z'},
        'boot_index': {'type': ['integer', 'string', 'null'],
                       'pattern': r'^-?[0-9]{1,4}\Z', 'maxLength': 5,
                       'minimum': -1, 'maximum': 9999},
        'volume_size': schemas.non_negative_int(),
        'delete_on_termination': schemas.boolean,
        'device_name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                        'pattern': r'^[a-zA-Z0-9._/-]*\Z'},
        'disk_bus': {'type': 'string', 'maxLength': 255},
        'device_type': {'type': 'string', 'maxLength': 255},
        'guest_format': {'type': 'string', 'maxLength': 255},
        'no_device': {'type': ['boolean', 'null']},
    },
    'additionalProperties': False,
}

#: An item of the legacy ``block_device_mapping`` (compute API
#: reference, "Create Server": the v1 syntax; volumes and snapshots).
_legacy_block_device_mapping = {
    'type': 'object',
    'properties': {
        'virtual_name': {'type': 'string', 'maxLength': 255},
        'volume_id': schemas.uuid_string,
        'snapshot_id': schemas.uuid_string,
        'volume_size': schemas.non_negative_int(),
        'device_name': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                        'pattern': r'^[a-zA-Z0-9._/-]*\Z'},
        'delete_on_termination': schemas.boolean,
        'no_device': {'type': ['boolean', 'null']},
        'connection_info': {'type': 'string', 'maxLength': 16384},
    },
    'additionalProperties': False,
}

_hint_value = {
    'oneOf': [
        {'type': 'string', 'maxLength': 255},
        {'type': 'array', 'maxItems': 64,
         'items': {'type': 'string', 'maxLength': 255}},
    ],
}

#: Scheduler hints are free-form (filters may define their own), but
#: bounded: at most 32 hints of bounded strings or lists of them.
scheduler_hints = {
    'type': 'object',
    'properties': {
        'group': schemas.uuid_string,
        'same_host': {'oneOf': [
            schemas.uuid_string,
            {'type': 'array', 'maxItems': 64, 'items': schemas.uuid_string}]},
        'different_host': {'oneOf': [
            schemas.uuid_string,
            {'type': 'array', 'maxItems': 64, 'items': schemas.uuid_string}]},
    },
    'additionalProperties': _hint_value,
    'maxProperties': 32,
}

_server = {
    'type': 'object',
    'properties': {
        'name': schemas.name,
        'imageRef': {'type': 'string', 'maxLength': 255},
        'flavorRef': {'type': ['string', 'integer'], 'minLength': 1,
                      'maxLength': 255},
        'min_count': schemas.positive_count(MAX_COUNT),
        'max_count': schemas.positive_count(MAX_COUNT),
        'return_reservation_id': schemas.boolean,
        'metadata': schemas.metadata,
        'availability_zone': schemas.name,
        'user_data': {'type': 'string', 'format': 'base64',
                      'maxLength': 65535},
        'key_name': schemas.name,
        'networks': {'oneOf': [
            {'type': 'array', 'items': _network, 'maxItems': 64},
            {'type': 'string', 'enum': ['auto', 'none']}]},
        'security_groups': {
            'type': 'array', 'maxItems': 64,
            'items': {'type': 'object',
                      'properties': {'name': schemas.name},
                      'required': ['name'],
                      'additionalProperties': False}},
        'block_device_mapping_v2': {
            'type': 'array', 'maxItems': 64, 'items': _block_device_mapping},
        'block_device_mapping': {
            'type': 'array', 'maxItems': 64,
            'items': _legacy_block_device_mapping},
        'adminPass': {'type': 'string', 'maxLength': 255},
        'config_drive': schemas.boolean,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'accessIPv4': ACCESS_IPV4,
        'accessIPv6': ACCESS_IPV6,
    },
    'required': ['name', 'flavorRef'],
    'additionalProperties': False,
}

#: A server description (microversion 2.19): null, or up to 255
#: characters without control characters (may be empty).
DESCRIPTION = {'type': ['string', 'null'], 'maxLength': 255,
               'pattern': r'^[^\x00-\x1f\x7f]*\Z'}

_create_2_1 = {
    'type': 'object',
    'properties': {
        'server': _server,
        'os:scheduler_hints': scheduler_hints,
        'OS-SCH-HNT:scheduler_hints': scheduler_hints,
    },
    'required': ['server'],
    'additionalProperties': False,
}

_update_2_1 = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': schemas.name,
                'accessIPv4': ACCESS_IPV4,
                'accessIPv6': ACCESS_IPV6,
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}

_create_2_19 = schemas.extend(_create_2_1, ('server',),
                              description=DESCRIPTION)


def _networks_required(schema):
    """``schema`` with ``server/networks`` required (2.37)."""
    result = copy.deepcopy(schema)
    result['properties']['server']['required'].append('networks')
    return result


_create_2_37 = _networks_required(_create_2_19)
_create_2_52 = schemas.extend(_create_2_37, ('server',), tags={
    'type': 'array', 'items': server_tags.TAG,
    'maxItems': server_tags.MAX_TAGS})

#: A compute host or node name (2.74's ``host``,
#: ``hypervisor_hostname``).
HOSTNAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
            'pattern': r'^[a-zA-Z0-9._-]+\Z'}

#: 2.90's guest ``hostname``: one DNS label of 2-63 characters.
GUEST_HOSTNAME = {'type': 'string', 'minLength': 2, 'maxLength': 63,
                  'pattern': r'^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+\Z'}
#: 2.94's: a fully qualified name (underscores are tolerated, as real
#: host names sometimes hold them).
GUEST_FQDN = {'type': 'string', 'minLength': 1, 'maxLength': 255,
              'pattern': r'^[a-zA-Z0-9._-]*\Z'}

_create_2_74 = schemas.extend(_create_2_52, ('server',), host=HOSTNAME,
                              hypervisor_hostname=HOSTNAME)
_update_2_19 = schemas.extend(_update_2_1, ('server',),
                              description=DESCRIPTION)
_update_2_94 = schemas.extend(_update_2_19, ('server',),
                              hostname=GUEST_FQDN)

_create = schemas.Versioned(
    ('2.1', '2.18', _create_2_1),
    ('2.19', '2.36', _create_2_19),
    ('2.37', '2.51', _create_2_37),
    ('2.52', '2.73', _create_2_52),
    ('2.74', '2.89', _create_2_74),
    ('2.90', '2.93', schemas.extend(_create_2_74, ('server',),
                                    hostname=GUEST_HOSTNAME)),
    ('2.94', None, schemas.extend(_create_2_74, ('server',),
                                  hostname=GUEST_FQDN)))
#: The versions where a NIC of ``networks`` and an item of
#: ``block_device_mapping_v2`` take a device ``tag`` (compute API
#: reference, "Create Server": new in 2.32, dropped by 2.33, back in
#: 2.42); from 2.67 a mapping takes ``volume_type``.
_NETWORK_TAG_BOUNDS = ((2, 32), (2, 33), (2, 42), (2, 67))


def _with_network_tag(schema, first):
    """``schema`` with ``networks[].tag`` when the range starting at
    ``first`` has it (2.32, and 2.42 on)."""
    key = schemas.version_key(first)
    if key != (2, 32) and key < (2, 42):
        return schema
    result = copy.deepcopy(schema)
    props = result['properties']['server']['properties']
    networks = props['networks']
    networks['oneOf'][0]['items']['properties']['tag'] = server_tags.TAG
    bdm = props['block_device_mapping_v2']['items']['properties']
    bdm['tag'] = server_tags.TAG
    if key >= (2, 67):
        bdm['volume_type'] = {'type': ['string', 'null'], 'minLength': 0,
                              'maxLength': 255}
    return result


create = schemas.split_at(_create, _NETWORK_TAG_BOUNDS, _with_network_tag)
#: ``POST /os-volumes_boot``: server create under another name, served
#: until 2.102 (2.103 removed it: 404).
volumes_boot = schemas.Versioned(*[
    (first, '2.102' if last is None else last, schema)
    for first, last, schema in create.ranges
    if schemas.version_key(first) <= (2, 102)])
update = schemas.Versioned(
    ('2.1', '2.18', _update_2_1),
    ('2.19', '2.89', _update_2_19),
    ('2.90', '2.93', schemas.extend(_update_2_19, ('server',),
                                    hostname=GUEST_HOSTNAME)),
    ('2.94', '2.103', _update_2_94),
    ('2.104', None, schemas.extend(_update_2_94, ('server',),
                                   pinned_availability_zone={
                                       'oneOf': [schemas.name,
                                                 {'type': 'null'}]})))
