"""``/image/v2/images/{id}/file``: upload and download image data (Glance
image API v2 reference, "Image data").

Upload (``PUT``, ``application/octet-stream``, 204) streams the body to
the image store (``nova_lite.image.api``): only a ``queued`` image with
its disk and container formats set takes data (409 / 400 otherwise); it
is ``saving`` meanwhile and ``active`` after, or back to ``queued`` when
the upload fails.  Data over ``[image] max_image_size_mb`` is a 413.

Download (``GET``) answers 200 with the data, ``Content-MD5`` (the hex
checksum, as Glance sends it) and range support, or 204 for an image
without data.
"""
import os

import flask
from oslo_log import log as logging

from nova_lite.api.image import errors
from nova_lite.api.image import images
from nova_lite.api import openstack
from nova_lite import exception
from nova_lite.image import api as image_api

LOG = logging.getLogger(__name__)
bp = flask.Blueprint('image_data', __name__,
                     url_prefix='/image/v2/images/<image_id>/file')
MIB = 1024 * 1024


def _check_uploadable(image):
    if not image['disk_format'] or not image['container_format']:
        raise exception.Invalid('Properties disk_format, container_format '
                                'must be set prior to saving data.')
    limit_mb = openstack.conf().image.max_image_size_mb
    length = flask.request.content_length
    if length is not None and length > limit_mb * MIB:
        raise errors.RequestEntityTooLarge(limit=limit_mb)


def _stream():
    """The request body: the (limited) stream with a Content-Length, the
    server's chunked input without."""
    if flask.request.content_length is not None:
        return flask.request.stream
    return flask.request.environ['wsgi.input']


def _store(context, image_id):
    """Stream the data to the store; back to ``queued`` on failure."""
    try:
        images.IMAGES.upload(context, image_id, _stream())
    except exception.Invalid:
        images.IMAGES.update_if(context, image_id, 'saving',
                                {'status': 'queued'})
        raise errors.RequestEntityTooLarge(
            limit=openstack.conf().image.max_image_size_mb) from None
    except BaseException:
        images.IMAGES.update_if(context, image_id, 'saving',
                                {'status': 'queued'})
        raise


@bp.put('')
def upload(image_id):
    """204; 400 without formats, 409 unless queued, 413 too large."""
    context = openstack.context()
    image = images.visible_image(context, image_id)
    images.authorize(context, 'upload_image', image['owner'])
    _check_uploadable(image)
    if not images.IMAGES.update_if(context, image_id, 'queued',
                                   {'status': 'saving'}):
        raise exception.Conflict('Image status transition from %s to '
                                 'saving is not allowed' % image['status'])
    _store(context, image_id)
    LOG.info('Image %s uploaded', image_id)
    return '', 204


@bp.get('')
def download(image_id):
    """200 with the data (``application/octet-stream``), 204 when the
    image has none."""
    context = openstack.context()
    image = images.visible_image(context, image_id)
    images.authorize(context, 'download_image', image['owner'])
    path = image_api.image_path(image_id)
    if image['status'] != 'active':
        return '', 204
    if not os.path.exists(path):
        raise exception.NotFound('The data of image %s is not in the '
                                 'store.' % image_id)
    response = flask.send_file(path, mimetype='application/octet-stream',
                               conditional=True, etag=False, max_age=None)
    if image['checksum']:
        response.headers['Content-MD5'] = image['checksum']
    return response
