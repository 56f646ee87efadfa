"""Bodies of the compute API's volume proxies (compute API reference,
"Volume extension (os-volumes, os-snapshots) (DEPRECATED)", 2.1-2.35):

- ``POST /os-volumes`` ``{"volume": {"size", "display_name"?,
  "display_description"?, "volume_type"?, "metadata"?, "snapshot_id"?,
  "availability_zone"?}}``: ``size`` GiB, an integer or a string of
  digits (``"0"`` passes the schema and is refused by the volume
  service's rule, a 400 either way);
- ``POST /os-snapshots`` ``{"snapshot": {"volume_id", "force"?,
  "display_name"?, "display_description"?}}``.

Names and descriptions are at most 255 characters (the Block Storage
API's limit); metadata keys 1-255 characters, values strings of at most
255.
"""
from nova_lite.api import schemas

_TEXT = {'type': ['string', 'null'], 'maxLength': 255}
_METADATA = {'type': 'object',
             'propertyNames': {'minLength': 1, 'maxLength': 255},
             'additionalProperties': {'type': 'string', 'maxLength': 255}}

create_volume = {
    'type': 'object',
    'properties': {
        'volume': {
            'type': 'object',
            'properties': {
                'size': {'type': ['integer', 'string'], 'minimum': 1,
                         'maxLength': 10, 'pattern': r'^[0-9]+\Z'},
                'display_name': _TEXT,
                'display_description': _TEXT,
                'volume_type': {'type': 'string', 'maxLength': 255},
                'metadata': _METADATA,
                'snapshot_id': {'type': 'string', 'maxLength': 255},
                'availability_zone': {'type': 'string', 'maxLength': 255},
            },
            'required': ['size'],
            'additionalProperties': False,
        },
    },
    'required': ['volume'],
    'additionalProperties': False,
}

create_snapshot = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'volume_id': {'type': 'string', 'maxLength': 255},
                'force': schemas.boolean,
                'display_name': _TEXT,
                'display_description': _TEXT,
            },
            'required': ['volume_id'],
            'additionalProperties': False,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': False,
}
