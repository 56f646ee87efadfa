"""Images (``/images``): the images the project sees, and an upload
form for those who may change the project (member or admin).

Calls the image API (Image API v2) with the user's token: ``GET
/v2/images`` for the list; an upload is ``POST /v2/images`` (name,
disk format, container format ``bare``, visibility ``private``)
then ``PUT /v2/images/{id}/file`` with the file's bytes streamed as
``application/octet-stream``. When the data cannot be stored the
half-made (``queued``) image is deleted (``DELETE /v2/images/{id}``)
and the page shows the API's message with its status code.
"""
import urllib.parse

import flask

from nova_lite.dashboard import client

bp = flask.Blueprint('images', __name__, url_prefix='/images')

#: Disk formats offered by the upload form.
DISK_FORMATS = ('qcow2', 'raw')
MIB = 1024 * 1024


def _api():
    return flask.g.api


def _size_mib(size):
    if size is None:
        return None
    return '%.1f' % (size / MIB)


def image_rows():
    """The visible images, by name, with their size in MiB."""
    images = _api().image('GET', '/v2/images?limit=1000')['images']
    rows = [dict(image, size_mib=_size_mib(image.get('size')))
            for image in images]
    return sorted(rows, key=lambda row: ((row.get('name') or '').lower(),
                                         row.get('id') or ''))


def _page(error=None, form=None, status=200):
    return flask.render_template(
        'images.html', rows=image_rows(), error=error, form=form or {},
        disk_formats=DISK_FORMATS), status


def _status(exc):
    return exc.status if 400 <= exc.status < 600 else 502


def _image_path(image_id, tail=''):
    return '/v2/images/%s%s' % (urllib.parse.quote(image_id, safe=''), tail)


def _discard(image_id):
    """Delete a created image whose data failed (best effort)."""
    try:
        _api().image('DELETE', _image_path(image_id))
    except client.APIError:
        pass


def _upload(form, upload):
    """Create the image, then stream its data; the created image is
    deleted again when the data fails.

    :raises client.APIError: the API's refusal of either call
    """
    image = _api().image('POST', '/v2/images', body={
        'name': form.get('name') or upload.filename,
        'disk_format': form.get('disk_format', ''),
        'container_format': 'bare', 'visibility': 'private'})
    try:
        _api().image('PUT', _image_path(image['id'], '/file'),
                     data=upload.stream,
                     headers={'Content-Type': 'application/octet-stream'})
    except client.APIError:
        _discard(image['id'])
        raise


@bp.route('')
def index():
    """The images table, and the upload form for members and admins."""
    return _page()


@bp.route('/upload', methods=['POST'])
def upload():
    """Create an image from the uploaded file, then back to the list;
    a refusal shows the page with the API's message and status."""
    if not flask.g.session.can_write:
        flask.abort(403, 'Uploading images needs the member role.')
    form = flask.request.form
    upload_file = flask.request.files.get('file')
    if upload_file is None or not upload_file.filename:
        return _page('400: Choose an image file to upload.', form, 400)
    try:
        _upload(form, upload_file)
    except client.APIError as exc:
        return _page('%s: %s' % (_status(exc), exc.message), form,
                     _status(exc))
    return flask.redirect(flask.url_for('images.index'), 303)
