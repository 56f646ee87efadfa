"""Bodies of the pause, suspend and deferred delete server actions
(compute API reference, "Servers - run an action" at microversion 2.1):
``pause``, ``unpause``, ``suspend``, ``resume``, ``restore`` and
``forceDelete`` each take ``null`` (or an empty object)."""

_no_arguments = {'type': ['null', 'object'], 'properties': {},
                 'additionalProperties': False}

#: action name → schema of its body (merged into
#: ``server_actions.ACTIONS``).
ACTIONS = {name: _no_arguments for name in (
    'pause', 'unpause', 'suspend', 'resume', 'restore', 'forceDelete')}
