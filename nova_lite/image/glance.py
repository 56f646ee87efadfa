"""Client of the image API over HTTP (Glance v2: show image, download
image data; for snapshots upload image data, list and delete images), as
computes use it: they have neither the database nor the API host's image
store.

The endpoint is ``[image] api_endpoint`` (e.g.
``http://controller:8774/image``), else the ``image`` service of the
Keystone catalog (interface ``[service_user] valid_interfaces`` or
internal). With ``[api] auth_strategy = keystone`` requests carry a token
of the service user (``[service_user]``, keystoneauth1 options); with
``noauth`` (tests, all-in-one) the identity headers the API's noauth
pipeline trusts, taken from the request context.

Downloads are verified: ``os_hash_value`` (algorithm ``os_hash_algo``)
when the image has one, else ``checksum`` (MD5), as Glance clients do.
"""
import hashlib
import os

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite import exception
from nova_lite.objects import instance as instance_obj

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

#: Bytes read per chunk of a download.
CHUNK = 1024 * 1024
#: Seconds to wait for a connection or a chunk.
TIMEOUT = 60
#: Keys of a Glance v2 image body that are not extra properties.
BASE_KEYS = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'os_hidden',
    'checksum', 'os_hash_algo', 'os_hash_value', 'size', 'virtual_size',
    'disk_format', 'container_format', 'min_disk', 'min_ram', 'owner',
    'created_at', 'updated_at', 'tags', 'self', 'file', 'schema',
    'locations', 'direct_url'))


class ImageChecksumMismatch(exception.Invalid):
    """Downloaded image data does not match the image's checksum."""
    msg_fmt = ('Image %(image_id)s: downloaded data does not match its '
               '%(algo)s checksum')


class ImageDownloadFailed(exception.NovaLiteException):
    """The image API did not answer as expected."""
    msg_fmt = 'Image %(image_id)s could not be fetched: %(reason)s'


def image_meta(body):
    """``objects.ImageMeta`` of a Glance v2 image body (dict)."""
    props = {k: (None if v is None else str(v))
             for k, v in body.items() if k not in BASE_KEYS}
    return instance_obj.ImageMeta(
        id=body['id'], name=body.get('name'),
        disk_format=body.get('disk_format'),
        container_format=body.get('container_format'),
        size=body.get('size'), min_disk=body.get('min_disk') or 0,
        min_ram=body.get('min_ram') or 0, properties=props)


def expected_digest(body):
    """(hashlib object, expected hex digest) of an image body, or
    (None, None) when it has no checksum."""
    if body.get('os_hash_algo') and body.get('os_hash_value'):
        return hashlib.new(body['os_hash_algo']), body['os_hash_value']
    if body.get('checksum'):
        return hashlib.md5(usedforsecurity=False), body['checksum']
    return None, None


