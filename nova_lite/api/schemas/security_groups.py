"""Bodies of the compute API's security group proxies (compute API
reference, "Security groups (os-security-groups) (DEPRECATED)",
"Rules for security group (os-security-group-rules) (DEPRECATED)",
microversions 2.1-2.35), of ``os-tenant-networks`` and of the
``addSecurityGroup``/``removeSecurityGroup`` server actions: a
group's ``name`` and
``description`` are strings of at most 255 characters (the handler
refuses blank ones, as Nova does); a rule names its ``parent_group_id``
and takes ``ip_protocol``, ``from_port``/``to_port`` (-1 to 65535,
as integers or their text), ``cidr`` and ``group_id``."""

_TEXT = {'type': 'string', 'maxLength': 255}
_ID = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_PORT = {'type': ['integer', 'string'], 'minimum': -1, 'maximum': 65535,
         'pattern': r'^-?[0-9]{1,5}\Z', 'maxLength': 6}

group = {
    'type': 'object',
    'properties': {
        'security_group': {
            'type': 'object',
            'properties': {'name': _TEXT, 'description': _TEXT},
            'required': ['name', 'description'],
            'additionalProperties': False,
        },
    },
    'required': ['security_group'],
    'additionalProperties': False,
}

rule = {
    'type': 'object',
    'properties': {
        'security_group_rule': {
            'type': 'object',
            'properties': {
                'parent_group_id': _ID,
                'ip_protocol': {'type': ['string', 'null'],
                                'maxLength': 40},
                'from_port': _PORT, 'to_port': _PORT,
                'cidr': {'type': ['string', 'null'], 'maxLength': 64},
                'group_id': {'type': ['string', 'null'], 'maxLength': 255},
            },
            'required': ['parent_group_id'],
            'additionalProperties': False,
        },
    },
    'required': ['security_group_rule'],
    'additionalProperties': False,
}

#: ``addSecurityGroup`` / ``removeSecurityGroup``: ``{"name": N}``.
server_action = {
    'type': 'object',
    'properties': {'name': _ID},
    'required': ['name'],
    'additionalProperties': False,
}
ACTIONS = {'addSecurityGroup': server_action,
           'removeSecurityGroup': server_action}


#: ``POST /os-tenant-networks`` (compute API reference, "Project
#: Networks (os-tenant-networks) (DEPRECATED)"): a label and an IPv4
#: CIDR (checked by the Networking API's rules).
tenant_network = {
    'type': 'object',
    'properties': {
        'network': {
            'type': 'object',
            'properties': {'label': {'type': 'string', 'minLength': 1,
                                     'maxLength': 255},
                           'cidr': {'type': 'string', 'maxLength': 64}},
            'required': ['label', 'cidr'],
            'additionalProperties': False,
        },
    },
    'required': ['network'],
    'additionalProperties': False,
}
