"""Body of ``PUT /v2.1/os-quota-sets/{project_id}`` (compute API
reference, "Update Quotas", microversion 2.1): new limits (integers or
digit strings, -1 for unlimited) of any quota resource, and ``force`` to
accept limits below the current usage."""
from nova_lite.api import schemas
from nova_lite import quota

#: An integer >= -1, or its decimal string (clients send both).
limit = {'type': ['integer', 'string'], 'minimum': -1,
         'maximum': 2 ** 31 - 1, 'pattern': r'^-?[0-9]{1,10}\Z',
         'maxLength': 11}

_properties = {name: limit for name in quota.RESOURCES}
_properties['force'] = schemas.boolean

update = {
    'type': 'object',
    'properties': {
        'quota_set': {
            'type': 'object',
            'properties': _properties,
            'additionalProperties': False,
        },
    },
    'required': ['quota_set'],
    'additionalProperties': False,
}
