"""``GET /image/v2/images/{id}/tasks``: the tasks of an image (Glance
image API v2 reference, "Show image tasks", API 2.12).

Glance lists there the asynchronous tasks (image import, location
import) that worked on an image.  nova_lite's image service has no
asynchronous tasks: images are created, then uploaded by a synchronous
``PUT .../file`` (clients and computes alike), so every image's task
list is empty.  Clients that wait for an image's tasks to finish
(Tempest after a snapshot) therefore find nothing pending.

200 ``{"tasks": []}`` for an image the caller may see (policy
``image:get_image``); 404 for an unknown, invisible or non-UUID id.
"""
import flask

from nova_lite.api.image import images
from nova_lite.api import openstack

bp = flask.Blueprint('image_tasks', __name__,
                     url_prefix='/image/v2/images/<image_id>/tasks')


@bp.get('')
def index(image_id):
    """200 ``{"tasks": []}`` (see the module doc)."""
    context = openstack.context()
    images.authorize(context, 'get_image')
    images.visible_image(context, image_id)
    return {'tasks': []}
