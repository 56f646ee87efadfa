"""Instance files fetched from another host's libvirtd (cold migration).

``[libvirt] remote_filesystem_transport = libvirt``: the destination of a
cold migration or resize downloads the files the source set aside
(``<instances_path>/<uuid>_resize``) through the source host's libvirtd,
``[libvirt] remote_filesystem_uri`` with the source compute's host name
(e.g. ``qemu+tcp://node1/system`` over a lab link). The directory is
opened there as a transient storage pool of type ``dir``; each regular
file of it (volumes of type ``file``; the console socket directory is a
volume of type ``dir``, skipped) is streamed with
``virStorageVolDownload`` as it is (a qcow2 overlay stays qcow2, holes
are sent as holes), then the pool is
stopped (a transient pool is gone when stopped; the files stay). Nova
copies these files with ssh or rsync instead (its
``remote_filesystem_transport``); libvirt's own stream needs no account
or key on the source and is the connection live migration uses.
"""
import logging
import os

import libvirt

import nova_lite.conf

CONF = nova_lite.conf.CONF
LOG = logging.getLogger(__name__)
POOL_PREFIX = 'nova-lite-fetch-'


def source_uri(source_host):
    """``[libvirt] remote_filesystem_uri`` for ``source_host``."""
    return CONF.libvirt.remote_filesystem_uri % source_host


def _pool_xml(name, path):
    return ("<pool type='dir'><name>%s</name><target><path>%s</path>"
            "</target></pool>" % (name, path))


def _download(conn, vol, dest):
    """Stream volume ``vol`` of ``conn`` into the new file ``dest``;
    returns its size in bytes (holes included)."""
    stream = conn.newStream(0)
    with open(dest, 'wb') as f:
        def write(_stream, data, fd):
            return os.write(fd, data)

        def hole(_stream, length, fd):
            os.lseek(fd, length, os.SEEK_CUR)
            return 0

        flags = libvirt.VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM
        vol.download(stream, 0, 0, flags)
        stream.sparseRecvAll(write, hole, f.fileno())
        stream.finish()
        size = f.tell()
        f.truncate(size)
    return size


def fetch_dir(source_host, source_dir, dest_dir, open_conn=libvirt.open):
    """Copy the regular files of ``source_dir`` on ``source_host`` into a
    new local ``dest_dir`` through the source's libvirtd.

    :param source_host: the source compute's host name
    :param source_dir: absolute path on the source host
    :param dest_dir: local directory to create (must not exist)
    :returns: {file name: size in bytes}
    :raises: libvirtError (source unreachable, directory missing, a
        stream failure) after removing what was written; FileExistsError
    """
    uri = source_uri(source_host)
    os.makedirs(dest_dir)
    conn = open_conn(uri)
    pool = None
    sizes = {}
    try:
        pool = conn.storagePoolCreateXML(_pool_xml(
            POOL_PREFIX + os.path.basename(source_dir), source_dir), 0)
        for vol in sorted(pool.listAllVolumes(0), key=lambda v: v.name()):
            if vol.info()[0] != libvirt.VIR_STORAGE_VOL_FILE:
                continue
            sizes[vol.name()] = _download(
                conn, vol, os.path.join(dest_dir, vol.name()))
        LOG.info('Fetched %s from %s:%s (%d bytes)', sorted(sizes), uri,
                 source_dir, sum(sizes.values()))
        return sizes
    except Exception:
        for name in os.listdir(dest_dir):
            os.unlink(os.path.join(dest_dir, name))
        os.rmdir(dest_dir)
        raise
    finally:
        if pool is not None:
            try:
                pool.destroy()
            except libvirt.libvirtError as exc:
                LOG.warning('Stopping the pool of %s on %s: %s', source_dir,
                            uri, exc)
        conn.close()
