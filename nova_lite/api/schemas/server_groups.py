"""Body of ``POST /v2.1/os-server-groups`` (compute API reference, "Create
Server Group"): the 2.1 format with a ``policies`` list of exactly one
policy.  ``affinity`` and ``anti-affinity`` at every version; the soft
policies ``soft-affinity`` and ``soft-anti-affinity`` from microversion
2.15 (a 400 before).  From 2.64 the body names one ``policy`` (no
``policies``) and may give ``rules``: ``max_server_per_host`` (a positive
integer), for the anti-affinity policy only (the handler's 400).
"""
from nova_lite.api import schemas

HARD_POLICIES = ('anti-affinity', 'affinity')
SOFT_POLICIES = ('soft-anti-affinity', 'soft-affinity')
POLICIES = HARD_POLICIES + SOFT_POLICIES


def _create(policies):
    return {
        'type': 'object',
        'properties': {
            'server_group': {
                'type': 'object',
                'properties': {
                    'name': schemas.name,
                    'policies': {
                        'type': 'array', 'minItems': 1, 'maxItems': 1,
                        'items': {'type': 'string',
                                  'enum': list(policies)},
                    },
                },
                'required': ['name', 'policies'],
                'additionalProperties': False,
            },
        },
        'required': ['server_group'],
        'additionalProperties': False,
    }



_create_2_64 = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': schemas.name,
                'policy': {'type': 'string', 'enum': list(POLICIES)},
                'rules': {
                    'type': 'object',
                    'properties': {
                        'max_server_per_host':
                            schemas.positive_count(2 ** 31 - 1),
                    },
                    'additionalProperties': False,
                },
            },
            'required': ['name', 'policy'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}

create = schemas.Versioned(('2.1', '2.14', _create(HARD_POLICIES)),
                           ('2.15', '2.63', _create(POLICIES)),
                           ('2.64', None, _create_2_64))
