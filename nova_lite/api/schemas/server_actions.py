"""Body of ``POST /v2.1/servers/{id}/action``: exactly one action.

Each action's own body follows the compute API reference, "Servers -
run an action" at microversion 2.1: ``reboot`` needs ``type``;
``os-stop``, ``os-start``, ``lock`` and ``unlock`` take ``null`` (or an
empty object); ``os-getConsoleOutput`` takes an optional ``length``
(lines, -1 or absent for the whole log); ``os-resetState`` (an
administrative action) needs ``state``, ``active`` or ``error``.  From
microversion 2.73 ``lock`` takes an optional ``locked_reason`` (at most
255 characters).
"""
import copy

from nova_lite.api.schemas import server_rescue
from nova_lite.api.schemas import server_resize
from nova_lite.api.schemas import lifecycle_actions
from nova_lite.api.schemas import security_groups
from nova_lite.api.schemas import floating_ips
from nova_lite.api.schemas import multinic


_no_arguments = {'type': ['null', 'object'], 'properties': {},
                 'additionalProperties': False}

reboot = {
    'type': 'object',
    'properties': {
        'type': {'type': 'string',
                 'enum': ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']},
    },
    'required': ['type'],
    'additionalProperties': False,
}

get_console_output = {
    'type': 'object',
    'properties': {
        'length': {'type': ['integer', 'string', 'null'],
                   'pattern': r'^(-1|[0-9]{1,9})\Z', 'maxLength': 9,
                   'minimum': -1, 'maximum': 10 ** 9},
    },
    'additionalProperties': False,
}

reset_state = {
    'type': 'object',
    'properties': {
        'state': {'type': 'string', 'enum': ['active', 'error']},
    },
    'required': ['state'],
    'additionalProperties': False,
}

#: action name → schema of its body.
ACTIONS = {
    'reboot': reboot,
    'os-stop': _no_arguments,
    'os-start': _no_arguments,
    'lock': _no_arguments,
    'unlock': _no_arguments,
    'os-getConsoleOutput': get_console_output,
    'os-resetState': reset_state,
}
ACTIONS.update(server_resize.ACTIONS)
# pause, unpause, suspend, resume, restore, forceDelete (doc/lifecycle.md)
ACTIONS.update(lifecycle_actions.ACTIONS)
# rescue, unrescue (doc/lifecycle-rescue.md)
ACTIONS.update(server_rescue.ACTIONS)
# addSecurityGroup, removeSecurityGroup (doc/network-api.md)
ACTIONS.update(security_groups.ACTIONS)
# addFloatingIp, removeFloatingIp (the handler: 404 from 2.44)
ACTIONS.update(floating_ips.ACTIONS)
# addFixedIp, removeFixedIp (the handler: 404 from 2.44; doc/interfaces.md)
ACTIONS.update(multinic.ACTIONS)

action = {
    'type': 'object',
    'properties': dict(ACTIONS),
    'minProperties': 1,
    'maxProperties': 1,
    'additionalProperties': False,
}

#: ``lock`` from 2.73: null, or an object with an optional reason.
lock_2_73 = {'type': ['null', 'object'],
             'properties': {'locked_reason': {
                 'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': r'^[^\x00-\x1f\x7f]*\Z'}},
             'additionalProperties': False}

action_2_73 = copy.deepcopy(action)
action_2_73['properties']['lock'] = lock_2_73
