"""Bodies of the ``rescue`` and ``unrescue`` server actions (compute API
reference, "Rescue Server (rescue Action)", "Unrescue Server (unrescue
Action)"; the same at every microversion, see doc/lifecycle-rescue.md):

* ``rescue``: ``null`` or an object with the optional ``adminPass`` (the
  rescue guest's password; a generated one when absent) and
  ``rescue_image_ref`` (the id of the image to boot; the server's own
  image when absent);
* ``unrescue``: ``null`` (or an empty object).
"""
from nova_lite.api import schemas

rescue = {
    'type': ['null', 'object'],
    'properties': {
        'adminPass': {'type': 'string', 'maxLength': 255},
        'rescue_image_ref': schemas.uuid_string,
    },
    'additionalProperties': False,
}

_no_arguments = {'type': ['null', 'object'], 'properties': {},
                 'additionalProperties': False}

#: action name → schema of its body (merged into
#: ``server_actions.ACTIONS``).
ACTIONS = {'rescue': rescue, 'unrescue': _no_arguments}
