"""Snapshots of a guest's root disk for the image service.

The root disk is a qcow2 overlay on a cached base image
(``imagebackend``); a snapshot is one standalone qcow2 file made of the
whole chain (``qemu-img convert -O qcow2``: the base's data and the
overlay's writes, no backing file), so the image boots anywhere like any
uploaded qcow2 image. Consistency without a guest agent: a running guest
is paused (``virDomainSuspend``: its vCPUs stop, nothing more reaches
the disk) while the copy is made, then resumed; a guest that is not
running (stopped, paused, or suspended to its managed save image) is
copied as it is and left so. The guest's own caches are not flushed (no
quiesce), so the copy is what a power cut at that instant would leave,
which journaling file systems (the tiny guest's ext4) recover from.

The copy is written to ``snapshot-<image id>.qcow2`` in the instance's
directory (the instances file system: it has room for the disk it
copies; a deleted instance takes a leftover with it) and removed after
the upload, whatever happens.
"""
import logging
import os

import libvirt
from oslo_concurrency import processutils

from nova_lite.virt.libvirt import imagebackend

LOG = logging.getLogger(__name__)

SNAPSHOT_PREFIX = 'snapshot-'


def snapshot_path(inst_dir, image_id):
    """Where the copy of the snapshot into ``image_id`` is made, in the
    instance directory ``inst_dir``.

    :raises: ValueError for an id that is not a plain file name
    """
    if not image_id or image_id.startswith('.') or os.sep in image_id:
        raise ValueError('bad image id %r' % (image_id,))
    return os.path.join(inst_dir, SNAPSHOT_PREFIX + image_id + '.qcow2')


def convert(disk_path, out_path):
    """Write the qcow2 chain of ``disk_path`` as one standalone qcow2
    file ``out_path`` (``-U``: QEMU holds a lock on a guest's disk, and
    the guest is paused or stopped while this runs).

    :raises: ProcessExecutionError
    """
    processutils.execute('qemu-img', 'convert', '-U', '-f', 'qcow2', '-O',
                         'qcow2', disk_path, out_path)


def copy_guest_disk(dom, disk_path, out_path):
    """Copy the root disk of the guest ``dom`` (a ``virDomain``) into
    ``out_path``, pausing a running guest meanwhile (see the module doc);
    the guest runs again afterwards, also when the copy failed.

    :returns: the size of the copy (bytes)
    :raises: ProcessExecutionError, libvirtError
    """
    state, _reason = dom.state()
    paused = state == libvirt.VIR_DOMAIN_RUNNING
    if paused:
        dom.suspend()
    try:
        convert(disk_path, out_path)
    finally:
        if paused:
            dom.resume()
    info = imagebackend.image_info(out_path)
    LOG.info('Snapshot copy %s: %s bytes of qcow2 (virtual %s), guest '
             'was %s', out_path, os.path.getsize(out_path),
             info.get('virtual-size'),
             'paused for the copy' if paused else 'not running')
    return os.path.getsize(out_path)


def remove(path):
    """Remove a snapshot copy; a missing one is not an error."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
