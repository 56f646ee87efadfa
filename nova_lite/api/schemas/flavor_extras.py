"""Bodies of the flavor extra specs and flavor access requests (compute
API reference, "Flavors extra-specs" and "Flavors access").

Extra spec keys are 1-255 characters of ``[a-zA-Z0-9-_:. ]``; values are
strings of at most 255 characters, numbers or booleans (stored as their
string).  ``PUT .../os-extra_specs/{key}`` takes exactly that one key.
The flavor action takes exactly one of ``addTenantAccess`` and
``removeTenantAccess``, each with a ``tenant`` (a project id).
"""
KEY_PATTERN = r'^[a-zA-Z0-9-_:. ]{1,255}\Z'

_value = {'type': ['string', 'number', 'boolean'], 'maxLength': 255}

_specs = {
    'type': 'object',
    'patternProperties': {KEY_PATTERN: _value},
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {'extra_specs': dict(_specs, minProperties=1)},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

update = dict(_specs, minProperties=1, maxProperties=1)

_tenant = {
    'type': 'object',
    'properties': {'tenant': {'type': 'string', 'minLength': 1,
                              'maxLength': 255,
                              'pattern': r'^[a-zA-Z0-9_.-]{1,255}\Z'}},
    'required': ['tenant'],
    'additionalProperties': False,
}

action = {
    'type': 'object',
    'properties': {'addTenantAccess': _tenant,
                   'removeTenantAccess': _tenant},
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': False,
}
