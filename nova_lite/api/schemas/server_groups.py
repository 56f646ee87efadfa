"""Body of ``POST /v2.1/os-server-groups`` (compute API reference, "Create
Server Group"): the 2.1 format with a ``policies`` list of exactly one
policy; the soft policies (2.15 in Nova) are accepted too.
"""
from nova_lite.api import schemas

POLICIES = ('anti-affinity', 'affinity', 'soft-anti-affinity',
            'soft-affinity')

create = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': schemas.name,
                'policies': {
                    'type': 'array', 'minItems': 1, 'maxItems': 1,
                    'items': {'type': 'string', 'enum': list(POLICIES)},
                },
            },
            'required': ['name', 'policies'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}
