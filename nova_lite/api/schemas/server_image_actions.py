"""Bodies of the ``rebuild``, ``createImage`` and ``createBackup`` server
actions (compute API reference, "Rebuild Server (rebuild Action)",
"Create Image (createImage Action)", "Create Server Back Up
(createBackup Action)"), by microversion:

* ``rebuild`` (2.1): ``imageRef`` (required), ``name``, ``metadata``,
  ``adminPass``, ``preserve_ephemeral``, ``accessIPv4``/``accessIPv6``,
  ``OS-DCF:diskConfig``; ``personality`` is refused at every version
  (nova_lite never injects files, as on create); 2.19 adds
  ``description``; 2.54 ``key_name`` (null unsets the key); 2.57
  ``user_data`` (base64, null unsets it); 2.63's
  ``trusted_image_certificates`` stays refused (400, as on create); 2.90
  adds ``hostname`` (one DNS label, as on create), 2.94 lets it be a fully
  qualified domain name.
* ``createImage``: ``name`` (required), ``metadata``.
* ``createBackup``: ``name``, ``backup_type`` and ``rotation`` (a
  non-negative integer) required, ``metadata``.

``with_image_actions`` adds them to the action schema of every version
range of ``POST /servers/{id}/action``.
"""
import copy

from nova_lite.api import schemas
from nova_lite.api.schemas import servers as server_schemas

_rebuild_2_1 = {
    'type': 'object',
    'properties': {
        'imageRef': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'name': schemas.name,
        'metadata': schemas.metadata,
        'adminPass': {'type': 'string', 'maxLength': 255},
        'preserve_ephemeral': schemas.boolean,
        'accessIPv4': server_schemas.ACCESS_IPV4,
        'accessIPv6': server_schemas.ACCESS_IPV6,
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
    },
    'required': ['imageRef'],
    'additionalProperties': False,
}


def _extend(schema, **properties):
    result = copy.deepcopy(schema)
    result['properties'].update(copy.deepcopy(properties))
    return result


_rebuild_2_19 = _extend(_rebuild_2_1,
                        description=server_schemas.DESCRIPTION)
_rebuild_2_54 = _extend(_rebuild_2_19, key_name={
    'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255,
    'pattern': schemas.NAME_PATTERN})
_rebuild_2_57 = _extend(_rebuild_2_54, user_data={
    'type': ['string', 'null'], 'format': 'base64', 'maxLength': 65535})
_rebuild_2_90 = _extend(_rebuild_2_57,
                        hostname=server_schemas.GUEST_HOSTNAME)
_rebuild_2_94 = _extend(_rebuild_2_57, hostname=server_schemas.GUEST_FQDN)

#: (first version, last version or None, rebuild schema).
REBUILD = (('2.1', '2.18', _rebuild_2_1), ('2.19', '2.53', _rebuild_2_19),
           ('2.54', '2.56', _rebuild_2_54), ('2.57', '2.89', _rebuild_2_57),
           ('2.90', '2.93', _rebuild_2_90), ('2.94', None, _rebuild_2_94))

create_image = {
    'type': 'object',
    'properties': {'name': schemas.name, 'metadata': schemas.metadata},
    'required': ['name'],
    'additionalProperties': False,
}

create_backup = {
    'type': 'object',
    'properties': {
        'name': schemas.name,
        'backup_type': {'type': 'string', 'minLength': 1,
                        'maxLength': 255, 'pattern': schemas.NAME_PATTERN},
        'rotation': schemas.non_negative_int(),
        'metadata': schemas.metadata,
    },
    'required': ['name', 'backup_type', 'rotation'],
    'additionalProperties': False,
}


def _version_key(version):
    major, minor = version.split('.')
    return int(major), int(minor)


def _previous(version):
    major, minor = _version_key(version)
    return '%d.%d' % (major, minor - 1)


def with_image_actions(entry):
    """``entry`` (a ``schemas.Versioned`` of action schemas) with its
    ranges split at the rebuild's versions and ``rebuild``,
    ``createImage`` and ``createBackup`` added to each range's schema."""
    bounds = sorted({_version_key(first) for first, _l, _s in REBUILD})
    ranges = []
    for first, last, schema in entry.ranges:
        cuts = [first] + ['%d.%d' % b for b in bounds
                          if _version_key(first) < b and (
                              last is None or b <= _version_key(last))]
        for index, start in enumerate(cuts):
            end = _previous(cuts[index + 1]) if index + 1 < len(cuts) \
                else last
            ranges.append((start, end, _with_actions(schema, start)))
    return schemas.Versioned(*ranges)


def _rebuild_at(version):
    for first, last, schema in REBUILD:
        if _version_key(first) <= _version_key(version) and (
                last is None or _version_key(version) <= _version_key(last)):
            return schema
    raise ValueError('no rebuild schema at %s' % version)


def _with_actions(schema, version):
    result = copy.deepcopy(schema)
    result['properties'].update({
        'rebuild': copy.deepcopy(_rebuild_at(version)),
        'createImage': copy.deepcopy(create_image),
        'createBackup': copy.deepcopy(create_backup)})
    return result
