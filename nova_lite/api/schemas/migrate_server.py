"""Bodies of the ``migrate`` and ``evacuate`` server actions (compute API
reference, "Migrate Server (migrate Action)", "Evacuate Server
(evacuate Action)"), by microversion:

* ``migrate``: ``null`` (or an empty object) until 2.55; from 2.56 an
  optional ``host`` (a compute host name, or null: the scheduler
  chooses);
* ``evacuate``: ``host`` (optional), ``adminPass`` (optional) and, until
  2.13, ``onSharedStorage`` (required; nova_lite has no shared storage:
  only false is accepted, see doc/migrations-servers.md); from 2.29 to
  2.67 ``force`` (a boolean; a forced evacuate skips the scheduler's
  checks of the named host); from 2.95 no change to the body (the
  server is stopped at its destination);
* ``os-migrateLive`` ("Live-Migrate Server (os-migrateLive Action)"):
  ``host`` (a compute host or null: the scheduler chooses) and
  ``block_migration`` always required; until 2.24 ``block_migration``
  a boolean and ``disk_over_commit`` (a boolean) required too; from
  2.25 ``block_migration`` also "auto" and no ``disk_over_commit``;
  from 2.30 to 2.67 an optional ``force`` (a boolean); 2.68 removes it.

``with_move_actions`` adds them to the action schema of every version
range of ``POST /servers/{id}/action``, splitting ranges where they
change.
"""
import copy

from nova_lite.api import schemas

_no_arguments = {'type': ['null', 'object'], 'properties': {},
                 'additionalProperties': False}

_host = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': r'^[a-zA-Z0-9._-]+\Z'}

_migrate_2_56 = {'type': ['null', 'object'],
                 'properties': {'host': {'oneOf': [{'type': 'null'},
                                                   _host]}},
                 'additionalProperties': False}

_admin_pass = {'type': 'string', 'maxLength': 255}


def _evacuate(**extra):
    properties = {'host': _host, 'adminPass': _admin_pass}
    properties.update(extra)
    schema = {'type': 'object', 'properties': properties,
              'additionalProperties': False}
    if 'onSharedStorage' in extra:
        schema['required'] = ['onSharedStorage']
    return schema


def _live(block_migration, **extra):
    properties = {'host': {'oneOf': [{'type': 'null'}, _host]},
                  'block_migration': block_migration}
    properties.update(extra)
    required = ['host', 'block_migration'] + (
        ['disk_over_commit'] if 'disk_over_commit' in extra else [])
    return {'type': 'object', 'properties': properties,
            'required': required, 'additionalProperties': False}


_auto = {'oneOf': [schemas.boolean, {'type': 'string', 'enum': ['auto']}]}


#: action → ((first version, last version or None, schema), ...).
MOVES = {
    'migrate': (('2.1', '2.55', _no_arguments),
                ('2.56', None, _migrate_2_56)),
    'evacuate': (('2.1', '2.13', _evacuate(onSharedStorage=schemas.boolean)),
                 ('2.14', '2.28', _evacuate()),
                 ('2.29', '2.67', _evacuate(force=schemas.boolean)),
                 ('2.68', None, _evacuate())),
    'os-migrateLive': (
        ('2.1', '2.24', _live(schemas.boolean,
                              disk_over_commit=schemas.boolean)),
        ('2.25', '2.29', _live(_auto)),
        ('2.30', '2.67', _live(_auto, force=schemas.boolean)),
        ('2.68', None, _live(_auto))),
}


#: ``POST /servers/{id}/migrations/{id}/action`` (2.22, compute API
#: reference, "Force Migration Complete Action (force_complete
#: Action)"): only ``{"force_complete": null}``.
force_complete = {'type': 'object',
                  'properties': {'force_complete': {'type': 'null'}},
                  'required': ['force_complete'],
                  'additionalProperties': False}


def _at(table, version):
    return schemas.at_version(table, version)


def _with_actions(schema, version):
    result = copy.deepcopy(schema)
    result['properties'].update({
        name: copy.deepcopy(_at(table, version))
        for name, table in MOVES.items()})
    return result


def with_move_actions(entry):
    """``entry`` (a ``schemas.Versioned`` of action schemas) with its
    ranges split where ``MOVES`` changes and the actions added to each
    range's schema."""
    bounds = sorted({schemas.version_key(first) for table in MOVES.values()
                     for first, _l, _s in table})
    return schemas.split_at(entry, bounds, _with_actions)
