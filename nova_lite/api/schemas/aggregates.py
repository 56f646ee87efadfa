"""Bodies of ``/v2.1/os-aggregates`` (compute API reference, "Host
Aggregates (os-aggregates)", microversion 2.1).

Names and zones are 1-255 printable characters; a zone may not contain
':' (it separates zone and host in ``zone:host`` requests). Metadata keys
follow the aggregate metadata rules of the reference (``[a-zA-Z0-9-_:. ]``,
1-255 characters); a null value deletes the key.
"""
from nova_lite.api import schemas

_zone = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255,
         'pattern': r'^(?=.*\S)[^\x00-\x1f\x7f:]+\Z'}

_host = {
    'type': 'object',
    'properties': {'host': dict(schemas.name)},
    'required': ['host'],
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {'name': schemas.name, 'availability_zone': _zone},
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {'name': schemas.name, 'availability_zone': _zone},
            'minProperties': 1,
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

_metadata = {
    'type': 'object',
    'patternProperties': {
        r'^[a-zA-Z0-9-_:. ]{1,255}\Z': {'type': ['string', 'null'],
                                        'maxLength': 255},
    },
    'additionalProperties': False,
    'maxProperties': 128,
}

#: The three actions of ``POST /os-aggregates/{id}/action``, one per body.
ACTIONS = {
    'add_host': _host,
    'remove_host': _host,
    'set_metadata': {
        'type': 'object',
        'properties': {'metadata': _metadata},
        'required': ['metadata'],
        'additionalProperties': False,
    },
}

action = {
    'type': 'object',
    'properties': ACTIONS,
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': False,
}

#: POST /os-aggregates/{id}/images (microversion 2.81): the images to
#: cache, each once.
cache_images = {
    'type': 'object',
    'properties': {
        'cache': {
            'type': 'array', 'minItems': 1, 'maxItems': 1000,
            'uniqueItems': True,
            'items': {
                'type': 'object',
                'properties': {'id': schemas.uuid_string},
                'required': ['id'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['cache'],
    'additionalProperties': False,
}
