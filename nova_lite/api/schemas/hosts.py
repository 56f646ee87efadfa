"""Body of ``PUT /v2.1/os-hosts/{host_name}`` (compute API reference,
"Hosts (os-hosts) (DEPRECATED)", microversions 2.1 to 2.42): ``status``
and/or ``maintenance_mode``, each ``enable`` or ``disable`` (in lower,
capitalized or upper case), at the top level of the body."""

_SWITCH = {'type': 'string',
           'enum': ['enable', 'disable', 'Enable', 'Disable', 'ENABLE',
                    'DISABLE']}

update = {
    'type': 'object',
    'properties': {'status': _SWITCH, 'maintenance_mode': _SWITCH},
    'anyOf': [{'required': ['status']},
              {'required': ['maintenance_mode']}],
    'additionalProperties': False,
}
