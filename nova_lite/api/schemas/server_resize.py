"""Bodies of the resize actions of ``POST /v2.1/servers/{id}/action``
(compute API reference, "Resize Server (resize Action)", "Confirm
Resized Server (confirmResize Action)", "Revert Resized Server
(revertResize Action)"): ``resize`` needs ``flavorRef`` (a flavor id or
its URL) and takes ``OS-DCF:diskConfig`` (``AUTO`` or ``MANUAL``:
accepted, nova_lite always keeps the disk's partitions and grows the
disk); ``confirmResize`` and ``revertResize`` take ``null``.
"""

resize = {
    'type': 'object',
    'properties': {
        'flavorRef': {'type': ['string', 'integer'], 'minLength': 1,
                      'maxLength': 255,
                      'pattern': r'^[^\x00-\x1f\x7f]*\Z'},
        'OS-DCF:diskConfig': {'type': 'string',
                              'enum': ['AUTO', 'MANUAL']},
    },
    'required': ['flavorRef'],
    'additionalProperties': False,
}

_no_arguments = {'type': ['null', 'object'], 'properties': {},
                 'additionalProperties': False}

#: action name → schema of its body.
ACTIONS = {
    'resize': resize,
    'confirmResize': _no_arguments,
    'revertResize': _no_arguments,
}
