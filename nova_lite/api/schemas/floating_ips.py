"""Bodies of the compute API's floating IP proxies (compute API
reference, "Floating IPs (os-floating-ips) (DEPRECATED)", microversions
2.1-2.35): ``POST /os-floating-ips`` takes an optional ``pool`` (the
name of an external network); the server actions ``addFloatingIp``
(``address``, optional ``fixed_address``) and ``removeFloatingIp``
(``address``), until 2.43 (the handler answers 404 from 2.44)."""

_ADDRESS = {'type': 'string', 'minLength': 1, 'maxLength': 64}

create = {
    'type': 'object',
    'properties': {'pool': {'type': ['string', 'null'], 'maxLength': 255}},
    'additionalProperties': False,
}

add_floating_ip = {
    'type': 'object',
    'properties': {'address': _ADDRESS, 'fixed_address': _ADDRESS},
    'required': ['address'],
    'additionalProperties': False,
}

remove_floating_ip = {
    'type': 'object',
    'properties': {'address': _ADDRESS},
    'required': ['address'],
    'additionalProperties': False,
}

ACTIONS = {'addFloatingIp': add_floating_ip,
           'removeFloatingIp': remove_floating_ip}
