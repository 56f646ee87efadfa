"""Bodies of the image API (``/image/v2``, a Glance v2 subset), after the
Glance image API v2 reference, "Images": ``POST /v2/images`` (create)
and ``PATCH /v2/images/{id}`` (JSON patch,
``application/openstack-images-v2.1-json-patch``).

Besides the base attributes an image takes "extra properties": string
values under keys of 1-255 printable characters.  Read-only attributes
(``status``, ``size``, ...) and the ``os_glance`` namespace pass the
schema and are refused by the handler with 403, as Glance does.

Image members (Glance image API v2 reference, "Image Sharing"):
``POST /v2/images/{id}/members`` takes ``{"member": <project id>}``,
``PUT /v2/images/{id}/members/{member_id}`` ``{"status": "pending" |
"accepted" | "rejected"}``.

``route_schemas()`` lists the body-taking routes of the image app, as
``nova_lite.api.schemas.route_schemas`` does for the compute API;
``RAW_BODY_ROUTES`` the upload route, whose body is the image data.
"""
from nova_lite.api import schemas

DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop']
CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed']
VISIBILITIES = ['public', 'private', 'shared', 'community']

#: Keys of extra properties: printable, 1-255 characters.
PROPERTY_KEY = r'^[^\x00-\x1f\x7f]{1,255}\Z'
property_value = {'type': 'string', 'maxLength': 255}

_count = {'type': 'integer', 'minimum': 0, 'maximum': 2 ** 31 - 1}

#: The attributes a user may set, with their types.
BASE_PROPERTIES = {
    'name': {'type': ['string', 'null'], 'maxLength': 255},
    'visibility': {'type': 'string', 'enum': VISIBILITIES},
    'protected': {'type': 'boolean'},
    'os_hidden': {'type': 'boolean'},
    'container_format': {'type': ['string', 'null'],
                         'enum': CONTAINER_FORMATS + [None]},
    'disk_format': {'type': ['string', 'null'],
                    'enum': DISK_FORMATS + [None]},
    'min_disk': _count,
    'min_ram': _count,
    'tags': {'type': 'array', 'maxItems': 128, 'uniqueItems': True,
             'items': {'type': 'string', 'minLength': 1,
                       'maxLength': 255}},
}

#: Attributes the server owns (403 when a request sets them).
READ_ONLY = frozenset({
    'id', 'status', 'size', 'virtual_size', 'checksum', 'os_hash_algo',
    'os_hash_value', 'created_at', 'updated_at', 'deleted', 'deleted_at',
    'owner', 'self', 'file', 'schema', 'direct_url', 'locations',
    'stores'})
#: Prefix Glance reserves for its own properties.
RESERVED_PREFIX = 'os_glance'

#: Keys of extra properties at create: any but the base attributes.
EXTRA_KEY = r'^(?!(%s)\Z)[^\x00-\x1f\x7f]{1,255}\Z' % '|'.join(
    sorted(list(BASE_PROPERTIES) + ['id']))

create = {
    'type': 'object',
    'properties': dict(BASE_PROPERTIES, id=schemas.uuid_string),
    'patternProperties': {EXTRA_KEY: property_value},
    'additionalProperties': False,
    'maxProperties': 256,
}

_patch_value = {'type': ['string', 'integer', 'boolean', 'array', 'null'],
                'maxLength': 255, 'maxItems': 128,
                'items': {'type': 'string', 'maxLength': 255}}

patch = {
    'type': 'array',
    'maxItems': 256,
    'items': {
        'type': 'object',
        'properties': {
            'op': {'type': 'string', 'enum': ['add', 'replace', 'remove']},
            'path': {'type': 'string', 'minLength': 2, 'maxLength': 256,
                     'pattern': r'^/[^\x00-\x1f\x7f]+\Z'},
            'value': _patch_value,
        },
        'required': ['op', 'path'],
        'additionalProperties': False,
    },
}

member_create = {
    'type': 'object',
    'properties': {'member': {'type': 'string', 'minLength': 1,
                              'maxLength': 255,
                              'pattern': r'^[^\x00-\x1f\x7f]+\Z'}},
    'required': ['member'],
    'additionalProperties': False,
}

member_update = {
    'type': 'object',
    'properties': {'status': {'type': 'string',
                              'enum': ['pending', 'accepted', 'rejected']}},
    'required': ['status'],
    'additionalProperties': False,
}

IMAGE = '/image/v2/images/<image_id>'
MEMBERS = IMAGE + '/members'


def route_schemas():
    """``{(method, Flask rule): schema}`` of the image app."""
    return {
        ('POST', '/image/v2/images'): create,
        ('PATCH', IMAGE): patch,
        ('POST', MEMBERS): member_create,
        ('PUT', MEMBERS + '/<member_id>'): member_update,
    }


#: (method, rule) → media type of the routes whose body is not JSON.
RAW_BODY_ROUTES = {
    ('PUT', IMAGE + '/file'): 'application/octet-stream',
}
