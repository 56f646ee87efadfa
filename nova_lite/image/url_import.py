"""Image data imported from a URL: CloudStack's registerTemplate (the
template's file is downloaded by the cloud, not uploaded by the caller;
doc/cloudstack.md "Templates").

Which URLs: ``http``/``https`` URLs whose host is a loopback address
(``localhost``, an IPv4 literal in 127.0.0.0/8, ``::1``), and
``file://`` URLs of files under ``[image] import_allowed_dirs`` (none
by default). Anything else is refused before the image is created: the
API would fetch whatever a caller names (a server-side request forgery),
and the lab this runs in reaches nothing beyond this machine anyway.
Host names other than ``localhost`` are not resolved (a DNS answer could
change between the check and the fetch), and redirects are not followed.

How: the download runs in the API process, in a bounded pool
(``[image] import_workers``), within ``[image] import_timeout`` seconds
and ``[image] max_image_size_mb``; the data goes to ``<store>/<image
uuid>.download``, is checked (the ``checksum`` when given: ``{ALGO}hex``
as CloudStack writes it, e.g. ``{SHA-256}ab12...``, or bare hex: MD5,
SHA-1, SHA-256 or SHA-512 by its length; a QCOW2 template must start
with the qcow2 magic) and only then becomes the image's file: the image
goes ``queued`` → ``saving`` → ``active``, or ``killed`` with the
property ``import_error`` saying why. An API restart during a download
leaves the image ``saving``; delete it (deleteTemplate) and register it
again.
"""
import hashlib
import ipaddress
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import futurist
from oslo_config import cfg
from oslo_log import log as logging

from nova_lite import context as nl_context
from nova_lite.db import images as image_db
from nova_lite import exception
from nova_lite.image import api as image_api

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
_CHUNK = 1024 * 1024
QCOW2_MAGIC = b'QFI\xfb'
#: CloudStack's checksum algorithm names → hashlib names.
ALGORITHMS = {'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-224': 'sha224',
              'SHA-256': 'sha256', 'SHA-384': 'sha384',
              'SHA-512': 'sha512'}
_BY_LENGTH = {32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512'}
_CHECKSUM = re.compile(r'^(?:\{([A-Za-z0-9-]+)\})?([0-9a-fA-F]+)$')


def _is_loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url, allowed_dirs=None):
    """The URL, when it may be imported (see the module doc).

    :param allowed_dirs: directories of ``file://`` URLs (default
        ``[image] import_allowed_dirs``)
    :raises: Invalid (400) saying why not
    """
    parts = urllib.parse.urlsplit(url or '')
    scheme = parts.scheme.lower()
    if scheme in ('http', 'https'):
        if not _is_loopback((parts.hostname or '').lower()):
            raise exception.Invalid(
                'only URLs on this machine\'s loopback (localhost, '
                '127.0.0.0/8, ::1) can be registered: the image service '
                'does not fetch other hosts')
        return url
    if scheme == 'file':
        dirs = CONF.image.import_allowed_dirs if allowed_dirs is None \
            else allowed_dirs
        path = os.path.realpath(urllib.parse.unquote(parts.path))
        for allowed in dirs:
            root = os.path.realpath(allowed)
            if os.path.commonpath([root, path]) == root:
                return url
        raise exception.Invalid(
            'file:// URLs must name a file under [image] '
            'import_allowed_dirs')
    raise exception.Invalid('the URL must be http://, https:// (on the '
                            'loopback) or file://')


def parse_checksum(checksum):
    """``(hashlib name, lower-case hex)`` of a checksum parameter, or None
    when there is none.

    :raises: Invalid for an unknown algorithm or a malformed value
    """
    if not checksum:
        return None
    match = _CHECKSUM.match(checksum.strip())
    if not match:
        raise exception.Invalid('checksum must be hex digits, optionally '
                                'after {ALGORITHM} (e.g. {SHA-256})')
    algo, digest = match.group(1), match.group(2).lower()
    name = ALGORITHMS.get(algo.upper()) if algo else _BY_LENGTH.get(
        len(digest))
    if name is None or len(digest) != hashlib.new(name).digest_size * 2:
        raise exception.Invalid('checksum: unknown algorithm or length '
                                '(use MD5, SHA-1, SHA-256 or SHA-512)')
    return name, digest


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(newurl, code, 'redirects are not '
                                     'followed', headers, fp)


