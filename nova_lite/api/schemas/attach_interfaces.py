"""Bodies of the port interfaces API (compute API reference, "Port
interfaces (servers, os-interface)", "Create Interface"):
``{"interfaceAttachment": {"net_id"?, "port_id"?, "fixed_ips"?}}``;
``fixed_ips`` is one ``{"ip_address"}`` (it needs ``net_id``, the
handler's 400); ``tag`` from 2.49 (1-60 characters without ``/`` or
``,``, as server tags)."""
from nova_lite.api import schemas
from nova_lite.api.schemas import server_tags

_FIXED_IP = {
    'type': 'object',
    'properties': {
        'ip_address': {'type': 'string', 'maxLength': 64,
                       'anyOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]},
    },
    'required': ['ip_address'],
    'additionalProperties': False,
}

_create_2_1 = {
    'type': 'object',
    'properties': {
        'interfaceAttachment': {
            'type': 'object',
            'properties': {
                'net_id': schemas.uuid_string,
                'port_id': schemas.uuid_string,
                'fixed_ips': {'type': 'array', 'minItems': 1,
                              'maxItems': 1, 'items': _FIXED_IP},
            },
            'additionalProperties': False,
        },
    },
    'additionalProperties': False,
}

#: A NIC's device tag (compute API 2.49).
TAG = server_tags.TAG

create = schemas.Versioned(
    ('2.1', '2.48', _create_2_1),
    ('2.49', None, schemas.extend(_create_2_1, ('interfaceAttachment',),
                                  tag=TAG)),
)
