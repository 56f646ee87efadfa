"""``/v2.1/images``: the deprecated compute image proxy (compute API
reference, "Images (DEPRECATED)"): list, show and delete.

Lists take ``limit``, ``marker`` and the filters of
``image_filters`` (name, status, server, type, changes-since, minRam,
minDisk, property-*) and show what Glance's default image list shows
(Nova proxies it): the images of ``nova_lite.image.visibility``'s rule
but other projects' community images, oldest first.  Delete is the image
API's (``nova_lite.api.image.images.delete_image``: Glance's rules, as
Nova hands it to Glance): 204, 403 for a protected image or another
project's.  An unknown or invisible image id is a 404 whatever its
form.
"""
import flask

from nova_lite.api.image import images as image_v2
from nova_lite.api import openstack
from nova_lite.api.openstack.compute import image_filters
from nova_lite.api.openstack.compute.views import images as views
from nova_lite.image import api as image_api
from nova_lite import policy
from nova_lite.policies import flavors as flavor_policies

bp = flask.Blueprint('images', __name__, url_prefix='/v2.1/images')
_IMAGES = image_api.API()


def _list():
    context = openstack.context()
    policy.authorize(context, flavor_policies.IMAGES % 'index')
    limit, marker = openstack.limit_and_marker()
    args = flask.request.args
    images = _IMAGES.search(
        context, image_filters.sql_filters(args), marker=marker,
        limit=limit, sort_key='created_at', sort_dir='asc',
        row_filter=image_filters.row_filter(args))
    return images, limit


def _page(images, limit):
    body = {'images': images}
    links = openstack.collection_links('images', images, limit)
    if links:
        body['images_links'] = links
    return body


@bp.get('')
def index():
    """200 ``{"images": [{"id", "name", "links"}], "images_links"}``."""
    images, limit = _list()
    return _page([views.basic(i) for i in images], limit)


@bp.get('/detail')
def detail():
    """200 ``{"images": [<image detail>], "images_links"}``."""
    images, limit = _list()
    return _page([views.detail(i) for i in images], limit)


@bp.get('/<image_id>')
def show(image_id):
    """200 ``{"image": <image detail>}``; 404 for unknown ids."""
    context = openstack.context()
    policy.authorize(context, flavor_policies.IMAGES % 'index')
    image = _IMAGES.get_visible_record(context, image_id)
    return {'image': views.detail(image)}


@bp.delete('/<image_id>')
def delete(image_id):
    """204; 404 for unknown ids; 403 for a protected image or another
    project's."""
    image_v2.delete_image(openstack.context(), image_id)
    return '', 204
