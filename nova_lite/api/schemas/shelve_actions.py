"""Bodies of the ``shelve``, ``shelveOffload`` and ``unshelve`` server
actions (compute API reference, "Shelve Server (shelve Action)",
"Shelf-Offload (Remove) Server (shelveOffload Action)", "Unshelve
(Restore) Shelved Server (unshelve Action)"), by microversion:

* ``shelve``, ``shelveOffload``: ``null`` (or an empty object);
* ``unshelve``: ``null`` (or an empty object) until 2.76; from 2.77 an
  optional ``availability_zone`` (a zone name); from 2.91 it may be
  ``null`` (unpin the server) and ``host`` (a compute host) is taken.

``with_shelve_actions`` adds them to the action schema of every version
range of ``POST /servers/{id}/action``, splitting ranges at 2.77 and
2.91.
"""
import copy

from nova_lite.api import schemas

_no_arguments = {'type': ['null', 'object'], 'properties': {},
                 'additionalProperties': False}

_zone = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': schemas.NAME_PATTERN}

_unshelve_2_77 = {'type': ['null', 'object'],
                  'properties': {'availability_zone': _zone},
                  'additionalProperties': False}

_unshelve_2_91 = {
    'type': ['null', 'object'],
    'properties': {
        'availability_zone': {'oneOf': [{'type': 'null'}, _zone]},
        'host': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': r'^[a-zA-Z0-9._-]+\Z'},
    },
    'additionalProperties': False,
}

#: (first version, last version or None, unshelve schema).
UNSHELVE = (('2.1', '2.76', _no_arguments), ('2.77', '2.90', _unshelve_2_77),
            ('2.91', None, _unshelve_2_91))


def _unshelve_at(version):
    return schemas.at_version(UNSHELVE, version)


def _with_actions(schema, version):
    result = copy.deepcopy(schema)
    result['properties'].update({
        'shelve': copy.deepcopy(_no_arguments),
        'shelveOffload': copy.deepcopy(_no_arguments),
        'unshelve': copy.deepcopy(_unshelve_at(version))})
    return result


def with_shelve_actions(entry):
    """``entry`` (a ``schemas.Versioned`` of action schemas) with its
    ranges split at the unshelve's versions and the three actions added
    to each range's schema."""
    bounds = sorted({schemas.version_key(first)
                     for first, _l, _s in UNSHELVE})
    return schemas.split_at(entry, bounds, _with_actions)
