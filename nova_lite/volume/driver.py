"""Volume drivers: the ``VolumeDriver`` contract and ``FileDriver``,
file-backed volumes (raw or qcow2) under ``[volume] volumes_dir`` or,
for a volume of a storage pool, its pool's directory (``pool_path`` in
the volume dict the manager gives; ``nova_lite.volume.pools``).

Drivers never touch the database; they are given the volume's dict and
answer with what to record (``provider_location``, ``format``). Sizes
are GiB. Every failure is a ``DriverError``.
"""
import abc
import json
import os
import subprocess

from oslo_config import cfg
from oslo_log import log as logging

from nova_lite import exception
from nova_lite.image import glance
from nova_lite.volume import errors

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
GiB = 1024 ** 3


class VolumeDriver(abc.ABC):
    """What a volume service needs of its storage."""

    @abc.abstractmethod
    def create_volume(self, volume):
        """Make an empty ``volume['size']`` GiB volume.

        :returns: {'provider_location': str, 'format': 'raw'|'qcow2'}
        :raises: DriverError
        """

    @abc.abstractmethod
    def create_volume_from_image(self, context, volume, image_id):
        """Make the volume holding image ``image_id``, fetched over HTTP
        from the image API as computes fetch it
        (``nova_lite.image.glance``), grown to ``volume['size']`` GiB.

        :returns: like ``create_volume``
        :raises: DriverError (download or conversion failed, image larger
            than the volume)
        """

    def reimage_volume(self, context, volume, image_id):
        """Replace the volume's data by image ``image_id`` (Block Storage
        API 3.68 ``os-reimage``; a volume-backed server's rebuild, compute
        API 2.93), keeping its size. No export may be open on it.

        :returns: like ``create_volume``
        :raises: DriverError (as ``create_volume_from_image``: the volume
            keeps its old data); NotImplementedError
        """
        raise NotImplementedError()

    @abc.abstractmethod
    def create_volume_from_snapshot(self, volume, snapshot):
        """Make the volume as a copy of ``snapshot``.

        :returns: like ``create_volume``
        """

    @abc.abstractmethod
    def delete_volume(self, volume):
        """Remove the volume's storage (a no-op when it is gone)."""

    @abc.abstractmethod
    def extend_volume(self, volume, new_size):
        """Grow the volume to ``new_size`` GiB."""

    @abc.abstractmethod
    def create_snapshot(self, snapshot, volume):
        """Copy the volume.

        :returns: {'provider_location': str}
        """

    @abc.abstractmethod
    def delete_snapshot(self, snapshot):
        """Remove the snapshot's storage (a no-op when it is gone)."""


def _run(*argv, timeout=600):
    try:
        subprocess.run(argv, check=True, capture_output=True, text=True,
                       timeout=timeout)
    except subprocess.CalledProcessError as exc:
        raise errors.DriverError(reason='%s failed: %s' % (
            argv[0], (exc.stderr or '').strip()[-400:])) from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise errors.DriverError(reason='%s: %s' % (argv[0], exc)) from None


