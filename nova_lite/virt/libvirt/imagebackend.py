"""Base image cache of a host and the qcow2 disks of its instances.

Base images are downloaded once per host into ``[libvirt] images_path``,
one file per image id, and shared read-only: each instance's root disk is
a qcow2 overlay whose backing file is the base (``qemu-img create -f qcow2
-b <base> -F <format>``), so a boot copies no image data.
"""
import json
import logging
import os
import tempfile

from oslo_concurrency import lockutils, processutils

from nova_lite import exception

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3

# Formats a base image may have; anything else is refused.
BASE_FORMATS = ('raw', 'qcow2')

# qemu-img info parses untrusted image headers: bound its CPU time
# (seconds) and address space (bytes), as a crafted image can make it spin
# or allocate without end.
QEMU_IMG_INFO_LIMITS = processutils.ProcessLimits(cpu_time=30,
                                                  address_space=GiB)


class ImageUnacceptable(exception.Invalid):
    """An image cannot back a disk (bad format, backing file, too big)."""
    msg_fmt = 'Image %(image_id)s is unacceptable: %(reason)s'


class ImageCache:
    """Base images of one host: ``<images_path>/<image id>``.

    Each image is downloaded through ``image_api.download(context,
    image_id, dest_path)`` at most once, under a per-image lock that is
    both a thread lock and a file lock in ``<images_path>/.locks`` (so
    several compute processes sharing one cache, e.g. a lab of computes on
    one machine or an NFS-mounted cache, also download once); the file
    appears under its final name only when complete (written to a
    ``<image id>.<random>.part`` of its own first), so a crashed download
    leaves nothing that looks cached.
    """

    LOCK_DIR = '.locks'

    def __init__(self, images_path, image_api):
        self.images_path = images_path
        self.image_api = image_api

    def path(self, image_id):
        """Return the cache path of ``image_id``.

        :raises: ImageNotFound for an id that is not a plain file name
        """
        if (not image_id or image_id.startswith('.')
                or os.sep in image_id):
            raise exception.ImageNotFound(image_id=image_id)
        return os.path.join(self.images_path, image_id)

    def fetch(self, context, image_id):
        """Return the path of ``image_id``'s file, downloading it if needed.

        :raises: ImageNotFound (from the image API) when the image or its
            file is missing; OSError on a local write failure
        """
        path = self.path(image_id)
        with self._lock(image_id):
            if os.path.exists(path):
                return path
            fd, part = tempfile.mkstemp(dir=self.images_path,
                                        prefix=image_id + '.',
                                        suffix='.part')
            os.close(fd)
            LOG.info('Downloading image %s to %s', image_id, path)
            try:
                self.image_api.download(context, image_id, part)
                os.replace(part, path)
            finally:
                _remove_file(part)
        return path

    def remove(self, image_id):
        """Drop ``image_id`` from the cache (no error when absent).

        The caller makes sure no overlay still uses it as backing file.
        """
        path = self.path(image_id)
        with self._lock(image_id):
            _remove_file(path)

    def _lock(self, image_id):
        """The thread and file lock of ``image_id`` (creates the cache
        directory and its lock directory)."""
        lock_path = os.path.join(self.images_path, self.LOCK_DIR)
        os.makedirs(lock_path, exist_ok=True)
        return lockutils.lock(_lock_name(image_id), external=True,
                              lock_path=lock_path)


def _lock_name(image_id):
    """Name of the lock serialising downloads/removal of ``image_id``."""
    return f'nova-lite-image-{image_id}'


def _remove_file(path):
    """Remove ``path``; a missing file is not an error."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def image_info(path):
    """Return ``qemu-img info`` of ``path`` as a dict.

    Keys used here: ``format`` (str), ``virtual-size`` (bytes),
    ``backing-filename`` (present only for images with a backing file).

    :raises: oslo_concurrency.processutils.ProcessExecutionError
    """
    out, _err = processutils.execute(
        'qemu-img', 'info', '--output=json', '--force-share', path,
        prlimit=QEMU_IMG_INFO_LIMITS)
    return json.loads(out)


def check_base(image_id, path, disk_format, size_gb):
    """Check the base image at ``path`` and return its format.

    :param disk_format: the image's declared ``disk_format``; 'raw' is
        trusted as is (the guest sees the bytes whatever they hold, and
        nothing parses them on the host), any other value is checked
        against what qemu-img finds
    :param size_gb: the flavor's root disk in GiB; 0 means "the image's
        size"
    :returns: 'raw' or 'qcow2'
    :raises: ImageUnacceptable for another format, a qcow2 image with a
        backing file of its own (it could point at any host file), or an
        image whose virtual size exceeds ``size_gb``
    """
    if disk_format == 'raw':
        fmt, virtual_size = 'raw', os.path.getsize(path)
    else:
        info = image_info(path)
        fmt, virtual_size = _checked_format(image_id, info), \
            info['virtual-size']
    if size_gb and virtual_size > size_gb * GiB:
        raise ImageUnacceptable(
            image_id=image_id,
            reason=f'its virtual size ({virtual_size} bytes) exceeds the '
                   f'flavor root disk ({size_gb} GiB)')
    return fmt


def _checked_format(image_id, info):
    """Return the format in ``info`` (qemu-img info) if it may back a disk.

    :raises: ImageUnacceptable
    """
    found = info.get('format')
    if found not in BASE_FORMATS:
        raise ImageUnacceptable(image_id=image_id,
                                reason=f'format {found} is not one of '
                                       f'{", ".join(BASE_FORMATS)}')
    if info.get('backing-filename'):
        raise ImageUnacceptable(image_id=image_id,
                                reason='it has a backing file')
    return found


def create_overlay(base_path, base_fmt, path, size_gb=0):
    """Create the qcow2 disk ``path`` backed by ``base_path``.

    :param base_fmt: format of the base ('raw' or 'qcow2'), given to
        qemu-img explicitly so it is never probed from the file
    :param size_gb: virtual size in GiB; 0 keeps the base's size
    :raises: ProcessExecutionError
    """
    cmd = ['qemu-img', 'create', '-f', 'qcow2', '-b', base_path,
           '-F', base_fmt, path]
    if size_gb:
        cmd.append(f'{size_gb}G')
    processutils.execute(*cmd)


def create_blank(path, size_gb):
    """Create an empty qcow2 disk of ``size_gb`` GiB at ``path``.

    :raises: ProcessExecutionError
    """
    processutils.execute('qemu-img', 'create', '-f', 'qcow2', path,
                         f'{size_gb}G')


def remove_disk(path):
    """Remove an instance disk; a missing one is not an error."""
    _remove_file(path)
