"""Bodies of the ``addFixedIp`` and ``removeFixedIp`` server actions
(compute API reference, "Add (Associate) Fixed Ip (addFixedIp Action)
(DEPRECATED)", "Remove (Disassociate) Fixed Ip (removeFixedIp Action)
(DEPRECATED)"; microversions 2.1-2.43, the handler answers 404 from
2.44):

- ``addFixedIp``: ``{"networkId": id}``, a string or a number of 1-36
  characters (the width of a network id, as Nova's schema);
- ``removeFixedIp``: ``{"address": an IPv4 or IPv6 address}``.
"""

add_fixed_ip = {
    'type': 'object',
    'properties': {
        'networkId': {'type': ['string', 'number'], 'minLength': 1,
                      'maxLength': 36},
    },
    'required': ['networkId'],
    'additionalProperties': False,
}

remove_fixed_ip = {
    'type': 'object',
    'properties': {
        'address': {'type': 'string', 'maxLength': 64,
                    'anyOf': [{'format': 'ipv4'}, {'format': 'ipv6'}]},
    },
    'required': ['address'],
    'additionalProperties': False,
}

ACTIONS = {'addFixedIp': add_fixed_ip, 'removeFixedIp': remove_fixed_ip}
