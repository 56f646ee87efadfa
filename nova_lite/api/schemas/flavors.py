"""Body of ``POST /v2.1/flavors`` (compute API reference, "Create
Flavor", microversion 2.1).

``ram`` (MiB) and ``vcpus`` are at least 1; ``disk``, ephemeral and
``swap`` (GiB, GiB, MiB) at least 0; they may be integers or strings of
digits.  ``id`` is optional (a UUID is generated when absent or null).
From microversion 2.55 create takes ``description`` and ``PUT
/v2.1/flavors/{id}`` sets it: null or at most 65535 characters without
control characters other than tab, newline and carriage return.  From
2.102 create no longer takes ``rxtx_factor``.
"""
import copy

from nova_lite.api import schemas

_INT_MAX = 2 ** 31 - 1

_positive = {'type': ['integer', 'string'], 'minimum': 1,
             'maximum': _INT_MAX, 'maxLength': 10,
             'pattern': r'^[0-9]{1,10}\Z'}

_create_2_1 = {
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

#: A flavor description (microversion 2.55).
DESCRIPTION = {'type': ['string', 'null'], 'maxLength': 65535,
               'pattern': r'^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*\Z'}

_create_2_55 = schemas.extend(_create_2_1, ('flavor',),
                              description=DESCRIPTION)


def _without_rxtx_factor(schema):
    result = copy.deepcopy(schema)
    del result['properties']['flavor']['properties']['rxtx_factor']
    return result


create = schemas.Versioned(
    ('2.1', '2.54', _create_2_1),
    ('2.55', '2.101', _create_2_55),
    ('2.102', None, _without_rxtx_factor(_create_2_55)))

#: PUT /v2.1/flavors/{flavor_id} (from 2.55).
update = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': DESCRIPTION},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}
