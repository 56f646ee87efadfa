"""Body of ``POST /v2.1/flavors`` (compute API reference, "Create
Flavor", microversion 2.1).

``ram`` (MiB) and ``vcpus`` are at least 1; ``disk``, ephemeral and
``swap`` (GiB, GiB, MiB) at least 0; they may be integers or strings of
digits.  ``id`` is optional (a UUID is generated when absent or null).
"""
from nova_lite.api import schemas

_INT_MAX = 2 ** 31 - 1

_positive = {'type': ['integer', 'string'], 'minimum': 1,
             'maximum': _INT_MAX, 'maxLength': 10,
             'pattern': r'^[0-9]{1,10}\Z'}

create = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': schemas.name,
                # An integer id is accepted as its decimal string (the
                # compute API's flavor create; Tempest sends integers).
                'id': {'type': ['string', 'integer', 'null'], 'minLength': 1,
                       'maxLength': 255,
                       'pattern': r'^(?! )[a-zA-Z0-9. _-]+(?<! )\Z'},
                'ram': _positive,
                'vcpus': _positive,
                'disk': schemas.non_negative_int(_INT_MAX),
                'OS-FLV-EXT-DATA:ephemeral':
                    schemas.non_negative_int(_INT_MAX),
                'swap': schemas.non_negative_int(_INT_MAX),
                'rxtx_factor': {'type': ['number', 'string'],
                                'exclusiveMinimum': 0,
                                'maximum': 3.40282e38, 'maxLength': 21,
                                'pattern': r'^[0-9]{1,10}(\.[0-9]{1,10})?\Z'},
                'os-flavor-access:is_public': schemas.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}