class API:
    """The compute's image API client (``get``, ``download``; for
    snapshots ``upload``, ``list``, ``delete``)."""

    def __init__(self):
        self._session = None
        self._auth = None

    def _keystone(self):
        return CONF.api.auth_strategy == 'keystone'

    def _get_session(self):
        if self._session is None:
            if self._keystone():
                self._auth = ks_loading.load_auth_from_conf_options(
                    CONF, 'service_user')
                self._session = ks_loading.load_session_from_conf_options(
                    CONF, 'service_user', auth=self._auth)
            else:
                self._session = ks_session.Session()
        return self._session

    def _endpoint(self):
        if CONF.image.api_endpoint:
            return CONF.image.api_endpoint.rstrip('/')
        if not self._keystone():
            raise exception.Invalid(
                reason='[image] api_endpoint is not set (needed to '
                       'download images without Keystone)')
        session = self._get_session()
        return session.get_endpoint(
            service_type='image', interface='internal').rstrip('/')

    def _headers(self, context):
        if self._keystone():
            return {}
        return {'X-User-Id': context.user_id or 'nova-lite-compute',
                'X-Project-Id': context.project_id or 'service',
                'X-Roles': ','.join(context.roles or ['member'])}

    def _request(self, context, path, stream=False):
        """GET ``<endpoint>/v2/images/<path>``; the response.

        :raises: ImageNotFound on 404, ImageDownloadFailed otherwise
        """
        url = '%s/v2/images/%s' % (self._endpoint(), path)
        try:
            return self._get_session().get(
                url, headers=self._headers(context), stream=stream,
                timeout=TIMEOUT, raise_exc=True)
        except ks_exc.NotFound:
            raise exception.ImageNotFound(
                image_id=path.split('/')[0]) from None
        except ks_exc.ClientException as exc:
            raise ImageDownloadFailed(image_id=path.split('/')[0],
                                      reason=str(exc)) from exc

    def _send(self, context, method, path, **kwargs):
        """``method`` ``<endpoint>/v2/images<path>``; the response.

        :raises: ImageNotFound on 404, ImageDownloadFailed otherwise
        """
        url = '%s/v2/images%s' % (self._endpoint(), path)
        headers = dict(self._headers(context), **kwargs.pop('headers', {}))
        try:
            return self._get_session().request(
                url, method, headers=headers, timeout=TIMEOUT,
                raise_exc=True, **kwargs)
        except ks_exc.NotFound:
            raise exception.ImageNotFound(
                image_id=path.strip('/').split('/')[0]) from None
        except ks_exc.ClientException as exc:
            raise ImageDownloadFailed(image_id=path.strip('/').split('/')[0],
                                      reason=str(exc)) from exc

    def upload(self, context, image_id, path):
        """Upload the file ``path`` as the data of the queued image
        ``image_id`` (``PUT .../file``: the image is ``saving`` during
        the upload and ``active`` after it).

        :raises: ImageNotFound, ImageDownloadFailed (refused, e.g. 409
            when the image is not queued or 413 when too big); OSError
        """
        size = os.path.getsize(path)
        with open(path, 'rb') as data:
            self._send(context, 'PUT', '/%s/file' % image_id, data=data,
                       headers={'Content-Type': 'application/octet-stream',
                                'Content-Length': str(size)})
        LOG.info('Uploaded %d bytes into image %s', size, image_id)

    def list(self, context, filters, limit=100):
        """Image bodies matching the Glance v2 list ``filters`` (dict of
        query parameters, e.g. extra properties), newest first; at most
        ``limit`` (one page).

        :raises: ImageDownloadFailed
        """
        params = dict(filters, limit=limit, sort_key='created_at',
                      sort_dir='desc')
        return self._send(context, 'GET', '', params=params).json()[
            'images']

    def delete(self, context, image_id):
        """Delete an image; one already gone is not an error.

        :raises: ImageDownloadFailed (refused)
        """
        try:
            self._send(context, 'DELETE', '/%s' % image_id)
        except exception.ImageNotFound:
            LOG.info('Image %s was already deleted', image_id)

    def show(self, context, image_id):
        """The Glance v2 body (dict) of an image.

        :raises: ImageNotFound, ImageDownloadFailed
        """
        return self._request(context, image_id).json()

    def get(self, context, image_id):
        """:returns: ImageMeta  :raises: ImageNotFound"""
        return image_meta(self.show(context, image_id))

    def download(self, context, image_id, dest_path):
        """Write the image's data to ``dest_path`` and verify it.

        :raises: ImageNotFound (no image, or no data), ImageDownloadFailed,
            ImageChecksumMismatch (``dest_path`` is removed); OSError on a
            local write failure
        """
        body = self.show(context, image_id)
        digest, expected = expected_digest(body)
        response = self._request(context, image_id + '/file', stream=True)
        if response.status_code == 204:
            raise exception.ImageNotFound(image_id=image_id)
        size = 0
        try:
            with open(dest_path, 'wb') as out:
                for chunk in response.iter_content(CHUNK):
                    size += len(chunk)
                    if digest is not None:
                        digest.update(chunk)
                    out.write(chunk)
            if digest is not None and digest.hexdigest() != expected:
                raise ImageChecksumMismatch(
                    image_id=image_id,
                    algo=body.get('os_hash_algo') or 'md5')
        except BaseException:
            _remove(dest_path)
            raise
        finally:
            response.close()
        LOG.info('Downloaded image %s (%d bytes, checksum verified: %s)',
                 image_id, size, digest is not None)


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
