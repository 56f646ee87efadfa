"""Image bodies of the deprecated compute image proxy (compute API
reference, "Images (DEPRECATED)"): Glance statuses mapped to the compute
API's ACTIVE / SAVING / DELETED / ERROR / UNKNOWN, with a ``progress``."""
from nova_lite.api.image import views as image_views
from nova_lite.api import openstack

#: Glance status → (compute API status, progress %).
_STATUS = {
    'active': ('ACTIVE', 100), 'queued': ('SAVING', 25),
    'saving': ('SAVING', 50), 'importing': ('SAVING', 50),
    'uploading': ('SAVING', 50), 'deleted': ('DELETED', 0),
    'pending_delete': ('DELETED', 0), 'killed': ('ERROR', 0),
}


def basic(image):
    """``{"id", "name", "links"}`` (List Images); links add an
    ``alternate`` link to the image service."""
    links = openstack.resource_links('images', image['uuid'])
    links.append({'rel': 'alternate',
                  'type': 'application/vnd.openstack.image',
                  'href': '%simage/images/%s' % (openstack.base_url(),
                                                 image['uuid'])})
    return {'id': image['uuid'], 'name': image['name'], 'links': links}


def detail(image):
    """Show Image Details: minDisk in GiB, minRam in MiB, size in bytes."""
    status, progress = _STATUS.get(image['status'], ('UNKNOWN', 0))
    body = basic(image)
    body.update({
        'status': status, 'progress': progress,
        'minDisk': image['min_disk'] or 0, 'minRam': image['min_ram'] or 0,
        'metadata': image_views.extra_properties(image),
        'created': openstack.isotime(image['created_at']),
        'updated': openstack.isotime(image['updated_at']
                                     or image['created_at']),
        'OS-EXT-IMG-SIZE:size': image['size'] or 0,
    })
    return body
