"""Bodies of the server metadata routes (compute API reference, "Server
metadata"): ``{"metadata": {...}}`` to merge (POST) or replace (PUT) all
items, ``{"meta": {key: value}}`` with exactly one item to set one key.
"""
from nova_lite.api import schemas

update = {
    'type': 'object',
    'properties': {'metadata': schemas.metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

update_all = update

update_item = {
    'type': 'object',
    'properties': {
        'meta': dict(schemas.metadata, minProperties=1, maxProperties=1),
    },
    'required': ['meta'],
    'additionalProperties': False,
}
