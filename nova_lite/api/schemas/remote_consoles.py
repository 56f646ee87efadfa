"""Bodies of the remote console requests (compute API reference,
"Server Remote Consoles" and "Servers - run an action"):

* ``POST /servers/{id}/remote-consoles`` (from 2.6): ``remote_console``
  with ``protocol`` and ``type``; 2.8 adds the ``mks`` protocol and the
  ``webmks`` type, 2.99 the ``spice-direct`` type. Whether the type
  goes with the protocol is the handler's to check (400).
* the actions ``os-getVNCConsole`` (type ``novnc`` or ``xvpvnc``),
  ``os-getSPICEConsole`` (``spice-html5``), ``os-getRDPConsole``
  (``rdp-html5``) and ``os-getSerialConsole`` (``serial``), from 2.1 to
  2.5 (2.6 replaced them with remote-consoles; after 2.5 they are
  unknown actions, a 400).
"""
import copy

from nova_lite.api import schemas

_PROTOCOLS_2_6 = ['vnc', 'spice', 'rdp', 'serial']
_TYPES_2_6 = ['novnc', 'xvpvnc', 'rdp-html5', 'spice-html5', 'serial']


def _create(protocols, types):
    return {
        'type': 'object',
        'properties': {
            'remote_console': {
                'type': 'object',
                'properties': {
                    'protocol': {'type': 'string', 'enum': protocols},
                    'type': {'type': 'string', 'enum': types},
                },
                'required': ['protocol', 'type'],
                'additionalProperties': False,
            },
        },
        'required': ['remote_console'],
        'additionalProperties': False,
    }


create = schemas.Versioned(
    ('2.6', '2.7', _create(_PROTOCOLS_2_6, _TYPES_2_6)),
    ('2.8', '2.98', _create(_PROTOCOLS_2_6 + ['mks'],
                            _TYPES_2_6 + ['webmks'])),
    ('2.99', None, _create(_PROTOCOLS_2_6 + ['mks'],
                           _TYPES_2_6 + ['webmks', 'spice-direct'])))


def _action(types):
    return {'type': 'object',
            'properties': {'type': {'type': 'string', 'enum': types}},
            'required': ['type'], 'additionalProperties': False}


#: action name → schema of its body (microversions 2.1 to 2.5).
ACTIONS = {
    'os-getVNCConsole': _action(['novnc', 'xvpvnc']),
    'os-getSPICEConsole': _action(['spice-html5']),
    'os-getRDPConsole': _action(['rdp-html5']),
    'os-getSerialConsole': _action(['serial']),
}
LAST_ACTION_VERSION = '2.5'


def _key(version):
    major, minor = version.split('.')
    return int(major), int(minor)


def _with_actions(schema):
    result = copy.deepcopy(schema)
    result['properties'].update(copy.deepcopy(ACTIONS))
    return result


def with_console_actions(entry):
    """``entry`` (a ``schemas.Versioned`` of action schemas) split at
    2.6, with the console actions added to the ranges up to 2.5."""
    last_key = _key(LAST_ACTION_VERSION)
    ranges = []
    for first, last, schema in entry.ranges:
        if _key(first) > last_key:
            ranges.append((first, last, schema))
        elif last is not None and _key(last) <= last_key:
            ranges.append((first, last, _with_actions(schema)))
        else:
            ranges.append((first, LAST_ACTION_VERSION,
                           _with_actions(schema)))
            ranges.append(('2.6', last, schema))
    return schemas.Versioned(*ranges)
