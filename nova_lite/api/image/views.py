"""Image bodies of the image API in Glance v2's format (Glance image API
v2 reference, "Images", "Show image"): the base attributes, ``tags``,
``self``/``file``/``schema`` paths relative to the image endpoint, and
the extra properties flattened into the image, as Glance shows them.

Tags and ``os_hidden`` have no column: they are kept in the image's
``properties`` under TAGS_KEY (in Glance's reserved ``os_glance``
namespace, which users cannot set) and HIDDEN_KEY, and shown as the base
attributes.  nova_lite computes no ``os_hash_*`` nor ``virtual_size``:
they are null.
"""
from nova_lite.api import openstack

TAGS_KEY = 'os_glance_tags'
HIDDEN_KEY = 'os_hidden'
INTERNAL_KEYS = (TAGS_KEY, HIDDEN_KEY)

IMAGES_PATH = '/v2/images'
IMAGE_SCHEMA_PATH = '/v2/schemas/image'
IMAGES_SCHEMA_PATH = '/v2/schemas/images'


def extra_properties(image):
    """The user's extra properties of an image (internal keys left
    out)."""
    return {k: v for k, v in (image['properties'] or {}).items()
            if k not in INTERNAL_KEYS}


def tags(image):
    return list((image['properties'] or {}).get(TAGS_KEY) or [])


def hidden(image):
    return bool((image['properties'] or {}).get(HIDDEN_KEY, False))


def image(row):
    """One image, as Show image answers it."""
    path = '%s/%s' % (IMAGES_PATH, row['uuid'])
    body = extra_properties(row)
    body.update({
        'id': row['uuid'], 'name': row['name'], 'status': row['status'],
        'visibility': row['visibility'], 'protected': bool(row['protected']),
        'os_hidden': hidden(row), 'checksum': row['checksum'],
        'os_hash_algo': None, 'os_hash_value': None, 'size': row['size'],
        'virtual_size': None, 'disk_format': row['disk_format'],
        'container_format': row['container_format'],
        'min_disk': row['min_disk'] or 0, 'min_ram': row['min_ram'] or 0,
        'owner': row['owner'],
        'created_at': openstack.isotime(row['created_at']),
        'updated_at': openstack.isotime(row['updated_at']
                                        or row['created_at']),
        'tags': tags(row), 'self': path, 'file': path + '/file',
        'schema': IMAGE_SCHEMA_PATH,
    })
    return body
