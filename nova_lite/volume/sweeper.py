"""Recovery of a volume service's transitional states (doc/volumes.md,
"Sweeper").

- ``sweep`` (every ``[volume] sweep_interval`` seconds): a volume of
  this host whose status has been ``creating``, ``attaching``,
  ``detaching``, ``deleting`` or ``extending`` for longer than
  ``[volume] transition_timeout`` seconds is moved on:

  * ``attaching``: the attach never completed (its attacher died, e.g.
    a compute killed mid-attach, or lost the answer): the exports of
    its attachments that are not ``attached`` are closed and those
    attachments deleted; the volume is ``available`` again (``in-use``
    while a completed attachment remains);
  * ``detaching``: the detach never completed: back to ``in-use`` when
    an export of its attachments still runs (the guest may still have
    the disk: detach again), else ``available`` (``in-use`` while
    attachments remain);
  * ``creating``, ``deleting``, ``extending``: ``error``.
- ``reconcile_exports`` (at service start): an export whose attachment
  is gone is closed; a live attachment whose export was open (it has a
  port) but whose qemu-nbd is gone is exported again.
"""
import datetime

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.volume import errors
from nova_lite.volume import states
from nova_lite.volume import store

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def sweep(context, host, exporter):
    """One sweep of ``host``'s stuck volumes; the number moved."""
    before = timeutils.utcnow() - datetime.timedelta(
        seconds=CONF.volume.transition_timeout)
    moved = 0
    for volume in store.volumes_stuck(context, states.TRANSITIONAL, before):
        if volume['host'] not in (host, None):
            continue
        attachments = [a for a in store.attachments_of_host(context, host)
                       if a['volume_uuid'] == volume['uuid']]
        if volume['status'] == states.ATTACHING:
            status = _undo_attach(context, exporter, volume, attachments)
        else:
            status = _verdict(exporter, volume, attachments)
            try:
                store.volume_update(context, volume['uuid'],
                                    {'status': status}, volume['status'])
            except errors.VolumeError:
                continue  # it moved on meanwhile
        LOG.warning('Volume %s stuck in %s for more than %d s: now %s',
                    volume['uuid'], volume['status'],
                    CONF.volume.transition_timeout, status)
        moved += 1
    return moved


def _verdict(exporter, volume, attachments):
    """The status a stuck volume (not attaching) goes to."""
    if volume['status'] != states.DETACHING:
        return states.ERROR
    if any(exporter.pid(a['uuid']) for a in attachments):
        return states.IN_USE
    return states.IN_USE if attachments else states.AVAILABLE


def _undo_attach(context, exporter, volume, attachments):
    """Close the exports of the volume's attachments that never
    completed and delete them (the volume's status follows: available,
    or in-use while a completed attachment remains); the status it
    goes to."""
    done = any(a['attach_status'] == 'attached' for a in attachments)
    pending = [a for a in attachments if a['attach_status'] != 'attached']
    for att in pending:
        exporter.close(att['uuid'])
        store.attachment_destroy(context, att['uuid'], {})
        LOG.warning('Attachment %s of volume %s never completed: export '
                    'closed, attachment deleted', att['uuid'],
                    volume['uuid'])
    status = states.IN_USE if done else states.AVAILABLE
    if not pending:
        # No attachment carried the status change: set it here.
        try:
            store.volume_update(context, volume['uuid'], {
                'status': status, 'attach_status': states.ATTACHED if done
                else states.DETACHED}, states.ATTACHING)
        except errors.VolumeError:
            pass  # it moved on meanwhile
    return status


def reconcile_exports(context, manager):
    """Close orphan exports, re-open lost ones (module docstring)."""
    live = {a['uuid']: a for a in store.attachments_of_host(
        context, manager.host)}
    for attachment_uuid in manager.exporter.open_exports():
        if attachment_uuid not in live:
            LOG.info('Closing the export of gone attachment %s',
                     attachment_uuid)
            manager.exporter.close(attachment_uuid)
    for attachment in live.values():
        if not attachment.get('export_port') or \
                manager.exporter.pid(attachment['uuid']):
            continue
        try:
            manager.initialize_connection(
                context, attachment['volume_uuid'], attachment['uuid'],
                attachment.get('connector') or {})
        except errors.VolumeError as exc:
            LOG.error('Re-opening the export of attachment %s failed: %s',
                      attachment['uuid'], exc.format_message())