class FileDriver(VolumeDriver):
    """Volumes as files ``volume-<uuid>`` (format ``[volume]
    volume_format``) and snapshots as full copies ``snapshot-<uuid>``
    (qcow2, compressed-free) in ``[volume] volumes_dir``, made with
    qemu-img."""

    def __init__(self, volumes_dir=None):
        self.volumes_dir = volumes_dir or CONF.volume.volumes_dir
        os.makedirs(self.volumes_dir, exist_ok=True)

    def path(self, kind, uuid, directory=None):
        """The file of a volume (``kind`` 'volume') or a snapshot, in
        ``directory`` (a storage pool's, made when missing) or
        ``volumes_dir``."""
        if directory:
            os.makedirs(directory, exist_ok=True)
        return os.path.join(directory or self.volumes_dir,
                            '%s-%s' % (kind, uuid))

    def _volume_path(self, volume):
        """Where a new volume goes: its pool's directory (``pool_path``,
        set by the manager for a volume of a storage pool) or
        ``volumes_dir``."""
        return self.path('volume', volume['uuid'], volume.get('pool_path'))

    def _result(self, path, fmt):
        return {'provider_location': path, 'format': fmt}

    def create_volume(self, volume):
        fmt = CONF.volume.volume_format
        path = self._volume_path(volume)
        _run(CONF.volume.qemu_img, 'create', '-q', '-f', fmt, path,
             str(volume['size'] * GiB))
        return self._result(path, fmt)

    def create_volume_from_image(self, context, volume, image_id, path=None,
                                 fmt=None):
        fmt = fmt or CONF.volume.volume_format
        path = path or self._volume_path(volume)
        tmp = self.path('image', volume['uuid'])
        try:
            try:
                glance.API().download(context, image_id, tmp)
            except exception.NovaLiteException as exc:
                raise errors.DriverError(reason='image %s: %s' % (
                    image_id, exc.format_message())) from None
            _check_fits(tmp, volume['size'])
            _run(CONF.volume.qemu_img, 'convert', '-q', '-O', fmt, tmp,
                 path)
        finally:
            _remove(tmp)
        _run(CONF.volume.qemu_img, 'resize', '-q', '-f', fmt, path,
             str(volume['size'] * GiB))
        return self._result(path, fmt)

    def reimage_volume(self, context, volume, image_id):
        """Write image ``image_id`` over the volume, at its size and
        format: a new file renamed over the old one (a qemu-nbd still
        holding the old file keeps reading the old data: the manager
        closes the exports first)."""
        fmt = volume.get('format') or CONF.volume.volume_format
        path = volume['provider_location']
        new = path + '.reimage'
        try:
            made = self.create_volume_from_image(context, volume, image_id,
                                                 path=new, fmt=fmt)
            os.replace(new, path)
        finally:
            _remove(new)
        return dict(made, provider_location=path)

    def create_volume_from_snapshot(self, volume, snapshot):
        fmt = CONF.volume.volume_format
        path = self._volume_path(volume)
        _run(CONF.volume.qemu_img, 'convert', '-q', '-O', fmt,
             snapshot['provider_location'], path)
        if volume['size'] > snapshot['volume_size']:
            _run(CONF.volume.qemu_img, 'resize', '-q', '-f', fmt, path,
                 str(volume['size'] * GiB))
        return self._result(path, fmt)

    def delete_volume(self, volume):
        _remove(volume.get('provider_location')
                or self.path('volume', volume['uuid']))

    def extend_volume(self, volume, new_size):
        _run(CONF.volume.qemu_img, 'resize', '-q', '-f',
             volume.get('format') or 'raw', volume['provider_location'],
             str(new_size * GiB))

    def create_snapshot(self, snapshot, volume):
        path = self.path('snapshot', snapshot['uuid'])
        # -U: an in-use volume's file is held by its qemu-nbd export; a
        # forced snapshot (Cinder's force=True, createImage of a
        # volume-backed server) reads it all the same, crash-consistent.
        _run(CONF.volume.qemu_img, 'convert', '-q', '-U', '-f',
             volume.get('format') or 'raw', '-O', 'qcow2',
             volume['provider_location'], path)
        return {'provider_location': path}

    def delete_snapshot(self, snapshot):
        _remove(snapshot.get('provider_location')
                or self.path('snapshot', snapshot['uuid']))


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _check_fits(path, size_gb):
    try:
        info = json.loads(subprocess.run(
            [CONF.volume.qemu_img, 'info', '--output=json', path],
            check=True, capture_output=True, text=True, timeout=60).stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise errors.DriverError(reason='not an image: %s' % exc) from None
    if info.get('virtual-size', 0) > size_gb * GiB:
        raise errors.DriverError(reason='image virtual size %d bytes is '
                                 'larger than the volume (%d GiB)'
                                 % (info['virtual-size'], size_gb))