def _open(url, timeout):
    if urllib.parse.urlsplit(url).scheme.lower() == 'file':
        return open(urllib.parse.unquote(urllib.parse.urlsplit(url).path),
                    'rb')
    opener = urllib.request.build_opener(_NoRedirect)
    return opener.open(url, timeout=timeout)


def _fetch(url, dest, checksum):
    """Download ``url`` into ``dest``; ``(size, md5 hex, wanted digest hex
    or None)``.

    :raises: Invalid (too large, too slow), OSError, URLError
    """
    limit = CONF.image.max_image_size_mb * 1024 * 1024
    deadline = time.monotonic() + CONF.image.import_timeout
    md5 = hashlib.md5(usedforsecurity=False)
    wanted = hashlib.new(checksum[0]) if checksum else None
    size = 0
    with _open(url, CONF.image.import_timeout) as src, \
            open(dest, 'wb') as out:
        while True:
            chunk = src.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise exception.Invalid('larger than [image] '
                                        'max_image_size_mb')
            if time.monotonic() > deadline:
                raise exception.Invalid('not downloaded within [image] '
                                        'import_timeout')
            md5.update(chunk)
            if wanted is not None:
                wanted.update(chunk)
            out.write(chunk)
    return size, md5.hexdigest(), wanted.hexdigest() if wanted else None


def _check_data(path, disk_format, checksum, digest):
    """:raises: Invalid for a checksum or format mismatch"""
    if checksum and digest != checksum[1]:
        raise exception.Invalid('checksum mismatch: the data has %s %s'
                                % (checksum[0], digest))
    if disk_format == 'qcow2':
        with open(path, 'rb') as data:
            if data.read(len(QCOW2_MAGIC)) != QCOW2_MAGIC:
                raise exception.Invalid('the data is not a qcow2 image')


def run_import(image_uuid, url, disk_format, checksum):
    """Download the data of queued image ``image_uuid`` from ``url`` (see
    the module doc); never raises: a failure kills the image.

    :param checksum: ``parse_checksum``'s answer, or None
    """
    ctx = nl_context.get_admin_context()
    if not image_db.image_update_if(ctx, image_uuid, 'queued',
                                    {'status': 'saving'}):
        return
    os.makedirs(CONF.image.store_path, exist_ok=True)
    final = image_api.image_path(image_uuid)
    part = final + '.download'
    try:
        size, md5, digest = _fetch(url, part, checksum)
        _check_data(part, disk_format, checksum, digest)
        os.replace(part, final)
    except Exception as exc:  # noqa: BLE001 - the image records why
        reason = exc.format_message() if isinstance(
            exc, exception.NovaLiteException) else str(exc)
        LOG.warning('Import of image %s failed: %s', image_uuid, reason)
        _remove(part)
        _kill(ctx, image_uuid, reason)
        return
    if not image_db.image_update_if(ctx, image_uuid, 'saving', {
            'status': 'active', 'size': size, 'checksum': md5}):
        _remove(final)
        return
    LOG.info('Image %s imported: %d bytes', image_uuid, size)


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _kill(ctx, image_uuid, reason):
    try:
        props = dict(image_db.image_get(ctx, image_uuid).get(
            'properties') or {})
    except exception.ImageNotFound:
        return
    props['import_error'] = reason[:255]
    image_db.image_update_if(ctx, image_uuid, 'saving',
                             {'status': 'killed', 'properties': props})


class Importer:
    """The API process's pool of downloads (``[image] import_workers``)."""

    _executor = None

    @classmethod
    def start(cls, image_uuid, url, disk_format, checksum):
        """Queue the import of ``image_uuid`` (see ``run_import``)."""
        if cls._executor is None:
            cls._executor = futurist.ThreadPoolExecutor(
                max_workers=CONF.image.import_workers)
        cls._executor.submit(run_import, image_uuid, url, disk_format,
                             checksum)
